"""`barometer serve` for real: a `prefect server start`, a served deployment on a 5-second
interval, one scheduled run to Completed and a PDF, then a clean stop of both processes.

Runs in subprocesses on purpose: the session's prefect_test_harness (tests/e2e/conftest.py)
must not leak its settings into the server or the runner, so this test does not use it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from flows.prefect_server import LocalPrefectServer, group_alive
from tests.conftest import copy_seeds

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SERVE = (
    "from flows.serve import serve_with_local_server; "
    "from flows.settings import load_settings; "
    "serve_with_local_server(load_settings(), interval_seconds=5)"
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped) counts as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _deployment_runs(api_url: str) -> list[dict]:
    body = {"deployments": {"name": {"any_": ["weekly-brief"]}}, "sort": "EXPECTED_START_TIME_ASC"}
    response = httpx.post(f"{api_url}/flow_runs/filter", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def _tail(path: Path, lines: int = 60) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def test_served_schedule_runs_the_flow_and_stops_cleanly(tmp_path: Path) -> None:
    started = time.monotonic()
    briefs = tmp_path / "briefs"
    registry = tmp_path / "sources.toml"
    registry.write_text('contact = "x"\n', encoding="utf-8")  # no sources: no network
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BAROMETER_"))}
    server = LocalPrefectServer(prefect_home=tmp_path / "prefect-home")
    env.update(
        PREFECT_HOME=str(tmp_path / "serve-home"),
        PREFECT_API_URL=server.api_url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_RUNNER_POLL_FREQUENCY="2",
        BAROMETER_WAREHOUSE_PATH=str(tmp_path / "w.duckdb"),
        BAROMETER_BRIEFS_DIR=str(briefs),
        BAROMETER_SEEDS_DIR=str(copy_seeds(tmp_path / "seeds")),
        BAROMETER_SOURCES_PATH=str(registry),
        BAROMETER_INBOX_DIR=str(tmp_path / "inbox"),
        BAROMETER_SNAPSHOT_PATH=str(tmp_path / "snapshot" / "barometer.duckdb"),
    )
    serve_log = tmp_path / "serve.log"
    serve: subprocess.Popen | None = None
    server_pid = None
    try:
        server.start()
        server_pid = server.process.pid
        server.wait_healthy(timeout=120)
        with open(serve_log, "wb") as log:
            serve = subprocess.Popen(
                [sys.executable, "-c", SERVE], cwd=tmp_path, env=env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)

        deadline = time.monotonic() + 150
        completed = None
        runs: list[dict] = []
        while completed is None:
            assert serve.poll() is None, f"serve exited early:\n{_tail(serve_log)}"
            assert time.monotonic() < deadline, (
                f"no Completed run in 150 s; runs: "
                f"{[(r['name'], r['state_name']) for r in runs]}\n{_tail(serve_log)}")
            runs = _deployment_runs(server.api_url)
            failed = [r for r in runs if r["state_type"] in ("FAILED", "CRASHED")]
            assert not failed, f"{failed[0]['state']}\n{_tail(serve_log)}"
            completed = next((r for r in runs if r["state_type"] == "COMPLETED"), None)
            time.sleep(1)

        assert completed["state_name"] == "Completed"
        assert completed["auto_scheduled"] is True
        assert completed["parameters"]["out_dir"] == str(briefs)
        assert list(briefs.glob("*-brief.pdf")), list(briefs.iterdir())
        # One run at a time: never two of the deployment's runs running together.
        assert sum(r["state_type"] == "RUNNING" for r in _deployment_runs(server.api_url)) <= 1

        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 0, _tail(serve_log)
        # Nor does a flow-run process outlive it (the runner cancels or finishes in-flight runs).
        gone_by = time.monotonic() + 15
        while group_alive(serve.pid) and time.monotonic() < gone_by:
            time.sleep(0.5)
        assert not group_alive(serve.pid), "a process of the serve group outlived it"
        deployment = httpx.get(
            f"{server.api_url}/deployments/name/barometer-brief/weekly-brief", timeout=10).json()
        # A clean stop pauses the schedule: nothing piles up while nobody serves.
        assert deployment["paused"] is True
    finally:
        if serve is not None:
            if group_alive(serve.pid):
                os.killpg(serve.pid, signal.SIGKILL)
            if serve.poll() is None:
                serve.wait(timeout=10)
        server.stop()
        print(f"test_schedule e2e: {time.monotonic() - started:.1f} s")
    assert not _alive(serve.pid)
    assert server_pid is not None and not _alive(server_pid)
    assert not server.is_running()
