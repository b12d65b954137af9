"""Every view and as-of macro of the published snapshot answers in DuckDB 1.4 and 1.5.

Analysts open the snapshot with whatever DuckDB they have, often an older CLI than the
project's DuckDB 2.0. The curated seeds are loaded and built, the snapshot is published as a
run publishes it, and each engine of tests/duckdb_engines.py (the newest duckdb-cli 1.5 and
1.4, and DuckDB 1.4.0) counts the rows of every view and of every as-of macro the snapshot
holds, and runs the as-of queries of the docs: each must answer, with Python DuckDB 2.0's
count.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from flows.warehouse.snapshot import SNAPSHOT_STORAGE_VERSION, publish_snapshot
from tests import ROOT
from tests.duckdb_engines import OLDER_ENGINES, Answer, Engine, venv_cli

pytestmark = pytest.mark.e2e

ENGINES = (venv_cli(), *OLDER_ENGINES)
PAST = "date '2024-12-31'"  # before the newest release: the macros compute, not read marts
DOCS_WITH_AS_OF = (ROOT / "docs" / "querying.md", ROOT / "docs" / "warehouse.md")
# What the README and docs/warehouse.md promise analysts, so the lists below are not empty.
DOCUMENTED_VIEWS = {"figures", "figure_vintages", "revisions", "growth", "cagr", "shares",
                    "cross_checks", "check_findings", "releases", "review_queue",
                    "review_items", "fetch_log", "payloads", "rejected_releases",
                    "stale_metrics"}


def documented_as_of_queries() -> dict[str, str]:
    """Every statement of the docs' ```sql blocks that calls an as-of macro, named by its doc
    and call ("querying.md: figures_as_of(date '2024-12-31')")."""
    statements = {}
    for doc in DOCS_WITH_AS_OF:
        for block in re.findall(r"```sql\n(.*?)```", doc.read_text(encoding="utf-8"), re.DOTALL):
            for sql in block.split(";"):
                call = re.search(r"\w+_as_of\([^)]*\)", sql)
                if call:
                    statements[f"{doc.name}: {call.group()}"] = sql.strip()
    return statements


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, seeds_warehouse: Path) -> dict:
    """The curated seeds' snapshot, each statement to ask of it, and DuckDB 2.0's answers."""
    folder = tmp_path_factory.mktemp("snapshot_cli")
    warehouse = seeds_warehouse
    snapshot = publish_snapshot(warehouse, folder / "snapshot" / "barometer.duckdb")
    with duckdb.connect(str(snapshot), read_only=True) as con:
        views = [r[0] for r in con.execute(
            "select view_name from duckdb_views() where not internal order by view_name"
        ).fetchall()]
        macros = [r[0] for r in con.execute(
            "select function_name from duckdb_functions() where not internal "
            "and function_type = 'table_macro' and parameters = ['as_of_on'] "
            "and function_name like '%\\_as\\_of' escape '\\' order by function_name"
        ).fetchall()]
        statements = {f"view {v}": f'select count(*) from "{v}"' for v in views}
        statements |= {f"{m}({PAST})": f"select count(*) from {m}({PAST})" for m in macros}
        statements |= {label: f"select count(*) from ({sql})"
                       for label, sql in documented_as_of_queries().items()}
        expected = {label: Answer(value=str(con.execute(sql).fetchone()[0]))
                    for label, sql in statements.items()}
        storage = con.execute("select tags['storage_version'] from duckdb_databases() "
                              "where database_name = current_database()").fetchone()[0]
    return {"warehouse": warehouse, "snapshot": snapshot, "storage": storage, "views": views,
            "macros": macros, "statements": statements, "expected": expected}


def test_the_snapshot_holds_every_documented_view_and_as_of_macro(published: dict) -> None:
    assert set(published["views"]) >= DOCUMENTED_VIEWS
    section = (ROOT / "docs" / "warehouse.md").read_text(encoding="utf-8").split(
        "## As of a date")[1].split("###")[0]
    assert set(published["macros"]) == set(re.findall(r"`(\w+_as_of)`", section))
    assert len(documented_as_of_queries()) >= 2


def test_the_snapshot_is_written_in_the_old_storage_format_the_live_file_is_not(
        published: dict) -> None:
    """DuckDB 2.0 writes its own format by default, which no 1.x reads: the snapshot must be
    written in SNAPSHOT_STORAGE_VERSION for the older engines below to open it at all."""
    assert published["storage"].startswith(SNAPSHOT_STORAGE_VERSION)
    [live] = venv_cli().answers(published["warehouse"], ["select count(*) from releases"])
    assert live.error is not None and "Trying to read a database file with version" in \
        live.error, live


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.name)
def test_every_view_and_as_of_macro_answers_in_duckdb(engine: Engine, published: dict) -> None:
    if not engine.is_installed():
        pytest.fail(f"{engine.name} is not installed under {engine.folder}: run "
                    "`.venv/bin/python -m tests.duckdb_engines` (make test does)")
    assert engine.reported_version() == engine.version.split(".post")[0]
    statements, expected = published["statements"], published["expected"]
    answers = dict(zip(statements, engine.answers(published["snapshot"],
                                                  list(statements.values())), strict=True))
    wrong = {label: a for label, a in answers.items() if a != expected[label]}
    assert not wrong, f"{len(wrong)} of {len(answers)} statements went wrong in " \
        f"{engine.name}:\n" + "\n".join(
            f"  {label}: {a.error or f'{a.value} rows, DuckDB 2.0 counts {expected[label].value}'}"
            for label, a in wrong.items())
