"""The review queue end to end: collected from 127.0.0.1, held, accepted, in the next brief.

A press release with one sure and one unsure figure is served on loopback and collected by the
real flow on the session's Prefect test server. The sure figure loads; the unsure one waits in
the queue, and the brief counts it without printing it as a figure. A reviewer accepts it with
`barometer review accept`; the next brief shows it, with its quote, under what changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.orchestration.pipeline import barometer_brief
from flows.settings import RunSettings
from tests.conftest import copy_seeds
from tests.loopback import LoopbackServer, Reply
from tests.pdf import pdf_text

pytestmark = pytest.mark.e2e

PAGE = Path(__file__).parent.parent / "fixtures" / "releases" / \
    "yiwu-2025-01-20-one-sure-one-unsure.html"
QUOTE = "义乌跨境电商交易额1288.6亿元，同比增长20.6%。"
AS_OF = date(2025, 2, 1)


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def reviewed(prefect_server, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("review")
    seeds = copy_seeds(folder / "seeds")
    db = folder / "w.duckdb"
    with LoopbackServer() as server:
        server.route("/yiwu.html", Reply.text(PAGE.read_bytes(), "text/html; charset=utf-8"))
        sources = folder / "sources.toml"
        sources.write_text(
            'contact = "https://example.org/barometer-tests"\n\n[[source]]\n'
            'id = "yiwu-customs"\npublisher = "yiwu_customs"\nkind = "press-release"\n'
            f'url = "{server.url("/yiwu.html")}"\ngeography = "Yiwu"\nattempts = 1\n',
            encoding="utf-8")

        def run() -> Path:
            return barometer_brief(RunSettings(
                warehouse_path=db, out_dir=folder / "briefs", seeds_dir=seeds,
                sources_path=sources, inbox_dir=folder / "inbox", as_of=AS_OF, run_date=AS_OF))

        first = run()
        state = {"first_text": pdf_text(first),
                 "loaded": rows(db, "select metric_id, value from figure_vintages "
                                    "where release_id like 'yiwu-customs%'"),
                 "queue": rows(db, "select review_id, suggested_metric_id, value, quote "
                                   "from review_queue")}
        env = {**os.environ, "BAROMETER_REVIEWER": "e2e-reviewer"}
        listed = subprocess.run(
            [sys.executable, "-m", "flows.cli", "review", "--format", "json", "--warehouse",
             str(db)], capture_output=True, text=True, timeout=120, check=True, env=env)
        state["listed"] = json.loads(listed.stdout)
        state["accept"] = subprocess.run(
            [sys.executable, "-m", "flows.cli", "review", "accept",
             str(state["queue"][0][0]), "--period", "2024", "--note",
             "the year of the release's first sentence", "--warehouse", str(db)],
            capture_output=True, text=True, timeout=120, check=False, env=env)
        second = run()
        state["second_text"] = pdf_text(second)
    return state


def test_the_sure_figure_loads_and_the_unsure_one_waits(reviewed: dict) -> None:
    assert reviewed["loaded"] == [("yiwu.trade.total", 668.93e9)]
    assert [(q[1], q[2], q[3]) for q in reviewed["queue"]] == [
        ("yiwu.cbec.transaction_value", 128.86e9, QUOTE)]
    assert [i["review_id"] for i in reviewed["listed"]] == [reviewed["queue"][0][0]]


def test_the_first_brief_counts_it_and_never_prints_it_as_a_figure(reviewed: dict) -> None:
    text = reviewed["first_text"]
    assert "Awaiting review: 1 number read from press releases is held, not printed as " \
           "figures" in text
    assert "no period is named for it in its sentence" in text
    assert "(Yiwu Customs, 2025-01-20), has waited since" in text
    assert "128.86" not in text and "1288.6" not in text


def test_accepted_it_is_in_the_next_brief_with_its_quote(reviewed: dict) -> None:
    assert reviewed["accept"].returncode == 0, reviewed["accept"].stderr
    text = reviewed["second_text"]
    assert "1 figure accepted in review" in text
    assert ("Accepted in review: Yiwu cross-border e-commerce transactions, 2024: "
            "128.86 billion yuan") in text
    assert QUOTE in text.replace(" ", "")
    assert "accepted by e2e-reviewer: the year of the release's first sentence" in text
    assert "Nothing awaits review." in text
