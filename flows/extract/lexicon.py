"""Lexicons: the phrases that tell the extractor which metric a printed number measures."""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from flows.paths import LEXICONS_DIR as LEXICON_DIR

HEDGES_FILE = "hedges.toml"  # hedge words, shared by every lexicon (load_hedges)


class LexiconError(ValueError):
    """A lexicon file is wrong; the message names the file, the problem and the fix."""


@dataclass(frozen=True)
class Term:
    """Phrases that name one metric, and where they apply."""

    metric_id: str
    phrases: tuple[str, ...]
    unit: str
    measure: str = "flow"
    geography: str | None = None
    within: str | None = None
    after: tuple[str, ...] = ()   # count nouns that name the metric right after a number


@dataclass(frozen=True)
class Lexicon:
    """A named set of terms, geography words, unit words, the words that make a figure a part
    of a total (breakdowns, by kind), other places, and cue words (forecast, present, …)."""

    name: str
    terms: tuple[Term, ...]
    geographies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    breakdowns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    places: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def term_for(self, metric_id: str) -> Term | None:
        """The term of a metric, if the lexicon has one."""
        return next((t for t in self.terms if t.metric_id == metric_id), None)


def lexicon_path(name: str) -> Path:
    """Where the lexicon of a name lives: warehouse/lexicons/<name>.toml."""
    return LEXICON_DIR / f"{name}.toml"


def _term(raw: object, index: int, path: Path) -> Term:
    if not isinstance(raw, dict):
        raise LexiconError(f"lexicon {path}: term {index + 1} is not a table")
    unknown = set(raw) - {"metric", "phrases", "unit", "measure", "geography", "within",
                          "after"}
    if unknown:
        raise LexiconError(f"lexicon {path}: term {index + 1} has unknown key(s) "
                           f"{', '.join(sorted(unknown))}")
    phrases = raw.get("phrases") or []
    if not raw.get("metric") or not phrases or not all(isinstance(p, str) and p for p in phrases):
        raise LexiconError(f"lexicon {path}: term {index + 1} needs 'metric' and a non-empty "
                           "list of 'phrases'")
    if not raw.get("unit"):
        raise LexiconError(f"lexicon {path}: term for {raw['metric']} needs its 'unit'")
    measure = raw.get("measure", "flow")
    if measure not in ("flow", "stock", "ratio"):
        raise LexiconError(f"lexicon {path}: term for {raw['metric']} has measure {measure!r}; "
                           "use flow, stock or ratio")
    return Term(metric_id=raw["metric"], phrases=tuple(phrases), unit=raw["unit"],
                measure=measure, geography=raw.get("geography"), within=raw.get("within"),
                after=tuple(raw.get("after", ())))


def load_lexicon(path: Path, metrics_csv: Path | None = None) -> Lexicon:
    """Read a lexicon file; with metrics_csv, also check every metric and unit against it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        names = sorted(p.stem for p in LEXICON_DIR.glob("*.toml") if p.name != HEDGES_FILE)
        raise LexiconError(f"lexicon {path} does not exist; name one of {names}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LexiconError(f"lexicon {path} is not valid TOML: {exc}") from None
    terms = tuple(_term(raw, i, path) for i, raw in enumerate(data.get("term", [])))
    if not terms:
        raise LexiconError(f"lexicon {path} has no [[term]]; add at least one")
    def lists(key: str) -> dict[str, tuple[str, ...]]:
        table = data.get(key, {})
        if not isinstance(table, dict) or not all(
                isinstance(v, list) and all(isinstance(w, str) and w for w in v)
                for v in table.values()):
            raise LexiconError(f"lexicon {path}: [{key}] must hold lists of words")
        return {k: tuple(v) for k, v in table.items()}

    lexicon = Lexicon(name=data.get("name", path.stem), terms=terms,
                      geographies=lists("geographies"), units=dict(data.get("units", {})),
                      breakdowns=lists("breakdowns"), places=lists("places"),
                      cues=lists("cues"))
    if metrics_csv is not None:
        _check_metrics(lexicon, path, metrics_csv)
    return lexicon


def _check_metrics(lexicon: Lexicon, path: Path, metrics_csv: Path) -> None:
    with metrics_csv.open(encoding="utf-8") as handle:
        units = {row["metric_id"]: row["unit"] for row in csv.DictReader(handle)}
    for term in lexicon.terms:
        if term.metric_id not in units:
            raise LexiconError(f"lexicon {path}: metric {term.metric_id!r} is not in "
                               f"{metrics_csv.name}; add it there or fix the term")
        if units[term.metric_id] != term.unit:
            raise LexiconError(f"lexicon {path}: {term.metric_id} is measured in "
                               f"{units[term.metric_id]!r}, not {term.unit!r}")
        if term.within and lexicon.term_for(term.within) is None:
            raise LexiconError(f"lexicon {path}: {term.metric_id} is 'within' "
                               f"{term.within!r}, which has no term")


COMPARATORS = ("<", "<=", "~", "=", ">=", ">")
HEDGE_PLACES = ("amount", "amount_after", "rate", "count_opening")


@dataclass(frozen=True)
class Hedges:
    """The hedge words of warehouse/lexicons/hedges.toml, by where they stand and language, each
    with its comparator, longest first: the first that fits is the longest."""

    words: dict[str, dict[str, tuple[tuple[str, str], ...]]]

    def of(self, place: str, language: str) -> tuple[tuple[str, str], ...]:
        """(word, comparator) pairs of a place (amount, amount_after, rate, count_opening)."""
        return self.words.get(place, {}).get(language, ())

    def comparators(self, place: str, language: str) -> dict[str, str]:
        return dict(self.of(place, language))

    def pattern(self, place: str, language: str) -> str:
        """A regular-expression alternation of a place's words, longest first."""
        return "|".join(re.escape(word) for word, _ in self.of(place, language))


@cache
def load_hedges(path: Path | None = None) -> Hedges:
    """Read the hedge words; a wrong file is one LexiconError naming the file and the fix."""
    path = path or LEXICON_DIR / HEDGES_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LexiconError(f"hedge words {path} cannot be read: {exc}") from None
    words: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {}
    for place, languages in data.items():
        if place not in HEDGE_PLACES or not isinstance(languages, dict):
            raise LexiconError(f"hedge words {path}: [{place}] is not one of "
                               f"{', '.join(HEDGE_PLACES)}")
        for language, table in languages.items():
            if not isinstance(table, dict) or not all(
                    isinstance(w, str) and w and c in COMPARATORS for w, c in table.items()):
                raise LexiconError(f"hedge words {path}: [{place}.{language}] must map words to "
                                   f"one of {' '.join(COMPARATORS)}")
            ordered = sorted(table.items(), key=lambda pair: -len(pair[0]))
            words.setdefault(place, {})[language] = tuple(ordered)
    return Hedges(words)
