"""The materialised marts: a build stores each mart once, the *_as_of macros answer from it only
while it is current, and otherwise compute exactly what the stored claims say."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows import sqlrunner
from flows.load import load_release, load_seeds
from flows.release_files import read_release
from flows.transform import build_warehouse
from tests.conftest import copy_seeds, figure, release

# Every materialised mart: the table, the public macro, the macro it is computed by, and the
# macro a downstream computation reads (None: nothing downstream reads it).
MARTS = [
    ("vintages", "vintages_as_of", "vintages_computed", "vintages_for"),
    ("reported", "reported_as_of", "reported_computed", "reported_for"),
    ("growth", "growth_as_of", "growth_computed", "growth_for"),
    ("ratio_derivations", "ratio_derivations_as_of", "ratio_derivations_computed",
     "ratio_derivations_for"),
    ("derived", "derived_as_of", "derived_computed", "derived_for"),
    ("figures", "figures_as_of", "figures_computed", "figures_for"),
    ("cagr", "cagr_as_of", "cagr_computed", None),
    ("shares", "shares_as_of", "shares_computed", None),
    ("cross_checks", "cross_checks_as_of", "cross_checks_computed", "cross_checks_for"),
    ("revisions", "revisions_as_of", "revisions_computed", None),
    ("check_findings", "check_findings_as_of", "check_findings_computed", None),
]
TODAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every curated release (article and backfill) loaded and built."""
    folder = tmp_path_factory.mktemp("marts")
    db = folder / "w.duckdb"
    load_seeds(db, copy_seeds(folder / "seeds", article_only=False))
    build_warehouse(db)
    return db


def _difference(con: duckdb.DuckDBPyConnection, left: str, right: str, params: list) -> int:
    """Rows in one relation and not the other, both ways (duplicates counted)."""
    sql = (f"select count(*) from (({left} except all {right}) "
           f"union all ({right} except all {left}))")
    return con.execute(sql, params).fetchone()[0]


@pytest.mark.parametrize("mart", MARTS, ids=lambda m: m[0])
def test_the_table_holds_exactly_what_the_computation_gives(built: Path, mart: tuple) -> None:
    table, public, computed, downstream = mart
    with duckdb.connect(str(built), read_only=True) as con:
        rows = con.execute(f"select count(*) from marts.{table}").fetchone()[0]
        assert rows > 0 or table in ("shares",), f"marts.{table} is empty"
        fresh = f"select * from {computed}(cast($1 as date), false)"
        assert _difference(con, f"select * from marts.{table}", fresh, [TODAY]) == 0
        assert _difference(con, f"select * from {public}(cast($1 as date))", fresh,
                           [TODAY]) == 0
        if downstream:
            assert _difference(con, f"select * from {downstream}(cast($1 as date), true)",
                               f"select * from marts.{table}", [TODAY]) == 0
            assert _difference(con, f"select * from {downstream}(cast($1 as date), false)",
                               fresh, [TODAY]) == 0


def test_the_table_answers_only_while_it_is_current(built: Path) -> None:
    with duckdb.connect(str(built), read_only=True) as con:
        last = con.execute("select max(published_on) from core.releases").fetchone()[0]
        assert con.execute("select marts_current(?)", [TODAY]).fetchone()[0] is True
        assert con.execute("select marts_current(?)", [last]).fetchone()[0] is True
        # a date before the newest release: the table knows too much, so it must not answer
        earlier = date(last.year - 1, 1, 1)
        assert con.execute("select marts_current(?)", [earlier]).fetchone()[0] is False
        assert con.execute("select as_of_or_never(?)", [earlier]).fetchone()[0] == earlier
        assert con.execute("select as_of_or_never(?)", [TODAY]).fetchone()[0] == date(1, 1, 1)
        # the past is computed, and differs from today
        past = con.execute("select count(*) from figures_as_of(?)", [earlier]).fetchone()[0]
        now = con.execute("select count(*) from figures_as_of(?)", [TODAY]).fetchone()[0]
        assert 0 < past < now


def test_a_release_loaded_after_the_build_is_seen_before_the_next_build(
        tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_seeds(db, copy_seeds(tmp_path / "seeds"))
    build_warehouse(db)
    payload = release("late-release", "2026-03-01", [
        figure("china.cbec.trade_value", ("year", "2025-01-01", "2025-12-31"), 2.9e12,
               "2.9", comparator="~", multiplier="万亿"),
    ])
    file = tmp_path / "late.json"
    file.write_text(json.dumps(payload), encoding="utf-8")
    with duckdb.connect(str(db)) as con:
        load_release(con, read_release(file))  # loaded, not built
        assert con.execute("select marts_current(?)", [TODAY]).fetchone()[0] is False
        row = con.execute(
            "select value, comparator, release_id from figures_as_of(?) "
            "where metric_id = 'china.cbec.trade_value' and period_start = date '2025-01-01'",
            [TODAY]).fetchone()
        assert row == (2.9e12, "~", "late-release")
        stale = con.execute(
            "select count(*) from marts.figures where release_id = 'late-release'").fetchone()
        assert stale[0] == 0  # the table did not answer: it does not know the release
    build_warehouse(db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select marts_current(?)", [TODAY]).fetchone()[0] is True
        assert con.execute("select count(*) from marts.figures where release_id = "
                           "'late-release'").fetchone()[0] == 1


def test_a_failed_build_keeps_the_previous_marts_and_state(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "w.duckdb"
    load_seeds(db, copy_seeds(tmp_path / "seeds"))
    build_warehouse(db)
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute("select state, refreshed_at from marts.refresh_state").fetchall()
        figures = con.execute("select count(*) from marts.figures").fetchone()[0]
    broken = tmp_path / "990_broken.sql"
    broken.write_text("select * from no_such_table;", encoding="utf-8")
    real = sqlrunner.layer_files
    monkeypatch.setattr(sqlrunner, "layer_files",
                        lambda layer: real(layer) + ([broken] if layer == "checks" else []))
    with pytest.raises(RuntimeError, match=r"(?s)990_broken\.sql failed.*nothing of this build"):
        build_warehouse(db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select state, refreshed_at from marts.refresh_state"
                           ).fetchall() == before
        assert con.execute("select count(*) from marts.figures").fetchone()[0] == figures
        assert con.execute("select marts_current(?)", [TODAY]).fetchone()[0] is True
