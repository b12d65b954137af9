"""A schedule that heals itself: runs whose process is gone are marked Crashed, slots freed.

A run killed with the process that ran it (Ctrl-C at the wrong moment, kill -9, a power loss)
stays Running in Prefect's database and keeps the deployment's only concurrency slot; every later
run then waits for a slot that never comes. What Prefect 3.9 offers, and what this adds:

- **Concurrency leases** (Prefect's): the slot is held by a lease the flow process renews; when
  nobody renews it for `PREFECT_SERVER_CONCURRENCY_INITIAL_DEPLOYMENT_LEASE_DURATION` (300 s),
  the server's repossessor frees the slot. But leases live in the server's memory by default:
  when the server restarts, the slot stays taken with no lease left to expire. And the run itself
  stays Running.
- **Heartbeats and zombie detection** (Prefect's): a flow run sends a heartbeat event every
  `PREFECT_FLOWS_HEARTBEAT_FREQUENCY` seconds (30 at least); the automation that
  `ensure_zombie_automation` creates marks a run Crashed when three heartbeats are missed, on any
  machine. Marking Crashed goes through Prefect's orchestration, which releases the slot.
- **The process check** (this module's own): each run records, as labels, the host and process
  it runs in (`claim_run`, the flow's first step). `heal` marks Crashed every Running, Pending or
  Cancelling run of the deployment whose recorded process is gone from this host: in seconds,
  not minutes, and after a server restart too. Runs stuck Pending or Cancelling longer than
  `stuck_after` are marked Crashed as well.
- **Slot drift** (this module's own): if the deployment's concurrency limit counts more active
  slots than it has active runs (a lease lost with a server restart), the count is set back.

`barometer serve` heals before serving and every `BAROMETER_HEAL_INTERVAL` seconds; so does
`barometer worker`; each run heals at its start; `barometer heal` does it once by hand.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

FLOW_NAME = "barometer-brief"
DEPLOYMENT_NAME = "weekly-brief"
LABEL_HOST = "barometer.host"
LABEL_PROCESS = "barometer.process"  # "<boot id>:<pid>:<start time in clock ticks>"
ACTIVE_STATES = ("RUNNING", "PENDING", "CANCELLING")
ZOMBIE_AUTOMATION = "barometer: crash runs that stopped sending heartbeats"


@dataclass
class Healed:
    """What one pass of `heal` did."""

    crashed: list[tuple[str, str]] = field(default_factory=list)  # (run name, why)
    slots_freed: int = 0

    def lines(self) -> list[str]:
        """One line per action, for logs and the console."""
        out = [f"marked run {name} Crashed: {why}" for name, why in self.crashed]
        if self.slots_freed:
            out.append(f"freed {self.slots_freed} concurrency slot(s) that no active run held")
        return out


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "unknown-boot"


def _start_ticks(pid: int) -> str | None:
    """The process's start time since boot (/proc/PID/stat field 22); None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
    return None if fields[0] == "Z" else fields[19]


def process_token(pid: int | None = None) -> str:
    """Names a process so that a later check cannot mistake another one (a reused PID, a
    reboot) for it."""
    pid = pid or os.getpid()
    return f"{_boot_id()}:{pid}:{_start_ticks(pid) or '?'}"


def process_alive(token: str) -> bool:
    """True when the process a `process_token` named still runs on this machine."""
    boot, _, rest = token.partition(":")
    pid_text, _, ticks = rest.partition(":")
    if boot != _boot_id() or not pid_text.isdigit():
        return False  # the machine restarted since, or the token is not one of ours
    current = _start_ticks(int(pid_text))
    return current is not None and (ticks == "?" or current == ticks)


def run_labels() -> dict[str, str]:
    """The labels a run records about the process that runs it."""
    return {LABEL_HOST: socket.gethostname(), LABEL_PROCESS: process_token()}


def why_dead(run: Any, host: str, now: datetime, stuck_after: float) -> str | None:
    """Why `run` (a flow run in an active state) has no process left, or None if it may live.

    Only runs that recorded this host are judged by their process; runs of other machines are
    left to heartbeats (the zombie automation), except when stuck Pending or Cancelling."""
    labels = dict(getattr(run, "labels", None) or {})
    state = run.state
    if labels.get(LABEL_HOST) == host and LABEL_PROCESS in labels:
        if not process_alive(labels[LABEL_PROCESS]):
            pid = labels[LABEL_PROCESS].split(":")[1]
            return (f"its process {pid} on {host} is gone (stopped mid-run, killed or the "
                    "machine restarted); marked by barometer's self-healing")
        return None
    if state is None or state.type.value not in ("PENDING", "CANCELLING"):
        return None
    age = (now - state.timestamp).total_seconds()
    if age > stuck_after:
        return (f"{state.type.value.title()} for {age:.0f} s with no process reporting "
                "(its runner or worker died before the run started); marked by barometer's "
                "self-healing")
    return None


def deployment_runs(client: Any, flow_name: str, deployment_name: str, flow_run_filter: Any,
                    **kwargs: Any) -> list[Any]:
    """The runs of the deployment `flow_name/deployment_name` that `flow_run_filter` keeps
    (kwargs: read_flow_runs' sort, limit)."""
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterName,
        FlowFilter,
        FlowFilterName,
    )

    return client.read_flow_runs(
        flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])),
        deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[deployment_name])),
        flow_run_filter=flow_run_filter, **kwargs)


def heal(flow_name: str = FLOW_NAME, deployment_name: str = DEPLOYMENT_NAME, *,
         exclude: UUID | str | None = None, stuck_after: float = 600.0,
         now: datetime | None = None) -> Healed:
    """Mark the deployment's runs whose process is gone Crashed, and free slots no run holds.

    Talks to the server of the current PREFECT_API_URL setting; a deployment not registered
    yet has nothing to heal. `exclude`: the calling run itself."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.exceptions import ObjectNotFound
    from prefect.states import Crashed

    active = FlowRunFilter(state=FlowRunFilterState(
        type=FlowRunFilterStateType(any_=[StateType(s) for s in ACTIVE_STATES])))

    healed = Healed()
    host = socket.gethostname()
    when = now or datetime.now(UTC)
    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name(f"{flow_name}/{deployment_name}")
        except ObjectNotFound:
            return healed

        def active_runs() -> list[Any]:
            return deployment_runs(client, flow_name, deployment_name, active)

        for run in active_runs():
            if exclude is not None and str(run.id) == str(exclude):
                continue
            reason = why_dead(run, host, when, stuck_after)
            if reason is not None:
                # force: no rule may refuse it; Prefect's orchestration still frees the slot.
                client.set_flow_run_state(run.id, Crashed(message=reason), force=True)
                healed.crashed.append((run.name, reason))
        healed.slots_freed = _fix_slot_drift(client, deployment, lambda: len(active_runs()))
    return healed


def _fix_slot_drift(client: Any, deployment: Any, count_active: Any) -> int:
    """Give back the deployment's concurrency slots that no active run holds (a lease lost with
    a server restart leaves such a slot); return how many.

    The limit is read *before* the active runs are counted, and the surplus is released as a
    relative decrement: a run that takes the slot meanwhile is counted, not undone."""
    limit = getattr(deployment, "global_concurrency_limit", None)
    if limit is None:
        return 0
    taken = client.read_global_concurrency_limit_by_name(limit.name).active_slots
    extra = taken - count_active()
    if extra <= 0:
        return 0
    client.release_concurrency_slots([limit.name], extra, occupancy_seconds=1.0)  # must be > 0
    return extra


def report_heal(prefix: str = "", deployment_name: str = DEPLOYMENT_NAME) -> None:
    """One healing pass for a long-running process (serve, worker), what it did printed; a
    failure (the server restarting, say) is printed too, and the next pass tries again."""
    try:
        lines = heal(FLOW_NAME, deployment_name).lines()
    except Exception as exc:
        lines = [f"warning: self-healing failed this time ({exc})"]
    for line in lines:
        print(f"{prefix}{line}", flush=True)


def set_up_zombie_detection(prefix: str = "") -> None:
    """Create Prefect's zombie automation if it is missing, and say so; if it cannot be
    created, say that instead: this machine's runs are still healed by their process check."""
    try:
        created = ensure_zombie_automation()
    except Exception as exc:
        print(f"{prefix}warning: could not create the zombie-run automation ({exc}); runs of "
              "this machine are still healed by their process check", flush=True)
        return
    if created:
        print(f"{prefix}created Prefect's zombie-run automation (runs without heartbeats are "
              "marked Crashed)", flush=True)


def claim_run(logger: Any = None) -> None:
    """The flow's first step: record this process on the run (labels), then heal the others.

    Outside a deployment run (a plain `barometer run`) only the labels are written. Problems
    talking to the API are logged, never fatal: the brief matters more than the bookkeeping."""
    from prefect.client.orchestration import get_client
    from prefect.runtime import deployment, flow_run

    run_id = flow_run.get_id()
    if run_id is None:
        return
    try:
        with get_client(sync_client=True) as client:
            client.update_flow_run_labels(UUID(str(run_id)), run_labels())
        if deployment.id is not None:
            for line in heal(exclude=run_id).lines():
                if logger is not None:
                    logger.warning("%s", line)
    except Exception as exc:  # bookkeeping must not fail the brief
        if logger is not None:
            logger.warning("self-healing skipped: %s", exc)


def ensure_zombie_automation(heartbeat_seconds: int = 30, missed: int = 3) -> bool:
    """Create (once) Prefect's zombie-run automation for this flow's deployment runs: a run whose
    heartbeats stop for `missed` × `heartbeat_seconds` is marked Crashed. True when created."""
    from datetime import timedelta

    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    try:
        Automation.read(name=ZOMBIE_AUTOMATION)
        return False
    except ValueError:
        pass
    Automation(
        name=ZOMBIE_AUTOMATION,
        description="Marks barometer runs Crashed when their heartbeats stop "
                    "(flows/orchestration/heal.py).",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={"prefect.flow-run.heartbeat", "prefect.flow-run.Completed",
                    "prefect.flow-run.Failed", "prefect.flow-run.Cancelled",
                    "prefect.flow-run.Crashed"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            match_related=ResourceSpecification({"prefect.resource.role": "flow",
                                                 "prefect.resource.name": FLOW_NAME}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=heartbeat_seconds * missed),
        ),
        actions=[ChangeFlowRunState(
            state=StateType.CRASHED,
            message=(f"No heartbeat for {heartbeat_seconds * missed} s: its process or machine "
                     "is gone (Prefect's zombie detection, set up by barometer)."))],
    ).create()
    return True
