"""Vintages and revisions: every report is kept, the newest is current, each change is listed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Warehouse, figure, release

TRADE = "china.cbec.trade_value"
EXPORTS = "china.cbec.exports"
YEAR_2022 = ("year", "2022-01-01", "2022-12-31")


def trade(value: float | None, written: str | None, yoy: float | None,
          status: str | None = None, **kwargs: Any) -> dict[str, Any]:
    fig = figure(TRADE, YEAR_2022, value, written, multiplier="trillion" if value else None,
                 yoy=yoy, **kwargs)
    fig["vintage_status"] = status
    return fig


@pytest.fixture
def preliminary_then_revised(warehouse: Warehouse) -> Warehouse:
    """2.11 trillion +9.8% (preliminary, January) revised to 2.1 trillion +7.1% (June)."""
    warehouse.add(release("prelim", "2023-01-13", [
        trade(2.11e12, "2.11", 9.8, "preliminary"),
        figure(EXPORTS, YEAR_2022, 1.55e12, "1.55", multiplier="trillion", yoy=11.7),
    ]))
    warehouse.add(release("revised", "2023-06-18", [
        trade(2.1e12, "2.1", 7.1, "revised", reported_by="xinhua"),
        figure(EXPORTS, YEAR_2022, 1.55e12, "1.55", multiplier="trillion", yoy=11.7),
    ], publisher_id="xinhua"))
    return warehouse


def test_a_revision_lists_old_and_new_with_both_sources(
        preliminary_then_revised: Warehouse) -> None:
    rows = preliminary_then_revised.rows("select * from revisions")
    assert len(rows) == 1, rows
    row = rows[0]
    assert (row["metric_id"], row["period_label"]) == (TRADE, "2022")
    assert (row["old_value"], row["new_value"]) == (2.11e12, 2.1e12)
    assert (row["old_yoy_pct"], row["new_yoy_pct"]) == (9.8, 7.1)
    assert (row["old_vintage_status"], row["new_vintage_status"]) == ("preliminary", "revised")
    assert (row["old_release_id"], row["new_release_id"]) == ("prelim", "revised")
    assert (row["old_publisher"], row["new_publisher"]) == (
        "General Administration of Customs of China", "Xinhua News Agency")
    # changes are read, so they are rounded to 2 decimals: no float noise (-2.700000000000001)
    assert row["value_change_pct"] == -0.47  # (2.1 - 2.11) / 2.11 * 100 = -0.4739…
    assert row["yoy_change_pp"] == -2.7
    assert (row["is_value_revised"], row["is_rate_revised"], row["is_qualifier_revised"]) == (
        True, True, False)


def test_the_same_figure_reported_again_is_a_vintage_but_not_a_revision(
        preliminary_then_revised: Warehouse) -> None:
    exports = preliminary_then_revised.rows(
        "select vintage_number, is_latest from figure_vintages where metric_id = ? "
        "order by vintage_number", [EXPORTS])
    assert [(r["vintage_number"], r["is_latest"]) for r in exports] == [(1, False), (2, True)]
    assert preliminary_then_revised.rows(
        "select * from revisions where metric_id = ?", [EXPORTS]) == []


def test_figures_show_the_revised_value_and_the_vintages_keep_both(
        preliminary_then_revised: Warehouse) -> None:
    current = preliminary_then_revised.rows(
        "select value, yoy_pct, release_id, vintage_status, vintage_count from figures "
        "where metric_id = ? and not is_derived", [TRADE])
    assert current == [{"value": 2.1e12, "yoy_pct": 7.1, "release_id": "revised",
                        "vintage_status": "revised", "vintage_count": 2}]
    statuses = preliminary_then_revised.rows(
        "select vintage_status, value from figure_vintages where metric_id = ? "
        "order by vintage_number", [TRADE])
    assert statuses == [{"vintage_status": "preliminary", "value": 2.11e12},
                        {"vintage_status": "revised", "value": 2.1e12}]


def test_as_of_a_date_before_the_revision_gives_the_preliminary_figure(
        preliminary_then_revised: Warehouse) -> None:
    before = preliminary_then_revised.rows(
        "select value, vintage_status from figures_as_of(date '2023-03-01') "
        "where metric_id = ? and not is_derived", [TRADE])
    assert before == [{"value": 2.11e12, "vintage_status": "preliminary"}]
    assert preliminary_then_revised.rows(
        "select * from revisions_as_of(date '2023-03-01')") == []


def test_a_later_rate_only_report_keeps_the_level_and_updates_the_rate(
        warehouse: Warehouse) -> None:
    warehouse.add(release("level", "2023-01-13", [trade(2.11e12, "2.11", 9.8)]))
    warehouse.add(release("rate-only", "2023-03-01", [trade(None, None, 9.9)]))
    row = warehouse.rows(
        "select value, release_id, yoy_pct, yoy_release_id from figures where not is_derived")
    assert row == [{"value": 2.11e12, "release_id": "level", "yoy_pct": 9.9,
                    "yoy_release_id": "rate-only"}]
    revision = warehouse.rows("select old_yoy_pct, new_yoy_pct, is_value_revised from revisions")
    assert revision == [{"old_yoy_pct": 9.8, "new_yoy_pct": 9.9, "is_value_revised": False}]


def test_a_changed_qualifier_is_a_revision(warehouse: Warehouse) -> None:
    entities = "yiwu.ecommerce_entities.total"
    period = ("level", "2023-01-01", "2023-12-31")
    warehouse.add(release("approx", "2024-02-05", [
        figure(entities, period, 600_000, "600,000", comparator="~", unit="entities")]))
    warehouse.add(release("bound", "2025-06-22", [
        figure(entities, period, 600_000, "600,000", comparator=">", unit="entities")]))
    row = warehouse.rows("select old_comparator, new_comparator, is_qualifier_revised, "
                         "value_change_pct from revisions")
    assert row == [{"old_comparator": "~", "new_comparator": ">", "is_qualifier_revised": True,
                    "value_change_pct": None}]
