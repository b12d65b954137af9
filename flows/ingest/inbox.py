"""The inbox: releases an analyst drops in warehouse/inbox/ load on the next run, then move on.

A file goes to inbox/processed/ once loaded (or found already loaded), or to inbox/rejected/
beside a `<name>.reason.txt` saying why. A file that is read has its bytes archived first under
raw/inbox/<sha256>, so nothing dropped in the inbox is ever lost. Some files are refused
unread, and so not archived, but still moved to rejected/ with their reason: a symbolic link
(never followed), a file that is not a regular one, a hidden file, and a file over its size
limit. No file, whatever its name or content, stops the others or the next run.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import shutil
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from flows.disk import DiskFull, disk_full_error, is_disk_full
from flows.ingest.archive import archive_payload
from flows.ingest.ingest_payload import INBOX_SOURCE, KINDS, Payload, ingest_payload
from flows.model.release_files import (
    MAX_DOCUMENT_BYTES,
    ReleaseError,
    UnreadableFile,
    is_bare_name,
    parse_release_json,
    printable,
    read_regular,
)
from flows.warehouse.db import connect
from flows.warehouse.load import record_rejection

TEXT_SUFFIXES = KINDS["press-release"].suffixes
FOLDERS = ("processed", "rejected")

# Size limits, checked from a file's size before a byte of it is read (a 200 MB CSV once took
# 8.9 GB of memory before it was refused). A saved page gets the fetcher's cap
# (FetchPolicy.max_bytes); a CSV or a release holds at most 100,000 rows or 10,000 figures
# (flows/ingest/parse_csv.py, flows/model/release.py), which fit in 20 MB. Constants here
# rather than settings: they keep the process alive, they are not a preference.
MAX_INBOX_BYTES = {".json": 20_000_000, ".csv": 20_000_000,
                   **{suffix: MAX_DOCUMENT_BYTES for suffix in TEXT_SUFFIXES}}
MAX_OTHER_BYTES = MAX_DOCUMENT_BYTES  # a file of another kind is refused; this much is archived
_ADVICE = {".json": "split it into several releases", ".csv": "split it into smaller files"}
# A hidden file this recently modified may still be being written by another program (rsync's
# temporary '.name.XXXXXX', an editor's swap file): it is left for a later run.
HIDDEN_SETTLE_SECONDS = 60
# Room for '-<hash>-<n>' and '.reason.txt' in a file name of at most 255 bytes.
_MAX_NAME_BYTES = 200

logger = logging.getLogger(__name__)


@dataclass
class InboxReport:
    """What one pass over the inbox did (file names as printable one-line text)."""

    processed: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # left for a later run, with why

    def warnings(self) -> list[str]:
        """One line per refused file, worded for the brief."""
        return [f"inbox: {line}" for line in self.rejected]


def size_limit(path: Path) -> int:
    """The most bytes an inbox file of this kind may hold."""
    return MAX_INBOX_BYTES.get(path.suffix.lower(), MAX_OTHER_BYTES)


def _too_large(path: Path, size: int, limit: int) -> str:
    """The reason for a file over its size limit, and what to do."""
    suffix = path.suffix.lower()
    advice = _ADVICE.get(suffix, "save only the release's own text" if suffix in TEXT_SUFFIXES
                         else "drop a .json, .csv, .txt or .html file")
    return (f"it is {size:,} bytes, over the {limit:,}-byte limit for an inbox "
            f"{suffix or 'extensionless'} file (MAX_INBOX_BYTES in flows/ingest/inbox.py): "
            f"{advice}; "
            "it was not read, so it is not archived")


_LEAVE = "leave"  # a file left for a later run, not refused


def _unread_refusal(path: Path, info: os.stat_result, now: float) -> str | None:
    """Why a file is refused before a byte of it is read (or _LEAVE), from its lstat alone;
    None when it may be read."""
    if stat.S_ISLNK(info.st_mode):
        return ("it is a symbolic link, and the inbox follows none: it reads only regular "
                "files; copy the file itself in (the link's target was not read)")
    if not stat.S_ISREG(info.st_mode):
        return ("it is not a regular file (a named pipe, socket or device): the inbox reads "
                "only regular files; copy the file itself in")
    if path.name.startswith("."):
        if abs(now - info.st_mtime) < HIDDEN_SETTLE_SECONDS:  # abs: a clock set wrong
            return _LEAVE
        return "hidden file (name starts with '.'): rename it without the dot to load it"
    if info.st_size > size_limit(path):
        return _too_large(path, info.st_size, size_limit(path))
    return None


def _document_name(path: Path) -> str | None:
    """The document a JSON release in the inbox names; never raises (a file that cannot be read
    or parsed names none, and its own turn says why)."""
    try:
        return parse_release_json(read_regular(path, size_limit(path)), path).document
    except Exception:  # any fault at all: it is just not a source of companions
        return None


def _companion_names(files: list[tuple[Path, os.stat_result]], now: float) -> dict[Path, str]:
    """For each JSON release to be read, the regular file beside it that it names as its
    document: that file travels with its release. A .json is never one, so no release waits
    for another."""
    present = {path.name: info for path, info in files}
    companions = {}
    for path, info in files:
        if path.suffix.lower() != ".json" or _unread_refusal(path, info, now) is not None:
            continue
        name = _document_name(path)
        document = present.get(name) if name and is_bare_name(name) else None
        if (document is not None and stat.S_ISREG(document.st_mode) and name != path.name
                and not name.lower().endswith(".json")
                and document.st_size <= MAX_DOCUMENT_BYTES):
            companions[path] = name
    return companions


def _entries(inbox_dir: Path) -> list[tuple[Path, os.stat_result]]:
    """The inbox's files (links too, never followed), by name; folders and READMEs are left
    alone."""
    entries = []
    for path in sorted(inbox_dir.iterdir()):
        try:
            info = path.lstat()
        except OSError:  # gone since it was listed
            continue
        if not stat.S_ISDIR(info.st_mode) and not path.name.startswith("README"):
            entries.append((path, info))
    return entries


def _folder_problem(inbox_dir: Path) -> str | None:
    """Why processed/ or rejected/ cannot receive files (a file or a link of that name)."""
    for name in FOLDERS:
        try:
            info = (inbox_dir / name).lstat()
        except FileNotFoundError:
            continue
        if not stat.S_ISDIR(info.st_mode):
            return (f"inbox/{name} is not a folder (a file or a link of that name): move it "
                    "away; no file in the inbox was processed")
    return None


def process_inbox(db_path: Path, inbox_dir: Path, warehouse_dir: Path, raw_dir: Path
                  ) -> InboxReport:
    """Load every file in the inbox, each on its own: one bad file never stops the others."""
    report = InboxReport()
    if not inbox_dir.is_dir():
        return report
    problem = _folder_problem(inbox_dir)
    if problem:
        report.rejected.append(problem)
        return report
    now = time.time()
    files = _entries(inbox_dir)
    companions = _companion_names(files, now)
    travelling = set(companions.values())
    with connect(db_path) as con:
        inbox = _Inbox(con, inbox_dir, warehouse_dir, raw_dir, report, now)
        for path, info in files:
            if path.name in travelling:
                continue
            try:
                inbox.process(path, info, companions.get(path))
            except Exception as exc:  # one file's fault never stops the others
                if is_disk_full(exc):  # the machine's fault, not the file's: it stays for later
                    raise exc if isinstance(exc, DiskFull) else disk_full_error(raw_dir) from exc
                inbox.refuse_after_fault(path, exc)
    return report


def _fitted(name: str, limit: int = _MAX_NAME_BYTES) -> tuple[str, str]:
    """A name's stem and suffix, the stem cut so that the name fits in `limit` bytes."""
    path = Path(name)
    suffix = path.suffix if len(path.suffix) <= 20 else ""
    stem = name[:len(name) - len(suffix)] if suffix else name
    raw = os.fsencode(stem)
    if len(raw) + len(os.fsencode(suffix)) > limit:
        stem = os.fsdecode(raw[:limit - len(os.fsencode(suffix))])
    return stem, suffix


def _move(path: Path, folder: Path, tag: str | None) -> Path:
    """Move a file (a link itself, not its target) into a folder without replacing a file or a
    reason of the same name: a name taken gets the payload's hash (`tag`) or a number."""
    folder.mkdir(exist_ok=True)
    stem, suffix = _fitted(path.name)
    first = [path.name] if len(os.fsencode(path.name)) <= _MAX_NAME_BYTES else []
    hashed = [f"{stem}-{tag[:10]}{suffix}"] if tag else []
    numbered = (f"{stem}-{tag[:10] if tag else 'copy'}-{n}{suffix}" for n in itertools.count(2))
    for name in itertools.chain(first, hashed, numbered):
        target = folder / name
        if not os.path.lexists(target) and not os.path.lexists(_reason_path(target)):
            shutil.move(path, target)
            return target
    raise AssertionError("unreachable: the numbered names never run out")


def _reason_path(target: Path) -> Path:
    return target.with_name(target.name + ".reason.txt")


def _write_reason(target: Path, text: str) -> None:
    """Write a refused file's reason beside it, never through a link, never over a file."""
    fd = os.open(_reason_path(target), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


@dataclass
class _Inbox:
    """One pass over the inbox: the warehouse connection and where files and bytes go."""

    con: duckdb.DuckDBPyConnection
    folder: Path
    warehouse_dir: Path
    raw_dir: Path
    report: InboxReport
    now: float

    def process(self, path: Path, info: os.stat_result, companion: str | None) -> None:
        """Refuse, load or leave one file (and the document that travels with it)."""
        shown = printable(path.name)
        refusal = _unread_refusal(path, info, self.now)
        if refusal == _LEAVE:
            self.report.left.append(f"{shown} (hidden, modified in the last "
                                    f"{HIDDEN_SETTLE_SECONDS} s: it may still be written)")
            return
        if refusal is None:
            try:
                body = read_regular(path, size_limit(path))
            except FileNotFoundError:
                return  # gone since it was listed: nothing is left to refuse
            except UnreadableFile as exc:  # it changed since it was listed (a link now, grown)
                refusal = (_too_large(path, exc.size, exc.limit) if exc.size is not None
                           else f"{exc}; it was not read, so it is not archived")
        if refusal is not None:
            self.refuse_unread(path, refusal)
            return
        documents = []
        # A document changed since it was listed is left out: its release says what is wrong.
        if companion is not None:
            with contextlib.suppress(OSError, UnreadableFile):
                documents.append((self.folder / companion,
                                  read_regular(self.folder / companion, MAX_DOCUMENT_BYTES)))
        self.load(path, body, documents)

    def load(self, path: Path, body: bytes, documents: list[tuple[Path, bytes]]) -> None:
        """Archive a file's bytes (and its document's), ingest it, and move it on."""
        archived = archive_payload(self.raw_dir, INBOX_SOURCE, body)
        for _, document in documents:
            archive_payload(self.raw_dir, INBOX_SOURCE, document)
        payload = Payload.inbox_file(path, body, archived, self.warehouse_dir)
        ingested = ingest_payload(self.con, payload)
        err = ingested.error
        folder = self.folder / ("processed" if err is None else "rejected")
        for document, _ in documents:
            _move(document, folder, archived.sha256)
        target = _move(path, folder, archived.sha256)
        if err is None:
            self.report.processed.append(printable(path.name))
            self.report.loaded += ingested.loaded
            return
        _write_reason(target, f"{err}\n\nThe file's bytes are archived at warehouse/"
                      f"{printable(payload.archived_path)}. Fix the file and drop it in the "
                      "inbox again.\n")
        self.report.rejected.append(f"{printable(path.name)} was refused: {err.problem} "
                                    "(moved to inbox/rejected/)")

    def refuse_unread(self, path: Path, problem: str) -> None:
        """Move a file refused before it was read to rejected/, with its reason; nothing of it
        is archived (a link's target is never touched)."""
        err = ReleaseError(path, problem)
        record_rejection(self.con, err, read_file=False)
        target = _move(path, self.folder / "rejected", None)
        _write_reason(target, f"{err}\n\nThe file was not read, so it is not archived; it is "
                      "kept here as it was. Fix it and drop it in the inbox again.\n")
        self.report.rejected.append(f"{printable(path.name)} was refused: {err.problem} "
                                    "(moved to inbox/rejected/)")

    def refuse_after_fault(self, path: Path, fault: Exception) -> None:
        """A fault of the loader's own while it handled one file: move that file to rejected/
        with the fault as its reason, so that the next run does not meet it again."""
        shown = printable(path.name)
        logger.warning("inbox: %s could not be processed", shown, exc_info=fault)
        problem = (f"the loader failed on it ({type(fault).__name__}: {fault}); the file may be "
                   "fine: report this with the file, which is kept here")
        err = ReleaseError(path, problem)
        if not os.path.lexists(path):
            self.report.rejected.append(f"{shown} failed after it was moved: {err.problem}")
            return
        try:
            record_rejection(self.con, err, read_file=False)
        except Exception as exc:  # the warehouse may be what failed
            logger.warning("inbox: the refusal of %s was not recorded: %s", shown, exc)
        try:
            target = _move(path, self.folder / "rejected", None)
            _write_reason(target, f"{err}\n")
        except Exception as exc:  # the file stays; the next run tries again
            self.report.rejected.append(f"{shown} failed and could not be moved to "
                                        f"inbox/rejected/ ({printable(str(exc))}): "
                                        f"{err.problem}")
            return
        self.report.rejected.append(f"{shown} was refused: {err.problem} (moved to "
                                    "inbox/rejected/)")
