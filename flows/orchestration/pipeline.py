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
from flows.settings import RunSettings


# persist_result=False: the brief's path comes back to the caller, nobody reads it from storage.
# The hooks send a failed run's message whatever failed: a step, a refusal, bad parameters.
@flow(name="barometer-brief", log_prints=False, persist_result=False,
      on_failure=[notify_failed_run], on_crashed=[notify_failed_run])
def barometer_brief(settings: RunSettings) -> Path | State:
    """Load curated releases, the inbox and every source; compute in SQL; render the brief;
    publish it with the analysts' snapshot. A failure before the end leaves the previous brief
    and snapshot in place. One run at a time per warehouse: another run waits up to
    settings.lock_wait_seconds, then fails in one line. An as_of before today makes a
    back-dated brief (briefs/as-of/, never latest-brief.pdf nor the previous brief of a regular
    run); one after today is refused."""
    today = settings.run_date or date.today()
    as_of = settings.as_of or today
    kind = brief_kind(as_of, today)  # a future date is refused before anything is loaded
    logger = get_run_logger()
    claim_run(logger)  # record this process on the run; crash runs whose is gone
    warehouse = settings.warehouse_path
    try:
        with run_lock(warehouse, settings.lock_wait_seconds):
            raw_dir = settings.raw_dir or warehouse.parent / "raw"
            warnings = load_task(warehouse, settings.seeds_dir, settings.inbox_dir, raw_dir)
            sources_tried = 0
            if settings.sources_path is not None:
                registry = registry_task(settings.sources_path)
                warnings += registry.warnings
                run_id = str(uuid4())
                for source in registry.sources:
                    warnings += collect_task(warehouse, raw_dir, source, run_id, registry.contact)
                sources_tried = len(registry.sources)
            checks = transform_task(warehouse, as_of)
            rendered = render_task(warehouse, settings.out_dir, as_of, warnings, settings.author,
                                   settings.table_rows, kind, sources_tried)
            return publish_task(warehouse, rendered, settings.snapshot_path, checks)
    except RunLocked as exc:  # one line, not a traceback: nothing of this run happened
        logger.error("%s", exc)
        return Failed(message=str(exc))
