"""One measured run of the pipeline's steps on a seeds folder, in its own process.

    python -m bench.measure SEEDS_DIR BULK_DIR WORK_DIR

prints one JSON object: seconds per step and the process's peak RSS. The steps are the flow's
own functions, called without Prefect, in the flow's order; the DuckDB baseline loads the same
rows from one file (BULK_DIR, written by bench/run.py) into an empty warehouse.
"""

from __future__ import annotations

import json
import random
import resource
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from weasyprint import HTML

from bench.synthetic import release
from flows.brief.data import collect_brief
from flows.brief.render import render_brief, render_html
from flows.model.release_files import read_release
from flows.paths import TEMPLATES_DIR
from flows.warehouse import sqlrunner
from flows.warehouse.briefs import record_brief
from flows.warehouse.build_and_check import build_warehouse, enforce_blocking, run_checks
from flows.warehouse.bulk_insert import insert_file
from flows.warehouse.db import connect
from flows.warehouse.load import load_release, load_seeds
from flows.warehouse.snapshot import publish_snapshot

AS_OF = date(2026, 11, 29)
AUTHOR = "Benchmark (SYNTHETIC data)"


def _timed(results: dict, name: str, call):
    started = time.perf_counter()
    value = call()
    results[name] = time.perf_counter() - started
    return value


def duckdb_bulk_load(bulk_dir: Path, db: Path) -> None:
    """DuckDB's own load of the same releases and observations from one file each."""
    with duckdb.connect(str(db)) as con:
        sqlrunner.apply_layers(con, ["schema"])
        con.execute("begin transaction")
        for table in ("releases", "observations"):
            insert_file(con, table, bulk_dir / f"{table}.ndjson")
        con.execute("commit")


def _next_release(seeds: Path, work: Path) -> Path:
    """The synthetic release that follows the seeds folder's last one, written to work."""
    synthetic = sorted((seeds / "releases").glob("synthetic-*.json"))
    figures = len(json.loads(synthetic[0].read_text(encoding="utf-8"))["figures"])
    path = work / "next-release.json"
    path.write_text(json.dumps(release(len(synthetic), figures, random.Random(1)),
                               ensure_ascii=False), encoding="utf-8")
    return path


def measure(seeds: Path, bulk_dir: Path, work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    db = work / "barometer.duckdb"
    out: dict = {}
    summary = _timed(out, "load", lambda: load_seeds(db, seeds))
    out["releases_loaded"] = len(summary.loaded)
    out["rejected"] = len(summary.rejected)
    rerun = _timed(out, "rerun", lambda: load_seeds(db, seeds))
    out["rerun_loaded"] = len(rerun.loaded)
    _timed(out, "transform", lambda: build_warehouse(db))
    enforce_blocking(_timed(out, "checks", lambda: run_checks(db, AS_OF)))
    # One more release arrives: the next build recomputes only the metrics it touched.
    with connect(db) as con:
        load_release(con, read_release(_next_release(seeds, work)))
    _timed(out, "transform_incremental", lambda: build_warehouse(db))
    _timed(out, "checks_incremental", lambda: enforce_blocking(run_checks(db, AS_OF)))
    data = _timed(out, "brief_queries",
                  lambda: collect_brief(db, AS_OF, datetime.now(UTC), 40, []))
    pdf = _timed(out, "render", lambda: render_brief(data, work / "briefs", AUTHOR))
    html = render_html(data, AUTHOR)
    _timed(out, "weasyprint_same_html", lambda: HTML(
        string=html, base_url=TEMPLATES_DIR.as_uri() + "/").write_pdf(work / "plain.pdf"))
    snapshot = work / "snapshot" / "barometer.duckdb"
    _timed(out, "record_brief", lambda: record_brief(
        db, datetime.now(UTC).isoformat(), AS_OF.isoformat(), str(pdf), None))
    _timed(out, "snapshot", lambda: publish_snapshot(db, snapshot))
    out["record_and_snapshot"] = out["record_brief"] + out["snapshot"]
    out["snapshot_bytes"] = snapshot.stat().st_size
    with duckdb.connect(str(db), read_only=True) as con:
        out["observations"] = con.execute(
            "select count(*) from core.observations").fetchone()[0]
    out["pdf_bytes"] = pdf.stat().st_size
    out["attachments_bytes"] = sum(path.stat().st_size for path, _ in data.attachments.values())
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _timed(out, "duckdb_bulk_load", lambda: duckdb_bulk_load(bulk_dir, work / "bulk.duckdb"))
    return out


if __name__ == "__main__":
    seeds_dir, bulk, work_dir = (Path(a) for a in sys.argv[1:4])
    print(json.dumps(measure(seeds_dir, bulk, work_dir)))
