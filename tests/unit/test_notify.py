"""A run's message: composed in the brief's words, sent with Apprise, failures only warnings."""

from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime

from flows.brief.data import Changes, word_figure
from flows.orchestration.notify import (
    ChangeSummary,
    compose_brief_message,
    compose_failure_message,
    one_line_error,
    run_url,
    send,
    summarise_changes,
)
from flows.orchestration.prefect_server import free_port
from flows.settings import Settings
from tests import ROOT
from tests.loopback import Reply, finish_within

LOGGER = logging.getLogger("tests.notify")


def _figure(metric: str, period: str, value: float | None, written: str | None,
            multiplier: str | None, yoy: float | None, comparator: str | None = "=") -> dict:
    """A figure row as the brief's queries give it, worded by the brief's own word_figure."""
    return word_figure({"metric_name": metric, "period_label": period, "value": value,
                        "unit": "yuan", "comparator": comparator if value else None,
                        "is_approximate": comparator == "~", "value_as_written": written,
                        "multiplier_word": multiplier, "yoy_pct": yoy,
                        "yoy_comparator": "=" if yoy is not None else None,
                        "release_id": "r-1"})


def _changes(new_figures: list[dict], accepted: list[dict] | None = None) -> Changes:
    previous = {"generated_at": datetime(2025, 6, 30, 8, 5), "as_of": date(2025, 6, 30)}
    releases = [{"title": "2024年我国跨境电商进出口2.63万亿元", "publisher": "GACC",
                 "published_on": date(2025, 1, 13), "figure_count": 2}]
    revisions = [{"short_name": "China CBEC trade", "metric_name": "ignored",
                  "period_label": "2022", "old_text": "2.11 trillion yuan (preliminary)",
                  "old_publisher": "GACC", "new_text": "2.1 trillion yuan (revised)",
                  "new_publisher": "SCIO"}]
    return Changes(previous, releases, new_figures, revisions, [], accepted or [])


def test_what_changed_is_worded_as_the_brief_words_it() -> None:
    summary = summarise_changes(_changes(
        [_figure("Yiwu's total imports and exports", "Jan–May 2025", 280.13e9, "2801.3", "亿",
                 21.5),
         _figure("Yiwu's CBEC transactions", "Jan–May 2025", None, None, None, 16.29)],
        accepted=[_figure("Yiwu's CBEC trade", "2024", 1288.6e8, "1288.6", "亿", None, "~")]))
    assert summary == ChangeSummary(
        since="the brief of 30 June 2025 08:05 UTC (data as of 2025-06-30)",
        new_releases=("2024年我国跨境电商进出口2.63万亿元 (GACC, 2025-01-13, 2 figures)",),
        new_figures=("Yiwu's total imports and exports, Jan–May 2025: 280.13 billion yuan "
                     "(2801.3亿) (+21.5%)",
                     "Yiwu's CBEC transactions, Jan–May 2025: +16.29%"),
        revisions=("China CBEC trade, 2022: 2.11 trillion yuan (preliminary) (GACC) → "
                   "2.1 trillion yuan (revised) (SCIO)",),
        accepted=("Yiwu's CBEC trade, 2024: about 128.86 billion yuan (1288.6亿), "
                  "from release r-1",))
    assert not summary.is_first


def test_a_first_brief_has_nothing_to_compare_with() -> None:
    summary = summarise_changes(Changes(None, [], [], [], []))
    assert summary.is_first
    message = compose_brief_message(summary, "/b/2025-07-01-brief.pdf", "2025-07-01",
                                    "regular", "http://127.0.0.1:4200/runs/flow-run/x")
    assert message.title == "Barometer brief 2025-07-01: first brief"
    assert message.body == ("This is the first brief: there is nothing to compare with yet.\n\n"
                            "Brief: /b/2025-07-01-brief.pdf\n"
                            "HTML edition: /b/2025-07-01-brief.html\n"
                            "Run: http://127.0.0.1:4200/runs/flow-run/x")
    assert not message.is_failure


def test_the_message_lists_the_first_few_of_each_kind_and_counts_them_all() -> None:
    summary = ChangeSummary(since="the brief of 30 June 2025 08:05 UTC (data as of 2025-06-30)",
                            new_releases=tuple(f"release {n}" for n in range(5)),
                            revisions=("one revision",))
    message = compose_brief_message(summary, "/b.pdf", "2025-07-01", "regular", "URL",
                                    warnings=2)
    assert message.title == "Barometer brief 2025-07-01: 5 new releases, 1 revision"
    assert message.body.splitlines() == [
        "What changed since the brief of 30 June 2025 08:05 UTC (data as of 2025-06-30): "
        "5 new releases, 0 figures reported for the first time, 1 revision, 0 figures accepted "
        "in review.",
        "- New release: release 0", "- New release: release 1", "- New release: release 2",
        "- … and 2 more in the brief",
        "- Revised: one revision",
        "2 warnings in the brief.",
        "", "Brief: /b.pdf", "HTML edition: /b.html", "Run: URL"]


def test_a_brief_with_no_change_and_a_back_dated_one_say_so_in_the_title() -> None:
    quiet = ChangeSummary(since="the brief of 30 June 2025 08:05 UTC (data as of 2025-06-30)")
    assert compose_brief_message(quiet, "/b.pdf", "2025-07-01", "regular", "URL").title == \
        "Barometer brief 2025-07-01: no changes"
    accepted = ChangeSummary(since=quiet.since, accepted=("a", "b"))
    assert compose_brief_message(accepted, "/b.pdf", "2024-06-30", "as-of", "URL").title == \
        "Barometer brief as of 2024-06-30 (back-dated): 2 accepted in review"


def test_a_failure_is_one_bounded_line_without_prefects_preamble() -> None:
    assert one_line_error("Flow run encountered an exception: BlockingCheckError: 2 figure(s) "
                          "break the warehouse's rules:\n  - a\n  - b\nNo brief was rendered.") \
        == "BlockingCheckError: 2 figure(s) break the warehouse's rules: - a - b No brief was " \
           "rendered."
    assert one_line_error(None) == "no message"
    long = one_line_error("x" * 1000)
    assert len(long) == 400 and long.endswith("…")
    message = compose_failure_message("y" * 150, "URL", crashed=True)
    assert message.title == "Barometer run crashed: " + "y" * 99 + "…"
    assert message.body == ("The run crashed: " + "y" * 150 + "\nThe previous brief and "
                            "snapshot stay as they were.\n\nRun: URL")
    assert message.is_failure


def test_the_run_url_is_the_ui_page_or_says_none_is_known() -> None:
    from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        assert run_url("abc") == "http://127.0.0.1:4200/runs/flow-run/abc"
    with temporary_settings({PREFECT_API_URL: "http://10.0.0.5:4200/api",
                             PREFECT_UI_URL: "https://prefect.example.org"}):
        assert run_url("abc") == "https://prefect.example.org/runs/flow-run/abc"
    with temporary_settings(restore_defaults={PREFECT_API_URL, PREFECT_UI_URL}):
        assert run_url("abc") == "flow run abc (no Prefect API URL is set)"
    assert run_url(None) == "(not run by Prefect: no run URL)"


def test_a_delivered_message_arrives_as_apprise_json(loopback, caplog) -> None:
    loopback.route("/hook", Reply.text("ok"))
    message = compose_failure_message("boom", "URL")
    with caplog.at_level(logging.INFO, logger=LOGGER.name):
        assert send(message, [f"json://127.0.0.1:{loopback.port}/hook"], LOGGER) == 1
    (request,) = loopback.requests_to("/hook")
    payload = json.loads(request.body)
    assert (payload["title"], payload["message"], payload["type"]) == (
        message.title, message.body, "failure")
    assert [r.levelname for r in caplog.records] == ["INFO"]


def test_destinations_that_refuse_or_do_not_answer_are_warnings(loopback, caplog) -> None:
    """A closed port, a 500, a server that never answers (past the URL's read timeout) and an
    unknown scheme: a WARNING each, secrets left out; the good destination still gets it."""
    loopback.route("/hook", Reply.text("ok"))
    loopback.route("/down", Reply.text("no", status=500))
    loopback.route("/silent", Reply.text("late", delay=30))
    closed = free_port()
    urls = [f"json://user:s3cret@127.0.0.1:{closed}/hook",
            f"json://127.0.0.1:{loopback.port}/down",
            f"json://127.0.0.1:{loopback.port}/silent?rto=0.3",
            "nosuchservice://s3cret@example.org",
            f"json://127.0.0.1:{loopback.port}/hook"]
    message = compose_failure_message("boom", "URL")
    with caplog.at_level(logging.INFO, logger=LOGGER.name):
        delivered = finish_within(60, lambda: send(message, urls, LOGGER))
    assert delivered == 1 and len(loopback.requests_to("/hook")) == 1
    assert {r.name for r in caplog.records} == {LOGGER.name}  # Apprise's own lines kept back
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 4, warnings
    assert warnings[0] == (f"notification not sent to json://user:****@127.0.0.1:{closed}/hook: "
                           "A Connection error occurred sending JSON notification to 127.0.0.1.")
    assert re.search(r"/down: .*500", warnings[1]), warnings[1]
    assert "/silent: " in warnings[2]
    assert warnings[3] == ("notification not sent to nosuchservice://…: not an Apprise URL "
                           "(unknown scheme, or a part missing); Unparseable URL …")
    assert not any("s3cret" in w for w in warnings)
    assert caplog.records[-1].getMessage() == (
        "notification 'Barometer run failed: boom' sent to 1 of 5 destination(s)")


def test_no_destination_sends_nothing_and_logs_nothing(caplog) -> None:
    with caplog.at_level(logging.DEBUG, logger=LOGGER.name):
        assert send(compose_failure_message("boom", "URL"), [], LOGGER) == 0
    assert caplog.records == []


def test_the_setting_splits_on_spaces_and_commas_but_not_inside_a_url() -> None:
    settings = Settings(notify_urls="json://h:1/a, mailto://m:25?from=a@x.org&to=b@x.org,c@x.org"
                                    "  slack://T1/B2/C3/#barometer")
    assert settings.notify_destinations == [
        "json://h:1/a", "mailto://m:25?from=a@x.org&to=b@x.org,c@x.org",
        "slack://T1/B2/C3/#barometer"]
    assert Settings().notify_destinations == []  # the default: nothing is sent


def test_every_url_in_the_docs_is_one_apprise_takes() -> None:
    import apprise

    doc = (ROOT / "docs" / "scheduling.md").read_text(encoding="utf-8")
    section = doc.split("## Notifications", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| [^|]+ \| `([^`]+://[^`]+)`", section, re.MULTILINE)
    assert len(rows) == 6
    for url in rows:
        assert apprise.Apprise().add(url), url
    assert {url.split("://")[0] for url in rows} == {"mailtos", "mailto", "https", "slack",
                                                      "json"}


def test_a_password_never_reaches_the_log(caplog) -> None:
    """An email destination that cannot be reached, and one Apprise cannot read: their
    password stays out of the warnings, Apprise's reasons go in."""
    port = free_port()
    unreachable = (f"mailtos://barometer:app-password@127.0.0.1:{port}"
                   "?from=barometer@example.org&to=analysts@example.org")
    unreadable = f"mailtos://barometer:app-password@127.0.0.1:{port}?to=analysts@example.org"
    with caplog.at_level(logging.WARNING):
        assert send(compose_failure_message("boom", "URL"), [unreachable, unreadable],
                    LOGGER) == 0
    first, second = (r.getMessage() for r in caplog.records)
    assert "app-password" not in first + second
    assert first.startswith(f"notification not sent to mailtos://barometer:****@127.0.0.1:{port}")
    assert second == ("notification not sent to mailtos://…: not an Apprise URL (unknown "
                      "scheme, or a part missing); Invalid ~From~ email specified: Apprise "
                      "<barometer@127.0.0.1>; Could not load E-Mail URL: …")
