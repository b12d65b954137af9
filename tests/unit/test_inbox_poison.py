"""Poison in the inbox: each hostile file beside a good one is refused with its reason, the good
one loads, nothing of a link's target leaks, and the next run completes."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest_payload
from flows.model.release_files import ReleaseError
from tests.conftest import Warehouse, figure, release
from tests.unit.test_inbox import FRONT, SENTENCE, Inbox

SECRET = "SECRET-7f3a9c: root:x:0:0:root:/root:/bin/bash"
YEAR_2024 = ("year", "2024-01-01", "2024-12-31")
CSV_HEADER = "metric_id,period_kind,period_start,period_end,value,unit,published_on,publisher_id"
LONG_AGO = 1_600_000_000  # 2020: a hidden file not touched for years


@pytest.fixture
def inbox(warehouse: Warehouse) -> Inbox:
    return Inbox(warehouse)


def _value_release(release_id: str, value: object, as_written: str) -> str:
    """A release whose one figure has `value` (written into the JSON as its text)."""
    payload = release(release_id, "2025-01-13", [figure(
        "china.cbec.trade_value", YEAR_2024, 1, as_written)])
    return json.dumps(payload).replace('"value": 1,', f'"value": {value},')


def _write(content: str | bytes) -> Callable[[Path, Path], None]:
    def make(path: Path, secret: Path) -> None:
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return make


def _symlink_to(target: Callable[[Path], Path]) -> Callable[[Path, Path], None]:
    def make(path: Path, secret: Path) -> None:
        path.symlink_to(target(secret))
    return make


def _hidden(path: Path, secret: Path) -> None:
    path.write_text(_value_release("hidden", 1, "1"), encoding="utf-8")
    os.utime(path, (LONG_AGO, LONG_AGO))


def _sparse(path: Path, secret: Path) -> None:
    with open(path, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # 200 MB that take no disk and no time


def _document_link(path: Path, secret: Path) -> None:
    (path.parent / "doc.txt").symlink_to(secret)
    payload = release("with-doc", "2025-01-13", [figure(
        "china.cbec.trade_value", YEAR_2024, 1, "1", quote="root:x:0:0")])
    path.write_text(json.dumps({**payload, "document": "doc.txt"}), encoding="utf-8")


def _document_outside(path: Path, secret: Path) -> None:
    payload = release("outside-doc", "2025-01-13", [figure(
        "china.cbec.trade_value", YEAR_2024, 1, "1", quote="root:x:0:0")])
    document = os.path.relpath(secret, path.parent)
    path.write_text(json.dumps({**payload, "document": document}), encoding="utf-8")


def _many_rows(path: Path, secret: Path) -> None:
    row = "china.cbec.trade_value,year,2024-01-01,2024-12-31,1,yuan,2025-01-13,gacc\n"
    path.write_text(CSV_HEADER + "\n" + row * 100_001, encoding="utf-8")


def _many_figures(path: Path, secret: Path) -> None:
    figures = [figure("china.cbec.trade_value", ("level", "2024-01-01", "2024-01-01"), 1, "1")
               for _ in range(10_001)]
    path.write_text(json.dumps(release("many", "2025-01-13", figures)), encoding="utf-8")


@dataclass(frozen=True)
class Poison:
    """A hostile file: its name in the inbox, how it is made, what its reason must say, and how
    many files of it are archived (0: refused unread)."""

    name: str | bytes
    make: Callable[[Path, Path], None]
    reason: str
    archived: int = 1
    also_rejected: tuple[str, ...] = ()


POISONS = {
    "deep-json": Poison("deep.json", _write(b"[" * 100_000), "nested 100,000 levels deep"),
    "deep-object": Poison("deep-object.json", _write(b'{"a":' * 50_000 + b"1"),
                          "nested 50,000 levels deep"),
    "name-not-utf8": Poison(b"bad\xff.json", _write("{not json"), "malformed JSON"),
    "name-newline": Poison("two\nlines.json", _write("{not json"), "malformed JSON"),
    "name-escape": Poison("ansi\x1b[2J\r.json", _write("{not json"), "malformed JSON"),
    "hidden": Poison(".notes.json", _hidden, "hidden file (name starts with '.')", 0),
    "symlink-file": Poison("passwd.csv", _symlink_to(lambda s: s), "symbolic link", 0),
    "symlink-folder": Poison("folder", _symlink_to(lambda s: s.parent), "symbolic link", 0),
    "symlink-document": Poison("adoc.json", _document_link,
                               "its document 'doc.txt' was not read: it is a symbolic link",
                               also_rejected=("doc.txt",)),
    "document-outside": Poison("outside.json", _document_outside, "must be a file name beside it"),
    "fifo": Poison("pipe.csv", lambda path, secret: os.mkfifo(path), "not a regular file", 0),
    "value-1e309": Poison("inf.json", _write(_value_release("inf", "1e309", "1e309")),
                          "value 1E+309 of china.cbec.trade_value is absurd"),
    "value-400-digits": Poison("digits.json", _write(_value_release("d", "9" * 400, "9" * 60)),
                               "value 1.000000E+400 of china.cbec.trade_value is absurd"),
    "value-nan": Poison("nan.json", _write(_value_release("nan", "NaN", "1")),
                        "bare constant NaN"),
    "value-1e309-csv": Poison("inf.csv", _write(
        CSV_HEADER + "\nchina.cbec.trade_value,year,2024-01-01,2024-12-31,1e309,yuan,"
        "2025-01-13,gacc\n"), "value 1E+309 of china.cbec.trade_value is absurd"),
    "yoy-absurd": Poison("yoy.json", _write(json.dumps(release("yoy", "2025-01-13", [figure(
        "china.cbec.trade_value", YEAR_2024, None, yoy=1e7)]))), "above 100000%"),
    "unpaired-surrogate": Poison("surrogate.json", _write(
        _value_release("sur", 1, "1").replace('"title": "Test release sur"',
                                              '"title": "\\ud800"')), "unpaired surrogate"),
    "huge-page": Poison("huge.txt", _sparse, "over the 5,000,000-byte limit", 0),
    "huge-csv": Poison("huge.csv", _sparse, "over the 20,000,000-byte limit", 0),
    "many-rows": Poison("rows.csv", _many_rows, "more than 100,000 rows"),
    "many-figures": Poison("figures.json", _many_figures, "figures holds 10,001 items"),
}


def _stored(inbox: Inbox) -> dict[str, str]:
    """Every value of every core table (by table), of the archive and of every regular file in
    the inbox (under 'files'), as text: where a leaked secret would be."""
    stored = {}
    with duckdb.connect(str(inbox.warehouse.path), read_only=True) as con:
        tables = con.execute("select table_name from information_schema.tables "
                             "where table_schema = 'core'").fetchall()
        for (table,) in tables:
            rows = con.execute(f'select * from core."{table}"').fetchall()
            stored[table] = "\n".join(str(value) for row in rows for value in row)
    files = []
    for root in (inbox.root / "raw", inbox.folder):
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink() and path.lstat().st_size < 50_000_000:
                files.append(path.read_bytes().decode("utf-8", "replace"))
    stored["files"] = "\n".join(files)
    return stored


@pytest.mark.parametrize("kind", sorted(POISONS))
def test_a_poison_file_is_refused_the_good_one_loads_and_the_next_run_completes(
        inbox: Inbox, tmp_path: Path, kind: str) -> None:
    poison = POISONS[kind]
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    name = os.fsdecode(poison.name)
    poison.make(inbox.folder / name, secret)  # a name that is not UTF-8 keeps its bytes
    inbox.drop("good.txt", FRONT + SENTENCE)

    report = inbox.run()

    assert report.processed == ["good.txt"] and len(report.loaded) == 1
    rejected = inbox.names("rejected")
    for refused in (name, *poison.also_rejected):
        assert refused in rejected and f"{refused}.reason.txt" in rejected
    reason = (inbox.folder / "rejected" / f"{name}.reason.txt").read_text(encoding="utf-8")
    assert poison.reason in reason
    assert any(poison.reason in line for line in report.rejected)
    assert all("\n" not in line and "\r" not in line and "\x1b" not in line
               for line in report.warnings())
    assert inbox.names("processed") == ["good.txt"]
    assert sorted(p.name for p in inbox.folder.iterdir()) == ["processed", "rejected"]
    archived = list((inbox.root / "raw" / "inbox").iterdir())
    assert len(archived) == 1 + poison.archived
    assert all(path.stat().st_size < 20_000_000 for path in archived)
    stored = _stored(inbox)
    assert poison.reason in stored["rejected_releases"]
    assert not any(SECRET[:13] in text for text in [*stored.values(), *report.rejected])

    second = inbox.run()

    assert (second.processed, second.loaded, second.rejected) == ([], [], [])
    assert inbox.rows("select count(*) as n from core.releases")[0]["n"] == 1


def test_a_file_whose_name_is_not_utf8_is_still_loaded(inbox: Inbox) -> None:
    fd = os.open(os.fsencode(inbox.folder) + b"/gacc-\xff.json", os.O_WRONLY | os.O_CREAT)
    os.write(fd, _value_release("gacc-latin1", 2.63e12, "2.63").replace(
        '"multiplier": null', '"multiplier": "trillion"').encode("utf-8"))
    os.close(fd)
    report = inbox.run()
    assert report.processed == ["gacc-\\xff.json"] and report.loaded == ["gacc-latin1"]
    assert inbox.names("processed") == [os.fsdecode(b"gacc-\xff.json")]
    payloads = inbox.rows("select file_name, outcome from core.raw_payloads")
    assert payloads == [{"file_name": "gacc-\\xff.json", "outcome": "loaded"}]


def test_a_name_with_a_newline_is_shown_on_one_line(inbox: Inbox) -> None:
    inbox.drop("two\nlines.json", "{not json")
    report = inbox.run()
    assert report.warnings() == [
        "inbox: two\\nlines.json was refused: malformed JSON at line 1: Expecting property "
        "name enclosed in double quotes (moved to inbox/rejected/)"]
    stored = inbox.rows("select source_path from core.rejected_releases")[0]["source_path"]
    assert stored.endswith("/inbox/two\\nlines.json")


def test_a_hidden_file_being_written_is_left_alone_until_it_is_old(inbox: Inbox) -> None:
    partial = inbox.drop(".gacc.txt.partial", FRONT)
    report = inbox.run()
    assert report.rejected == [] and inbox.names("rejected") == []
    assert report.left == [".gacc.txt.partial (hidden, modified in the last 60 s: it may still "
                           "be written)"]
    assert partial.exists()
    os.utime(partial, (LONG_AGO, LONG_AGO))
    report = inbox.run()
    assert report.rejected == [".gacc.txt.partial was refused: hidden file (name starts with "
                               "'.'): rename it without the dot to load it (moved to "
                               "inbox/rejected/)"]
    assert inbox.names("rejected") == [".gacc.txt.partial", ".gacc.txt.partial.reason.txt"]


def test_a_symlink_is_moved_itself_and_its_target_is_untouched(inbox: Inbox,
                                                                tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    (inbox.folder / "x.csv").symlink_to(secret)
    inbox.run()
    moved = inbox.folder / "rejected" / "x.csv"
    assert moved.is_symlink() and os.readlink(moved) == str(secret)
    assert secret.read_text(encoding="utf-8") == SECRET
    assert not (inbox.root / "raw" / "inbox").exists()


def test_a_fault_of_the_loader_on_one_file_moves_that_file_and_the_others_load(
        inbox: Inbox, monkeypatch: pytest.MonkeyPatch) -> None:
    real = ingest_payload.parse_payload

    def failing(payload: ingest_payload.Payload, *args: object, **kwargs: object) -> object:
        if payload.path.name == "trips.txt":
            raise RuntimeError("a bug the tests put here")
        return real(payload, *args, **kwargs)

    monkeypatch.setattr(ingest_payload, "parse_payload", failing)
    inbox.drop("trips.txt", FRONT + SENTENCE)
    inbox.drop("zz-good.csv", CSV_HEADER + "\nchina.cbec.trade_value,year,2023-01-01,"
               "2023-12-31,2380000000000,yuan,2024-01-12,gacc\n")
    report = inbox.run()
    assert report.processed == ["zz-good.csv"]
    assert report.rejected == [
        "trips.txt was refused: the loader failed on it (RuntimeError: a bug the tests put "
        "here); the file may be fine: report this with the file, which is kept here (moved to "
        "inbox/rejected/)"]
    assert inbox.names("rejected") == ["trips.txt", "trips.txt.reason.txt"]
    assert inbox.run().rejected == []


def test_a_release_error_shows_a_name_with_control_characters_on_one_line() -> None:
    error = ReleaseError("in\x1b[31mbox/a\nb\udcff.json", "bad\rthing")
    assert "\n" not in str(error) and "\r" not in str(error) and "\x1b" not in str(error)
    assert "in\\x1b[31mbox/a\\nb\\xff.json" in str(error) and error.problem == "bad\\rthing"


def test_a_saved_page_with_an_absurd_number_still_loads_and_holds_that_number(
        inbox: Inbox) -> None:
    inbox.drop("page.txt", FRONT + SENTENCE + "备案编号12345678901234567890123万亿元。")
    report = inbox.run()
    assert report.rejected == [] and len(report.loaded) == 1
    held = inbox.rows("select value from core.review_items")
    assert held == [{"value": 1.2345678901234567890123e34}]
