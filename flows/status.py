"""What `barometer status` reports: the last runs in Prefect, the briefs, the snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from flows import sqlrunner
from flows.render import LATEST_NAME

FLOW_NAME = "barometer-brief"


@dataclass
class Status:
    """The state of the tracker, gathered without writing anything."""

    runs: list[dict[str, Any]] = field(default_factory=list)
    runs_error: str | None = None
    briefs: list[dict[str, Any]] = field(default_factory=list)
    latest_brief: Path | None = None
    snapshot: Path | None = None
    snapshot_at: datetime | None = None


def recent_runs(limit: int = 5) -> list[dict[str, Any]]:
    """The newest runs of the flow known to the Prefect API (PREFECT_API_URL, or the local one)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[FLOW_NAME])),
            sort=FlowRunSort.START_TIME_DESC, limit=limit)
    return [{"name": r.name, "state": r.state.name if r.state else "?",
             "start": r.start_time, "duration_s": r.total_run_time.total_seconds(),
             "deployment": r.deployment_id is not None} for r in runs]


def gather_status(snapshot: Path, briefs_dir: Path, with_runs: bool = True,
                  limit: int = 5) -> Status:
    """Read the snapshot and the briefs folder (and Prefect's runs unless with_runs is off)."""
    status = Status()
    if with_runs:
        try:
            status.runs = recent_runs(limit)
        except Exception as exc:  # the API may be down: the rest of the status still helps
            status.runs_error = f"Prefect's API did not answer ({exc})"
    latest = briefs_dir / LATEST_NAME
    status.latest_brief = latest if latest.is_file() else None
    if snapshot.is_file():
        status.snapshot = snapshot
        status.snapshot_at = datetime.fromtimestamp(snapshot.stat().st_mtime, UTC)
        with duckdb.connect(str(snapshot), read_only=True) as con:
            status.briefs = sqlrunner.fetch_dicts(con, "queries/status_briefs", [limit])
    return status
