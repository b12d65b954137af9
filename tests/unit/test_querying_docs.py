"""Every worked query of docs/querying.md runs, reads only, and returns what it promises."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from flows.settings import Settings
from flows.warehouse.query import check_read_only, csv_safe, run_query, timeout_message
from tests import ROOT

DOC = ROOT / "docs" / "querying.md"
SQL_BLOCKS = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)

Rows = tuple[list[str], list[tuple[Any, ...]]]


@pytest.fixture(scope="module")
def snapshot(seeds_warehouse: Path) -> Path:
    """The session's built seeds warehouse (this module's tests only read it)."""
    return seeds_warehouse


def _dicts(result: Rows) -> list[dict[str, Any]]:
    columns, rows = result
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _latest(rows: list[dict[str, Any]]) -> None:
    assert {"qualifier_text", "comparator"} <= set(rows[0])
    assert {"more than", "reached approximately"} <= {r["qualifier_text"] for r in rows}


def _vintages_2022(rows: list[dict[str, Any]]) -> None:
    assert [(r["vintage_number"], r["value"], r["vintage_status"]) for r in rows] == [
        (1, 2110000000000.0, "preliminary"), (2, 2100000000000.0, "revised")]


def _revisions(rows: list[dict[str, Any]]) -> None:
    assert [(r["period_label"], r["old_value"], r["new_value"]) for r in rows] == [
        ("2022", 2110000000000.0, 2100000000000.0),
        ("H1 2024", 1220000000000.0, 1250000000000.0)]
    assert rows[1]["old_publisher"] == "General Administration of Customs of China"
    assert rows[1]["new_publisher"] == "State Council Information Office"


def _by_year(rows: list[dict[str, Any]]) -> None:
    assert [r["year"] for r in rows] == ["2018", "2020", "2021", "2022", "2023", "2024"]
    assert rows[-1]["value"] == 2630000000000.0
    assert rows[-1]["reported_yoy_pct"] == 10.8


def _as_of(rows: list[dict[str, Any]]) -> None:
    assert all(r["published_on"] <= dt.date(2024, 12, 31) for r in rows)
    # The 2024 total was published in January 2025: not yet known.
    assert not [r for r in rows
                if r["metric_id"] == "china.cbec.trade_value" and r["period_label"] == "2024"]


def _gacc(rows: list[dict[str, Any]]) -> None:
    assert ("China's cross-border e-commerce trade (imports + exports)", "2022",
            2100000000000.0) in [(r["metric_name"], r["period_label"], r["value"]) for r in rows]


def _bounds(rows: list[dict[str, Any]]) -> None:
    assert {r["comparator"] for r in rows} <= {">", ">=", "<", "<="}


def _nonempty(rows: list[dict[str, Any]]) -> None:
    pass  # the caller asserts rows


# Each worked query, found by a phrase only it contains, and what it must return. The four
# that read collection records (review queue, fetch_log, payloads, rejected) may be empty on the
# curated seeds alone, so they only have to run.
MUST_RETURN: dict[str, Callable[[list[dict[str, Any]]], None]] = {
    "where not is_derived\norder by metric_name, period_start": _latest,
    "from figure_vintages": _vintages_2022,
    "from revisions": _revisions,
    "from growth": _by_year,
    "figures_as_of(date '2024-12-31')": _as_of,
    "publisher_id = 'gacc'": _gacc,
    "comparator in ('>', '>=', '<', '<=')": _bounds,
    "from releases": _nonempty,
    "from cagr": _nonempty,
    "from shares": _nonempty,
    "from check_findings": _nonempty,
    "from stale_metrics": _nonempty,
}
MAY_BE_EMPTY = ("from review_queue", "from review_items", "from fetch_log", "from payloads",
                "from rejected_releases")


def _block(phrase: str) -> str:
    found = [b for b in SQL_BLOCKS if phrase in b]
    assert len(found) == 1, f"{len(found)} sql blocks contain {phrase!r}"
    return found[0]


def test_the_doc_has_at_least_twelve_worked_queries() -> None:
    assert len(SQL_BLOCKS) >= 12


def test_every_worked_query_is_named_by_this_test() -> None:
    phrases = [*MUST_RETURN, *MAY_BE_EMPTY]
    for block in SQL_BLOCKS:
        assert any(p in block for p in phrases), f"no expectation for:\n{block}"


@pytest.mark.parametrize("sql", SQL_BLOCKS, ids=lambda b: " ".join(b.split())[:60])
def test_every_worked_query_reads_only_and_runs(snapshot: Path, sql: str) -> None:
    check_read_only(sql)
    columns, _ = run_query(snapshot, sql)
    assert columns


@pytest.mark.parametrize("phrase", MUST_RETURN, ids=lambda p: " ".join(p.split())[:40])
def test_worked_query_returns_what_it_promises(snapshot: Path, phrase: str) -> None:
    rows = _dicts(run_query(snapshot, _block(phrase)))
    assert rows, f"no rows for the query with {phrase!r}"
    MUST_RETURN[phrase](rows)


@pytest.mark.parametrize("phrase", MAY_BE_EMPTY)
def test_collection_queries_run_on_seeds_alone(snapshot: Path, phrase: str) -> None:
    columns, _ = run_query(snapshot, _block(phrase))
    assert columns


def test_doc_keeps_the_storage_version_section_and_the_snapshot_path() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "\n## Storage version\n" in text
    assert "warehouse/snapshot/barometer.duckdb" in text
    assert 'barometer query "' in text and "--csv" in text and "--json" in text
    assert "read_only=True" in text


def test_doc_says_what_query_refuses_its_time_limit_and_csv_neutralisation() -> None:
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    default = Settings.model_fields["query_timeout_seconds"].default
    assert f"`BAROMETER_QUERY_TIMEOUT_SECONDS` (default {default:g})" in text
    assert timeout_message(default) in text
    assert '"reading files and URLs is off in barometer query, …"' in text
    assert "enable_external_access" in text and "lock_configuration" in text
    formula = '=HYPERLINK("http://x","y")'
    assert f"`{formula}` is written `{csv_safe(formula)}`" in text
    assert "sql/queries/csv_safe_macro.sql" in text
    assert "JSON output (`--json`) is not changed" in text
