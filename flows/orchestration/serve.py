"""`barometer serve`: the weekly schedule, served by a long-running process.

`serve_with_local_server(load_settings(), interval_seconds)` uses PREFECT_API_URL when set;
otherwise it reuses a Prefect server answering on 127.0.0.1:BAROMETER_PREFECT_PORT (4200), or
starts one there with the UI on. It writes prefect.yaml, heals runs whose process is gone
(flows/orchestration/heal.py), registers the `weekly-brief` deployment of `barometer-brief` —
cron in an explicit time zone, one run at a time — and serves it until SIGTERM or Ctrl-C. When
the server stops answering for BAROMETER_SERVER_GRACE seconds, serve exits with status 3 so that its
supervisor restarts it. See docs/scheduling.md.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from flows.orchestration.heal import DEPLOYMENT_NAME, FLOW_NAME
from flows.orchestration.prefect_server import (
    LocalPrefectServer,
    PrefectServerError,
    answers,
    local_api_url,
    port_taken,
)

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

    from flows.settings import Settings

SERVER_GONE_EXIT = 3  # serve's exit status when the Prefect server stopped answering

# The server's telemetry races its SQLite database at start-up; this tool reports nothing.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def deployment_parameters(settings: Settings) -> dict[str, Any]:
    """The flow's parameters for a scheduled run: its settings, as `barometer run` makes them,
    in JSON (absolute paths as strings). No as_of: each run reports what is known on its own
    day; a manual run holding the warehouse is waited for up to scheduled_run_wait seconds."""
    from flows.settings import RunSettings

    run = RunSettings.from_settings(settings, lock_wait_seconds=settings.scheduled_run_wait)
    return {"settings": run.model_dump(mode="json", exclude_none=True)}


def build_deployment(
    cron: str,
    timezone: str,
    parameters: dict[str, Any] | None = None,
    interval_seconds: float | None = None,
) -> RunnerDeployment:
    """The `weekly-brief` deployment: `cron` in `timezone` (or every `interval_seconds`, to try
    it out), one run at a time: a run that finds the slot taken waits for it (ENQUEUE)."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron, Interval

    from flows.orchestration.pipeline import barometer_brief

    if interval_seconds is not None:
        if interval_seconds <= 0:
            raise ValueError(f"interval must be positive, got {interval_seconds}")
        schedule = Interval(timedelta(seconds=interval_seconds), timezone=timezone)
    else:
        schedule = Cron(cron, timezone=timezone)
    return barometer_brief.to_deployment(
        name=DEPLOYMENT_NAME,
        schedules=[schedule],
        parameters=dict(parameters or {}),
        concurrency_limit=ConcurrencyLimitConfig(
            limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE),
        description="The weekly barometer brief (barometer serve).",
        # flows.orchestration.pipeline:barometer_brief, not a file path: runs work from any
        # directory.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def next_run_times(cron: str, timezone: str, after: datetime, count: int) -> list[datetime]:
    """The next `count` times strictly after `after` (an aware datetime) at which the
    scheduler would create runs — computed by the schedule class Prefect's server uses."""
    from prefect.server.schemas.schedules import CronSchedule
    from prefect.utilities.asyncutils import run_coro_as_sync

    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    schedule = CronSchedule(cron=cron, timezone=timezone)
    dates = run_coro_as_sync(schedule.get_dates(n=count + 1, start=after)) or []
    zone = ZoneInfo(timezone)
    return [datetime.fromtimestamp(d.timestamp(), zone) for d in dates if d > after][:count]


@contextlib.contextmanager
def _api_url(api_url: str | None) -> Iterator[None]:
    """Point this process (and the flow-run processes the runner starts) at `api_url`."""
    if api_url is None:
        yield
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = api_url
    try:
        with temporary_settings({PREFECT_API_URL: api_url}):
            yield
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous


def prepare(deployment_name: str = DEPLOYMENT_NAME) -> None:
    """Before serving: crash runs whose process is gone, free slots no run holds, skip missed
    runs but the newest, and make sure Prefect's zombie automation exists."""
    from flows.orchestration.heal import heal, set_up_zombie_detection
    from flows.orchestration.missed_runs import skip_missed_runs

    for line in heal(FLOW_NAME, deployment_name).lines():
        print(line, flush=True)
    missed = skip_missed_runs(FLOW_NAME, deployment_name)
    if missed.cancelled:
        print(f"{len(missed.cancelled)} missed run(s) skipped; catching up once with "
              f"{missed.kept}", flush=True)
    set_up_zombie_detection()


class ConcurrencyWarning(logging.Filter):
    """Prefect's runner logs a run refused for the deployment's concurrency limit at INFO
    ("Aborted submission …"): raise it to WARNING and say what happens next."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Aborted submission"):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = (f"{record.getMessage()} — the deployment's concurrency slot is taken "
                          "(Deployment concurrency limit reached); the run waits for it. If no "
                          "run is in progress, barometer's self-healing frees it within "
                          "BAROMETER_HEAL_INTERVAL seconds (`barometer status` shows it).")
            record.args = ()
        return True


RUNNER_LOGGER = "prefect.runner.state_proposer"  # where the runner logs "Aborted submission"


class Watchdog(threading.Thread):
    """Beside the runner: heals every `heal_interval` s, and ends the process (status 3) when
    the Prefect server has not answered for `grace` s, so that a supervisor restarts the pair
    instead of a serve that idles without a server."""

    def __init__(self, api_url: str, heal_interval: float, grace: float,
                 on_server_gone: Any, deployment_name: str = DEPLOYMENT_NAME) -> None:
        super().__init__(name="barometer-watchdog", daemon=True)
        self.api_url = api_url
        self.heal_interval = heal_interval
        self.grace = grace
        self.on_server_gone = on_server_gone
        self.deployment_name = deployment_name
        self.stopping = threading.Event()

    def run(self) -> None:
        from flows.orchestration.heal import report_heal

        last_answer = time.monotonic()
        next_heal = time.monotonic() + self.heal_interval
        while not self.stopping.wait(min(2.0, self.heal_interval)):
            now = time.monotonic()
            if answers(self.api_url):
                last_answer = now
            elif now - last_answer > self.grace:
                self.on_server_gone(now - last_answer)
                return
            if now >= next_heal:
                next_heal = now + self.heal_interval
                report_heal(deployment_name=self.deployment_name)


def _children(pid: int) -> list[int]:
    """The direct children of `pid` (Linux /proc)."""
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            kids += [int(k) for k in (task / "children").read_text().split()]
    return kids


def kill_flow_processes() -> None:
    """SIGKILL the flow-run processes this serve started (they cannot report to a dead
    server), with their process groups."""
    for child in _children(os.getpid()):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            pgid = os.getpgid(child)
            if pgid != os.getpgid(0):
                os.killpg(pgid, signal.SIGKILL)
            else:
                os.kill(child, signal.SIGKILL)


def serve_forever(deployment: RunnerDeployment, api_url: str, heal_interval: float = 30.0,
                  grace: float = 30.0, on_server_gone: Any = None) -> None:
    """Register `deployment` and run its scheduled runs, one at a time, until SIGTERM/SIGINT.

    Before serving it heals and skips missed runs (prepare); meanwhile a watchdog heals every
    `heal_interval` s and calls `on_server_gone` when the server stops answering. On a clean
    stop Prefect pauses the deployment's schedule and deletes its not-yet-started runs."""
    from prefect import serve

    def server_gone(silent: float) -> None:
        # A new line first: Prefect's own output may have left one unfinished.
        print(f"\nerror: the Prefect server at {api_url} has not answered for {silent:.0f} s; "
              f"barometer serve exits with status {SERVER_GONE_EXIT} so that its supervisor "
              "(systemd Restart=on-failure) restarts it: run `barometer serve` again",
              file=sys.stderr, flush=True)
        if on_server_gone is not None:
            on_server_gone()
        kill_flow_processes()
        os._exit(SERVER_GONE_EXIT)  # the runner would otherwise idle, or hang pausing

    os.environ.setdefault("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "30")  # inherited by runs
    logging.getLogger(RUNNER_LOGGER).addFilter(ConcurrencyWarning())
    watchdog = Watchdog(api_url, heal_interval, grace, server_gone, deployment.name)
    # A second Ctrl-C during the shutdown lands here rather than in a traceback.
    with _api_url(api_url), contextlib.suppress(KeyboardInterrupt):
        prepare(deployment.name)
        watchdog.start()
        try:
            serve(deployment, limit=1, pause_on_shutdown=True)
        finally:
            watchdog.stopping.set()


def serve_with_local_server(settings: Settings, interval_seconds: float | None = None) -> None:
    """`barometer serve`: the settings' schedule (or every `interval_seconds`), served against
    PREFECT_API_URL when set, else against the Prefect server on 127.0.0.1:prefect_port —
    reused when one answers there, else started (UI on, PREFECT_HOME or ~/.prefect) for as
    long as this call. Returns after SIGTERM or Ctrl-C; exits 3 when the server dies."""
    from flows.orchestration.deploy_config import write_prefect_yaml

    parameters = deployment_parameters(settings)
    deployment = build_deployment(
        settings.schedule_cron, settings.schedule_timezone,
        parameters=parameters, interval_seconds=interval_seconds)
    # In the current folder: the project folder in a checkout, never an installed package's.
    written = write_prefect_yaml(Path.cwd() / "prefect.yaml", parameters, settings.schedule_cron,
                                 settings.schedule_timezone, settings.work_pool)
    print(f"wrote {written} (for `prefect deploy` on a process work pool)", flush=True)
    timing = {"heal_interval": settings.heal_interval, "grace": settings.server_grace}
    if os.environ.get("PREFECT_API_URL"):
        serve_forever(deployment, os.environ["PREFECT_API_URL"], **timing)
        return
    api_url = local_api_url(settings.prefect_port)
    if answers(api_url):
        print(f"reusing the prefect server at {api_url} (UI: {api_url[:-4]})", flush=True)
        serve_forever(deployment, api_url, **timing)
        return
    if port_taken(settings.prefect_port):
        raise PrefectServerError(
            f"port {settings.prefect_port} is taken by something that is not a Prefect server; "
            "free it, or set BAROMETER_PREFECT_PORT to another port")
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    server = LocalPrefectServer(prefect_home=home, port=settings.prefect_port, ui=True)
    # Until Prefect's runner installs its own handler, SIGTERM must still stop the server.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        server.start()
        print(f"starting prefect server (pid {server.process.pid}) on {server.api_url} "
              f"(log: {server.log_path})", flush=True)
        server.wait_healthy(timeout=180)
        print(f"prefect server ready: UI at {server.api_url[:-4]}, API at {server.api_url}",
              flush=True)
        serve_forever(deployment, server.api_url, on_server_gone=server.stop, **timing)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut this short
        print("stopping prefect server", flush=True)
        server.stop()
        signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
