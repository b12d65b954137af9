"""A whole run: curated backfill, the inbox and sources on 127.0.0.1, into a brief read back.

The flow runs on the session's Prefect test server. One source answers (a feed listing a
Chinese and an English press release), one is gone (404); the inbox holds a good saved page
and a bad one. The run must complete, load everything that can be loaded, and say in the
brief what failed, with the trends and the revisions.
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.orchestration.pipeline import barometer_brief
from flows.paths import SEEDS_DIR
from flows.settings import RunSettings
from tests.loopback import LoopbackServer, Reply
from tests.pdf import pdf_attachments, pdf_text

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).parent.parent / "fixtures" / "releases"
HTML = "text/html; charset=utf-8"
AS_OF = date(2026, 2, 1)
# A saved page as an analyst would drop it; its numbers are invented for the test.
SAVED_PAGE = ("---\npublisher: yiwu_fabu\npublished_on: 2025-07-10\n"
              "url: https://example.org/yiwu-fabu-2025-07-10\n---\n"
              "今年1-6月，义乌跨境电子商务交易额1100亿元，同比增长16.5%。\n")


def registry(server: LoopbackServer) -> str:
    return f"""
contact = "https://example.org/barometer-tests"

[[source]]
id = "press-feed"
publisher = "gacc"
kind = "feed"
url = "{server.url('/feed.xml')}"
follow = '/releases/.*\\.html$'
geography = "China"
attempts = 2
backoff_base = 0.0

[[source]]
id = "gone"
publisher = "scio"
kind = "press-release"
url = "{server.url('/gone.html')}"
attempts = 2
backoff_base = 0.0
"""


@pytest.fixture(scope="module")
def collected(prefect_server, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("collection")
    with LoopbackServer() as server:
        server.route("/feed.xml", Reply.text((FIXTURES / "feed.xml").read_bytes(),
                                             "application/rss+xml"))
        for name in ("gacc-2025-01-13-cbec-2024.html", "scio-2024-11-27-cbec-h1.html"):
            server.route(f"/releases/{name}", Reply.text((FIXTURES / name).read_bytes(), HTML))
        sources = folder / "sources.toml"
        sources.write_text(registry(server), encoding="utf-8")
        inbox = folder / "inbox"
        inbox.mkdir()
        (inbox / "yiwu-fabu-2025-07-10.txt").write_text(SAVED_PAGE, encoding="utf-8")
        (inbox / "broken.json").write_text("{not json", encoding="utf-8")
        seeds = folder / "seeds"
        shutil.copytree(SEEDS_DIR, seeds)
        state = barometer_brief(RunSettings(
            warehouse_path=folder / "w.duckdb", out_dir=folder / "briefs", seeds_dir=seeds,
            sources_path=sources, inbox_dir=inbox, as_of=AS_OF), return_state=True)
        requests = [r.path for r in server.requests]
    return {"folder": folder, "state": state, "pdf": state.result(), "requests": requests,
            "text": pdf_text(state.result())}


def rows(run: dict, sql: str) -> list[tuple]:
    with duckdb.connect(str(run["folder"] / "w.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_run_completes_despite_a_failing_source_and_a_bad_file(collected) -> None:
    assert collected["state"].is_completed()
    assert collected["requests"].count("/gone.html") == 1  # a 404 is not retried
    text = collected["text"]
    assert "source gone:" in text and "404" in text
    assert "broken.json was refused: malformed JSON" in text
    assert (collected["folder"] / "inbox" / "rejected" / "broken.json.reason.txt").is_file()
    assert (collected["folder"] / "inbox" / "processed" / "yiwu-fabu-2025-07-10.txt").is_file()


def test_backfill_inbox_and_sources_are_all_loaded(collected) -> None:
    by_publisher = dict(rows(collected, "select publisher_id, count(*) from releases "
                                        "group by all"))
    assert by_publisher["gacc"] == 2          # the feed's two press releases
    assert by_publisher["yiwu_fabu"] == 1     # the saved page from the inbox
    assert by_publisher["scio"] == 3          # backfill: three SCIO transcripts
    payloads = rows(collected, "select source_id, outcome from payloads order by all")
    assert payloads == [("inbox", "loaded"), ("inbox", "rejected"), ("press-feed", "listed"),
                        ("press-feed", "loaded"), ("press-feed", "loaded")]
    archived = sorted(p.parent.name for p in (collected["folder"] / "raw").rglob("*")
                      if p.is_file())
    assert archived == ["inbox", "inbox", "press-feed", "press-feed", "press-feed"]
    inbox_figure = rows(collected, "select value, yoy_pct, period_start, period_end from "
                                   "figures where metric_id = 'yiwu.cbec.transaction_value' "
                                   "and period_end = date '2025-06-30'")
    assert inbox_figure == [(110e9, 16.5, date(2025, 1, 1), date(2025, 6, 30))]


def test_the_brief_shows_multi_year_trends(collected) -> None:
    text = collected["text"]
    assert "China's cross-border e-commerce trade by year" in text
    assert "Yiwu's total imports and exports by year" in text
    series = rows(collected, "select year(period_start) from figures_as_of(date '2026-02-01') "
                             "where metric_id = 'china.cbec.trade_value' and period_kind = "
                             "'year' and not is_derived order by 1")
    assert [r[0] for r in series] == [2018, 2020, 2021, 2022, 2023, 2024]


def test_the_brief_notes_each_revision_with_both_sources(collected) -> None:
    text = collected["text"]
    assert "Revisions" in text
    assert "2.11 trillion yuan, +9.8% (preliminary)" in text
    assert "2.1 trillion yuan, +7.1% (revised)" in text
    assert "value −0.5%; growth −2.7 pp" in text
    assert "1.22 trillion yuan, +10.5% (preliminary)" in text
    assert "1.25 trillion yuan, +13%" in text
    assert "General Administration of Customs of China, 2023-01-13" in text
    revisions = rows(collected, "select period_label, old_release_id, new_value "
                                "from revisions_as_of(date '2026-02-01') "
                                "where metric_id = 'china.cbec.trade_value' order by 1")
    # H1 2024's survey figure came twice on 27 Nov 2024 (the backfill's SCIO transcript and
    # the collected page); only the first of them changed the figure, so one revision.
    assert revisions == [
        ("2022", "repost-2023-01-13-cbec-2022-preliminary", 2.1e12),
        ("H1 2024", "yicai-2024-07-30-cbec-2024h1-preliminary", 1.25e12),
    ]


def test_the_brief_points_to_every_vintage_and_attaches_its_window(collected) -> None:
    """The full history stays in the snapshot (a copy of this warehouse); the brief names the
    query that gives it as known on its date, and attaches the revisions of its window."""
    query = f"from vintages_as_of(date '{AS_OF.isoformat()}')"
    assert f'barometer query "{query}"' in collected["text"]
    trade_2024 = rows(collected, f"select value {query} where metric_id = "
                                 "'china.cbec.trade_value' and period_kind = 'year' "
                                 "and period_start = date '2024-01-01'")
    # The article, the backfill's repost and the collected GACC page all report 2.63 trillion.
    assert trade_2024 == [(2.63e12,)] * 3
    attachments = pdf_attachments(collected["pdf"])
    assert sorted(attachments) == ["cagr.csv", "figures.csv", "findings.csv", "releases.csv",
                                   "revisions.csv"]
    attached = csv.DictReader(io.StringIO(attachments["revisions.csv"].decode("utf-8")))
    assert {"new_release_id", "old_value", "new_value"} <= set(attached.fieldnames or [])
    # A first brief: the revisions published in the 90 days up to its date, which are none
    # here; the older ones (the newest of 22 June 2025) stay out of the PDF.
    assert list(attached) == []
    assert rows(collected, "select max(new_published_on) from revisions_as_of("
                           "date '2026-02-01')") == [(date(2025, 6, 22),)]
    assert "Every revision published in the 90 days up to 2026-02-01 is attached" in \
        collected["text"]