"""A build recomputes only the metrics whose claims changed (and those tied to them by a ratio),
and must give the same tables, real-time periods included, as a build from scratch; a change to
the SQL rebuilds everything; a failed build keeps what was there."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from flows.warehouse import sqlrunner
from flows.warehouse.build_and_check import build_warehouse
from tests.conftest import Warehouse, figure, release
from tests.unit.test_as_of_oracle import HISTORY, MARTS, TRADE, _fill_history, year


def _marts_differences(left: Path, right: Path) -> dict[str, int]:
    """Per mart table, rows (real-time periods included) in one warehouse and not the other."""
    with duckdb.connect(str(left), read_only=True) as con:
        con.execute("attach ? as other (read_only)", [str(right)])
        return {mart: con.execute(
            f"select count(*) from ((from marts.{mart} except all from other.marts.{mart}) "
            f"union all (from other.marts.{mart} except all from marts.{mart}))").fetchone()[0]
            for mart in MARTS}


def test_an_incremental_build_after_each_release_equals_a_full_rebuild(
        warehouse: Warehouse, tmp_path: Path) -> None:
    kinds = []
    for release_id, published_on, figures in HISTORY:
        warehouse.add(release(release_id, published_on, figures))
        build = warehouse.rebuild_if_stale()
        kinds.append((build.kind, build.metrics_rebuilt))
    # each build recomputed only some metrics: the trade value alone (h08), or the entity
    # counts tied together by the ratio definitions
    assert all(kind == "incremental" for kind, _ in kinds)
    with duckdb.connect(str(warehouse.path), read_only=True) as con:
        metrics = con.execute("select count(*) from core.metrics").fetchone()[0]
    assert all(0 < rebuilt < metrics for _, rebuilt in kinds)
    assert kinds[[h[0] for h in HISTORY].index("h08")] == ("incremental", 1)
    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copyfile(warehouse.path, rebuilt)
    assert build_warehouse(rebuilt, full=True).kind == "full"
    assert _marts_differences(warehouse.path, rebuilt) == dict.fromkeys(MARTS, 0)


def test_a_build_with_nothing_new_recomputes_no_metric_and_changes_nothing(
        warehouse: Warehouse, tmp_path: Path) -> None:
    _fill_history(warehouse, build_each=False)
    before = tmp_path / "before.duckdb"
    shutil.copyfile(warehouse.path, before)
    build = build_warehouse(warehouse._path)
    assert (build.kind, build.metrics_rebuilt) == ("unchanged", 0)
    assert [f for f in build.files if not f.startswith("schema/")] == []
    assert _marts_differences(warehouse.path, before) == dict.fromkeys(MARTS, 0)


def test_a_change_to_the_sql_rebuilds_every_metric(
        warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill_history(warehouse, build_each=False)
    db = warehouse.path
    monkeypatch.setattr(sqlrunner, "sql_hash", lambda: "a different sql/")
    build = build_warehouse(db)
    with duckdb.connect(str(db), read_only=True) as con:
        metrics = con.execute("select count(*) from marts.metric_state").fetchone()[0]
    # every metric with claims (and those tied to them by a ratio) is recomputed
    assert build.kind == "full" and build.metrics_rebuilt >= metrics > 0


def test_a_failed_build_keeps_the_previous_marts_and_state(
        warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill_history(warehouse, build_each=False)
    db = warehouse.path
    before = tmp_path / "before.duckdb"
    shutil.copyfile(db, before)
    late = tmp_path / "late.json"
    late.write_text(json.dumps(release("late", "2026-02-01", [
        figure(TRADE, year(2025), 2.9e12, "2.9", multiplier="trillion", comparator="~")])),
        encoding="utf-8")
    warehouse.add(json.loads(late.read_text(encoding="utf-8")))
    broken = tmp_path / "990_broken.sql"
    broken.write_text("create or replace temp view build_broken as select * from no_such_table;",
                      encoding="utf-8")
    real = sqlrunner.layer_files
    monkeypatch.setattr(sqlrunner, "layer_files",
                        lambda layer: real(layer) + ([broken] if layer == "checks" else []))
    with pytest.raises(RuntimeError, match=r"(?s)990_broken\.sql failed.*nothing of this build"):
        build_warehouse(warehouse._path)
    assert _marts_differences(warehouse._path, before) == dict.fromkeys(MARTS, 0)
    with duckdb.connect(str(warehouse._path), read_only=True) as con, \
            duckdb.connect(str(before), read_only=True) as old:
        assert (con.execute("select * from marts.build_state").fetchall()
                == old.execute("select * from marts.build_state").fetchall())
    monkeypatch.undo()
    build_warehouse(warehouse._path)  # the next build sees the late release
    with duckdb.connect(str(warehouse._path), read_only=True) as con:
        assert con.execute("select count(*) from figures where release_id = 'late'"
                           ).fetchone()[0] == 1
