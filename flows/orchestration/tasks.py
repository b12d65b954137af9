"""Prefect tasks: thin wrappers that log and hand plain values between the plain functions.

A task is one step a person watching the run would name (load, collect a source, transform,
render, publish), not one per function: each task run costs Prefect's engine and the server
work (events, a row, logs), so small steps share a task. No task caches or persists its result:
every run does its work afresh, and the cache key Prefect would otherwise hash from each task's
inputs (the brief's data among them) is never used.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from prefect import task
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger
from prefect.runtime import flow_run

from flows.brief.data import collect_brief
from flows.brief.render import StagedBrief, stage_brief
from flows.ingest.collect import CollectContext, collect_source
from flows.ingest.fetch import PROJECT_URL
from flows.ingest.inbox import process_inbox
from flows.ingest.sources import RegistryError, Source, load_registry
from flows.model.run_warnings import RunWarning, refused_releases, source_failures
from flows.orchestration.notify import ChangeSummary, notify_brief, summarise_changes
from flows.orchestration.publish import BriefRecord, publish_run, repair_unfinished_publication
from flows.scratch import remove_orphaned_scratch
from flows.warehouse.build_and_check import (
    CheckResult,
    build_warehouse,
    enforce_blocking,
    run_checks,
)
from flows.warehouse.load import load_seeds

NOT_CACHED: dict[str, Any] = {"cache_policy": NO_CACHE, "persist_result": False}


@dataclass(frozen=True)
class SourceRegistry:
    """The sources a run collects, the contact their User-Agent names, and a broken registry's
    warning (then no source)."""

    sources: tuple[Source, ...]
    contact: str
    warnings: tuple[RunWarning, ...] = ()


@dataclass(frozen=True)
class NewRelease:
    """A release the run's artifacts list: new since the previous brief, or in the first."""

    release: str
    title: str
    publisher: str
    published_on: str
    figures: int


@dataclass(frozen=True)
class RenderedBrief:
    """A brief rendered under hidden names (publish_task puts it in place) and what the run's
    artifacts and message say of it."""

    staged: StagedBrief
    as_of: date
    kind: str  # 'regular' or 'as-of' (back-dated)
    generated_at: datetime
    headlines: tuple[str, ...]  # "metric, period: value", as page 1 prints them
    warnings: tuple[str, ...]
    is_first: bool  # no previous brief to compare with
    changes: ChangeSummary  # for the run's message (flows/orchestration/notify.py)
    new_releases: tuple[NewRelease, ...]

    @property
    def pdf(self) -> Path:
        """Where the PDF is published."""
        return self.staged.target


@task(name="load releases", **NOT_CACHED)
def load_task(warehouse_path: Path, seeds_dir: Path, inbox_dir: Path | None,
              raw_dir: Path) -> list[RunWarning]:
    """Under the run lock: clear what a killed run left, load reference seeds and curated
    releases, then the inbox (when given); return a warning per refused release or file."""
    logger = get_run_logger()
    _prepare(logger, warehouse_path)
    summary = load_seeds(warehouse_path, seeds_dir)
    logger.info("loaded %d release(s), %d already present", len(summary.loaded),
                len(summary.unchanged))
    warnings = refused_releases(str(error) for error in summary.rejected)
    for warning in warnings:
        logger.warning("%s", warning)
    if inbox_dir is not None:
        warnings += _load_inbox(logger, warehouse_path, inbox_dir, raw_dir)
    return warnings


def _prepare(logger: Any, warehouse_path: Path) -> None:
    """Clear what a killed run left (scratch folders, a half-published brief's record) so this
    run starts clean."""
    for folder in remove_orphaned_scratch():
        logger.info("removed %s, left by a run that was killed", folder)
    repaired = repair_unfinished_publication(warehouse_path)
    if repaired:
        logger.warning("%s", repaired)


def _load_inbox(logger: Any, warehouse_path: Path, inbox_dir: Path,
                raw_dir: Path) -> list[RunWarning]:
    """Load what analysts dropped in the inbox; return a warning per refused file."""
    report = process_inbox(warehouse_path, inbox_dir, warehouse_path.parent, raw_dir)
    logger.info("inbox: %d file(s) processed, %d release(s) loaded, %d refused",
                len(report.processed), len(report.loaded), len(report.rejected))
    for line in report.rejected:
        logger.warning("inbox: %s", line)
    for line in report.left:
        logger.info("inbox: %s", line)
    return refused_releases(report.warnings())


@task(name="read source registry", **NOT_CACHED)
def registry_task(sources_path: Path) -> SourceRegistry:
    """Read the enabled sources and the contact the User-Agent names; a broken registry is a
    warning, and no source is collected."""
    try:
        registry = load_registry(sources_path)
    except RegistryError as exc:
        get_run_logger().warning("%s", exc)
        return SourceRegistry((), PROJECT_URL, tuple(source_failures([str(exc)], None)))
    return SourceRegistry(tuple(registry.enabled()), registry.contact)


@task(name="collect source", task_run_name="collect {source.id}", **NOT_CACHED)
def collect_task(warehouse_path: Path, raw_dir: Path, source: Source, run_id: str,
                 contact: str) -> list[RunWarning]:
    """Fetch, archive, parse and load one source; its failure is a warning, never the run's.

    Each request is logged (INFO) and each retry (WARNING) as it happens, so a slow source shows
    in the log and the progress line while it runs; the summary only counts the retries.
    """
    logger = get_run_logger()

    def notify(level: int, message: str) -> None:
        logger.log(level, "%s", message)

    ctx = CollectContext(db_path=warehouse_path, warehouse_dir=warehouse_path.parent,
                         raw_dir=raw_dir, run_id=run_id, contact=contact, notify=notify)
    try:
        report = collect_source(ctx, source)
    except Exception as exc:  # one broken source must not stop the others
        logger.exception("source %s failed", source.id)
        return source_failures(
            [f"source {source.id}: collection failed ({exc}); the other sources still ran"],
            source.id)
    logger.info("source %s: %d request(s), %d retried, %d not modified, %d new payload(s), "
                "%d seen before, %d release(s) loaded", source.id, report.requests,
                len(report.retries), report.not_modified, report.payloads_new,
                report.payloads_seen, len(report.loaded))
    warnings = report.run_warnings()
    for warning in warnings:
        logger.warning("%s", warning)
    return warnings


@task(name="transform and check", **NOT_CACHED)
def transform_task(warehouse_path: Path, as_of: date) -> CheckResult:
    """Build staging, marts, views and checks in SQL, then run every check: fail on blocking
    errors, log the warnings, count the notes."""
    logger = get_run_logger()
    build = build_warehouse(warehouse_path)
    logger.info("built %d SQL files (%s build, %d metric(s) recomputed)", len(build.files),
                build.kind, build.metrics_rebuilt)
    checks = run_checks(warehouse_path, as_of)
    # Errors and warnings one by one; notes (a large history has tens of thousands) counted.
    for finding in checks.findings:
        logger.warning("%s: %s", finding["severity"], finding["message"])
    enforce_blocking(checks)
    logger.info("%d warning(s), none blocking; %d note(s), listed in the brief's findings.csv",
                len(checks.findings), checks.notes)
    return checks


@task(name="render brief", **NOT_CACHED)
def render_task(warehouse_path: Path, out_dir: Path, as_of: date, warnings: list[RunWarning],
                author: str, table_rows: int, kind: str = "regular",
                sources_tried: int = 0) -> RenderedBrief:
    """Collect the brief's data and render the PDF under a hidden name (publish_task puts it in
    place). kind 'as-of' (a back-dated brief) goes under out_dir/as-of/ and keeps
    latest-brief.pdf. sources_tried: how many sources this run collected (page 1 says how many
    of them failed)."""
    data = collect_brief(warehouse_path, as_of, datetime.now(UTC), table_rows,
                         warnings, sources_tried)
    data.kind = kind
    staged = stage_brief(data, out_dir, author)
    get_run_logger().info("brief rendered, to be published as %s (HTML edition: %s)",
                          staged.target, staged.html)
    return RenderedBrief(
        staged=staged, as_of=as_of, kind=kind, generated_at=data.generated_at,
        headlines=tuple(f"{h['metric_name']}, {h['period_label']}: "
                        f"{h['value_text'] if h['value'] is not None else h['yoy_text']}"
                        for h in data.headlines),
        warnings=tuple(str(w) for w in data.warnings),
        is_first=not data.changes.has_previous,
        changes=summarise_changes(data.changes),
        new_releases=tuple(
            NewRelease(r["release_id"], r["title"], r["publisher"],
                       r["published_on"].isoformat(), r["figure_count"])
            for r in (data.changes.new_releases if data.changes.has_previous else data.releases)),
    )


@task(name="publish", **NOT_CACHED)
def publish_task(warehouse_path: Path, rendered: RenderedBrief, snapshot_path: Path | None,
                 checks: CheckResult) -> Path:
    """Publish the brief, its record and the analysts' snapshot together, or none of them (the
    brief's record lets the next one say what changed); then summarise the run in artifacts and
    send its message (BAROMETER_NOTIFY_URLS; one that fails is a warning)."""
    record = BriefRecord(rendered.generated_at.isoformat(), rendered.as_of.isoformat(),
                         flow_run.get_id(), rendered.kind)
    pdf = publish_run(warehouse_path, rendered.staged, record, snapshot_path)
    logger = get_run_logger()
    logger.info("brief written to %s", pdf)
    if snapshot_path is not None:
        logger.info("snapshot published to %s", snapshot_path)
    summarise_run(rendered, checks)
    notify_brief(rendered.changes, str(pdf), rendered.as_of.isoformat(), rendered.kind,
                 len(rendered.warnings), flow_run.get_id(), logger)
    return pdf


def summarise_run(rendered: RenderedBrief, checks: CheckResult) -> None:
    """Publish the run's artifacts: headline figures, findings and the brief's path (markdown),
    the new releases (table) and a link to the PDF."""
    lines = ["# Barometer brief", "", f"Brief: `{rendered.pdf}`", "", "## Headline figures"]
    lines += [f"- {line}" for line in rendered.headlines]
    lines += ["", f"## Findings ({len(checks.findings) + checks.notes})"]
    lines += [f"- **{f['severity']}**: {f['message']}" for f in checks.findings]
    if checks.notes:
        lines.append(f"- {checks.notes} note(s) (severity info): every one is in the brief's "
                     "findings.csv")
    elif not checks.findings:
        lines.append("- none")
    if rendered.warnings:
        lines += ["", "## Warnings"] + [f"- {w}" for w in rendered.warnings]
    create_markdown_artifact(key="barometer-brief", markdown="\n".join(lines),
                             description="Headline figures, findings and the brief's path")
    create_table_artifact(
        key="barometer-new-releases",
        table=[asdict(r) for r in rendered.new_releases] or [{"release": "none"}],
        description=("Releases in the first brief" if rendered.is_first
                     else "Releases new since the previous brief"))
    create_link_artifact(key="barometer-brief-pdf", link=rendered.pdf.as_uri(),
                         link_text=rendered.pdf.name, description="The brief (PDF)")
