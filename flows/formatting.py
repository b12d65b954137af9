"""How the brief prints a figure: its qualifier in words, never a bound as a bare number."""

from __future__ import annotations

import math
from decimal import Decimal

from flows.units import SCALE_WORDS, multiplier_of, parse_written

CHINESE_MULTIPLIERS = ("万", "亿", "万亿")

QUALIFIER_WORDS: dict[str, str] = {
    "=": "",
    "~": "about",
    ">": "more than",
    ">=": "at least",
    "<": "less than",
    "<=": "at most",
}

# Below a million a computed count reads better in full ("118,450 entities").
SCALES = tuple((factor, word) for factor, word in SCALE_WORDS if factor >= 1e6)

FRACTION_WORDS: dict[str, str] = {"1/2": "one-half", "1/3": "one-third", "2/3": "two-thirds",
                                  "1/4": "one-quarter", "3/4": "three-quarters"}


def qualifier(comparator: str | None, is_approximate: bool = False) -> str:
    """Words for a comparator: '>' → 'more than'; an approximate bound → 'more than about'."""
    if comparator is None:
        return ""
    words = QUALIFIER_WORDS[comparator]
    if is_approximate and comparator in (">", ">=", "<", "<="):
        words += " about"
    return words


def _significant(value: float, digits: int) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def format_number(value: float, unit: str) -> str:
    """A computed value, rounded for reading: 2373646209386 yuan → '2.374 trillion yuan'."""
    if unit == "share":
        return f"{_significant(value * 100, 3):g}%"
    for factor, word in SCALES:
        if abs(value) >= factor:
            return f"{_significant(value / factor, 4):g} {word} {unit}"
    rounded = _significant(value, 5)
    text = f"{rounded:,.0f}" if abs(rounded) >= 1 else f"{rounded:g}"
    return f"{text} {unit}"


def _in_english_scale(as_written: str, multiplier: str) -> str:
    """Digits written with 万/亿/万亿, restated exactly: 6689.3亿 → 668.93 billion."""
    value = parse_written(as_written) * multiplier_of(multiplier)
    for factor, word in SCALES:
        if abs(value) >= Decimal(factor):
            scaled = (value / Decimal(factor)).normalize()
            return f"{scaled:f} {word}"
    return f"{value.normalize():,f}"


def format_written(as_written: str, multiplier: str | None, unit: str,
                   with_original: bool = True) -> str:
    """A reported value exactly as printed: '2.63', 'trillion', 'yuan' → '2.63 trillion yuan';
    Chinese multipliers are restated in English with the original after: '1.05 million (105万)'."""
    if unit == "share":
        num, _, den = as_written.partition("/")
        if den:
            percent = _significant(float(num) / float(den) * 100, 3)
            return f"{FRACTION_WORDS.get(as_written, as_written)} ({percent:g}%)"
        if as_written.rstrip().endswith(("%", "％")):
            return as_written.strip()
        return f"{(parse_written(as_written) * 100).normalize():f}%"
    if multiplier in CHINESE_MULTIPLIERS:
        english = f"{_in_english_scale(as_written, multiplier)} {unit}"
        return f"{english} ({as_written}{multiplier})" if with_original else english
    return " ".join(part for part in (as_written, multiplier, unit) if part)


def format_figure(
    value: float | None,
    unit: str,
    comparator: str | None,
    is_approximate: bool = False,
    as_written: str | None = None,
    multiplier: str | None = None,
    with_original: bool = True,
) -> str:
    """A figure with its qualifier: 'more than 260,000 entities', 'about 2.374 trillion yuan'.

    with_original=False leaves out a Chinese original ('(6689.3亿)'), for chart labels."""
    if value is None:
        return "—"
    body = (
        format_written(as_written, multiplier, unit, with_original)
        if as_written is not None
        else format_number(value, unit)
    )
    words = qualifier(comparator, is_approximate)
    return f"{words} {body}" if words else body


def format_rate(pct: float | None, comparator: str | None = "=", is_approximate: bool = False,
                decimals: int | None = None) -> str:
    """A growth rate with sign and qualifier: '+10.8%', 'about +10.5%'."""
    if pct is None or (isinstance(pct, float) and not math.isfinite(pct)):
        return "—"
    number = f"{pct:+.{decimals}f}" if decimals is not None else f"{pct:+g}"
    number = number.replace("-", "−")
    words = qualifier(comparator, is_approximate)
    return f"{words} {number}%" if words else f"{number}%"


def format_points(diff: float | None) -> str:
    """A difference between two rates in percentage points: '+0.30 pp'."""
    if diff is None:
        return "—"
    return f"{diff:+.2f} pp".replace("-", "−")
