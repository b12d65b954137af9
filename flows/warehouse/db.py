"""Open the warehouse (or the snapshot) with the project's DuckDB settings.

DuckDB's buffer manager may use up to 80% of the machine's memory. BAROMETER_DUCKDB_MEMORY_LIMIT
(600MB by default) caps it; past the cap DuckDB spills to a folder under the system's temporary
directory (a read-only connection, the brief's, would otherwise have nowhere to spill). At
1,000,000 observations the full build peaks at about 0.7 GiB under the default cap, 2.5 GiB
without one, in about the same time (docs/benchmarks.md). Set it empty for DuckDB's own default.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import duckdb

from flows.settings import load_settings
from flows.warehouse import sqlrunner

SPILL_DIR = Path(tempfile.gettempdir()) / "barometer-duckdb-spill"
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


class WarehouseLocked(duckdb.IOException):
    """Another process holds the warehouse file: DuckDB allows one writer (readers included)."""


def _locked(path: Path | str, exc: duckdb.IOException) -> WarehouseLocked:
    found = _HOLDER.search(str(exc))
    holder = f"process {found['pid']} ({found['program']})" if found else "another process"
    return WarehouseLocked(
        f"the warehouse {path} is held by {holder}: DuckDB lets one process use the file while "
        "it writes, and a run is probably in progress. Wait for it to finish (`barometer "
        "status`), or read the published snapshot (`barometer query`); nothing was written")


def connect(path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to `path` (None: in memory) with the memory limit applied. A file another
    process holds raises WarehouseLocked, with one line saying who and what to do."""
    try:
        con = duckdb.connect(str(path) if path is not None else ":memory:", read_only=read_only)
    except duckdb.IOException as exc:
        if "Could not set lock" in str(exc) and path is not None:
            raise _locked(path, exc) from None
        raise
    try:
        limit = load_settings().duckdb_memory_limit
        if limit:
            try:
                sqlrunner.execute(con, "load/set_memory_limit", [limit])
            except duckdb.Error as exc:
                raise ValueError(
                    f"BAROMETER_DUCKDB_MEMORY_LIMIT={limit!r} is not a size DuckDB accepts "
                    f"({exc}); set it like 1GB or 600MB, or empty for DuckDB's own default"
                ) from None
        sqlrunner.execute(con, "load/set_spill_directory", [str(SPILL_DIR)])
    except BaseException:
        con.close()
        raise
    return con
