"""The one ingest path: a fetched payload and an inbox file go through one table of kinds.

The same release served by a loopback HTTP source and dropped in the inbox stores the same
rows; a kind added to KINDS is used by both paths at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path
from typing import Any, get_args

import duckdb
import pytest

from flows.ingest import ingest_payload
from flows.ingest.collect import CollectContext, collect_source
from flows.ingest.inbox import MAX_INBOX_BYTES, process_inbox
from flows.ingest.ingest_payload import KINDS, Kind, Payload, Reference
from flows.ingest.sources import Source, SourceKind
from flows.model.release_files import ParsedRelease
from tests.loopback import LoopbackServer, Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "releases"
RELEASE = (FIXTURES / "yiwu-2025-03-20.json").read_bytes()
# An inbox CSV names its publisher (a source's gives its own): the rows name it.
OBSERVATIONS = b"".join(line.rstrip(b"\n") + (b",publisher_id\n" if n == 0 else b",yiwu_fabu\n")
                        for n, line in enumerate(
                            (FIXTURES / "observations.csv").read_bytes().splitlines(True)))


class Place:
    """A warehouse of its own (a copy of the session's empty one), with an inbox beside it."""

    def __init__(self, empty_warehouse: Path, folder: Path):
        folder.mkdir()
        self.folder = folder
        self.db = folder / "barometer.duckdb"
        shutil.copyfile(empty_warehouse, self.db)
        self.inbox = folder / "inbox"
        self.inbox.mkdir()

    def collect(self, server: LoopbackServer, path: str, kind: str) -> list[str]:
        """Collect one loopback URL as source 'site' of that kind; the releases loaded."""
        src = Source(id="site", publisher="yiwu_fabu", kind=kind, url=server.url(path),
                     attempts=1, read_timeout=5.0)
        ctx = CollectContext(db_path=self.db, warehouse_dir=self.folder,
                             raw_dir=self.folder / "raw", run_id="test-run")
        report = collect_source(ctx, src)
        assert report.is_ok, report.warnings()
        return report.loaded

    def drop(self, name: str, body: bytes) -> list[str]:
        """Drop one file in the inbox and process it; the releases loaded."""
        (self.inbox / name).write_bytes(body)
        report = process_inbox(self.db, self.inbox, self.folder, self.folder / "raw")
        assert report.rejected == [] and report.processed == [name]
        return report.loaded

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.db), read_only=True) as con:
            return con.execute(sql).fetchall()


STORED = {
    "observations": "select * from core.observations order by release_id, seq",
    # Where the bytes came from differs by path: a fetched CSV's releases name the URL (so
    # their claims hash differs too), and each path archives under its own source.
    "releases": "select release_id, title, publisher_id, published_on, language, "
                "content_sha256 from core.releases order by release_id",
    "payloads": "select sha256, bytes, outcome, release_ids, reason from core.raw_payloads",
}


@pytest.mark.parametrize(("kind", "file_name", "body", "content_type"), [
    ("json", "site.json", RELEASE, "application/json"),
    ("csv", "site.csv", OBSERVATIONS, "text/csv; charset=utf-8"),
])
def test_a_fetched_release_and_the_same_release_in_the_inbox_store_the_same_rows(
        kind: str, file_name: str, body: bytes, content_type: str, tmp_path: Path,
        empty_warehouse: Path, loopback: LoopbackServer) -> None:
    loopback.route("/latest", Reply.redirect("/release"))
    loopback.route("/release", Reply.text(body, content_type))
    fetched, dropped = (Place(empty_warehouse, tmp_path / "fetched"),
                        Place(empty_warehouse, tmp_path / "dropped"))
    loaded = fetched.collect(loopback, "/latest", kind)
    assert loaded and dropped.drop(file_name, body) == loaded
    for table, sql in STORED.items():
        rows = fetched.rows(sql)
        assert rows and dropped.rows(sql) == rows, table
    origin = ("select source_id, requested_url, final_url, file_name, content_type, "
              "archived_path from core.raw_payloads")
    sha = hashlib.sha256(body).hexdigest()
    assert fetched.rows(origin) == [("site", loopback.url("/latest"), loopback.url("/release"),
                                     None, content_type, f"raw/site/{sha}")]
    assert dropped.rows(origin) == [("inbox", None, None, file_name, None, f"raw/inbox/{sha}")]


def test_every_kind_a_source_or_an_inbox_file_can_name_has_one_parser() -> None:
    fetched_kinds = set(get_args(SourceKind)) - {"feed"}  # a feed's listing is not parsed
    item_kinds = set(get_args(Source.model_fields["item_kind"].annotation))
    assert set(KINDS) == fetched_kinds == item_kinds
    suffixes = [suffix for kind in KINDS.values() for suffix in kind.suffixes]
    assert sorted(suffixes) == sorted(MAX_INBOX_BYTES)  # each suffix names one kind


def test_a_kind_added_to_the_table_is_read_from_a_source_and_from_the_inbox(
        tmp_path: Path, empty_warehouse: Path, loopback: LoopbackServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []

    def tab_separated(payload: Payload, reference: Reference) -> list[ParsedRelease]:
        seen.append((payload.source_id, payload.path.name))
        csv = payload.body.replace(b"\t", b",")
        return KINDS["csv"].parse(dataclasses.replace(payload, body=csv), reference)

    monkeypatch.setitem(KINDS, "tsv", Kind(tab_separated, (".tsv",)))
    tsv = OBSERVATIONS.replace(b",", b"\t")
    loopback.route("/obs.tsv", Reply.text(tsv, "text/plain"))
    fetched, dropped = (Place(empty_warehouse, tmp_path / "fetched"),
                        Place(empty_warehouse, tmp_path / "dropped"))
    # The registry's SourceKind does not name the kind yet: the source is made past it.
    src = Source(id="site", publisher="yiwu_fabu", kind="csv", url=loopback.url("/obs.tsv"),
                 content_types=["text/plain"], attempts=1).model_copy(update={"kind": "tsv"})
    ctx = CollectContext(db_path=fetched.db, warehouse_dir=fetched.folder,
                         raw_dir=fetched.folder / "raw", run_id="test-run")
    report = collect_source(ctx, src)
    assert report.loaded == ["site-2025-01-20", "site-2025-10-30"]
    assert dropped.drop("site.tsv", tsv) == report.loaded
    assert [source for source, _ in seen] == ["site", "inbox"]
    assert seen[1][1] == "site.tsv"
    assert dropped.rows(STORED["observations"]) == fetched.rows(STORED["observations"])


def test_an_inbox_file_of_no_known_kind_is_refused_by_the_table(tmp_path: Path) -> None:
    assert ingest_payload.kind_of_file(tmp_path / "notes.DOCX") is None
    assert ingest_payload.kind_of_file(tmp_path / "page.HTM") == "press-release"
