"""docs/extraction.md names every rule that loads a figure and every reason a figure is held:
both are collected from a run over the real-text corpus, so a new rule or reason in the code
fails here until the docs say it."""

from __future__ import annotations

import re
from pathlib import Path

from flows.extract import decide, extract_figures
from flows.extract.lexicon import lexicon_path, load_lexicon
from tests import ROOT
from tests.corpus import metric_units, read_corpus

DOC = re.sub(r"\s+", " ", (ROOT / "docs" / "extraction.md").read_text(encoding="utf-8"))
HOLDOUT = Path(__file__).parent.parent / "fixtures" / "holdout"


def _used() -> tuple[set[str], set[str]]:
    lexicon, units = load_lexicon(lexicon_path("cbec")), metric_units()
    rules, reasons = set(), set()
    for entry in read_corpus() + read_corpus(HOLDOUT):
        found = extract_figures(entry.text, entry.published_on, lexicon, entry.geography)
        for outcome in decide(found, entry.published_on, "corpus", units):
            rules.update(outcome.figure.rules)
            if outcome.reason:
                reasons.update(outcome.reason.split("; "))
    return rules, reasons


def _stem(text: str) -> str:
    """The words of a rule or reason before its first quote, bracket or number, with a metric's
    id written as the docs write it (…)."""
    text = re.sub(r"\b[a-z_]+\.[a-z_]+(?:\.[a-z_]+)?\b", "…", text)
    return re.split(r"['\"(]|\d", text)[0].strip(" :,")


def test_every_rule_and_reason_in_use_is_documented() -> None:
    rules, reasons = _used()
    names = {_stem(part) for rule in rules for part in rule.split(": ", 1)[1].split("; ")}
    undocumented = sorted(n for n in names if n and n not in DOC)
    assert undocumented == [], f"rules missing from docs/extraction.md: {undocumented}"
    stems = {_stem(reason) for reason in reasons}
    missing = sorted(s for s in stems if s and s not in DOC)
    assert missing == [], f"hold reasons missing from docs/extraction.md: {missing}"
    assert len(names) >= 15 and len(stems) >= 20
