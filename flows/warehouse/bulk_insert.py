"""Insert rows in bulk: write them to a newline-delimited JSON file, let DuckDB read it once.

DuckDB inserts row by row from Python (executemany) at tens of thousands of rows a second and
reads JSON at millions; so every load writes its validated rows to a temporary file and runs one
INSERT … SELECT FROM read_json per table (sql/load/bulk_insert_*.sql). JSON keeps NULL apart from
an empty string and carries any text (quotes, commas, newlines, Chinese) unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from flows.scratch import scratch_folder
from flows.warehouse import sqlrunner

RELEASE_COLUMNS = (
    "release_id", "title", "publisher_id", "published_on", "published_on_note", "url",
    "language", "retrieved_at", "content_sha256", "claims_sha256", "document_path", "notes",
)
OBSERVATION_COLUMNS = (
    "release_id", "seq", "metric_id", "period_kind", "period_start", "period_end",
    "period_text", "value", "value_as_written", "multiplier_word", "unit", "comparator",
    "qualifier_text", "rounding_halfwidth", "yoy_pct", "yoy_comparator", "yoy_text",
    "yoy_rounding_halfwidth", "reported_by", "attributed_on", "attributed_text",
    "vintage_status", "quote", "quote_start", "quote_end", "note",
)
REVIEW_COLUMNS = (
    "release_id", "seq", "reason", "metric_id", "period_kind", "period_start", "period_end",
    "period_text", "value", "value_as_written", "multiplier_word", "unit", "comparator",
    "qualifier_text", "yoy_pct", "yoy_comparator", "yoy_text", "vintage_status", "quote",
    "quote_start", "quote_end",
)


def _plain(value: object) -> object:
    """What json.dumps cannot write by itself: dates as ISO text, decimals as numbers."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} to the bulk file")


class BulkFile:
    """Rows written as they come, to newline-delimited JSON files, then inserted with one
    statement per table: memory stays flat however many rows a load has.

    The files go to a temporary folder, removed on close, or to `folder`, kept (the benchmark
    feeds them to DuckDB's own bulk load). Use as a context manager; insert(con) runs inside
    the caller's transaction."""

    TABLES = (
        ("load/bulk_insert_releases", "releases.ndjson", RELEASE_COLUMNS, "load_order"),
        ("load/bulk_insert_observations", "observations.ndjson", OBSERVATION_COLUMNS, None),
        ("load/bulk_insert_review_items", "review_items.ndjson", REVIEW_COLUMNS, None),
    )

    def __init__(self, folder: Path | None = None) -> None:
        self._temporary = None if folder else scratch_folder("load")
        where = folder or Path(self._temporary.name)
        where.mkdir(parents=True, exist_ok=True)
        self._encode = json.JSONEncoder(ensure_ascii=False, default=_plain).encode
        self._paths = [where / name for _, name, _, _ in self.TABLES]
        self._files = [open(p, "w", encoding="utf-8") for p in self._paths]  # noqa: SIM115
        self.counts = [0] * len(self.TABLES)

    def __enter__(self) -> BulkFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for out in self._files:
            out.close()
        if self._temporary:
            self._temporary.cleanup()

    def _add(self, table: int, rows: Sequence[Sequence[Any]], order: int | None = None) -> None:
        _, _, columns, extra = self.TABLES[table]
        out, encode = self._files[table], self._encode
        for row in rows:
            record = dict(zip(columns, row, strict=True))
            if extra:
                record[extra] = self.counts[table] if order is None else order
            out.write(encode(record))
            out.write("\n")
            self.counts[table] += 1

    def add(self, release: Sequence[Any], observations: Sequence[Sequence[Any]],
            held: Sequence[Sequence[Any]] = (), order: int | None = None) -> None:
        """Add one release with its observations and the numbers it holds for review (rows in
        the column orders above); `order` places the release among others of the same load
        (by default, the order of adding)."""
        self._add(0, [release], order)
        self._add(1, observations)
        self._add(2, held)

    def add_observations(self, observations: Sequence[Sequence[Any]]) -> None:
        """Add observations to releases already loaded (a figure accepted in review)."""
        self._add(1, observations)

    def insert(self, con: duckdb.DuckDBPyConnection) -> None:
        """Insert every row added so far (the caller owns the transaction)."""
        for out in self._files:
            out.flush()
        for (statement, _, _, _), path, count in zip(self.TABLES, self._paths, self.counts,
                                                     strict=True):
            if count:
                sqlrunner.execute(con, statement, [str(path)])
