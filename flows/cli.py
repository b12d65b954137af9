"""The `barometer` command line."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from flows.settings import RunSettings, load_settings

# The temporary Prefect server's telemetry heartbeat races its own SQLite database at start-up
# ("database is locked"); this tool reports nothing anywhere, so switch it off by default.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

EXIT_BUSY = 75  # EX_TEMPFAIL: another run holds the warehouse; try again later

app = typer.Typer(help="Track China's and Yiwu's cross-border e-commerce figures.",
                  no_args_is_help=True, add_completion=False)


review_app = typer.Typer(help="The review queue: numbers held instead of loaded "
                         "(docs/extraction.md#the-review-queue).",
                         add_completion=False)
app.add_typer(review_app, name="review")


def _print_version(asked: bool) -> None:
    """`barometer --version`: the installed package's version, then exit."""
    if asked:
        from importlib.metadata import version

        typer.echo(f"barometer {version('yiwu-barometer')}")
        raise typer.Exit


@app.callback()
def main(
    _version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print the installed version and exit.")] = False,
) -> None:
    """Track China's and Yiwu's cross-border e-commerce figures."""


@app.command()
def run(
    as_of: Annotated[datetime | None, typer.Option(
        "--as-of", formats=["%Y-%m-%d"],
        help="Print what was known on this date (default: today). A past date writes "
        "briefs/as-of/DATE-brief.pdf (and .html) and leaves latest-brief.pdf alone; a future "
        "one is refused.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Folder for the PDF and its HTML edition (default: warehouse/briefs).")
    ] = None,
    warehouse: Annotated[Path | None, typer.Option(
        "--warehouse", help="DuckDB file (default: warehouse/barometer.duckdb).")] = None,
    sources: Annotated[Path | None, typer.Option(
        "--sources", help="Source registry (default: warehouse/sources.toml).")] = None,
    collect: Annotated[bool, typer.Option(
        "--collect/--no-collect", help="Fetch the registry's sources (default: yes).")] = True,
    wait: Annotated[float, typer.Option(
        "--wait", min=0, help="If another run is in progress, wait up to SECONDS for it to "
        "finish (default: 0, exit at once with status 75).")] = 0.0,
) -> None:
    """Run the pipeline once (load, transform, checks, render) and print the PDF's path (its
    HTML edition lies beside it)."""
    from datetime import date

    from flows.brief.kind import AsOfError, brief_kind
    from flows.disk import DiskFull
    from flows.orchestration.prefect_server import PrefectServerError
    from flows.orchestration.run_lock import RunLocked, run_lock
    from flows.warehouse.db import WarehouseLocked

    if as_of is not None:
        try:
            brief_kind(as_of.date(), date.today())
        except AsOfError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
    settings = load_settings()
    given = {"warehouse_path": warehouse, "out_dir": out, "sources_path": sources}
    per_run = {name: path for name, path in given.items() if path is not None}
    if not collect:
        per_run["sources_path"] = None  # no source is collected
    run_settings = RunSettings.from_settings(
        settings, as_of=as_of.date() if as_of else None, **per_run)
    known = (RunLocked, DiskFull, WarehouseLocked, PrefectServerError)
    try:
        # The lock first: a second run touches nothing, not even Prefect (slow to import).
        with run_lock(run_settings.warehouse_path, wait):
            pdf = _run_flow(settings.prefect_port, known, run_settings)
    except known as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_BUSY if isinstance(exc, RunLocked) else 1) from None
    typer.echo(str(pdf))


def _run_flow(prefect_port: int, known: tuple[type[BaseException], ...],
              settings: RunSettings) -> Path:
    """Run the flow once against run_api's Prefect server, with a progress line on a terminal
    and the known one-line errors printed without their tracebacks."""
    from flows.orchestration.pipeline import barometer_brief
    from flows.orchestration.progress import one_line_errors, run_progress
    from flows.orchestration.run_api import run_api

    with run_api(prefect_port), one_line_errors(known), run_progress():
        return barometer_brief(settings)


@app.command()
def status(
    runs: Annotated[bool, typer.Option("--runs/--no-runs",
                                       help="Ask Prefect for the runs.")] = True,
    limit: Annotated[int, typer.Option("--limit", help="How many runs and briefs.")] = 5,
) -> None:
    """Is it working? Server, serve or worker, next run, last runs and their briefs, problems.

    Also the sources that failed in the last run, the review queue and the findings
    (docs/scheduling.md)."""
    from rich.console import Console

    from flows.orchestration.status import gather_status
    from flows.orchestration.status_view import print_status

    settings = load_settings()
    found = gather_status(settings.snapshot_path, settings.briefs_dir, settings.prefect_port,
                          runs, limit)
    print_status(Console(), found, runs)


@app.command()
def heal() -> None:
    """Mark runs whose process is gone Crashed and free their slot, once, by hand.

    serve and worker do it every BAROMETER_HEAL_INTERVAL seconds (docs/scheduling.md)."""
    from flows.orchestration.heal import heal as heal_runs
    from flows.orchestration.prefect_server import answers
    from flows.orchestration.status import api_url

    url = api_url(load_settings().prefect_port)
    if not answers(url):
        typer.echo(f"error: no Prefect server answers at {url}; start `barometer serve` or set "
                   "PREFECT_API_URL to the server's API", err=True)
        raise typer.Exit(1)
    os.environ["PREFECT_API_URL"] = url
    lines = heal_runs().lines()
    typer.echo("\n".join(lines) if lines else "nothing to heal: every active run has a process")


@app.command()
def worker(
    pool: Annotated[str | None, typer.Option(
        "--pool", help="Process work pool (default: BAROMETER_WORK_POOL, barometer).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The worker's name.")] = None,
) -> None:
    """Run a Prefect process worker for the deployment, healing this machine's runs.

    The deployment comes from prefect.yaml (`prefect deploy`); needs PREFECT_API_URL
    (docs/scheduling.md)."""
    from flows.orchestration.worker import run_worker

    settings = load_settings()
    if not os.environ.get("PREFECT_API_URL"):
        typer.echo("error: set PREFECT_API_URL to the Prefect server's API "
                   "(e.g. http://server:4200/api) before starting a worker", err=True)
        raise typer.Exit(2)
    raise typer.Exit(run_worker(pool or settings.work_pool, settings.heal_interval, name))


@app.command("deploy-config")
def deploy_config(
    out: Annotated[Path | None, typer.Option(
        "--out", help="Where to write it (default: prefect.yaml in the current folder).")] = None,
) -> None:
    """Write prefect.yaml: the weekly deployment on a process work pool, for `prefect deploy`."""
    from flows.orchestration.deploy_config import write_prefect_yaml
    from flows.orchestration.serve import deployment_parameters

    settings = load_settings()
    path = write_prefect_yaml(out or Path.cwd() / "prefect.yaml", deployment_parameters(settings),
                              settings.schedule_cron, settings.schedule_timezone,
                              settings.work_pool)
    typer.echo(str(path))


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="One read-only statement, e.g. 'from figures'.")],
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV with a header line.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of objects.")] = False,
    snapshot: Annotated[Path | None, typer.Option(
        "--snapshot", help="DuckDB file to read (default: the published snapshot).")] = None,
) -> None:
    """Run one read-only query on the published snapshot and print the rows (docs/querying.md)."""
    from flows.warehouse.query import QueryError, format_csv, format_json, print_table, run_query

    if as_csv and as_json:
        typer.echo("error: choose one of --csv and --json", err=True)
        raise typer.Exit(2)
    path = (snapshot or load_settings().snapshot_path).resolve()
    try:
        columns, rows = run_query(path, sql)
    except QueryError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if as_csv:
        typer.echo(format_csv(columns, rows), nl=False)
    elif as_json:
        typer.echo(format_json(columns, rows))
    else:
        from rich.console import Console

        print_table(Console(), columns, rows)


@app.command()
def serve(
    interval: Annotated[float | None, typer.Option(
        "--interval", help="Run every SECONDS instead of the cron schedule (to try it out).")]
    = None,
) -> None:
    """Serve the scheduled brief (default Monday 08:00 Asia/Shanghai) until Ctrl-C or SIGTERM.

    Starts a local Prefect server on 127.0.0.1 when PREFECT_API_URL is not set
    (docs/scheduling.md)."""
    from flows.orchestration.prefect_server import PrefectServerError
    from flows.orchestration.serve import serve_with_local_server

    try:
        serve_with_local_server(load_settings(), interval_seconds=interval)
    except PrefectServerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="A press release saved as .txt or .html.",
                                         exists=True, dir_okay=False, readable=True)],
    published: Annotated[datetime, typer.Option(
        "--published", formats=["%Y-%m-%d"],
        help="The release's publication date: relative periods (上半年, 今年) hang on it.")],
    lexicon: Annotated[str, typer.Option(
        "--lexicon", help="Lexicon in warehouse/lexicons/ mapping phrases to metrics.")] = "cbec",
    geography: Annotated[str | None, typer.Option(
        "--geography", help="Geography when the text names none (China, Yiwu).")] = None,
) -> None:
    """Print the figures a press release holds, one JSON object per line, without loading it."""
    import json

    from flows.extract import extract_figures, figure_json
    from flows.extract.documents import DocumentError, read_document
    from flows.extract.lexicon import LexiconError, lexicon_path, load_lexicon

    try:
        doc = read_document(file.read_bytes(), None, file.name)
        lex = load_lexicon(lexicon_path(lexicon))
    except (DocumentError, LexiconError) as exc:
        typer.echo(f"error: {file}: {exc}", err=True)
        raise typer.Exit(2) from None
    for fig in extract_figures(doc.text, published.date(), lex, geography):
        typer.echo(json.dumps(figure_json(fig), ensure_ascii=False))


def _review_fail(exc: Exception) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(1)


@review_app.callback(invoke_without_command=True)
def review(
    ctx: typer.Context,
    show_all: Annotated[bool, typer.Option(
        "--all", help="Every item with its decision, not only those awaiting review.")] = False,
    output: Annotated[str, typer.Option(
        "--format", help="table, csv or json.")] = "table",
    warehouse: Annotated[Path | None, typer.Option(
        "--warehouse", help="DuckDB file (default: warehouse/barometer.duckdb).")] = None,
) -> None:
    """List the numbers awaiting review, oldest first (accept or reject each by its ID)."""
    if ctx.invoked_subcommand is not None:
        return
    from flows.warehouse.query import format_csv, format_json, print_table
    from flows.warehouse.review import ReviewError, list_items

    if output not in ("table", "csv", "json"):
        typer.echo(f"error: --format {output!r}: use table, csv or json", err=True)
        raise typer.Exit(2)
    path = (warehouse or load_settings().warehouse_path).resolve()
    if not path.exists():
        typer.echo(f"error: no warehouse at {path}; run `barometer run` first", err=True)
        raise typer.Exit(1)
    try:
        columns, rows = list_items(path, show_all)
    except ReviewError as exc:
        raise _review_fail(exc) from None
    if output == "csv":
        typer.echo(format_csv(columns, rows), nl=False)
    elif output == "json":
        typer.echo(format_json(columns, rows))
    elif not rows:
        typer.echo("Nothing awaits review." if not show_all else "No item was ever held.")
    else:
        from rich.console import Console

        keep = ["review_id", "status", "published_on", "suggested_metric_id", "period_start",
                "period_end", "value_as_written", "multiplier_word", "unit", "yoy_pct",
                "reason", "quote"]
        picked = [columns.index(c) for c in keep]
        print_table(Console(), keep, [[row[i] for i in picked] for row in rows])


@review_app.command("accept")
def review_accept(
    review_id: Annotated[int, typer.Argument(help="The item's review_id.")],
    metric: Annotated[str | None, typer.Option(
        "--metric", help="The metric it measures (default: the extractor's suggestion).")]
    = None,
    period: Annotated[str | None, typer.Option(
        "--period", help="2024, 2024-H1, 2024-Q3, 2024-05, 2024-01..2024-09 or "
        "level:2025-02-28 (default: the period read).")] = None,
    comparator: Annotated[str | None, typer.Option(
        "--comparator", help="=, ~, >, >=, <, <= (default: the qualifier read).")] = None,
    yoy: Annotated[str | None, typer.Option(
        "--yoy", help="Year-on-year change in percent (default: the rate read).")] = None,
    yoy_comparator: Annotated[str | None, typer.Option(
        "--yoy-comparator", help="The rate's qualifier (default: =).")] = None,
    note: Annotated[str, typer.Option("--note", help="Why it is right; kept with it.")] = "",
    warehouse: Annotated[Path | None, typer.Option(
        "--warehouse", help="DuckDB file (default: warehouse/barometer.duckdb).")] = None,
) -> None:
    """Load a held number as a figure of its release, with its quote and your note."""
    from decimal import Decimal, InvalidOperation

    from flows.warehouse.review import ReviewError, accept

    settings = load_settings()
    try:
        rate = Decimal(yoy) if yoy is not None else None
    except InvalidOperation:
        typer.echo(f"error: --yoy {yoy!r} is not a number (write 10.8 for +10.8%)", err=True)
        raise typer.Exit(2) from None
    try:
        done = accept((warehouse or settings.warehouse_path).resolve(), review_id,
                      settings.reviewer, note, metric, period, comparator, rate,
                      yoy_comparator)
    except ReviewError as exc:
        raise _review_fail(exc) from None
    kind, start, end = done.period
    typer.echo(f"accepted item {review_id}: {done.metric_id} {kind} {start}..{end} is figure "
               f"{done.seq} of release {done.release_id}; the next brief shows it")


@review_app.command("reject")
def review_reject(
    review_id: Annotated[int, typer.Argument(help="The item's review_id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is not a figure; kept.")],
    warehouse: Annotated[Path | None, typer.Option(
        "--warehouse", help="DuckDB file (default: warehouse/barometer.duckdb).")] = None,
) -> None:
    """Settle a held number without loading it."""
    from flows.warehouse.review import ReviewError, reject

    settings = load_settings()
    try:
        reject((warehouse or settings.warehouse_path).resolve(), review_id, settings.reviewer,
               reason)
    except ReviewError as exc:
        raise _review_fail(exc) from None
    typer.echo(f"rejected item {review_id}: {reason.strip()}")


if __name__ == "__main__":
    app()
