"""Collecting sources from a real HTTP server on 127.0.0.1: archive, parse, load, log, faults.

Each test serves fixture releases (Chinese and English press releases, a JSON release, a CSV, a
feed) from a LoopbackServer and collects them into a real DuckDB file, as a run does.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest

from flows.ingest import collect
from flows.ingest.collect import CollectContext, SourceReport, collect_source
from flows.ingest.sources import Source, load_registry
from tests.conftest import Warehouse
from tests.loopback import LoopbackServer, Reply, Slowloris, finish_within

FIXTURES = Path(__file__).parent.parent / "fixtures" / "releases"
HTML = "text/html; charset=utf-8"
ZH_PAGE = (FIXTURES / "gacc-2025-01-13-cbec-2024.html").read_bytes()
EN_PAGE = (FIXTURES / "scio-2024-11-27-cbec-h1.html").read_bytes()


def source(server: LoopbackServer, path: str, kind: str = "press-release",
           **kwargs: Any) -> Source:
    """A source on the loopback server with fast timeouts and no real waiting."""
    fields = {"id": kwargs.pop("id", "test-source"), "publisher": "gacc", "kind": kind,
              "url": server.url(path), "attempts": 3, "backoff_base": 0.0,
              "connect_timeout": 1.0, "read_timeout": 0.5, "geography": "China"}
    return Source(**{**fields, **kwargs})


class Collector:
    """Runs collect_source against a warehouse, recording the sleeps it asked for."""

    def __init__(self, warehouse: Warehouse):
        self.warehouse = warehouse
        self.sleeps: list[float] = []
        self.ctx = CollectContext(db_path=warehouse.path, warehouse_dir=warehouse.path.parent,
                                  raw_dir=warehouse.path.parent / "raw", run_id="test-run",
                                  sleep=self.sleeps.append)

    def __call__(self, src: Source) -> SourceReport:
        report = collect_source(self.ctx, src)
        self.warehouse.stale = True  # the layers are built before the next query reads them
        return report

    def count(self, table: str, where: str = "true", params: list[Any] | None = None) -> int:
        rows = self.warehouse.rows(f"select count(*) as n from {table} where {where}", params)
        return rows[0]["n"]

    def archived(self, source_id: str) -> list[Path]:
        folder = self.ctx.raw_dir / source_id
        return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def collector(warehouse: Warehouse) -> Collector:
    return Collector(warehouse)


def test_a_chinese_press_release_is_archived_parsed_and_loaded(
        loopback: LoopbackServer, collector: Collector) -> None:
    loopback.route("/zh.html", Reply.text(ZH_PAGE, HTML))
    report = collector(source(loopback, "/zh.html"))
    assert report.is_ok and len(report.loaded) == 1
    sha = hashlib.sha256(ZH_PAGE).hexdigest()
    assert collector.archived("test-source") == [collector.ctx.raw_dir / "test-source" / sha]
    assert (collector.ctx.raw_dir / "test-source" / sha).read_bytes() == ZH_PAGE
    figures = collector.warehouse.rows(
        "select metric_id, value, yoy_pct, vintage_status, period_start, quote "
        "from figure_vintages where release_id = ? order by metric_id, period_start",
        [report.loaded[0]])
    by_metric = {(r["metric_id"], str(r["period_start"])): r for r in figures}
    total = by_metric[("china.cbec.trade_value", "2024-01-01")]
    assert (total["value"], total["yoy_pct"], total["vintage_status"]) == (
        2.63e12, 10.8, "preliminary")
    assert total["quote"].startswith("据海关总署初步统计，2024年我国跨境电商进出口2.63万亿元")
    assert by_metric[("china.cbec.exports", "2024-01-01")]["value"] == 2.15e12
    assert by_metric[("china.cbec.imports", "2024-01-01")]["yoy_pct"] == -3.1
    assert by_metric[("china.cbec.share_of_foreign_trade", "2021-01-01")]["value"] == 0.049
    release = collector.warehouse.rows("select * from releases where release_id = ?",
                                       [report.loaded[0]])[0]
    assert str(release["published_on"]) == "2025-01-13"
    assert release["content_sha256"] == sha
    assert release["document_path"] == f"raw/test-source/{sha}"
    # Numbers with no metric in the lexicon wait in the review queue, not dropped.
    held = collector.warehouse.rows("select value, quote from review_queue")
    assert {r["value"] for r in held} >= {12000.0, 2500.0}
    log = collector.warehouse.rows("select outcome, status, bytes, payload_sha256 from fetch_log")
    assert log == [{"outcome": "ok", "status": 200, "bytes": len(ZH_PAGE),
                    "payload_sha256": sha}]


def test_an_english_press_release_is_loaded(loopback: LoopbackServer,
                                            collector: Collector) -> None:
    loopback.route("/en.html", Reply.text(EN_PAGE, HTML))
    report = collector(source(loopback, "/en.html", publisher="scio"))
    assert report.is_ok and len(report.loaded) == 1
    rows = collector.warehouse.rows(
        "select metric_id, period_kind, value, yoy_pct from figure_vintages "
        "where release_id = ? order by metric_id", [report.loaded[0]])
    assert [(r["metric_id"], r["period_kind"], r["value"], r["yoy_pct"]) for r in rows] == [
        ("china.cbec.exports", "half", 979.9e9, 18.7),
        ("china.cbec.imports", "half", 266.4e9, -3.9),
        ("china.cbec.trade_value", "half", 1.25e12, 13.0),
    ]


def test_a_json_release_and_a_csv_source_are_loaded(loopback: LoopbackServer,
                                                    collector: Collector) -> None:
    loopback.route("/r.json", Reply.text((FIXTURES / "yiwu-2025-03-20.json").read_bytes(),
                                         "application/json"))
    loopback.route("/obs.csv", Reply.text((FIXTURES / "observations.csv").read_bytes(),
                                          "text/csv; charset=utf-8"))
    json_report = collector(source(loopback, "/r.json", "json", id="json-src"))
    csv_report = collector(source(loopback, "/obs.csv", "csv", id="csv-src",
                                  publisher="yiwu_customs"))
    assert json_report.loaded == ["fixture-yiwu-2025-03-20"]
    assert csv_report.loaded == ["csv-src-2025-01-20", "csv-src-2025-10-30"]
    rows = collector.warehouse.rows(
        "select value, value_as_written, multiplier_word from figure_vintages "
        "where metric_id = 'yiwu.trade.total' order by period_start")
    assert [(r["value"], r["value_as_written"], r["multiplier_word"]) for r in rows] == [
        (668.93e9, "6689.3", "亿"), (631.2e9, "631.2", "billion")]


def test_a_feed_is_followed_within_its_hosts_and_an_unchanged_feed_costs_one_request(
        loopback: LoopbackServer, collector: Collector) -> None:
    feed = (FIXTURES / "feed.xml").read_bytes()
    loopback.route("/feed.xml", Reply.etagged(feed, '"feed-1"', "application/rss+xml"))
    loopback.route("/releases/gacc-2025-01-13-cbec-2024.html", Reply.text(ZH_PAGE, HTML))
    loopback.route("/releases/scio-2024-11-27-cbec-h1.html", Reply.text(EN_PAGE, HTML))
    feed_source = source(loopback, "/feed.xml", "feed", follow=r"/releases/.*\.html$")
    first = collector(feed_source)
    assert first.is_ok and len(first.loaded) == 2
    assert [r.path for r in loopback.requests] == [
        "/feed.xml", "/releases/gacc-2025-01-13-cbec-2024.html",
        "/releases/scio-2024-11-27-cbec-h1.html"]
    second = collector(feed_source)
    assert second.not_modified == 1 and second.loaded == [] and second.is_ok
    assert len(loopback.requests) == 4
    assert loopback.requests[-1].header("If-None-Match") == '"feed-1"'


def test_500_then_200_is_retried_and_loaded_once(loopback: LoopbackServer,
                                                 collector: Collector) -> None:
    loopback.route("/zh.html", Reply.text("busy", status=500), Reply.text(ZH_PAGE, HTML))
    report = collector(source(loopback, "/zh.html"))
    assert report.is_ok and len(report.loaded) == 1
    assert len(loopback.requests_to("/zh.html")) == 2
    assert collector.count("core.releases", "release_id like 'test-source-%'") == 1
    log = collector.warehouse.rows("select attempt, status, outcome from fetch_log "
                                   "order by attempt")
    assert [(r["attempt"], r["status"], r["outcome"]) for r in log] == [
        (1, 500, "retry"), (2, 200, "ok")]
    assert report.retries == [f"{loopback.url('/zh.html')}: attempt 1 got 500; retried"]


def test_404_is_not_retried_and_the_other_sources_still_load(
        loopback: LoopbackServer, collector: Collector) -> None:
    loopback.route("/en.html", Reply.text(EN_PAGE, HTML))
    missing = collector(source(loopback, "/gone.html", id="gone"))
    present = collector(source(loopback, "/en.html", id="present", publisher="scio"))
    assert len(loopback.requests_to("/gone.html")) == 1
    assert missing.loaded == [] and len(missing.failures) == 1 and "404" in missing.failures[0]
    assert missing.warnings()[0].startswith("source gone: ")
    assert present.is_ok and len(present.loaded) == 1
    assert collector.archived("gone") == []


@pytest.mark.parametrize(("reply", "message"), [
    (Reply.gzipped(b"0" * 20_000_000, HTML, level=9), "bytes"),
    (Reply.text("<p>x</p>", "application/octet-stream"), "application/octet-stream"),
    (Reply.text(ZH_PAGE, HTML, truncate_to=100), ""),
], ids=["gzip-bomb", "wrong-content-type", "truncated"])
def test_a_bad_response_loads_and_archives_nothing(
        loopback: LoopbackServer, collector: Collector, reply: Reply, message: str) -> None:
    loopback.route("/page.html", reply)
    report = collector(source(loopback, "/page.html", max_bytes=1_000_000))
    assert report.loaded == [] and len(report.failures) == 1
    assert message in report.failures[0]
    assert collector.archived("test-source") == []
    assert collector.count("core.releases") == 0
    assert collector.count("fetch_log", "outcome = 'failed'") == 1


def test_a_redirect_outside_the_allowed_hosts_is_not_followed(
        loopback: LoopbackServer, collector: Collector) -> None:
    loopback.route("/moved.html", Reply.redirect(f"http://localhost:{loopback.port}/zh.html"))
    loopback.route("/zh.html", Reply.text(ZH_PAGE, HTML))
    report = collector(source(loopback, "/moved.html"))
    assert report.loaded == [] and "localhost" in report.failures[0]
    assert loopback.requests_to("/zh.html") == []


def test_the_same_payload_served_twice_is_loaded_once(loopback: LoopbackServer,
                                                     collector: Collector) -> None:
    loopback.route("/zh.html", Reply.text(ZH_PAGE, HTML))
    src = source(loopback, "/zh.html")
    first = collector(src)
    observations = collector.count("core.observations")
    second = collector(src)
    assert len(first.loaded) == 1
    assert (second.loaded, second.unchanged, second.payloads_seen) == ([], [], 1)
    assert collector.count("core.observations") == observations
    assert collector.count("core.raw_payloads") == 1
    assert len(collector.archived("test-source")) == 1


def test_a_changed_payload_becomes_a_new_vintage_and_a_revision(
        loopback: LoopbackServer, collector: Collector) -> None:
    revised = ZH_PAGE.replace("同比增长10.8%".encode(), "同比增长11.2%".encode()).replace(
        "2.63万亿元".encode(), "2.65万亿元".encode())  # in the headline and the text
    assert revised != ZH_PAGE
    loopback.route("/zh.html", Reply.text(ZH_PAGE, HTML), Reply.text(revised, HTML))
    src = source(loopback, "/zh.html")
    first = collector(src)
    second = collector(src)
    assert len(first.loaded) == 1 and len(second.loaded) == 1
    assert first.loaded != second.loaded
    rows = collector.warehouse.rows(
        "select old_value, new_value, old_yoy_pct, new_yoy_pct from revisions "
        "where metric_id = 'china.cbec.trade_value' and period_start = date '2024-01-01'")
    assert rows == [{"old_value": 2.63e12, "new_value": 2.65e12, "old_yoy_pct": 10.8,
                     "new_yoy_pct": 11.2}]
    assert len(collector.archived("test-source")) == 2


def _rejected(collector: Collector) -> list[dict[str, Any]]:
    return collector.warehouse.rows("select * from rejected_releases")


@pytest.mark.parametrize(("body", "content_type", "message"), [
    ((FIXTURES / "no-figures.html").read_bytes(), HTML, "no figures were found"),
    (ZH_PAGE.replace(b'<meta name="PubDate" content="2025-01-13 10:00">', b""), HTML,
     "carries no publication date"),
    (ZH_PAGE.decode().replace('charset="utf-8"', "").encode("gb18030"), "text/html",
     "unexpected encoding"),
], ids=["no-figures", "no-date", "wrong-encoding"])
def test_a_bad_page_is_quarantined_with_its_reason_and_its_payload_kept(
        loopback: LoopbackServer, collector: Collector, body: bytes, content_type: str,
        message: str) -> None:
    loopback.route("/bad.html", Reply.text(body, content_type))
    loopback.route("/en.html", Reply.text(EN_PAGE, HTML))
    bad = collector(source(loopback, "/bad.html", id="bad"))
    good = collector(source(loopback, "/en.html", id="good", publisher="scio"))
    assert bad.loaded == [] and len(bad.rejected) == 1 and message in bad.rejected[0]
    sha = hashlib.sha256(body).hexdigest()
    assert (collector.ctx.raw_dir / "bad" / sha).read_bytes() == body
    rejected = _rejected(collector)
    assert len(rejected) == 1 and message in rejected[0]["reason"]
    assert rejected[0]["content_sha256"] == sha
    payload = collector.warehouse.rows("select outcome, reason from payloads "
                                       "where source_id = 'bad'")
    assert payload[0]["outcome"] == "rejected" and message in payload[0]["reason"]
    assert good.is_ok and len(good.loaded) == 1
    assert collector.count("core.releases", "release_id like 'bad-%'") == 0


def test_a_release_id_seen_before_with_other_content_is_refused(
        loopback: LoopbackServer, collector: Collector) -> None:
    original = json.loads((FIXTURES / "yiwu-2025-03-20.json").read_text(encoding="utf-8"))
    edited = json.loads(json.dumps(original))
    edited["figures"][0]["yoy_pct"] = 18.0
    loopback.route("/r.json", Reply.json(original), Reply.json(edited))
    src = source(loopback, "/r.json", "json")
    assert collector(src).loaded == ["fixture-yiwu-2025-03-20"]
    second = collector(src)
    assert second.loaded == [] and "already loaded with different content" in second.rejected[0]
    assert collector.warehouse.rows(
        "select yoy_pct from figure_vintages where release_id = 'fixture-yiwu-2025-03-20'"
    ) == [{"yoy_pct": 17.82}]
    assert len(collector.archived("test-source")) == 2


def test_an_unchanged_feed_still_retries_the_items_that_failed(
        loopback: LoopbackServer, collector: Collector) -> None:
    feed = (FIXTURES / "feed.xml").read_bytes()
    loopback.route("/feed.xml", Reply.etagged(feed, '"feed-1"', "application/rss+xml"))
    loopback.route("/releases/gacc-2025-01-13-cbec-2024.html", Reply.text(ZH_PAGE, HTML))
    loopback.route("/releases/scio-2024-11-27-cbec-h1.html",
                   Reply.text("down", status=503), Reply.text("down", status=503),
                   Reply.text("down", status=503), Reply.text(EN_PAGE, HTML))
    feed_source = source(loopback, "/feed.xml", "feed", follow=r"/releases/.*\.html$")
    first = collector(feed_source)
    assert len(first.loaded) == 1 and len(first.failures) == 1 and "503" in first.failures[0]
    second = collector(feed_source)
    assert second.not_modified == 1 and len(second.loaded) == 1 and second.is_ok
    assert len(loopback.requests_to("/releases/gacc-2025-01-13-cbec-2024.html")) == 1
    assert len(loopback.requests_to("/releases/scio-2024-11-27-cbec-h1.html")) == 4


# --- live progress and the deadline ------------------------------------------------------


def test_a_source_that_never_answers_fails_at_its_deadline_and_the_others_still_load(
        loopback: LoopbackServer, collector: Collector) -> None:
    loopback.route("/silent.html", Reply.text(ZH_PAGE, HTML, delay=60))
    loopback.route("/en.html", Reply.text(EN_PAGE, HTML))
    # Patient timeouts: without the deadline this source would take over 80 s.
    silent_source = source(loopback, "/silent.html", id="silent", read_timeout=20.0,
                           attempts=4, deadline_seconds=2)
    started = time.monotonic()
    silent = collect_source(collector.ctx, silent_source)
    elapsed = time.monotonic() - started
    present = collector(source(loopback, "/en.html", id="present", publisher="scio"))
    assert 1.9 <= elapsed < 4.0
    [warning] = silent.warnings()
    assert warning.startswith(
        f"source silent: {loopback.url('/silent.html')}: the source's deadline of 2 s passed "
        f"while fetching {loopback.url('/silent.html')} (attempt 1: 127.0.0.1 sent nothing")
    assert warning.endswith("If the site is just slow, raise deadline_seconds for the source "
                            "in warehouse/sources.toml; otherwise save the page from a "
                            "browser into the inbox.")
    assert "\n" not in warning and silent.loaded == []
    assert present.is_ok and len(present.loaded) == 1
    log = collector.warehouse.rows("select source_id, outcome, error from fetch_log "
                                   "where source_id = 'silent'")
    assert [(r["outcome"], "deadline of 2 s" in r["error"]) for r in log] == [("failed", True)]


def test_a_slowloris_source_fails_at_its_deadline_and_the_next_source_is_collected(
        loopback: LoopbackServer, collector: Collector, tmp_path: Path) -> None:
    # A byte of status line every 0.2 s: no read ever times out. Before the deadline reached
    # every byte the run stayed on this source for hours, and the one after was never collected.
    loopback.route("/en.html", Reply.text(EN_PAGE, HTML))
    with Slowloris(b"HTTP/1.1 200 OK\r\n", b"X-Slow: 1\r\n") as slow:
        slow_url = slow.url("/news.html")
        registry = tmp_path / "sources.toml"
        registry.write_text(
            f'[[source]]\nid = "slowloris"\npublisher = "gacc"\nkind = "press-release"\n'
            f'url = "{slow_url}"\nread_timeout = 20.0\nattempts = 4\ndeadline_seconds = 1\n\n'
            f'[[source]]\nid = "present"\npublisher = "scio"\nkind = "press-release"\n'
            f'url = "{loopback.url("/en.html")}"\n', encoding="utf-8")
        sources = load_registry(registry).enabled()
        # In registry order, one after another, as the collection flow runs them.
        stuck, present = finish_within(6.0, lambda: [collect_source(collector.ctx, s)
                                                     for s in sources])
    [warning] = stuck.warnings()
    assert warning.startswith(
        f"source slowloris: {slow_url}: the source's deadline of 1 s passed while fetching "
        f"{slow_url} (attempt 1: 127.0.0.1 was still sending the status line and headers (")
    assert warning.endswith("otherwise save the page from a browser into the inbox.")
    assert present.is_ok and len(present.loaded) == 1
    # Base tables only: the layers need no rebuild (~2 s) to show what collection wrote.
    assert collector.warehouse.rows("select release_id from releases") == [
        {"release_id": present.loaded[0]}]
    log = collector.warehouse.rows("select source_id, outcome, error from fetch_log "
                                   "order by started_at")
    assert [(r["source_id"], r["outcome"]) for r in log] == [("slowloris", "failed"),
                                                              ("present", "ok")]
    assert "deadline of 1 s passed" in log[0]["error"]


def test_a_feed_stopped_at_its_deadline_keeps_what_it_fetched(
        loopback: LoopbackServer, collector: Collector) -> None:
    listing = ('<html><body><a href="/releases/a.html">a</a> <a href="/releases/b.html">b</a> '
               '<a href="/releases/c.html">c</a></body></html>')
    loopback.route("/list.html", Reply.text(listing, HTML))
    loopback.route("/releases/a.html", Reply.text(ZH_PAGE, HTML))
    loopback.route("/releases/b.html", Reply.text(EN_PAGE, HTML, delay=60))
    loopback.route("/releases/c.html", Reply.text(EN_PAGE, HTML))
    feed = source(loopback, "/list.html", "feed", follow=r"/releases/.*\.html$",
                  read_timeout=20.0, deadline_seconds=2)
    started = time.monotonic()
    report = collect_source(collector.ctx, feed)
    assert time.monotonic() - started < 4.0
    assert len(report.loaded) == 1 and report.payloads_new == 2  # the listing and a.html
    [failure] = report.failures
    assert failure.startswith(f"{loopback.url('/releases/b.html')}: the source's deadline of "
                              "2 s passed while fetching")
    assert failure.endswith("1 more feed item(s) were not fetched; the next run tries them.")
    assert loopback.requests_to("/releases/c.html") == []
    # What was fetched before the deadline is archived and loaded.
    sha = hashlib.sha256(ZH_PAGE).hexdigest()
    assert (collector.ctx.raw_dir / "test-source" / sha).read_bytes() == ZH_PAGE
    assert len(collector.archived("test-source")) == 2


def test_a_deadline_passing_between_feed_items_starts_no_other_item(
        loopback: LoopbackServer, collector: Collector, monkeypatch: pytest.MonkeyPatch) -> None:
    listing = ('<a href="/releases/a.html">a</a> <a href="/releases/b.html">b</a> '
               '<a href="/releases/c.html">c</a>')
    loopback.route("/list.html", Reply.text(listing, HTML))
    loopback.route("/releases/a.html", Reply.text(ZH_PAGE, HTML))
    loopback.route("/releases/b.html", Reply.text(EN_PAGE, HTML))
    original = collect.store_payload

    def slow_store(*args: Any) -> None:  # parsing and loading outlast the deadline
        original(*args)
        time.sleep(1.5)

    monkeypatch.setattr(collect, "store_payload", slow_store)
    feed = source(loopback, "/list.html", "feed", follow=r"/releases/.*\.html$",
                  deadline_seconds=1)
    report = collect_source(collector.ctx, feed)
    assert len(report.loaded) == 1
    assert report.failures == [
        f"{loopback.url('/list.html')}: the source's deadline of 1 s passed with 2 feed "
        "item(s) not fetched; the next run tries them. If the site is just slow, raise "
        "deadline_seconds for the source in warehouse/sources.toml; otherwise save the page "
        "from a browser into the inbox."]
    assert [r.path for r in loopback.requests] == ["/list.html", "/releases/a.html"]


def test_each_request_and_retry_is_told_as_it_happens(loopback: LoopbackServer,
                                                      collector: Collector) -> None:
    url = loopback.url("/zh.html")
    loopback.route("/zh.html", Reply.text("busy", status=500),
                   Reply.text("busy", status=503), Reply.text(ZH_PAGE, HTML))
    heard: list[tuple[int, str, int]] = []  # level, message, requests the server had seen
    ctx = dataclasses.replace(collector.ctx, notify=lambda level, message: heard.append(
        (level, message, len(loopback.requests))))
    report = collect_source(ctx, source(loopback, "/zh.html"))
    assert report.is_ok and len(report.loaded) == 1
    info, warning = logging.INFO, logging.WARNING
    assert heard == [
        (info, f"source test-source: collecting {url} (press-release, deadline 60 s)", 0),
        (info, f"source test-source: fetching {url}", 0),
        (warning, f"source test-source: {url}: HTTP 500 Internal Server Error from 127.0.0.1; "
                  "retry 1 of 2 in 0.0 s", 1),
        (info, f"source test-source: fetching {url} (attempt 2 of 3)", 1),
        (warning, f"source test-source: {url}: HTTP 503 Service Unavailable from 127.0.0.1; "
                  "retry 2 of 2 in 0.0 s", 2),
        (info, f"source test-source: fetching {url} (attempt 3 of 3)", 2),
    ]
    # The summary keeps them too, for the brief's counts.
    assert report.retries == [f"{url}: attempt 1 got 500; retried",
                              f"{url}: attempt 2 got 503; retried"]


class _Heard(logging.Handler):
    """Keeps each record's level and message, and how many requests the server had seen."""

    def __init__(self, server: LoopbackServer):
        super().__init__(logging.DEBUG)
        self.server = server
        self.lines: list[tuple[int, str, int]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelno, record.getMessage(), len(self.server.requests)))


def test_the_collect_task_logs_each_retry_once_as_it_happens(
        loopback: LoopbackServer, warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.orchestration import tasks

    url = loopback.url("/zh.html")
    loopback.route("/zh.html", Reply.text("busy", status=500), Reply.text(ZH_PAGE, HTML))
    logger = logging.getLogger("tests.collect_task")
    heard = _Heard(loopback)
    logger.addHandler(heard)
    logger.setLevel(logging.INFO)
    monkeypatch.setattr(tasks, "get_run_logger", lambda: logger)
    try:
        warnings = tasks.collect_task.fn(warehouse.path, warehouse.path.parent / "raw",
                                         source(loopback, "/zh.html"), "test-run",
                                         "https://example.org/contact")
    finally:
        logger.removeHandler(heard)
    assert warnings == []
    # The retry is logged once, while the source runs (one request served), not at the end.
    assert [line for line in heard.lines if "retr" in line[1]] == [
        (logging.WARNING, f"source test-source: {url}: HTTP 500 Internal Server Error from "
                          "127.0.0.1; retry 1 of 2 in 0.0 s", 1),
        (logging.INFO, "source test-source: 2 request(s), 1 retried, 0 not modified, "
                       "1 new payload(s), 0 seen before, 1 release(s) loaded", 2)]
