"""Score the extractor on the real-text corpus (tests/fixtures/real/): `make score-extract`.

For every text, the extractor reads it and decides what loads (flows/extract: extract_figures,
then decide). A loaded figure is right when an expected figure has the same metric, period,
value, unit, comparator and growth rate (with its comparator). Printed:

- recall: expected figures loaded fully right;
- precision: loaded figures that are right;
- loaded wrong: loaded figures that are not right (a wrong metric, period, value, … or a
  number that should not have loaded at all);
- per field, how often the figure the extractor read at an expected figure's place had that
  field right (recall) and how often a loaded figure had it right (precision).

`--show` lists every miss and every wrong load.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from flows.extract import Outcome, decide, extract_figures
from flows.extract.lexicon import lexicon_path, load_lexicon
from flows.paths import SEEDS_DIR
from tests.corpus import CORPUS_DIR, CorpusText, Expected, metric_units, read_corpus

FIELDS = ("metric", "period", "value", "unit", "comparator", "growth")


def _fields(outcome: Outcome) -> dict[str, object]:
    fig = outcome.loaded or outcome.figure
    figure = outcome.figure
    period = (figure.period_kind, figure.period_start, figure.period_end)
    if outcome.loaded is not None:
        period = (fig.period_kind, fig.period_start, fig.period_end)
    return {
        "metric": fig.metric_id,
        "period": period,
        "value": None if fig.value is None else Decimal(fig.value).normalize(),
        "unit": fig.unit if fig.value is not None else None,
        "comparator": fig.comparator if fig.value is not None else None,
        "growth": None if fig.yoy_pct is None else (Decimal(fig.yoy_pct).normalize(),
                                                    fig.yoy_comparator),
    }


def _expected_fields(exp: Expected) -> dict[str, object]:
    return {
        "metric": exp.metric,
        "period": exp.period,
        "value": None if exp.value is None else exp.value.normalize(),
        "unit": exp.unit if exp.value is not None else None,
        "comparator": exp.comparator if exp.value is not None else None,
        "growth": None if exp.yoy is None else (exp.yoy.normalize(), exp.yoy_comparator),
    }


@dataclass
class Score:
    """Counts over the corpus."""

    expected: int = 0
    recalled: int = 0
    loaded: int = 0
    loaded_right: int = 0
    field_recall: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    field_precision: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def loaded_wrong(self) -> int:
        """Figures that would be loaded although they are not right."""
        return self.loaded - self.loaded_right

    @property
    def recall(self) -> float:
        """Share of expected figures loaded fully right."""
        return self.recalled / self.expected if self.expected else 0.0

    @property
    def precision(self) -> float:
        """Share of loaded figures that are right."""
        return self.loaded_right / self.loaded if self.loaded else 1.0


def spans_of(text: str, at: str) -> list[tuple[int, int]]:
    out, start = [], text.find(at)
    while start >= 0:
        out.append((start, start + len(at)))
        start = text.find(at, start + 1)
    return out


def _at(outcome: Outcome, spans: list[tuple[int, int]]) -> bool:
    """True when the outcome's number (or rate) lies inside one of the spans."""
    fig = outcome.figure
    places = [p for p in (fig.span, fig.rate_span) if p is not None]
    return any(s <= p[0] and p[1] <= e for p in places for s, e in spans)


def outcomes_of(entry: CorpusText, lexicon, units) -> list[Outcome]:
    """What the extractor makes of one corpus text."""
    extracted = extract_figures(entry.text, entry.published_on, lexicon, entry.geography)
    return decide(extracted, entry.published_on, "corpus", units)


def score(entries: list[CorpusText] | None = None) -> Score:
    """Run the extractor over the corpus and count."""
    entries = entries if entries is not None else read_corpus()
    lexicon = load_lexicon(lexicon_path("cbec"), SEEDS_DIR / "metrics.csv")
    units = metric_units()
    total = Score()
    for entry in entries:
        outcomes = outcomes_of(entry, lexicon, units)
        loaded = [o for o in outcomes if o.loaded is not None]
        expected = {(e.metric, e.period): e for e in entry.figures}
        right_keys = set()
        for outcome in loaded:
            got = _fields(outcome)
            exp = expected.get((got["metric"], got["period"]))
            if exp is None:
                exp = next((e for e in entry.figures if _at(outcome, spans_of(entry.text, e.at))),
                           None)
            want = _expected_fields(exp) if exp else None
            total.loaded += 1
            for name in FIELDS:
                total.field_precision[name] += bool(want and got[name] == want[name])
            if want == got:
                total.loaded_right += 1
                right_keys.add((exp.metric, exp.period))
            else:
                total.wrong.append(f"{entry.slug}: loaded {got} where "
                                   f"{'expected ' + str(want) if want else 'nothing'}: "
                                   f"{outcome.figure.quote[:160]!r}")
        for exp in entry.figures:
            total.expected += 1
            want = _expected_fields(exp)
            spans = spans_of(entry.text, exp.at)
            here = [o for o in outcomes if _at(o, spans)]
            best = next((o for o in here if o.loaded is not None), here[0] if here else None)
            got = _fields(best) if best else {}
            for name in FIELDS:
                total.field_recall[name] += bool(best and got[name] == want[name])
            if (exp.metric, exp.period) in right_keys:
                total.recalled += 1
            else:
                why = best.reason if best else "nothing read there"
                total.misses.append(f"{entry.slug}: missed {exp.metric} {exp.period[1]}.."
                                    f"{exp.period[2]} at {exp.at!r}: {why}")
    return total


def report(result: Score, texts: int) -> str:
    """The scorer's table."""
    lines = [f"extractor on {texts} real texts: {result.expected} expected figures, "
             f"{result.loaded} loaded",
             f"{'field':<12}{'recall':>9}{'precision':>11}"]
    for name in FIELDS:
        recall = result.field_recall[name] / result.expected if result.expected else 0
        precision = result.field_precision[name] / result.loaded if result.loaded else 1
        lines.append(f"{name:<12}{recall:>9.1%}{precision:>11.1%}")
    lines.append(f"{'all fields':<12}{result.recall:>9.1%}{result.precision:>11.1%}")
    lines.append(f"recall {result.recalled}/{result.expected} = {result.recall:.1%}; "
                 f"precision {result.loaded_right}/{result.loaded} = {result.precision:.1%}; "
                 f"loaded wrong: {result.loaded_wrong}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Print the score; exit 1 when any figure would be loaded wrong."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="list misses and wrong loads")
    parser.add_argument("--text", help="print every outcome for the texts whose name has this")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR,
                        help="folder of texts (default: the development corpus)")
    args = parser.parse_args(argv)
    entries = read_corpus(args.corpus)
    if args.text:
        lexicon = load_lexicon(lexicon_path("cbec"), SEEDS_DIR / "metrics.csv")
        for entry in (e for e in entries if args.text in e.slug):
            print(f"== {entry.slug}")
            for o in outcomes_of(entry, lexicon, metric_units()):
                f = o.loaded or o.figure
                print(f"  {'LOAD' if o.loaded else 'hold'} {f.metric_id} {f.period_kind} "
                      f"{f.period_start}..{f.period_end} {f.value_as_written} {f.multiplier} "
                      f"{f.unit} {f.comparator} yoy={f.yoy_pct} | {o.reason} | "
                      f"{o.figure.rules}")
        return 0
    result = score(entries)
    if args.show:
        for line in result.misses:
            print("MISS ", line)
        for line in result.wrong:
            print("WRONG", line)
    print(report(result, len(entries)))
    return 1 if result.loaded_wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
