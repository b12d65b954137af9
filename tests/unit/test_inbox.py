"""The inbox: a dropped file is archived, loaded and moved on; a bad one is refused, with why."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from flows.ingest.inbox import process_inbox
from flows.paths import SEEDS_DIR
from tests.conftest import Warehouse, figure, release

FIXTURES = Path(__file__).parent.parent / "fixtures" / "releases"
FRONT = "---\npublisher: gacc\npublished_on: 2025-01-13\nurl: http://www.customs.gov.cn/x\n---\n"
SENTENCE = "据海关总署初步统计，2024年我国跨境电商进出口2.63万亿元，同比增长10.8%。"


class Inbox:
    """A warehouse with an inbox folder beside it."""

    def __init__(self, warehouse: Warehouse):
        self.warehouse = warehouse
        self.root = warehouse.path.parent
        self.folder = self.root / "inbox"
        self.folder.mkdir()

    def drop(self, name: str, content: str | bytes) -> Path:
        path = self.folder / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    def run(self):
        return process_inbox(self.warehouse.path, self.folder, self.root, self.root / "raw")

    def names(self, sub: str) -> list[str]:
        folder = self.folder / sub
        return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        return self.warehouse.rows(sql, params)


@pytest.fixture
def inbox(warehouse: Warehouse) -> Inbox:
    return Inbox(warehouse)


def test_a_saved_press_release_with_front_matter_is_loaded_and_moved(inbox: Inbox) -> None:
    inbox.drop("gacc-2024.txt", FRONT + SENTENCE + "\n")
    report = inbox.run()
    assert report.processed == ["gacc-2024.txt"] and len(report.loaded) == 1
    assert inbox.names("processed") == ["gacc-2024.txt"] and inbox.names("rejected") == []
    assert not (inbox.folder / "gacc-2024.txt").exists()
    rows = inbox.rows("select r.url, r.published_on, o.metric_id, o.value, o.yoy_pct, "
                      "o.vintage_status, o.quote from core.observations o "
                      "join core.releases r using (release_id)")
    assert len(rows) == 1
    row = rows[0]
    assert (row["url"], str(row["published_on"]), row["metric_id"]) == (
        "http://www.customs.gov.cn/x", "2025-01-13", "china.cbec.trade_value")
    assert (row["value"], row["yoy_pct"], row["vintage_status"]) == (2.63e12, 10.8, "preliminary")
    assert row["quote"] == SENTENCE


def test_a_json_release_with_its_document_and_a_csv_are_loaded(inbox: Inbox) -> None:
    article = SEEDS_DIR / "releases" / "globaltimes-2025-06-22-yiwu-cbec"
    shutil.copy(article.with_suffix(".json"), inbox.folder)
    shutil.copy(article.with_suffix(".txt"), inbox.folder)
    # In the inbox no source names the publisher: each row does.
    lines = (FIXTURES / "observations.csv").read_text(encoding="utf-8").splitlines()
    inbox.drop("yiwu-trade.csv", "\n".join(
        [lines[0] + ",publisher_id"] + [line + ",yiwu_customs" for line in lines[1:]]) + "\n")
    report = inbox.run()
    assert sorted(report.loaded) == ["globaltimes-2025-06-22-yiwu-cbec",
                                     "yiwu-trade-2025-01-20", "yiwu-trade-2025-10-30"]
    assert inbox.names("processed") == ["globaltimes-2025-06-22-yiwu-cbec.json",
                                        "globaltimes-2025-06-22-yiwu-cbec.txt", "yiwu-trade.csv"]
    assert list(inbox.folder.glob("*.*")) == []
    assert len(list((inbox.root / "raw" / "inbox").iterdir())) == 3


BAD_FILES = {
    "malformed.json": ("{not json", "malformed JSON at line 1"),
    "no-date.txt": ("---\npublisher: gacc\n---\n" + SENTENCE, "it has no date"),
    "no-figures.txt": (FRONT + "海关总署将召开新闻发布会。", "no figures were found"),
    "negative.json": (json.dumps(release("neg", "2025-01-01", [figure(
        "yiwu.ecommerce_entities.total", ("level", "2024-01-01", "2024-12-31"), -5, "-5",
        unit="entities")])), "is negative"),
    "rate.json": (json.dumps(release("rate", "2025-01-01", [figure(
        "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), None, yoy=-101)])),
        "at or below -100%"),
    "unit.json": (json.dumps(release("unit", "2025-01-01", [figure(
        "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 1.0, "1",
        unit="US dollars")])), "measured in 'yuan', not 'US dollars'"),
    "future.json": (json.dumps(release("future", "2025-01-01", [figure(
        "china.cbec.trade_value", ("year", "2025-01-01", "2025-12-31"), 1e12, "1",
        multiplier="trillion")])), "had not ended when the release was published"),
    "gbk.txt": ((FRONT + SENTENCE).encode("gbk"), "unexpected encoding"),
    "broken.csv": ("metric_id,value\nx,1\n", "missing column(s)"),
    "no-publisher.csv": ((FIXTURES / "observations.csv").read_text(encoding="utf-8"),
                         "line 2 names no publisher_id"),
    "notes.docx": (b"PK\x03\x04", "unknown file type '.docx'"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_is_refused_with_its_reason_and_the_rest_still_load(
        inbox: Inbox, name: str) -> None:
    content, message = BAD_FILES[name]
    bad = inbox.drop(name, content)
    raw = bad.read_bytes()
    inbox.drop("good.txt", FRONT + SENTENCE)
    report = inbox.run()
    assert report.processed == ["good.txt"] and len(report.loaded) == 1
    assert len(report.rejected) == 1 and message in report.rejected[0]
    assert inbox.names("rejected") == [name, f"{name}.reason.txt"]
    reason = (inbox.folder / "rejected" / f"{name}.reason.txt").read_text(encoding="utf-8")
    assert message in reason and "Fix the file and drop it in the inbox again" in reason
    sha = hashlib.sha256(raw).hexdigest()
    assert (inbox.root / "raw" / "inbox" / sha).read_bytes() == raw
    assert (inbox.folder / "rejected" / name).read_bytes() == raw
    rejected = inbox.rows("select content_sha256, reason from core.rejected_releases")
    assert len(rejected) == 1 and rejected[0]["content_sha256"] == sha
    assert message in rejected[0]["reason"]
    assert inbox.rows("select count(*) as n from core.releases")[0]["n"] == 1


def test_a_file_dropped_twice_is_loaded_once(inbox: Inbox) -> None:
    inbox.drop("gacc.txt", FRONT + SENTENCE)
    first = inbox.run()
    inbox.drop("gacc.txt", FRONT + SENTENCE)
    second = inbox.run()
    assert len(first.loaded) == 1 and second.loaded == [] and second.processed == ["gacc.txt"]
    assert inbox.rows("select count(*) as n from core.observations")[0]["n"] == 1
    assert len(inbox.names("processed")) == 2  # the second copy is kept under another name


def test_an_empty_or_missing_inbox_does_nothing(warehouse: Warehouse, tmp_path: Path) -> None:
    report = process_inbox(warehouse.path, tmp_path / "absent", tmp_path, tmp_path / "raw")
    assert (report.processed, report.loaded, report.rejected) == ([], [], [])


def test_a_value_orders_of_magnitude_off_the_metrics_history_is_held_not_loaded(
        inbox: Inbox) -> None:
    inbox.warehouse.add(release("gacc-2024", "2025-01-13", [figure(
        "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 2.63e12, "2.63",
        multiplier="万亿", yoy=10.8)]))
    # H1 2025 as customs gave it (1.32万亿元) in full-width digits, and as 32万亿元, the value
    # the full-width digits were once misread as.
    inbox.drop("h1.txt", "---\npublisher: gacc\npublished_on: 2025-07-15\n---\n"
               "上半年，我国跨境电商进出口约１．３２万亿元，同比增长５．７％。\n")
    inbox.drop("typo.txt", "---\npublisher: gacc\npublished_on: 2025-07-16\n---\n"
               "上半年，我国跨境电商进出口约32万亿元，同比增长5.7%。\n")
    report = inbox.run()
    assert report.rejected == []
    loaded = inbox.rows("select value, comparator from core.observations "
                        "where period_kind = 'half'")
    assert loaded == [{"value": 1.32e12, "comparator": "~"}]
    held = inbox.rows("select value, suggested_metric_id, reason from review_queue")
    assert [(h["value"], h["suggested_metric_id"]) for h in held] == [
        (32e12, "china.cbec.trade_value")]
    assert "times the typical china.cbec.trade_value" in held[0]["reason"]
