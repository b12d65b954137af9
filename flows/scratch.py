"""Scratch folders of a run (the brief's CSV files, the loader's bulk files) and their clean-up.

A folder is named after the process that made it, `barometer-brief-<pid>-…`, so one left behind
by a run killed with -9 can be told from one a live run is using: the next run removes the
folders whose process is gone.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

KINDS = ("brief", "load")
_NAME = re.compile(r"^barometer-(?:" + "|".join(KINDS) + r")-(?P<pid>\d+)-")


def scratch_folder(kind: str) -> tempfile.TemporaryDirectory:
    """A temporary folder for this process, removed when closed (or by a later run)."""
    if kind not in KINDS:
        raise ValueError(f"scratch kind must be one of {KINDS}, got {kind!r}")
    return tempfile.TemporaryDirectory(prefix=f"barometer-{kind}-{os.getpid()}-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_orphaned_scratch(folder: Path | None = None) -> list[Path]:
    """Remove the scratch folders whose process is gone; return them."""
    folder = folder or Path(tempfile.gettempdir())
    removed = []
    for path in folder.glob("barometer-*-*-*"):
        found = _NAME.match(path.name)
        if found and path.is_dir() and not path.is_symlink() and not _alive(int(found["pid"])):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
