"""One run at a time per warehouse: an advisory lock file beside the DuckDB file.

DuckDB lets one process hold the file while it writes, so two runs at once end with a raw lock
error in whichever touches the file second, possibly after it wrote its PDF. The lock is taken
before anything is read or written and held to the end of the run. It is an flock(2) lock: the
kernel drops it when its process dies, so a run killed with -9 never leaves it behind. The
file keeps who holds it (PID, host, start time) for the message the next run prints.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

POLL_SECONDS = 0.5
_held: dict[Path, int] = {}  # lock path -> depth: the CLI takes it, then the flow again


class RunLocked(RuntimeError):
    """Another run holds the warehouse's run lock; the message says who and what to do."""


def lock_path_of(warehouse_path: Path) -> Path:
    """The run lock of a warehouse: `<warehouse file>.lock` beside it."""
    return warehouse_path.with_name(warehouse_path.name + ".lock")


def _holder(handle: int) -> str:
    """Who holds the lock, as its file says: 'started 2026-11-30 08:00:01 UTC, PID 123 on h'."""
    try:
        info = json.loads(os.pread(handle, 4096, 0).decode("utf-8"))
        started = datetime.fromisoformat(info["started_at"]).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"started {started}, PID {info['pid']} on {info['host']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "started at an unknown time, PID unknown"


def _record_holder(handle: int) -> None:
    info = {"pid": os.getpid(), "host": socket.gethostname(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds")}
    os.ftruncate(handle, 0)
    os.pwrite(handle, json.dumps(info).encode("utf-8"), 0)


def _try_lock(handle: int) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def run_lock(warehouse_path: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the warehouse's run lock; wait up to wait_seconds for another run to finish, then
    raise RunLocked. Re-entrant within one process."""
    path = lock_path_of(warehouse_path).resolve()
    if path in _held:
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        give_up_at = time.monotonic() + max(wait_seconds, 0.0)
        while not _try_lock(handle):
            if time.monotonic() >= give_up_at:
                waited = f" after waiting {wait_seconds:g} s" if wait_seconds > 0 else ""
                raise RunLocked(
                    f"another run is in progress ({_holder(handle)}){waited}: this run changed "
                    "nothing. Wait for it to finish (`barometer status`) and run again")
            time.sleep(POLL_SECONDS)
        _record_holder(handle)
        _held[path] = 1
        try:
            yield
        finally:
            del _held[path]
            os.ftruncate(handle, 0)  # no stale holder once the run is over
    finally:
        os.close(handle)  # closing the last descriptor releases the flock
