"""The reader of printed numbers (tests/plain_numbers.py) catches what the findings printed
before they were worded, and lets through what a person should read."""

from __future__ import annotations

from tests.plain_numbers import significant_digits, unreadable

# Findings as the warehouse printed them before (the backfill's, verbatim).
RAW = [
    "China's cross-border e-commerce trade (imports + exports), 2020: derived (implied by the "
    "reported year-on-year change) ~ 1.72174e+12 (yuan 2020) against reported = 1.69e+12 "
    "(2020); inconsistent: the first allows 1.70996e+12 to 1.73362e+12, the second 1.685e+12 "
    "to 1.695e+12",
    "China's cross-border e-commerce trade (imports + exports), 2021: reported year-on-year "
    "change = 15 (percent 2021) against change computed from 2020 and 2021 levels = 17.1598 "
    "(2021); inconsistent: the first allows 14.5 to 15.5, the second 16.5192 to 17.8042",
    "Yiwu market entities, 2023: reported by globaltimes-2025-06-22-yiwu-cbec > 1e+06 "
    "(entities 2023) against reported earlier by ezhejiang-2024-02-05-yiwu-work-report-2023 = "
    "1.05e+06 (2023); qualifiers differ: the first allows 1e+06 to inf, the second 1.045e+06 "
    "to 1.055e+06",
]


def test_raw_floats_are_caught() -> None:
    assert "e-notation: 1.72174e+12" in unreadable(RAW[0])
    assert "e-notation: 1e+06" in unreadable(RAW[2])
    # the digits of a hash are not a number
    assert unreadable("SHA-256 19db21e5fa5b7091… and d3e981ef36daa4a8…") == []
    assert any(p.startswith("more than 4 significant digits: 17.1598") for p in unreadable(RAW[1]))
    assert "not a number: inf" in unreadable(RAW[2])


def test_a_derived_number_with_five_digits_is_caught() -> None:
    assert unreadable("about 118,450 entities (2022, derived)") == [
        "more than 4 significant digits: 118,450"]
    assert unreadable("the first allows 1.7099 trillion to 1.73362 trillion yuan") == [
        "more than 4 significant digits: 1.7099 trillion",
        "more than 4 significant digits: 1.73362 trillion"]


def test_reported_digits_and_needed_interval_digits_pass() -> None:
    assert unreadable("reported 668.93 billion yuan (6689.3亿)", reported=[668.93e9]) == []
    assert unreadable("reported 668.93 billion yuan") == [
        "more than 4 significant digits: 668.93 billion"]
    assert unreadable("the second allows 668.925 billion to 668.935 billion yuan") == []
    assert unreadable("reported by ezhejiang-2024-02-05-yiwu-work-report-2023, 2021: +17.16%; "
                      "the first allows 1 million entities or more; info") == []


def test_significant_digits_as_printed() -> None:
    assert [significant_digits(t) for t in ("1.722", "600,000", "10.50", "0.00123", "−2.7",
                                            "2021", "0")] == [4, 1, 4, 3, 2, 4, 1]
