"""Whose figure a number is: our places (China, Yiwu), the places that only locate Yiwu, the
datelines, and the geography rules of docs/extraction.md."""

from __future__ import annotations

import re
from bisect import bisect_left

from flows.extract.lexicon import Lexicon, Term
from flows.extract.model import Token
from flows.extract.state import Scope, Sentence

_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z ]{2,}(?=\s*(?:,|—|--|-|\())|.{0,30}?\d{1,2}\s*月\s*\d{1,2}\s*日\s*电)")


def address_spans(sent: Sentence, lexicon: Lexicon) -> list[tuple[int, int]]:
    """Places that only locate Yiwu: 'Yiwu, Jinhua, Zhejiang province', 浙江义乌, 'Yiwu in East
    China's Zhejiang province'."""
    address = {w.lower() for w in lexicon.places.get("address", ())}
    spans = []
    yiwu = [p for p in sent.places if "ours" in p.flags and p.data == "Yiwu"]
    ordered = sorted(sent.places, key=lambda p: p.start)
    starts = [p.start for p in ordered]
    # places never overlap: the ones that end right before a point are found by their end
    ending_at: dict[int, list[Token]] = {}
    for place in sent.places:
        ending_at.setdefault(place.end, []).append(place)
    for anchor in yiwu:
        # after Yiwu: a chain of address words joined by commas, 'in', 'of', 'province'
        end = anchor.end
        for place in (ordered[k] for k in range(bisect_left(starts, end), len(ordered))):
            if place.start < end:
                continue
            gap = sent.text[end:place.start]
            if re.fullmatch(r"[\s,]*(?:(?:a\s+)?(?:county-level\s+)?city\s+)?(?:in\s+|of\s+)?"
                            r"(?:east\s+|eastern\s+)?", gap, re.I) is None:
                break
            if sent.text[place.start:place.end].lower() not in address:
                break
            spans.append((place.start, place.end))
            end = place.end
            tail = re.match(r"\s*(?:province|省|市)", sent.text[end:], re.I)
            if tail:
                end += tail.end()
        # before Yiwu: 浙江义乌, 浙江省义乌市, 金华义乌
        for place in ending_at.get(anchor.start - 1, []) + ending_at.get(anchor.start, []):
            if sent.text[place.start:place.end].lower() in address:
                spans.append((place.start, place.end))
    return spans


def places_between(sent: Sentence, start: int, end: int,
               addresses: list[tuple[int, int]]) -> list[Token]:
    return [p for p in sent.places if start <= p.start and p.end <= end
            and (p.start, p.end) not in addresses]


def dateline_end(sent: Sentence) -> int:
    """Where a dateline ('BEIJING, July 16 (Xinhua) --', 'HANGZHOU --') ends: its place is where
    the story was filed, not whose figure it is."""
    match = _DATELINE.match(sent.text)
    return match.end() if match else 0


def resolve_geography(sent: Sentence, scope: Scope, region: tuple[int, int], term_terms: list[Term],
               addresses: list[tuple[int, int]], default: str | None
               ) -> tuple[str | None, str | None, str | None]:
    """(geography, rule, hold): from the subject's own words, the city or country in scope,
    the text before, or the source."""
    places = places_between(sent, region[0], region[1], addresses)
    others = [p for p in places if "other" in p.flags]
    ours = [p.data for p in places if "ours" in p.flags]
    if others:
        word = sent.text[others[0].start:others[0].end]
        return None, None, f"its subject names {word!r}: another place's figure"
    if ours:
        wanted = {t.geography for t in term_terms if t.geography}
        picked = next((g for g in reversed(ours) if g in wanted), ours[-1])
        return picked, "geography named in its subject", None
    if any("city" in p.flags for p in places):
        if scope.geography == "Yiwu" and scope.other_place is None:
            return "Yiwu", "'the city' is Yiwu, the city the text is about", None
        return None, None, "'the city' cannot be told from the text"
    last_amount = max((a.end for a in sent.amounts if a.end <= region[0]
                       and "brackets" not in a.flags), default=0)
    before = places_between(sent, last_amount, region[0], addresses)
    for place in reversed(before):
        if "other" in place.flags:
            return None, None, (f"the sentence names {sent.text[place.start:place.end]!r} "
                                "before it: another place's figure?")
        if "ours" in place.flags:
            return place.data, "geography named earlier in its sentence", None
    if scope.other_place is not None:
        return None, None, f"the text last named {scope.other_place!r}: another place's figure?"
    if scope.geography:
        return scope.geography, "geography of the text so far", None
    if default:
        return default, "the source's geography", None
    named = {t.geography for t in term_terms if t.geography}
    if named == {"China"} and not any(
            "other" in p.flags for p in places_between(sent, 0, region[1], addresses)):
        return "China", "a national phrase, in a text that has named no place", None
    return None, None, "no geography is named for it"


def address_words(lexicon: Lexicon) -> set[str]:
    return {w.lower() for w in lexicon.places.get("address", ())}

