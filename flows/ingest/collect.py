"""Collect one source: fetch, archive the payload unchanged, parse, load, log every attempt.

The whole source runs against one deadline (its `deadline_seconds`); each request and each
retry is told to the context's `notify` as it happens, not at the end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from flows.extract.documents import DocumentError, decode_payload
from flows.ingest.archive import ArchivedPayload, archive_payload
from flows.ingest.feed import FeedError, feed_links
from flows.ingest.fetch import (
    DEADLINE_ADVICE,
    PROJECT_URL,
    Deadline,
    FetchPolicy,
    FetchResult,
    Retrying,
    Validators,
    fetch,
    user_agent,
)
from flows.ingest.ingest_payload import Payload, ingest_payload, record_payload
from flows.ingest.sources import Source
from flows.model.run_warnings import RunWarning, refused_releases, source_failures
from flows.warehouse import sqlrunner
from flows.warehouse.db import connect


@dataclass(frozen=True)
class CollectContext:
    """Where a run keeps things, how it reaches the network (tests pass a fast sleep), and
    where progress goes as it happens: notify(logging level, one-line message)."""

    db_path: Path
    warehouse_dir: Path
    raw_dir: Path
    run_id: str
    contact: str = PROJECT_URL
    sleep: Callable[[float], None] | None = None
    notify: Callable[[int, str], None] | None = None

    def say(self, level: int, message: str) -> None:
        """Pass a progress line to notify, if there is one."""
        if self.notify is not None:
            self.notify(level, message)


@dataclass
class SourceReport:
    """What collecting one source did, for the run's log and the brief."""

    source_id: str
    requests: int = 0
    not_modified: int = 0
    payloads_new: int = 0
    payloads_seen: int = 0
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    retries: list[str] = field(default_factory=list)

    @property
    def is_ok(self) -> bool:
        """True when nothing failed and nothing was refused."""
        return not (self.rejected or self.failures)

    def run_warnings(self) -> list[RunWarning]:
        """One warning per failure (the source's) or refusal (a release's), worded for the
        brief, each with its kind."""
        prefix = f"source {self.source_id}: "
        return (source_failures([prefix + m for m in self.failures], self.source_id)
                + refused_releases([prefix + m for m in self.rejected], self.source_id))

    def warnings(self) -> list[str]:
        """One line per failure or refusal, worded for the brief."""
        return [w.text for w in self.run_warnings()]


def policy_for(source: Source, contact: str, content_types: tuple[str, ...]) -> FetchPolicy:
    """The fetch policy a source's registry entry asks for."""
    return FetchPolicy(
        allowed_hosts=frozenset(source.allowed_hosts), content_types=content_types,
        max_bytes=source.max_bytes, connect_timeout=source.connect_timeout,
        read_timeout=source.read_timeout, attempts=source.attempts,
        backoff_base=source.backoff_base, backoff_max=source.backoff_max,
        user_agent=user_agent(contact))


def retry_line(source_id: str, retry: Retrying) -> str:
    """The warning logged as a retry is decided, e.g. '…; retry 1 of 3 in 1.3 s'."""
    return (f"source {source_id}: {retry.url}: {retry.error}; retry {retry.retry} of "
            f"{retry.retries} in {retry.wait_s:.1f} s")


def _fetch_kwargs(ctx: CollectContext, source: Source, deadline: Deadline) -> dict[str, Any]:
    """The deadline, the test sleep, and callbacks that tell each request and retry at once."""
    kwargs: dict[str, Any] = {"deadline": deadline}
    if ctx.sleep:
        kwargs["sleep"] = ctx.sleep
    if ctx.notify is not None:
        def on_request(url: str, attempt: int) -> None:
            tries = f" (attempt {attempt} of {source.attempts})" if attempt > 1 else ""
            ctx.say(logging.INFO, f"source {source.id}: fetching {url}{tries}")

        kwargs["on_request"] = on_request
        kwargs["on_retry"] = lambda retry: ctx.say(logging.WARNING, retry_line(source.id, retry))
    return kwargs


def _validators(ctx: CollectContext, source_id: str, url: str) -> Validators | None:
    with connect(ctx.db_path) as con:
        rows = sqlrunner.fetch_dicts(con, "load/last_validators", [source_id, url])
    return Validators(rows[0]["etag"], rows[0]["last_modified"]) if rows else None


def _log_attempts(con: duckdb.DuckDBPyConnection, ctx: CollectContext, source_id: str,
                  url: str, result: FetchResult, payload_sha: str | None) -> None:
    rows = []
    for number, attempt in enumerate(result.attempts, start=1):
        is_last = number == len(result.attempts)
        rows.append([
            ctx.run_id, source_id, url, attempt.url, number, attempt.started_at,
            attempt.status, attempt.bytes, attempt.duration_s * 1000, attempt.outcome,
            attempt.error, result.etag if is_last else None,
            result.last_modified if is_last else None, payload_sha if is_last else None,
        ])
    if rows:
        sqlrunner.executemany(con, "load/insert_fetch_attempt", rows)


def store_payload(con: duckdb.DuckDBPyConnection, ctx: CollectContext, source: Source,
                  kind: str, result: FetchResult, requested_url: str,
                  archived: ArchivedPayload, report: SourceReport) -> None:
    """Parse and load a newly seen payload through the one ingest path; report what became
    of it."""
    payload = Payload.fetched(source, kind, result.body or b"", archived, ctx.warehouse_dir,
                              requested_url, result.url, result.content_type)
    ingested = ingest_payload(con, payload)
    if ingested.error is not None:
        report.rejected.append(f"{requested_url}: {ingested.error.problem} (payload kept at "
                               f"{payload.archived_path})")
    report.loaded += ingested.loaded
    report.unchanged += ingested.unchanged


def collect_url(ctx: CollectContext, source: Source, url: str, kind: str,
                content_types: tuple[str, ...], report: SourceReport, deadline: Deadline,
                items_after: int = 0) -> FetchResult:
    """Fetch one URL of a source (conditionally), archive and load what is new; log it all.

    items_after: feed items still to come, named in the failure if the deadline stops this one.
    """
    validators = _validators(ctx, source.id, url)
    result = fetch(url, policy_for(source, ctx.contact, content_types), validators,
                   **_fetch_kwargs(ctx, source, deadline))
    report.requests += len(result.attempts)
    report.retries += [
        f"{a.url}: attempt {n} got {a.status or a.error}; retried"
        for n, a in enumerate(result.attempts, start=1) if a.outcome == "retry"]
    archived = None
    if result.outcome == "fetched" and result.body is not None:
        # Archive before parsing: whatever happens next, the payload can be read again.
        archived = archive_payload(ctx.raw_dir, source.id, result.body)
    with connect(ctx.db_path) as con:
        _log_attempts(con, ctx, source.id, url, result, archived.sha256 if archived else None)
        if result.outcome == "failed":
            left = (f" {items_after} more feed item(s) were not fetched; the next run tries "
                    "them." if result.deadline_passed and items_after else "")
            report.failures.append(f"{url}: {result.error}{left}")
        elif result.outcome == "not_modified":
            report.not_modified += 1
        elif archived is not None:
            seen = sqlrunner.fetch_dicts(con, "load/find_payload", [source.id, archived.sha256])
            if seen:
                report.payloads_seen += 1
            else:
                report.payloads_new += 1
                if kind == "feed":  # a listing: kept and recorded; collect_feed follows it
                    record_payload(con, Payload.fetched(
                        source, kind, result.body or b"", archived, ctx.warehouse_dir, url,
                        result.url, result.content_type), "listed")
                else:
                    store_payload(con, ctx, source, kind, result, url, archived, report)
    return result


def _followed_urls(ctx: CollectContext, source_id: str) -> set[str]:
    with connect(ctx.db_path) as con:
        rows = sqlrunner.fetch_dicts(con, "load/followed_urls", [source_id])
    return {r["requested_url"] for r in rows}


def collect_feed(ctx: CollectContext, source: Source, report: SourceReport,
                 deadline: Deadline) -> None:
    """Fetch a feed, then every listed release not already collected, until the deadline."""
    result = collect_url(ctx, source, source.url, "feed", source.accepted_types, report,
                         deadline)
    if result.outcome == "failed":
        return
    body = result.body
    if body is None:  # 304: read the listing from the archive, to retry items that failed
        last = _last_feed_payload(ctx, source.id)
        if last is None:
            return
        body = last.read_bytes()
    try:
        text = decode_payload(body, result.content_type)
        links = feed_links(text, result.url, source.follow or "", source.allowed_hosts,
                           source.max_items)
    except (DocumentError, FeedError) as exc:
        report.failures.append(f"{source.url}: the feed cannot be read ({exc})")
        return
    if not links:
        report.failures.append(f"{source.url}: the feed lists no link matching {source.follow!r}")
    done = _followed_urls(ctx, source.id)
    pending = [link for link in links if link not in done]
    for index, link in enumerate(pending):
        if deadline.left() <= 0:
            report.failures.append(
                f"{source.url}: the source's deadline of {deadline.seconds:g} s passed with "
                f"{len(pending) - index} feed item(s) not fetched; the next run tries them. "
                f"{DEADLINE_ADVICE}")
            return
        item = collect_url(ctx, source, link, source.item_kind, source.item_types(), report,
                           deadline, items_after=len(pending) - index - 1)
        if item.deadline_passed:
            return


def _last_feed_payload(ctx: CollectContext, source_id: str) -> Path | None:
    with connect(ctx.db_path) as con:
        rows = sqlrunner.fetch_dicts(con, "load/last_feed_payload", [source_id])
    return (ctx.warehouse_dir / rows[0]["archived_path"]) if rows else None


def collect_source(ctx: CollectContext, source: Source) -> SourceReport:
    """Collect one source; every problem becomes part of the report, never an exception."""
    report = SourceReport(source.id)
    deadline = Deadline.after(source.deadline_seconds)
    ctx.say(logging.INFO, f"source {source.id}: collecting {source.url} ({source.kind}, "
            f"deadline {source.deadline_seconds:g} s)")
    if source.kind == "feed":
        collect_feed(ctx, source, report, deadline)
    else:
        collect_url(ctx, source, source.url, source.kind, source.accepted_types, report,
                    deadline)
    return report
