"""The review queue: numbers the extractor held instead of loading, settled by a person.

`barometer review` lists what awaits review; `accept ID` turns an item into a figure of its
release (with the reviewer's metric, period and note), `reject ID --reason` settles it without
loading anything. Every decision is a row of core.review_decisions; nothing is deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from pydantic import ValidationError

from flows.model.release import Figure, month_end_of
from flows.model.release_files import describe_validation
from flows.warehouse import sqlrunner
from flows.warehouse.bulk_insert import BulkFile
from flows.warehouse.db import connect
from flows.warehouse.load import metric_units, observation_row


class ReviewError(ValueError):
    """A review command cannot be carried out; the message says why and what to do."""


@dataclass(frozen=True)
class Accepted:
    """Where an accepted item went: the observation it became."""

    review_id: int
    release_id: str
    seq: int
    metric_id: str
    period: tuple[str, date, date]


_PERIOD = re.compile(
    r"^(?:(?P<level>level):)?(?P<y>\d{4})(?:-?(?:(?P<h>H[12])|(?P<q>Q[1-4])|(?P<m>\d{2})"
    r"(?:-(?P<d>\d{2}))?))?(?:\.\.(?P<y2>\d{4})-(?P<m2>\d{2}))?$", re.I)


def parse_period(text: str) -> tuple[str, date, date]:
    """A period as a reviewer types it: 2024, 2024-H1, 2024-Q3, 2024-05, 2024-01..2024-09
    (year to date), level:2025-02-28, level:2025-02 or level:2023 (a count at that time)."""
    match = _PERIOD.match(text.strip())
    if not match:
        raise ReviewError(f"period {text!r} is not one of 2024, 2024-H1, 2024-Q3, 2024-05, "
                          "2024-01..2024-09, level:2025-02-28")
    g = match.groupdict()
    year = int(g["y"])
    try:
        if g["y2"]:
            if g["level"] or g["h"] or g["q"] or g["d"] or not g["m"]:
                raise ReviewError(f"period {text!r}: a range is YYYY-MM..YYYY-MM")
            first, last = int(g["m"]), int(g["m2"])
            if first != 1 or int(g["y2"]) != year or not 1 <= last <= 12:
                raise ReviewError(f"period {text!r}: a year-to-date range starts in January "
                                  "and ends in the same year")
            return "ytd", date(year, 1, 1), month_end_of(year, last)
        if g["h"]:
            first = 1 if g["h"].upper() == "H1" else 7
            return "half", date(year, first, 1), month_end_of(year, first + 5)
        if g["q"]:
            q = int(g["q"][1])
            return "quarter", date(year, 3 * q - 2, 1), month_end_of(year, 3 * q)
        kind = "level" if g["level"] else None
        if g["d"]:
            if not kind:
                raise ReviewError(f"period {text!r}: a single day is only a level "
                                  "(level:YYYY-MM-DD)")
            day = date(year, int(g["m"]), int(g["d"]))
            return "level", day, day
        if g["m"]:
            month = int(g["m"])
            return kind or "month", date(year, month, 1), month_end_of(year, month)
        return kind or "year", date(year, 1, 1), date(year, 12, 31)
    except ValueError as exc:
        if isinstance(exc, ReviewError):
            raise
        raise ReviewError(f"period {text!r} is not a real date ({exc})") from None


def list_items(db_path: Path, include_settled: bool = False) -> tuple[list[str], list[tuple]]:
    """The queue (oldest first), or every item with its decision: column names and rows."""
    try:
        con = connect(db_path, read_only=True)
    except duckdb.IOException as exc:
        raise ReviewError(f"the warehouse {db_path} cannot be read ({exc}); a run may be "
                          "writing it: try again when it has finished") from None
    with con:
        cur = con.execute(sqlrunner.statement("queries/review_list"), [include_settled])
        return [d[0] for d in cur.description], cur.fetchall()


def _item(con: duckdb.DuckDBPyConnection, review_id: int) -> dict[str, Any]:
    rows = sqlrunner.fetch_dicts(con, "load/review_item", [review_id])
    if not rows:
        raise ReviewError(f"there is no review item {review_id}; `barometer review` lists the "
                          "items awaiting review")
    item = rows[0]
    if item["decision"] is not None:
        raise ReviewError(
            f"review item {review_id} was already {item['decision']} by {item['reviewer']} on "
            f"{item['decided_at']:%Y-%m-%d %H:%M} ({item['decision_note']}); decisions are kept "
            "as taken: a figure loaded wrongly is corrected by a new release")
    return item


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(value))


def _open(db_path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return connect(db_path)
    except duckdb.IOException as exc:
        raise ReviewError(f"the warehouse {db_path} cannot be opened for writing ({exc}); a "
                          "run may be using it: try again when it has finished") from None


def accept(db_path: Path, review_id: int, reviewer: str, note: str = "",
           metric_id: str | None = None, period: str | None = None,
           comparator: str | None = None, yoy_pct: Decimal | None = None,
           yoy_comparator: str | None = None, decided_at: datetime | None = None) -> Accepted:
    """Load a held number as a figure of its release, in one transaction with the decision."""
    decided_at = decided_at or datetime.now(UTC).replace(tzinfo=None)
    with _open(db_path) as con:
        con.execute("begin transaction")
        try:
            item = _item(con, review_id)
            units = metric_units(con)
            fig = _figure(item, units, reviewer, note, decided_at, metric_id, period,
                          comparator, yoy_pct, yoy_comparator)
            existing = sqlrunner.fetch_dicts(con, "load/release_observation_keys",
                                             [item["release_id"]])
            for row in existing:
                if (row["metric_id"], row["period_kind"], row["period_start"],
                        row["period_end"]) == (fig.metric_id, fig.period_kind, fig.period_start,
                                               fig.period_end):
                    raise ReviewError(
                        f"release {item['release_id']} already gives {fig.metric_id} for "
                        f"{fig.period_start}..{fig.period_end} (figure {row['seq']}); reject "
                        "this item, or accept it with the period it really has")
            seq = max((r["seq"] for r in existing), default=0) + 1
            span = (item["quote_start"], item["quote_end"])
            with BulkFile() as bulk:
                bulk.add_observations([observation_row(
                    item["release_id"], seq, fig, span if span[0] is not None else None)])
                bulk.insert(con)
            sqlrunner.execute(con, "load/insert_review_decision", [
                review_id, "accepted", decided_at, reviewer, note or "accepted",
                item["release_id"], seq])
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return Accepted(review_id, item["release_id"], seq, fig.metric_id,
                    (fig.period_kind, fig.period_start, fig.period_end))


def _figure(item: dict[str, Any], units: dict[str, str], reviewer: str, note: str,
            decided_at: datetime, metric_id: str | None, period: str | None,
            comparator: str | None, yoy_pct: Decimal | None,
            yoy_comparator: str | None) -> Figure:
    """The figure an accepted item becomes: what the extractor read, with the reviewer's
    metric, period and qualifiers where given."""
    review_id = item["review_id"]
    metric = metric_id or item["metric_id"]
    if metric is None:
        raise ReviewError(f"review item {review_id} has no suggested metric: name one with "
                          "--metric (barometer query 'from metrics' lists them)")
    if metric not in units:
        raise ReviewError(f"metric {metric!r} is not in metrics.csv; name one of "
                          f"{', '.join(sorted(units))}")
    if period:
        kind, start, end = parse_period(period)
    elif item["period_kind"] is not None:
        kind, start, end = item["period_kind"], item["period_start"], item["period_end"]
    else:
        raise ReviewError(f"review item {review_id} has no period: give one with --period "
                          "(2024, 2024-H1, 2024-Q3, 2024-05, 2024-01..2024-09, level:2025-02)")
    value = _decimal(item["value"])
    unit = item["unit"] or units[metric]
    if value is not None and unit != units[metric]:
        raise ReviewError(
            f"review item {review_id} is a number of {unit!r} and {metric} is measured in "
            f"{units[metric]!r}; currencies and units are never converted: reject it")
    yoy = yoy_pct if yoy_pct is not None else _decimal(item["yoy_pct"])
    if yoy is not None and yoy_comparator is None:
        yoy_comparator = item["yoy_comparator"] or "="
    stamp = f"{decided_at:%Y-%m-%d}"
    try:
        fig = Figure(
            metric_id=metric, period_kind=kind, period_start=start, period_end=end,
            period_text=item["period_text"], value=value,
            value_as_written=item["value_as_written"] if value is not None else None,
            multiplier=item["multiplier_word"], unit=unit,
            comparator=(comparator or item["comparator"] or "=") if value is not None
            else None,
            qualifier_text=item["qualifier_text"], yoy_pct=yoy,
            yoy_comparator=yoy_comparator if yoy is not None else None,
            yoy_text=item["yoy_text"] if yoy_pct is None else None,
            reported_by=item["publisher_id"], vintage_status=item["vintage_status"],
            quote=item["quote"],
            note=f"accepted in review (item {review_id}) by {reviewer} on {stamp}"
                 + (f": {note}" if note else ""))
    except ValidationError as exc:
        raise ReviewError(f"review item {review_id} cannot become a figure: "
                          f"{describe_validation(exc)}") from None
    published_on = item["published_on"]
    if start > published_on or (kind != "level" and end > published_on):
        raise ReviewError(f"period {start}..{end} had not ended when the release was "
                          f"published ({published_on}); a forecast is not a figure: reject it")
    return fig


def reject(db_path: Path, review_id: int, reviewer: str, reason: str,
           decided_at: datetime | None = None) -> None:
    """Settle a held number without loading it; the reason is kept."""
    if not reason.strip():
        raise ReviewError("say why with --reason: the reason is kept with the decision")
    decided_at = decided_at or datetime.now(UTC).replace(tzinfo=None)
    with _open(db_path) as con:
        con.execute("begin transaction")
        try:
            _item(con, review_id)
            sqlrunner.execute(con, "load/insert_review_decision", [
                review_id, "rejected", decided_at, reviewer, reason.strip(), None, None])
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
