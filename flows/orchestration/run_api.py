"""The Prefect API a one-off `barometer run` reports to.

PREFECT_API_URL when set; else the local server `barometer serve` keeps on 127.0.0.1 (its runs
and this one then show together in the UI); else a temporary server for this process only.
Prefect's own temporary server outlives a run killed with -9 (about 190 MB, for minutes);
this one is stopped by the kernel when the run's process dies, however it dies.

A one-off run sends no heartbeats unless PREFECT_FLOWS_HEARTBEAT_FREQUENCY is set. Heartbeats
let the zombie automation crash a deployment run whose process died and so free the deployment's
slot; a one-off run holds no slot, and the kernel releases its run lock. They cost it, though:
when a flow ends, Prefect waits for its heartbeat thread to finish a 1-second sleep (0.5 s on
average), and at Prefect's default of one per 180 s, serve's zombie automation (90 s without
one) marked a live one-off run Crashed once it had run 90 s.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from flows.orchestration.prefect_server import LocalPrefectServer, answers, local_api_url

# The services a temporary server runs: Prefect's ephemeral set, not the scheduler's.
EPHEMERAL_ENV = {"PREFECT__SERVER_EPHEMERAL": "1"}


@contextlib.contextmanager
def run_api(prefect_port: int) -> Iterator[str]:
    """Yield the API URL a one-off run reports to, starting a temporary server when none
    answers; the run sends no heartbeats unless they were asked for."""
    with _api_url(prefect_port) as url, one_off_heartbeats():
        yield url


@contextlib.contextmanager
def one_off_heartbeats() -> Iterator[None]:
    """No flow-run heartbeats inside, unless PREFECT_FLOWS_HEARTBEAT_FREQUENCY is set (in the
    environment or the Prefect profile): see the module's docstring."""
    from prefect.settings import (
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        get_current_settings,
        temporary_settings,
    )

    if "heartbeat_frequency" in get_current_settings().flows.model_fields_set:
        yield
        return
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@contextlib.contextmanager
def _api_url(prefect_port: int) -> Iterator[str]:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    configured = PREFECT_API_URL.value()  # the environment or the Prefect profile
    if configured:
        yield configured
        return
    local = local_api_url(prefect_port)
    if answers(local, timeout=1.0):
        with temporary_settings(updates={PREFECT_API_URL: local}):
            yield local
        return
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    server = LocalPrefectServer(log_path=home / "temporary-server.log", extra_env=EPHEMERAL_ENV,
                                dies_with_parent=True)
    with server, temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        try:
            yield server.api_url
        finally:
            _drain_to_api()  # the run's last log lines and events, before the server stops


def _drain_to_api(timeout: float = 10.0) -> None:
    """Send what Prefect's background workers still hold (logs, events) to the API."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=timeout, at_exit=False)
