"""The production path, for real: a Prefect server backed by PostgreSQL, a process work pool,
the deployment registered from the prefect.yaml barometer writes (`prefect deploy`), and two
`barometer worker` processes.

Three runs triggered at once run one at a time (concurrency limit 1, ENQUEUE), each makes a
brief, none is lost or doubled. Then the worker running a fourth run is killed with its run
(kill -9, as a machine dies): the other worker's self-healing marks that run Crashed, the slot
is freed and a fifth run completes.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from flows.orchestration.deploy_config import write_prefect_yaml
from flows.orchestration.heal import LABEL_PROCESS, ZOMBIE_AUTOMATION
from flows.orchestration.prefect_server import LocalPrefectServer, group_alive
from flows.orchestration.serve import deployment_parameters
from flows.paths import ROOT
from flows.settings import Settings
from tests.conftest import copy_seeds, environ_without_settings, slow_source_registry
from tests.loopback import LoopbackServer
from tests.postgres import Postgres

pytestmark = pytest.mark.e2e

POOL = "barometer-test"
SLOW = 6.0  # seconds the slow source takes: the fourth run is mid-collection that long


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() \
        else "(no log)"


class Api:
    def __init__(self, url: str) -> None:
        self.url = url
        self.client = httpx.Client(timeout=15)

    def runs(self) -> list[dict]:
        body = {"deployments": {"name": {"any_": ["weekly-brief"]}},
                "sort": "EXPECTED_START_TIME_ASC"}
        response = self.client.post(f"{self.url}/flow_runs/filter", json=body)
        response.raise_for_status()
        return [r for r in response.json() if not r["auto_scheduled"]]

    def trigger(self, deployment_id: str, parameters: dict | None = None) -> str:
        response = self.client.post(f"{self.url}/deployments/{deployment_id}/create_flow_run",
                                    json={"parameters": parameters or {}})
        response.raise_for_status()
        return response.json()["id"]

    def slots(self, deployment: dict) -> int:
        limit = deployment["global_concurrency_limit"]["name"]
        response = self.client.get(f"{self.url}/v2/concurrency_limits/{limit}")
        response.raise_for_status()
        return response.json()["active_slots"]


def _prefect(env: dict[str, str], *args: str, cwd: Path = ROOT) -> str:
    result = subprocess.run([sys.executable, "-m", "prefect", "--no-prompt", *args], env=env,
                            cwd=cwd, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, f"prefect {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _wait(what: str, check, logs: list[Path], timeout: float = 180.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {timeout:.0f} s\n"
                         + "\n".join(f"--- {p.name}\n{_tail(p)}" for p in logs))


def _ppid(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2:].split()[1])


def test_two_workers_on_a_postgres_backed_server(tmp_path: Path) -> None:
    started = time.monotonic()
    briefs = tmp_path / "briefs"
    fast = tmp_path / "sources.toml"
    fast.write_text('contact = "x"\n', encoding="utf-8")  # no sources: no network
    settings = Settings(
        warehouse_path=tmp_path / "w.duckdb", briefs_dir=briefs,
        seeds_dir=copy_seeds(tmp_path / "seeds"), sources_path=fast,
        inbox_dir=tmp_path / "inbox", snapshot_path=tmp_path / "snapshot" / "barometer.duckdb")
    parameters = deployment_parameters(settings)
    spec = write_prefect_yaml(tmp_path / "prefect.yaml", parameters,
                              "0 0 1 1 *", "Asia/Shanghai", POOL)
    base = environ_without_settings()
    workers: list[subprocess.Popen] = []
    logs: list[Path] = []
    with Postgres() as pg, LoopbackServer() as site:
        slow = slow_source_registry(site, tmp_path / "slow-sources.toml", SLOW)
        server = LocalPrefectServer(prefect_home=tmp_path / "server-home", extra_env={
            "PREFECT_API_DATABASE_CONNECTION_URL": pg.url,
            # A run refused for the slot tries again after 1 s, not the default 30 s.
            "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS": "1"})
        logs.append(server.log_path)
        try:
            server.start()
            server.wait_healthy(timeout=180)
            api = Api(server.api_url)
            print(f"{time.monotonic() - started:.1f} s: server up")
            env = {**base, "PREFECT_API_URL": server.api_url, "PREFECT_HOME": str(tmp_path / "cli"),
                   "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
            _prefect(env, "work-pool", "create", POOL, "--type", "process")
            _prefect(env, "deploy", "--all", "--prefect-file", str(spec))
            print(f"{time.monotonic() - started:.1f} s: deployed")
            deployment = api.client.get(
                f"{server.api_url}/deployments/name/barometer-brief/weekly-brief").json()
            assert deployment["global_concurrency_limit"]["limit"] == 1, deployment
            assert deployment["concurrency_options"]["collision_strategy"] == "ENQUEUE"
            assert deployment["work_pool_name"] == POOL

            for name in ("w1", "w2"):
                log = tmp_path / f"worker-{name}.log"
                logs.append(log)
                with open(log, "wb") as out:
                    workers.append(subprocess.Popen(
                        [sys.executable, "-m", "flows.cli", "worker", "--pool", POOL,
                         "--name", name],
                        env={**env, "PREFECT_HOME": str(tmp_path / f"home-{name}"),
                             "PREFECT_WORKER_QUERY_SECONDS": "1",
                             "BAROMETER_HEAL_INTERVAL": "2"},
                        cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=out,
                        stderr=subprocess.STDOUT, start_new_session=True))

            # Three runs at once: one at a time, each with its brief, none lost or doubled.
            ids = [api.trigger(deployment["id"]) for _ in range(3)]
            print(f"{time.monotonic() - started:.1f} s: triggered 3")
            most_running = 0

            def all_done():
                nonlocal most_running
                runs = [r for r in api.runs() if r["id"] in ids]
                most_running = max(most_running, sum(r["state_type"] == "RUNNING" for r in runs))
                bad = [r for r in runs if r["state_type"] in ("FAILED", "CRASHED", "CANCELLED")]
                assert not bad, (bad[0]["state"], "\n".join(_tail(p) for p in logs[1:]))
                return runs if all(r["state_type"] == "COMPLETED" for r in runs) else None

            done = _wait("three runs completed", all_done, logs)
            print(f"{time.monotonic() - started:.1f} s: 3 done")
            assert most_running == 1
            spans = sorted((r["start_time"], r["end_time"]) for r in done)
            assert all(later[0] >= earlier[1] for earlier, later in itertools.pairwise(spans))
            assert len(api.runs()) == 3  # nothing doubled
            with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
                recorded = con.execute("select flow_run_id, pdf_path from core.briefs").fetchall()
            assert sorted(r[0] for r in recorded) == sorted(ids)
            assert all(Path(p).is_file() for _, p in recorded)
            assert len(set(briefs.glob("20*-brief*.pdf"))) == 3
            assert api.slots(deployment) == 0

            # Kill the worker running a fourth run, with the run: the fifth still completes.
            fourth = api.trigger(deployment["id"], {"settings": {
                **parameters["settings"], "sources_path": str(slow)}})
            running = _wait("the fourth run in flight", lambda: next(
                (r for r in api.runs() if r["id"] == fourth and r["state_type"] == "RUNNING"
                 and LABEL_PROCESS in (r.get("labels") or {})), None), logs)
            flow_pid = int(running["labels"][LABEL_PROCESS].split(":")[1])
            ancestors = {flow_pid}
            pid = flow_pid
            while pid > 1:
                pid = _ppid(pid)
                ancestors.add(pid)
            victim = next(w for w in workers if w.pid in ancestors)
            survivor = next(w for w in workers if w is not victim)
            os.killpg(victim.pid, signal.SIGKILL)
            print(f"{time.monotonic() - started:.1f} s: killed")
            if group_alive(flow_pid):
                os.killpg(flow_pid, signal.SIGKILL)
            victim.wait(timeout=10)
            fifth = api.trigger(deployment["id"])

            _wait("the fifth run completed", lambda: next(
                (r for r in api.runs() if r["id"] == fifth and r["state_type"] == "COMPLETED"),
                None), logs)
            killed = next(r for r in api.runs() if r["id"] == fourth)
            print(f"{time.monotonic() - started:.1f} s: fifth done")
            assert killed["state_type"] == "CRASHED", killed["state"]
            assert "its process" in killed["state"]["message"]
            assert survivor.poll() is None
            # Prefect's own zombie detection is set up too, for machines that die whole.
            automations = api.client.post(f"{server.api_url}/automations/filter", json={})
            assert ZOMBIE_AUTOMATION in {a["name"] for a in automations.json()}
            assert api.slots(deployment) == 0
            assert len(api.runs()) == 5
        finally:
            for proc in workers:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in workers:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
            server.stop()
            print(f"postgres workers e2e: {time.monotonic() - started:.1f} s")
