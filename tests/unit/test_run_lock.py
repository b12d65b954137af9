"""The run lock: one run per warehouse; a second one waits a bounded time or says who runs."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.orchestration.run_lock import RunLocked, lock_path_of, run_lock

HOLD = """
import sys, time
from collections.abc import Iterator
from pathlib import Path
from flows.orchestration.run_lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_in_child(warehouse: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the warehouse's run lock for `seconds`, once it said so."""
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(warehouse), str(seconds)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    return child


@contextlib.contextmanager
def held_elsewhere(warehouse: Path) -> Iterator[subprocess.Popen[str]]:
    """The run lock held by another process for as long as the block lasts."""
    child = hold_in_child(warehouse, 300)
    try:
        yield child
    finally:
        child.kill()
        child.wait()


def test_a_second_run_is_refused_at_once_naming_the_first(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with held_elsewhere(warehouse) as child, pytest.raises(RunLocked) as refused, \
            run_lock(warehouse):
        pytest.fail("the lock was taken twice")
    message = str(refused.value)
    assert message.startswith("another run is in progress (started ")
    assert f"PID {child.pid} on " in message
    assert "this run changed nothing" in message and "\n" not in message


def test_a_second_run_waits_for_the_first_within_its_bound(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    child = hold_in_child(warehouse, 1.0)
    try:
        with run_lock(warehouse, wait_seconds=60):  # taken once the child let it go
            assert f'"pid": {os.getpid()}' in lock_path_of(warehouse).read_text()
    finally:
        child.wait()
    with held_elsewhere(warehouse), pytest.raises(RunLocked, match=r"after waiting 0\.6 s"), \
            run_lock(warehouse, wait_seconds=0.6):
        pytest.fail("the lock was taken twice")


def test_a_run_killed_with_minus_9_leaves_no_lock(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    child = hold_in_child(warehouse, 300)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with run_lock(warehouse):  # the kernel dropped it with the process
        pass


def test_the_lock_is_re_entrant_in_one_process(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with run_lock(warehouse), run_lock(warehouse):  # the CLI takes it, then the flow
        child = subprocess.run([sys.executable, "-c", HOLD, str(warehouse), "0"],
                               capture_output=True, text=True, check=False)
        assert "RunLocked: another run is in progress" in child.stderr  # still held
    assert lock_path_of(warehouse).read_text() == ""  # no stale holder once released
    hold_in_child(warehouse, 0).wait()  # and free for the next run
