"""How long `barometer status` takes, with a Prefect server running and without one.

    python -m bench.status [--repeats 7] [--runs 20]

Starts a `prefect server start` on a free loopback port (its own PREFECT_HOME in a temporary
folder), registers the weekly deployment, records `--runs` finished runs of the flow (they are
created and moved to Completed through the API, not executed: status only reads them), then
times the whole command — a new Python process each time, as a user types it — against that
server and against a port where nothing listens. Prints the median, min and max.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flows.orchestration.prefect_server import LocalPrefectServer, free_port
from flows.paths import ROOT


def _time_status(env: dict[str, str], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "flows.cli", "status"], env=env,
                                cwd=ROOT, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"barometer status failed:\n{result.stderr}")
    return times


def _record_runs(api_url: str, count: int) -> None:
    code = (
        "import sys\n"
        "from prefect.client.orchestration import get_client\n"
        "from prefect.states import Completed, Running\n"
        "from flows.orchestration.serve import build_deployment, deployment_parameters\n"
        "from flows.settings import Settings\n"
        "d = build_deployment('0 8 * * 1', 'Asia/Shanghai', "
        "parameters=deployment_parameters(Settings())).apply()\n"
        "with get_client(sync_client=True) as c:\n"
        f"    for n in range({count}):\n"
        "        r = c.create_flow_run_from_deployment(d, name=f'bench-{n}')\n"
        "        c.set_flow_run_state(r.id, Running(), force=True)\n"
        "        c.set_flow_run_state(r.id, Completed(), force=True)\n")
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "PREFECT_API_URL": api_url},
                   cwd=ROOT, check=True)


def _line(label: str, times: list[float]) -> str:
    return (f"{label}: median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}, {len(times)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--runs", type=int, default=20, help="finished runs on the server")
    args = parser.parse_args()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BAROMETER_"))}
    with tempfile.TemporaryDirectory(prefix="barometer-bench-status-") as scratch:
        base["BAROMETER_SNAPSHOT_PATH"] = str(Path(scratch) / "none.duckdb")
        down = _time_status({**base, "BAROMETER_PREFECT_PORT": str(free_port())}, args.repeats)
        with LocalPrefectServer(prefect_home=Path(scratch) / "home") as server:
            _record_runs(server.api_url, args.runs)
            up = _time_status({**base, "PREFECT_API_URL": server.api_url}, args.repeats)
    print(_line(f"barometer status, server up ({args.runs} finished runs)", up))
    print(_line("barometer status, no server", down))


if __name__ == "__main__":
    main()
