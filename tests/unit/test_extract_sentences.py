"""The extractor on real-style sentences, Chinese and English: every field of every figure.

Each case is one sentence (or a short passage) as GACC, SCIO, Yiwu Customs or the press word
them (see shared/reference/public-figures.md), the release date, and the figures expected, in
order. A figure is written as F(metric, (kind, start, end), value, as written, multiplier,
unit, comparator, qualifier, yoy, yoy comparator, status).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

import pytest

from flows.extract import extract_figures
from flows.extract.lexicon import lexicon_path, load_lexicon
from flows.paths import SEEDS_DIR

LEXICON = load_lexicon(lexicon_path("cbec"), SEEDS_DIR / "metrics.csv")

TRADE, EXPORTS, IMPORTS = "china.cbec.trade_value", "china.cbec.exports", "china.cbec.imports"
SHARE = "china.cbec.share_of_foreign_trade"
YIWU_TRADE, YIWU_EXPORTS = "yiwu.trade.total", "yiwu.trade.exports"
YIWU_CBEC, YIWU_ECOM = "yiwu.cbec.transaction_value", "yiwu.ecommerce.transaction_value"
MARKET, ECOM_ENT, CBEC_ENT = ("yiwu.market_entities.total", "yiwu.ecommerce_entities.total",
                              "yiwu.cbec_entities.total")
NEW_ECOM = "yiwu.ecommerce_entities.new"


class F(NamedTuple):
    metric: str | None
    period: tuple[str, str, str] | None
    value: str | None
    written: str | None
    multiplier: str | None
    unit: str | None
    comparator: str | None
    qualifier: str | None
    yoy: str | None = None
    yoy_comparator: str | None = None
    status: str | None = None


def year(y: int) -> tuple[str, str, str]:
    return ("year", f"{y}-01-01", f"{y}-12-31")


def level(start: str, end: str) -> tuple[str, str, str]:
    return ("level", start, end)


CASES: list[tuple[str, str, str, str | None, list[F]]] = [
    # --- Chinese ---------------------------------------------------------------------------
    ("zh-2024-total-share", "2025-01-13", "据海关总署初步统计，2024年我国跨境电商进出口2.63万亿元，"
     "同比增长10.8%，占外贸的比重从2021年的4.9%增长到2024年的6%。", None, [
         F(TRADE, year(2024), "2630000000000", "2.63", "万亿", "yuan", "=", None, "10.8", "=",
           "preliminary"),
         F(SHARE, year(2021), "0.049", "4.9%", None, "share", "=", None, status="preliminary"),
         F(SHARE, year(2024), "0.06", "6%", None, "share", "=", None, status="preliminary")]),
    ("zh-half-approx", "2025-07-14", "上半年，我国跨境电商进出口约1.32万亿元，同比增长5.7%。", None,
     [F(TRADE, ("half", "2025-01-01", "2025-06-30"), "1320000000000", "1.32", "万亿", "yuan", "~",
        "约", "5.7", "=")]),
    ("zh-half-before-july-is-last-year", "2025-03-01", "上半年，我国跨境电商进出口1.25万亿元。",
     None, [F(TRADE, ("half", "2024-01-01", "2024-06-30"), "1250000000000", "1.25", "万亿",
              "yuan", "=", None)]),
    ("zh-half-on-july-first", "2024-07-01", "上半年我国跨境电商进出口1.22万亿元，增长10.5%。",
     None, [F(TRADE, ("half", "2024-01-01", "2024-06-30"), "1220000000000", "1.22", "万亿",
              "yuan", "=", None, "10.5", "=")]),
    ("zh-half-mid-june", "2024-06-15", "上半年我国跨境电商进出口1.1万亿元。", None,
     [F(TRADE, ("half", "2023-01-01", "2023-06-30"), "1100000000000", "1.1", "万亿", "yuan",
        "=", None)]),
    ("zh-quarter", "2024-04-28", "一季度，我国跨境电商进出口5776亿元，增长9.6%。", None,
     [F(TRADE, ("quarter", "2024-01-01", "2024-03-31"), "577600000000", "5776", "亿", "yuan",
        "=", None, "9.6", "=")]),
    ("zh-first-three-quarters", "2024-10-21", "前三季度，我国跨境电商进出口1.88万亿元。", None,
     [F(TRADE, ("ytd", "2024-01-01", "2024-09-30"), "1880000000000", "1.88", "万亿", "yuan",
        "=", None)]),
    ("zh-exports-imports-passage", "2023-06-18",
     "2022年，我国跨境电商进出口2.1万亿元，增长7.1%。其中，出口1.53万亿元，增长10.1%；"
     "进口5278亿元，下降0.8%。", None, [
         F(TRADE, year(2022), "2100000000000", "2.1", "万亿", "yuan", "=", None, "7.1", "="),
         F(EXPORTS, year(2022), "1530000000000", "1.53", "万亿", "yuan", "=", None, "10.1",
           "="),
         F(IMPORTS, year(2022), "527800000000", "5278", "亿", "yuan", "=", None, "-0.8", "=")]),
    ("zh-yiwu-total", "2025-01-20", "2024年，义乌市进出口总值6689.3亿元，同比增长18.2%。", None,
     [F(YIWU_TRADE, year(2024), "668930000000", "6689.3", "亿", "yuan", "=", None, "18.2",
        "=")]),
    ("zh-yiwu-total-and-exports", "2020-01-20",
     "2019年义乌市进出口总值2967.8亿元，其中出口2867.9亿元。", None, [
         F(YIWU_TRADE, year(2019), "296780000000", "2967.8", "亿", "yuan", "=", None),
         F(YIWU_EXPORTS, year(2019), "286790000000", "2867.9", "亿", "yuan", "=", None)]),
    ("zh-ytd-range", "2025-03-20", "今年1-2月，义乌跨境电子商务交易额188.5亿元，同比增长17.82%。",
     None, [F(YIWU_CBEC, ("ytd", "2025-01-01", "2025-02-28"), "18850000000", "188.5", "亿",
              "yuan", "=", None, "17.82", "=")]),
    ("zh-ytd-first-n-months", "2025-06-22", "前5个月，义乌跨境电商交易额同比增长16.29%。", None,
     [F(YIWU_CBEC, ("ytd", "2025-01-01", "2025-05-31"), None, None, None, "yuan", None, None,
        "16.29", "=")]),
    ("zh-ytd-chinese-numeral", "2024-12-19", "前十一个月，义乌市进出口总值6139.9亿元，增长17.6%。",
     None, [F(YIWU_TRADE, ("ytd", "2024-01-01", "2024-11-30"), "613990000000", "6139.9", "亿",
              "yuan", "=", None, "17.6", "=")]),
    ("zh-as-of-stock", "2025-03-20", "截至2025年2月，义乌跨境电商主体超过26万家。", None,
     [F(CBEC_ENT, level("2025-02-01", "2025-02-28"), "260000", "26", "万", "entities", ">",
        "超过")]),
    ("zh-breakthrough-no-period", "2024-02-05", "义乌市场主体突破105万户。", None,
     [F(MARKET, level("2024-02-05", "2024-02-05"), "1050000", "105", "万", "entities", ">",
        "突破")]),
    ("zh-year-stock-level", "2024-02-05", "2023年，义乌市场主体达105万户，增长17.4%。", None,
     [F(MARKET, level("2023-01-01", "2023-12-31"), "1050000", "105", "万", "entities", "=",
        "达", "17.4", "=")]),
    ("zh-more-after-number", "2024-02-05", "2023年义乌电商主体60万余户。", None,
     [F(ECOM_ENT, level("2023-01-01", "2023-12-31"), "600000", "60", "万", "entities", ">",
        "余")]),
    ("zh-duo-flow-without-period-is-unmatched", "2024-02-05", "义乌新增电商主体1万多家。", None,
     [F(None, None, "10000", "1", "万", "entities", ">", "多")]),
    ("zh-duo", "2024-02-05", "2023年，义乌新增电商主体17.57万家，同比增长48.33%。", None,
     [F(NEW_ECOM, year(2023), "175700", "17.57", "万", "entities", "=", None, "48.33", "=")]),
    ("zh-yishang", "2024-02-05", "2023年，义乌电商主体60万户以上。", None,
     [F(ECOM_ENT, level("2023-01-01", "2023-12-31"), "600000", "60", "万", "entities", ">=",
        "以上")]),
    ("zh-nearly", "2025-01-20", "2024年，义乌市电子商务交易额近3000亿元。", None,
     [F(YIWU_ECOM, year(2024), "300000000000", "3000", "亿", "yuan", "<", "近")]),
    ("zh-yu", "2024-02-05", "2023年义乌跨境电商主体逾20万家。", None,
     [F(CBEC_ENT, level("2023-01-01", "2023-12-31"), "200000", "20", "万", "entities", ">",
        "逾")]),
    ("zh-decline-rate-only", "2024-11-27", "上半年，我国跨境电商进口下降3.9%。", None,
     [F(None, ("half", "2024-01-01", "2024-06-30"), None, None, None, None, None, None, "-3.9",
        "=")]),
    ("zh-tonnes-unmatched", "2025-01-20", "2024年，义乌铁路口岸货运量1200万吨。", None,
     [F(None, year(2024), "12000000", "1200", "万", "tonnes", "=", None)]),
    ("zh-no-figures", "2025-02-01", "海关总署将于近期召开新闻发布会，敬请关注。", None, []),
    # --- English -----------------------------------------------------------------------------
    ("en-quarter", "2024-04-28", "China's cross-border e-commerce imports and exports reached "
     "577.6 billion yuan in the first quarter of 2024, up 9.6 percent year-on-year.", None,
     [F(TRADE, ("quarter", "2024-01-01", "2024-03-31"), "577600000000", "577.6", "billion",
        "yuan", "=", None, "9.6", "=")]),
    ("en-year-increase-of", "2024-02-07", "In 2023, China's cross-border e-commerce trade "
     "totaled 2.38 trillion yuan, an increase of 15.6 percent.", None,
     [F(TRADE, year(2023), "2380000000000", "2.38", "trillion", "yuan", "=", None, "15.6",
        "=")]),
    ("en-half-survey", "2024-11-27", "According to the survey, China's cross-border e-commerce "
     "imports and exports reached 1.25 trillion yuan in the first half of 2024, up 13 percent "
     "year-on-year.", None,
     [F(TRADE, ("half", "2024-01-01", "2024-06-30"), "1250000000000", "1.25", "trillion",
        "yuan", "=", None, "13", "=")]),
    ("en-exports-imports-down", "2024-11-27", "In the first half of 2024, China's cross-border "
     "e-commerce trade reached 1.25 trillion yuan. Exports were 979.9 billion yuan, up 18.7 "
     "percent, and imports were 266.4 billion yuan, down 3.9 percent.", None, [
         F(TRADE, ("half", "2024-01-01", "2024-06-30"), "1250000000000", "1.25", "trillion",
           "yuan", "=", None),
         F(EXPORTS, ("half", "2024-01-01", "2024-06-30"), "979900000000", "979.9", "billion",
           "yuan", "=", None, "18.7", "="),
         F(IMPORTS, ("half", "2024-01-01", "2024-06-30"), "266400000000", "266.4", "billion",
           "yuan", "=", None, "-3.9", "=")]),
    ("en-preliminary", "2024-07-30", "Preliminary figures show China's cross-border e-commerce "
     "trade reached 1.22 trillion yuan in the first half, up 10.5 percent.", None,
     [F(TRADE, ("half", "2024-01-01", "2024-06-30"), "1220000000000", "1.22", "trillion",
        "yuan", "=", None, "10.5", "=", "preliminary")]),
    ("en-more-than-entities", "2024-02-05", "Yiwu had more than 600,000 e-commerce entities "
     "in 2023.", None,
     [F(ECOM_ENT, level("2023-01-01", "2023-12-31"), "600000", "600,000", None, "entities",
        ">", "more than")]),
    ("en-about", "2025-06-22", "Yiwu is home to about 1.05 million market entities.", None,
     [F(MARKET, level("2025-06-22", "2025-06-22"), "1050000", "1.05", "million", "entities",
        "~", "about")]),
    ("en-nearly", "2025-01-20", "Yiwu's e-commerce transactions reached nearly 300 billion "
     "yuan in 2024.", None,
     [F(YIWU_ECOM, year(2024), "300000000000", "300", "billion", "yuan", "<", "nearly")]),
    ("en-first-five-months-rate-only", "2025-06-22", "In the first five months, Yiwu's "
     "cross-border e-commerce transactions grew 16.29 percent year-on-year.", None,
     [F(YIWU_CBEC, ("ytd", "2025-01-01", "2025-05-31"), None, None, None, "yuan", None, None,
        "16.29", "=")]),
    ("en-january-to-september", "2025-10-30", "From January to September, Yiwu's imports and "
     "exports totaled 631.2 billion yuan, up 26.3 percent.", None,
     [F(YIWU_TRADE, ("ytd", "2025-01-01", "2025-09-30"), "631200000000", "631.2", "billion",
        "yuan", "=", None, "26.3", "=")]),
    ("en-last-year", "2025-01-20", "Last year, Yiwu's total imports and exports hit 668.93 "
     "billion yuan, an increase of 18.2 percent.", None,
     [F(YIWU_TRADE, year(2024), "668930000000", "668.93", "billion", "yuan", "=", None, "18.2",
        "=")]),
    ("en-as-of-end-of-february", "2025-03-20", "As of the end of February 2025, Yiwu had more "
     "than 260,000 cross-border e-commerce entities.", None,
     [F(CBEC_ENT, level("2025-02-01", "2025-02-28"), "260000", "260,000", None, "entities", ">",
        "more than")]),
    ("en-default-geography", "2021-01-15", "Cross-border e-commerce trade reached 1.69 trillion "
     "yuan in 2020, a growth of 31.1 percent.", "China",
     [F(TRADE, year(2020), "1690000000000", "1.69", "trillion", "yuan", "=", None, "31.1",
        "=")]),
    ("en-dollars-unmatched", "2025-01-20", "In 2024, Yiwu's cross-border e-commerce "
     "transactions reached 20 billion US dollars.", None,
     [F(None, year(2024), "20000000000", "20", "billion", "US dollars", "=", None)]),
    ("en-no-figures", "2025-02-01", "The press conference was held in Beijing on Tuesday.",
     None, []),
]


def _text(number: Decimal | None) -> str | None:
    """A number as plain text, with integral values normalised ('13.0' → '13')."""
    if number is None:
        return None
    return str(number.normalize()) if number == number.to_integral_value() else str(number)


def _actual(fig) -> F:
    period = (fig.period_kind, fig.period_start.isoformat(), fig.period_end.isoformat()) \
        if fig.period_start else None
    return F(fig.metric_id, period, _text(fig.value), fig.value_as_written, fig.multiplier,
             fig.unit, fig.comparator, fig.qualifier_text, _text(fig.yoy_pct),
             fig.yoy_comparator, fig.vintage_status)


def _normal(expected: F) -> F:
    def num(raw: str | None) -> str | None:
        return None if raw is None else _text(Decimal(raw))
    return expected._replace(value=num(expected.value), yoy=num(expected.yoy))


@pytest.mark.parametrize(("published", "text", "geography", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_extractor_reads_every_field(published: str, text: str, geography: str | None,
                                     expected: list[F]) -> None:
    figures = extract_figures(text, date.fromisoformat(published), LEXICON, geography)
    assert [_actual(f) for f in figures] == [_normal(e) for e in expected]
    for fig in figures:
        assert text[fig.quote_start:fig.quote_end] == fig.quote
        assert fig.value is None or fig.value > 0
        assert (fig.metric_id is None) == (fig.unmatched_reason is not None)


def test_the_corpus_is_big_enough_in_both_languages() -> None:
    chinese = [c for c in CASES if c[0].startswith("zh-")]
    english = [c for c in CASES if c[0].startswith("en-")]
    assert len(chinese) >= 18 and len(english) >= 14 and len(CASES) >= 30
