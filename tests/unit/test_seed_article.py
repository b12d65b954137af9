"""The curated baseline holds every figure of the source article, with its qualifier."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from flows.model.release_files import read_release
from tests.conftest import ARTICLE_RELEASE

# metric, period (kind, start, end), value in base units, comparator, unit, written, multiplier,
# reported change, source, attributed month
EXPECTED = [
    ("yiwu.cbec.transaction_value", ("ytd", "2025-01-01", "2025-05-31"), None, None, "yuan",
     None, None, Decimal("16.29"), "yiwu_fabu", None),
    ("yiwu.market.product_types", ("level", "2024-07-01", "2024-07-31"), 2_100_000, ">",
     "product types", "2.1", "million", None, "peoples_daily", "2024-07-01"),
    ("yiwu.market.product_categories", ("level", "2024-07-01", "2024-07-31"), 26, "=",
     "categories", "26", None, None, "peoples_daily", "2024-07-01"),
    ("yiwu.market.workers_supported", ("level", "2024-07-01", "2024-07-31"), 32_000_000, "=",
     "workers", "32", "million", None, "peoples_daily", "2024-07-01"),
    ("yiwu.market.businesses", ("level", "2024-07-01", "2024-07-31"), 2_100_000, "=",
     "businesses", "2.1", "million", None, "peoples_daily", "2024-07-01"),
    ("yiwu.trade.partner_economies", ("level", "2024-07-01", "2024-07-31"), 200, ">",
     "countries and regions", "200", None, None, "peoples_daily", "2024-07-01"),
    ("yiwu.foreign_merchants.resident", ("level", "2024-07-01", "2024-07-31"), 15_000, "=",
     "merchants", "15,000", None, None, "peoples_daily", "2024-07-01"),
    ("yiwu.foreign_investment_entities.total", ("level", "2024-07-01", "2024-07-31"), 8_000, ">",
     "entities", "8,000", None, None, "peoples_daily", "2024-07-01"),
    ("yiwu_itc.foot_traffic.daily_average", ("level", "2024-07-01", "2024-07-31"), 200_000, "=",
     "people per day", "200,000", None, None, "peoples_daily", "2024-07-01"),
    ("yiwu.market_entities.total", ("level", "2023-01-01", "2023-12-31"), 1_000_000, ">",
     "entities", "1", "million", None, "cctv_news", None),
    ("yiwu.ecommerce_entities.new", ("year", "2023-01-01", "2023-12-31"), 175_700, "=",
     "entities", "175,700", None, Decimal("48.33"), "cctv_news", None),
    ("yiwu.ecommerce_entities.total", ("level", "2023-01-01", "2023-12-31"), 600_000, "~",
     "entities", "600,000", None, None, "cctv_news", None),
    ("yiwu.cbec_entities.share_of_ecommerce", ("level", "2023-01-01", "2023-12-31"),
     Decimal(1) / 3, ">", "share", "1/3", None, None, "cctv_news", None),
    ("yiwu.cbec_entities.total", ("level", "2025-02-01", "2025-02-28"), 260_000, ">",
     "entities", "260,000", None, None, "jinhua_commerce", "2025-02-01"),
    ("china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 2_630_000_000_000, "=",
     "yuan", "2.63", "trillion", Decimal("10.8"), "global_times", None),
]

WORD_NUMBERS = {"one-third": "1/3", "five": "5"}


@pytest.fixture(scope="module")
def parsed():
    return read_release(ARTICLE_RELEASE)


def test_release_metadata_records_the_article_and_its_date(parsed) -> None:
    rel = parsed.release
    assert rel.publisher_id == "global_times"
    assert rel.published_on == date(2025, 6, 22)
    assert rel.url == "https://www.globaltimes.cn/page/202506/1336714.shtml"
    assert "21 June 2025" in rel.published_on_note


def test_every_expected_claim_is_held_exactly(parsed) -> None:
    figures = {f.metric_id: f for f in parsed.release.figures}
    assert sorted(figures) == sorted(e[0] for e in EXPECTED)
    for (metric, (kind, start, end), value, comparator, unit, written, multiplier, yoy, source,
         attributed) in EXPECTED:
        fig = figures[metric]
        assert (fig.period_kind, fig.period_start.isoformat(), fig.period_end.isoformat()) == (
            kind, start, end), metric
        if value is None:
            assert fig.value is None, metric
        else:
            assert fig.value == pytest.approx(Decimal(value), rel=Decimal("1e-15")), metric
        assert fig.comparator == comparator, metric
        assert fig.unit == unit, metric
        assert fig.value_as_written == written, metric
        assert fig.multiplier == multiplier, metric
        assert fig.yoy_pct == yoy, metric
        assert fig.reported_by == source, metric
        assert (fig.attributed_on.isoformat() if fig.attributed_on else None) == attributed, metric


def test_every_quote_is_verbatim_and_contains_its_number(parsed) -> None:
    for fig in parsed.release.figures:
        assert fig.quote in parsed.document_text
        if fig.value_as_written and "/" not in fig.value_as_written:
            assert fig.value_as_written in fig.quote, fig.metric_id
        if fig.yoy_pct is not None:
            assert f"{fig.yoy_pct} percent" in fig.quote, fig.metric_id


def test_every_number_in_the_article_is_a_claim_or_a_date(parsed) -> None:
    """Walk the article's numbers: each one that is not a year must belong to a claim."""
    text = parsed.document_text
    tokens = re.findall(r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|one-third|five", text)
    covered = set()
    for fig in parsed.release.figures:
        covered.add(fig.value_as_written)
        if fig.yoy_pct is not None:
            covered.add(str(fig.yoy_pct))
    covered.add("5")  # "the first five months": the period of the Yiwu transactions claim
    uncovered = [
        t for t in tokens
        if not re.fullmatch(r"(19|20)\d\d", t) and WORD_NUMBERS.get(t, t) not in covered
    ]
    assert uncovered == []


def test_bounds_are_bounds(parsed) -> None:
    """Each hedge word in a quote matches the comparator of the figure it qualifies."""
    figures = {f.metric_id: f for f in parsed.release.figures}
    hedged = {
        "yiwu.market.product_types": "more than 2.1 million",
        "yiwu.trade.partner_economies": "more than 200",
        "yiwu.foreign_investment_entities.total": "more than 8,000",
        "yiwu.market_entities.total": "exceeded 1 million",
        "yiwu.ecommerce_entities.total": "approximately 600,000",
        "yiwu.cbec_entities.share_of_ecommerce": "more than one-third",
        "yiwu.cbec_entities.total": "surpassed 260,000",
    }
    for metric, phrase in hedged.items():
        assert phrase in figures[metric].quote, metric
        assert figures[metric].comparator == ("~" if "approximately" in phrase else ">"), metric
