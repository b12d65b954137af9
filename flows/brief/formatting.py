"""How a person reads a number: a figure with its qualifier in words, never a bound as a bare
number, never a float as stored ('1.72174e+12', 'inf').

The SQL macros of sql/staging/070_plain_number.sql word the checks' findings the same way, digit
for digit (tests/unit/test_plain_number.py holds them to it): change both together. The
phrases for qualifiers are explained once in docs/methodology.md ("Reading a figure").
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from flows.model.units import SCALE_WORDS, multiplier_of, parse_written

CHINESE_MULTIPLIERS = ("万", "亿", "万亿")

# A derived number never shows more significant digits than this (a reported one keeps its own).
SIGNIFICANT = 4
# A derived rate shows at most this many decimals (and at most SIGNIFICANT digits).
RATE_DECIMALS = 2
# A share is read as a percentage to three significant digits ("26.7%").
SHARE_SIGNIFICANT = 3
# A stored value restated exactly (a reported rate, a value written with 万 or 亿): enough digits
# for any number a release prints, few enough to drop a double's noise (10.049999999999999).
EXACT_SIGNIFICANT = 15

MINUS = "−"  # U+2212, as typeset; a hyphen reads as a dash in running text

EXACT_WORDS: dict[str, str] = {
    "=": "",
    "~": "about",
    ">": "more than",
    ">=": "at least",
    "<": "less than",
    "<=": "at most",
}

# The bound of an approximate figure: "more than about 200,000" reads badly, and an approximate
# number leaves no difference between "more than" and "at least" to tell.
APPROXIMATE_BOUND_WORDS: dict[str, str] = {
    ">": "at least about",
    ">=": "at least about",
    "<": "under roughly",
    "<=": "under roughly",
}

# Below a million a computed count reads better in full ("118,500 entities").
SCALES = tuple((factor, word) for factor, word in SCALE_WORDS if factor >= 1e6)

FRACTION_WORDS: dict[str, str] = {"1/2": "one-half", "1/3": "one-third", "2/3": "two-thirds",
                                  "1/4": "one-quarter", "3/4": "three-quarters"}


def qualifier(comparator: str | None, is_approximate: bool = False) -> str:
    """Words for a comparator: '>' → 'more than'; a bound of an approximate figure →
    'at least about' (lower) or 'under roughly' (upper)."""
    if comparator is None:
        return ""
    if is_approximate and comparator in APPROXIMATE_BOUND_WORDS:
        return APPROXIMATE_BOUND_WORDS[comparator]
    return EXACT_WORDS[comparator]


def round_half_away(value: float, places: int) -> float:
    """value rounded to `places` decimals (negative: tens, hundreds, …) as DuckDB's round(double,
    places) does: the exact binary value, half away from zero (2.675 is 2.67499999… and gives
    2.67), so that Python and the SQL macros round every value alike."""
    exact = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return float(exact)


def _places(value: float, significant: int, max_decimals: int | None) -> int:
    """Decimal places that keep `significant` digits of value (negative: tens, hundreds, …)."""
    places = significant - 1 - math.floor(math.log10(abs(value)))
    return places if max_decimals is None else min(places, max_decimals)


def plain_digits(value: float, significant: int = SIGNIFICANT, max_decimals: int | None = None,
                 keep_zeros: bool = False) -> str:
    """value rounded to `significant` digits (and at most max_decimals decimals), written out in
    full with thousands separators, never in e-notation: 118452.1 → '118,500'; 0.00123 →
    '0.00123'. Trailing zeros after the point go, unless keep_zeros (then max_decimals stay)."""
    rounded = 0.0 if value == 0 else round_half_away(
        value, _places(value, significant, max_decimals))
    if rounded == 0:
        return f"{0.0:.{max_decimals if keep_zeros and max_decimals else 0}f}"
    # the places of the rounded value: 99.996 rounds to 100.0, which shows as '100.0', not
    # '100.00'
    text = f"{rounded:,.{max(_places(rounded, significant, max_decimals), 0)}f}"
    if not keep_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", MINUS)


def _scaled(value: float, significant: int) -> str:
    """A number with a scale word from a million up: '1.722 trillion', '118,500'."""
    if value == 0:
        return "0"
    rounded = round_half_away(value, _places(value, significant, None))
    for factor, word in SCALES:
        if abs(rounded) >= factor:
            return f"{plain_digits(rounded / factor, significant)} {word}"
    return plain_digits(rounded, significant)


def format_number(value: float, unit: str) -> str:
    """A computed value, rounded for reading: 2373646209386 yuan → '2.374 trillion yuan'; a
    share in percent ('26.7%'); a rate in percent ('17.16%')."""
    if unit == "share":
        return f"{plain_digits(value * 100, SHARE_SIGNIFICANT)}%"
    if unit == "percent":
        return f"{plain_digits(value, SIGNIFICANT, RATE_DECIMALS)}%"
    return f"{_scaled(value, SIGNIFICANT)} {unit}"


def _interval_significant(lo: float, hi: float) -> int:
    """Digits an interval's ends need: SIGNIFICANT, or more when the interval is narrower than
    that many digits can show (2.63 trillion ± 0.005: '2.625 trillion to 2.635 trillion'), so
    that rounding moves neither end by more than a tenth of the interval's width."""
    largest = max(abs(lo), abs(hi))
    if largest == 0 or hi <= lo:
        return SIGNIFICANT
    exponent = math.floor(math.log10(largest))
    # rounded to 6 places first: log10 of a width such as 0.01 is -1.9999999999999996
    needed = math.ceil(round(exponent - math.log10(hi - lo) + 2, 6))
    return min(max(SIGNIFICANT, needed), EXACT_SIGNIFICANT)


def _interval_end(value: float, unit: str, significant: int) -> str:
    if unit == "share":
        return f"{plain_digits(value * 100, significant)}%"
    if unit == "percent":
        return f"{plain_digits(value, significant)}%"
    return _scaled(value, significant)


def format_interval(lo: float, hi: float, unit: str) -> str:
    """The interval a claim allows: '1.71 trillion to 1.734 trillion yuan', '14.5% to 15.5%';
    an open one as '1 million entities or more' (never 'inf')."""
    suffix = "" if unit in ("share", "percent") else f" {unit}"
    if math.isinf(hi) and math.isinf(lo):
        return "any value"
    if math.isinf(hi):
        return f"{_interval_end(lo, unit, SIGNIFICANT)}{suffix} or more"
    if math.isinf(lo):
        return f"{_interval_end(hi, unit, SIGNIFICANT)}{suffix} or less"
    significant = _interval_significant(lo, hi)
    return (f"{_interval_end(lo, unit, significant)} to "
            f"{_interval_end(hi, unit, significant)}{suffix}")


def _in_english_scale(as_written: str, multiplier: str) -> str:
    """Digits written with 万/亿/万亿, restated exactly: 6689.3亿 → 668.93 billion."""
    value = parse_written(as_written) * multiplier_of(multiplier)
    for factor, word in SCALES:
        if abs(value) >= Decimal(factor):
            scaled = (value / Decimal(factor)).normalize()
            return f"{scaled:,f} {word}"
    return f"{value.normalize():,f}"


def format_written(as_written: str, multiplier: str | None, unit: str,
                   with_original: bool = True) -> str:
    """A reported value exactly as printed: '2.63', 'trillion', 'yuan' → '2.63 trillion yuan';
    Chinese multipliers are restated in English with the original after: '1.05 million (105万)'."""
    if unit == "share":
        num, _, den = as_written.partition("/")
        if den:
            percent = plain_digits(float(num) / float(den) * 100, SHARE_SIGNIFICANT)
            return f"{FRACTION_WORDS.get(as_written, as_written)} ({percent}%)"
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
    """A growth rate with sign and qualifier: '+10.8%', 'about +10.50%'.

    Without decimals, a reported rate: its own digits ('+48.33%'). With decimals, a computed
    one: that many decimals, but never more than four significant digits ('+131.6%')."""
    if pct is None or (isinstance(pct, float) and not math.isfinite(pct)):
        return "—"
    if decimals is None:
        number = plain_digits(pct, EXACT_SIGNIFICANT)
    else:
        number = plain_digits(pct, SIGNIFICANT, decimals, keep_zeros=True)
    if not number.startswith(MINUS):
        number = "+" + number
    words = qualifier(comparator, is_approximate)
    return f"{words} {number}%" if words else f"{number}%"


def format_points(diff: float | None) -> str:
    """A difference between two rates in percentage points: '+0.30 pp'."""
    if diff is None:
        return "—"
    return f"{diff:+.2f} pp".replace("-", MINUS)
