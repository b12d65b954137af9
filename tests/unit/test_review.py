"""The review queue on a real DuckDB file: what is held, accept and reject, and their refusals.

A press release with one sure and one unsure figure (tests/fixtures/releases/) is parsed as
collection does and loaded; the unsure number waits in review_queue until a reviewer settles it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from flows.extract.documents import read_document
from flows.extract.lexicon import lexicon_path, load_lexicon
from flows.extract.parse_press import PressMeta, parse_press_release
from flows.warehouse import sqlrunner
from flows.warehouse.load import load_releases
from flows.warehouse.review import ReviewError, accept, parse_period, reject
from tests.conftest import Warehouse
from tests.corpus import metric_units

PAGE = Path(__file__).parent.parent / "fixtures" / "releases" / \
    "yiwu-2025-01-20-one-sure-one-unsure.html"
DECIDED = datetime(2025, 2, 3, 9, 0)


def load_page(warehouse: Warehouse) -> str:
    """Parse the fixture page as collection does, load it, rebuild; return its release id."""
    body = PAGE.read_bytes()
    doc = read_document(body, "text/html")
    meta = PressMeta(source_id="yiwu-customs", publisher_id="yiwu_customs",
                     published_on=date(2025, 1, 20), url="https://example.org/yiwu",
                     geography="Yiwu")
    parsed = parse_press_release(doc, body, meta, load_lexicon(lexicon_path("cbec")),
                                 metric_units(), PAGE)
    with duckdb.connect(str(warehouse.path)) as con:
        loaded, _ = load_releases(con, [parsed])
        sqlrunner.apply_layers(con)
    return loaded[0]


@pytest.fixture(scope="module")
def queued_template(tmp_path_factory: pytest.TempPathFactory,
                    empty_warehouse: Path) -> tuple[Path, str, int]:
    """The page loaded once into a warehouse file of the module's; each test gets a copy."""
    import shutil

    folder = tmp_path_factory.mktemp("queued")
    shutil.copyfile(empty_warehouse, folder / "template.duckdb")
    template = Warehouse(folder / "template.duckdb", folder)
    release_id = load_page(template)
    item = template.rows("select review_id from review_queue where suggested_metric_id = ?",
                         ["yiwu.cbec.transaction_value"])
    return template.path, release_id, item[0]["review_id"]


@pytest.fixture
def queued(warehouse: Warehouse, queued_template: tuple[Path, str, int]
           ) -> tuple[Warehouse, str, int]:
    import shutil

    template, release_id, review_id = queued_template
    shutil.copyfile(template, warehouse.path)
    return warehouse, release_id, review_id


def test_the_sure_figure_loads_and_the_unsure_one_waits_with_its_reason(
        queued: tuple[Warehouse, str, int]) -> None:
    warehouse, release_id, review_id = queued
    loaded = warehouse.rows("select metric_id, value, yoy_pct from figure_vintages "
                            "where release_id = ?", [release_id])
    assert loaded == [{"metric_id": "yiwu.trade.total", "value": 668.93e9, "yoy_pct": 18.2}]
    item = warehouse.rows("select * from review_queue where review_id = ?", [review_id])[0]
    assert (item["value"], item["yoy_pct"], item["unit"], item["period_start"]) == (
        128.86e9, 20.6, "yuan", None)
    assert item["reason"] == "no period is named for it in its sentence"
    assert item["quote"] == "义乌跨境电商交易额1288.6亿元，同比增长20.6%。"
    statuses = warehouse.rows("select distinct status from review_items")
    assert statuses == [{"status": "awaiting review"}]


def test_accept_loads_it_as_a_figure_of_its_release_with_the_note(
        queued: tuple[Warehouse, str, int]) -> None:
    warehouse, release_id, review_id = queued
    done = accept(warehouse.path, review_id, "analyst", "the release's year",
                  period="2024", decided_at=DECIDED)
    assert (done.release_id, done.metric_id) == (release_id, "yiwu.cbec.transaction_value")
    with duckdb.connect(str(warehouse.path)) as con:
        sqlrunner.apply_layers(con)
    row = warehouse.rows("select * from figure_vintages where metric_id = ?",
                         ["yiwu.cbec.transaction_value"])[0]
    assert (row["release_id"], row["value"], row["yoy_pct"], str(row["period_start"]),
            str(row["period_end"])) == (release_id, 128.86e9, 20.6, "2024-01-01", "2024-12-31")
    assert row["quote"] == "义乌跨境电商交易额1288.6亿元，同比增长20.6%。"
    assert row["note"] == (f"accepted in review (item {review_id}) by analyst on 2025-02-03: "
                           "the release's year")
    assert warehouse.rows("select count(*) as n from review_queue")[0]["n"] == 0
    item = warehouse.rows("select status, reviewer, decision_note, observation_seq "
                          "from review_items where review_id = ?", [review_id])[0]
    assert item == {"status": "accepted", "reviewer": "analyst",
                    "decision_note": "the release's year", "observation_seq": 2}
    figures = warehouse.rows("select value from figures where metric_id = ? and not is_derived",
                             ["yiwu.cbec.transaction_value"])
    assert figures == [{"value": 128.86e9}]


def test_accept_takes_another_metric_and_qualifiers(
        queued: tuple[Warehouse, str, int]) -> None:
    warehouse, _, review_id = queued
    accept(warehouse.path, review_id, "analyst", metric_id="yiwu.ecommerce.transaction_value",
           period="2024", comparator="~", yoy_pct=Decimal("20.6"), yoy_comparator=">",
           decided_at=DECIDED)
    row = warehouse.rows("select metric_id, comparator, yoy_comparator from core.observations "
                         "where seq = 2")[0]
    assert row == {"metric_id": "yiwu.ecommerce.transaction_value", "comparator": "~",
                   "yoy_comparator": ">"}


def test_reject_keeps_the_reason_and_loads_nothing(queued: tuple[Warehouse, str, int]) -> None:
    warehouse, _, review_id = queued
    reject(warehouse.path, review_id, "analyst", "  a target, not a result  ",
           decided_at=DECIDED)
    item = warehouse.rows("select status, decision_note from review_items "
                          "where review_id = ?", [review_id])[0]
    assert item == {"status": "rejected", "decision_note": "a target, not a result"}
    assert warehouse.rows("select count(*) as n from core.observations")[0]["n"] == 1


@pytest.mark.parametrize(("call", "message"), [
    (lambda p, i: accept(p, i, "a"), "has no period: give one with --period"),
    (lambda p, i: accept(p, i, "a", period="2026"), "had not ended when the release was"),
    (lambda p, i: accept(p, i, "a", period="2024", metric_id="no.such"), "is not in metrics.csv"),
    (lambda p, i: accept(p, i, "a", period="2024", metric_id="yiwu.market_entities.total"),
     "currencies and units are never converted"),
    (lambda p, i: accept(p, i, "a", period="2024", metric_id="yiwu.trade.total"),
     "already gives yiwu.trade.total for 2024-01-01..2024-12-31"),
    (lambda p, i: accept(p, i, "a", period="2024", comparator="about"),
     "cannot become a figure"),
    (lambda p, i: accept(p, i + 100, "a", period="2024"), "there is no review item"),
    (lambda p, i: reject(p, i, "a", "  "), "say why with --reason"),
], ids=["no-period", "future", "unknown-metric", "unit", "duplicate", "comparator", "unknown",
        "no-reason"])
def test_a_decision_that_cannot_stand_is_refused_and_changes_nothing(
        queued: tuple[Warehouse, str, int], call, message: str) -> None:
    warehouse, _, review_id = queued
    with pytest.raises(ReviewError, match=message.replace("(", r"\(")):
        call(warehouse.path, review_id)
    assert warehouse.rows("select count(*) as n from core.review_decisions")[0]["n"] == 0
    assert warehouse.rows("select count(*) as n from core.observations")[0]["n"] == 1


def test_a_settled_item_cannot_be_settled_again(queued: tuple[Warehouse, str, int]) -> None:
    warehouse, _, review_id = queued
    reject(warehouse.path, review_id, "analyst", "not a figure", decided_at=DECIDED)
    with pytest.raises(ReviewError, match="was already rejected by analyst on 2025-02-03"):
        accept(warehouse.path, review_id, "someone", period="2024")
    assert warehouse.rows("select count(*) as n from core.review_decisions")[0]["n"] == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("2024", ("year", "2024-01-01", "2024-12-31")),
    ("2024-H2", ("half", "2024-07-01", "2024-12-31")),
    ("2024q1", ("quarter", "2024-01-01", "2024-03-31")),
    ("2024-02", ("month", "2024-02-01", "2024-02-29")),
    ("2024-01..2024-09", ("ytd", "2024-01-01", "2024-09-30")),
    ("level:2025-02-28", ("level", "2025-02-28", "2025-02-28")),
    ("level:2025-02", ("level", "2025-02-01", "2025-02-28")),
    ("level:2023", ("level", "2023-01-01", "2023-12-31")),
])
def test_periods_as_a_reviewer_types_them(text: str, expected: tuple[str, str, str]) -> None:
    kind, start, end = parse_period(text)
    assert (kind, start.isoformat(), end.isoformat()) == expected


@pytest.mark.parametrize("text", ["24", "2024-13", "2024-03..2024-09", "2024-05-05",
                                  "2024-01..2025-02"])
def test_a_period_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ReviewError, match="period"):
        parse_period(text)


def barometer(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a reviewer would."""
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={"BAROMETER_REVIEWER": "reviewer-1", "PATH": "/usr/bin:/bin"})


def test_the_cli_lists_accepts_and_rejects(warehouse: Warehouse) -> None:
    load_page(warehouse)
    db = str(warehouse.path)
    listed = barometer("review", "--format", "json", "--warehouse", db)
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    assert [i["suggested_metric_id"] for i in items] == ["yiwu.cbec.transaction_value"]
    review_id = items[0]["review_id"]
    csv_out = barometer("review", "--format", "csv", "--warehouse", db).stdout
    assert csv_out.splitlines()[0].startswith("review_id,status,release_id")
    refused = barometer("review", "accept", str(review_id), "--warehouse", db)
    assert refused.returncode == 1 and "give one with --period" in refused.stderr
    done = barometer("review", "accept", str(review_id), "--period", "2024", "--note",
                     "year of the release", "--warehouse", db)
    assert done.returncode == 0, done.stderr
    assert "yiwu.cbec.transaction_value year 2024-01-01..2024-12-31" in done.stdout
    assert barometer("review", "--warehouse", db).stdout.strip() == "Nothing awaits review."
    everything = json.loads(barometer("review", "--all", "--format", "json", "--warehouse",
                                      db).stdout)
    assert [(i["status"], i["reviewer"]) for i in everything] == [("accepted", "reviewer-1")]
    again = barometer("review", "reject", str(review_id), "--reason", "x", "--warehouse", db)
    assert again.returncode == 1 and "already accepted" in again.stderr
