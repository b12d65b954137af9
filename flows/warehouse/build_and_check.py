"""Build the SQL layers over the stored claims, and run the checks as known on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flows.warehouse import sqlrunner
from flows.warehouse.db import connect


class BlockingCheckError(RuntimeError):
    """A blocking check found figures that break the model's rules."""


def build_warehouse(db_path: Path, full: bool = False) -> sqlrunner.Build:
    """Create or replace every derived object (idempotent), rebuilding the marts of the metrics
    whose claims changed (every metric when the SQL changed, or when full is asked)."""
    with connect(db_path) as con:
        return sqlrunner.apply_layers(con, full=full)


@dataclass(frozen=True)
class CheckResult:
    """What the checks found on a date: every error and warning, and how many notes."""

    findings: list[dict[str, Any]]  # errors and warnings, most severe first
    notes: int  # findings of severity info: the brief lists them all in findings.csv


def run_checks(db_path: Path, as_of: date) -> CheckResult:
    """The checks' errors and warnings as known on as_of, most severe first, and the number of
    notes (fetching tens of thousands of notes cost more than the build that made them)."""
    with connect(db_path, read_only=True) as con:
        return CheckResult(
            sqlrunner.fetch_dicts(con, "queries/run_findings", [as_of]),
            sqlrunner.fetch_dicts(con, "queries/run_note_count", [as_of])[0]["notes"])


def enforce_blocking(checks: CheckResult) -> None:
    """Raise when any finding is an error: the brief must not print broken figures."""
    errors = [f["message"] for f in checks.findings if f["severity"] == "error"]
    if errors:
        listing = "\n  - ".join(errors)
        raise BlockingCheckError(
            f"{len(errors)} figure(s) break the warehouse's rules:\n  - {listing}\n"
            "No brief was rendered. Correct the release(s) named above and run again."
        )
