"""Scratch folders carry their process's PID; a run removes those whose process is gone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flows.brief.data import collect_brief
from flows.scratch import remove_orphaned_scratch, scratch_folder


def dead_pid() -> int:
    """The PID of a process that has exited."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    return int(child.stdout)


def test_only_the_folders_of_dead_processes_are_removed(tmp_path: Path) -> None:
    gone = dead_pid()
    orphans = [tmp_path / f"barometer-brief-{gone}-a1", tmp_path / f"barometer-load-{gone}-b2"]
    live = tmp_path / f"barometer-brief-{os.getpid()}-c3"
    other = tmp_path / f"someone-else-{gone}-d4"  # not ours: never touched
    link = tmp_path / f"barometer-load-{gone}-e5"  # a link is not a folder we made
    for folder in (*orphans, live, other):
        folder.mkdir()
        (folder / "figures.csv").write_text("x")
    link.symlink_to(other)
    assert sorted(remove_orphaned_scratch(tmp_path)) == sorted(orphans)
    assert live.is_dir() and other.is_dir() and link.is_symlink()
    assert not any(p.exists() for p in orphans)


def test_a_briefs_scratch_folder_is_named_after_its_process(warehouse, tmp_path: Path) -> None:
    from datetime import UTC, date, datetime

    data = collect_brief(warehouse.path, date(2025, 6, 30), datetime(2025, 6, 30, tzinfo=UTC))
    folder = Path(data.scratch.name)
    assert folder.name.startswith(f"barometer-brief-{os.getpid()}-")
    assert folder not in remove_orphaned_scratch(folder.parent) and folder.is_dir()  # live
    with scratch_folder("load") as made:
        assert Path(made).name.startswith(f"barometer-load-{os.getpid()}-")
