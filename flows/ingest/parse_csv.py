"""Read a CSV of observations (one or more metrics) into releases of the project's model."""

from __future__ import annotations

import csv
import io
import itertools
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from flows.model.release import Figure, Release
from flows.model.release_files import ParsedRelease, ReleaseError, describe_validation, sha256_of

REQUIRED_COLUMNS = ("metric_id", "period_kind", "period_start", "period_end", "value", "unit",
                    "published_on")
# The release's own columns; every other optional column is a figure's field, as the release
# model declares it (flows/model/release.py).
RELEASE_COLUMNS = ("publisher_id", "title", "url")
OPTIONAL_COLUMNS = RELEASE_COLUMNS + tuple(
    name for name in Figure.model_fields if name not in REQUIRED_COLUMNS)

# Rows per file: every row is held (as a figure and its verbatim line) until the file loads
# whole, so an accepted file must not be able to fill memory.
MAX_CSV_ROWS = 100_000
# A figure's fields taken from their cells as text (empty: absent); the others are read below.
_FIGURE_TEXT = tuple(name for name in Figure.model_fields
                     if name not in ("metric_id", "value", "yoy_pct", "reported_by", "quote"))


def _decimal(raw: str, column: str, line: int) -> Decimal | None:
    text = raw.strip().replace(",", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(f"line {line}: {column} {raw!r} is not a number") from None


def _too_many_rows(text: str) -> bool:
    """More than MAX_CSV_ROWS data rows, counted by the C parser before a row is held. A
    malformed CSV counts as not too long: the reading loop stops at its error, which comes
    before the limit."""
    records = (record for record in csv.reader(io.StringIO(text), strict=True) if record)
    try:
        return sum(1 for _ in itertools.islice(records, MAX_CSV_ROWS + 2)) > MAX_CSV_ROWS + 1
    except csv.Error:
        return False


def _rows(text: str, source: str) -> list[tuple[int, str, dict[str, str]]]:
    """Each data row with its line number and its verbatim text."""
    if _too_many_rows(text):
        raise ReleaseError(source, f"the CSV has more than {MAX_CSV_ROWS:,} rows; split it "
                           f"into files of at most {MAX_CSV_ROWS:,} rows")
    lines = text.splitlines()
    reader = csv.DictReader(io.StringIO(text), strict=True)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:  # the header row itself is malformed (an unclosed quote)
        raise ReleaseError(source, f"malformed CSV in its header row: {exc}") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append("missing column(s) " + ", ".join(missing))
        if unknown:
            problems.append("unknown column(s) " + ", ".join(unknown))
        raise ReleaseError(source, "malformed CSV: " + "; ".join(problems)
                           + " (see docs/release-format.md, 'CSV of observations')")
    reader.fieldnames = header
    rows = []
    previous_end = reader.line_num
    try:
        for record in reader:
            if None in record or any(v is None for v in record.values()):
                raise ReleaseError(
                    source, f"malformed CSV: line {reader.line_num} has "
                    f"{'more' if None in record else 'fewer'} fields than the header")
            verbatim = "\n".join(lines[previous_end:reader.line_num])
            rows.append((reader.line_num, verbatim, {k: v.strip() for k, v in record.items()}))
            previous_end = reader.line_num
    except csv.Error as exc:
        raise ReleaseError(source, f"malformed CSV at line {reader.line_num}: {exc}") from None
    if not rows:
        raise ReleaseError(source, "the CSV has a header but no rows: it holds no figures")
    return rows


def _figure(line: int, verbatim: str, row: dict[str, str], publisher: str) -> dict[str, Any]:
    """One CSV row as a figure of the release format, defaults filled in."""
    value = _decimal(row["value"], "value", line)
    yoy = _decimal(row.get("yoy_pct", ""), "yoy_pct", line)
    fig: dict[str, Any] = {k: (row.get(k) or None) for k in _FIGURE_TEXT}
    fig.update(metric_id=row["metric_id"], value=value, yoy_pct=yoy,
               reported_by=row.get("reported_by") or publisher,
               quote=row.get("quote") or verbatim)
    if value is not None:
        fig["value_as_written"] = fig["value_as_written"] or row["value"]
        fig["comparator"] = fig["comparator"] or "="
    if yoy is not None:
        fig["yoy_comparator"] = fig["yoy_comparator"] or "="
    return fig


def parse_observations_csv(body: bytes, *, source: Path | str, stem: str,
                           publisher_id: str | None = None, url: str | None = None,
                           title: str | None = None) -> list[ParsedRelease]:
    """Group a CSV's rows into one release per publisher and publication date; all or none."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReleaseError(source, f"the CSV is not UTF-8 ({exc.reason}); save it as UTF-8"
                           ) from None
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for line, verbatim, row in _rows(text, source):
        publisher = row.get("publisher_id") or publisher_id
        if not publisher:
            raise ReleaseError(source, f"line {line} names no publisher_id, and the source "
                               "gives none")
        if not row["published_on"]:
            raise ReleaseError(source, f"line {line} has no published_on date: a release "
                               "needs the date it was published")
        try:
            fig = _figure(line, verbatim, row, publisher)
        except ValueError as exc:
            raise ReleaseError(source, f"malformed CSV: {exc}") from None
        groups.setdefault((publisher, row["published_on"]), []).append(fig)

    content_sha = sha256_of(body)
    parsed = []
    for (publisher, published_on), figures in sorted(groups.items()):
        suffix = f"-{publisher}" if len({p for p, _ in groups}) > 1 else ""
        release_id = f"{stem}-{published_on}{suffix}"
        data = {"release_id": release_id, "title": title or f"Observations from {stem}",
                "publisher_id": publisher, "published_on": published_on, "url": url,
                "figures": figures}
        try:
            release = Release.model_validate(data)
        except ValidationError as exc:
            raise ReleaseError(source, describe_validation(exc), release_id) from None
        claims = sha256_of(release.model_dump_json(exclude={"retrieved_at"}).encode())
        parsed.append(ParsedRelease(Path(str(source)), release, text, content_sha, claims))
    return parsed
