"""`barometer query` reads the snapshot and nothing else (no file, URL or extension, its
configuration locked) and stops a query that runs too long, each refusal in one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from flows.warehouse.query import QueryError, open_snapshot, run_query
from tests.conftest import Warehouse
from tests.loopback import LoopbackServer, Reply

FILE_READS = {
    "read_text environ": "select * from read_text('/proc/self/environ')",
    "read_blob": "select * from read_blob('/etc/passwd')",
    "glob": "select * from glob('/etc/*')",
    "read_csv": "select * from read_csv('/etc/passwd')",
    "read_parquet": "select * from read_parquet('/etc/passwd')",
    "read_json": "select * from read_json('/etc/passwd')",
    "a file as a table": "select * from read_csv_auto('/etc/hostname')",
}


def assert_refused_in_one_line(err: pytest.ExceptionInfo[QueryError], what: str) -> None:
    """The refusal says what is off, and what to do instead, in one line."""
    message = str(err.value)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(f"{what} is off in barometer query, which reads only the "
                              "snapshot's tables and views (")
    assert "use the duckdb CLI on it" in message
    assert "use the inbox (warehouse/inbox/, docs/inbox.md)" in message


@pytest.mark.parametrize("sql", FILE_READS.values(), ids=FILE_READS.keys())
def test_reading_a_file_is_refused_in_one_line(warehouse: Warehouse, sql: str) -> None:
    with pytest.raises(QueryError) as err:
        run_query(warehouse.path, sql)
    assert_refused_in_one_line(err, "reading files and URLs")
    assert "root:" not in str(err.value)  # nothing of the file came back


@pytest.fixture
def site() -> Iterator[LoopbackServer]:
    """A loopback server that would answer the URL a query reads, had it been asked."""
    with LoopbackServer() as server:
        server.route("/x.json", Reply.json([{"secret": 1}]))
        server.route("/x.csv", Reply.text("secret\n1\n", "text/csv"))
        yield server


@pytest.mark.parametrize("sql", ["select * from read_json('{url}/x.json')",
                                 "select * from '{url}/x.csv'"])
def test_reading_a_url_is_refused_and_never_sent(warehouse: Warehouse, site: LoopbackServer,
                                                 sql: str) -> None:
    with pytest.raises(QueryError) as err:
        run_query(warehouse.path, sql.format(url=site.url("").rstrip("/")))
    assert_refused_in_one_line(err, "reading files and URLs")
    assert site.requests == []


def test_a_function_from_an_extension_is_refused_not_downloaded(warehouse: Warehouse) -> None:
    with pytest.raises(QueryError) as err:
        run_query(warehouse.path, "select * from read_xlsx('/etc/passwd')")
    assert_refused_in_one_line(err, "loading DuckDB extensions")


@pytest.mark.parametrize("sql", ["install httpfs", "load httpfs",
                                 "attach '/etc/passwd' as etc",
                                 "attach '/etc/hostname' as etc (read_only)"])
def test_install_load_and_attach_are_refused(warehouse: Warehouse, sql: str) -> None:
    with pytest.raises(QueryError, match=r"^barometer query only reads; this is a"):
        run_query(warehouse.path, sql)


# Were a statement to get past check_read_only, the connection itself would still refuse it.
BEHIND_THE_CHECK = {
    "load httpfs": (duckdb.PermissionException, "Loading external extensions is disabled"),
    "install httpfs": (duckdb.PermissionException, "disabled by configuration"),
    "attach '/etc/passwd' as etc": (duckdb.PermissionException, "disabled by configuration"),
    "copy (select 1) to '{tmp}/out.csv'": (duckdb.PermissionException,
                                           "disabled by configuration"),
    "set enable_external_access = true": (duckdb.InvalidInputException, "locked"),
    "set autoload_known_extensions = true": (duckdb.InvalidInputException, "locked"),
    "set allowed_directories = ['/etc']": (duckdb.InvalidInputException, "locked"),
}


@pytest.mark.parametrize("sql", BEHIND_THE_CHECK, ids=BEHIND_THE_CHECK.keys())
def test_the_snapshot_connection_refuses_what_the_check_would(warehouse: Warehouse,
                                                              tmp_path: Path, sql: str) -> None:
    kind, words = BEHIND_THE_CHECK[sql]
    con = open_snapshot(warehouse.path)
    try:
        with pytest.raises(kind, match=words):
            con.execute(sql.format(tmp=tmp_path))
        settings = dict(con.execute(
            "select name, value from duckdb_settings() where name in ('enable_external_access', "
            "'autoinstall_known_extensions', 'autoload_known_extensions', "
            "'lock_configuration')").fetchall())
    finally:
        con.close()
    assert not (tmp_path / "out.csv").exists()
    assert settings == {"enable_external_access": "false", "autoinstall_known_extensions":
                        "false", "autoload_known_extensions": "false",
                        "lock_configuration": "true"}


FOREVER = "select count(*) from range(1000000000000) as a"
TIMEOUT_MESSAGE = ("the query ran longer than 0.5 s (BAROMETER_QUERY_TIMEOUT_SECONDS) and was "
                   "stopped; narrow it (a where clause, a limit) or raise the limit")


def test_a_query_that_runs_too_long_is_stopped_in_one_line(warehouse: Warehouse) -> None:
    with pytest.raises(QueryError) as err:
        run_query(warehouse.path, FOREVER, timeout_seconds=0.5)
    assert str(err.value) == TIMEOUT_MESSAGE
    assert isinstance(err.value.__cause__, duckdb.InterruptException)
    assert run_query(warehouse.path, "select 42", timeout_seconds=0.5) == (["42"], [(42,)])


def test_the_time_limit_is_the_setting_by_default(warehouse: Warehouse,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAROMETER_QUERY_TIMEOUT_SECONDS", "0.5")
    with pytest.raises(QueryError) as err:
        run_query(warehouse.path, FOREVER)
    assert str(err.value) == TIMEOUT_MESSAGE


def test_the_views_still_answer_with_external_access_off(warehouse: Warehouse) -> None:
    columns, rows = run_query(warehouse.path, """
        select (select count(*) from core.metrics) as metrics,
               (select count(*) from figures_as_of(date '2024-12-31')) as figures,
               (select count(*) from duckdb_views() where not internal) as views
    """)
    assert columns == ["metrics", "figures", "views"]
    metrics, figures, views = rows[0]
    assert metrics > 0 and figures == 0 and views >= 14
