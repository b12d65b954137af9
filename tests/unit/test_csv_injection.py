"""Spreadsheet formulas in release text reach no CSV unneutralised (OWASP "CSV Injection"): the
brief's attachments (DuckDB's csv_safe macro) and `barometer query --csv`
(flows/warehouse/query.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.brief.data import collect_brief
from flows.warehouse import sqlrunner
from flows.warehouse.query import csv_safe, format_csv, run_query
from tests.conftest import Warehouse, figure, release

# The five formulas of the hostile trial: a link, a command (DDE), and arithmetic or a
# function behind each of the other formula characters.
PAYLOADS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+1", "@SUM(1)", "-1+1"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")
# Reading a cell back: drop the ' that csv_safe put before a formula (docs/querying.md).
ADDED_QUOTE = re.compile(r"\A'(?='*[=+@\t\r-])")


def restore(cell: str) -> str:
    """The text a csv_safe cell was made from."""
    return ADDED_QUOTE.sub("", cell, count=1) if cell.startswith("'") else cell


def assert_spreadsheet_safe(cells: list[str]) -> None:
    """No cell a spreadsheet would run: a formula character starts only a plain number or the
    lone '=' comparator."""
    for cell in cells:
        if cell.startswith(FORMULA_START):
            assert PLAIN_NUMBER.fullmatch(cell) or cell == "=", f"formula cell {cell!r}"


def csv_rows(text: str) -> list[dict[str, str]]:
    """A CSV read back with the csv module, one dict a record."""
    return list(csv.DictReader(io.StringIO(text, newline="")))


def every_cell(rows: list[dict[str, str]]) -> list[str]:
    """Every header and value of rows."""
    return [*(rows[0] if rows else []), *(cell for row in rows for cell in row.values())]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, empty_warehouse: Path) -> Path:
    """A warehouse holding a release a payload: in its title and notes, and in its figure's
    quote, qualifier and note (no document, so the quote need not occur in one)."""
    folder = tmp_path_factory.mktemp("csv_injection")
    shutil.copyfile(empty_warehouse, folder / "hostile.duckdb")
    (folder / "releases").mkdir()
    warehouse = Warehouse(folder / "hostile.duckdb", folder / "releases")
    for year, payload in enumerate(PAYLOADS, start=2016):
        fig = figure("china.cbec.trade_value", ("year", f"{year}-01-01", f"{year}-12-31"),
                     1.5e12, "1.5", multiplier="trillion", yoy=-2.7, quote=payload)
        payload_release = release(f"hostile-{year}", f"{year + 1}-02-01",
                                  [{**fig, "qualifier_text": payload, "note": payload}])
        warehouse.add({**payload_release, "title": payload, "notes": payload})
    return warehouse.path


def test_the_briefs_csv_attachments_neutralise_every_formula_and_keep_its_text(
        hostile: Path) -> None:
    data = collect_brief(hostile, dt.date.today(), dt.datetime.now())
    read = {name: csv_rows(path.read_text(encoding="utf-8"))
            for name, (path, _) in data.attachments.items()}
    assert set(read) == {"figures.csv", "cagr.csv", "revisions.csv", "findings.csv",
                         "releases.csv"}
    for rows in read.values():
        assert_spreadsheet_safe(every_cell(rows))
    neutralised = {"'" + p for p in PAYLOADS}
    assert {r["title"] for r in read["releases.csv"]} == neutralised
    reported = [r for r in read["figures.csv"] if r["is_derived"] == "false"]
    assert {r["quote"] for r in reported} == neutralised
    assert {r["qualifier_text"] for r in reported} == neutralised
    assert {restore(r["quote"]) for r in reported} == set(PAYLOADS)
    # A number stays a number: a negative growth rate and the exact comparator are not text
    # a spreadsheet runs.
    assert {(r["yoy_pct"], r["comparator"]) for r in reported} == {("-2.7", "=")}


def test_query_csv_neutralises_every_formula_and_keeps_its_text(hostile: Path) -> None:
    columns, rows = run_query(hostile, """
        select r.title, r.notes, o.quote, o.note, o.yoy_pct, '-2.7' as number_as_text
        from core.releases as r inner join core.observations as o using (release_id)
        order by r.published_on
    """)
    read = csv_rows(format_csv(columns, rows))
    assert_spreadsheet_safe(every_cell(read))
    for column in ("title", "notes", "quote", "note"):
        assert [r[column] for r in read] == ["'" + p for p in PAYLOADS]
        assert [restore(r[column]) for r in read] == PAYLOADS
    assert {(r["yoy_pct"], r["number_as_text"]) for r in read} == {("-2.7", "-2.7")}


def test_query_csv_quotes_a_carriage_return_and_neutralises_tab_and_cr() -> None:
    text = format_csv(["=h", "n"], [("\tcmd", -1), ("\r=1+1", None), ("a\rb", 2.5)])
    assert text == "'=h,n\n'\tcmd,-1\n\"'\r=1+1\",\n\"a\rb\",2.5\n"
    read = csv_rows(text)
    assert [r["'=h"] for r in read] == ["'\tcmd", "'\r=1+1", "a\rb"]  # three records, not four


CASES = ["=1+1", "+1+1", "-1+1", "@SUM(1)", "\tx", "\rx", "=", "==", "= 1", "-", "'=x", "''-1",
         "'x", "-2.7", "+1e5", "1e5", "-1\n", "-1.", ".5", "x=1", " =1", "", "海关总署", "−2.7"]


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB with the brief's csv_safe macro."""
    with duckdb.connect() as connection:
        sqlrunner.execute(connection, "queries/csv_safe_macro")
        yield connection


def sql_csv_safe(con: duckdb.DuckDBPyConnection, texts: list[str]) -> list[str]:
    """The macro's answer for each text, in order."""
    return [row[0] for row in con.execute(
        "select csv_safe(t) from unnest(?) with ordinality as u(t, i) order by i",
        [texts]).fetchall()]


def test_the_macro_and_the_python_rule_agree_on_the_edge_cases(
        con: duckdb.DuckDBPyConnection) -> None:
    assert sql_csv_safe(con, CASES) == [csv_safe(t) for t in CASES]
    assert [csv_safe(t) for t in CASES] == [
        "'=1+1", "'+1+1", "'-1+1", "'@SUM(1)", "'\tx", "'\rx", "=", "'==", "'= 1", "'-",
        "''=x", "'''-1", "'x", "-2.7", "+1e5", "1e5", "'-1\n", "'-1.", ".5", "x=1", " =1", "",
        "海关总署", "−2.7"]


TEXT = st.text(alphabet=st.sampled_from("=+-@\t\r'0123456789.eE x\n"), max_size=8)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=20))
def test_csv_safe_is_safe_reversible_and_the_same_in_sql(
        con: duckdb.DuckDBPyConnection, texts: list[str]) -> None:
    assert sql_csv_safe(con, texts) == [csv_safe(t) for t in texts]
    assert_spreadsheet_safe([csv_safe(t) for t in texts])
    assert [restore(csv_safe(t)) for t in texts] == texts
