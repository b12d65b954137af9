"""The curated backfill of real releases holds exactly the figures of the reference notes.

The expected table below is copied by hand from shared/reference/public-figures.md: a figure
that changes, goes missing or appears without being listed here fails a test.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from flows.model.release_files import ParsedRelease, read_release
from flows.paths import SEEDS_DIR
from flows.warehouse import sqlrunner
from flows.warehouse.load import load_reference, load_release

RELEASES_DIR = SEEDS_DIR / "releases"

# release id: (publisher, published_on, date inferred rather than printed or given)
BACKFILL = {
    "wucea-2024-08-02-cbec-2018": ("wucea", "2024-08-02", False),
    "cgtn-2021-01-15-cbec-2020": ("cgtn", "2021-01-15", False),
    "chinaservicesinfo-2022-03-09-cbec-2021": ("chinaservicesinfo", "2022-03-09", False),
    "repost-2023-01-13-cbec-2022-preliminary": ("repost", "2023-01-13", True),
    "sisaegoodnews-2023-06-18-cbec-2022-revised": ("sisaegoodnews", "2023-06-18", True),
    "scio-2024-02-07-cbec-2023": ("scio", "2024-02-07", False),
    "scio-2024-04-28-cbec-2024q1": ("scio", "2024-04-28", False),
    "yicai-2024-07-30-cbec-2024h1-preliminary": ("yicai", "2024-07-30", True),
    "scio-2024-11-27-cbec-2024h1-survey": ("scio", "2024-11-27", False),
    "cri-2024-10-21-cbec-2024-jan-sep": ("cri", "2024-10-21", False),
    "zszhan-2025-01-13-cbec-2024-preliminary": ("zszhan", "2025-01-13", True),
    "dushu-2023-12-01-yiwu-trade-2019": ("dushu", "2023-12-01", True),
    "chinadaily-2022-06-09-yiwu-trade-2021": ("china_daily", "2022-06-09", False),
    "ezhejiang-2024-02-05-yiwu-work-report-2023": ("zhejiang_government", "2024-02-05", False),
    "repost-2024-12-19-yiwu-trade-2024-jan-nov": ("repost", "2024-12-19", True),
    "repost-2025-01-20-yiwu-trade-2024": ("repost", "2025-01-20", True),
    "chinadaily-2025-10-30-yiwu-trade-2025-jan-sep": ("china_daily", "2025-10-30", False),
    "globaltimes-2026-01-20-yiwu-trade-2025": ("global_times", "2026-01-20", False),
    "ezhejiang-2022-10-19-yiwu-ecommerce-2014-2021": ("zhejiang_government", "2022-10-19", False),
    "repost-2025-03-20-yiwu-cbec-2025-jan-feb": ("repost", "2025-03-20", True),
}

# Releases whose row in the reference says only "repost": no address is known.
NO_ADDRESS = {
    "repost-2023-01-13-cbec-2022-preliminary",
    "repost-2024-12-19-yiwu-trade-2024-jan-nov",
    "repost-2025-01-20-yiwu-trade-2024",
    "repost-2025-03-20-yiwu-cbec-2025-jan-feb",
}

CBEC, EXP, IMP = "china.cbec.trade_value", "china.cbec.exports", "china.cbec.imports"
SHARE = "china.cbec.share_of_foreign_trade"
YW, YWX = "yiwu.trade.total", "yiwu.trade.exports"


def _year(y: int) -> tuple[str, str, str]:
    return ("year", f"{y}-01-01", f"{y}-12-31")


H1_2024 = ("half", "2024-01-01", "2024-06-30")
LEVEL_2023 = ("level", "2023-01-01", "2023-12-31")

# release, metric, period, value, as written, multiplier, year-on-year %, vintage status
EXPECTED = [
    ("wucea-2024-08-02-cbec-2018", CBEC, _year(2018), "1.06e12", "1.06", "万亿", None, None),
    ("cgtn-2021-01-15-cbec-2020", CBEC, _year(2020), "1.69e12", "1.69", "trillion", "31.1",
     None),
    ("chinaservicesinfo-2022-03-09-cbec-2021", CBEC, _year(2021), "1.98e12", "1.98", "trillion",
     "15", None),
    ("repost-2023-01-13-cbec-2022-preliminary", CBEC, _year(2022), "2.11e12", "2.11",
     "trillion", "9.8", "preliminary"),
    ("repost-2023-01-13-cbec-2022-preliminary", EXP, _year(2022), "1.55e12", "1.55",
     "trillion", "11.7", "preliminary"),
    ("sisaegoodnews-2023-06-18-cbec-2022-revised", CBEC, _year(2022), "2.1e12", "2.1",
     "trillion", "7.1", "revised"),
    ("sisaegoodnews-2023-06-18-cbec-2022-revised", EXP, _year(2022), "1.53e12", "1.53",
     "trillion", "10.1", "revised"),
    ("sisaegoodnews-2023-06-18-cbec-2022-revised", IMP, _year(2022), "527.8e9", "527.8",
     "billion", "-0.8", "revised"),
    ("scio-2024-02-07-cbec-2023", CBEC, _year(2023), "2.38e12", "2.38", "trillion", "15.6",
     None),
    ("scio-2024-04-28-cbec-2024q1", CBEC, ("quarter", "2024-01-01", "2024-03-31"), "577.6e9",
     "577.6", "billion", "9.6", "preliminary"),
    ("yicai-2024-07-30-cbec-2024h1-preliminary", CBEC, H1_2024, "1.22e12", "1.22", "trillion",
     "10.5", "preliminary"),
    ("scio-2024-11-27-cbec-2024h1-survey", CBEC, H1_2024, "1.25e12", "1.25", "trillion", "13",
     "revised"),
    ("scio-2024-11-27-cbec-2024h1-survey", EXP, H1_2024, "979.9e9", "979.9", "billion", "18.7",
     "revised"),
    ("scio-2024-11-27-cbec-2024h1-survey", IMP, H1_2024, "266.4e9", "266.4", "billion", "-3.9",
     "revised"),
    ("cri-2024-10-21-cbec-2024-jan-sep", CBEC, ("ytd", "2024-01-01", "2024-09-30"), "1.88e12",
     "1.88", "trillion", None, None),
    ("zszhan-2025-01-13-cbec-2024-preliminary", CBEC, _year(2024), "2.63e12", "2.63", "万亿",
     "10.8", "preliminary"),
    ("zszhan-2025-01-13-cbec-2024-preliminary", SHARE, _year(2021), "0.049", "0.049", None,
     None, None),
    ("zszhan-2025-01-13-cbec-2024-preliminary", SHARE, _year(2024), "0.06", "0.06", None, None,
     "preliminary"),
    ("dushu-2023-12-01-yiwu-trade-2019", YW, _year(2019), "296.78e9", "2967.8", "亿", None,
     None),
    ("dushu-2023-12-01-yiwu-trade-2019", YWX, _year(2019), "286.79e9", "286.79", "billion",
     None, None),
    ("chinadaily-2022-06-09-yiwu-trade-2021", YW, _year(2021), "390.305e9", "390.305",
     "billion", "24.7", None),
    ("ezhejiang-2024-02-05-yiwu-work-report-2023", YW, _year(2023), "566.05e9", "566.05",
     "billion", "18.2", None),
    ("ezhejiang-2024-02-05-yiwu-work-report-2023", YWX, _year(2023), "500.57e9", "500.57",
     "billion", None, None),
    ("ezhejiang-2024-02-05-yiwu-work-report-2023", "yiwu.market_entities.total", LEVEL_2023,
     "1.05e6", "1.05", "million", "17.4", None),
    ("ezhejiang-2024-02-05-yiwu-work-report-2023", "yiwu.ecommerce_entities.total", LEVEL_2023,
     "600000", "600,000", None, None, None),
    ("repost-2024-12-19-yiwu-trade-2024-jan-nov", YW, ("ytd", "2024-01-01", "2024-11-30"),
     "613.99e9", "613.99", "billion", "17.6", None),
    ("repost-2025-01-20-yiwu-trade-2024", YW, _year(2024), "668.93e9", "6689.3", "亿", "18.2",
     None),
    ("chinadaily-2025-10-30-yiwu-trade-2025-jan-sep", YW, ("ytd", "2025-01-01", "2025-09-30"),
     "631.2e9", "631.2", "billion", "26.3", None),
    ("globaltimes-2026-01-20-yiwu-trade-2025", YW, _year(2025), "836.5e9", "836.5", "billion",
     "25.1", None),
    ("ezhejiang-2022-10-19-yiwu-ecommerce-2014-2021", "yiwu.ecommerce.transaction_value",
     _year(2014), "115.3e9", "115.3", "billion", None, None),
    ("ezhejiang-2022-10-19-yiwu-ecommerce-2014-2021", "yiwu.ecommerce.transaction_value",
     _year(2021), "371.51e9", "371.51", "billion", None, None),
    ("repost-2025-03-20-yiwu-cbec-2025-jan-feb", "yiwu.cbec.transaction_value",
     ("ytd", "2025-01-01", "2025-02-28"), "18.85e9", "188.5", "亿", "17.82", None),
]

# Only these claims are "more than" in the reference; every other figure is exact.
HEDGED = {("ezhejiang-2024-02-05-yiwu-work-report-2023", "yiwu.ecommerce_entities.total"): ">"}

# Metric and period reported twice on purpose: a preliminary figure and its revision.
VINTAGE_PAIRS = {
    (CBEC, *_year(2022)),
    (EXP, *_year(2022)),
    (CBEC, *H1_2024),
}


@pytest.fixture(scope="module")
def backfill() -> dict[str, ParsedRelease]:
    return {rid: read_release(RELEASES_DIR / f"{rid}.json") for rid in BACKFILL}


def _figures(backfill: dict[str, ParsedRelease]):
    for rid, parsed in backfill.items():
        for fig in parsed.release.figures:
            yield rid, parsed.release, fig


@pytest.mark.parametrize("release_id", sorted(BACKFILL))
def test_release_file_validates_with_its_publisher_and_date(release_id: str) -> None:
    parsed = read_release(RELEASES_DIR / f"{release_id}.json")
    publisher, published_on, _ = BACKFILL[release_id]
    assert parsed.release.release_id == release_id
    assert parsed.release.publisher_id == publisher
    assert parsed.release.published_on == date.fromisoformat(published_on)


def test_backfill_loads_into_a_warehouse_with_the_reference_seeds(tmp_path, backfill) -> None:
    """The loader also checks publishers, sources, metrics and units against the seed CSVs."""
    with duckdb.connect(str(tmp_path / "backfill.duckdb")) as con:
        sqlrunner.apply_layers(con, ["schema"])
        load_reference(con, SEEDS_DIR)
        loaded = [load_release(con, parsed) for parsed in backfill.values()]
    assert loaded == [True] * len(BACKFILL)


def test_every_figure_is_the_reference_figure_and_nothing_else(backfill) -> None:
    actual = {
        (rid, f.metric_id, (f.period_kind, f.period_start.isoformat(), f.period_end.isoformat())):
        (f.value, f.value_as_written, f.multiplier, f.yoy_pct, f.vintage_status)
        for rid, _, f in _figures(backfill)
    }
    expected = {
        (rid, metric, period): (Decimal(value), written, multiplier,
                                None if yoy is None else Decimal(yoy), vintage)
        for rid, metric, period, value, written, multiplier, yoy, vintage in EXPECTED
    }
    assert sum(len(p.release.figures) for p in backfill.values()) == len(EXPECTED)
    assert sorted(actual) == sorted(expected)
    for key, want in expected.items():
        assert actual[key] == want, key


def test_comparators_are_exact_unless_the_reference_hedges(backfill) -> None:
    for rid, _, fig in _figures(backfill):
        assert fig.comparator == HEDGED.get((rid, fig.metric_id), "="), (rid, fig.metric_id)
        if fig.yoy_pct is not None:
            assert fig.yoy_comparator == "=", (rid, fig.metric_id)


def test_china_trade_covers_2018_to_2024_except_2019(backfill) -> None:
    years = {
        f.period_start.year for _, _, f in _figures(backfill)
        if f.metric_id == CBEC and f.period_kind == "year"
    }
    assert set(range(2018, 2025)) - years == {2019}, "the reference has no 2019 figure"
    assert years <= set(range(2018, 2025))


def test_revisions_follow_their_preliminary_figure(backfill) -> None:
    vintages = defaultdict(list)
    for _, rel, fig in _figures(backfill):
        key = (fig.metric_id, fig.period_kind, fig.period_start.isoformat(),
               fig.period_end.isoformat())
        vintages[key].append((rel.published_on, fig.vintage_status))
    for key in VINTAGE_PAIRS:
        ordered = sorted(vintages[key])
        assert [status for _, status in ordered] == ["preliminary", "revised"], key
        assert ordered[0][0] < ordered[1][0], f"{key}: the revision must be published later"


def test_no_metric_and_period_repeats_except_real_vintages(backfill) -> None:
    counts = Counter(
        (f.metric_id, f.period_kind, f.period_start.isoformat(), f.period_end.isoformat())
        for _, _, f in _figures(backfill)
    )
    repeated = {key: n for key, n in counts.items() if n > 1}
    assert repeated == dict.fromkeys(VINTAGE_PAIRS, 2)


def test_every_release_cites_its_page_and_the_reference_notes(backfill) -> None:
    for rid, parsed in backfill.items():
        rel = parsed.release
        assert rel.notes and "shared/reference/public-figures.md" in rel.notes, rid
        assert "not archived" in rel.notes, rid
        if rid in NO_ADDRESS:
            assert rel.url is None, rid
            assert "gives no address" in rel.notes, rid
        else:
            assert rel.url and rel.url.startswith("https://"), rid
        assert rel.document is None, f"{rid}: no page text was archived"
        for fig in rel.figures:
            assert fig.quote, rid
            assert fig.note and "reference's record" in fig.note, (rid, fig.metric_id)


def test_every_date_is_explained_and_inferred_ones_say_so(backfill) -> None:
    for rid, parsed in backfill.items():
        note = parsed.release.published_on_note
        inferred = BACKFILL[rid][2]
        assert note, rid
        assert note.startswith("Inferred") == inferred, rid
