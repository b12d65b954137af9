"""What changed since the previous brief, and which metrics have gone quiet: exact rows."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime

import duckdb
import pytest

from flows.brief.data import collect_changes
from flows.warehouse.briefs import record_brief
from tests.conftest import Warehouse, figure, release

TRADE = "china.cbec.trade_value"


def year(y: int) -> tuple[str, str, str]:
    return ("year", f"{y}-01-01", f"{y}-12-31")


@pytest.fixture
def three_years(warehouse: Warehouse) -> Warehouse:
    """Annual releases on 13 January 2023, 2024 and 2025 (gaps 365 and 366 days)."""
    for y, value, written in ((2022, 2.11e12, "2.11"), (2023, 2.38e12, "2.38"),
                              (2024, 2.63e12, "2.63")):
        warehouse.add(release(f"gacc-{y + 1}", f"{y + 1}-01-13", [
            figure(TRADE, year(y), value, written, multiplier="trillion")]))
    return warehouse


def test_a_metric_is_stale_after_one_and_a_half_usual_intervals(three_years: Warehouse) -> None:
    def row(day: str) -> dict:
        rows = three_years.rows(
            "select usual_interval_days, days_since_last, is_stale, release_count "
            "from stale_metrics_as_of(cast(? as date)) where metric_id = ?", [day, TRADE])
        assert len(rows) == 1
        return rows[0]

    # median gap of 365 and 366 days is 365.5; stale after 548.25 days.
    assert row("2026-07-14") == {"usual_interval_days": 366, "days_since_last": 547,
                                 "is_stale": False, "release_count": 3}
    assert row("2026-07-15")["is_stale"] is False
    assert row("2026-07-16") == {"usual_interval_days": 366, "days_since_last": 549,
                                 "is_stale": True, "release_count": 3}


def test_a_metric_reported_once_is_expected_yearly(warehouse: Warehouse) -> None:
    warehouse.add(release("once", "2024-03-01", [
        figure(TRADE, year(2023), 2.38e12, "2.38", multiplier="trillion")]))
    rows = warehouse.rows("select usual_interval_days, is_stale from stale_metrics_as_of("
                          "date '2025-08-28') where metric_id = ?", [TRADE])
    assert rows == [{"usual_interval_days": 365, "is_stale": False}]
    assert warehouse.rows("select is_stale from stale_metrics_as_of(date '2025-08-31') "
                          "where metric_id = ?", [TRADE]) == [{"is_stale": True}]
    assert warehouse.rows("select count(*) as n from stale_metrics") == [{"n": 1}]


def changes(warehouse: Warehouse, as_of: date):
    with duckdb.connect(str(warehouse.path), read_only=True) as con:
        return collect_changes(con, as_of, 40)


def test_the_first_brief_has_nothing_to_compare_with(three_years: Warehouse) -> None:
    first = changes(three_years, date(2025, 2, 1))
    assert first.has_previous is False and first.new_releases == [] and first.revisions == []


def test_the_next_brief_lists_new_releases_figures_and_revisions(
        three_years: Warehouse) -> None:
    record_brief(three_years.path, datetime(2025, 2, 1, tzinfo=UTC).isoformat(), "2025-02-01",
                 "/briefs/2025-02-01-brief.pdf", None)
    three_years.add(release("gacc-2025-revision", "2025-07-18", [
        figure(TRADE, year(2024), 2.65e12, "2.65", multiplier="trillion"),
        figure(TRADE, ("half", "2025-01-01", "2025-06-30"), None, yoy=5.7)]))
    after = changes(three_years, date(2025, 8, 1))
    assert after.has_previous and str(after.previous["as_of"]) == "2025-02-01"
    assert [r["release_id"] for r in after.new_releases] == ["gacc-2025-revision"]
    assert [(f["period_label"], f["yoy_pct"]) for f in after.new_figures] == [("H1 2025", 5.7)]
    assert [(r["period_label"], r["old_value"], r["new_value"]) for r in after.revisions] == [
        ("2024", 2.63e12, 2.65e12)]
    assert after.revisions[0]["new_text"] == "2.65 trillion yuan"


def test_a_brief_records_only_the_releases_published_by_its_date(
        three_years: Warehouse) -> None:
    record_brief(three_years.path, "2024-02-01T00:00:00+00:00", "2024-02-01", "/b.pdf", "run-1")
    rows = three_years.rows("select release_ids, flow_run_id from core.briefs")
    assert rows == [{"release_ids": ["gacc-2023", "gacc-2024"], "flow_run_id": "run-1"}]


def window_csv(warehouse: Warehouse, as_of: date, folder) -> list[dict]:
    """The rows collect_changes writes to revisions.csv for a brief on as_of."""
    path = folder / f"revisions-{as_of}.csv"
    with duckdb.connect(str(warehouse.path), read_only=True) as con:
        collect_changes(con, as_of, 1, path)
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_revisions_csv_holds_the_first_briefs_last_90_days(three_years: Warehouse,
                                                           tmp_path) -> None:
    three_years.add(release("gacc-2025-revision", "2025-07-18", [
        figure(TRADE, year(2024), 2.65e12, "2.65", multiplier="trillion")]))
    three_years.add(release("gacc-2025-again", "2025-07-25", [
        figure(TRADE, year(2023), 2.40e12, "2.40", multiplier="trillion")]))
    rows = window_csv(three_years, date(2025, 10, 15), tmp_path)  # 18 July is the 90th day
    assert [(r["period_label"], r["new_release_id"]) for r in rows] == [
        ("2023", "gacc-2025-again"), ("2024", "gacc-2025-revision")]  # newest first
    assert float(rows[1]["old_value"]) == 2.63e12 and float(rows[1]["new_value"]) == 2.65e12
    later = window_csv(three_years, date(2025, 10, 16), tmp_path)
    assert [r["new_release_id"] for r in later] == ["gacc-2025-again"]
    assert window_csv(three_years, date(2025, 10, 23), tmp_path) == []


def test_revisions_csv_holds_every_revision_since_the_previous_brief(
        three_years: Warehouse, tmp_path) -> None:
    three_years.add(release("gacc-2025-revision", "2025-07-18", [
        figure(TRADE, year(2024), 2.65e12, "2.65", multiplier="trillion")]))
    record_brief(three_years.path, datetime(2025, 8, 1, tzinfo=UTC).isoformat(), "2025-08-01",
                 "/briefs/2025-08-01-brief.pdf", None)
    for n, (y, value) in enumerate(((2022, 2.12e12), (2023, 2.39e12), (2024, 2.66e12))):
        three_years.add(release(f"late-{n}", "2025-09-0" + str(n + 1), [
            figure(TRADE, year(y), value, f"{value / 1e12:.2f}", multiplier="trillion")]))
    # A year after the previous brief: the window is what it did not know, not 90 days.
    rows = window_csv(three_years, date(2026, 8, 1), tmp_path)
    assert [r["new_release_id"] for r in rows] == ["late-2", "late-1", "late-0"]
    assert [float(r["new_value"]) for r in rows] == [2.66e12, 2.39e12, 2.12e12]
    with duckdb.connect(str(three_years.path), read_only=True) as con:
        shown = collect_changes(con, date(2026, 8, 1), 1).revisions
    assert [r["new_release_id"] for r in shown] == ["late-2"]  # the brief lists the first rows
