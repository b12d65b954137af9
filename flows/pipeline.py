"""The barometer flow: seeds → inbox → sources → transform → checks → render. Wiring only."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from uuid import uuid4

from prefect import flow, get_run_logger

from flows.heal import claim_run
from flows.render import brief_kind
from flows.tasks import (
    checks_task,
    collect_task,
    inbox_task,
    load_task,
    publish_task,
    record_brief_task,
    registry_task,
    render_task,
    summary_task,
    transform_task,
)


@flow(name="barometer-brief", log_prints=False)
def barometer_brief(
    warehouse_path: Path,
    out_dir: Path,
    seeds_dir: Path,
    sources_path: Path | None = None,
    inbox_dir: Path | None = None,
    raw_dir: Path | None = None,
    snapshot_path: Path | None = None,
    as_of: date | None = None,
    author: str = "Cross-border e-commerce barometer",
    table_rows: int = 40,
    run_date: date | None = None,
) -> Path:
    """Load curated releases, the inbox and every source; compute in SQL; render the brief;
    publish the analysts' snapshot. A failure before the end leaves the previous brief and
    snapshot in place. An as_of before today makes a back-dated brief (briefs/as-of/, never
    latest-brief.pdf nor the previous brief of a regular run); one after today is refused."""
    today = run_date or date.today()  # run_date: replay a timeline (tests); default: today
    as_of = as_of or today
    kind = brief_kind(as_of, today)  # a future date is refused before anything is loaded
    claim_run(get_run_logger())  # record this process on the run; crash runs whose is gone
    raw_dir = raw_dir or warehouse_path.parent / "raw"
    warnings = load_task(warehouse_path, seeds_dir)
    if inbox_dir is not None:
        warnings += inbox_task(warehouse_path, inbox_dir, raw_dir)
    if sources_path is not None:
        sources, contact, problems = registry_task(sources_path)
        warnings += problems
        run_id = str(uuid4())
        for source in sources:
            warnings += collect_task(warehouse_path, raw_dir, source, run_id, contact)
    transform_task(warehouse_path)
    findings = checks_task(warehouse_path, as_of)
    rendered = render_task(warehouse_path, out_dir, as_of, warnings, author, table_rows, kind)
    record_brief_task(warehouse_path, rendered)
    if snapshot_path is not None:
        publish_task(warehouse_path, snapshot_path)
    summary_task(rendered, findings)
    return Path(rendered["pdf"])
