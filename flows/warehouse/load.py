"""Write reference data and releases into the warehouse: idempotent, in bulk, all or nothing.

A payload (a CSV, a feed item, an inbox file) is loaded in one transaction. The curated seeds
are validated release by release in Python, then every good one is inserted in one bulk
transaction; a release refused is recorded and the others still load. A release file whose
bytes are already loaded is skipped before it is parsed, so a rerun with nothing new is cheap.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import duckdb

from flows.model.release import Figure
from flows.model.release_files import (
    ParsedRelease,
    ReleaseError,
    printable,
    read_release,
    release_paths,
    sha256_of,
)
from flows.warehouse import fast_load, sqlrunner
from flows.warehouse.bulk_insert import RELEASE_EXCLUDE, BulkFile, Row
from flows.warehouse.db import connect


@dataclass
class LoadSummary:
    """What one load did: releases newly loaded, already present, and refused (with reasons)."""

    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[ReleaseError] = field(default_factory=list)


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


class Reference:
    """What a release is checked against, each read from the warehouse the first time it is
    asked for, then kept for the load: the known metrics with their units, the publishers,
    and each metric's typical value (only the extractor's releases need that one)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    @cached_property
    def units(self) -> dict[str, str]:
        return metric_units(self._con)

    @cached_property
    def publishers(self) -> frozenset[str]:
        return frozenset(
            r["publisher_id"] for r in sqlrunner.fetch_dicts(self._con, "load/publisher_ids"))

    @cached_property
    def typical(self) -> dict[str, float]:
        return typical_values(self._con)


def metric_units(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Each known metric with its unit (core.metrics): what a figure's unit is checked against."""
    return {r["metric_id"]: r["unit"] for r in sqlrunner.fetch_dicts(con, "load/metric_units")}


def typical_values(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Each metric's typical value (median, per day for a flow): what an extracted value is
    checked against before it loads."""
    return {r["metric_id"]: r["typical"]
            for r in sqlrunner.fetch_dicts(con, "load/metric_typical_values")}


def validate_against_reference(con: duckdb.DuckDBPyConnection, parsed: ParsedRelease,
                               reference: Reference | None = None) -> None:
    """Refuse a release that names an unknown metric or publisher, or the wrong unit."""
    ref = reference or Reference(con)
    units, publishers = ref.units, ref.publishers
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


def _span(span: tuple[int, int] | None) -> dict[str, int | None]:
    """Where a quote sits in its document, as the columns of a row."""
    return {"quote_start": span[0] if span else None, "quote_end": span[1] if span else None}


def observation_row(release_id: str, seq: int, fig: Figure,
                    span: tuple[int, int] | None) -> Row:
    """The row of one observation: the figure's fields and what the warehouse adds."""
    return {"release_id": release_id, "seq": seq, **fig.model_dump(),
            "rounding_halfwidth": fig.rounding_halfwidth,
            "yoy_rounding_halfwidth": fig.yoy_rounding_halfwidth, **_span(span)}


def release_rows(parsed: ParsedRelease, document_path: str | None) -> tuple[Row, list[Row]]:
    """Turn a parsed release into the rows of its release and observations."""
    rel = parsed.release
    release_row = {**rel.model_dump(exclude=RELEASE_EXCLUDE),
                   "content_sha256": parsed.content_sha256,
                   "claims_sha256": parsed.claims_sha256, "document_path": document_path}
    observation_rows = [observation_row(rel.release_id, seq, fig, parsed.quote_span(fig.quote))
                        for seq, fig in enumerate(rel.figures, start=1)]
    return release_row, observation_rows


def review_rows(parsed: ParsedRelease) -> list[Row]:
    """Turn the numbers a release holds for review into rows of core.review_items."""
    release_id = parsed.release.release_id
    return [{"release_id": release_id, "seq": seq, **held.model_dump(),
             **_span(parsed.quote_span(held.quote))}
            for seq, held in enumerate(parsed.release.held_for_review, start=1)]


def insert_release_rows(
    con: duckdb.DuckDBPyConnection, release_row: Row, observation_rows: list[Row],
    held: list[Row] | None = None,
) -> None:
    """Insert a release, its observations and held numbers (the caller owns the commit)."""
    with BulkFile() as bulk:
        bulk.add(release_row, observation_rows, held or [])
        bulk.insert(con)


def _conflict(parsed: ParsedRelease) -> ReleaseError:
    return ReleaseError(
        parsed.source,
        "a release with this id is already loaded with different content; a correction "
        "or revision is a new release with its own id (its figures become new vintages)",
        parsed.release.release_id,
    )


def is_loaded(con: duckdb.DuckDBPyConnection, parsed: ParsedRelease) -> bool:
    """True when the release is loaded with the same claims; refuse the same id with others."""
    rel = parsed.release
    stored = sqlrunner.fetch_dicts(con, "load/find_release", [rel.release_id])
    if not stored:
        return False
    if stored[0]["claims_sha256"] == parsed.claims_sha256:
        return True
    raise _conflict(parsed)


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
        reference = Reference(con)
        batch: list[ParsedRelease] = []
        for parsed in releases:
            if is_loaded(con, parsed):
                unchanged.append(parsed.release.release_id)
                continue
            validate_against_reference(con, parsed, reference)
            batch.append(parsed)
        _insert(con, batch, document_path)
        loaded = [p.release.release_id for p in batch]
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return loaded, unchanged


def _insert(con: duckdb.DuckDBPyConnection, batch: Sequence[ParsedRelease],
            document_path: str | None) -> None:
    """Bulk-insert validated releases (the caller owns the transaction)."""
    try:
        with BulkFile() as bulk:
            for parsed in batch:
                release_row, observation_rows = release_rows(parsed, document_path)
                bulk.add(release_row, observation_rows, review_rows(parsed))
            bulk.insert(con)
    except duckdb.Error as exc:
        where = batch[0] if len(batch) == 1 else None
        raise ReleaseError(
            where.source if where else f"{len(batch)} releases",
            f"the warehouse refused it ({exc})",
            where.release.release_id if where else None) from exc


def load_release(
    con: duckdb.DuckDBPyConnection, parsed: ParsedRelease, document_path: str | None = None
) -> bool:
    """Load one release; return False when the same claims are already loaded."""
    loaded, _ = load_releases(con, [parsed], document_path)
    return bool(loaded)


def record_rejection(con: duckdb.DuckDBPyConnection, error: ReleaseError,
                     sha256: str | None = None, *, read_file: bool = True) -> None:
    """Keep a refused release's reason, and the SHA-256 of the file refused, in the warehouse.

    Without sha256 the file is hashed, unless read_file is False (a file refused unread: a
    link, or one over its size limit) or it is a link. Its name is stored printable (a name
    that is not UTF-8 cannot be stored as it is)."""
    source = Path(error.source)
    sha = sha256
    if sha is None and read_file and source.is_file() and not source.is_symlink():
        sha = sha256_of(source.read_bytes())
    sqlrunner.execute(con, "load/insert_rejection",
                      [printable(error.source), error.release_id, sha, error.problem])


# Release files read, checked and inserted together: DuckDB holds a batch's text and parsed
# form at once, so the batch bounds the load's memory (10,000 files of 100 figures are about
# 400 MB of text, more than the default memory limit, flows/warehouse/db.py).
LOAD_BATCH_FILES = 1_000


def load_seeds(db_path: Path, seeds_dir: Path, fast: bool = True) -> LoadSummary:
    """Create the schema, upsert reference seeds and load every curated release.

    Files already loaded byte for byte are skipped unparsed. The others are checked by DuckDB
    (flows/warehouse/fast_load.py; `fast` False: none is) and those it is not sure of are validated
    by the model one by one (a refused one is recorded, the rest go on); those that pass are
    inserted in file name order, each batch of LOAD_BATCH_FILES files in one transaction (a
    release is loaded whole or not at all; a rerun skips the batches already loaded)."""
    summary = LoadSummary()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with connect(db_path) as con:
        sqlrunner.apply_layers(con, ["schema"])
        load_reference(con, seeds_dir)
        stored = {r["release_id"]: r["claims_sha256"]
                  for r in sqlrunner.fetch_dicts(con, "load/loaded_claims")}
        by_claims = {sha: release_id for release_id, sha in stored.items()}
        reference = Reference(con)
        paths = release_paths(seeds_dir / "releases")
        for first in range(0, len(paths), LOAD_BATCH_FILES):
            batch = _Batch(con, seeds_dir, stored, by_claims, reference, summary)
            batch.load(paths[first:first + LOAD_BATCH_FILES], fast)
    return summary


@dataclass
class _Batch:
    """One batch of release files: screened by DuckDB, the rest validated by the model, all
    that pass inserted in one transaction."""

    con: duckdb.DuckDBPyConnection
    seeds_dir: Path
    stored: dict[str, str]
    by_claims: dict[str, str]
    reference: Reference
    summary: LoadSummary

    def load(self, paths: list[Path], fast: bool) -> None:
        con, stored, by_claims, summary = self.con, self.stored, self.by_claims, self.summary
        hashes: dict[Path, str] = {}
        new: dict[Path, os.stat_result] = {}
        for path in paths:
            info = path.stat()
            raw = path.read_bytes()
            hashes[path] = sha256_of(raw)
            if hashes[path] not in by_claims and b"\\" not in raw:
                new[path] = info
        with BulkFile() as bulk:
            try:
                certain = fast_load.screen(con, new, date.today()) if fast else {}
                accepted: list[tuple[Path, str]] = []
                screened: list[tuple[Path, int, str, str]] = []
                for path in paths:
                    sha = hashes[path]
                    known = by_claims.get(sha)
                    if known is not None:
                        summary.unchanged.append(known)
                        continue
                    release_id = certain.get(path)
                    if release_id is not None and release_id not in stored:
                        screened.append((path, len(accepted), sha,
                                         _document_path_of(path, None, self.seeds_dir)))
                    else:
                        parsed = _validated(con, path, stored, by_claims, self.reference,
                                            summary)
                        if parsed is None:
                            continue
                        release_id, sha = parsed.release.release_id, parsed.claims_sha256
                        release_row, observation_rows = release_rows(
                            parsed, _document_path(parsed, self.seeds_dir))
                        bulk.add(release_row, observation_rows, review_rows(parsed),
                                 len(accepted))
                    stored[release_id] = sha
                    by_claims[sha] = release_id
                    accepted.append((path, release_id))
                _load_batch(con, bulk, screened, accepted, self.seeds_dir, summary)
            finally:
                fast_load.drop(con)


def _validated(con: duckdb.DuckDBPyConnection, path: Path, stored: dict[str, str],
               by_claims: dict[str, str], reference: Reference,
               summary: LoadSummary) -> ParsedRelease | None:
    """A release file read and validated by the model; None when it is refused (recorded) or
    its bytes are already loaded (counted as unchanged)."""
    raw = path.read_bytes()
    sha = sha256_of(raw)
    known = by_claims.get(sha)
    if known is not None:  # it changed since it was first read, into a release loaded
        summary.unchanged.append(known)
        return None
    try:
        parsed = read_release(path, raw)
        if parsed.release.release_id in stored:
            raise _conflict(parsed)
        validate_against_reference(con, parsed, reference)
    except ReleaseError as err:
        record_rejection(con, err, sha)
        summary.rejected.append(err)
        return None
    return parsed


def _load_batch(con: duckdb.DuckDBPyConnection, bulk: BulkFile,
                screened: list[tuple[Path, int, str, str]], accepted: list[tuple[Path, str]],
                seeds_dir: Path, summary: LoadSummary) -> None:
    """Insert the validated seeds in one transaction; should the warehouse refuse the batch,
    load them one by one, so that only the release it refuses is left out (and recorded)."""
    if not accepted:
        return
    try:
        con.execute("begin transaction")
        bulk.insert(con)
        fast_load.insert(con, screened)
        con.execute("commit")
    except duckdb.Error:
        con.execute("rollback")
    else:
        summary.loaded.extend(release_id for _, release_id in accepted)
        return
    for path, _ in accepted:
        try:
            parsed = read_release(path)
            loaded, _ = load_releases(con, [parsed], _document_path(parsed, seeds_dir))
        except ReleaseError as err:
            record_rejection(con, err)
            summary.rejected.append(err)
            continue
        summary.loaded.extend(loaded)


def _document_path(parsed: ParsedRelease, seeds_dir: Path) -> str:
    """Where the release's document (or the release file itself) sits, relative to warehouse/."""
    return _document_path_of(parsed.source, parsed.release.document, seeds_dir)


def _document_path_of(source: Path, doc: str | None, seeds_dir: Path) -> str:
    """Where a release file's document (or the file itself) sits, relative to warehouse/."""
    target = (source.parent / doc) if doc else source
    try:
        return str(target.resolve().relative_to(seeds_dir.resolve().parent))
    except ValueError:
        return str(target)
