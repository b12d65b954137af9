"""Where the time of a typical scheduled run goes: cProfile of the pipeline's functions on the
real curated seeds (the weekly run: nothing collected over the network), in its own process.

    python -m bench.profile_run WORK_DIR
    python -m bench.profile_run --plain WORK_DIR   (no profiler: {"seconds": the whole run})

prints markdown lines: the time of each step, then the functions with the most own time.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from flows.paths import SEEDS_DIR

AS_OF = date(2026, 11, 29)


def steps(work: Path) -> list[tuple[str, float]]:
    from flows.brief.data import collect_brief
    from flows.brief.render import render_brief
    from flows.warehouse.briefs import record_brief
    from flows.warehouse.build_and_check import build_warehouse, enforce_blocking, run_checks
    from flows.warehouse.load import load_seeds
    from flows.warehouse.snapshot import publish_snapshot

    db = work / "barometer.duckdb"
    timings: list[tuple[str, float]] = []

    def step(name: str, call):
        started = time.perf_counter()
        value = call()
        timings.append((name, time.perf_counter() - started))
        return value

    step("load curated releases", lambda: load_seeds(db, SEEDS_DIR))
    step("build SQL layers", lambda: build_warehouse(db))
    step("checks", lambda: enforce_blocking(run_checks(db, AS_OF)))
    data = step("brief queries", lambda: collect_brief(db, AS_OF, datetime.now(UTC)))
    pdf = step("render PDF", lambda: render_brief(data, work / "briefs", "Profile"))
    step("record brief", lambda: record_brief(db, data.generated_at.isoformat(),
                                              AS_OF.isoformat(), str(pdf), None))
    step("publish snapshot", lambda: publish_snapshot(db, work / "snapshot" / "b.duckdb"))
    return timings


def main(work: Path) -> list[str]:
    work.mkdir(parents=True, exist_ok=True)
    import flows.brief.render  # noqa: F401 - imports are not part of a run's work

    profiler = cProfile.Profile()
    timings = profiler.runcall(steps, work)
    total = sum(t for _, t in timings)
    lines = ["| step of a typical run (real seeds) | seconds | share |", "|---|---|---|"]
    lines += [f"| {name} | {t:.2f} | {t / total:.0%} |" for name, t in timings]
    lines += [f"| total (under cProfile) | {total:.2f} | |", ""]
    stats = pstats.Stats(profiler).stats  # (file, line, function) -> (cc, calls, own, cum, …)
    top = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:12]
    lines += ["| own time (s) | calls | function |", "|---|---|---|"]
    for (filename, line, function), (_, calls, own, _, _) in top:
        where = filename.split("site-packages/")[-1].replace(str(Path.cwd()) + "/", "")
        lines.append(f"| {own:.2f} | {calls} | `{where}:{line} {function}` |")
    return lines


def plain(work: Path) -> dict[str, float]:
    """The same steps without the profiler: the whole run's seconds (imports excluded)."""
    work.mkdir(parents=True, exist_ok=True)
    import flows.brief.render  # noqa: F401 - imports are not part of a run's work

    return {"seconds": sum(t for _, t in steps(work))}


if __name__ == "__main__":
    if sys.argv[1] == "--plain":
        print(json.dumps(plain(Path(sys.argv[2]))))
    else:
        print(json.dumps(main(Path(sys.argv[1]))))
