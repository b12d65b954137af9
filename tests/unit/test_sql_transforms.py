"""The SQL transforms on hand-written figures, with exact numbers.

Each test loads a few releases through the real loader into a real DuckDB file and reads one
view or macro: "100 → 110 gives 10.0; a missing prior period gives NULL".
"""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from tests.conftest import Warehouse, figure, release

TRADE = "china.cbec.trade_value"
CBEC_ENTITIES = "yiwu.cbec_entities.total"
ECOM_ENTITIES = "yiwu.ecommerce_entities.total"
MARKET_ENTITIES = "yiwu.market_entities.total"
CBEC_SHARE = "yiwu.cbec_entities.share_of_ecommerce"
ECOM_SHARE = "yiwu.ecommerce_entities.share_of_market"

TIGHT = 1e-9


def year(y: int) -> tuple[str, str, str]:
    return ("year", f"{y}-01-01", f"{y}-12-31")


def level_year(y: int) -> tuple[str, str, str]:
    """A stock reported for a whole calendar year (period_kind 'level')."""
    return ("level", f"{y}-01-01", f"{y}-12-31")


def as_of(day: str) -> tuple[str, str, str]:
    return ("level", day, day)


def entities(metric_id: str, period: tuple[str, str, str], value: float, written: str,
             **kwargs: Any) -> dict[str, Any]:
    return figure(metric_id, period, value, written, unit="entities", **kwargs)


def one(rows: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(rows) == 1, rows
    return rows[0]


def growth_row(warehouse: Warehouse, metric_id: str, label: str) -> dict[str, Any]:
    return one(warehouse.rows(
        "select * from growth where metric_id = ? and period_label = ?", [metric_id, label]))


def findings(warehouse: Warehouse) -> list[tuple]:
    """(check_id, severity, metric_id, period_label, release_id) of every finding, sorted."""
    return sorted(
        (r["check_id"], r["severity"], r["metric_id"], r["period_label"], r["release_id"])
        for r in warehouse.rows("select * from check_findings"))


# 1. Growth: computed beside reported --------------------------------------------------------


def test_growth_100_to_110_gives_ten_percent(warehouse: Warehouse) -> None:
    warehouse.add(release("levels", "2025-01-20", [
        figure(TRADE, year(2023), 100, "100"),
        figure(TRADE, year(2024), 110, "110"),
    ]))
    row = growth_row(warehouse, TRADE, "2024")
    assert row["computed_yoy_pct"] == pytest.approx(10.0, rel=TIGHT)
    assert row["computed_yoy_comparator"] == "="
    assert row["computed_yoy_is_approximate"] is False
    assert row["prior_value"] == 100.0
    assert row["prior_period_label"] == "2023"
    assert row["reported_yoy_pct"] is None
    assert row["yoy_difference_pp"] is None


def test_growth_without_a_prior_period_is_null(warehouse: Warehouse) -> None:
    warehouse.add(release("levels", "2025-01-20", [
        figure(TRADE, year(2023), 100, "100"),
        figure(TRADE, year(2024), 110, "110"),
        entities(ECOM_ENTITIES, year(2024), 600_000, "600,000"),
    ]))
    first_year = growth_row(warehouse, TRADE, "2023")
    lone = growth_row(warehouse, ECOM_ENTITIES, "2024")
    for row in (first_year, lone):
        assert row["prior_value"] is None
        assert row["computed_yoy_pct"] is None
        assert row["computed_yoy_comparator"] is None
        assert row["computed_yoy_lo"] is None and row["computed_yoy_hi"] is None


def test_growth_reported_beside_computed_with_difference_in_points(warehouse: Warehouse) -> None:
    warehouse.add(release("levels", "2025-01-20", [
        figure(TRADE, year(2023), 100, "100"),
        figure(TRADE, year(2024), 110, "110", yoy=9.5),
    ]))
    row = growth_row(warehouse, TRADE, "2024")
    assert row["reported_yoy_pct"] == 9.5
    assert row["reported_yoy_comparator"] == "="
    assert (row["reported_yoy_lo"], row["reported_yoy_hi"]) == pytest.approx((9.45, 9.55))
    assert row["computed_yoy_pct"] == pytest.approx(10.0, rel=TIGHT)
    assert row["yoy_difference_pp"] == pytest.approx(-0.5, rel=TIGHT)


def test_growth_of_a_february_month_end_level_compares_with_the_prior_month_end(
        warehouse: Warehouse) -> None:
    """A month-end stays a month-end: as of 28 Feb 2025 follows as of 29 Feb 2024."""
    warehouse.add(release("february", "2025-03-10", [
        entities(ECOM_ENTITIES, as_of("2024-02-29"), 100, "100"),
        entities(ECOM_ENTITIES, as_of("2025-02-28"), 110, "110"),
    ]))
    row = growth_row(warehouse, ECOM_ENTITIES, "as of 28 Feb 2025")
    assert row["implied_prior_period_label"] == "as of 29 Feb 2024"
    assert row["prior_period_label"] == "as of 29 Feb 2024"
    assert row["computed_yoy_pct"] == pytest.approx(10.0, rel=TIGHT)


# 2. Implied prior level ---------------------------------------------------------------------


def test_implied_prior_level_of_china_trade(warehouse: Warehouse) -> None:
    warehouse.add(release("china-2024", "2025-01-13", [
        figure(TRADE, year(2024), 2.63e12, "2.63", multiplier="trillion", yoy=10.8),
    ]))
    row = growth_row(warehouse, TRADE, "2024")
    assert row["implied_prior_value"] == pytest.approx(2_630_000_000_000 / 1.108, rel=TIGHT)
    assert row["implied_prior_value"] == pytest.approx(2.3736e12, rel=1e-4)
    assert row["implied_prior_comparator"] == "~"
    assert row["implied_prior_is_approximate"] is True
    assert row["implied_prior_period_label"] == "2023"
    # Interval: 2.625e12 / 1.1085 .. 2.635e12 / 1.1075.
    assert row["implied_prior_lo"] == pytest.approx(2.625e12 / 1.1085, rel=TIGHT)
    assert row["implied_prior_hi"] == pytest.approx(2.635e12 / 1.1075, rel=TIGHT)
    derived = one(warehouse.rows(f"select * from figures where metric_id = '{TRADE}'"
                                 " and period_label = '2023'"))
    assert derived["is_derived"] is True
    assert derived["value"] == pytest.approx(2_630_000_000_000 / 1.108, rel=TIGHT)
    assert (derived["comparator"], derived["is_approximate"]) == ("~", True)
    assert derived["derivation"] == "implied by the reported year-on-year change"


def test_implied_prior_level_of_entities(warehouse: Warehouse) -> None:
    warehouse.add(release("yiwu-entities", "2025-01-20", [
        entities(CBEC_ENTITIES, as_of("2024-12-31"), 175_700, "175,700", yoy=48.33,
                 reported_by="yiwu_fabu"),
    ], publisher_id="yiwu_fabu"))
    row = growth_row(warehouse, CBEC_ENTITIES, "as of 31 Dec 2024")
    assert row["implied_prior_value"] == pytest.approx(175_700 / 1.4833, rel=TIGHT)
    assert row["implied_prior_value"] == pytest.approx(118_452.1, abs=0.05)
    assert row["implied_prior_comparator"] == "~"
    assert row["implied_prior_is_approximate"] is True
    assert row["implied_prior_period_label"] == "as of 31 Dec 2023"


def test_implied_prior_of_a_lower_bound_at_an_exact_rate_is_a_lower_bound(
        warehouse: Warehouse) -> None:
    warehouse.add(release("bounded", "2025-01-20", [
        figure(TRADE, year(2024), 2.63e12, "2.63", multiplier="trillion", comparator=">",
               yoy=10.8),
    ]))
    row = growth_row(warehouse, TRADE, "2024")
    assert row["implied_prior_value"] == pytest.approx(2_630_000_000_000 / 1.108, rel=TIGHT)
    assert row["implied_prior_comparator"] == ">"
    assert row["implied_prior_is_approximate"] is True


def test_implied_prior_of_an_exact_level_at_a_lower_bound_rate_is_an_upper_bound(
        warehouse: Warehouse) -> None:
    warehouse.add(release("bounded", "2025-01-20", [
        figure(TRADE, year(2024), 2.63e12, "2.63", multiplier="trillion",
               yoy=10.8, yoy_comparator=">"),
    ]))
    row = growth_row(warehouse, TRADE, "2024")
    assert row["implied_prior_value"] == pytest.approx(2_630_000_000_000 / 1.108, rel=TIGHT)
    assert row["implied_prior_comparator"] == "<"
    assert row["implied_prior_is_approximate"] is True
    assert row["implied_prior_lo"] == 0.0
    assert row["implied_prior_hi"] == pytest.approx(2.635e12 / 1.108, rel=TIGHT)


def test_an_approximate_figure_allows_five_percent_or_its_rounding_whichever_is_wider(
        warehouse: Warehouse) -> None:
    warehouse.add(release("about", "2025-01-20", [
        figure(TRADE, year(2024), 2.63e12, "2.63", multiplier="trillion", comparator="~"),
        entities(ECOM_ENTITIES, level_year(2024), 600_000, "600,000", comparator="~"),
        figure(TRADE, year(2023), 2.38e12, "2.38", multiplier="trillion"),
    ]))
    bounds = {(r["metric_id"], r["period_label"]): (r["value_lo"], r["value_hi"])
              for r in warehouse.rows("select * from figures")}
    assert bounds == {
        (TRADE, "2024"): pytest.approx((2.63e12 * 0.95, 2.63e12 * 1.05), rel=TIGHT),  # 5%
        (ECOM_ENTITIES, "2024"): pytest.approx((550_000, 650_000), rel=TIGHT),  # ±50,000
        (TRADE, "2023"): pytest.approx((2.375e12, 2.385e12), rel=TIGHT),  # exact: ±0.005
    }


# 3. Bounds through ratios -------------------------------------------------------------------


def test_more_than_a_third_of_about_600000_is_more_than_about_200000(
        warehouse: Warehouse) -> None:
    warehouse.add(release("yiwu-shares", "2024-03-01", [
        figure(CBEC_SHARE, level_year(2023), 1 / 3, "1/3", comparator=">", unit="share",
               reported_by="yiwu_fabu"),
        entities(ECOM_ENTITIES, level_year(2023), 600_000, "600,000", comparator="~",
                 reported_by="yiwu_fabu"),
    ], publisher_id="yiwu_fabu"))
    derived = one(warehouse.rows(f"select * from figures where metric_id = '{CBEC_ENTITIES}'"))
    assert derived["is_derived"] is True
    assert derived["period_label"] == "2023"
    assert derived["value"] == pytest.approx(200_000, rel=TIGHT)
    assert (derived["comparator"], derived["is_approximate"]) == (">", True)
    assert derived["derivation"] == "numerator = share × denominator"
    # (1/3 × 550,000) .. (1 × 650,000): a share is at most 1.
    assert derived["value_lo"] == pytest.approx(550_000 / 3, rel=TIGHT)
    assert derived["value_hi"] == pytest.approx(650_000, rel=TIGHT)
    share = one(warehouse.rows(f"select * from shares where share_metric_id = '{CBEC_SHARE}'"))
    assert share["share"] == pytest.approx(1 / 3, rel=TIGHT)
    assert (share["share_comparator"], share["share_is_derived"]) == (">", False)
    assert share["numerator_value"] == pytest.approx(200_000, rel=TIGHT)
    assert (share["numerator_comparator"], share["numerator_is_derived"]) == (">", True)
    assert share["numerator_is_approximate"] is True
    assert (share["denominator_value"], share["denominator_comparator"]) == (600_000, "~")


def test_about_600000_among_more_than_a_million_is_less_than_about_60_percent(
        warehouse: Warehouse) -> None:
    warehouse.add(release("yiwu-entities", "2024-03-01", [
        entities(ECOM_ENTITIES, level_year(2023), 600_000, "600,000", comparator="~"),
        entities(MARKET_ENTITIES, level_year(2023), 1_000_000, "1", multiplier="million",
                 comparator=">"),
    ]))
    derived = one(warehouse.rows(f"select * from figures where metric_id = '{ECOM_SHARE}'"))
    assert derived["is_derived"] is True
    assert derived["value"] == pytest.approx(0.6, rel=TIGHT)
    assert (derived["comparator"], derived["is_approximate"]) == ("<", True)
    assert derived["value_lo"] == 0.0
    assert derived["value_hi"] == pytest.approx(0.65, rel=TIGHT)
    share = one(warehouse.rows(f"select * from shares where share_metric_id = '{ECOM_SHARE}'"))
    assert share["share"] == pytest.approx(0.6, rel=TIGHT)
    assert (share["share_comparator"], share["share_is_derived"]) == ("<", True)
    assert share["share_is_approximate"] is True
    assert (share["numerator_value"], share["numerator_comparator"]) == (600_000, "~")
    assert (share["denominator_value"], share["denominator_comparator"]) == (1_000_000, ">")


def test_bounds_pointing_opposite_ways_derive_nothing_and_are_listed(
        warehouse: Warehouse) -> None:
    warehouse.add(release("bounds", "2024-03-01", [
        # share = numerator ÷ denominator: two lower bounds point opposite ways in a quotient.
        entities(CBEC_ENTITIES, level_year(2022), 100_000, "100,000", comparator=">"),
        entities(ECOM_ENTITIES, level_year(2022), 500_000, "500,000", comparator=">"),
        # numerator = share × denominator: a lower bound times an upper bound.
        figure(CBEC_SHARE, level_year(2023), 1 / 3, "1/3", comparator=">", unit="share"),
        entities(ECOM_ENTITIES, level_year(2023), 600_000, "600,000", comparator="<"),
    ]))
    assert warehouse.rows("select * from figures where is_derived") == []
    # The reported 2023 share stays, beside no numerator; no 2022 share is derived.
    shares = warehouse.rows(
        "select period_label, share, share_comparator, numerator_value, numerator_comparator,"
        " denominator_value, denominator_comparator from shares")
    assert shares == [
        {"period_label": "2023", "share": pytest.approx(1 / 3, rel=TIGHT),
         "share_comparator": ">", "numerator_value": None, "numerator_comparator": None,
         "denominator_value": 600_000, "denominator_comparator": "<"},
    ]
    underivable = warehouse.rows(
        "select derivation, metric_id, period_label, value, comparator from derived_as_of("
        "current_date) order by period_label")
    assert underivable == [
        {"derivation": "share = numerator ÷ denominator", "metric_id": CBEC_SHARE,
         "period_label": "2022", "value": None, "comparator": None},
        {"derivation": "numerator = share × denominator", "metric_id": CBEC_ENTITIES,
         "period_label": "2023", "value": None, "comparator": None},
    ]
    assert findings(warehouse) == [
        ("underivable", "info", CBEC_SHARE, "2022", "bounds"),
        ("underivable", "info", CBEC_ENTITIES, "2023", "bounds"),
    ]
    messages = {r["metric_id"]: r["message"]
                for r in warehouse.rows("select metric_id, message from check_findings")}
    assert messages[CBEC_ENTITIES].startswith(
        "Yiwu cross-border e-commerce entities, 2023: numerator = share × denominator from "
        f"{CBEC_SHARE} × {ECOM_ENTITIES} gives no bound")
    assert messages[CBEC_SHARE].startswith(
        "Share of Yiwu e-commerce entities in cross-border business, 2022: share = numerator "
        f"÷ denominator from {CBEC_ENTITIES} ÷ {ECOM_ENTITIES} gives no bound")


def test_underivable_message_describes_the_bounds_it_was_given(warehouse: Warehouse) -> None:
    """Two lower bounds (n > …, d > …) leave a quotient unbounded; neither is an upper bound."""
    warehouse.add(release("bounds", "2024-03-01", [
        entities(CBEC_ENTITIES, level_year(2022), 100_000, "100,000", comparator=">"),
        entities(ECOM_ENTITIES, level_year(2022), 500_000, "500,000", comparator=">"),
    ]))
    message = one(warehouse.rows("select message from check_findings"))["message"]
    assert "gives no bound" in message
    assert "one input is a lower bound, the other an upper bound" not in message


# 4. CAGR ------------------------------------------------------------------------------------


def test_cagr_100_to_121_over_two_years_is_ten_percent(warehouse: Warehouse) -> None:
    warehouse.add(release("annual", "2023-02-01", [
        # 2020's reported change implies a 2019 level (80): derived, so not a CAGR endpoint.
        figure(TRADE, year(2020), 100, "100", yoy=25),
        figure(TRADE, year(2022), 121, "121"),
    ]))
    implied = one(warehouse.rows("select * from figures where is_derived"))
    assert (implied["period_label"], implied["value"]) == ("2019", pytest.approx(80, rel=TIGHT))
    row = one(warehouse.rows("select * from cagr"))
    assert (row["metric_id"], row["start_year"], row["end_year"], row["years"]) == (
        TRADE, 2020, 2022, 2)
    assert row["cagr_pct"] == pytest.approx(10.0, rel=TIGHT)
    assert row["cagr_comparator"] == "="
    assert row["is_derived"] is False


def test_cagr_over_three_years(warehouse: Warehouse) -> None:
    warehouse.add(release("annual", "2024-02-01", [
        figure(TRADE, year(2020), 1000, "1000"),
        figure(TRADE, year(2023), 1331, "1331"),
    ]))
    row = one(warehouse.rows("select * from cagr_as_of(date '2024-06-30')"))
    assert row["years"] == 3
    assert row["cagr_pct"] == pytest.approx(10.0, rel=TIGHT)


# 5. As of a date: vintages ------------------------------------------------------------------


@pytest.fixture
def revised(warehouse: Warehouse) -> Warehouse:
    """2023 trade first reported as 2.38 trillion (1 Mar 2024), revised to 2.40 (1 Jun 2024)."""
    warehouse.add(release("first", "2024-03-01", [
        figure(TRADE, year(2023), 2.38e12, "2.38", multiplier="trillion"),
    ]))
    warehouse.add(release("revision", "2024-06-01", [
        figure(TRADE, year(2023), 2.40e12, "2.40", multiplier="trillion",
               reported_by="cctv_news"),
    ], publisher_id="cctv_news"))
    return warehouse


def test_figures_as_of_a_date_give_what_was_known_then(revised: Warehouse) -> None:
    def known_on(day: str) -> list[tuple]:
        return [(r["value"], r["release_id"]) for r in revised.rows(
            f"select value, release_id from figures_as_of(date '{day}')")]

    assert known_on("2024-02-29") == []
    assert known_on("2024-03-01") == [(2.38e12, "first")]
    assert known_on("2024-05-31") == [(2.38e12, "first")]
    assert known_on("2024-06-01") == [(2.40e12, "revision")]
    assert known_on("2025-01-01") == [(2.40e12, "revision")]


def test_figure_vintages_number_both_reports(revised: Warehouse) -> None:
    rows = revised.rows(
        "select release_id, vintage_number, vintage_count, is_latest, value, previous_value,"
        " previous_release_id, publisher from figure_vintages order by vintage_number")
    assert rows == [
        {"release_id": "first", "vintage_number": 1, "vintage_count": 2, "is_latest": False,
         "value": 2.38e12, "previous_value": None, "previous_release_id": None,
         "publisher": "General Administration of Customs of China"},
        {"release_id": "revision", "vintage_number": 2, "vintage_count": 2, "is_latest": True,
         "value": 2.40e12, "previous_value": 2.38e12, "previous_release_id": "first",
         "publisher": "CCTV News"},
    ]
    before_revision = revised.rows(
        "select release_id, vintage_number, is_latest from vintages_as_of(date '2024-04-01')")
    assert before_revision == [{"release_id": "first", "vintage_number": 1, "is_latest": True}]


def test_figures_view_shows_the_newest_vintage(revised: Warehouse) -> None:
    row = one(revised.rows("select * from figures"))
    assert (row["value"], row["release_id"], row["vintage_count"]) == (2.40e12, "revision", 2)
    assert str(row["published_on"]) == "2024-06-01"
    assert row["publisher"] == "CCTV News"
    assert row["is_derived"] is False


def test_every_as_of_macro_knows_only_releases_published_by_its_date(
        warehouse: Warehouse) -> None:
    warehouse.add(release("customs", "2024-03-01", [
        figure(TRADE, year(2020), 1.69e12, "1.69", multiplier="trillion"),
        figure(TRADE, year(2021), 1.98e12, "1.98", multiplier="trillion", yoy=15),
        entities(CBEC_ENTITIES, level_year(2022), 100_000, "100,000", comparator=">"),
        entities(ECOM_ENTITIES, level_year(2022), 500_000, "500,000", comparator=">"),
        entities(ECOM_ENTITIES, level_year(2023), 600_000, "600,000", comparator="~"),
        entities(MARKET_ENTITIES, level_year(2023), 1_000_000, "1", multiplier="million",
                 comparator=">"),
    ]))
    # Later, "more than 600,000": the 2023 e-commerce share can no longer be derived.
    warehouse.add(release("yiwu", "2024-06-01", [
        entities(ECOM_ENTITIES, level_year(2023), 600_000, "600,000", comparator=">"),
    ]))
    with duckdb.connect(str(warehouse.path)) as con:
        con.execute(
            "insert into core.observations (release_id, seq, metric_id, period_kind,"
            " period_start, period_end, value, value_as_written, unit, comparator,"
            " rounding_halfwidth, reported_by, quote)"
            " values ('yiwu', 2, ?, 'level', date '2021-01-01', date '2021-12-31', 1.5,"
            " '1.5', 'share', '=', 0.05, 'gacc', 'written past the loader')", [CBEC_SHARE])
    expected = {  # rows on 29 Feb 2024, 1 Apr 2024 and today
        "vintages_as_of": (0, 6, 8),
        "reported_as_of": (0, 6, 7),
        "growth_as_of": (0, 6, 7),
        "ratio_derivations_as_of": (0, 2, 2),
        "derived_as_of": (0, 3, 3),
        "figures_as_of": (0, 7, 7),
        "cagr_as_of": (0, 2, 2),
        "shares_as_of": (0, 1, 1),
        "cross_checks_as_of": (0, 2, 3),
        "check_integrity_as_of": (0, 0, 1),
        "check_cross_claims_as_of": (0, 2, 3),
        "check_underivable_as_of": (0, 1, 2),
        "check_findings_as_of": (0, 3, 6),
    }
    counted = {
        macro: tuple(
            one(warehouse.rows(f"select count(*) as n from {macro}({day})"))["n"]
            for day in ("date '2024-02-29'", "date '2024-04-01'", "current_date"))
        for macro in expected
    }
    assert counted == expected


# 6. Cross checks: reported rate against the levels ------------------------------------------


def test_reported_rate_matching_the_levels_is_consistent(warehouse: Warehouse) -> None:
    warehouse.add(release("china-2024", "2025-01-13", [
        figure(TRADE, year(2023), 2.38e12, "2.38", multiplier="trillion"),
        figure(TRADE, year(2024), 2.63e12, "2.63", multiplier="trillion", yoy=10.8),
    ]))
    row = one(warehouse.rows(
        "select * from cross_checks where check_kind = 'reported rate vs levels'"))
    assert row["period_label"] == "2024"
    assert row["claim_value"] == 10.8
    # a computed rate is read, so it is rounded to 2 decimals; its interval stays exact
    assert row["other_value"] == round((2.63 / 2.38 - 1) * 100, 2) == 10.5
    assert (row["claim_lo"], row["claim_hi"]) == pytest.approx((10.75, 10.85), rel=TIGHT)
    assert row["other_lo"] == pytest.approx((2.625 / 2.385 - 1) * 100, rel=TIGHT)
    assert row["other_hi"] == pytest.approx((2.635 / 2.375 - 1) * 100, rel=TIGHT)
    assert row["is_consistent"] is True
    assert row["verdict"] == "consistent"
    assert findings(warehouse) == []


def test_reported_rate_against_the_levels_is_inconsistent(warehouse: Warehouse) -> None:
    warehouse.add(release("china-2021", "2022-01-14", [
        figure(TRADE, year(2020), 1.69e12, "1.69", multiplier="trillion"),
        figure(TRADE, year(2021), 1.98e12, "1.98", multiplier="trillion", yoy=15),
    ]))
    row = one(warehouse.rows(
        "select * from cross_checks where check_kind = 'reported rate vs levels'"))
    assert (row["claim_lo"], row["claim_hi"]) == pytest.approx((14.5, 15.5), rel=TIGHT)
    assert row["other_value"] == 17.16  # (1.98 / 1.69 - 1) * 100 = 17.1597…, to 2 decimals
    assert row["other_lo"] == pytest.approx((1.975 / 1.695 - 1) * 100, rel=TIGHT)
    assert (row["is_consistent"], row["verdict"]) == (False, "inconsistent")
    # The 2020 level the rate implies (1.98 / 1.15 ≈ 1.722 trillion) misses 1.69 as well.
    implied = one(warehouse.rows(
        "select * from cross_checks where check_kind = 'derived vs reported'"))
    assert implied["claim_value"] == pytest.approx(1.98e12 / 1.15, rel=TIGHT)
    assert (implied["period_label"], implied["verdict"]) == ("2020", "inconsistent")
    assert findings(warehouse) == [
        ("cross-claim", "warning", TRADE, "2020", "china-2021"),
        ("cross-claim", "warning", TRADE, "2021", "china-2021"),
    ]


# 7. Qualifier disagreement between vintages -------------------------------------------------


def test_qualifier_that_changes_between_releases_is_noted(warehouse: Warehouse) -> None:
    warehouse.add(release("about", "2024-01-10", [
        entities(ECOM_ENTITIES, as_of("2023-12-31"), 600_000, "600,000", comparator="~"),
    ]))
    warehouse.add(release("more-than", "2024-05-10", [
        entities(ECOM_ENTITIES, as_of("2023-12-31"), 600_000, "600,000", comparator=">"),
    ]))
    row = one(warehouse.rows("select * from cross_checks"))
    assert row["check_kind"] == "qualifier differs between releases"
    assert row["verdict"] == "qualifiers differ"
    assert (row["claim_release_id"], row["claim_comparator"]) == ("more-than", ">")
    assert (row["other_release_id"], row["other_comparator"]) == ("about", "~")
    assert (row["claim_lo"], row["claim_hi"]) == (600_000, float("inf"))
    assert (row["other_lo"], row["other_hi"]) == (550_000, 650_000)
    assert row["is_consistent"] is True
    assert findings(warehouse) == [
        ("cross-claim", "info", ECOM_ENTITIES, "as of 31 Dec 2023", "more-than"),
    ]


# 8. Integrity ------------------------------------------------------------------------------


def test_share_above_one_written_past_the_loader_is_an_error(warehouse: Warehouse) -> None:
    warehouse.add(release("shares", "2024-03-01", [
        figure(CBEC_SHARE, level_year(2023), 0.5, "0.5", unit="share"),
    ]))
    assert findings(warehouse) == []
    with duckdb.connect(str(warehouse.path)) as con:
        con.execute(
            "insert into core.observations (release_id, seq, metric_id, period_kind,"
            " period_start, period_end, value, value_as_written, unit, comparator,"
            " rounding_halfwidth, reported_by, quote)"
            " values ('shares', 2, ?, 'level', date '2022-01-01', date '2022-12-31', 1.5,"
            " '1.5', 'share', '=', 0.05, 'gacc', 'written past the loader')", [CBEC_SHARE])
    row = one(warehouse.rows("select * from check_findings where severity = 'error'"))
    assert (row["check_id"], row["metric_id"], row["period_label"], row["release_id"]) == (
        "integrity", CBEC_SHARE, "2022", "shares")
    assert row["message"] == (
        "share 150% is above 100% (release shares, figure 2); correct the release and load it "
        "again")
    assert findings(warehouse)[0] == ("integrity", "error", CBEC_SHARE, "2022", "shares")


# 9. Period labels ---------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "start", "end", "label"), [
    ("year", "2024-01-01", "2024-12-31", "2024"),
    ("ytd", "2025-01-01", "2025-05-31", "Jan–May 2025"),
    ("ytd", "2025-01-01", "2025-01-31", "Jan 2025"),
    ("quarter", "2024-01-01", "2024-03-31", "Q1 2024"),
    ("quarter", "2024-10-01", "2024-12-31", "Q4 2024"),
    ("half", "2024-01-01", "2024-06-30", "H1 2024"),
    ("half", "2024-07-01", "2024-12-31", "H2 2024"),
    ("month", "2024-02-01", "2024-02-29", "Feb 2024"),
    ("level", "2025-02-01", "2025-02-28", "as of Feb 2025"),
    ("level", "2024-12-31", "2024-12-31", "as of 31 Dec 2024"),
    ("level", "2023-01-01", "2023-12-31", "2023"),
])
def test_period_label(warehouse: Warehouse, kind: str, start: str, end: str,
                      label: str) -> None:
    row = one(warehouse.rows(
        "select period_label(?, cast(? as date), cast(? as date)) as label", [kind, start, end]))
    assert row["label"] == label
