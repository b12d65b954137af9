"""The fast load: release files validated and inserted by DuckDB, no Python object per figure.

Parsing a figure with `json` and validating it with the pydantic model costs about 35 µs; a
load of 10,000 releases of 100 figures spent most of its time there. Here DuckDB reads the
files whole (sql/load/fast_parse_releases.sql), checks the model's rules in SQL
(fast_figures.sql, fast_verdicts.sql) and inserts the rows itself. It only ever says "surely
accepted": a file it is not sure of, because it is written in another form than json.dumps's
or breaks a rule, goes through the model (flows/model/release_files.py), which keeps the one-line
reasons. Every release is accepted or refused exactly as the model decides, with the same
rows (tests/unit/test_load_equivalence.py).
"""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import get_args

import duckdb

from flows.model.release import Figure, Release
from flows.warehouse import sqlrunner


def _structure(model: type[Release] | type[Figure]) -> dict[str, object]:
    """The json_transform structure of a model: every field as text (checked in SQL), numbers
    and the held numbers as JSON (as written, so that fast_verdicts.sql rebuilds them unquoted),
    figures as a list of objects."""
    fields: dict[str, object] = {}
    for name, info in model.model_fields.items():
        if model is Release and name == "figures":
            fields[name] = [_structure(Figure)]
        elif name == "held_for_review" or Decimal in get_args(info.annotation):
            fields[name] = "JSON"
        else:
            fields[name] = "VARCHAR"
    return fields


STRUCTURE = json.dumps(_structure(Release))


def _changed(path: Path, info: os.stat_result) -> bool:
    """Whether a file changed since Python read it (and DuckDB may have read other bytes)."""
    try:
        now = path.stat()
    except OSError:
        return True
    return (now.st_size, now.st_mtime_ns) != (info.st_size, info.st_mtime_ns)


def _is_utf8(name: str) -> bool:
    """Whether DuckDB can be given a path (a name that is not UTF-8 is left to the model)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def screen(con: duckdb.DuckDBPyConnection, files: dict[Path, os.stat_result],
           today: date) -> dict[Path, str]:
    """Parse and check the files in DuckDB; return the release id of each one the model would
    surely accept (the others are absent). `files` maps each path to its stat when read."""
    by_name = {str(path): path for path in files if _is_utf8(str(path))}
    if not by_name:
        return {}
    sqlrunner.execute(con, "load/fast_read_files", [list(by_name)])
    sqlrunner.execute(con, "load/fast_parse_releases", [STRUCTURE])
    sqlrunner.execute(con, "load/fast_figures")
    certain = {}
    for row in sqlrunner.fetch_dicts(con, "load/fast_verdicts", [today]):
        path = by_name[row["filename"]]
        if row["certain"] and not _changed(path, files[path]):
            certain[path] = row["release_id"]
    return certain


def insert(con: duckdb.DuckDBPyConnection,
           accepted: list[tuple[Path, int, str, str]]) -> None:
    """Insert screened files (path, load order, SHA-256, document path) inside the caller's
    transaction."""
    if not accepted:
        return
    names = [str(path) for path, _, _, _ in accepted]
    sqlrunner.execute(con, "load/fast_insert_releases", [
        names, [order for _, order, _, _ in accepted], [sha for _, _, sha, _ in accepted],
        [doc for _, _, _, doc in accepted]])
    sqlrunner.execute(con, "load/fast_insert_observations", [names])


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables of the fast load."""
    sqlrunner.execute(con, "load/fast_drop")

