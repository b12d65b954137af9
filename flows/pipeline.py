"""The barometer flow: load → transform → checks → render → summary. Wiring only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow

from flows.tasks import checks_task, load_task, render_task, summary_task, transform_task


@flow(name="barometer-brief", log_prints=False)
def barometer_brief(
    warehouse_path: Path,
    out_dir: Path,
    seeds_dir: Path,
    as_of: date | None = None,
    author: str = "Cross-border e-commerce barometer",
    table_rows: int = 40,
) -> Path:
    """Load the curated releases, compute growth and checks in SQL, render the PDF brief."""
    as_of = as_of or date.today()
    warnings = load_task(warehouse_path, seeds_dir)
    transform_task(warehouse_path)
    findings = checks_task(warehouse_path, as_of)
    rendered = render_task(warehouse_path, out_dir, as_of, warnings, author, table_rows)
    summary_task(rendered, findings)
    return Path(rendered["pdf"])
