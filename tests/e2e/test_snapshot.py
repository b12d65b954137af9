"""Analysts query a published snapshot while runs go on; every brief is kept, with what changed.

Two runs of the real flow on the session's Prefect test server. Between them an analyst, in
another process, holds a read-only connection to the snapshot; the second run brings a new
release through the inbox.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from flows.brief.render import LATEST_NAME, html_beside
from flows.orchestration.pipeline import barometer_brief
from flows.settings import RunSettings
from tests.conftest import copy_seeds
from tests.pdf import pdf_text

pytestmark = pytest.mark.e2e

AS_OF = date(2025, 7, 1)
# A saved page as an analyst would drop it; its numbers are invented for the test.
NEW_PAGE = ("---\npublisher: yiwu_fabu\npublished_on: 2025-06-28\n---\n"
            "今年1-5月，义乌市进出口总值2801.3亿元，同比增长21.5%。\n")
ANALYST = """
import sys, duckdb
path = sys.argv[1]
con = duckdb.connect(path, read_only=True)
count = "select count(*) from figure_vintages where metric_id = 'yiwu.trade.total'"
print(con.execute(count).fetchone()[0], flush=True)
for line in sys.stdin:
    if line.strip() == "reconnect":
        con.close()
        con = duckdb.connect(path, read_only=True)
    print(con.execute(count).fetchone()[0], flush=True)
"""


class Analyst:
    """Another process with a read-only DuckDB connection open on the snapshot."""

    def __init__(self, snapshot: Path):
        self.proc = subprocess.Popen([sys.executable, "-c", ANALYST, str(snapshot)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.first = self._read()

    def _read(self) -> int:
        line = self.proc.stdout.readline()
        assert line, "the analyst's process died"
        return int(line)

    def ask(self, command: str = "query") -> int:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def two_runs(prefect_server, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("snapshot")
    inbox = folder / "inbox"
    inbox.mkdir()
    kwargs = {"warehouse_path": folder / "w.duckdb", "out_dir": folder / "briefs",
              "seeds_dir": copy_seeds(folder / "seeds"), "inbox_dir": inbox,
              "snapshot_path": folder / "snapshot" / "barometer.duckdb", "as_of": AS_OF,
              "run_date": AS_OF}  # regular briefs of that day, as if run on it
    first = barometer_brief(RunSettings(**kwargs), return_state=True)
    first_bytes = first.result().read_bytes()
    # A back-dated brief between the two regular ones, as of a day no release was known.
    back = barometer_brief(RunSettings(**{**kwargs, "as_of": date(2025, 6, 1)}),
                           return_state=True)
    latest_after_back = (kwargs["out_dir"] / LATEST_NAME).read_bytes()
    analyst = Analyst(kwargs["snapshot_path"])
    (inbox / "yiwu-2025-06-28.txt").write_text(NEW_PAGE, encoding="utf-8")
    try:
        second = barometer_brief(RunSettings(**kwargs), return_state=True)
        during = analyst.ask()
        after = analyst.ask("reconnect")
    finally:
        analyst.close()
    return {"folder": folder, "first": first, "second": second, "first_bytes": first_bytes,
            "back": back, "latest_after_back": latest_after_back,
            "before": analyst.first, "during": during, "after": after, **kwargs}


def test_the_analyst_keeps_reading_during_a_run_and_sees_new_data_after_reconnecting(
        two_runs) -> None:
    assert two_runs["second"].is_completed()
    assert (two_runs["before"], two_runs["during"], two_runs["after"]) == (0, 0, 1)


def test_the_snapshot_is_read_only_and_complete(two_runs) -> None:
    import duckdb

    snapshot = two_runs["snapshot_path"]
    assert not (snapshot.stat().st_mode & 0o222)
    assert sorted(p.name for p in snapshot.parent.iterdir()) == [snapshot.name]
    with duckdb.connect(str(snapshot), read_only=True) as con:
        views = {r[0] for r in con.execute(
            "select view_name from duckdb_views() where not internal").fetchall()}
        value = con.execute("select value from figures_as_of(date '2025-07-01') where "
                            "metric_id = 'yiwu.trade.total' and period_kind = 'ytd' "
                            "and not is_derived").fetchall()
    assert {"figures", "figure_vintages", "revisions", "stale_metrics", "fetch_log"} <= views
    assert value == [(280.13e9,)]


def test_the_snapshot_opens_in_the_duckdb_cli_from_pypi(two_runs) -> None:
    cli = Path(sys.executable).parent / "duckdb"
    result = subprocess.run(
        [str(cli), "-readonly", "-csv", str(two_runs["snapshot_path"]), "-c",
         "select value from figures_as_of(date '2025-07-01') "
         "where metric_id = 'yiwu.trade.total' and period_kind = 'ytd' and not is_derived"],
        capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["value", "280130000000.0"]


def test_every_brief_is_kept_and_latest_is_the_newest(two_runs) -> None:
    briefs = two_runs["out_dir"]
    first, second = two_runs["first"].result(), two_runs["second"].result()
    assert (first.name, second.name) == ("2025-07-01-brief.pdf", "2025-07-01-brief-2.pdf")
    assert first.read_bytes() == two_runs["first_bytes"]
    assert (briefs / LATEST_NAME).read_bytes() == second.read_bytes()
    assert (briefs / "latest-brief.html").read_bytes() == html_beside(second).read_bytes()
    assert sorted(p.name for p in briefs.iterdir()) == [
        "2025-07-01-brief-2.html", "2025-07-01-brief-2.pdf", "2025-07-01-brief.html",
        "2025-07-01-brief.pdf", "as-of", "latest-brief.html", LATEST_NAME]


def test_a_back_dated_brief_goes_to_its_own_folder_and_never_replaces_the_latest(
        two_runs) -> None:
    back = two_runs["back"].result()
    assert back == two_runs["out_dir"] / "as-of" / "2025-06-01-brief.pdf"
    assert two_runs["latest_after_back"] == two_runs["first_bytes"]
    text = " ".join(pdf_text(back).split())
    assert "Back-dated brief: what was known on 1 June 2025" in text
    assert "Back-dated" not in pdf_text(two_runs["second"].result())


def test_what_changed_compares_with_the_previous_regular_brief(two_runs) -> None:
    second = " ".join(pdf_text(two_runs["second"].result()).split())
    # Compared with the back-dated brief (no release known) it would count 2 new releases.
    assert "(data as of 2025-07-01)" in second
    assert "1 new release, 1 figure reported for the first time, 0 revisions" in second
    import duckdb

    with duckdb.connect(str(two_runs["warehouse_path"]), read_only=True) as con:
        rows = con.execute("select as_of, kind from core.briefs order by generated_at").fetchall()
    assert rows == [(date(2025, 7, 1), "regular"), (date(2025, 6, 1), "as-of"),
                    (date(2025, 7, 1), "regular")]


def test_the_briefs_say_what_changed(two_runs) -> None:
    first = pdf_text(two_runs["first"].result())
    second = pdf_text(two_runs["second"].result())
    assert "This is the first brief: there is nothing to compare with yet." in first
    assert "1 new release, 1 figure reported for the first time, 0 revisions" in second
    assert "New figure: Yiwu's total imports and exports, Jan–May 2025: 280.13 billion yuan " \
           "(2801.3亿) (+21.5%)" in second


def test_status_names_the_runs_the_briefs_and_the_snapshot(two_runs, monkeypatch) -> None:
    from prefect.settings import PREFECT_API_URL

    from flows.orchestration.status import gather_status

    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())  # the test harness's server
    status = gather_status(two_runs["snapshot_path"], two_runs["out_dir"], limit=10)
    assert status.server_up, status.server_error
    ids = {str(two_runs[k].state_details.flow_run_id) for k in ("first", "second")}
    mine = {r["id"]: r for r in status.finished if r["id"] in ids}
    assert [r["state"] for r in mine.values()] == ["Completed", "Completed"]
    # Each finished run names the brief it made (from the snapshot's core.briefs).
    assert {Path(r["brief"]).name for r in mine.values()} == {
        "2025-07-01-brief.pdf", "2025-07-01-brief-2.pdf"}
    assert status.latest_brief == two_runs["out_dir"] / LATEST_NAME
    assert [(Path(b["pdf_path"]).name, b["kind"]) for b in status.briefs] == [
        ("2025-07-01-brief-2.pdf", "regular"), ("2025-06-01-brief.pdf", "as-of"),
        ("2025-07-01-brief.pdf", "regular")]
    assert status.snapshot == two_runs["snapshot_path"]
    assert status.counts is not None and status.counts["awaiting_review"] == 0
    assert status.failed_sources == []  # no source was collected


def test_a_failing_check_fails_the_run_and_keeps_the_previous_brief_and_snapshot(
        prefect_server, tmp_path: Path) -> None:
    import duckdb

    kwargs = {"warehouse_path": tmp_path / "w.duckdb", "out_dir": tmp_path / "briefs",
              "seeds_dir": copy_seeds(tmp_path / "seeds"),
              "snapshot_path": tmp_path / "snapshot" / "barometer.duckdb", "as_of": AS_OF,
              "run_date": AS_OF}
    assert barometer_brief(RunSettings(**kwargs), return_state=True).is_completed()
    latest = (kwargs["out_dir"] / LATEST_NAME).read_bytes()
    snapshot = kwargs["snapshot_path"].read_bytes()
    with duckdb.connect(str(kwargs["warehouse_path"])) as con:  # written past the loader
        con.execute("update core.observations set unit = 'dollars' where seq = 1")
    failed = barometer_brief(RunSettings(**kwargs), return_state=True)
    assert failed.is_failed()
    with pytest.raises(Exception, match=r"No brief was rendered\. Correct the release"):
        failed.result()
    assert (kwargs["out_dir"] / LATEST_NAME).read_bytes() == latest
    assert kwargs["snapshot_path"].read_bytes() == snapshot
    assert sorted(p.name for p in kwargs["out_dir"].iterdir()) == [
        "2025-07-01-brief.html", "2025-07-01-brief.pdf", "latest-brief.html", LATEST_NAME]


def test_a_run_killed_while_writing_its_brief_leaves_the_previous_one_intact(
        prefect_server, tmp_path: Path) -> None:
    """Kill -9 a run in the middle of writing its PDF (its partial file is made a FIFO, so the
    test sees the first bytes arrive and kills the writer right then)."""
    import contextlib
    import os
    import signal
    import time

    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(),
           "BAROMETER_WAREHOUSE_PATH": str(tmp_path / "w.duckdb"),
           "BAROMETER_BRIEFS_DIR": str(tmp_path / "briefs"),
           "BAROMETER_SEEDS_DIR": str(copy_seeds(tmp_path / "seeds")),
           "BAROMETER_INBOX_DIR": str(tmp_path / "inbox"),
           "BAROMETER_SNAPSHOT_PATH": str(tmp_path / "snapshot" / "barometer.duckdb")}
    command = [sys.executable, "-m", "flows.cli", "run", "--no-collect"]  # today's brief
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300,
                           check=False)
    assert first.returncode == 0, first.stderr
    briefs = tmp_path / "briefs"
    good = {p.name: p.read_bytes() for p in briefs.iterdir()}
    snapshot = (tmp_path / "snapshot" / "barometer.duckdb").read_bytes()
    fifo = briefs / f".{date.today().isoformat()}-brief-2.pdf.partial"
    os.mkfifo(fifo)
    run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, start_new_session=True)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        deadline = time.monotonic() + 240
        received = b""
        while not received and time.monotonic() < deadline and run.poll() is None:
            with contextlib.suppress(BlockingIOError):
                received = os.read(reader, 1024)
            time.sleep(0.02)
        assert received.startswith(b"%PDF"), "the run never started writing its brief"
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
    finally:
        os.close(reader)
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    fifo.unlink()
    assert {p.name: p.read_bytes() for p in briefs.iterdir()} == good
    assert (tmp_path / "snapshot" / "barometer.duckdb").read_bytes() == snapshot
