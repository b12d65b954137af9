"""The barometer flow: seeds → inbox → sources → transform → checks → render. Wiring only."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from uuid import uuid4

from prefect import flow, get_run_logger
from prefect.states import Failed, State

from flows.brief.kind import brief_kind
from flows.orchestration.heal import claim_run
from flows.orchestration.notify import notify_failed_run
from flows.orchestration.run_lock import RunLocked, run_lock
from flows.orchestration.tasks import (
    collect_task,
    load_task,
    publish_task,
    registry_task,
    render_task,
    transform_task,
)


# persist_result=False: the brief's path comes back to the caller, nobody reads it from storage.
# The hooks send a failed run's message whatever failed: a step, a refusal, bad parameters.
@flow(name="barometer-brief", log_prints=False, persist_result=False,
      on_failure=[notify_failed_run], on_crashed=[notify_failed_run])
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
    lock_wait_seconds: float = 0.0,
) -> Path | State:
    """Load curated releases, the inbox and every source; compute in SQL; render the brief;
    publish it with the analysts' snapshot. A failure before the end leaves the previous brief
    and snapshot in place. One run at a time per warehouse: another run waits up to
    lock_wait_seconds, then fails in one line. An as_of before today makes a back-dated brief
    (briefs/as-of/, never latest-brief.pdf nor the previous brief of a regular run); one after
    today is refused."""
    today = run_date or date.today()  # run_date: replay a timeline (tests); default: today
    as_of = as_of or today
    kind = brief_kind(as_of, today)  # a future date is refused before anything is loaded
    logger = get_run_logger()
    claim_run(logger)  # record this process on the run; crash runs whose is gone
    try:
        with run_lock(warehouse_path, lock_wait_seconds):
            raw_dir = raw_dir or warehouse_path.parent / "raw"
            warnings = load_task(warehouse_path, seeds_dir, inbox_dir, raw_dir)
            sources = []
            if sources_path is not None:
                sources, contact, problems = registry_task(sources_path)
                warnings += problems
                run_id = str(uuid4())
                for source in sources:
                    warnings += collect_task(warehouse_path, raw_dir, source, run_id, contact)
            checks = transform_task(warehouse_path, as_of)
            rendered = render_task(warehouse_path, out_dir, as_of, warnings, author, table_rows,
                                   kind, len(sources))
            return Path(publish_task(warehouse_path, rendered, snapshot_path, checks))
    except RunLocked as exc:  # one line, not a traceback: nothing of this run happened
        logger.error("%s", exc)
        return Failed(message=str(exc))
