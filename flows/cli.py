"""The `barometer` command line."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from flows.settings import load_settings

# The temporary Prefect server's telemetry heartbeat races its own SQLite database at start-up
# ("database is locked"); this tool reports nothing anywhere, so switch it off by default.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

app = typer.Typer(help="Track China's and Yiwu's cross-border e-commerce figures.",
                  no_args_is_help=True, add_completion=False)


@app.callback()
def main() -> None:
    """Track China's and Yiwu's cross-border e-commerce figures."""


@app.command()
def run(
    as_of: Annotated[datetime | None, typer.Option(
        "--as-of", formats=["%Y-%m-%d"],
        help="Print what was known on this date (default: today).")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder for the PDF (default: warehouse/briefs).")] = None,
    warehouse: Annotated[Path | None, typer.Option(
        "--warehouse", help="DuckDB file (default: warehouse/barometer.duckdb).")] = None,
) -> None:
    """Run the pipeline once (load, transform, checks, render) and print the PDF's path."""
    from flows.pipeline import barometer_brief  # Prefect is slow to import; keep --help fast.

    settings = load_settings()
    pdf = barometer_brief(
        warehouse_path=(warehouse or settings.warehouse_path).resolve(),
        out_dir=(out or settings.briefs_dir).resolve(),
        seeds_dir=settings.seeds_dir.resolve(),
        as_of=as_of.date() if as_of else None,
        author=settings.brief_author,
        table_rows=settings.brief_table_rows,
    )
    typer.echo(str(pdf))


if __name__ == "__main__":
    app()
