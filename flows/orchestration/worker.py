"""`barometer worker`: a Prefect process worker for the deployment, with self-healing beside it.

It runs `prefect worker start --pool POOL --type process --limit 1` as a child and, every
BAROMETER_HEAL_INTERVAL seconds, heals (flows/orchestration/heal.py): a run of this machine whose
process is gone — its worker was killed with it — is marked Crashed and its concurrency slot
freed, so the next run starts. SIGTERM or Ctrl-C stops the worker (Prefect's own shutdown), then
this process; if the worker exits by itself, so does this, with its status, for systemd to restart.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading

from flows.orchestration.heal import report_heal, set_up_zombie_detection

PREFIX = "barometer worker: "


def worker_command(pool: str, limit: int = 1, name: str | None = None) -> list[str]:
    """The `prefect worker start` command line this wrapper runs."""
    command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool,
               "--type", "process", "--limit", str(limit)]
    return command + (["--name", name] if name else [])


def heal_loop(stop: threading.Event, interval: float) -> None:
    """Heal every `interval` s until `stop` is set; print what was done."""
    while not stop.wait(interval):
        report_heal(PREFIX)


def run_worker(pool: str, heal_interval: float, name: str | None = None) -> int:
    """Run the worker until it exits or this process is stopped; return its exit status."""
    set_up_zombie_detection(PREFIX)
    process = subprocess.Popen(worker_command(pool, name=name))
    stop = threading.Event()
    healer = threading.Thread(target=heal_loop, args=(stop, heal_interval), daemon=True,
                              name="barometer-heal")
    healer.start()

    def forward(signum: int, frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return process.wait()
    finally:
        stop.set()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
