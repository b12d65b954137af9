"""Build the SQL layers over the stored claims, and run the checks as known on a date."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flows import sqlrunner
from flows.warehouse_db import connect


class BlockingCheckError(RuntimeError):
    """A blocking check found figures that break the model's rules."""


def build_warehouse(db_path: Path, full: bool = False) -> sqlrunner.Build:
    """Create or replace every derived object (idempotent), rebuilding the marts of the metrics
    whose claims changed (every metric when the SQL changed, or when full is asked)."""
    with connect(db_path) as con:
        return sqlrunner.apply_layers(con, full=full)


def run_checks(db_path: Path, as_of: date) -> list[dict[str, Any]]:
    """Every check finding as known on as_of, most severe first."""
    with connect(db_path, read_only=True) as con:
        return sqlrunner.fetch_dicts(con, "queries/brief_findings", [as_of])


def enforce_blocking(findings: list[dict[str, Any]]) -> None:
    """Raise when any finding is an error: the brief must not print broken figures."""
    errors = [f["message"] for f in findings if f["severity"] == "error"]
    if errors:
        listing = "\n  - ".join(errors)
        raise BlockingCheckError(
            f"{len(errors)} figure(s) break the warehouse's rules:\n  - {listing}\n"
            "No brief was rendered. Correct the release(s) named above and run again."
        )
