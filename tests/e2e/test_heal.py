"""Self-healing against a real Prefect server: a run whose recorded process is gone is marked
Crashed and its concurrency slot freed; a live one is left alone; a slot no run holds is given
back; a run stuck Pending is crashed after `stuck_after`."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from flows.orchestration.heal import (
    LABEL_HOST,
    LABEL_PROCESS,
    heal,
    process_alive,
    process_token,
    run_labels,
)
from flows.orchestration.serve import FLOW_NAME, build_deployment, deployment_parameters
from flows.settings import Settings

pytestmark = pytest.mark.e2e

NAME = "heal-test"  # not weekly-brief: other modules may share this session's server


def _dead_token() -> str:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    token = process_token(child.pid)
    child.kill()
    child.wait(timeout=10)
    return token


def test_a_process_token_tells_a_live_process_from_a_gone_one() -> None:
    assert process_alive(process_token())
    assert not process_alive(_dead_token())
    boot, pid, ticks = process_token().split(":")
    assert not process_alive(f"another-boot:{pid}:{ticks}")  # the machine restarted since
    assert not process_alive(f"{boot}:{pid}:{int(ticks) + 1}")  # a reused PID is not ours
    assert run_labels()[LABEL_HOST] == socket.gethostname()


@pytest.fixture
def deployment(prefect_server):
    from prefect.client.orchestration import get_client

    runner_deployment = build_deployment("0 8 * * 1", "Asia/Shanghai",
                                         parameters=deployment_parameters(Settings()))
    runner_deployment.name = NAME
    deployment_id = runner_deployment.apply()
    with get_client(sync_client=True) as client:
        yield client, deployment_id, client.read_deployment(deployment_id)
        for run in client.read_flow_runs():
            if run.deployment_id == deployment_id:
                client.delete_flow_run(run.id)


def _slots(client, deployment) -> int:
    return client.read_global_concurrency_limit_by_name(
        deployment.global_concurrency_limit.name).active_slots


def test_a_run_whose_process_is_gone_is_crashed_and_its_slot_freed(deployment) -> None:
    from prefect.states import Pending, Running

    client, deployment_id, info = deployment
    stuck = client.create_flow_run_from_deployment(deployment_id, name="killed-mid-run")
    assert client.set_flow_run_state(stuck.id, Pending()).status.value == "ACCEPT"
    client.set_flow_run_state(stuck.id, Running())
    assert _slots(client, info) == 1  # the run holds the deployment's only slot
    client.update_flow_run_labels(stuck.id, {LABEL_HOST: socket.gethostname(),
                                             LABEL_PROCESS: _dead_token()})
    alive = client.create_flow_run_from_deployment(deployment_id, name="still-running")
    client.set_flow_run_state(alive.id, Running(), force=True)
    client.update_flow_run_labels(alive.id, run_labels())
    elsewhere = client.create_flow_run_from_deployment(deployment_id, name="other-machine")
    client.set_flow_run_state(elsewhere.id, Running(), force=True)
    client.update_flow_run_labels(elsewhere.id, {LABEL_HOST: "another-host",
                                                 LABEL_PROCESS: _dead_token()})

    healed = heal(FLOW_NAME, NAME)

    assert [name for name, _ in healed.crashed] == ["killed-mid-run"]
    state = client.read_flow_run(stuck.id).state
    assert state.is_crashed()
    assert "its process" in state.message and "is gone" in state.message
    assert _slots(client, info) == 0  # Prefect released it with the Crashed state
    assert client.read_flow_run(alive.id).state.is_running()
    assert client.read_flow_run(elsewhere.id).state.is_running()  # heartbeats' job, not ours
    assert heal(FLOW_NAME, NAME).lines() == []  # nothing more to do


def test_a_slot_no_run_holds_is_given_back(deployment) -> None:
    from prefect.client.schemas.actions import GlobalConcurrencyLimitUpdate

    client, _, info = deployment
    # As after a server restart: the lease (kept in the server's memory) is gone, the count not.
    client.update_global_concurrency_limit(info.global_concurrency_limit.name,
                                           GlobalConcurrencyLimitUpdate(active_slots=1))
    healed = heal(FLOW_NAME, NAME)
    assert healed.slots_freed == 1
    assert healed.lines() == ["freed 1 concurrency slot(s) that no active run held"]
    assert _slots(client, info) == 0


def test_a_run_stuck_pending_is_crashed_after_the_grace_time(deployment) -> None:
    from prefect.states import Pending

    client, deployment_id, info = deployment
    run = client.create_flow_run_from_deployment(deployment_id, name="never-started")
    client.set_flow_run_state(run.id, Pending())
    assert heal(FLOW_NAME, NAME, stuck_after=600).crashed == []
    later = datetime.now(UTC) + timedelta(seconds=700)
    healed = heal(FLOW_NAME, NAME, stuck_after=600, now=later)
    assert [name for name, _ in healed.crashed] == ["never-started"]
    assert "Pending for" in client.read_flow_run(run.id).state.message
    assert _slots(client, info) == 0
