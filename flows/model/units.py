"""Multipliers and rounding: how a number as written becomes a value in base units."""

from decimal import Decimal, InvalidOperation

MULTIPLIERS: dict[str, Decimal] = {
    "thousand": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
    "万": Decimal(10) ** 4,
    "亿": Decimal(10) ** 8,
    "万亿": Decimal(10) ** 12,
}


# English scale words, largest first, for printing computed values and labelling axes.
SCALE_WORDS: tuple[tuple[float, str], ...] = (
    (1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand"))


class UnknownMultiplierError(ValueError):
    """A figure was written with a multiplier this project does not know."""


def multiplier_of(word: str | None) -> Decimal:
    """Return the factor a multiplier word stands for (1 when there is none)."""
    if word is None:
        return Decimal(1)
    try:
        return MULTIPLIERS[word]
    except KeyError:
        known = ", ".join(MULTIPLIERS)
        raise UnknownMultiplierError(
            f"unknown multiplier {word!r}; use one of: {known}, or leave it empty"
        ) from None


def parse_written(as_written: str) -> Decimal:
    """Parse a number as printed ('2.63', '175,700', '1/3', '4.9%') into an exact Decimal."""
    text = as_written.replace(",", "").strip()
    if text.endswith(("%", "％")):
        return parse_written(text[:-1]) / 100
    try:
        if "/" in text:
            num, den = text.split("/", 1)
            return Decimal(num) / Decimal(den)
        return Decimal(text)
    except (InvalidOperation, ValueError, ZeroDivisionError):
        raise ValueError(f"cannot read {as_written!r} as a number") from None


def rounding_halfwidth(as_written: str) -> Decimal:
    """Half a unit of the last significant digit as written: '2.63' → 0.005, '600,000' → 50,000.

    Trailing zeros of a whole number are read as not significant; a fraction ('1/3') is exact.
    """
    text = as_written.replace(",", "").strip()
    if text.endswith(("%", "％")):
        return rounding_halfwidth(text[:-1]) / 100
    if "/" in text:
        return Decimal(0)
    if "." in text:
        decimals = len(text.split(".", 1)[1])
        return Decimal(5).scaleb(-(decimals + 1))
    digits = text.lstrip("+-")
    trailing = len(digits) - len(digits.rstrip("0")) if digits.strip("0") else 0
    return Decimal(5).scaleb(trailing - 1)
