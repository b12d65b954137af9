"""Tell people about a run: what a brief found new, or why a run failed, with Apprise.

The destinations are the Apprise URLs of BAROMETER_NOTIFY_URLS (none by default: nothing is
sent). A message that cannot be sent is a WARNING in the run's log and nothing more: it never
fails a run, nor hides a run's own failure.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.brief.data import Changes, Row
from flows.brief.render import html_beside

# How many lines of each kind of change a message lists; the counts say how many there are.
FEW = 3
TITLE_ERROR_CHARS = 100
ERROR_CHARS = 400
# Prefect's words before an exception's own, in a failed state's message.
PREFECT_PREFIX = "Flow run encountered an exception: "
# A URL in what Apprise logs: left out of the run's log, as it may carry a password or token.
URL_IN_TEXT = re.compile(r"\S+://\S+")


@dataclass(frozen=True)
class ChangeSummary:
    """What changed since the previous brief, in the brief's own words: a line a change."""

    since: str  # "the brief of 24 November 2025 08:00 UTC (data as of 2025-11-23)"; "" if first
    new_releases: tuple[str, ...] = ()
    new_figures: tuple[str, ...] = ()
    revisions: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()

    @property
    def is_first(self) -> bool:
        """True for a first brief: it has nothing to compare with."""
        return not self.since


@dataclass(frozen=True)
class Message:
    """A notification: a title that tells at a glance, and a short plain-text body."""

    title: str
    body: str
    is_failure: bool = False


def _figure_line(row: Row) -> str:
    """A figure as the brief's "What changed" lists it: value (growth), or growth alone."""
    line = f"{row['metric_name']}, {row['period_label']}: "
    line += row["value_text"] if row["value"] is not None else row["yoy_text"]
    if row["value"] is not None and row.get("yoy_pct") is not None:
        line += f" ({row['yoy_text']})"
    return line


def summarise_changes(changes: Changes) -> ChangeSummary:
    """The brief's "What changed since the last brief", a line a change, worded as it prints."""
    if changes.previous is None:
        return ChangeSummary(since="")
    previous = changes.previous
    return ChangeSummary(
        since=(f"the brief of {previous['generated_at']:%-d %B %Y %H:%M} UTC "
               f"(data as of {previous['as_of'].isoformat()})"),
        new_releases=tuple(f"{r['title']} ({r['publisher']}, {r['published_on'].isoformat()}, "
                           f"{_count(r['figure_count'], 'figure', 'figures')})"
                           for r in changes.new_releases),
        new_figures=tuple(_figure_line(f) for f in changes.new_figures),
        revisions=tuple(f"{r['short_name'] or r['metric_name']}, {r['period_label']}: "
                        f"{r['old_text']} ({r['old_publisher']}) → {r['new_text']} "
                        f"({r['new_publisher']})" for r in changes.revisions),
        accepted=tuple(f"{_figure_line(a)}, from release {a['release_id']}"
                       for a in changes.accepted),
    )


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _headline(summary: ChangeSummary) -> str:
    """The title's words for what changed: each kind that did, with its count."""
    counts = [
        _count(len(summary.new_releases), "new release", "new releases"),
        _count(len(summary.new_figures), "new figure", "new figures"),
        _count(len(summary.revisions), "revision", "revisions"),
        f"{len(summary.accepted)} accepted in review",
    ]
    kinds = (summary.new_releases, summary.new_figures, summary.revisions, summary.accepted)
    return ", ".join(words for words, lines in zip(counts, kinds, strict=True) if lines) \
        or "no changes"


def _listed(label: str, lines: Sequence[str]) -> list[str]:
    """The first FEW lines of one kind of change, and how many more the brief lists."""
    shown = [f"- {label}: {line}" for line in lines[:FEW]]
    if len(lines) > FEW:
        shown.append(f"- … and {len(lines) - FEW} more in the brief")
    return shown


def compose_brief_message(summary: ChangeSummary, pdf: str, as_of: str, kind: str,
                          run_url: str, warnings: int = 0) -> Message:
    """The message of a run that made a brief: what changed, the brief's path, the run's URL."""
    which = (f"Barometer brief as of {as_of} (back-dated)" if kind == "as-of"
             else f"Barometer brief {as_of}")
    if summary.is_first:
        headline = "first brief"
        lines = ["This is the first brief: there is nothing to compare with yet."]
    else:
        headline, s = _headline(summary), summary
        lines = [
            f"What changed since {s.since}: "
            f"{_count(len(s.new_releases), 'new release', 'new releases')}, "
            f"{_count(len(s.new_figures), 'figure', 'figures')} reported for the first time, "
            f"{_count(len(s.revisions), 'revision', 'revisions')}, "
            f"{_count(len(s.accepted), 'figure', 'figures')} accepted in review.",
            *_listed("New release", s.new_releases),
            *_listed("New figure", s.new_figures),
            *_listed("Revised", s.revisions),
            *_listed("Accepted in review", s.accepted),
        ]
    if warnings:
        lines.append(f"{_count(warnings, 'warning', 'warnings')} in the brief.")
    lines += ["", f"Brief: {pdf}", f"HTML edition: {html_beside(Path(pdf))}",
              f"Run: {run_url}"]
    return Message(f"{which}: {headline}", "\n".join(lines))


def one_line_error(message: str | None) -> str:
    """A failed state's message in one bounded line: Prefect's preamble off, its lines joined
    (a blocking check lists its figures on lines of their own)."""
    text = " ".join(line.strip() for line in (message or "").splitlines() if line.strip())
    line = text.removeprefix(PREFECT_PREFIX) or "no message"
    return line if len(line) <= ERROR_CHARS else line[: ERROR_CHARS - 1] + "…"


def compose_failure_message(error: str, run_url: str, crashed: bool = False) -> Message:
    """The message of a run that failed (or crashed): the one-line error and the run's URL."""
    what = "crashed" if crashed else "failed"
    short = error if len(error) <= TITLE_ERROR_CHARS else error[: TITLE_ERROR_CHARS - 1] + "…"
    body = (f"The run {what}: {error}\nThe previous brief and snapshot stay as they were."
            f"\n\nRun: {run_url}")
    return Message(f"Barometer run {what}: {short}", body, is_failure=True)


def run_url(flow_run_id: Any) -> str:
    """Where to see a flow run: its page in Prefect's UI, or its API URL when no UI is known."""
    from prefect.utilities.urls import url_for

    if flow_run_id is None:
        return "(not run by Prefect: no run URL)"
    return (url_for("flow-run", obj_id=flow_run_id)
            or url_for("flow-run", obj_id=flow_run_id, url_type="api")
            or f"flow run {flow_run_id} (no Prefect API URL is set)")


class _Said(logging.Handler):
    """Keeps what Apprise logs, as lines, with any URL in them left out (it may hold a token)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(URL_IN_TEXT.sub("…", record.getMessage()))


@contextlib.contextmanager
def _apprise_said() -> Iterator[_Said]:
    """What Apprise says at WARNING and above, kept for the run's WARNING line instead of
    going to the root logger: one line a failure, none with a secret."""
    logger = logging.getLogger("apprise")
    said, propagate, level = _Said(), logger.propagate, logger.level
    logger.addHandler(said)
    logger.propagate = False
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    try:
        yield said
    finally:
        logger.removeHandler(said)
        logger.propagate, logger.level = propagate, level


def _scheme_only(url: str) -> str:
    """A destination Apprise could not read, named by its scheme alone: 'mailtos://…'."""
    return f"{url.partition('://')[0]}://…"


def _send_one(message: Message, url: str) -> tuple[str, str | None]:
    """Send message to one Apprise URL: (the destination without its secrets, the problem or
    None when it was delivered)."""
    import apprise

    app = apprise.Apprise()
    kind = apprise.NotifyType.FAILURE if message.is_failure else apprise.NotifyType.SUCCESS
    with _apprise_said() as said:
        if not app.add(url):
            reasons = "; ".join(["not an Apprise URL (unknown scheme, or a part missing)",
                                 *said.lines])
            return _scheme_only(url), reasons
        where = app[0].url(privacy=True).split("?", 1)[0]
        try:
            delivered = app.notify(body=message.body, title=message.title, notify_type=kind,
                                   body_format=apprise.NotifyFormat.TEXT)
        except Exception as exc:  # a broken plugin must not fail the run either
            return where, f"{type(exc).__name__}: {exc}"
    return where, None if delivered else ("; ".join(said.lines) or "Apprise reported a failure")


def send(message: Message, urls: Sequence[str], logger: Any) -> int:
    """Send message to every destination; return how many took it. Each one that did not is a
    WARNING in logger, naming it without its secrets; nothing is raised."""
    delivered = 0
    for url in urls:
        try:
            where, problem = _send_one(message, url)
        except Exception as exc:  # whatever happens, the run goes on
            where, problem = _scheme_only(url), f"{type(exc).__name__}: {exc}"
        if problem is None:
            delivered += 1
        else:
            logger.warning("notification not sent to %s: %s", where, problem)
    if urls:
        logger.info("notification %r sent to %d of %d destination(s)", message.title,
                    delivered, len(urls))
    return delivered


def notify_brief(summary: ChangeSummary, pdf: str, as_of: str, kind: str, warnings: int,
                 flow_run_id: Any, logger: Any) -> None:
    """Send the message of a run that made a brief, when destinations are set; never raise."""
    try:
        urls = destinations(logger)
        if urls:
            send(compose_brief_message(summary, pdf, as_of, kind, run_url(flow_run_id),
                                       warnings), urls, logger)
    except Exception as exc:  # the brief is published: nothing here may fail the run
        logger.warning("notification of the brief not sent: %s", exc)


def destinations(logger: Any) -> list[str]:
    """BAROMETER_NOTIFY_URLS, read when a message is due; a setting that cannot be read is a
    WARNING, and nothing is sent."""
    from flows.settings import load_settings

    try:
        return load_settings().notify_destinations
    except Exception as exc:
        logger.warning("notifications off: the settings could not be read (%s)", exc)
        return []


def notify_failed_run(flow: Any, flow_run: Any, state: Any) -> None:
    """A flow hook (on_failure, on_crashed): send the failed run's message; never raise."""
    from prefect.logging.loggers import flow_run_logger

    logger = flow_run_logger(flow_run, flow)
    try:
        urls = destinations(logger)
        if urls:
            message = compose_failure_message(one_line_error(state.message),
                                              run_url(flow_run.id), state.is_crashed())
            send(message, urls, logger)
    except Exception as exc:  # the run's own failure is what its state must say
        logger.warning("notification of the failed run not sent: %s", exc)
