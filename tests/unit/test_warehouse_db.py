"""Every connection of the pipeline gets the memory cap (when set) and a folder to spill to."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.warehouse_db import SPILL_DIR, connect


def _settings(db: Path) -> tuple[str, str]:
    with connect(db) as con:
        return con.execute("select current_setting('memory_limit'), "
                           "current_setting('temp_directory')").fetchone()


def test_the_cap_comes_from_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAROMETER_DUCKDB_MEMORY_LIMIT", "300MB")
    limit, spill = _settings(tmp_path / "w.duckdb")
    assert limit == "286.1 MiB"  # 300 MB in DuckDB's own units
    assert spill == str(SPILL_DIR)


def test_no_cap_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BAROMETER_DUCKDB_MEMORY_LIMIT", raising=False)
    limit, _ = _settings(tmp_path / "w.duckdb")
    assert limit != "286.1 MiB" and limit.endswith("GiB")


def test_a_bad_cap_says_what_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BAROMETER_DUCKDB_MEMORY_LIMIT", "lots")
    with pytest.raises(ValueError, match=r"BAROMETER_DUCKDB_MEMORY_LIMIT='lots' is not a size"):
        connect(tmp_path / "w.duckdb")
