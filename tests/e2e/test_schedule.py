"""`barometer serve` for real, interrupted as in life: a `prefect server start` that serve
starts itself (fixed port, reused after a crash), a deployment on a 10-second interval whose
runs wait on a slow source, and three serve processes in a row:

1. serve A: a run starts; Ctrl-C (SIGINT to serve's process group, as a terminal sends it);
2. serve B: a run starts; kill -9 of serve's process group and of the run's process, as in a
   power loss of those processes; the server it started lives on, orphaned;
3. serve C reuses that server, heals the killed run (Crashed, slot freed) and the next
   scheduled run makes a brief — with no manual command. `barometer status` then shows the
   server, the serve, the next run and the last finished runs with their briefs.

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

from flows.heal import LABEL_PROCESS
from flows.prefect_server import free_port, group_alive
from tests.conftest import copy_seeds
from tests.loopback import LoopbackServer, Reply

pytestmark = pytest.mark.e2e

SERVE = [sys.executable, "-m", "flows.cli", "serve", "--interval", "10"]
SLOW = 6.0  # seconds the source takes to answer: each run is mid-collection for that long


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


def test_serve_survives_ctrl_c_and_kill_9_and_the_next_run_makes_a_brief(tmp_path: Path) -> None:
    started = time.monotonic()
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    briefs = tmp_path / "briefs"
    serves: list[Serve] = []
    server_pid: int | None = None
    with LoopbackServer() as site:
        site.route("/news.html", Reply.text("<html><body><p>今天没有数字。</p></body></html>",
                                             "text/html; charset=utf-8", delay=SLOW))
        registry = tmp_path / "sources.toml"
        registry.write_text(
            'contact = "https://example.org/barometer-tests"\n\n[[source]]\n'
            'id = "slow-site"\npublisher = "yiwu_customs"\nkind = "press-release"\n'
            f'url = "{site.url("/news.html")}"\ngeography = "Yiwu"\nattempts = 1\n',
            encoding="utf-8")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PREFECT_", "BAROMETER_"))}
        env.update(
            PREFECT_HOME=str(tmp_path / "prefect-home"),
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_RUNNER_POLL_FREQUENCY="2",
            BAROMETER_PREFECT_PORT=str(port),
            BAROMETER_HEAL_INTERVAL="3",
            BAROMETER_WAREHOUSE_PATH=str(tmp_path / "w.duckdb"),
            BAROMETER_BRIEFS_DIR=str(briefs),
            BAROMETER_SEEDS_DIR=str(copy_seeds(tmp_path / "seeds")),
            BAROMETER_SOURCES_PATH=str(registry),
            BAROMETER_INBOX_DIR=str(tmp_path / "inbox"),
            BAROMETER_SNAPSHOT_PATH=str(tmp_path / "snapshot" / "barometer.duckdb"),
        )
        try:
            # 1. Ctrl-C while a run is in flight.
            a = Serve(tmp_path, env, "a")
            serves.append(a)
            first = _wait_for("run in flight", lambda: _running_with_process(api, set()), a)
            os.killpg(a.proc.pid, signal.SIGINT)
            assert a.proc.wait(timeout=90) == 0, _tail(a.log)
            assert "starting prefect server" in a.text()

            # 2. kill -9 while a run is in flight; the server serve B started lives on.
            b = Serve(tmp_path, env, "b")
            serves.append(b)
            second = _wait_for("run in flight after the restart",
                               lambda: _running_with_process(api, {first["id"]}), b)
            server_pid = int(re.search(r"starting prefect server \(pid (\d+)\)",
                                       b.text()).group(1))
            flow_pid = int(second["labels"][LABEL_PROCESS].split(":")[1])
            os.killpg(b.proc.pid, signal.SIGKILL)
            if group_alive(flow_pid):  # the run's own process, if the runner gave it a group
                os.killpg(flow_pid, signal.SIGKILL)
            b.proc.wait(timeout=10)
            time.sleep(1)
            stuck = next(r for r in _runs(api) if r["id"] == second["id"])
            assert stuck["state_type"] == "RUNNING"  # what Prefect alone leaves behind

            # 3. A restart reuses the server, heals, and the next scheduled run makes a brief.
            before = set(briefs.glob("*-brief*.pdf"))
            c = Serve(tmp_path, env, "c")
            serves.append(c)
            done = _wait_for("completed run after the kill", lambda: next(
                (r for r in _runs(api) if r["state_type"] == "COMPLETED"
                 and r["id"] not in (first["id"], second["id"])), None), c)
            assert f"reusing the prefect server at {api}" in c.text()
            assert "starting prefect server" not in c.text()
            healed = next(r for r in _runs(api) if r["id"] == second["id"])
            assert healed["state_type"] == "CRASHED", healed["state"]
            assert "its process" in healed["state"]["message"]
            assert f"marked run {second['name']} Crashed" in c.text()
            new = set(briefs.glob("*-brief*.pdf")) - before
            assert new, sorted(p.name for p in briefs.iterdir())
            assert (briefs / "latest-brief.pdf").read_bytes() in {p.read_bytes() for p in new}

            # barometer status answers "is it working?"
            status_env = {**env, "PREFECT_API_URL": api, "COLUMNS": "250"}
            t0 = time.monotonic()
            shown = subprocess.run([sys.executable, "-m", "flows.cli", "status"],
                                   env=status_env, capture_output=True, text=True,
                                   timeout=60, check=False, cwd=tmp_path)
            print(f"barometer status took {time.monotonic() - t0:.2f} s")
            print(shown.stdout)
            out = " ".join(shown.stdout.split())
            assert shown.returncode == 0, shown.stderr
            assert f"server: up at {api}" in out
            assert "serve/worker: up" in out
            assert "next run: " in out and "next run: none" not in out
            assert done["name"] in out and "Crashed" in out
            assert str(briefs) in out  # the finished runs name their briefs

            c.proc.send_signal(signal.SIGTERM)
            assert c.proc.wait(timeout=60) == 0, _tail(c.log)
        finally:
            for serve in serves:
                serve.stop()
            if server_pid is not None and group_alive(server_pid):
                os.killpg(server_pid, signal.SIGTERM)
                deadline = time.monotonic() + 20
                while group_alive(server_pid) and time.monotonic() < deadline:
                    time.sleep(0.3)
                if group_alive(server_pid):
                    os.killpg(server_pid, signal.SIGKILL)
            print(f"test_schedule e2e: {time.monotonic() - started:.1f} s")
    assert server_pid is not None and not group_alive(server_pid)


def _registered(api: str) -> bool:
    try:
        return httpx.get(f"{api}/deployments/name/barometer-brief/weekly-brief",
                         timeout=5).status_code == 200
    except httpx.ConnectError:
        return False


def _server_pid(serve: Serve) -> int | None:
    found = re.search(r"starting prefect server \(pid (\d+)\)", serve.text())
    return int(found.group(1)) if found else None


def test_when_the_server_dies_serve_exits_non_zero_instead_of_idling(tmp_path: Path) -> None:
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BAROMETER_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"),
               PREFECT_SERVER_ANALYTICS_ENABLED="false",
               BAROMETER_PREFECT_PORT=str(port), BAROMETER_SERVER_GRACE="4",
               BAROMETER_WAREHOUSE_PATH=str(tmp_path / "w.duckdb"))
    serve = Serve(tmp_path, env, "dies", [*SERVE[:-1], "3600"])
    server_pid = None
    try:
        _wait_for("the deployment registered", lambda: _registered(api), serve)
        server_pid = _server_pid(serve)
        os.killpg(server_pid, signal.SIGKILL)  # the server dies under serve
        killed_at = time.monotonic()
        code = serve.proc.wait(timeout=60)
        took = time.monotonic() - killed_at
        print(f"serve exited {took:.1f} s after the server died")
        assert code == 3, serve.text()
        errors = [line for line in serve.text().splitlines() if line.startswith("error: ")]
        assert len(errors) == 1, serve.text()
        assert f"error: the Prefect server at {api} has not answered for " in errors[0]
        assert "restarts it" in errors[0]
        gone_by = time.monotonic() + 10
        while group_alive(serve.proc.pid) and time.monotonic() < gone_by:
            time.sleep(0.2)
        assert not group_alive(serve.proc.pid), "a process of serve outlived it"
    finally:
        serve.stop()
        if server_pid is not None and group_alive(server_pid):
            os.killpg(server_pid, signal.SIGKILL)
