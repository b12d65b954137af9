"""Missed scheduled runs do not pile up: before serving, keep only the newest one.

Prefect's scheduler creates a deployment's runs ahead of time. When `barometer serve` dies
without a clean stop (SIGKILL, OOM, power loss), those runs stay in the server's database; on
restart every one whose time has passed is Late and the runner would execute them all, one
brief per missed Monday. Prefect 3.9 has no "no catch-up" option, so `serve` calls
skip_missed_runs first: the newest missed run still runs (the analysts get one brief with
today's data), every older one is set to Cancelled with a message saying why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flows.orchestration.heal import deployment_runs

SKIPPED_MESSAGE = (
    "Skipped: missed while barometer serve was down. Only the newest missed run is caught up, "
    "so missed runs do not pile up; run `barometer run` for a brief of an earlier date "
    "(--as-of)."
)


@dataclass(frozen=True)
class MissedRuns:
    """What skip_missed_runs found: the run kept for catch-up and the ones cancelled."""

    kept: str | None
    cancelled: list[str]


def skip_missed_runs(flow_name: str, deployment_name: str,
                     now: datetime | None = None) -> MissedRuns:
    """Cancel every scheduled run of the deployment that was due before `now` except the newest.

    Talks to the server of the current PREFECT_API_URL setting. A deployment not registered yet
    has no runs: nothing to do."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterExpectedStartTime,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.states import Cancelled

    due_before = now or datetime.now(UTC)
    with get_client(sync_client=True) as client:
        missed = deployment_runs(
            client, flow_name, deployment_name, FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])),
                expected_start_time=FlowRunFilterExpectedStartTime(before_=due_before),
            ),
            sort=FlowRunSort.EXPECTED_START_TIME_DESC,
        )
        if not missed:
            return MissedRuns(kept=None, cancelled=[])
        newest, older = missed[0], missed[1:]
        for run in older:
            client.set_flow_run_state(run.id, Cancelled(message=SKIPPED_MESSAGE), force=True)
    return MissedRuns(kept=newest.name, cancelled=[run.name for run in older])
