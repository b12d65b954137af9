"""A full disk (a real tmpfs the test mounts) is the machine's fault, never a file's: the run
stops with one line naming where, and the good file waits in the inbox for the next run."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.disk import DiskFull
from flows.ingest.inbox import process_inbox
from tests.conftest import fill


def test_an_inbox_file_is_not_refused_for_a_full_disk(warehouse, small_disk: Path,
                                                      tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = inbox / "observations.csv"
    good.write_text(
        "metric_id,period_kind,period_start,period_end,value,unit,published_on,publisher_id\n"
        "china.cbec.trade_value,year,2024-01-01,2024-12-31,2630000000000,yuan,2025-01-13,gacc\n",
        encoding="utf-8")
    raw = small_disk / "raw"
    fill(small_disk, leave=0)
    with pytest.raises(DiskFull) as full:
        process_inbox(warehouse.path, inbox, tmp_path, raw)
    assert str(full.value).startswith(f"the disk is full: writing {raw}/inbox/")
    assert "\n" not in str(full.value)
    assert good.is_file() and not (inbox / "rejected").exists()  # it waits for the next run

    (small_disk / "filler").unlink()  # space again: the next run loads it
    report = process_inbox(warehouse.path, inbox, tmp_path, raw)
    assert report.processed == ["observations.csv"] and not report.rejected
