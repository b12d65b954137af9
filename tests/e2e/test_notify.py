"""Notifications end to end: real runs of the flow send their messages to loopback receivers.

Four runs of the real flow on the session's Prefect test server, one warehouse: a first brief
(its destinations include four that fail: a refused connection, a 500, one that never answers
and a URL Apprise does not know), a second brief after two releases arrive in the inbox (a new
figure and a revision), a run that a failing check stops, and a run refused because another
holds the warehouse. The messages arrive at a JSON webhook (json://, the loopback HTTP server)
and a mailbox (mailto://, an aiosmtpd server); each is read back as it arrived.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from flows.orchestration.pipeline import barometer_brief
from flows.orchestration.prefect_server import free_port
from flows.settings import RunSettings
from tests.conftest import copy_seeds, figure, release
from tests.e2e.test_snapshot import AS_OF, NEW_PAGE  # a saved page with a figure new on AS_OF
from tests.loopback import LoopbackServer, Reply
from tests.smtp_loopback import SmtpLoopback, text_of
from tests.unit.test_run_lock import held_elsewhere

pytestmark = pytest.mark.e2e

# A later vintage of the article's 2.63 trillion yuan (invented for the test): a revision.
REVISION = release("gacc-2025-06-30-cbec-revised", "2025-06-30", [figure(
    "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 2.71e12, "2.71",
    multiplier="trillion", yoy=11.2)])
MAILBOX = "analysts@example.org"


def run_log(flow_run_id: object) -> list[tuple[int, str]]:
    """The run's log lines on the Prefect server: (level, message), in order."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.client.schemas.sorting import LogSort
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    with get_client(sync_client=True) as client:
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])),
            sort=LogSort.TIMESTAMP_ASC)
    return [(log.level, log.message) for log in logs]


@pytest.fixture(scope="module")
def notified(prefect_server, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("notify")
    runs: dict = {"folder": folder}
    (inbox := folder / "inbox").mkdir()
    kwargs = {"warehouse_path": folder / "w.duckdb", "out_dir": folder / "briefs",
              "seeds_dir": copy_seeds(folder / "seeds"), "inbox_dir": inbox,
              "as_of": AS_OF, "run_date": AS_OF}  # regular briefs of that day
    with LoopbackServer() as web, SmtpLoopback() as smtp, pytest.MonkeyPatch.context() as env:
        web.route("/hook", Reply.text("ok"))
        web.route("/broken", Reply.text("down for maintenance", status=500))
        web.route("/silent", Reply.text("too late", delay=30))  # past the URL's 0.5 s rto
        hook = f"json://127.0.0.1:{web.port}/hook"
        runs["failing"] = {
            "refused": f"json://127.0.0.1:{free_port()}/hook",  # nothing listens there
            "broken": f"json://127.0.0.1:{web.port}/broken",
            "silent": f"json://127.0.0.1:{web.port}/silent?rto=0.5",
            "unknown": "nosuchservice://token@example.org",
        }
        env.setenv("BAROMETER_NOTIFY_URLS", ", ".join([hook, *runs["failing"].values()]))

        def run(name: str, **extra: object) -> None:
            before = len(web.requests_to("/hook"))
            runs[name] = barometer_brief(RunSettings(**{**kwargs, **extra}), return_state=True)
            runs[f"{name}_json"] = [json.loads(r.body) for r in web.requests_to("/hook")[before:]]

        run("first")
        runs["failing_requests"] = {path: len(web.requests_to(path))
                                    for path in ("/broken", "/silent")}
        env.setenv("BAROMETER_NOTIFY_URLS",
                   f"{hook} {smtp.url('barometer@example.org', MAILBOX)}")
        (inbox / "yiwu-2025-06-28.txt").write_text(NEW_PAGE, encoding="utf-8")
        (inbox / "gacc-revised.json").write_text(json.dumps(REVISION), encoding="utf-8")
        run("second")
        with duckdb.connect(str(kwargs["warehouse_path"])) as con:  # written past the loader
            con.execute("update core.observations set unit = 'dollars' where seq = 1")
        run("failed")
        with held_elsewhere(kwargs["warehouse_path"]):
            run("refused", lock_wait_seconds=0.5)
        runs["mails"] = smtp.mails
    return runs


def test_each_run_sends_one_message_and_failures_are_marked(notified: dict) -> None:
    assert notified["first"].is_completed() and notified["second"].is_completed()
    assert notified["failed"].is_failed() and notified["refused"].is_failed()
    for name, kind in (("first", "success"), ("second", "success"), ("failed", "failure"),
                       ("refused", "failure")):
        (message,) = notified[f"{name}_json"]
        assert message["type"] == kind, (name, message)
    # The second brief and the failed runs also went by mail, the first had no mailbox yet.
    subjects = [mail["Subject"] for _, mail in notified["mails"]]
    assert subjects == [notified[f"{name}_json"][0]["title"]
                        for name in ("second", "failed", "refused")]
    assert all(to == [MAILBOX] for to, _ in notified["mails"])


def _run_url(state) -> str:
    from prefect.settings import PREFECT_API_URL

    base = PREFECT_API_URL.value().removesuffix("/api")
    return f"{base}/runs/flow-run/{state.state_details.flow_run_id}"


def test_a_first_brief_says_so(notified: dict) -> None:
    (message,) = notified["first_json"]
    pdf = notified["folder"] / "briefs" / "2025-07-01-brief.pdf"
    assert message["title"] == "Barometer brief 2025-07-01: first brief"
    assert message["message"] == (
        "This is the first brief: there is nothing to compare with yet.\n\n"
        f"Brief: {pdf}\nHTML edition: {pdf.with_suffix('.html')}\n"
        f"Run: {_run_url(notified['first'])}")
    assert notified["first"].result() == pdf


def test_a_brief_with_changes_says_what_changed_in_the_briefs_words(notified: dict) -> None:
    (message,) = notified["second_json"]
    pdf = notified["second"].result()
    assert pdf == notified["folder"] / "briefs" / "2025-07-01-brief-2.pdf"
    assert message["title"] == ("Barometer brief 2025-07-01: 2 new releases, 1 new figure, "
                                "1 revision")
    body = message["message"]
    lines = body.splitlines()
    assert re.fullmatch(
        r"What changed since the brief of \d{1,2} \w+ \d{4} \d\d:\d\d UTC "
        r"\(data as of 2025-07-01\): 2 new releases, 1 figure reported for the first time, "
        r"1 revision, 0 figures accepted in review\.", lines[0]), lines[0]
    assert "- New release: Test release gacc-2025-06-30-cbec-revised (General Administration " \
        "of Customs of China, 2025-06-30, 1 figure)" in lines
    assert "- New figure: Yiwu's total imports and exports, Jan–May 2025: 280.13 billion yuan " \
        "(2801.3亿) (+21.5%)" in lines
    assert any(line.startswith("- Revised: ") and "2024: 2.63 trillion yuan, +10.8%" in line
               and "→ 2.71 trillion yuan, +11.2%" in line for line in lines), lines
    assert lines[-3:] == [f"Brief: {pdf}", f"HTML edition: {pdf.with_suffix('.html')}",
                          f"Run: {_run_url(notified['second'])}"]
    # Numbers as the brief words them: no raw floats, no e+ notation.
    assert "e+" not in body and "2710000000000" not in body and "280130000000" not in body
    (_, mail), = [m for m in notified["mails"] if m[1]["Subject"] == message["title"]]
    assert text_of(mail).strip() == body


def test_a_run_stopped_by_a_failing_check_sends_its_error_and_url(notified: dict) -> None:
    (message,) = notified["failed_json"]
    assert message["title"].startswith("Barometer run failed: ")
    assert len(message["title"]) <= len("Barometer run failed: ") + 100
    first, *rest = message["message"].splitlines()
    assert first.startswith("The run failed: BlockingCheckError: 3 figure(s) break the "
                            "warehouse's rules: - ")  # its lines joined in one
    assert rest == ["The previous brief and snapshot stay as they were.", "",
                    f"Run: {_run_url(notified['failed'])}"]
    (_, mail), = [m for m in notified["mails"] if m[1]["Subject"] == message["title"]]
    assert text_of(mail).strip() == message["message"]


def test_a_refused_run_sends_its_one_line_reason(notified: dict) -> None:
    (message,) = notified["refused_json"]
    assert message["title"].startswith("Barometer run failed: another run is in progress")
    assert message["message"].startswith("The run failed: another run is in progress (started ")
    assert "after waiting 0.5 s" in message["message"]
    assert message["message"].endswith(f"Run: {_run_url(notified['refused'])}")


def test_a_destination_that_fails_is_a_warning_and_the_run_completes(notified: dict) -> None:
    """Refused, 500, silent and unknown destinations: one WARNING each in the run's log; the
    run completes and the working destination still gets its message."""
    assert notified["first"].is_completed() and len(notified["first_json"]) == 1
    assert notified["failing_requests"] == {"/broken": 1, "/silent": 1}
    log = run_log(notified["first"].state_details.flow_run_id)
    warnings = [m for level, m in log if level == 30 and m.startswith("notification not sent")]
    assert len(warnings) == 4, log
    refused, broken, silent, unknown = warnings
    port = notified["failing"]["refused"].split(":")[2].split("/")[0]
    assert refused.startswith(f"notification not sent to json://127.0.0.1:{port}/hook: ")
    assert "500" in broken and "/broken" in broken
    assert "/silent" in silent
    assert unknown == ("notification not sent to nosuchservice://…: not an Apprise URL "
                       "(unknown scheme, or a part missing); Unparseable URL …")
    assert (20, "notification 'Barometer brief 2025-07-01: first brief' sent to 1 of 5 "
                "destination(s)") in log
    assert not any(level >= 40 for level, _ in log), log


def test_a_failed_run_keeps_its_own_failure_when_its_message_is_sent(notified: dict) -> None:
    log = run_log(notified["failed"].state_details.flow_run_id)
    assert any(level == 20 and "sent to 2 of 2 destination(s)" in m for level, m in log), log
    with pytest.raises(Exception, match=r"No brief was rendered"):
        notified["failed"].result()


def test_the_brief_path_in_the_message_exists(notified: dict) -> None:
    (message,) = notified["second_json"]
    lines = message["message"].splitlines()
    path = Path(lines[-3].removeprefix("Brief: "))
    assert path.is_file() and path.stat().st_size > 10_000
    html = Path(lines[-2].removeprefix("HTML edition: "))
    assert html.is_file() and "<html" in html.read_text(encoding="utf-8")
