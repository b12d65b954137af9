"""flows/warehouse/query.py on a real warehouse file: reads run, every kind of write is refused."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from flows.paths import SEEDS_DIR
from flows.warehouse.build_and_check import build_warehouse
from flows.warehouse.load import load_seeds
from flows.warehouse.query import (
    LIST_VIEWS_SQL,
    QueryError,
    check_read_only,
    format_csv,
    format_json,
    render_table,
    run_query,
)


def build_query_warehouse(directory: Path) -> Path:
    """The curated seeds loaded and every SQL layer built, in a real file (a few seconds)."""
    db = directory / "barometer.duckdb"
    summary = load_seeds(db, SEEDS_DIR)
    assert summary.rejected == []
    build_warehouse(db)
    return db


@pytest.fixture(scope="module")
def snapshot(seeds_warehouse: Path) -> Path:
    """The session's built seeds warehouse (this module's tests only read it)."""
    return seeds_warehouse


def test_select_returns_columns_and_the_exact_row(snapshot: Path) -> None:
    columns, rows = run_query(snapshot, """
        select metric_id, period_label, value, comparator, unit, yoy_pct
        from figures
        where metric_id = 'china.cbec.trade_value' and period_label = '2024' and not is_derived
    """)
    assert columns == ["metric_id", "period_label", "value", "comparator", "unit", "yoy_pct"]
    assert rows == [("china.cbec.trade_value", "2024", 2630000000000.0, "=", "yuan", 10.8)]


def test_parameters_are_bound(snapshot: Path) -> None:
    columns, rows = run_query(
        snapshot,
        "select value from figures where metric_id = ? and period_label = ? and not is_derived",
        ["china.cbec.trade_value", "2022"],
    )
    assert columns == ["value"]
    assert rows == [(2100000000000.0,)]


WRITES = {
    "insert": "insert into core.releases (release_id) values ('x')",
    "update": "update core.releases set title = 'x'",
    "delete": "delete from core.releases",
    "create table": "create table t as select 1 as a",
    "create view": "create or replace view figures as select 1 as a",
    "create macro": "create macro m() as 1",
    "drop view": "drop view figures",
    "alter": "alter table core.releases rename to r",
    "attach": "attach 'other.duckdb' as other",
    "detach": "detach other",
    "use": "use other",
    "copy to": "copy figures to 'figures.csv' (header)",
    "copy from": "copy core.releases from 'releases.csv'",
    "export": "export database 'dump'",
    "install": "install httpfs",
    "load": "load httpfs",
    "set": "set threads = 1",
    "reset": "reset threads",
    "set variable": "set variable x = 1",
    "pragma setting": "pragma enable_profiling",
    "pragma assignment": "pragma threads = 2",
    "checkpoint": "checkpoint",
    "force checkpoint": "force checkpoint",
    "call": "call pragma_table_info('figures')",
    "vacuum": "vacuum",
    "transaction": "begin transaction",
    "explain analyze of a write": "explain analyze delete from core.releases",
    "select then drop": "select 1; drop view figures",
    "drop after a comment": "-- harmless\ndrop view figures",
}


@pytest.mark.parametrize("sql", WRITES.values(), ids=WRITES.keys())
def test_every_kind_of_write_is_refused_with_the_message(sql: str) -> None:
    with pytest.raises(QueryError) as err:
        check_read_only(sql)
    message = str(err.value)
    assert message.startswith("barometer query only reads;")
    assert "use the pipeline (`barometer run`) or the inbox" in message


def test_a_refused_write_never_reaches_the_file(snapshot: Path) -> None:
    with pytest.raises(QueryError, match="only reads"):
        run_query(snapshot, "drop view figures")
    _, rows = run_query(snapshot, "select count(*) from figures")
    assert rows[0][0] > 0


READS = {
    "select": "select 1",
    "from-first": "from figures",
    "with": "with f as (from figures) select count(*) from f",
    "values": "values (1)",
    "describe": "describe figures",
    "show tables": "show tables",
    "summarize": "summarize figures",
    "explain": "explain select * from figures",
    "explain analyze": "explain analyze select * from figures",
    "pragma table_info": "pragma table_info('figures')",
    "pragma database_size": "pragma database_size",
    "pivot with values": "pivot figures on unit in ('yuan') using count(*) group by geography",
    "trailing semicolon": "select 1;",
}


@pytest.mark.parametrize("sql", READS.values(), ids=READS.keys())
def test_reads_pass_and_run(snapshot: Path, sql: str) -> None:
    check_read_only(sql)
    columns, _ = run_query(snapshot, sql)
    assert columns


def test_two_reads_at_once_are_refused_one_at_a_time() -> None:
    with pytest.raises(QueryError, match=r"one statement at a time; got 2 \(SELECT, SELECT\)"):
        check_read_only("select 1; select 2")


def test_an_empty_query_is_refused() -> None:
    with pytest.raises(QueryError, match="The query is empty"):
        check_read_only("  -- nothing\n")


def test_a_syntax_error_says_duckdb_could_not_parse() -> None:
    with pytest.raises(QueryError, match=r"DuckDB could not parse the query: .*selec"):
        check_read_only("selec 1")


def test_a_missing_snapshot_says_to_run_first(tmp_path: Path) -> None:
    missing = tmp_path / "snapshot" / "barometer.duckdb"
    with pytest.raises(QueryError) as err:
        run_query(missing, "from figures")
    message = str(err.value)
    assert f"No snapshot at {missing}" in message
    assert "run `barometer run` (or `make brief`) first" in message
    assert not missing.exists()


def test_a_file_that_is_not_duckdb_says_to_open_the_snapshot(tmp_path: Path) -> None:
    bogus = tmp_path / "barometer.duckdb"
    bogus.write_text("not a database", encoding="utf-8")
    with pytest.raises(QueryError, match=r"Could not open .* read-only: .*published snapshot"):
        run_query(bogus, "select 1")


def test_a_misspelt_view_gives_duckdbs_message_and_the_views_hint(snapshot: Path) -> None:
    with pytest.raises(QueryError) as err:
        run_query(snapshot, "select * from figurs")
    message = str(err.value)
    assert "figurs does not exist" in message
    assert message.endswith(f"List the views and what they hold with: {LIST_VIEWS_SQL}")
    assert isinstance(err.value.__cause__, duckdb.CatalogException)


def test_the_views_hint_runs_and_lists_the_documented_views(snapshot: Path) -> None:
    columns, rows = run_query(snapshot, LIST_VIEWS_SQL)
    assert columns == ["view_name", "comment"]
    comments = dict(rows)
    for view in ("figures", "figure_vintages", "revisions", "growth", "releases", "fetch_log"):
        assert comments[view], f"{view} has no comment"


SMALL = "select 1 as a, 'x' as b, date '2024-01-01' as d"


def test_csv_output_is_exact(snapshot: Path) -> None:
    columns, rows = run_query(snapshot, SMALL)
    assert format_csv(columns, rows) == "a,b,d\n1,x,2024-01-01\n"


def test_json_output_is_exact(snapshot: Path) -> None:
    columns, rows = run_query(snapshot, SMALL)
    assert format_json(columns, rows) == (
        '[\n  {\n    "a": 1,\n    "b": "x",\n    "d": "2024-01-01"\n  }\n]'
    )


def test_csv_quotes_commas_leaves_null_empty_and_keeps_chinese(snapshot: Path) -> None:
    columns, rows = run_query(
        snapshot, "select 'a, b' as t, null as n, '海关总署' as zh, 2.5::decimal(4, 2) as d")
    assert format_csv(columns, rows) == 't,n,zh,d\n"a, b",,海关总署,2.50\n'


def test_json_keeps_numbers_as_numbers_and_dates_as_iso() -> None:
    columns = ["big", "dec", "whole", "nan", "ts", "none", "zh", "list"]
    rows = [(2630000000000.0, Decimal("2.50"), Decimal("3.00"), float("nan"),
             dt.datetime(2025, 1, 13, 8, 30), None, "海关总署", [dt.date(2024, 1, 1)])]
    parsed = json.loads(format_json(columns, rows))
    assert parsed == [{"big": 2630000000000.0, "dec": 2.5, "whole": 3, "nan": None,
                       "ts": "2025-01-13T08:30:00", "none": None, "zh": "海关总署",
                       "list": ["2024-01-01"]}]
    assert "海关总署" in format_json(columns, rows)  # not \\u escapes


def test_json_of_no_rows_is_an_empty_array() -> None:
    assert format_json(["a"], []) == "[]"


def test_render_table_shows_headers_values_and_row_count(snapshot: Path) -> None:
    columns, rows = run_query(snapshot, """
        select period_label, value, comparator, '[b]x[/b]' as markup, null as n from figures
        where metric_id = 'china.cbec.trade_value' and period_kind = 'year' and not is_derived
        order by period_start
    """)
    table = render_table(columns, rows, title="China CBEC trade")
    console = Console(record=True, width=200)
    console.print(table)
    text = console.export_text()
    assert "China CBEC trade" in text
    for header in ("period_label", "value", "comparator", "markup"):
        assert header in text
    assert "2630000000000.0" in text
    assert "[b]x[/b]" in text  # printed as written, not as rich markup
    assert "NULL" in text
    assert f"{len(rows)} rows" in text
    assert [c.justify for c in table.columns] == ["left", "right", "left", "left", "left"]


def barometer_query(snapshot: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`barometer query` as an analyst runs it, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "query", "--snapshot", str(snapshot), *args],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "COLUMNS": "200"})


def test_cli_prints_csv_json_and_a_table(snapshot: Path) -> None:
    sql = ("select period_label, value, comparator from figures where metric_id = "
           "'china.cbec.trade_value' and period_label = '2024' and not is_derived")
    csv_out = barometer_query(snapshot, "--csv", sql)
    assert csv_out.returncode == 0, csv_out.stderr
    assert csv_out.stdout == "period_label,value,comparator\n2024,2630000000000.0,=\n"
    json_out = barometer_query(snapshot, "--json", sql)
    assert json.loads(json_out.stdout) == [
        {"period_label": "2024", "value": 2630000000000.0, "comparator": "="}]
    table = barometer_query(snapshot, sql)
    assert table.returncode == 0, table.stderr
    assert "period_label" in table.stdout and "2630000000000.0" in table.stdout
    assert "1 row" in table.stdout


def test_cli_refuses_a_write_with_the_message_and_exit_code_1(snapshot: Path) -> None:
    before = snapshot.read_bytes()
    result = barometer_query(snapshot, "delete from core.releases")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "error: barometer query only reads; this is a DELETE statement" in result.stderr
    assert "barometer run" in result.stderr
    assert snapshot.read_bytes() == before


def test_cli_says_to_run_first_when_there_is_no_snapshot(tmp_path: Path) -> None:
    result = barometer_query(tmp_path / "missing.duckdb", "from figures")
    assert result.returncode == 1
    assert "No snapshot at" in result.stderr and "barometer run" in result.stderr


def test_cli_refuses_csv_and_json_together(snapshot: Path) -> None:
    result = barometer_query(snapshot, "--csv", "--json", "select 1")
    assert result.returncode == 2
    assert "choose one of --csv and --json" in result.stderr
