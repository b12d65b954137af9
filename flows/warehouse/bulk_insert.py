"""Insert rows in bulk: write them to a newline-delimited JSON file, let DuckDB read it once.

DuckDB inserts row by row from Python (executemany) at tens of thousands of rows a second and
reads JSON at millions; so every load writes its validated rows to a temporary file and runs one
INSERT … BY NAME SELECT FROM read_json per table (sql/load/bulk_insert_*.sql). JSON keeps NULL
apart from an empty string and carries any text (quotes, commas, newlines, Chinese) unchanged.

A row is a model's fields (model_dump) and the columns the warehouse adds (release_id, seq,
spans, …); the column names and types read_json is given come from the same model, so no
column list of a figure is written out again, here or in sql/.
"""

from __future__ import annotations

import json
import types
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import duckdb
from pydantic import BaseModel

from flows.model.release import Figure, HeldFigure, Release
from flows.scratch import scratch_folder
from flows.warehouse import sqlrunner

Row = Mapping[str, Any]

_DUCKDB_TYPES = {str: "varchar", date: "date", Decimal: "double", int: "integer"}


def duckdb_type(annotation: Any) -> str:
    """The DuckDB type a field's values are read as: its type without None (a Literal as the
    type of its values)."""
    if get_origin(annotation) in (Union, types.UnionType):
        annotation, = (arg for arg in get_args(annotation) if arg is not type(None))
    if get_origin(annotation) is Literal:
        annotation = type(get_args(annotation)[0])
    return _DUCKDB_TYPES[annotation]


def model_columns(model: type[BaseModel], exclude: frozenset[str] = frozenset()
                  ) -> dict[str, str]:
    """Each field of a model (but those excluded) with the DuckDB type it is read as."""
    return {name: duckdb_type(info.annotation) for name, info in model.model_fields.items()
            if name not in exclude}


# A release row: the release's own fields (its figures and held numbers are rows of their own,
# its document is stored as a path) and what the load adds.
RELEASE_EXCLUDE = frozenset({"figures", "held_for_review", "document"})
RELEASE_COLUMNS = {
    **model_columns(Release, RELEASE_EXCLUDE),
    "content_sha256": "varchar", "claims_sha256": "varchar", "document_path": "varchar",
}
# An observation row: a figure's fields, and where it sits and how precise it was printed.
OBSERVATION_COLUMNS = {
    "release_id": "varchar", "seq": "integer", **model_columns(Figure),
    "rounding_halfwidth": "double", "yoy_rounding_halfwidth": "double",
    "quote_start": "integer", "quote_end": "integer",
}
# A review row: a held number's fields, and where it sits.
REVIEW_COLUMNS = {
    "release_id": "varchar", "seq": "integer", **model_columns(HeldFigure),
    "quote_start": "integer", "quote_end": "integer",
}


def _plain(value: object) -> object:
    """What json.dumps cannot write by itself: dates as ISO text, decimals as numbers."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} to the bulk file")


# Each table's statement, file and columns; a release row also carries its load order.
TABLES = {
    "releases": ("load/bulk_insert_releases", {**RELEASE_COLUMNS, "load_order": "bigint"}),
    "observations": ("load/bulk_insert_observations", OBSERVATION_COLUMNS),
    "review_items": ("load/bulk_insert_review_items", REVIEW_COLUMNS),
}


def insert_file(con: duckdb.DuckDBPyConnection, table: str, path: Path) -> None:
    """Insert the rows of one table's bulk file (the caller owns the transaction)."""
    statement, columns = TABLES[table]
    sqlrunner.execute(con, statement, [str(path), columns])


class BulkFile:
    """Rows written as they come, to newline-delimited JSON files, then inserted with one
    statement per table: memory stays flat however many rows a load has.

    The files go to a temporary folder, removed on close, or to `folder`, kept (the benchmark
    feeds them to DuckDB's own bulk load, insert_file). Use as a context manager; insert(con)
    runs inside the caller's transaction."""

    def __init__(self, folder: Path | None = None) -> None:
        self._temporary = None if folder else scratch_folder("load")
        where = folder or Path(self._temporary.name)
        where.mkdir(parents=True, exist_ok=True)
        self._encode = json.JSONEncoder(ensure_ascii=False, default=_plain).encode
        self._paths = {table: where / f"{table}.ndjson" for table in TABLES}
        self._files = {table: open(p, "w", encoding="utf-8")  # noqa: SIM115
                       for table, p in self._paths.items()}
        self.counts = dict.fromkeys(TABLES, 0)

    def __enter__(self) -> BulkFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for out in self._files.values():
            out.close()
        if self._temporary:
            self._temporary.cleanup()

    def _add(self, table: str, rows: Sequence[Row]) -> None:
        out, encode = self._files[table], self._encode
        for row in rows:
            out.write(encode(row))
            out.write("\n")
        self.counts[table] += len(rows)

    def add(self, release: Row, observations: Sequence[Row], held: Sequence[Row] = (),
            order: int | None = None) -> None:
        """Add one release with its observations and the numbers it holds for review (rows
        keyed by the columns above); `order` places the release among others of the same
        load (by default, the order of adding)."""
        load_order = self.counts["releases"] if order is None else order
        self._add("releases", [{**release, "load_order": load_order}])
        self._add("observations", observations)
        self._add("review_items", held)

    def add_observations(self, observations: Sequence[Row]) -> None:
        """Add observations to releases already loaded (a figure accepted in review)."""
        self._add("observations", observations)

    def insert(self, con: duckdb.DuckDBPyConnection) -> None:
        """Insert every row added so far (the caller owns the transaction)."""
        for out in self._files.values():
            out.flush()
        for table, count in self.counts.items():
            if count:
                insert_file(con, table, self._paths[table])
