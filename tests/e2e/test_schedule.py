"""`barometer serve` for real, interrupted as in life: a `prefect server start` that serve
starts itself (fixed port, UI on, reused after a crash), a deployment on a 5-second interval
whose runs wait on a slow source, and three serve processes in a row:

1. serve A starts the server; a run starts; kill -9 of serve's process group and of the run's
   process (a power loss of those processes); the server lives on, orphaned, and the run stays
   Running, holding the deployment's only concurrency slot;
2. serve B reuses that server, heals the killed run (Crashed, slot freed), and the next
   scheduled run makes a brief with no manual command; then Ctrl-C (SIGINT to serve's process
   group, as a terminal sends it) while another run is in flight: serve exits 0;
3. serve C reuses the server and its next scheduled run makes a brief. `barometer status`
   then shows the server, the serve, the next run and the last finished runs with their
   briefs. Last, the server is killed under serve C: C exits 3 instead of idling.

Runs in subprocesses: the session's prefect_test_harness must not leak into serve.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from flows.orchestration.heal import LABEL_PROCESS
from flows.orchestration.prefect_server import free_port, group_alive
from tests.conftest import copy_seeds, environ_without_settings, slow_source_registry
from tests.loopback import LoopbackServer

pytestmark = pytest.mark.e2e

SERVE = [sys.executable, "-m", "flows.cli", "serve", "--interval", "5"]
SLOW = 3.0  # seconds the source takes to answer: each run is mid-collection for that long


def _tail(path: Path, lines: int = 60) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() \
        else "(no log)"


def _runs(api: str) -> list[dict]:
    body = {"deployments": {"name": {"any_": ["weekly-brief"]}}, "sort": "START_TIME_DESC"}
    try:
        response = httpx.post(f"{api}/flow_runs/filter", json=body, timeout=10)
    except httpx.ConnectError:  # the server is not up yet
        return []
    response.raise_for_status()
    return response.json()


def _sigint_default() -> None:
    # A background child of a non-interactive shell ignores SIGINT: give Ctrl-C back.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Serve:
    """One `barometer serve` process in its own process group, its output in a log file."""

    def __init__(self, folder: Path, env: dict[str, str], name: str,
                 command: list[str] = SERVE) -> None:
        self.log = folder / f"serve-{name}.log"
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(command, cwd=folder, env=env, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True, preexec_fn=_sigint_default)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if group_alive(self.proc.pid):
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.wait(timeout=10)


def _wait_for(what: str, check, serve: Serve, timeout: float = 150.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert serve.proc.poll() is None, f"serve exited early:\n{_tail(serve.log)}"
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"no {what} within {timeout:.0f} s\n{_tail(serve.log)}")


def _running_with_process(api: str, exclude: set[str]):
    for run in _runs(api):
        if run["state_type"] == "RUNNING" and run["id"] not in exclude \
                and LABEL_PROCESS in (run.get("labels") or {}):
            return run
    return None


def _completed_since(api: str, known: set[str]):
    return next((r for r in _runs(api) if r["state_type"] == "COMPLETED"
                 and r["id"] not in known), None)


def _pdfs(briefs: Path) -> set[Path]:
    return set(briefs.glob("20*-brief*.pdf"))


def test_serve_survives_kill_9_and_ctrl_c_and_exits_when_its_server_dies(tmp_path: Path) -> None:
    started = time.monotonic()
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    briefs = tmp_path / "briefs"
    serves: list[Serve] = []
    server_pid: int | None = None
    with LoopbackServer() as site:
        registry = slow_source_registry(site, tmp_path / "sources.toml", SLOW)
        env = environ_without_settings()
        env.update(
            PREFECT_HOME=str(tmp_path / "prefect-home"),
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_RUNNER_POLL_FREQUENCY="2",
            BAROMETER_PREFECT_PORT=str(port),
            BAROMETER_HEAL_INTERVAL="3",
            BAROMETER_SERVER_GRACE="4",
            BAROMETER_WAREHOUSE_PATH=str(tmp_path / "w.duckdb"),
            BAROMETER_BRIEFS_DIR=str(briefs),
            BAROMETER_SEEDS_DIR=str(copy_seeds(tmp_path / "seeds")),
            BAROMETER_SOURCES_PATH=str(registry),
            BAROMETER_INBOX_DIR=str(tmp_path / "inbox"),
            BAROMETER_SNAPSHOT_PATH=str(tmp_path / "snapshot" / "barometer.duckdb"),
        )
        try:
            # 1. kill -9 while a run is in flight; the server serve A started lives on.
            a = Serve(tmp_path, env, "a")
            serves.append(a)
            first = _wait_for("run in flight", lambda: _running_with_process(api, set()), a)
            server_pid = _server_pid(a)
            assert server_pid is not None, a.text()
            ui = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)  # the UI is on
            assert ui.status_code == 200 and "<html" in ui.text.lower()
            flow_pid = int(first["labels"][LABEL_PROCESS].split(":")[1])
            os.killpg(a.proc.pid, signal.SIGKILL)
            if group_alive(flow_pid):  # the run's own process, if the runner gave it a group
                os.killpg(flow_pid, signal.SIGKILL)
            a.proc.wait(timeout=10)
            time.sleep(1)
            stuck = next(r for r in _runs(api) if r["id"] == first["id"])
            assert stuck["state_type"] == "RUNNING"  # what Prefect alone leaves behind

            # 2. A restart reuses the server, heals, and the next scheduled run makes a brief.
            b = Serve(tmp_path, env, "b")
            serves.append(b)
            done_b = _wait_for("completed run after the kill",
                               lambda: _completed_since(api, {first["id"]}), b)
            assert f"reusing the prefect server at {api}" in b.text()
            assert "starting prefect server" not in b.text()
            healed = next(r for r in _runs(api) if r["id"] == first["id"])
            assert healed["state_type"] == "CRASHED", healed["state"]
            assert "its process" in healed["state"]["message"]
            assert f"marked run {first['name']} Crashed" in b.text()
            assert len(_pdfs(briefs)) == 1
            # Ctrl-C while the next run is in flight.
            second = _wait_for("the next run in flight", lambda: _running_with_process(
                api, {first["id"], done_b["id"]}), b)
            os.killpg(b.proc.pid, signal.SIGINT)
            assert b.proc.wait(timeout=90) == 0, _tail(b.log)

            # 3. Restart after Ctrl-C: the next scheduled run makes a brief.
            c = Serve(tmp_path, env, "c")
            serves.append(c)
            known = {first["id"], done_b["id"], second["id"]}
            done_c = _wait_for("completed run after Ctrl-C",
                               lambda: _completed_since(api, known), c)
            interrupted = next(r for r in _runs(api) if r["id"] == second["id"])
            # Ended, not left Running: Cancelled by the runner, Crashed, or Failed when Ctrl-C
            # lands in a DuckDB query ("Query interrupted": DuckDB takes the SIGINT itself).
            assert interrupted["state_type"] in ("CANCELLED", "CRASHED", "FAILED"), \
                interrupted["state"]
            pdfs = _pdfs(briefs)
            assert len(pdfs) == 2, sorted(p.name for p in briefs.iterdir())
            assert (briefs / "latest-brief.pdf").read_bytes() in {p.read_bytes() for p in pdfs}

            # barometer status answers "is it working?"
            status_env = {**env, "PREFECT_API_URL": api, "COLUMNS": "250"}
            t0 = time.monotonic()
            shown = subprocess.run([sys.executable, "-m", "flows.cli", "status", "--limit", "20"],
                                   env=status_env, capture_output=True, text=True,
                                   timeout=60, check=False, cwd=tmp_path)
            print(f"barometer status took {time.monotonic() - t0:.2f} s (machine busy)")
            out = " ".join(shown.stdout.split())
            assert shown.returncode == 0, shown.stderr
            assert f"server: up at {api}" in out
            assert "serve/worker: up" in out
            assert "next run: " in out and "next run: none" not in out
            assert done_c["name"] in out and done_b["name"] in out and "Crashed" in out
            assert str(briefs) in out  # the finished runs name their briefs

            # The server dies under serve: serve exits 3, with one line, and leaves nothing.
            os.killpg(server_pid, signal.SIGKILL)
            code = c.proc.wait(timeout=60)
            assert code == 3, c.text()
            errors = [line for line in c.text().splitlines() if line.startswith("error: ")]
            assert len(errors) == 1, c.text()
            assert f"error: the Prefect server at {api} has not answered for " in errors[0]
            gone_by = time.monotonic() + 10
            while group_alive(c.proc.pid) and time.monotonic() < gone_by:
                time.sleep(0.2)
            assert not group_alive(c.proc.pid), "a process of serve outlived it"
        finally:
            for serve in serves:
                serve.stop()
            if server_pid is not None and group_alive(server_pid):
                os.killpg(server_pid, signal.SIGKILL)
            print(f"test_schedule e2e: {time.monotonic() - started:.1f} s")


def _server_pid(serve: Serve) -> int | None:
    found = re.search(r"starting prefect server \(pid (\d+)\)", serve.text())
    return int(found.group(1)) if found else None
