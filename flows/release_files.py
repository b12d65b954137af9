"""Read a release file (JSON in the project's release format) and the document it cites."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from flows.release_model import Release


class ReleaseError(ValueError):
    """A release cannot be loaded; the message says what is wrong and what to do."""

    def __init__(self, source: Path | str, problem: str, release_id: str | None = None):
        self.source = str(source)
        self.release_id = release_id
        self.problem = problem
        super().__init__(
            f"release {release_id or '?'} in {source} was not loaded: {problem}. "
            "Fix the file and run again; nothing of it was written."
        )


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


def parse_release_json(raw: bytes, source: Path | str) -> Release:
    """Parse and validate release JSON bytes; raise ReleaseError naming the problem."""
    try:
        # Decimals keep the digits as written ('10.80' stays 10.80), which sets rounding.
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except UnicodeDecodeError as exc:
        raise ReleaseError(source, f"the file is not UTF-8 ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise ReleaseError(source, f"malformed JSON at line {exc.lineno}: {exc.msg}") from None
    release_id = data.get("release_id") if isinstance(data, dict) else None
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
        doc_path = (path.parent / release.document).resolve()
        if path.parent.resolve() not in doc_path.parents or not doc_path.is_file():
            raise ReleaseError(
                path, f"its document {release.document!r} is missing beside it", release_id
            )
        content = doc_path.read_bytes()
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


def release_paths(folder: Path) -> list[Path]:
    """Every release file in a folder, in name order."""
    return sorted(folder.glob("*.json"))
