"""When a figure is for: the period rules of docs/extraction.md, and the words (since, 以来,
had, 已) that decide between them."""

from __future__ import annotations

import re
from datetime import date

from flows.extract.mentions import (
    is_cjk,
)
from flows.extract.model import Period, Token
from flows.extract.pairs import TO, from_to_pair
from flows.extract.state import CLAUSE_BREAK, Draft, Scope, Sentence
from flows.extract.subjects import noun_after

_DURATION = re.compile(r"\b(?:in|over|during) the (?:past |last )?\w+ (?:months|years|weeks)\b|"
                       r"(?<!\d)\d+\s*个月|(?<!\d)\d+\s*年间", re.I)
_ZH_PRESENT = re.compile(r"目前|现有|现已|已经|已|如今|至今|当前")


def _period_after(sent: Sentence, token: Token) -> Token | None:
    """A period right after a number, in its clause, before any other number or metric (an
    English order: '577.6 billion yuan in the first quarter')."""
    if is_cjk(sent.text):
        return None
    limit = len(sent.text)
    adjacent = noun_after(sent, token) if token.kind == "amount" else None
    for other in sent.amounts + sent.rates + sent.shares + sent.terms:
        if other.start >= token.end and "brackets" not in other.flags and other is not token \
                and other is not adjacent:
            limit = min(limit, other.start)
    for m in re.finditer(r";|,\s*(?:while|and|with)\b|\swhile\s", sent.text[token.end:limit]):
        limit = min(limit, token.end + m.start())
        break
    after = [p for p in sent.periods if token.end <= p.start < limit and p.data is not None]
    return after[0] if after else None


def _period_before(sent: Sentence, token: Token) -> Token | None:
    before = [p for p in sent.periods if p.end <= token.start and p.data is not None]
    return before[-1] if before else None


def _owned_by_from(sent: Sentence, period: Token, anchor: Token) -> bool:
    """In 'from X in 2018 to Y', the year before Y is X's, not Y's."""
    numbers = [a for a in sent.amounts + sent.shares if "brackets" not in a.flags]
    pair = from_to_pair(sent, anchor, numbers) if anchor in numbers else None
    if pair is None or anchor is not pair[1]:
        return False
    to = TO.search(sent.text, pair[0].end, pair[1].start)
    return to is not None and pair[0].start <= period.start and period.end <= to.start()


def _from_to_years(sent: Sentence, anchor: Token) -> Period | None:
    """2011年至2023年,…由255.04亿元增至5660.5亿元: the first level is 2011's, the second 2023's."""
    amounts = [a for a in sent.amounts if "brackets" not in a.flags]
    pair = from_to_pair(sent, anchor, amounts) if anchor in amounts else None
    if pair is None:
        return None
    first, second = pair
    years = [p for p in sent.periods if p.end <= first.start and p.data is not None
             and p.data.kind == "year"]
    if len(years) < 2 or not re.fullmatch(r"\s*(?:至|到|-|—|~)\s*",
                                         sent.text[years[-2].end:years[-1].start]):
        return None
    own = [p for p in sent.periods if first.start - 8 <= p.start < second.end and p.end <=
           second.start]
    if own:
        return None  # each level names its own year (从2018年的…,到2023年的…)
    return years[-2].data if anchor is first else years[-1].data


def _present_clause(sent: Sentence, draft: Draft, period: Token, anchor: Token) -> bool:
    """A count whose own clause says 已/目前 while the period belongs to an earlier clause with
    another figure ('去年…成交额达到211.97亿元,出口地域已经扩大到150多个国家和地区')."""
    if draft.term is None or draft.term.measure != "stock" or not is_cjk(sent.text):
        return False
    clause_start = max((m.end() for m in CLAUSE_BREAK.finditer(sent.text, 0, anchor.start)),
                       default=0)
    other = [a for a in sent.amounts if period.end <= a.start and a.end <= clause_start]
    return period.end <= clause_start and bool(other) and bool(
        _ZH_PRESENT.search(sent.text[clause_start:anchor.start]))


def _past(sent: Sentence, anchor: Token) -> bool:
    """A count its own clause puts in the past: 'a city that had some 15,000 … before'."""
    text = sent.text
    start = max([m.end() for m in re.finditer(r"[,;:]|\bthat\b|\bwhich\b", text[:anchor.start])]
                or [0])
    clause = text[start:anchor.start] + text[anchor.end:anchor.end + 60].split(",")[0]
    return bool(re.search(r"\b(?:had|was|were|before|ago|used to|once)\b|曾|过去|此前|以前",
                          clause, re.I))


def _since(sent: Sentence, anchor: Token) -> bool:
    return bool(re.search(r"\bsince\b|以来|自.{1,12}起", sent.text[:anchor.start], re.I))


def _takes_only_period(draft: Draft, sent: Sentence, scope: Scope) -> bool:
    """A figure whose sentence names no period takes the one period the text has named, when
    it is a flow (or an English count with no word of the present) in a sentence with no start
    ('since …') and no span ('in the 18 months')."""
    if draft.term is None or len(scope.periods_named) != 1:
        return False
    if re.search(r"\bsince\b|以来|自.{1,12}起", sent.text, re.I) or _DURATION.search(sent.text):
        return False
    if draft.term.measure == "flow":
        return True
    return draft.term.measure == "stock" and not sent.present and not is_cjk(sent.text)


def period_for(draft: Draft, sent: Sentence, scope: Scope, anchor: Token,
                published_on: date, carried_ok: bool) -> None:
    """Set the draft's period by the first rule that gives one, or hold it."""
    after = _period_after(sent, anchor)
    ranged = _from_to_years(sent, anchor)
    if ranged is not None:
        draft.period, rule = ranged, "the year of its end of a 'from … to …' span of years"
    elif after is not None:
        draft.period, rule = after.data, "explicit period in its clause"
    elif (before := _period_before(sent, anchor)) is not None and not _present_clause(
            sent, draft, before, anchor) and not _owned_by_from(sent, before, anchor):
        draft.period, rule = before.data, "explicit period earlier in its sentence"
    elif _since(sent, anchor) and not carried_ok:
        draft.holds.append("its only period is a start ('since …', 以来), not a period")
        return
    elif carried_ok and scope.period is not None:
        draft.period, rule = scope.period, "period of the total it continues"
    elif _takes_only_period(draft, sent, scope):
        draft.period = next(iter(scope.periods_named))
        rule = "the one period the text names before it"
    elif draft.term is not None and draft.term.measure == "stock":
        draft.period = Period("level", published_on, published_on, "")
        rule = "a count in the present: a level on the release date"
        if _since(sent, anchor):
            draft.holds.append("its only period is a start ('since …', 以来): as of when?")
        elif _past(sent, anchor):
            draft.holds.append("a past count with no date ('had', 'before', 曾)")
        elif not sent.present and not is_cjk(sent.text):
            draft.holds.append("a count with no date and no word that puts it in the present")
    else:
        draft.holds.append("no period is named for it in its sentence")
        if draft.term is not None:
            draft.unmapped = draft.unmapped or "no period found for this figure"
        elif scope.period is not None:
            draft.period = scope.period  # shown to the reviewer; an unnamed number never loads
        return
    draft.rules.append(f"period: {rule}")

