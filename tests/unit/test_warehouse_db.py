"""Every connection of the pipeline gets the memory cap (when set) and a folder to spill to."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.warehouse.db import SPILL_DIR, connect


def _settings(db: Path) -> tuple[str, str]:
    with connect(db) as con:
        return con.execute("select current_setting('memory_limit'), "
                           "current_setting('temp_directory')").fetchone()


def test_the_cap_comes_from_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAROMETER_DUCKDB_MEMORY_LIMIT", "300MB")
    limit, spill = _settings(tmp_path / "w.duckdb")
    assert limit == "286.1 MiB"  # 300 MB in DuckDB's own units
    assert spill == str(SPILL_DIR)


def test_a_cap_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BAROMETER_DUCKDB_MEMORY_LIMIT", raising=False)
    limit, _ = _settings(tmp_path / "w.duckdb")
    assert limit == "572.2 MiB"  # 600 MB in DuckDB's own units


def test_an_empty_setting_leaves_duckdbs_own_default(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAROMETER_DUCKDB_MEMORY_LIMIT", "")
    limit, _ = _settings(tmp_path / "w.duckdb")
    assert limit != "572.2 MiB" and limit.endswith("GiB")


def test_a_bad_cap_says_what_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAROMETER_DUCKDB_MEMORY_LIMIT", "lots")
    with pytest.raises(ValueError, match=r"BAROMETER_DUCKDB_MEMORY_LIMIT='lots' is not a size"):
        connect(tmp_path / "w.duckdb")


def test_a_second_writer_gets_a_clear_lock_error(tmp_path: Path) -> None:
    """One process writes the warehouse; another one (a second run, a second worker without the
    concurrency limit) is told who holds it and what to do, in one line, and writes nothing."""
    import subprocess
    import sys

    from flows.paths import SEEDS_DIR
    from flows.warehouse.db import WarehouseLocked
    from flows.warehouse.load import load_seeds

    path = tmp_path / "w.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
         "con.execute('create table t (a int)'); print('holding', flush=True); time.sleep(60)",
         str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(WarehouseLocked) as caught:
            connect(path)
        message = str(caught.value)
        assert "\n" not in message
        assert f"the warehouse {path} is held by process {holder.pid} (" in message
        assert "barometer status" in message and "nothing was written" in message
        with pytest.raises(WarehouseLocked):
            load_seeds(path, SEEDS_DIR)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    with connect(path, read_only=True) as con:  # the holder's table, and nothing of ours
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
    assert tables == ["t"]
