"""The ten classes of real-text misreading (issue 11), each on real sentences of the corpus.

Every row names a class, a text of tests/fixtures/real/ and a verbatim span of it. "loads": the
figure written by hand for that span in the text's .toml loads with every field right. "nothing":
no figure loads from that span (it may wait for review). The extractor reads the whole text, so
context (periods, the total a part belongs to, the place the text is about) counts as it would in
a run.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from flows.extract import decide, extract_figures
from flows.extract.lexicon import lexicon_path, load_lexicon
from flows.paths import SEEDS_DIR
from tests.corpus import CORPUS_DIR, metric_units, read_text
from tests.score_extract import spans_of

LEXICON = load_lexicon(lexicon_path("cbec"), SEEDS_DIR / "metrics.csv")
UNITS = metric_units()

CASES: list[tuple[int, str, str, str]] = [
    # 1. English growth phrasings: rate before the level, surged/rocketed, expansion, uptick
    (1, "en-cn-imsilkroad-2024-01-31-cbec-2023", "to 2.38 trillion yuan in 2023", "loads"),
    (1, "en-cn-govcn-2018-02-09-cbec-2017", "33.65 billion yuan", "loads"),
    (1, "en-cn-qstheory-2023-08-03-cbec-h1", "to 1.1 trillion yuan", "loads"),
    (1, "en-yw-chinadaily-2024-05-20-trade-jan-apr", "imports totaled 24.68 billion yuan",
     "loads"),
    (1, "en-cn-cgtn-2021-01-15-cbec-2020",
     "has increased by 1.9 percent to 32.16 trillion yuan last year", "nothing"),
    # 2. Percentage points: a difference of rates, never a count, share or growth rate
    (2, "en-cn-scio-2024-09-10-cbec-h1",
     "4.4 percentage points higher than overall national foreign trade growth", "nothing"),
    (2, "en-cn-equalocean-2024-01-13-cbec-2023", "a 3.1 percentage point rise", "nothing"),
    (2, "zh-cn-776mm-2025-07-17-cbec-h1", "比前5個(gè)月加快0.4個(gè)百分點(diǎn)", "nothing"),
    (2, "zh-cn-dashizg-2021-10-13-cbec-ytd9", "同比分别提升了0.8、0.9和0.8个百分点", "nothing"),
    # 3. Currencies and units: CNY/RMB are yuan; dollars and counts never become yuan
    (3, "en-cn-yicai-2024-07-30-cbec-h1", "CNY1.22 trillion", "loads"),
    (3, "en-cn-equalocean-2024-01-13-cbec-2023", "CNY 2.38 Trillion", "loads"),
    (3, "en-yw-jinhuagov-2023-05-16-foreign-merchants",
     "Yiwu's total import and export value reached 118.44 billion RMB", "loads"),
    (3, "en-cn-cgtn-2021-01-15-cbec-2020", "($261.5 billion)", "nothing"),
    (3, "zh-cn-10100-2025-12-30-cbec-2023", "2023年全球跨境电商B2C市场规模达1.8万亿美元",
     "nothing"),
    (3, "en-cn-apdnews-2019-03-05-cbec-rates", "custom clearance items reached 27 million",
     "nothing"),
    # 4. Sub-totals: partners, trade modes, products, 其中, a province; imports after exports
    (4, "en-yw-chinadaily-2024-05-20-trade-jan-apr",
     "reached 35.72 billion yuan, 32.28 billion yuan, and 20.91 billion yuan, respectively",
     "nothing"),
    (4, "en-yw-chinadaily-2024-05-20-trade-jan-apr",
     "exports through market procurement trade amounted to 142.99 billion yuan", "nothing"),
    (4, "zh-cn-776mm-2025-07-17-cbec-h1", "其中,出口13萬(wàn)億元", "nothing"),
    (4, "zh-yw-cppjump-2024-07-22-trade-h1", "进口367.4亿元", "loads"),
    (4, "en-cn-qstheory-2023-08-03-cbec-h1", "821 billion yuan", "loads"),
    # 5. Paired lists: each rate to its own level
    (5, "en-cn-imsilkroad-2020-07-16-cbec-h1", "28.7 percent", "loads"),
    (5, "en-cn-imsilkroad-2020-07-16-cbec-h1", "24.4 percent", "loads"),
    (5, "zh-cn-dashizg-2021-10-13-cbec-ytd9",
     "分季度进出口分别达到了8.51万亿、9.59万亿和10.23万亿元", "nothing"),
    (5, "en-cn-equalocean-2024-01-13-cbec-2023", "increased by 35.4% and 9.9%, respectively",
     "nothing"),
    # 6. Words that are not periods: 较…同期, since, datelines
    (6, "zh-yw-nanmuxuan-2021-05-14-trade-april", "義烏市外貿進出口總值270.1億元", "loads"),
    (6, "zh-yw-nanmuxuan-2021-10-20-trade-q1-3", "義烏外貿進出口總值2726.9億元", "loads"),
    (6, "en-cn-chinadaily-2015-01-26-cbec-pilots", "in the 18 months since July 2013",
     "nothing"),
    (6, "zh-yw-aiep-2023-02-03-foreign-merchants", "义乌常驻外商已突破1万人", "loads"),
    # 7. Period phrasings: January-June, 从…到…, an average annual rate that is no yoy
    (7, "en-cn-imsilkroad-2020-07-16-cbec-h1",
     "increased by 26.2 percent during the January-June period", "loads"),
    (7, "zh-cn-huifeng08-2024-08-02-cbec-h1", "從2018年的1.06萬億元", "loads"),
    (7, "zh-cn-huifeng08-2024-08-02-cbec-h1", "到2023年的2.38萬億元", "loads"),
    (7, "en-cn-ecns-2018-02-11-cbec-2017",
     "an average annual rate of over 50 percent in the past three years", "nothing"),
    # 8. Not figures: forecasts, durations, counts of zones and years
    (8, "en-cn-govcn-2018-09-09-cbec-forecast",
     "is forecast to see turnover top 9 trillion yuan ($1.3 trillion)", "nothing"),
    (8, "zh-cn-10100-2025-12-30-cbec-2023", "全球72小时达物流网络", "nothing"),
    (8, "zh-cn-10100-2025-12-30-cbec-2023", "截至2023年已扩至165个城市", "nothing"),
    (8, "en-cn-ezhejiang-2024-06-04-cbec-q1",
     "165 cross-border e-commerce comprehensive pilot zones", "nothing"),
    # 9. Qualifiers on percentages
    (9, "en-cn-qstheory-2023-08-03-cbec-h1", "from less than 1 percent in 2018", "loads"),
    (9, "en-cn-govcn-2018-02-09-cbec-2017",
     "The average annual growth rate for the past three years is more than 50 percent",
     "nothing"),
    (9, "zh-cn-360doc-2019-03-19-cbec-industry", "保持着每年20%~30%以上的高速增长", "nothing"),
    (9, "en-cn-cgtn-2021-01-15-cbec-2020", "over 100 percent of export growth in 2020",
     "nothing"),
    # 10. Other ways of writing numbers: traditional characters with pinyin, Chinese numerals
    (10, "zh-cn-776mm-2025-07-17-cbec-h1", "我國(guó)跨境電商進(jìn)出口約1.32萬(wàn)億元",
     "loads"),
    (10, "zh-cn-orisbrush-2024-01-26-cbec-2023",
     "去年跨境電商進(jìn)出口達(dá)到2.38萬(wàn)億元人民幣", "loads"),
    (10, "zh-yw-readfree-2007-04-29-customs-chinanews", "一万名外籍商人常驻义乌采购小商品",
     "loads"),
    (10, "zh-yw-readfree-2007-04-29-customs-chinanews",
     "义乌小商品已出口到全世界二百十五个国家和地区", "loads"),
    (10, "en-cn-qstheory-2023-08-03-cbec-h1",
     "exceeded two trillion yuan for the first time in 2022", "nothing"),
]


def _outcomes(slug: str):
    entry = read_text(CORPUS_DIR / f"{slug}.toml", UNITS)
    extracted = extract_figures(entry.text, entry.published_on, LEXICON, entry.geography)
    return entry, decide(extracted, entry.published_on, "corpus", UNITS)


def _inside(span: tuple[int, int] | None, spans: list[tuple[int, int]]) -> bool:
    """True when a number's span overlaps one of the spans."""
    return span is not None and any(span[0] < e and s < span[1] for s, e in spans)


@pytest.mark.parametrize(("klass", "slug", "at", "expect"), CASES,
                         ids=[f"{c[0]}-{c[1][:28]}-{c[2][:18]}" for c in CASES])
def test_each_class_on_real_sentences(klass: int, slug: str, at: str, expect: str) -> None:
    entry, outcomes = _outcomes(slug)
    spans = spans_of(entry.text, at)
    assert spans, f"{at!r} is not in {slug}"
    here = [o for o in outcomes if o.loaded is not None and (
        _inside(o.figure.span, spans) or _inside(o.figure.rate_span, spans))]
    if expect == "nothing":
        assert here == [], f"loaded from a span that holds no figure: {here[0].loaded}"
        return
    wanted = next(f for f in entry.figures if f.at == at)
    loaded = [o.loaded for o in here]
    assert len(loaded) == 1, f"expected one figure at {at!r}, got {loaded}"
    fig = loaded[0]
    assert (fig.metric_id, (fig.period_kind, fig.period_start, fig.period_end)) == (
        wanted.metric, wanted.period)
    if wanted.value is None:
        assert fig.value is None
    else:
        assert (fig.value, fig.unit, fig.comparator) == (
            wanted.value, wanted.unit, wanted.comparator)
    assert (fig.yoy_pct, fig.yoy_comparator) == (wanted.yoy, wanted.yoy_comparator)


def test_percentage_points_are_never_a_share_or_a_rate() -> None:
    for slug, at in [(c[1], c[2]) for c in CASES if c[0] == 2]:
        entry, outcomes = _outcomes(slug)
        spans = spans_of(entry.text, at)
        assert not [o for o in outcomes if _inside(o.figure.span, spans) and (
            o.figure.unit == "share" or o.figure.yoy_pct is not None)], slug


def test_a_dollar_conversion_is_kept_in_dollars_and_held() -> None:
    entry, outcomes = _outcomes("en-cn-cgtn-2021-01-15-cbec-2020")
    spans = spans_of(entry.text, "($261.5 billion)")
    held = [o for o in outcomes if _inside(o.figure.span, spans)]
    assert [(o.figure.unit, o.figure.value, o.loaded) for o in held] == [
        ("US dollars", Decimal("261500000000"), None)]
    assert held[0].reason == "it is in brackets: a conversion or an aside"


def test_full_width_digits_are_read_as_digits() -> None:
    # The 2025 H1 customs sentence of zh-cn-776mm, written with full-width digits as some
    # pages print it: １．３２ must read 1.32, never 32.
    text = "上半年，我国跨境电商进出口约１．３２万亿元，同比增长５．７％。"
    fig = extract_figures(text, date(2025, 7, 17), LEXICON)[0]
    assert (fig.metric_id, fig.value, fig.comparator, fig.yoy_pct) == (
        "china.cbec.trade_value", Decimal("1320000000000"), "~", Decimal("5.7"))
    assert text[fig.span[0]:fig.span[1]] == "１．３２万亿元"


def test_every_class_has_three_real_sentences() -> None:
    counts = {k: sum(1 for c in CASES if c[0] == k) for k in range(1, 11)}
    assert min(counts.values()) >= 3, counts
