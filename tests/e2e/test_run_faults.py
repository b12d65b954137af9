"""Faults around a whole run: two runs at once, a run killed with -9, a lock held elsewhere.

The runs are real `barometer run` processes (or the real flow) with a real Prefect server; the
killed run's temporary server is the one `barometer run` starts itself.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.orchestration.pipeline import barometer_brief
from flows.orchestration.prefect_server import answers, free_port, local_api_url
from flows.paths import LATEST_NAME
from flows.settings import RunSettings
from tests.conftest import copy_seeds, environ_without_settings, slow_source_registry
from tests.unit.test_run_lock import held_elsewhere

pytestmark = pytest.mark.e2e

RUN = [sys.executable, "-m", "flows.cli", "run"]


def run_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A `barometer run`'s environment with every path under tmp_path."""
    return {**environ_without_settings(),
            "BAROMETER_WAREHOUSE_PATH": str(tmp_path / "w.duckdb"),
            "BAROMETER_BRIEFS_DIR": str(tmp_path / "briefs"),
            "BAROMETER_SEEDS_DIR": str(copy_seeds(tmp_path / "seeds")),
            "BAROMETER_INBOX_DIR": str(tmp_path / "inbox"),
            "BAROMETER_SNAPSHOT_PATH": str(tmp_path / "snapshot" / "barometer.duckdb"),
            **extra}


def briefs_recorded(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [r[0] for r in con.execute("select pdf_path from core.briefs").fetchall()]


def test_two_runs_started_together_one_completes_the_other_says_why(
        prefect_server, tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    env = run_env(tmp_path, PREFECT_API_URL=PREFECT_API_URL.value())
    runs = [subprocess.Popen([*RUN, "--no-collect"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 75], results
    (_, out, _), = [r for r in results if r[0] == 0]
    (_, _, refused), = [r for r in results if r[0] == 75]
    assert refused.startswith("error: another run is in progress (started ")
    assert len(refused.strip().splitlines()) == 1 and "Traceback" not in refused
    pdf = Path(out.strip())
    assert pdf.name == f"{date.today().isoformat()}-brief.pdf"
    assert briefs_recorded(tmp_path / "w.duckdb") == [str(pdf)]
    assert sorted(p.name for p in (tmp_path / "briefs").iterdir()) == [
        pdf.with_suffix(".html").name, pdf.name, "latest-brief.html", LATEST_NAME]
    with duckdb.connect(str(tmp_path / "snapshot" / "barometer.duckdb"), read_only=True) as con:
        assert con.execute("select pdf_path from core.briefs").fetchall() == [(str(pdf),)]


def test_a_scheduled_run_that_cannot_get_the_lock_fails_in_one_line_and_writes_nothing(
        prefect_server, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with held_elsewhere(warehouse) as holder:  # a manual run, in another process
        state = barometer_brief(RunSettings(
            warehouse_path=warehouse, out_dir=tmp_path / "briefs",
            seeds_dir=copy_seeds(tmp_path / "seeds"), lock_wait_seconds=0.5),
            return_state=True)
    assert state.is_failed()
    assert state.message.startswith("another run is in progress (started ")
    assert f"PID {holder.pid}" in state.message and "after waiting 0.5 s" in state.message
    assert not warehouse.exists() and not (tmp_path / "briefs").exists()


def _children(pid: int) -> list[int]:
    """The PIDs of a process's children, from /proc."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead, not yet reaped


def test_a_run_killed_with_minus_9_leaves_no_server_behind(tmp_path: Path, loopback) -> None:
    """`barometer run` without PREFECT_API_URL starts its own temporary server; kill -9 the run
    mid-collection: the server goes with it. (That the next run completes after a kill -9, and
    clears the killed run's scratch folders, is tested in test_snapshot and test_scratch.)"""
    port = free_port()  # nothing answers there: the run starts a temporary server
    env = run_env(tmp_path, PREFECT_HOME=str(tmp_path / "prefect"),
                  BAROMETER_PREFECT_PORT=str(port),
                  BAROMETER_SOURCES_PATH=str(slow_source_registry(
                      loopback, tmp_path / "sources.toml", delay=120)))
    run = subprocess.Popen(RUN, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while not loopback.requests_to("/news.html") and time.monotonic() < deadline:
            assert run.poll() is None, "the run ended before collecting"
            time.sleep(0.2)
        assert loopback.requests_to("/news.html"), "the run never started collecting"
        servers = _children(run.pid)
        assert len(servers) == 1, servers  # the temporary Prefect server, alive
        cmdline = Path(f"/proc/{servers[0]}/cmdline").read_bytes().split(b"\0")
        assert b"prefect" in cmdline and b"start" in cmdline, cmdline
        assert answers(local_api_url(int(cmdline[cmdline.index(b"--port") + 1])))
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _alive(servers[0]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(servers[0]), "the temporary Prefect server outlived its run"
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
