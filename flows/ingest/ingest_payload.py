"""The one ingest path: a payload (fetched from a source, or dropped in the inbox) is parsed by
its kind, loaded, and what became of it recorded (its payload row, and its refusal if any).

KINDS is the one table from a kind of payload to its parser: a source's `kind` names an entry,
and an inbox file's suffix names the entry that lists it. A new kind is one entry here.
Fetching, deadlines and the archive (collect.py), and moving inbox files and their companion
documents (inbox.py) stay with their callers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from flows.extract.documents import Document, DocumentError, published_on_of, read_document
from flows.extract.lexicon import Lexicon, LexiconError, lexicon_path, load_lexicon
from flows.extract.parse_press import PressMeta, parse_press_release
from flows.ingest.archive import ArchivedPayload
from flows.ingest.parse_csv import parse_observations_csv
from flows.ingest.sources import Source
from flows.model.release_files import (
    ParsedRelease,
    ReleaseError,
    parse_release_json,
    printable,
    read_release,
    sha256_of,
)
from flows.warehouse import sqlrunner
from flows.warehouse.load import Reference, load_releases, record_rejection

INBOX_SOURCE = "inbox"
FRONT_MATTER_KEYS = ("publisher", "published_on", "url", "title", "language", "geography",
                     "lexicon", "published_on_note")


@dataclass(frozen=True, kw_only=True)
class Payload:
    """One payload's bytes, its kind, and where it came from: a source's fetch (`source` set)
    or an inbox file (`source` None: its front matter and its name describe it)."""

    kind: str | None  # None: an inbox file whose suffix names no kind
    body: bytes
    path: Path  # what a refusal names: the archived copy, or the inbox file
    archived: ArchivedPayload
    archived_path: str  # the archived copy, relative to warehouse/
    source: Source | None = None
    requested_url: str | None = None
    final_url: str | None = None
    content_type: str | None = None

    @classmethod
    def fetched(cls, source: Source, kind: str, body: bytes, archived: ArchivedPayload,
                warehouse_dir: Path, requested_url: str, final_url: str,
                content_type: str | None) -> Payload:
        """A payload a source served (kind: the source's, or its feed's item kind)."""
        return cls(kind=kind, body=body, path=archived.path, archived=archived,
                   archived_path=archived.relative_to(warehouse_dir), source=source,
                   requested_url=requested_url, final_url=final_url, content_type=content_type)

    @classmethod
    def inbox_file(cls, path: Path, body: bytes, archived: ArchivedPayload,
                   warehouse_dir: Path) -> Payload:
        """A file dropped in the inbox: its suffix names its kind."""
        return cls(kind=kind_of_file(path), body=body, path=path, archived=archived,
                   archived_path=archived.relative_to(warehouse_dir))

    @property
    def source_id(self) -> str:
        """The source it came from (the inbox is a source of its own)."""
        return self.source.id if self.source is not None else INBOX_SOURCE

    @property
    def file_name(self) -> str | None:
        """The inbox file's name (None for a fetched payload)."""
        return self.path.name if self.source is None else None


def record_payload(con: duckdb.DuckDBPyConnection, payload: Payload, outcome: str,
                   release_ids: list[str] | None = None, reason: str | None = None) -> None:
    """Insert a payload's row into core.raw_payloads, with what became of it: loaded,
    unchanged, rejected (and why), or listed (a feed's listing)."""
    name = payload.file_name
    sqlrunner.execute(con, "load/insert_payload", [
        payload.source_id, payload.archived.sha256, payload.requested_url, payload.final_url,
        None if name is None else printable(name), payload.content_type, len(payload.body),
        payload.archived_path, outcome, release_ids or [], reason])


Parser = Callable[[Payload, Reference], list[ParsedRelease]]


def _release(p: Payload, _: Reference) -> list[ParsedRelease]:
    """A release in the project's JSON format; an inbox file's document sits beside it."""
    if p.source is None:
        return [read_release(p.path, p.body)]
    release = parse_release_json(p.body, p.path)
    return [ParsedRelease(p.path, release, None, sha256_of(p.body), sha256_of(p.body))]


def _observations(p: Payload, _: Reference) -> list[ParsedRelease]:
    """A CSV of observations: one release per publisher and publication date."""
    if p.source is None:
        return parse_observations_csv(p.body, source=p.path, stem=p.path.stem)
    return parse_observations_csv(p.body, source=p.path, stem=p.source.id,
                                  publisher_id=p.source.publisher, url=p.final_url)


def _lexicon(p: Payload, name: str) -> Lexicon:
    """The named lexicon; one that cannot be read refuses the payload."""
    try:
        return load_lexicon(lexicon_path(name))
    except LexiconError as exc:
        raise ReleaseError(p.path, str(exc)) from None


def _fetched_meta(p: Payload, source: Source, doc: Document) -> tuple[PressMeta, Lexicon]:
    """A fetched page's metadata: its source's, and the date the page carries."""
    lexicon = _lexicon(p, source.lexicon)
    published_on = published_on_of(doc)
    if published_on is None:
        raise ReleaseError(p.path, "the page carries no publication date (no date meta tag "
                           "and no date near its top); save it to the inbox with a "
                           "'published_on:' front-matter line")
    return PressMeta(source_id=source.id, publisher_id=source.publisher,
                     published_on=published_on, url=p.final_url, title=doc.title,
                     geography=source.geography), lexicon


def _front_matter_meta(p: Payload, doc: Document) -> tuple[PressMeta, Lexicon]:
    """A saved page's metadata: its front matter (publisher, published_on, url, …)."""
    front = doc.front_matter
    unknown = sorted(set(front) - set(FRONT_MATTER_KEYS))
    if unknown:
        raise ReleaseError(p.path, f"unknown front-matter key(s) {', '.join(unknown)}; use "
                           + ", ".join(FRONT_MATTER_KEYS))
    if not front.get("publisher"):
        raise ReleaseError(p.path, "its front matter names no 'publisher:' (an id of "
                           "publishers.csv); add a '---' header (see docs/inbox.md)")
    if not front.get("published_on"):
        raise ReleaseError(p.path, "it has no date: add 'published_on: YYYY-MM-DD' to its "
                           "front matter (the date the release was published)")
    try:
        published_on = date.fromisoformat(front["published_on"])
    except ValueError:
        raise ReleaseError(p.path, f"published_on {front['published_on']!r} is not a "
                           "YYYY-MM-DD date") from None
    lexicon = _lexicon(p, front.get("lexicon", "cbec"))
    return PressMeta(
        source_id=INBOX_SOURCE, publisher_id=front["publisher"], published_on=published_on,
        url=front.get("url"), title=front.get("title") or doc.title,
        language=front.get("language"), geography=front.get("geography"),
        published_on_note=front.get("published_on_note")), lexicon


def _press_release(p: Payload, ref: Reference) -> list[ParsedRelease]:
    """A press release (HTML or text) read by the extractor, its values checked against the
    metrics' typical values."""
    try:
        doc = read_document(p.body, p.content_type, p.file_name)
    except DocumentError as exc:
        raise ReleaseError(p.path, str(exc)) from None
    meta, lexicon = (_front_matter_meta(p, doc) if p.source is None
                     else _fetched_meta(p, p.source, doc))
    return [parse_press_release(doc, p.body, meta, lexicon, ref.units, p.path, ref.typical)]


@dataclass(frozen=True)
class Kind:
    """A kind of payload: its parser, and the inbox file suffixes that name it."""

    parse: Parser
    suffixes: tuple[str, ...]


# The one dispatch table. A source's `kind` (or its feed's `item_kind`) is a key; an inbox
# file's suffix names the entry that lists it. (A feed's listing is not parsed into releases:
# collect.py records it and follows its links.)
KINDS: dict[str, Kind] = {
    "json": Kind(_release, (".json",)),
    "csv": Kind(_observations, (".csv",)),
    "press-release": Kind(_press_release, (".txt", ".html", ".htm")),
}


def kind_of_file(path: Path) -> str | None:
    """The kind an inbox file's suffix names, or None."""
    suffix = path.suffix.lower()
    return next((name for name, kind in KINDS.items() if suffix in kind.suffixes), None)


def parse_payload(payload: Payload, reference: Reference) -> list[ParsedRelease]:
    """Parse a payload by its kind into releases of the model; raise ReleaseError if bad."""
    kind = KINDS.get(payload.kind) if payload.kind is not None else None
    if kind is None:
        raise ReleaseError(payload.path, f"unknown file type {payload.path.suffix.lower()!r}; "
                           "drop a .json release, a .csv of observations, or a .txt/.html "
                           "press release with front matter")
    return kind.parse(payload, reference)


@dataclass(frozen=True)
class Ingested:
    """What became of a payload: loaded, unchanged or rejected, with the releases of each."""

    outcome: str
    loaded: list[str]
    unchanged: list[str]
    error: ReleaseError | None = None

    @property
    def release_ids(self) -> list[str]:
        """The releases it holds: loaded, unchanged, or the one refused (when it has an id)."""
        if self.error is not None:
            return [self.error.release_id] if self.error.release_id else []
        return self.loaded + self.unchanged

    @property
    def reason(self) -> str | None:
        """Why it was refused; None when it was not."""
        return self.error.problem if self.error is not None else None


def ingest_payload(con: duckdb.DuckDBPyConnection, payload: Payload) -> Ingested:
    """Parse a payload by its kind and load it; record a refusal with the payload's hash, and
    the payload's row unless these bytes from this source were recorded before."""
    try:
        releases = parse_payload(payload, Reference(con))
        loaded, unchanged = load_releases(con, releases, payload.archived_path)
    except ReleaseError as err:
        record_rejection(con, err, payload.archived.sha256)
        ingested = Ingested("rejected", [], [], err)
    else:
        ingested = Ingested("loaded" if loaded else "unchanged", loaded, unchanged)
    if not sqlrunner.fetch_dicts(con, "load/find_payload",
                                 [payload.source_id, payload.archived.sha256]):
        record_payload(con, payload, ingested.outcome, ingested.release_ids, ingested.reason)
    return ingested
