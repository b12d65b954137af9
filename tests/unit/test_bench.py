"""The benchmark's inputs: synthetic releases that load cleanly, say they are synthetic, and
give DuckDB's bulk load exactly the rows the tracker inserts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from bench.measure import duckdb_bulk_load
from bench.report import END, START, write_report
from bench.synthetic import PUBLISHER, make_seeds, write_bulk_files
from flows.load import load_seeds

COMPARED = ("select * exclude (loaded_at) from core.releases order by release_id",
            "select * from core.observations order by release_id, seq")


def test_synthetic_releases_load_cleanly_and_say_so(tmp_path: Path) -> None:
    seeds = make_seeds(tmp_path / "seeds", 12, 30, with_curated=False)
    summary = load_seeds(tmp_path / "w.duckdb", seeds)
    assert summary.rejected == [] and len(summary.loaded) == 12
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from core.observations").fetchone() == (360,)
        titles = con.execute("select distinct publisher_id, title like 'SYNTHETIC%' "
                             "from core.releases").fetchall()
        quotes = con.execute("select bool_and(quote like 'SYNTHETIC%') "
                             "from core.observations").fetchone()
        revised = con.execute("select count(*) from core.observations "
                              "where vintage_status = 'revised'").fetchone()
    assert titles == [(PUBLISHER, True)]
    assert quotes == (True,)
    assert revised == (60,)  # releases 4 and 9 revise what they report


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    one = make_seeds(tmp_path / "one", 3, 5, with_curated=False)
    two = make_seeds(tmp_path / "two", 3, 5, with_curated=False)
    for path in sorted((one / "releases").iterdir()):
        assert path.read_bytes() == (two / "releases" / path.name).read_bytes()


def test_duckdb_bulk_load_inserts_exactly_the_trackers_rows(tmp_path: Path) -> None:
    seeds = make_seeds(tmp_path / "seeds", 5, 20, with_curated=False)
    assert write_bulk_files(seeds, tmp_path / "bulk") == 100
    load_seeds(tmp_path / "tracker.duckdb", seeds)
    duckdb_bulk_load(tmp_path / "bulk", tmp_path / "bulk.duckdb")
    for query in COMPARED:
        with duckdb.connect(str(tmp_path / "tracker.duckdb"), read_only=True) as con:
            tracker = con.execute(query).fetchall()
        with duckdb.connect(str(tmp_path / "bulk.duckdb"), read_only=True) as con:
            bulk = con.execute(query).fetchall()
        assert tracker == bulk and tracker


def test_the_report_replaces_only_its_block(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# Benchmarks\n\nintro\n\n{START}\nold\n{END}\n\n## Profile\nkept\n")
    write_report(doc, ["| a | b |"], "2 × test CPU", 3, datetime(2026, 11, 29, tzinfo=UTC))
    text = doc.read_text()
    assert "old" not in text and "| a | b |" in text
    assert text.startswith("# Benchmarks\n\nintro\n\n") and text.endswith("## Profile\nkept\n")
    assert "2026-11-29 00:00 UTC" in text and "2 × test CPU" in text
    assert json.dumps(text.count(START)) == "1"
