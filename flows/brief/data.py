"""Gather what the brief shows from the warehouse, as known on a date, in the words it prints."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from flows.brief.charts import Chart, Mark, bar_chart, column_chart, direction_of
from flows.brief.formatting import format_figure, format_points, format_rate
from flows.model.run_warnings import RUN, SOURCE, RunWarning, as_run_warnings
from flows.scratch import scratch_folder
from flows.warehouse import sqlrunner
from flows.warehouse.db import connect

Row = dict[str, Any]

# The growth chart has a bar a metric; past this many it shows headline metrics first.
GROWTH_BARS = 16

# The "Latest figures" table has a row a metric. This cap is only a safety net, far above the
# number of metrics a warehouse holds (23 today); the table's caption says so if it is hit.
# (The benchmarks' synthetic warehouses have up to 1,667 metrics: they hit it, at about 7 ms a
# rendered row.)
LATEST_ROWS_CAP = 200

# A first brief has no previous one to compare with: its revisions.csv holds the revisions
# published in this many days up to its date. Every vintage of every figure stays in the
# analysts' snapshot (vintages_as_of), not in the PDF, whose size would follow the history.
FIRST_BRIEF_WINDOW_DAYS = 90

# Columns of the figures CSV attached to the brief, in order.
FIGURE_CSV_COLUMNS = [
    "metric_id", "metric_name", "metric_name_zh", "geography", "period_kind", "period_start",
    "period_end", "period_label", "value", "unit", "comparator", "is_approximate",
    "qualifier_text", "value_as_written", "multiplier_word", "yoy_pct", "yoy_comparator",
    "is_derived", "derivation", "publisher", "release_id", "published_on", "vintage_count",
    "quote",
]


@dataclass
class Changes:
    """What changed since the previous brief: None of it on a first brief."""

    previous: Row | None
    new_releases: list[Row]
    new_figures: list[Row]
    revisions: list[Row]
    stale: list[Row]
    accepted: list[Row] = field(default_factory=list)  # settled in review since then

    @property
    def has_previous(self) -> bool:
        """False for the first brief: there is nothing to compare with."""
        return self.previous is not None


@dataclass
class Topic:
    """A heading of the "Latest figures" table and its metrics' rows, already worded."""

    name: str
    rows: list[Row]


@dataclass
class BriefData:
    """Everything the template needs, already worded; the CSVs travel as attachments."""

    as_of: date
    generated_at: datetime
    headlines: list[Row]
    latest: list[Topic]       # one row a metric, under its topic
    latest_capped: bool       # True when the metrics outnumber LATEST_ROWS_CAP
    figure_count: int
    growth: list[Row]
    cagr: list[Row]
    shares: list[Row]
    cross_checks: list[Row]
    findings: list[Row]
    finding_count: int
    releases: list[Row]
    release_count: int
    revisions: list[Row]
    review: Row | None  # how many numbers await review, and the oldest; never printed as figures
    changes: Changes
    charts: list[Chart]
    # name -> (CSV file in a scratch folder that lives as long as this object, description)
    attachments: dict[str, tuple[Path, str]] = field(default_factory=dict)
    warnings: list[RunWarning] = field(default_factory=list)
    sources_tried: int = 0    # sources this run collected, for page 1's count of failed ones
    scratch: tempfile.TemporaryDirectory | None = None
    kind: str = "regular"  # 'as-of': a back-dated brief (barometer run --as-of DATE)

    @property
    def latest_row_count(self) -> int:
        """How many metrics the "Latest figures" table lists."""
        return sum(len(topic.rows) for topic in self.latest)

    @property
    def page_one_warnings(self) -> list[RunWarning]:
        """Warnings page 1 shows in full: refused releases and the run's own; a source that
        could not be collected is only counted there (source_summary)."""
        return [w for w in self.warnings if w.kind != SOURCE]

    @property
    def source_summary(self) -> str | None:
        """Page 1's one line on collection, e.g. '3 of 3 sources could not be collected';
        None when every source was collected."""
        failed = {w.source_id for w in self.warnings if w.kind == SOURCE}
        if not failed:
            return None
        named = len(failed - {None})
        registry = "the source registry could not be read" if None in failed else ""
        if not named:
            return registry[0].upper() + registry[1:]
        tried = max(self.sources_tried, named)
        counted = f"{named} of {tried} source{'' if tried == 1 else 's'} could not be collected"
        return f"{counted}, and {registry}" if registry else counted

    @property
    def revisions_window(self) -> str:
        """Which revisions revisions.csv holds, in words."""
        return revisions_window(self.changes, self.as_of)

    @property
    def latest_release_on(self) -> date | None:
        """Publication date of the newest release the brief draws on (releases come newest
        first, so the bounded list holds it)."""
        return max((r["published_on"] for r in self.releases), default=None)


def _figure_text(row: Row) -> str:
    return format_figure(row["value"], row["unit"], row["comparator"],
                         bool(row.get("is_approximate")), row.get("value_as_written"),
                         row.get("multiplier_word"))


def word_figure(row: Row) -> Row:
    """Add the printed forms of a figure row: value_text and yoy_text."""
    return {
        **row,
        "value_text": _figure_text(row),
        "yoy_text": format_rate(row.get("yoy_pct"), row.get("yoy_comparator")),
    }


def word_growth(row: Row) -> Row:
    """Add the printed forms of a growth row."""
    return {
        **row,
        "value_text": format_figure(row["value"], row["unit"], row["comparator"],
                                    bool(row["is_approximate"]), row.get("value_as_written"),
                                    row.get("multiplier_word"), with_original=False),
        "reported_text": format_rate(row["reported_yoy_pct"], row["reported_yoy_comparator"]),
        "computed_text": format_rate(row["computed_yoy_pct"], row["computed_yoy_comparator"],
                                     bool(row["computed_yoy_is_approximate"]), decimals=2),
        "difference_text": format_points(row["yoy_difference_pp"])
        if row["yoy_difference_pp"] is not None else "—",
        "implied_text": format_figure(row["implied_prior_value"], row["unit"],
                                      row["implied_prior_comparator"], True),
    }


def word_cagr(row: Row) -> Row:
    """Add the printed forms of a CAGR row."""
    return {
        **row,
        "start_text": format_figure(row["start_value"], row["unit"], row["start_comparator"],
                                    False, row.get("start_value_as_written"),
                                    row.get("start_multiplier_word"), with_original=False),
        "end_text": format_figure(row["end_value"], row["unit"], row["end_comparator"], False,
                                  row.get("end_value_as_written"),
                                  row.get("end_multiplier_word"), with_original=False),
        "cagr_text": format_rate(row["cagr_pct"], row["cagr_comparator"],
                                 bool(row["is_approximate"]), decimals=1),
    }


def _term_text(row: Row, term: str) -> str:
    """The printed form of a share's numerator or denominator (`term`), in its own digits."""
    return format_figure(row[f"{term}_value"], row[f"{term}_unit"], row[f"{term}_comparator"],
                         bool(row[f"{term}_is_approximate"]), row.get(f"{term}_value_as_written"),
                         row.get(f"{term}_multiplier_word"), with_original=False)


def word_share(row: Row) -> Row:
    """Add the printed forms of a share row."""
    return {
        **row,
        "share_text": format_figure(row["share"], "share", row["share_comparator"],
                                    bool(row["share_is_approximate"]),
                                    row.get("share_value_as_written")),
        "numerator_text": _term_text(row, "numerator"),
        "denominator_text": _term_text(row, "denominator"),
    }


def word_revision(row: Row) -> Row:
    """Add the printed forms of both vintages of a revision."""
    def side(prefix: str) -> str:
        parts = []
        if row[f"{prefix}_value"] is not None:
            parts.append(format_figure(row[f"{prefix}_value"], row["unit"],
                                       row[f"{prefix}_comparator"], False,
                                       row[f"{prefix}_value_as_written"],
                                       row[f"{prefix}_multiplier_word"]))
        if row[f"{prefix}_yoy_pct"] is not None:
            parts.append(format_rate(row[f"{prefix}_yoy_pct"], row[f"{prefix}_yoy_comparator"]))
        status = row[f"{prefix}_vintage_status"]
        return ", ".join(parts) + (f" ({status})" if status else "")
    changes = []
    if row["value_change_pct"] is not None:
        changes.append(f"value {format_rate(row['value_change_pct'], decimals=1)}")
    if row["yoy_change_pp"] is not None:
        changes.append(f"growth {row['yoy_change_pp']:+.1f} pp".replace("-", "−"))
    if row["is_qualifier_revised"]:
        changes.append("qualifier changed")
    return {**row, "old_text": side("old"), "new_text": side("new"),
            "change_text": "; ".join(changes)}


def word_cross_check(row: Row) -> Row:
    """Add the printed forms of both sides of a comparison."""
    def side(prefix: str) -> str:
        value, cmp_ = row[f"{prefix}_value"], row[f"{prefix}_comparator"]
        approx = bool(row[f"{prefix}_is_approximate"])
        derived = bool(row[f"{prefix}_is_derived"])
        if row["unit"] == "percent":  # a reported rate as printed, a computed one to 2 places
            return format_rate(value, cmp_, approx, decimals=2 if derived else None)
        return format_figure(value, row["unit"], cmp_, approx,
                             None if derived else row[f"{prefix}_value_as_written"],
                             None if derived else row[f"{prefix}_multiplier_word"],
                             with_original=False)
    return {**row, "claim_text": side("claim"), "other_text": side("other")}


@dataclass
class Streamed:
    """One query's first rows as dicts and its row count; every row (when asked) went to a CSV
    file written by DuckDB, so a long history never passes through Python."""

    head: list[Row]
    count: int


def _write_csv(con: duckdb.DuckDBPyConnection, relation: duckdb.DuckDBPyRelation,
               csv_path: Path) -> None:
    """Write relation to csv_path, DuckDB streaming it, every text column through csv_safe:
    a cell a spreadsheet would run as a formula goes in as text (sql/queries/csv_safe_macro)."""
    sqlrunner.execute(con, "queries/csv_safe_macro")
    cells = [
        duckdb.FunctionExpression("csv_safe", duckdb.ColumnExpression(column)).alias(column)
        if kind == duckdb.sqltypes.VARCHAR else duckdb.ColumnExpression(column)
        for column, kind in zip(relation.columns, relation.types, strict=True)
    ]  # numbers, dates and lists stay as they are: only text can carry a formula
    relation.select(*cells).to_csv(str(csv_path), header=True)


def _stream(con: duckdb.DuckDBPyConnection, name: str, params: list[Any], keep: int | None,
            csv_path: Path | None = None, columns: list[str] | None = None) -> Streamed:
    """Run a named query; keep its first `keep` rows (None: all); write every row to csv_path."""
    relation = con.sql(sqlrunner.statement(name), params=params)
    if csv_path:
        _write_csv(con, relation.select(*columns) if columns else relation, csv_path)
    picked = relation if keep is None else relation.limit(keep)
    names = picked.columns
    head = [dict(zip(names, row, strict=True)) for row in picked.fetchall()]
    if keep is None or len(head) < keep:
        return Streamed(head, len(head))
    count = relation.aggregate("count(*)").fetchall()[0][0]
    return Streamed(head, count)


def _marks_from_figures(rows: list[Row], label_key: str) -> list[Mark]:
    return [
        Mark(
            label=str(r[label_key]),
            value=float(r["value"]),
            value_text=format_figure(r["value"], r["unit"], r["comparator"],
                                     bool(r.get("is_approximate")), r.get("value_as_written"),
                                     r.get("multiplier_word"), with_original=False),
            direction=direction_of(r["comparator"]),
            is_approximate=bool(r["is_approximate"]),
            is_derived=bool(r["is_derived"]),
            sublabel=r.get("period_label", ""),
        )
        for r in rows
    ]


def build_charts(con: duckdb.DuckDBPyConnection, as_of: date) -> list[Chart]:
    """The brief's charts, drawn from the warehouse: each only when it has data."""
    charts: list[Chart] = []
    series = sqlrunner.fetch_dicts(con, "queries/chart_annual_series",
                                   [as_of, "china.cbec.trade_value"])
    if series:
        charts.append(column_chart("China's cross-border e-commerce trade by year",
                                   _marks_from_figures(series, "year"), "yuan"))
    yiwu = sqlrunner.fetch_dicts(con, "queries/chart_annual_series", [as_of, "yiwu.trade.total"])
    if yiwu:
        charts.append(column_chart("Yiwu's total imports and exports by year",
                                   _marks_from_figures(yiwu, "year"), "yuan"))
    counts = sqlrunner.fetch_dicts(con, "queries/chart_entity_counts", [as_of])
    if counts:
        marks = _marks_from_figures(counts, "short_name")
        charts.append(bar_chart("Yiwu's market entities (latest count of each)", marks,
                                "entities"))
    growth = sqlrunner.fetch_dicts(con, "queries/chart_reported_growth", [as_of])
    if growth:
        # A bar a metric, bounded: headline metrics first, then the most recently reported.
        shown = sorted(growth, key=lambda r: (r["headline_rank"] is None,
                                              r["headline_rank"] or 0,
                                              -r["period_end"].toordinal()))[:GROWTH_BARS]
        shown.sort(key=lambda r: -float(r["yoy_pct"]))
        marks = [
            Mark(label=r["short_name"], value=float(r["yoy_pct"]),
                 value_text=format_rate(r["yoy_pct"], r["yoy_comparator"]),
                 direction=direction_of(r["yoy_comparator"]), sublabel=r["period_label"])
            for r in shown
        ]
        title = "Reported year-on-year growth (latest period of each)"
        if len(growth) > len(shown):
            title = (f"Reported year-on-year growth: {len(shown)} of {len(growth)} metrics, "
                     "headline metrics first (latest period of each)")
        charts.append(bar_chart(title, marks, "percent"))
    return charts


def collect_changes(con: duckdb.DuckDBPyConnection, as_of: date, table_rows: int,
                    revisions_csv: Path | None = None) -> Changes:
    """New releases, first-time figures and revisions since the previous brief; stale metrics.
    Every revision of the brief's window goes to revisions_csv when given: those since the
    previous brief or, on a first brief, those of the FIRST_BRIEF_WINDOW_DAYS up to as_of."""
    previous = sqlrunner.fetch_dicts(con, "queries/brief_previous", [as_of])
    stale = sqlrunner.fetch_dicts(con, "queries/brief_stale_metrics", [as_of])[:table_rows]
    known = list(previous[0]["release_ids"]) if previous else None
    revisions = _stream(con, "queries/brief_window_revisions",
                        [as_of, known, FIRST_BRIEF_WINDOW_DAYS],
                        table_rows if previous else 0, revisions_csv)
    if not previous:
        return Changes(None, [], [], [], stale)

    def fetch(name: str) -> list[Row]:
        return sqlrunner.fetch_dicts(con, f"queries/{name}", [as_of, known])[:table_rows]

    return Changes(
        previous=previous[0],
        new_releases=fetch("brief_new_releases"),
        new_figures=[word_figure({**r, "is_approximate": r["comparator"] == "~"})
                     for r in fetch("brief_new_figures")],
        revisions=[word_revision(r) for r in revisions.head],
        stale=stale,
        accepted=[word_figure({**r, "is_approximate": r["comparator"] == "~"})
                  for r in sqlrunner.fetch_dicts(con, "queries/brief_new_accepted",
                                                 [as_of, previous[0]["generated_at"]])],
    )


def revisions_window(changes: Changes, as_of: date) -> str:
    """The window of revisions.csv in words: since the previous brief, or a first brief's days."""
    if changes.previous is not None:
        return f"since the brief of {changes.previous['generated_at']:%-d %B %Y %H:%M} UTC"
    return f"published in the {FIRST_BRIEF_WINDOW_DAYS} days up to {as_of.isoformat()}"


def group_by_topic(rows: list[Row]) -> list[Topic]:
    """The latest figures under their topics, in the order the query gave them."""
    topics: list[Topic] = []
    for row in rows:
        if not topics or topics[-1].name != row["topic"]:
            topics.append(Topic(row["topic"], []))
        topics[-1].rows.append(word_figure(row))
    return topics


def collect_brief(db_path: Path, as_of: date, generated_at: datetime,
                  table_rows: int = 40, warnings: list[RunWarning | str] | None = None,
                  sources_tried: int = 0) -> BriefData:
    """Read everything the brief shows as known on as_of, from a read-only connection."""
    scratch = scratch_folder("brief")
    folder = Path(scratch.name)
    with connect(db_path, read_only=True) as con:
        def fetch(name: str) -> list[Row]:
            return sqlrunner.fetch_dicts(con, f"queries/{name}", [as_of])

        def stream(name: str, keep: int | None = table_rows, csv_name: str | None = None,
                   columns: list[str] | None = None) -> Streamed:
            return _stream(con, f"queries/{name}", [as_of], keep,
                           folder / csv_name if csv_name else None, columns)

        # Each long list is read once: the brief shows its head, the CSV carries all of it.
        # The figures and every compound-growth pair go to CSVs only: the page shows a row a
        # metric (brief_latest) and at most two compound rates a metric (brief_cagr).
        figures = stream("brief_figures", keep=0, csv_name="figures.csv",
                         columns=FIGURE_CSV_COLUMNS)
        _write_csv(con, con.sql(sqlrunner.statement("queries/brief_cagr_all"), params=[as_of]),
                   folder / "cagr.csv")  # nothing of it is printed or counted
        latest = sqlrunner.fetch_dicts(con, "queries/brief_latest", [as_of, LATEST_ROWS_CAP + 1])
        findings = stream("brief_findings", csv_name="findings.csv")  # most severe first
        releases = stream("brief_releases", csv_name="releases.csv")  # newest first
        changes = collect_changes(con, as_of, table_rows, folder / "revisions.csv")
        data = BriefData(
            as_of=as_of,
            generated_at=generated_at,
            headlines=[word_figure(r) for r in fetch("brief_headlines")],
            latest=group_by_topic(latest[:LATEST_ROWS_CAP]),
            latest_capped=len(latest) > LATEST_ROWS_CAP,
            figure_count=figures.count,
            growth=[word_growth(r) for r in stream("brief_growth").head],
            cagr=[word_cagr(r) for r in fetch("brief_cagr")],
            shares=[word_share(r) for r in fetch("brief_shares")],
            cross_checks=[word_cross_check(r) for r in stream("brief_cross_checks").head],
            findings=findings.head,
            finding_count=findings.count,
            releases=releases.head,
            release_count=releases.count,
            revisions=[word_revision(r) for r in stream("brief_revisions").head],
            review=next(iter(fetch("brief_review_queue")), None),
            changes=changes,
            charts=build_charts(con, as_of),
            attachments={
                "figures.csv": (folder / "figures.csv",
                                "Every current figure, reported and derived"),
                "cagr.csv": (folder / "cagr.csv",
                             "Compound annual growth between every pair of whole-year levels"),
                "revisions.csv": (folder / "revisions.csv",
                                  f"Every revision {revisions_window(changes, as_of)}"),
                "findings.csv": (folder / "findings.csv",
                                 "Every check finding, most severe first"),
                "releases.csv": (folder / "releases.csv",
                                 "Every release the brief draws on, newest first"),
            },
            sources_tried=sources_tried,
            scratch=scratch,
        )
    data.warnings.extend(as_run_warnings(warnings or []))
    if not data.releases:
        data.warnings.append(RunWarning(
            f"No release had been published by {as_of}: the brief is empty.", RUN))
    return data
