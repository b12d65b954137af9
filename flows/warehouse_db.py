"""Open the warehouse (or the snapshot) with the project's DuckDB settings.

DuckDB's buffer manager may use up to 80% of the machine's memory. BAROMETER_DUCKDB_MEMORY_LIMIT
(e.g. 1GB) caps it; past the cap DuckDB spills to a folder under the system's temporary
directory (a read-only connection, the brief's, would otherwise have nowhere to spill). There
is no cap by default: no cap has been measured to hold at 1,000,000 observations, where the
build's materialised marts take most of the run's 1.8 GiB peak (docs/benchmarks.md).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from flows import sqlrunner
from flows.settings import load_settings

SPILL_DIR = Path(tempfile.gettempdir()) / "barometer-duckdb-spill"


def connect(path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to `path` (None: in memory) with the memory limit applied."""
    con = duckdb.connect(str(path) if path is not None else ":memory:", read_only=read_only)
    try:
        limit = load_settings().duckdb_memory_limit
        if limit:
            try:
                sqlrunner.execute(con, "load/set_memory_limit", [limit])
            except duckdb.Error as exc:
                raise ValueError(
                    f"BAROMETER_DUCKDB_MEMORY_LIMIT={limit!r} is not a size DuckDB accepts "
                    f"({exc}); set it like 1GB or 512MB, or leave it empty for no cap"
                ) from None
        sqlrunner.execute(con, "load/set_spill_directory", [str(SPILL_DIR)])
    except BaseException:
        con.close()
        raise
    return con
