"""What the reader keeps while it reads: the text so far (Scope), a figure being assembled
(Draft), a sentence and its tokens (Sentence), and the small helpers they share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flows.extract.lexicon import Lexicon, Term
from flows.extract.model import Period, Token

CLAUSE_BREAK = re.compile(r"[,;:]|\s(?:while|whereas|but)\s")
CURRENCIES = ("yuan", "US dollars", "euros")


@dataclass
class Scope:
    """What a text has established so far, carried from sentence to sentence."""

    geography: str | None = None     # the last of our geographies named (China, Yiwu)
    other_place: str | None = None   # set when another place was named after it
    parent: Term | None = None       # the last headline metric given a figure
    parent_geography: str | None = None
    period: Period | None = None     # the period of the last sentence's figures
    periods_named: set[Period] = field(default_factory=set)  # every period named so far
    last_sentence_had_parent: bool = False
    # the metric phrases of the sentence before, when it ended in ';' (one sentence, two parts)
    before_semicolon: list[tuple[str, list[Term]]] = field(default_factory=list)


@dataclass
class Draft:
    """A figure being assembled: what it measures, when, its rate, and why it may not load."""

    amount: Token | None
    term: Term | None = None
    period: Period | None = None
    rate: Token | None = None
    holds: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    unmatched: str | None = None     # no metric could be named
    unmapped: str | None = None      # a metric was named, but its period or unit is missing
    geography: str | None = None


@dataclass
class Sentence:
    """A sentence's text and tokens (offsets within the sentence)."""

    text: str
    periods: list[Token]
    rates: list[Token]
    shares: list[Token]
    amounts: list[Token]
    terms: list[Token]
    nouns: list[Token]
    places: list[Token]
    breakdowns: list[Token]
    ranges: list[Token]
    forecast: list[tuple[int, int, str]]
    present: bool
    continuation: bool


def overlaps(token: Token, others: list[Token]) -> bool:
    return any(token.start < o.end and o.start < token.end for o in others)


def is_part(term: Term, lexicon: Lexicon) -> bool:
    """True for a metric that is a part of a total (exports of China's CBEC trade), whichever
    phrase named it."""
    return term.within is not None or any(t.within for t in lexicon.terms
                                          if t.metric_id == term.metric_id)

