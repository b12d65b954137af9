"""Write reference data and releases into the warehouse: idempotent, one transaction a release."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from flows import sqlrunner
from flows.release_files import ParsedRelease, ReleaseError, read_release, release_paths


@dataclass
class LoadSummary:
    """What one load did: releases newly loaded, already present, and refused (with reasons)."""

    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[ReleaseError] = field(default_factory=list)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def load_reference(con: duckdb.DuckDBPyConnection, seeds_dir: Path) -> None:
    """Upsert publishers, metrics and ratio definitions from the seed CSVs, in one transaction."""
    con.execute("begin transaction")
    try:
        sqlrunner.execute(con, "load/upsert_publishers", [str(seeds_dir / "publishers.csv")])
        sqlrunner.execute(con, "load/upsert_metrics", [str(seeds_dir / "metrics.csv")])
        sqlrunner.execute(con, "load/upsert_ratio_definitions", [str(seeds_dir / "ratios.csv")])
        con.execute("commit")
    except duckdb.Error as exc:
        con.execute("rollback")
        raise RuntimeError(
            f"reference seeds in {seeds_dir} could not be loaded: {exc}. "
            "Check publishers.csv, metrics.csv and ratios.csv; the warehouse is unchanged."
        ) from exc


def validate_against_reference(con: duckdb.DuckDBPyConnection, parsed: ParsedRelease) -> None:
    """Refuse a release that names an unknown metric or publisher, or the wrong unit."""
    units = {r["metric_id"]: r["unit"] for r in sqlrunner.fetch_dicts(con, "load/metric_units")}
    publishers = {r["publisher_id"] for r in sqlrunner.fetch_dicts(con, "load/publisher_ids")}
    rel = parsed.release
    problems = []
    if rel.publisher_id not in publishers:
        problems.append(f"unknown publisher {rel.publisher_id!r} (add it to publishers.csv)")
    for fig in rel.figures:
        if fig.metric_id not in units:
            problems.append(f"unknown metric {fig.metric_id!r} (add it to metrics.csv)")
        elif units[fig.metric_id] != fig.unit:
            problems.append(
                f"{fig.metric_id} is measured in {units[fig.metric_id]!r}, not {fig.unit!r}"
            )
        if fig.reported_by not in publishers:
            problems.append(f"unknown source {fig.reported_by!r} (add it to publishers.csv)")
    if problems:
        raise ReleaseError(parsed.source, "; ".join(dict.fromkeys(problems)), rel.release_id)


def release_rows(parsed: ParsedRelease, document_path: str | None) -> tuple[list, list[list]]:
    """Turn a parsed release into the parameter rows of its release and observations."""
    rel = parsed.release
    release_row = [
        rel.release_id, rel.title, rel.publisher_id, rel.published_on, rel.published_on_note,
        rel.url, rel.language, rel.retrieved_at, parsed.content_sha256, parsed.claims_sha256,
        document_path, rel.notes,
    ]
    observation_rows = []
    for seq, fig in enumerate(rel.figures, start=1):
        span = parsed.quote_span(fig.quote)
        observation_rows.append([
            rel.release_id, seq, fig.metric_id, fig.period_kind, fig.period_start,
            fig.period_end, fig.period_text, _float(fig.value), fig.value_as_written,
            fig.multiplier, fig.unit, fig.comparator, fig.qualifier_text,
            _float(fig.rounding_halfwidth), _float(fig.yoy_pct), fig.yoy_comparator,
            fig.yoy_text, _float(fig.yoy_rounding_halfwidth), fig.reported_by, fig.attributed_on,
            fig.attributed_text, fig.vintage_status, fig.quote,
            span[0] if span else None, span[1] if span else None, fig.note,
        ])
    return release_row, observation_rows


def unmatched_rows(parsed: ParsedRelease) -> list[list]:
    """Turn a release's unmatched figures into parameter rows of core.unmatched_figures."""
    rows = []
    for seq, fig in enumerate(parsed.release.unmatched, start=1):
        span = parsed.quote_span(fig.quote)
        rows.append([
            parsed.release.release_id, seq, fig.reason, fig.period_kind, fig.period_start,
            fig.period_end, fig.period_text, _float(fig.value), fig.value_as_written,
            fig.multiplier, fig.unit, fig.comparator, fig.qualifier_text, _float(fig.yoy_pct),
            fig.yoy_text, fig.quote, span[0] if span else None, span[1] if span else None,
        ])
    return rows


def insert_release_rows(
    con: duckdb.DuckDBPyConnection, release_row: Sequence[Any], observation_rows: list[list],
    unmatched: list[list] | None = None,
) -> None:
    """Insert a release, its observations and unmatched figures (the caller owns the commit)."""
    sqlrunner.execute(con, "load/insert_release", release_row)
    if observation_rows:
        sqlrunner.executemany(con, "load/insert_observation", observation_rows)
    if unmatched:
        sqlrunner.executemany(con, "load/insert_unmatched", unmatched)


def is_loaded(con: duckdb.DuckDBPyConnection, parsed: ParsedRelease) -> bool:
    """True when the release is loaded with the same claims; refuse the same id with others."""
    rel = parsed.release
    stored = sqlrunner.fetch_dicts(con, "load/find_release", [rel.release_id])
    if not stored:
        return False
    if stored[0]["claims_sha256"] == parsed.claims_sha256:
        return True
    raise ReleaseError(
        parsed.source,
        "a release with this id is already loaded with different content; a correction "
        "or revision is a new release with its own id (its figures become new vintages)",
        rel.release_id,
    )


def load_releases(
    con: duckdb.DuckDBPyConnection, releases: Sequence[ParsedRelease],
    document_path: str | None = None,
) -> tuple[list[str], list[str]]:
    """Load the releases of one payload in one transaction; return (loaded, unchanged) ids.

    Any refusal rolls all of them back: a payload is loaded whole or not at all.
    """
    loaded: list[str] = []
    unchanged: list[str] = []
    con.execute("begin transaction")
    try:
        for parsed in releases:
            if is_loaded(con, parsed):
                unchanged.append(parsed.release.release_id)
                continue
            validate_against_reference(con, parsed)
            release_row, observation_rows = release_rows(parsed, document_path)
            try:
                insert_release_rows(con, release_row, observation_rows, unmatched_rows(parsed))
            except duckdb.Error as exc:
                raise ReleaseError(parsed.source, f"the warehouse refused it ({exc})",
                                   parsed.release.release_id) from exc
            loaded.append(parsed.release.release_id)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return loaded, unchanged


def load_release(
    con: duckdb.DuckDBPyConnection, parsed: ParsedRelease, document_path: str | None = None
) -> bool:
    """Load one release; return False when the same claims are already loaded."""
    loaded, _ = load_releases(con, [parsed], document_path)
    return bool(loaded)


def record_rejection(con: duckdb.DuckDBPyConnection, error: ReleaseError,
                     sha256: str | None = None) -> None:
    """Keep a refused release's reason, and the SHA-256 of the file refused, in the warehouse."""
    source = Path(error.source)
    sha = sha256 or (hashlib.sha256(source.read_bytes()).hexdigest() if source.is_file() else None)
    sqlrunner.execute(
        con, "load/insert_rejection", [error.source, error.release_id, sha, error.problem]
    )


def load_seeds(db_path: Path, seeds_dir: Path) -> LoadSummary:
    """Create the schema, upsert reference seeds and load every curated release."""
    summary = LoadSummary()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db_path)) as con:
        sqlrunner.apply_layers(con, ["schema"])
        load_reference(con, seeds_dir)
        for path in release_paths(seeds_dir / "releases"):
            try:
                parsed = read_release(path)
                is_new = load_release(con, parsed, _document_path(parsed, seeds_dir))
            except ReleaseError as err:
                record_rejection(con, err)
                summary.rejected.append(err)
                continue
            (summary.loaded if is_new else summary.unchanged).append(parsed.release.release_id)
    return summary


def _document_path(parsed: ParsedRelease, seeds_dir: Path) -> str:
    """Where the release's document (or the release file itself) sits, relative to warehouse/."""
    doc = parsed.release.document
    target = (parsed.source.parent / doc) if doc else parsed.source
    try:
        return str(target.resolve().relative_to(seeds_dir.resolve().parent))
    except ValueError:
        return str(target)


def record_brief(db_path: Path, generated_at: str, as_of: str, pdf_path: str,
                 flow_run_id: str | None) -> None:
    """Record a rendered brief with the releases it knew (core.briefs)."""
    with duckdb.connect(str(db_path)) as con:
        sqlrunner.execute(con, "load/insert_brief", [generated_at, as_of, pdf_path, flow_run_id])
