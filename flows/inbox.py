"""The inbox: releases an analyst drops in warehouse/inbox/ load on the next run, then move on.

A file goes to inbox/processed/ once loaded (or found already loaded), or to inbox/rejected/
beside a `<name>.reason.txt` saying why. Either way its bytes are archived first under
raw/inbox/<sha256>, so nothing dropped in the inbox is ever lost.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from flows import sqlrunner
from flows.archive import archive_payload
from flows.documents import DocumentError, read_document
from flows.lexicon import LexiconError, lexicon_path, load_lexicon
from flows.load import load_releases, record_rejection, typical_values
from flows.parse_csv import parse_observations_csv
from flows.parse_press import PressMeta, parse_press_release
from flows.release_files import ParsedRelease, ReleaseError, read_release
from flows.warehouse_db import connect

INBOX_SOURCE = "inbox"
TEXT_SUFFIXES = (".txt", ".html", ".htm")
FRONT_MATTER_KEYS = ("publisher", "published_on", "url", "title", "language", "geography",
                     "lexicon", "published_on_note")


@dataclass
class InboxReport:
    """What one pass over the inbox did."""

    processed: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    def warnings(self) -> list[str]:
        """One line per refused file, worded for the brief."""
        return [f"inbox: {line}" for line in self.rejected]


def _front_matter_release(path: Path, body: bytes, metric_units: dict[str, str],
                          typical: dict[str, float] | None = None) -> ParsedRelease:
    """A saved press release: front matter (publisher, published_on, url, …) then the text."""
    try:
        doc = read_document(body, None, path.name)
    except DocumentError as exc:
        raise ReleaseError(path, str(exc)) from None
    front = doc.front_matter
    unknown = sorted(set(front) - set(FRONT_MATTER_KEYS))
    if unknown:
        raise ReleaseError(path, f"unknown front-matter key(s) {', '.join(unknown)}; use "
                           + ", ".join(FRONT_MATTER_KEYS))
    if not front.get("publisher"):
        raise ReleaseError(path, "its front matter names no 'publisher:' (an id of "
                           "publishers.csv); add a '---' header (see docs/inbox.md)")
    if not front.get("published_on"):
        raise ReleaseError(path, "it has no date: add 'published_on: YYYY-MM-DD' to its front "
                           "matter (the date the release was published)")
    try:
        published_on = date.fromisoformat(front["published_on"])
    except ValueError:
        raise ReleaseError(path, f"published_on {front['published_on']!r} is not a "
                           "YYYY-MM-DD date") from None
    try:
        lexicon = load_lexicon(lexicon_path(front.get("lexicon", "cbec")))
    except LexiconError as exc:
        raise ReleaseError(path, str(exc)) from None
    meta = PressMeta(
        source_id=INBOX_SOURCE, publisher_id=front["publisher"], published_on=published_on,
        url=front.get("url"), title=front.get("title") or doc.title,
        language=front.get("language"), geography=front.get("geography"),
        published_on_note=front.get("published_on_note"))
    return parse_press_release(doc, body, meta, lexicon, metric_units, path, typical)


def parse_inbox_file(path: Path, metric_units: dict[str, str],
                     typical: dict[str, float] | None = None) -> list[ParsedRelease]:
    """Parse one inbox file by its extension (a saved page's values are checked against the
    metrics' typical values)."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return [read_release(path)]
    if suffix == ".csv":
        return parse_observations_csv(path.read_bytes(), source=path, stem=path.stem)
    if suffix in TEXT_SUFFIXES:
        return [_front_matter_release(path, path.read_bytes(), metric_units, typical)]
    raise ReleaseError(path, f"unknown file type {suffix!r}; drop a .json release, a .csv of "
                       "observations, or a .txt/.html press release with front matter")


def _move(path: Path, folder: Path, sha256: str) -> Path:
    """Move a file into a folder without replacing one of the same name."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if target.exists():
        target = folder / f"{path.stem}-{sha256[:10]}{path.suffix}"
    shutil.move(str(path), str(target))
    return target


def _documents_of(files: list[Path]) -> set[Path]:
    """Documents that an inbox JSON release names: they travel with their release."""
    docs = set()
    for path in files:
        if path.suffix.lower() == ".json":
            try:
                parsed = read_release(path)
            except ReleaseError:
                continue
            if parsed.release.document:
                docs.add((path.parent / parsed.release.document).resolve())
    return docs


def process_inbox(db_path: Path, inbox_dir: Path, warehouse_dir: Path, raw_dir: Path
                  ) -> InboxReport:
    """Load every file in the inbox, each on its own: one bad file never stops the others."""
    report = InboxReport()
    if not inbox_dir.is_dir():
        return report
    files = sorted(p for p in inbox_dir.iterdir()
                   if p.is_file() and not p.name.startswith((".", "README")))
    documents = _documents_of(files)
    with connect(db_path) as con:
        units = {r["metric_id"]: r["unit"]
                 for r in sqlrunner.fetch_dicts(con, "load/metric_units")}
        for path in files:
            if path.resolve() in documents:
                continue
            _process_file(con, path, inbox_dir, warehouse_dir, raw_dir, units, report)
    return report


def _companions(path: Path, inbox_dir: Path) -> list[Path]:
    """The document a JSON release names, when it sits in the inbox beside it."""
    if path.suffix.lower() != ".json":
        return []
    try:
        document = read_release(path).release.document
    except ReleaseError:
        return []
    return [inbox_dir / document] if document and (inbox_dir / document).is_file() else []


def _process_file(con: duckdb.DuckDBPyConnection, path: Path, inbox_dir: Path,
                  warehouse_dir: Path, raw_dir: Path, units: dict[str, str],
                  report: InboxReport) -> None:
    body = path.read_bytes()
    archived = archive_payload(raw_dir, INBOX_SOURCE, body)
    companions = _companions(path, inbox_dir)
    for companion in companions:
        archive_payload(raw_dir, INBOX_SOURCE, companion.read_bytes())
    relative = archived.relative_to(warehouse_dir)
    try:
        # Only a saved page is read by the extractor: only it is checked against the history.
        typical = typical_values(con) if path.suffix.lower() in TEXT_SUFFIXES else None
        releases = parse_inbox_file(path, units, typical)
        loaded, unchanged = load_releases(con, releases, relative)
    except ReleaseError as err:
        record_rejection(con, err, archived.sha256)
        for companion in companions:
            _move(companion, inbox_dir / "rejected", archived.sha256)
        target = _move(path, inbox_dir / "rejected", archived.sha256)
        target.with_name(target.name + ".reason.txt").write_text(
            f"{err}\n\nThe file's bytes are archived at warehouse/{relative}. Fix the file and "
            "drop it in the inbox again.\n", encoding="utf-8")
        report.rejected.append(f"{path.name} was refused: {err.problem} (moved to "
                               f"inbox/rejected/)")
        outcome, ids, reason = "rejected", [err.release_id] if err.release_id else [], err.problem
    else:
        for companion in companions:
            _move(companion, inbox_dir / "processed", archived.sha256)
        _move(path, inbox_dir / "processed", archived.sha256)
        report.processed.append(path.name)
        report.loaded += loaded
        outcome, ids, reason = ("loaded" if loaded else "unchanged"), loaded + unchanged, None
    seen = sqlrunner.fetch_dicts(con, "load/find_payload", [INBOX_SOURCE, archived.sha256])
    if not seen:
        sqlrunner.execute(con, "load/insert_payload", [
            INBOX_SOURCE, archived.sha256, None, None, path.name, None, len(body), relative,
            outcome, ids, reason])
