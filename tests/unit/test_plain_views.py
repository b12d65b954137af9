"""What analysts read in the views is free of float noise (computed rates to 2 decimals, a
derived share to 4), while the checks still compare the exact intervals; and the checks'
findings word their numbers as the brief does, on hand-written releases."""

from __future__ import annotations

import duckdb
import pytest

from tests.conftest import Warehouse, figure, release
from tests.unit.test_sql_transforms import (
    ECOM_ENTITIES,
    ECOM_SHARE,
    MARKET_ENTITIES,
    TRADE,
    entities,
    level_year,
    one,
    year,
)


def test_a_computed_rate_and_its_difference_read_to_two_decimals(warehouse: Warehouse) -> None:
    warehouse.add(release("china-2021", "2022-01-14", [
        figure(TRADE, year(2020), 1.69e12, "1.69", multiplier="trillion"),
        figure(TRADE, year(2021), 1.98e12, "1.98", multiplier="trillion", yoy=15),
    ]))
    row = one(warehouse.rows("select * from growth where period_label = '2021'"))
    # (1.98 / 1.69 - 1) * 100 = 17.1597633…; 15 - 17.1597633… = -2.1597633…
    assert (row["computed_yoy_pct"], row["yoy_difference_pp"]) == (17.16, -2.16)
    # the interval the checks compare stays exact
    assert row["computed_yoy_lo"] == pytest.approx((1.975 / 1.695 - 1) * 100, rel=1e-12)
    assert row["computed_yoy_lo"] != round(row["computed_yoy_lo"], 2)
    assert row == one(warehouse.rows(
        "select * from growth_as_of(current_date) where period_label = '2021'"))


def test_cagr_reads_to_two_decimals(warehouse: Warehouse) -> None:
    warehouse.add(release("annual", "2024-02-01", [
        figure(TRADE, year(2020), 1.69e12, "1.69", multiplier="trillion"),
        figure(TRADE, year(2023), 2.38e12, "2.38", multiplier="trillion"),
    ]))
    row = one(warehouse.rows("select cagr_pct, cagr_lo from cagr"))
    assert row["cagr_pct"] == 12.09  # ((2.38 / 1.69) ** (1 / 3) - 1) * 100 = 12.0865…
    assert row["cagr_lo"] == pytest.approx(((2.375 / 1.695) ** (1 / 3) - 1) * 100, rel=1e-12)


def test_a_revised_rate_reads_without_float_noise(warehouse: Warehouse) -> None:
    warehouse.add(release("prelim", "2023-01-20", [
        figure(TRADE, year(2022), 2.11e12, "2.11", multiplier="trillion", yoy=9.8)]))
    warehouse.add(release("revised", "2023-06-01", [
        figure(TRADE, year(2022), 2.1e12, "2.1", multiplier="trillion", yoy=7.1)]))
    row = one(warehouse.rows("select value_change_pct, yoy_change_pp from revisions"))
    assert (row["value_change_pct"], row["yoy_change_pp"]) == (-0.47, -2.7)  # 7.1 - 9.8


def test_a_derived_share_reads_to_four_decimals(warehouse: Warehouse) -> None:
    warehouse.add(release("entities", "2024-02-05", [
        entities(ECOM_ENTITIES, level_year(2023), 600_000, "600,000"),
        entities(MARKET_ENTITIES, level_year(2023), 1_130_000, "1,130,000"),
    ]))
    row = one(warehouse.rows(
        "select share, share_is_derived from shares where share_metric_id = ?", [ECOM_SHARE]))
    assert row == {"share": 0.531, "share_is_derived": True}  # 600,000 / 1,130,000 = 0.53097…
    derived = one(warehouse.rows(
        "select value, value_lo from figures where metric_id = ? and is_derived", [ECOM_SHARE]))
    assert derived["value"] == 0.531
    assert derived["value_lo"] == pytest.approx(550_000 / 1_135_000, rel=1e-12)


def test_cross_claim_findings_word_their_numbers_as_the_brief(warehouse: Warehouse) -> None:
    warehouse.add(release("china-2021", "2022-01-14", [
        figure(TRADE, year(2020), 1.69e12, "1.69", multiplier="trillion"),
        figure(TRADE, year(2021), 1.98e12, "1.98", multiplier="trillion", yoy=15),
    ]))
    messages = [r["message"] for r in warehouse.rows(
        "select message from check_findings order by period_label")]
    name = "China's cross-border e-commerce trade (imports + exports)"
    assert messages == [
        f"{name}, 2020: derived (implied by the reported year-on-year change) about 1.722 "
        "trillion yuan against reported 1.69 trillion yuan; inconsistent: the first allows "
        "1.71 trillion to 1.734 trillion yuan, the second 1.685 trillion to 1.695 trillion yuan",
        f"{name}, 2021: reported year-on-year change +15% against change computed from 2020 "
        "and 2021 levels +17.16%; inconsistent: the first allows 14.5% to 15.5%, the second "
        "16.52% to 17.8%",
    ]


def test_a_qualifier_change_words_an_open_interval(warehouse: Warehouse) -> None:
    warehouse.add(release("bound", "2024-01-10", [
        entities(MARKET_ENTITIES, level_year(2023), 1_050_000, "105", comparator="=",
                 multiplier="万")]))
    warehouse.add(release("lower", "2024-06-22", [
        entities(MARKET_ENTITIES, level_year(2023), 1_000_000, "1", comparator=">",
                 multiplier="million")]))
    message = one(warehouse.rows("select message from check_findings"))["message"]
    assert message == (
        "Yiwu market entities, 2023: reported by lower more than 1 million entities against "
        "reported earlier by bound 1.05 million entities (105万); qualifiers differ: the first "
        "allows 1 million entities or more, the second 1.045 million to 1.055 million entities")


def test_integrity_findings_word_their_numbers(warehouse: Warehouse) -> None:
    warehouse.add(release("bad", "2024-03-01", [
        figure(TRADE, year(2021), 1.98e12, "1.98", multiplier="trillion")]))
    with duckdb.connect(str(warehouse.path)) as con:
        con.execute(
            "insert into core.observations (release_id, seq, metric_id, period_kind,"
            " period_start, period_end, value, value_as_written, multiplier_word, unit,"
            " comparator, rounding_halfwidth, yoy_pct, yoy_comparator, reported_by, quote)"
            " values ('bad', 2, ?, 'year', date '2019-01-01', date '2019-12-31', -2.5e12,"
            " '-2.5', 'trillion', 'yuan', '=', 5e9, null, null, 'gacc', 'q'),"
            " ('bad', 3, ?, 'year', date '2018-01-01', date '2018-12-31', 2e12,"
            " '2', 'trillion', 'yuan', '=', 5e11, -120.5, '=', 'gacc', 'q')", [TRADE, TRADE])
    messages = sorted(r["message"] for r in warehouse.rows(
        "select message from check_findings where severity = 'error'"))
    assert messages == [
        "negative value -2.5 trillion yuan (release bad, figure 2); correct the release and "
        "load it again",
        "year-on-year change −120.5% is at or below −100% (release bad, figure 3); correct the "
        "release and load it again",
    ]
