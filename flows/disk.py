"""Writing files a reader must never see half-written, and a full disk as one line.

Such a file is written under a hidden name beside its place, then renamed into it. A full disk
names the file: `No space left on device` alone says neither where nor what to do, and DuckDB
words it differently again (often as a failed CHECKPOINT)."""

from __future__ import annotations

import contextlib
import errno
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb

_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_FULL_WORDS = ("No space left on device", "Disk quota exceeded")


class DiskFull(OSError):
    """Writing a file failed for want of space; the message names it and what to do."""

    def __str__(self) -> str:
        return str(self.strerror)  # the sentence alone, without OSError's "[Errno 28]"


def partial_path(target: Path) -> Path:
    """Where a file is written before it is renamed to target: hidden, beside it."""
    return target.with_name(f".{target.name}.partial")


def _free_space(path: Path) -> str:
    folder = next((p for p in (path, *path.parents) if p.exists()), Path("/"))
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return "unknown"
    return f"{free / 1e6:.1f} MB" if free >= 1e5 else f"{free} bytes"


def is_disk_full(exc: BaseException) -> bool:
    """Whether an error (or one it was raised from) is a full disk or an exceeded quota."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in _FULL_ERRNOS:
            return True
        if isinstance(seen, duckdb.Error | OSError) and any(w in str(seen) for w in _FULL_WORDS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def disk_full_error(path: Path) -> DiskFull:
    """The one-line error for a full disk while writing path."""
    return DiskFull(
        errno.ENOSPC,
        f"the disk is full: writing {path} failed ({_free_space(path)} free there). Free "
        "some space and run again; the previous brief and snapshot are unchanged")


@contextlib.contextmanager
def disk_full_names(path: Path) -> Iterator[None]:
    """Turn a full disk while writing path into DiskFull naming it; other errors pass."""
    try:
        yield
    except DiskFull:
        raise
    except Exception as exc:
        if is_disk_full(exc):
            raise disk_full_error(path) from None
        raise
