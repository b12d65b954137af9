"""The whole pipeline once, as a Prefect flow or as the same functions without Prefect.

    python -m bench.orchestration plain|flow SEEDS_DIR WORK_DIR

prints {"seconds": …}: the time of the call alone (imports excluded). With PREFECT_API_URL set,
the flow reports to that server; without it, Prefect starts its temporary server inside the
call, which is part of what a bare `barometer run` costs.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

AS_OF = date(2026, 11, 29)


def plain(seeds: Path, work: Path) -> None:
    """The flow's body (flows/orchestration/pipeline.py) without Prefect: same functions,
    same order."""
    from flows.brief.data import collect_brief
    from flows.brief.render import render_brief
    from flows.ingest.inbox import process_inbox
    from flows.warehouse.briefs import record_brief
    from flows.warehouse.build_and_check import build_warehouse, enforce_blocking, run_checks
    from flows.warehouse.load import load_seeds
    from flows.warehouse.snapshot import publish_snapshot

    db = work / "barometer.duckdb"
    warnings = [str(e) for e in load_seeds(db, seeds).rejected]
    warnings += process_inbox(db, work / "inbox", work, work / "raw").warnings()
    build_warehouse(db)
    enforce_blocking(run_checks(db, AS_OF))
    data = collect_brief(db, AS_OF, datetime.now(UTC), 40, warnings)
    pdf = render_brief(data, work / "briefs", "Benchmark")
    record_brief(db, data.generated_at.isoformat(), AS_OF.isoformat(), str(pdf), None)
    publish_snapshot(db, work / "snapshot" / "barometer.duckdb")


def flow(seeds: Path, work: Path) -> None:
    """The flow as `barometer run` runs it (flows/orchestration/run_api.py: no heartbeats)."""
    from flows.orchestration.pipeline import barometer_brief
    from flows.orchestration.run_api import one_off_heartbeats
    from flows.settings import RunSettings

    with one_off_heartbeats():
        barometer_brief(RunSettings(
            warehouse_path=work / "barometer.duckdb", out_dir=work / "briefs", seeds_dir=seeds,
            inbox_dir=work / "inbox", raw_dir=work / "raw",
            snapshot_path=work / "snapshot" / "barometer.duckdb", as_of=AS_OF,
            run_date=AS_OF,  # a regular brief of that day, as `plain` renders
            author="Benchmark"))


if __name__ == "__main__":
    mode, seeds_dir, work_dir = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / "inbox").mkdir(exist_ok=True)
    if mode == "flow":
        import flows.orchestration.pipeline  # import Prefect before the clock starts
    else:
        import flows.brief.render  # noqa: F401 - WeasyPrint's import is not part of the run either
    started = time.perf_counter()
    {"plain": plain, "flow": flow}[mode](seeds_dir, work_dir)
    print(json.dumps({"seconds": time.perf_counter() - started}))
