"""A figure is printed with its qualifier, in the release's digits, never as a bare bound."""

import pytest

from flows.brief.formatting import (
    format_figure,
    format_number,
    format_points,
    format_rate,
    qualifier,
)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((2.63e12, "yuan", "=", False, "2.63", "trillion"), "2.63 trillion yuan"),
        ((260000, "entities", ">", False, "260,000"), "more than 260,000 entities"),
        ((600000, "entities", "~", True, "600,000"), "about 600,000 entities"),
        ((1e6, "entities", ">", False, "1", "million"), "more than 1 million entities"),
        ((1 / 3, "share", ">", False, "1/3"), "more than one-third (33.3%)"),
        ((2373646209386.28, "yuan", "~", True), "about 2.374 trillion yuan"),
        ((118452.1, "entities", "~", True), "about 118,500 entities"),
        ((200000.0, "entities", ">", True), "at least about 200,000 entities"),
        ((200000.0, "entities", ">=", True), "at least about 200,000 entities"),
        ((0.6, "share", "<", True), "under roughly 60%"),
        ((0.6, "share", "<=", True), "under roughly 60%"),
        ((0.6, "share", "<", False), "less than 60%"),
        ((5.0, "entities", ">=", False), "at least 5 entities"),
        ((None, "yuan", None, False), "—"),
    ],
)
def test_format_figure(args, expected) -> None:
    assert format_figure(*args) == expected


def test_format_rate_keeps_sign_and_qualifier() -> None:
    assert format_rate(10.8) == "+10.8%"
    assert format_rate(-3.9) == "−3.9%"
    assert format_rate(10.5012, "~", True, decimals=2) == "about +10.50%"
    # a computed rate: at most two decimals and four significant digits
    assert format_rate(131.57894, decimals=2) == "+131.6%"
    assert format_rate(-2.700000000000001) == "−2.7%"
    assert format_rate(48.33) == "+48.33%"
    assert format_rate(10.0, ">") == "more than +10%"
    assert format_rate(None) == "—"
    assert format_rate(float("inf")) == "—"


def test_qualifier_words() -> None:
    assert [qualifier(c) for c in ("=", "~", ">", ">=", "<", "<=")] == [
        "", "about", "more than", "at least", "less than", "at most"]
    # a bound of an approximate figure (docs/methodology.md, "Reading a figure")
    assert [qualifier(c, True) for c in ("=", "~", ">", ">=", "<", "<=")] == [
        "", "about", "at least about", "at least about", "under roughly", "under roughly"]


def test_numbers_and_points() -> None:
    assert format_number(577.6e9, "yuan") == "577.6 billion yuan"
    assert format_number(15000, "merchants") == "15,000 merchants"
    # a derived number shows at most four significant digits, and never e-notation
    assert format_number(118452.1, "entities") == "118,500 entities"
    assert format_number(999960, "entities") == "1 million entities"
    assert format_number(1e18, "yuan") == "1,000,000 trillion yuan"
    assert format_number(0.00123456, "yuan") == "0.001235 yuan"
    assert format_points(0.3) == "+0.30 pp"
    assert format_points(-1.25) == "−1.25 pp"


@pytest.mark.parametrize(("args", "expected"), [
    (("6689.3", "亿", "yuan"), "668.93 billion yuan (6689.3亿)"),
    (("2.63", "万亿", "yuan"), "2.63 trillion yuan (2.63万亿)"),
    (("26", "万", "entities"), "260,000 entities (26万)"),
    (("105", "万", "entities"), "1.05 million entities (105万)"),
    (("4.9%", None, "share"), "4.9%"),
    (("0.049", None, "share"), "4.9%"),
    (("0.06", None, "share"), "6%"),
])
def test_chinese_multipliers_and_written_shares_read_in_english(args, expected) -> None:
    from flows.brief.formatting import format_written

    assert format_written(*args) == expected


def test_a_bound_written_in_chinese_keeps_its_qualifier() -> None:
    assert format_figure(260000.0, "entities", ">", False, "26", "万") == (
        "more than 260,000 entities (26万)")


def test_chart_labels_leave_out_the_chinese_original() -> None:
    assert format_figure(668.93e9, "yuan", "=", False, "6689.3", "亿", with_original=False) == (
        "668.93 billion yuan")
