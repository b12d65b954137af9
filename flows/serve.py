"""`barometer serve`: the weekly schedule, served by a long-running process.

`serve_with_local_server(load_settings(), interval_seconds)` starts (when PREFECT_API_URL is not
set) a local `prefect server start`, registers the `weekly-brief` deployment of
`barometer-brief` on it — cron in an explicit time zone, at most one run at a time — and serves
it until SIGTERM or Ctrl-C, then stops the server. See docs/scheduling.md.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from flows.prefect_server import LocalPrefectServer

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment

    from flows.settings import Settings

DEPLOYMENT_NAME = "weekly-brief"
FLOW_NAME = "barometer-brief"

# The server's telemetry races its SQLite database at start-up; this tool reports nothing.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def deployment_parameters(settings: Settings) -> dict[str, Any]:
    """The flow's parameters for a scheduled run, as `barometer run` passes them (no as_of:
    each run reports what is known on its own day). Paths are absolute strings."""
    params: dict[str, Any] = {
        "warehouse_path": str(settings.warehouse_path.resolve()),
        "out_dir": str(settings.briefs_dir.resolve()),
        "seeds_dir": str(settings.seeds_dir.resolve()),
        "sources_path": str(settings.sources_path.resolve()),
        "inbox_dir": str(settings.inbox_dir.resolve()),
        "snapshot_path": str(settings.snapshot_path.resolve()),
        "author": settings.brief_author,
        "table_rows": settings.brief_table_rows,
    }
    if settings.raw_dir is not None:
        params["raw_dir"] = str(settings.raw_dir.resolve())
    return params


def build_deployment(
    cron: str,
    timezone: str,
    parameters: dict[str, Any] | None = None,
    interval_seconds: float | None = None,
) -> RunnerDeployment:
    """The `weekly-brief` deployment: `cron` in `timezone` (or every `interval_seconds`, to try
    it out), one run at a time, and a run that would overlap a running one is cancelled."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron, Interval

    from flows.pipeline import barometer_brief

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
            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW),
        description="The weekly barometer brief (barometer serve).",
        # flows.pipeline:barometer_brief, not a file path: runs work from any directory.
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


def serve_forever(deployment: RunnerDeployment, api_url: str | None = None) -> None:
    """Register `deployment` and run its scheduled runs, one at a time, until SIGTERM/SIGINT.

    On a clean stop Prefect pauses the deployment's schedule and deletes its not-yet-started
    scheduled runs; the next `serve` resumes it and schedules only future times. After a crash,
    runs missed meanwhile are still scheduled: all but the newest are cancelled first
    (flows/missed_runs.py), so one catch-up run happens, not a pile."""
    from prefect import serve

    from flows.missed_runs import skip_missed_runs

    # A second Ctrl-C during the shutdown lands here rather than in a traceback.
    with _api_url(api_url), contextlib.suppress(KeyboardInterrupt):
        missed = skip_missed_runs(FLOW_NAME, deployment.name)
        if missed.cancelled:
            print(f"{len(missed.cancelled)} missed run(s) skipped; catching up once with "
                  f"{missed.kept}", flush=True)
        serve(deployment, limit=1, pause_on_shutdown=True)


def serve_with_local_server(settings: Settings, interval_seconds: float | None = None) -> None:
    """`barometer serve`: the settings' schedule (or every `interval_seconds`), served against
    PREFECT_API_URL when set, else against a local `prefect server start` (PREFECT_HOME, or
    ~/.prefect) that lives as long as this call. Returns after SIGTERM or Ctrl-C."""
    deployment = build_deployment(
        settings.schedule_cron, settings.schedule_timezone,
        parameters=deployment_parameters(settings), interval_seconds=interval_seconds)
    if os.environ.get("PREFECT_API_URL"):
        serve_forever(deployment, None)
        return
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    server = LocalPrefectServer(prefect_home=home)
    # Until Prefect's runner installs its own handler, SIGTERM must still stop the server.
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    print(f"starting prefect server on {server.api_url} (log: {server.log_path})", flush=True)
    try:
        server.start()
        server.wait_healthy(timeout=180)
        print(f"prefect server ready: UI/API at {server.api_url}", flush=True)
        serve_forever(deployment, server.api_url)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut this short
        print("stopping prefect server", flush=True)
        server.stop()
        signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
