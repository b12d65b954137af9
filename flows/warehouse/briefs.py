"""The briefs a run has published, recorded in the warehouse (core.briefs) with what they knew."""

from __future__ import annotations

from pathlib import Path

from flows.warehouse import sqlrunner
from flows.warehouse.db import connect


def record_brief(db_path: Path, generated_at: str, as_of: str, pdf_path: str,
                 flow_run_id: str | None, kind: str = "regular") -> None:
    """Record a rendered brief with the releases it knew (core.briefs). kind: 'regular' (a
    brief of its own day) or 'as-of' (back-dated: never the previous brief of a regular one)."""
    if kind not in ("regular", "as-of"):
        raise ValueError(f"brief kind must be 'regular' or 'as-of', got {kind!r}")
    with connect(db_path) as con:
        sqlrunner.execute(con, "load/insert_brief",
                          [generated_at, as_of, pdf_path, flow_run_id, kind])
