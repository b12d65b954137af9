"""Publish a run: the brief, its record in the warehouse and the analysts' snapshot, together.

Everything that can fail (rendering, recording, copying the warehouse) happens first, under
hidden names; only renames follow, which need no disk space. A failure before them leaves the
previous brief (PDF and HTML edition), latest-brief.* and snapshot as they were, and forgets the
record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows.brief.render import StagedBrief
from flows.disk import disk_full_names, partial_path
from flows.warehouse import sqlrunner
from flows.warehouse.briefs import record_brief
from flows.warehouse.db import connect
from flows.warehouse.snapshot import commit_snapshot, stage_snapshot


@dataclass(frozen=True)
class BriefRecord:
    """What core.briefs keeps of a brief besides its path."""

    generated_at: str
    as_of: str
    flow_run_id: str | None
    kind: str


def forget_brief(warehouse_path: Path, pdf_path: Path) -> None:
    """Remove a brief's record: its publication did not finish."""
    with connect(warehouse_path) as con:
        sqlrunner.execute(con, "load/delete_brief", [str(pdf_path)])


def publish_run(warehouse_path: Path, staged: StagedBrief, record: BriefRecord,
                snapshot_path: Path | None) -> Path:
    """Record the brief, copy the snapshot beside its place, then rename both into place."""
    with disk_full_names(warehouse_path):
        record_brief(warehouse_path, record.generated_at, record.as_of, str(staged.target),
                     record.flow_run_id, record.kind)
    try:
        partial = stage_snapshot(warehouse_path, snapshot_path) if snapshot_path else None
    except BaseException:
        forget_brief(warehouse_path, staged.target)
        staged.discard()
        raise
    pdf = staged.commit()
    if partial is not None and snapshot_path is not None:
        commit_snapshot(partial, snapshot_path)
    return pdf


def repair_unfinished_publication(warehouse_path: Path) -> str | None:
    """Forget the newest brief if a run was killed between recording it and renaming its PDF
    into place (its hidden staged file is still there), and remove what it left (its HTML
    edition, staged or already renamed); say so, or None."""
    if not warehouse_path.exists():
        return None
    with connect(warehouse_path) as con:
        try:
            newest = sqlrunner.fetch_dicts(con, "load/newest_brief_pdf")
        except duckdb.CatalogException:  # a run killed before it made the schema: no brief
            return None
        if not newest:
            return None
        pdf = Path(newest[0]["pdf_path"])
        staged = StagedBrief(partial_path(pdf), pdf, None)
        if pdf.exists() or not staged.staged.exists():
            return None
        sqlrunner.execute(con, "load/delete_brief", [str(pdf)])
    staged.discard()
    return (f"the previous run was stopped while publishing {pdf.name}: its record was "
            "removed and the brief before it stays the latest")
