"""What `barometer status` reports: is it working?

From Prefect's REST API (httpx, not Prefect's client: importing Prefect alone costs more than a
second): whether the server answers, whether a runner or worker polls the deployment, the next
scheduled run, the last finished runs and runs refused or waiting for the concurrency slot.
From the analysts' snapshot (read-only): each run's brief, the sources that failed in the last
collection, the review queue and the findings. Nothing is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import httpx

from flows.orchestration.heal import ACTIVE_STATES, DEPLOYMENT_NAME, FLOW_NAME
from flows.orchestration.prefect_server import local_api_url
from flows.paths import LATEST_NAME
from flows.warehouse import sqlrunner

FINISHED_STATES = ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"]
POLLED_WITHIN = 90.0  # seconds: a runner or worker polls every few seconds while it is up


def api_url(port: int) -> str:
    """PREFECT_API_URL when set, else the local server `barometer serve` starts or reuses."""
    return os.environ.get("PREFECT_API_URL") or local_api_url(port)


@dataclass
class Status:
    """The state of the tracker, gathered without writing anything."""

    api_url: str = ""
    server_up: bool = False
    server_error: str | None = None
    deployment: dict[str, Any] | None = None
    polled_seconds_ago: float | None = None
    next_run: dict[str, Any] | None = None
    finished: list[dict[str, Any]] = field(default_factory=list)
    active: list[dict[str, Any]] = field(default_factory=list)
    waiting_for_slot: list[dict[str, Any]] = field(default_factory=list)
    briefs: list[dict[str, Any]] = field(default_factory=list)
    failed_sources: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, Any] | None = None
    latest_brief: Path | None = None
    snapshot: Path | None = None
    snapshot_at: datetime | None = None

    @property
    def serving(self) -> bool:
        """A runner (`barometer serve`) or worker polled the deployment lately."""
        return self.polled_seconds_ago is not None and self.polled_seconds_ago < POLLED_WITHIN


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _run(raw: dict[str, Any]) -> dict[str, Any]:
    state = raw.get("state") or {}
    return {"id": raw["id"], "name": raw["name"], "state": raw.get("state_name") or "?",
            "type": raw.get("state_type"), "message": state.get("message") or "",
            "start": _time(raw.get("start_time")), "end": _time(raw.get("end_time")),
            "expected": _time(raw.get("expected_start_time")),
            "duration_s": raw.get("total_run_time") or 0.0,
            "scheduled": raw.get("deployment_id") is not None, "brief": None}


class _Api:
    def __init__(self, url: str, client: httpx.Client) -> None:
        self.url, self.client = url.rstrip("/"), client

    def runs(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        body = {"flows": {"name": {"any_": [FLOW_NAME]}}, **body}
        response = self.client.post(f"{self.url}/flow_runs/filter", json=body)
        response.raise_for_status()
        return [_run(r) for r in response.json()]


def read_prefect(status: Status, limit: int, now: datetime) -> None:
    """Fill in what Prefect's API knows; leave server_up False, with why, when it is down."""
    with httpx.Client(timeout=3.0) as client:
        try:
            client.get(f"{status.api_url}/health").raise_for_status()
        except httpx.HTTPError as exc:
            status.server_error = f"no Prefect server answers at {status.api_url} ({exc})"
            return
        status.server_up = True
        api = _Api(status.api_url, client)
        response = client.get(f"{api.url}/deployments/name/{FLOW_NAME}/{DEPLOYMENT_NAME}")
        if response.status_code == 200:
            status.deployment = response.json()
            polled = _time(status.deployment.get("last_polled"))
            status.polled_seconds_ago = (now - polled).total_seconds() if polled else None
        status.finished = api.runs({"flow_runs": {"state": {"type": {"any_": FINISHED_STATES}}},
                                    "sort": "END_TIME_DESC", "limit": limit})
        status.active = api.runs({"flow_runs": {"state": {"type": {"any_": list(ACTIVE_STATES)}}},
                                  "sort": "START_TIME_DESC", "limit": limit})
        status.waiting_for_slot = api.runs(
            {"flow_runs": {"state": {"name": {"any_": ["AwaitingConcurrencySlot"]}}},
             "sort": "EXPECTED_START_TIME_ASC", "limit": limit})
        upcoming = api.runs({"deployments": {"name": {"any_": [DEPLOYMENT_NAME]}},
                             "flow_runs": {"state": {"name": {"any_": ["Scheduled", "Late"]}}},
                             "sort": "EXPECTED_START_TIME_ASC", "limit": 1})
        status.next_run = upcoming[0] if upcoming else None


def read_snapshot(status: Status, snapshot: Path, limit: int, today: date) -> None:
    """Fill in the briefs, failed sources, review queue and findings from the snapshot."""
    if not snapshot.is_file():
        return
    status.snapshot = snapshot
    status.snapshot_at = datetime.fromtimestamp(snapshot.stat().st_mtime, UTC)
    with duckdb.connect(str(snapshot), read_only=True) as con:
        status.briefs = sqlrunner.fetch_dicts(con, "queries/status_briefs", [max(limit, 50)])
        status.failed_sources = sqlrunner.fetch_dicts(con, "queries/status_failed_sources")
        status.counts = sqlrunner.fetch_dicts(con, "queries/status_counts", [today])[0]
    by_run = {b["flow_run_id"]: b["pdf_path"] for b in status.briefs if b["flow_run_id"]}
    for run in status.finished:
        run["brief"] = by_run.get(run["id"])
    status.briefs = status.briefs[:limit]


def gather_status(snapshot: Path, briefs_dir: Path, port: int = 4200, with_runs: bool = True,
                  limit: int = 5, now: datetime | None = None) -> Status:
    """Everything `barometer status` prints (Prefect's part unless with_runs is off)."""
    now = now or datetime.now(UTC)
    status = Status(api_url=api_url(port))
    if with_runs:
        read_prefect(status, limit, now)
    latest = briefs_dir / LATEST_NAME
    status.latest_brief = latest if latest.is_file() else None
    read_snapshot(status, snapshot, limit, now.date())
    return status
