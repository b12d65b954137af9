"""After a crash, missed scheduled runs do not pile up: only the newest one is caught up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from flows.orchestration.missed_runs import SKIPPED_MESSAGE, skip_missed_runs
from flows.orchestration.serve import (
    DEPLOYMENT_NAME,
    FLOW_NAME,
    build_deployment,
    deployment_parameters,
)
from flows.settings import Settings

pytestmark = pytest.mark.e2e


def test_only_the_newest_missed_run_survives(prefect_server) -> None:
    from prefect.client.orchestration import get_client
    from prefect.states import Scheduled

    deployment = build_deployment("0 8 * * 1", "Asia/Shanghai",
                                  parameters=deployment_parameters(Settings()))
    deployment_id = deployment.apply()
    now = datetime.now(UTC)
    due = {  # three Mondays missed while serve was down, and next Monday's run
        "missed-3-weeks": now - timedelta(days=21),
        "missed-2-weeks": now - timedelta(days=14),
        "missed-last-week": now - timedelta(days=7),
        "next-week": now + timedelta(days=7),
    }
    with get_client(sync_client=True) as client:
        ids = {name: client.create_flow_run_from_deployment(
                   deployment_id, name=name, state=Scheduled(scheduled_time=when)).id
               for name, when in due.items()}

        result = skip_missed_runs(FLOW_NAME, DEPLOYMENT_NAME, now=now)

        assert result.kept == "missed-last-week"
        assert sorted(result.cancelled) == ["missed-2-weeks", "missed-3-weeks"]
        states = {name: client.read_flow_run(run_id).state for name, run_id in ids.items()}
    assert states["missed-3-weeks"].is_cancelled()
    assert states["missed-2-weeks"].is_cancelled()
    assert states["missed-3-weeks"].message == SKIPPED_MESSAGE
    assert states["missed-last-week"].is_scheduled()
    assert states["next-week"].is_scheduled()
    # Run again (a second restart): nothing more to skip, the catch-up run is kept.
    again = skip_missed_runs(FLOW_NAME, DEPLOYMENT_NAME, now=now)
    assert (again.kept, again.cancelled) == ("missed-last-week", [])
