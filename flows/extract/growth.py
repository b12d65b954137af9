"""Which growth rate belongs to which level: right after it, leading to it, or paired."""

from __future__ import annotations

import re

from flows.extract.model import Token
from flows.extract.state import Draft, Sentence
from flows.extract.subjects import subject_mentions

_RATE_TO_LEVEL = re.compile(
    r"^[\s,]*(?:(?:in|during)\s+)?(?:to|至|到)\s+(?:top\s+|reach\s+|a\s+record(?:\s+high)?\s+of\s+)?$",
    re.I)


def attach_rates(sent: Sentence, drafts: list[Draft], used: set[int],
                  paired: dict[int, Token]) -> None:
    """Give each level its growth rate: the rate right after it, or a rate that leads to it
    ('rose 10.5 percent to 1.22 trillion yuan'), or its place in a paired list."""
    levels = [d for d in drafts if d.amount is not None and "brackets" not in d.amount.flags
              and d.amount.kind == "amount"]
    for rate in sorted(sent.rates, key=lambda t: t.start):
        if rate.flags & {"average", "not_yoy"}:
            continue
        if id(rate) in paired:
            target = next((d for d in levels if id(d.amount) in paired
                           and paired[id(d.amount)] is paired[id(rate)]), None)
            if target is not None and target.rate is None:
                target.rate = rate
                target.rules.append("growth: paired list")
                used.add(id(rate))
            continue
        ahead = next((d for d in levels if d.amount.start >= rate.end), None)
        if ahead is not None and ahead.rate is None:
            between = sent.text[rate.end:ahead.amount.start]
            for token in sent.periods + sent.places:
                if rate.end <= token.start and token.end <= ahead.amount.start:
                    between = between.replace(sent.text[token.start:token.end], " ")
            if _RATE_TO_LEVEL.match(between) or re.fullmatch(r"\s*(?:year-on-year\s+)?to\s+",
                                                             between, re.I):
                ahead.rate = rate
                ahead.rules.append("growth: the rate that leads to the level ('rose X% to')")
                used.add(id(rate))
                continue
        behind = [d for d in levels if d.amount.end <= rate.start]
        if not behind:
            continue
        last = behind[-1]
        blockers = [t for t in sent.amounts + subject_mentions(sent) + sent.shares
                    if last.amount.end <= t.start and t.end <= rate.start
                    and "brackets" not in t.flags and "bare" not in t.flags]
        if last.rate is None and not blockers:
            last.rate = rate
            last.rules.append("growth: the rate right after the level")
            used.add(id(rate))

