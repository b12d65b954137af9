"""How `barometer status` prints a Status: a few plain lines and one table of runs."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flows.orchestration.status import Status


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def _state(run: dict) -> str:
    if "concurrency limit" in run["message"].lower():
        return f"{run['state']} (concurrency limit reached)"
    return run["state"]


def print_prefect(console: Console, found: Status) -> None:
    """The server, the runner/worker, the next run and the last finished runs."""
    if not found.server_up:
        console.print(f"[red]server: down[/red] — {escape(found.server_error or '')}. "
                      "Start it with `barometer serve` (or set PREFECT_API_URL).")
        return
    console.print(f"server: up at {found.api_url}")
    if found.deployment is None:
        console.print("deployment barometer-brief/weekly-brief: not registered "
                      "(start `barometer serve`, or `prefect deploy` for workers)")
    elif found.serving:
        paused = " (schedule paused)" if found.deployment.get("paused") else ""
        console.print(f"serve/worker: up — polled the deployment {found.polled_seconds_ago:.0f} s "
                      f"ago{paused}")
    else:
        console.print("[yellow]serve/worker: none polling the deployment[/yellow] — no run will "
                      "start until `barometer serve` or `barometer worker` runs")
    nxt = found.next_run
    console.print(f"next run: {_when(nxt['expected'])} ({nxt['name']})" if nxt
                  else "next run: none scheduled")
    for run in found.active:
        console.print(f"in progress: {run['name']} {run['state']} since {_when(run['start'])}")
    for run in found.waiting_for_slot:
        console.print(f"[yellow]waiting for the concurrency slot: {run['name']}[/yellow] "
                      "(Deployment concurrency limit reached)")
    if not found.finished:
        console.print("No finished run yet.")
        return
    table = Table(title="Last finished runs of barometer-brief")
    for column in ("run", "state", "ended", "seconds", "scheduled", "brief"):
        table.add_column(column)
    for run in found.finished:
        table.add_row(run["name"], _state(run), _when(run["end"]), f"{run['duration_s']:.1f}",
                      "yes" if run["scheduled"] else "no", run["brief"] or "—")
    console.print(table)


def print_status(console: Console, found: Status, with_runs: bool = True) -> None:
    """Everything `barometer status` shows."""
    if with_runs:
        print_prefect(console, found)
    for source in found.failed_sources:
        console.print(f"[yellow]failed source in the last run: {source['source_id']}[/yellow] "
                      f"— {escape(source['error'] or 'no answer')}")
    if found.counts is not None:
        c = found.counts
        console.print(f"review queue: {c['awaiting_review']} number(s) awaiting review "
                      "(`barometer review`)")
        console.print(f"findings today: {c['errors']} error(s), {c['warnings']} warning(s), "
                      f"{c['infos']} note(s)")
    for b in found.briefs:
        label = " (back-dated)" if b["kind"] == "as-of" else ""
        console.print(f"brief {b['generated_at']:%Y-%m-%d %H:%M} as of {b['as_of']}{label}: "
                      f"{b['pdf_path']} ({b['releases']} releases)")
    console.print(f"latest brief: {found.latest_brief or 'none yet (run barometer run)'}")
    console.print(f"snapshot: {found.snapshot or 'none yet'}"
                  + (f" (published {found.snapshot_at:%Y-%m-%d %H:%M} UTC)"
                     if found.snapshot_at else ""))
