"""Read numbers as a person sees them in printed text (a PDF's findings, a log line, an
artifact) and list what a reader should never see: e-notation, 'inf' or 'nan', and a derived
number with more than 4 significant digits.

A number may show more digits only when the text gives a reported figure in its release's own
digits (its value is one of `reported`), or when it is an end of an interval ("X to Y") whose
ends 4 digits could not tell apart or would move by more than a tenth of its width."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# A number written in e-notation, not the digits of a hash or an identifier ('19db21e5fa').
E_NOTATION = re.compile(r"(?<![\w\-/.])[+\-−]?\d+(?:\.\d+)?[eE][+-]?\d+(?![\w.])")
NOT_A_NUMBER = re.compile(r"(?<![\w.])[+\-−]?(inf|infinity|nan)(?!\w)", re.IGNORECASE)
# A number in running text, not a piece of an identifier (a release id, a date), with the
# scale word after it: '1.722 trillion', '−2.7', '600,000'.
NUMBER = re.compile(
    r"(?<![\w.\-/])([+\-−]?\d[\d,]*(?:\.\d+)?)(?:\s(thousand|million|billion|trillion))?"
    r"(?![\w\-/]|\.\d)")
END = r"[+\-−]?\d[\d,]*(?:\.\d+)?(?:\s(?:thousand|million|billion|trillion))?%?"
INTERVAL = re.compile(rf"(?<![\w.\-])({END}) to ({END})")


def significant_digits(token: str) -> int:
    """Significant digits as printed: '1.722' 4, '600,000' 1, '10.50' 4, '0.00123' 3."""
    digits = token.lstrip("+-−").replace(",", "")
    whole, _, fraction = digits.partition(".")
    if fraction:
        return len((whole + fraction).lstrip("0"))
    return len(whole.strip("0")) or 1


def value_of(token: str) -> float:
    """The number a printed token stands for: '1.722 trillion' → 1.722e12; '15.5%' → 15.5."""
    number, _, scale = token.rstrip("%").partition(" ")
    sign = -1 if number[:1] in "-−" else 1
    return sign * float(number.lstrip("+-−").replace(",", "")) * SCALES.get(scale, 1)


def _round_significant(value: float, digits: int) -> float:
    if value == 0:
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def needs_more_digits(lo: float, hi: float) -> bool:
    """Whether 4 significant digits fail an interval: its ends would read alike, or one would
    move by more than a tenth of its width."""
    lo4, hi4 = _round_significant(lo, 4), _round_significant(hi, 4)
    return lo4 == hi4 or max(abs(lo4 - lo), abs(hi4 - hi)) > (hi - lo) / 10


def _is_reported(value: float, reported: Iterable[float]) -> bool:
    return any(math.isclose(value, r, rel_tol=1e-12, abs_tol=1e-12) for r in reported)


def unreadable(text: str, reported: Iterable[float] = ()) -> list[str]:
    """What a reader should not see in text, each named with the number that shows it."""
    reported = list(reported)
    problems = [f"e-notation: {m.group(0)}" for m in E_NOTATION.finditer(text)]
    problems += [f"not a number: {m.group(0)}" for m in NOT_A_NUMBER.finditer(text)]
    justified: set[int] = set()  # where interval ends that needed their digits start
    for match in INTERVAL.finditer(text):
        lo, hi = value_of(match.group(1)), value_of(match.group(2))
        if needs_more_digits(lo, hi):
            justified.update({match.start(1), match.start(2)})
    for match in NUMBER.finditer(text):
        token = match.group(1)
        if significant_digits(token) <= 4 or match.start() in justified:
            continue
        if _is_reported(abs(value_of(match.group(0))), (abs(r) for r in reported)):
            continue
        problems.append(f"more than 4 significant digits: {match.group(0)}")
    return problems
