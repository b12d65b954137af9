"""The Prefect API a one-off `barometer run` reports to.

PREFECT_API_URL when set; else the local server `barometer serve` keeps on 127.0.0.1 (its runs
and this one then show together in the UI); else a temporary server for this process only.
Prefect's own temporary server outlives a run killed with -9 (about 190 MB, for minutes);
this one is stopped by the kernel when the run's process dies, however it dies.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from flows.prefect_server import LocalPrefectServer, answers, local_api_url

# The services a temporary server runs: Prefect's ephemeral set, not the scheduler's.
EPHEMERAL_ENV = {"PREFECT__SERVER_EPHEMERAL": "1"}


@contextlib.contextmanager
def run_api(prefect_port: int) -> Iterator[str]:
    """Yield the API URL a run reports to, starting a temporary server when none answers."""
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
