"""The real-text corpus: verbatim release texts with hand-written expected figures.

`python -m tests.corpus check` validates every file of tests/fixtures/real/ without running the
extractor (see tests/fixtures/real/README.md for the format).
"""

from __future__ import annotations

import csv
import sys
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pydantic import ValidationError

from flows.model.release import Figure
from flows.paths import SEEDS_DIR

CORPUS_DIR = Path(__file__).parent / "fixtures" / "real"
_META_KEYS = {"url", "published_on", "published_on_evidence", "publisher", "language",
              "geography", "retrieved", "annotator_note", "figure", "nothing"}
_FIGURE_KEYS = {"at", "metric", "period", "value", "unit", "comparator", "yoy",
                "yoy_comparator", "classes", "note"}
_NOTHING_KEYS = {"at", "why", "classes"}


class CorpusError(ValueError):
    """A corpus file is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Expected:
    """One figure an analyst would record from a text."""

    at: str
    metric: str
    period: tuple[str, date, date]
    value: Decimal | None
    unit: str
    comparator: str | None
    yoy: Decimal | None
    yoy_comparator: str | None
    classes: tuple[int, ...]


@dataclass(frozen=True)
class Nothing:
    """A span of text from which no figure may be loaded, and why."""

    at: str
    why: str
    classes: tuple[int, ...]


@dataclass(frozen=True)
class CorpusText:
    """One verbatim text with where it came from and what it should yield."""

    slug: str
    text: str
    url: str
    published_on: date
    language: str
    geography: str | None
    figures: tuple[Expected, ...]
    nothing: tuple[Nothing, ...]


def metric_units() -> dict[str, str]:
    """Each metric of metrics.csv with its unit."""
    with (SEEDS_DIR / "metrics.csv").open(encoding="utf-8") as handle:
        return {row["metric_id"]: row["unit"] for row in csv.DictReader(handle)}


def _decimal(raw: object, what: str, where: str) -> Decimal | None:
    if raw is None:
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        raise CorpusError(f"{where}: {what} {raw!r} is not a number") from None


def _classes(raw: object, where: str) -> tuple[int, ...]:
    classes = tuple(raw or ())
    if not all(isinstance(c, int) and 1 <= c <= 10 for c in classes):
        raise CorpusError(f"{where}: classes must be numbers from 1 to 10, not {raw!r}")
    return classes


def _expected(raw: dict, where: str, text: str, published_on: date,
              units: dict[str, str]) -> Expected:
    unknown = set(raw) - _FIGURE_KEYS
    if unknown:
        raise CorpusError(f"{where}: unknown key(s) {sorted(unknown)}")
    at = raw.get("at", "")
    if not at or at not in text:
        raise CorpusError(f"{where}: 'at' {at!r} does not occur in the text")
    metric = raw.get("metric")
    if metric not in units:
        raise CorpusError(f"{where}: metric {metric!r} is not in metrics.csv")
    if raw.get("unit") != units[metric]:
        raise CorpusError(f"{where}: unit {raw.get('unit')!r} is not {metric}'s unit "
                          f"{units[metric]!r}")
    period = raw.get("period")
    if not (isinstance(period, list) and len(period) == 3):
        raise CorpusError(f"{where}: period must be [kind, start, end]")
    value = _decimal(raw.get("value"), "value", where)
    yoy = _decimal(raw.get("yoy"), "yoy", where)
    try:
        Figure(metric_id=metric, period_kind=period[0], period_start=period[1],
               period_end=period[2], value=value,
               value_as_written=None if value is None else format(value, "f"),
               unit=raw["unit"], comparator=raw.get("comparator"), yoy_pct=yoy,
               yoy_comparator=raw.get("yoy_comparator"), reported_by="corpus", quote=at)
    except ValidationError as exc:
        problems = "; ".join(e["msg"] for e in exc.errors())
        raise CorpusError(f"{where}: {problems}") from None
    start, end = date.fromisoformat(period[1]), date.fromisoformat(period[2])
    if start > published_on or (period[0] != "level" and end > published_on):
        raise CorpusError(f"{where}: period {start}..{end} had not ended by {published_on}")
    return Expected(at=at, metric=metric, period=(period[0], start, end), value=value,
                    unit=raw["unit"], comparator=raw.get("comparator"), yoy=yoy,
                    yoy_comparator=raw.get("yoy_comparator"),
                    classes=_classes(raw.get("classes"), where))


def read_text(toml_path: Path, units: dict[str, str] | None = None) -> CorpusText:
    """One corpus entry: the .toml and the .txt beside it, checked."""
    units = units or metric_units()
    txt_path = toml_path.with_suffix(".txt")
    name = toml_path.name
    try:
        meta = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{name}: not valid TOML: {exc}") from None
    if not txt_path.exists():
        raise CorpusError(f"{name}: its text {txt_path.name} is missing")
    text = txt_path.read_text(encoding="utf-8")
    unknown = set(meta) - _META_KEYS
    if unknown:
        raise CorpusError(f"{name}: unknown key(s) {sorted(unknown)}")
    for key in ("url", "published_on", "published_on_evidence", "publisher", "language"):
        if not meta.get(key):
            raise CorpusError(f"{name}: '{key}' is required")
    published_on = meta["published_on"]
    if not isinstance(published_on, date):
        published_on = date.fromisoformat(str(published_on))
    if meta["language"] not in ("zh", "en"):
        raise CorpusError(f"{name}: language must be zh or en")
    if meta.get("geography") not in (None, "China", "Yiwu"):
        raise CorpusError(f"{name}: geography must be China or Yiwu, or left out")
    figures = tuple(_expected(raw, f"{name} figure {i + 1}", text, published_on, units)
                    for i, raw in enumerate(meta.get("figure", [])))
    seen: set[tuple] = set()
    for fig in figures:
        key = (fig.metric, fig.period)
        if key in seen:
            raise CorpusError(f"{name}: {fig.metric} {fig.period} is listed twice")
        seen.add(key)
    nothing = []
    for i, raw in enumerate(meta.get("nothing", [])):
        where = f"{name} nothing {i + 1}"
        if set(raw) - _NOTHING_KEYS:
            raise CorpusError(f"{where}: unknown key(s) {sorted(set(raw) - _NOTHING_KEYS)}")
        if not raw.get("at") or raw["at"] not in text:
            raise CorpusError(f"{where}: 'at' {raw.get('at')!r} does not occur in the text")
        if not raw.get("why"):
            raise CorpusError(f"{where}: say 'why' nothing may be loaded from it")
        nothing.append(Nothing(raw["at"], raw["why"], _classes(raw.get("classes"), where)))
    return CorpusText(slug=toml_path.stem, text=text, url=meta["url"],
                      published_on=published_on, language=meta["language"],
                      geography=meta.get("geography"), figures=figures, nothing=tuple(nothing))


def read_corpus(directory: Path = CORPUS_DIR) -> list[CorpusText]:
    """Every entry of the corpus, in name order."""
    units = metric_units()
    return [read_text(path, units) for path in sorted(directory.glob("*.toml"))]


def main(argv: list[str]) -> int:
    """`check`: validate every file and print a summary."""
    if argv[:1] != ["check"]:
        print("usage: python -m tests.corpus check", file=sys.stderr)
        return 2
    errors = 0
    texts = []
    units = metric_units()
    for path in sorted(CORPUS_DIR.glob("*.toml")):
        try:
            texts.append(read_text(path, units))
        except CorpusError as exc:
            print(f"error: {exc}")
            errors += 1
    orphans = {p.stem for p in CORPUS_DIR.glob("*.txt")} - {p.stem for p in
                                                             CORPUS_DIR.glob("*.toml")}
    for orphan in sorted(orphans):
        print(f"error: {orphan}.txt has no {orphan}.toml")
        errors += 1
    zh = sum(t.language == "zh" for t in texts)
    print(f"{len(texts)} texts ({zh} Chinese), {sum(len(t.figures) for t in texts)} expected "
          f"figures, {sum(len(t.nothing) for t in texts)} spans that must load nothing; "
          f"{errors} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
