"""The analysts' copy: a read-only snapshot of the warehouse, published atomically after a run.

DuckDB lets one process hold a file while it writes, readers included, so analysts never open
the live warehouse. Each successful run copies it, in a storage format older DuckDB versions
can read, beside the snapshot, then renames the copy into place. An analyst's open connection
keeps reading the file it opened; a new connection sees the new data.
"""

from __future__ import annotations

import os
from pathlib import Path

from flows.disk import disk_full_names, partial_path
from flows.warehouse import sqlrunner
from flows.warehouse.db import connect

# The storage format of the snapshot (sql/load/snapshot_attach_target.sql): readable by DuckDB
# 1.0 and newer, where DuckDB 2.0's own format is read by no 1.x, so an analyst's duckdb CLI
# from PyPI opens it (tests/e2e/test_snapshot_cli.py runs every view in DuckDB 1.4 and 1.5).
SNAPSHOT_STORAGE_VERSION = "v1.0.0"


def stage_snapshot(db_path: Path, snapshot_path: Path) -> Path:
    """Copy the warehouse to a hidden file beside the snapshot; return it. A full disk is a
    DiskFull error naming the copy, and nothing of it is left behind."""
    snapshot_path.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(snapshot_path)
    wal = partial.with_name(partial.name + ".wal")
    for leftover in (partial, wal):
        leftover.unlink(missing_ok=True)  # from a run killed while copying
    try:
        with disk_full_names(partial), connect() as con:
            sqlrunner.execute(con, "load/snapshot_attach_source", [str(db_path)])
            sqlrunner.execute(con, "load/snapshot_attach_target", [str(partial)])
            sqlrunner.execute(con, "load/snapshot_copy")
            sqlrunner.execute(con, "load/snapshot_detach_target")
        os.chmod(partial, 0o444)
    except BaseException:
        for leftover in (partial, wal):
            leftover.unlink(missing_ok=True)
        raise
    return partial


def commit_snapshot(partial: Path, snapshot_path: Path) -> Path:
    """Rename a staged copy into place: new connections see it, open ones keep theirs."""
    os.replace(partial, snapshot_path)
    return snapshot_path


def publish_snapshot(db_path: Path, snapshot_path: Path) -> Path:
    """Copy the warehouse to a new file beside the snapshot, then rename it into place."""
    return commit_snapshot(stage_snapshot(db_path, snapshot_path), snapshot_path)
