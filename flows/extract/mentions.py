"""Words of a normalised sentence that say what a number measures and whose it is: lexicon
phrases, count nouns, places (ours, addresses and others), breakdown words and cues."""

from __future__ import annotations

import re
from functools import lru_cache

from flows.extract.lexicon import Lexicon, Term
from flows.extract.model import Token


def is_cjk(text: str) -> bool:
    """True when the text holds a Chinese character."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@lru_cache(maxsize=4096)
def _pattern(phrase: str) -> re.Pattern[str]:
    if is_cjk(phrase):
        return re.compile(re.escape(phrase))
    body = re.escape(phrase).replace(r"\ ", r"\s+")
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.I)


def find_all(sentence: str, phrase: str) -> list[tuple[int, int]]:
    """Where a phrase occurs: CJK as a substring, English as whole words, any case."""
    pattern = _pattern(phrase)
    if pattern.search(sentence) is None:
        return []  # most phrases are absent: one search is cheaper than an empty list's loop
    return [(m.start(), m.end()) for m in pattern.finditer(sentence)]


def _longest_first(candidates: list[tuple[int, int, object]]) -> list[tuple[int, int, list]]:
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: dict[tuple[int, int], list] = {}
    # the characters taken, so that a candidate is checked in its own length, not against
    # every phrase taken before it (a sentence may repeat a phrase hundreds of times)
    covered = bytearray(max((end for _, end, _ in candidates), default=0))
    for start, end, item in candidates:
        if (start, end) in taken:
            taken[start, end].append(item)
        elif covered.find(1, start, end) < 0:
            taken[start, end] = [item]
            covered[start:end] = b"\x01" * (end - start)
    return [(start, end, items) for (start, end), items in taken.items()]


def term_tokens(sentence: str, lexicon: Lexicon) -> list[Token]:
    """Metric phrases (kind 'term') and the count nouns that name a metric when they follow a
    number (kind 'noun': 230多个国家和地区, 21,000 foreign merchants), longest first, never
    overlapping; a phrase shared by several metrics carries all their terms."""
    candidates: list[tuple[int, int, object]] = []
    for term in lexicon.terms:
        for kind, phrases in (("term", term.phrases), ("noun", term.after)):
            for phrase in phrases:
                for start, end in find_all(sentence, phrase):
                    candidates.append((start, end, (kind, term)))
    tokens = []
    for start, end, items in _longest_first(candidates):
        kind = items[0][0]
        tokens.append(Token(kind, start, end, [t for k, t in items if k == kind]))
    return tokens


def place_tokens(sentence: str, lexicon: Lexicon) -> list[Token]:
    """Places: our geographies (data: 'China'/'Yiwu'), words for the city in scope ('city'),
    addresses that may locate Yiwu ('address', also kept as 'other' when they stand alone),
    and other places ('other')."""
    candidates: list[tuple[int, int, object]] = []
    for geo, words in lexicon.geographies.items():
        for word in words:
            for start, end in find_all(sentence, word):
                candidates.append((start, end, ("ours", geo)))
    for word in lexicon.places.get("city_words", ()):
        for start, end in find_all(sentence, word):
            candidates.append((start, end, ("city", None)))
    for word in lexicon.places.get("other", ()):
        for start, end in find_all(sentence, word):
            candidates.append((start, end, ("other", word)))
    tokens = []
    for start, end, items in _longest_first(candidates):
        kind, value = items[0]
        tokens.append(Token("place", start, end, value, {kind}))
    return tokens


def breakdown_tokens(sentence: str, lexicon: Lexicon) -> list[Token]:
    """Words that make a figure a part of a total, with their kind (partner, trade_mode, …)."""
    candidates: list[tuple[int, int, object]] = []
    for kind, words in lexicon.breakdowns.items():
        for word in words:
            for start, end in find_all(sentence, word):
                candidates.append((start, end, (kind, word)))
    return [Token("breakdown", s, e, items[0]) for s, e, items in _longest_first(candidates)]


def cue_spans(sentence: str, lexicon: Lexicon, kind: str) -> list[tuple[int, int, str]]:
    """Where the cue words of a kind (forecast, present, continuation) occur."""
    out = []
    for word in lexicon.cues.get(kind, ()):
        out.extend((s, e, word) for s, e in find_all(sentence, word))
    return sorted(out)


def choose_term(terms: list[Term], geography: str | None, parent: str | None) -> Term | None:
    """Which of the terms sharing a phrase applies: a part ('within') of the parent in scope,
    else the one of the geography."""
    inside = [t for t in terms if t.within and t.within == parent]
    if inside:
        return inside[0]
    free = [t for t in terms if not t.within]
    fitting = [t for t in free if t.geography in (None, geography)]
    return fitting[0] if fitting else None
