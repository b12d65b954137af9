"""A run publishes its brief, the brief's record and the snapshot together, or none of them:
a full disk (a real tmpfs, mounted by the test) fails in one line naming the file, and leaves
the previous brief, latest-brief.pdf and snapshot as they were."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from flows.brief.data import BriefData, collect_brief
from flows.brief.render import StagedBrief, html_beside, stage_brief
from flows.disk import DiskFull
from flows.orchestration.publish import BriefRecord, publish_run, repair_unfinished_publication
from flows.paths import LATEST_NAME
from flows.warehouse.briefs import record_brief
from tests.conftest import figure, fill, release

AS_OF = date(2025, 6, 30)


@dataclass
class Run:
    """One run's publication: the warehouse, and where its brief and snapshot go."""

    warehouse: Path
    briefs: Path
    snapshot: Path

    data: BriefData | None = None

    def stage(self) -> StagedBrief:
        """Render the brief (its data read once: the tests are about files, not figures)."""
        self.data = self.data or collect_brief(self.warehouse, AS_OF, datetime.now(UTC))
        return stage_brief(self.data, self.briefs, "test")

    def publish(self, generated_at: datetime) -> Path:
        staged = self.stage()
        record = BriefRecord(generated_at.isoformat(), AS_OF.isoformat(), None, "regular")
        return publish_run(self.warehouse, staged, record, self.snapshot)

    def recorded(self) -> list[str]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return [r[0] for r in con.execute(
                "select pdf_path from core.briefs order by generated_at").fetchall()]

    def state(self) -> dict[str, bytes]:
        """Every file a reader sees, hidden leftovers included."""
        files = [*self.briefs.rglob("*"), *self.snapshot.parent.rglob("*")]
        return {str(p): p.read_bytes() for p in files if p.is_file() and p.name != "filler"}


@pytest.fixture
def run(warehouse, small_disk: Path) -> Run:
    warehouse.add(release("r1", "2025-03-01", [figure(
        "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 2.63e12, "2.63",
        multiplier="trillion", yoy=10.8)]))
    return Run(warehouse.path, small_disk / "briefs", small_disk / "snapshot" / "b.duckdb")


def test_a_full_disk_publishes_nothing_and_says_which_file_and_a_killed_one_is_undone(
        run: Run, small_disk: Path) -> None:
    first = run.publish(datetime(2025, 6, 30, 8, tzinfo=UTC))
    assert (run.briefs / LATEST_NAME).read_bytes() == first.read_bytes()
    assert (run.briefs / "latest-brief.html").read_bytes() == html_beside(first).read_bytes()
    before, recorded = run.state(), run.recorded()

    # Room for the PDF (about 45 kB) but not for the snapshot (about 6 MB).
    fill(small_disk, leave=1_000_000)
    with pytest.raises(DiskFull) as full:
        run.publish(datetime(2025, 6, 30, 9, tzinfo=UTC))
    assert str(full.value).startswith(
        f"the disk is full: writing {run.snapshot.parent / '.b.duckdb.partial'} failed (")
    assert "Free some space and run again" in str(full.value) and "\n" not in str(full.value)
    assert run.state() == before and run.recorded() == recorded  # brief, record, snapshot

    # No room for the PDF itself.
    fill(small_disk, leave=8_000)
    with pytest.raises(DiskFull, match=r"^the disk is full: writing \S+/briefs/"
                       r"\.2025-06-30-brief-2\.pdf\.partial failed"):
        run.publish(datetime(2025, 6, 30, 10, tzinfo=UTC))
    assert run.state() == before and run.recorded() == recorded

    (small_disk / "filler").unlink()  # space again: the next run publishes all three
    second = run.publish(datetime(2025, 6, 30, 11, tzinfo=UTC))
    assert second.name == "2025-06-30-brief-2.pdf"
    assert (run.briefs / LATEST_NAME).read_bytes() == second.read_bytes()
    assert (run.briefs / "latest-brief.html").read_bytes() == html_beside(second).read_bytes()
    assert run.recorded() == [str(first), str(second)]
    with duckdb.connect(str(run.snapshot), read_only=True) as con:
        assert con.execute("select count(*) from core.briefs").fetchone() == (2,)


    # A run killed between recording its brief and renaming it into place: the next run
    # forgets that record (its staged PDF is the evidence) and says so.
    staged = run.stage()
    record_brief(run.warehouse, "2025-06-30T12:00:00+00:00", AS_OF.isoformat(),
                 str(staged.target), None)  # ... and the run is killed here
    assert repair_unfinished_publication(run.warehouse) == (
        "the previous run was stopped while publishing 2025-06-30-brief-3.pdf: its record was "
        "removed and the brief before it stays the latest")
    assert run.recorded() == [str(first), str(second)] and not staged.staged.exists()
    assert not staged.staged_html.exists()
    assert repair_unfinished_publication(run.warehouse) is None  # a finished one is left alone

    # Killed between renaming the HTML edition into place and renaming the PDF: the HTML
    # edition of a brief that was never published goes too.
    staged = run.stage()
    record_brief(run.warehouse, "2025-06-30T13:00:00+00:00", AS_OF.isoformat(),
                 str(staged.target), None)
    os.replace(staged.staged_html, staged.html)  # ... and the run is killed here
    assert repair_unfinished_publication(run.warehouse) is not None
    assert not staged.html.exists() and not staged.staged.exists()
    assert run.recorded() == [str(first), str(second)]


def test_a_warehouse_a_killed_run_left_without_its_schema_needs_no_repair(
        tmp_path: Path) -> None:
    empty = tmp_path / "w.duckdb"
    duckdb.connect(str(empty)).close()  # a run killed right after it opened the file
    assert repair_unfinished_publication(empty) is None
    assert repair_unfinished_publication(tmp_path / "none.duckdb") is None
