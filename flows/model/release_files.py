"""Read a release file (JSON in the project's release format) and the document it cites."""

from __future__ import annotations

import errno
import hashlib
import itertools
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from flows.model.release import Release

# A release is an object of figures of fields: four levels. Deeper JSON is no release, and
# Python's decoder recurses once per level (100,000 '[' raised RecursionError).
MAX_JSON_DEPTH = 20
# A release's document is a saved page: the fetcher's own cap (FetchPolicy.max_bytes).
MAX_DOCUMENT_BYTES = 5_000_000
# A reason is one line a person reads: a value quoted whole could be megabytes long.
MAX_PROBLEM_CHARS = 2_000

_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printable(text: str) -> str:
    """Text on one line and storable as UTF-8: bytes that were not UTF-8 (a file name's
    surrogate escapes) as \\xNN, control and format characters as \\n, \\x1b, \\u202e."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte (a JSON escape)
        raw = text.encode("utf-8", "backslashreplace")
    decoded = raw.decode("utf-8", "backslashreplace")
    if decoded.isprintable():
        return decoded
    return "".join(ch.encode("unicode_escape").decode("ascii")
                   if unicodedata.category(ch) in _ESCAPED_CATEGORIES else ch
                   for ch in decoded)


def _shorten(text: str, limit: int = MAX_PROBLEM_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"


class ReleaseError(ValueError):
    """A release cannot be loaded; the message says what is wrong and what to do (one line)."""

    def __init__(self, source: Path | str, problem: str, release_id: str | None = None):
        self.source = str(source)  # as given, to find the file; shown through printable()
        self.release_id = _shorten(printable(release_id), 200) if release_id else None
        self.problem = _shorten(printable(problem))
        super().__init__(
            f"release {self.release_id or '?'} in {printable(self.source)} was not loaded: "
            f"{self.problem}. Fix the file and run again; nothing of it was written."
        )


class UnreadableFile(ValueError):
    """A path that is not read: a symbolic link, not a regular file, or over its size limit."""

    def __init__(self, problem: str, size: int | None = None, limit: int | None = None):
        self.size, self.limit = size, limit
        super().__init__(problem)


SYMLINK_PROBLEM = ("it is a symbolic link, and links are never followed: copy the file "
                   "itself in")
NOT_REGULAR_PROBLEM = "it is not a regular file (a folder, named pipe, socket or device)"


def read_regular(path: Path, max_bytes: int | None = None) -> bytes:
    """Read a regular file without following a symbolic link; refuse one over max_bytes from
    its size, before a byte of it is read. Raise UnreadableFile (or OSError: not found, …)."""
    # O_NOFOLLOW: a link is refused, not followed; O_NONBLOCK: a named pipe cannot hang us.
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableFile(SYMLINK_PROBLEM) from None
        raise
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(NOT_REGULAR_PROBLEM)
        if max_bytes is None:
            return handle.read()
        if info.st_size > max_bytes:
            raise UnreadableFile(f"it is {info.st_size:,} bytes, over the limit of "
                                 f"{max_bytes:,}", info.st_size, max_bytes)
        body = handle.read(max_bytes + 1)  # it may have grown since fstat
        if len(body) > max_bytes:
            raise UnreadableFile(f"it is over the limit of {max_bytes:,} bytes", len(body),
                                 max_bytes)
        return body


@dataclass(frozen=True)
class ParsedRelease:
    """A validated release with its document and the hashes that identify its content."""

    source: Path
    release: Release
    document_text: str | None
    content_sha256: str
    claims_sha256: str

    def quote_span(self, quote: str) -> tuple[int, int] | None:
        """Return where the verbatim quote sits in the document."""
        if self.document_text is None:
            return None
        start = self.document_text.find(quote)
        return (start, start + len(quote)) if start >= 0 else None


def sha256_of(data: bytes) -> str:
    """Hex SHA-256 of bytes: how payloads, documents and claims are identified."""
    return hashlib.sha256(data).hexdigest()


def describe_validation(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(raw: bytes) -> int:
    """How deep JSON bytes nest arrays and objects, counted without parsing them: brackets
    outside strings, found by C-speed byte operations (an unterminated string ends the count,
    as it ends the parse)."""
    # Without its escaped backslashes and quotes, a string is whatever lies between two quotes.
    plain = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(plain.split(b'"')[0::2]).translate(None, _NOT_BRACKET)
    steps = (1 if b in b"[{" else -1 for b in outside)
    return max(itertools.accumulate(steps), default=0)


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class _BareConstant(ValueError):
    """JSON's non-standard NaN, Infinity or -Infinity, which Python's decoder accepts."""


def _refuse_constant(name: str) -> Any:
    raise _BareConstant(name)


def _unpaired_surrogate(data: Any) -> str | None:
    """A string of the parsed JSON that is not text (an unpaired \\ud800 escape), if any."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def parse_release_json(raw: bytes, source: Path | str) -> Release:
    """Parse and validate release JSON bytes; raise ReleaseError naming the problem."""
    depth = json_depth(raw)
    if depth > MAX_JSON_DEPTH:
        raise ReleaseError(source, f"the JSON is nested {depth:,} levels deep; a release is at "
                           f"most {MAX_JSON_DEPTH} levels (an object of figures of fields)")
    try:
        # Decimals keep the digits as written ('10.80' stays 10.80), which sets rounding; an
        # integer as Decimal too, as int() refuses more than 4,300 digits with a ValueError.
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal, parse_int=Decimal,
                          parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise ReleaseError(source, f"the file is not UTF-8 ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise ReleaseError(source, f"malformed JSON at line {exc.lineno}: {exc.msg}") from None
    except _BareConstant as exc:
        raise ReleaseError(source, f"it holds the bare constant {exc}, which is not a number; "
                           "write the figure as digits or leave it null") from None
    # A surrogate can only come from a \ud800-\udfff escape: walk the strings only then.
    odd = _unpaired_surrogate(data) if _SURROGATE_ESCAPE.search(raw) else None
    if odd is not None:
        raise ReleaseError(source, f"the string {odd!r} holds an unpaired surrogate escape "
                           "(\\ud800-\\udfff), which is not text; fix the escape")
    release_id = data.get("release_id") if isinstance(data, dict) else None
    release_id = release_id if isinstance(release_id, str) else None
    try:
        return Release.model_validate(data)
    except ValidationError as exc:
        raise ReleaseError(source, describe_validation(exc), release_id) from None


def read_release(path: Path, raw: bytes | None = None) -> ParsedRelease:
    """Parse and validate a release file (its bytes `raw`, when already read) and its document;
    raise ReleaseError when it is bad."""
    raw = path.read_bytes() if raw is None else raw
    release = parse_release_json(raw, path)
    release_id = release.release_id

    document_text = None
    content = raw
    if release.document:
        content = read_document_beside(path, release.document, release_id)
        try:
            document_text = content.decode("utf-8")
        except UnicodeDecodeError:
            raise ReleaseError(path, "its document is not UTF-8 text", release_id) from None

    parsed = ParsedRelease(path, release, document_text, sha256_of(content), sha256_of(raw))
    if document_text is not None:
        missing = [f.metric_id for f in release.figures if parsed.quote_span(f.quote) is None]
        if missing:
            raise ReleaseError(
                path,
                "these figures' quotes are not verbatim in the document: " + ", ".join(missing),
                release_id,
            )
    return parsed


def is_bare_name(name: str) -> bool:
    """True for a file name with no folder in it: the only way a release names its document."""
    return name not in ("", ".", "..") and "/" not in name and "\0" not in name


def read_document_beside(path: Path, document: str, release_id: str | None = None) -> bytes:
    """The bytes of the document a release names: a regular file beside it (never a link,
    never another folder), at most MAX_DOCUMENT_BYTES."""
    if not is_bare_name(document):
        raise ReleaseError(path, f"its document {document!r} must be a file name beside it, "
                           "with no folder", release_id)
    try:
        return read_regular(path.parent / document, MAX_DOCUMENT_BYTES)
    except FileNotFoundError:
        raise ReleaseError(path, f"its document {document!r} is missing beside it",
                           release_id) from None
    except UnreadableFile as exc:
        raise ReleaseError(path, f"its document {document!r} was not read: {exc}",
                           release_id) from None
    except (OSError, ValueError) as exc:
        raise ReleaseError(path, f"its document {document!r} cannot be read beside it "
                           f"({exc.strerror if isinstance(exc, OSError) else exc})",
                           release_id) from None


def release_paths(folder: Path) -> list[Path]:
    """Every release file in a folder, in name order."""
    return sorted(folder.glob("*.json"))
