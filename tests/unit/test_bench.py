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
from flows.warehouse.load import load_seeds

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
        vintages = con.execute(
            "select count(*), count(*) filter (where n_values = 2), sum(n) from ("
            "select count(*) as n, count(distinct value) as n_values from core.observations "
            "group by metric_id, period_start)").fetchone()
    assert titles == [(PUBLISHER, True)]
    assert quotes == (True,)
    # 180 metric-months, each reported twice (preliminary, then final); one in five revised
    assert vintages == (180, 36, 360)


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


def test_one_measured_run_reports_every_step(tmp_path: Path) -> None:
    from bench.measure import measure

    seeds = make_seeds(tmp_path / "seeds", 3, 5, with_curated=False)
    write_bulk_files(seeds, tmp_path / "bulk")
    out = measure(seeds, tmp_path / "bulk", tmp_path / "work")
    for step in ("load", "rerun", "transform", "checks", "transform_incremental",
                 "checks_incremental", "brief_queries", "render",
                 "weasyprint_same_html", "record_brief", "snapshot", "record_and_snapshot",
                 "duckdb_bulk_load"):
        assert out[step] > 0, step
    assert (out["releases_loaded"], out["rerun_loaded"], out["rejected"]) == (3, 0, 0)
    assert out["observations"] == 20  # the 3 releases, and 1 more for the incremental build
    assert out["peak_rss_mib"] > 50 and out["pdf_bytes"] > 10_000
    assert out["attachments_bytes"] > 1_000 and out["snapshot_bytes"] > 100_000


def test_the_growth_chart_stays_bounded_as_metrics_grow(tmp_path: Path) -> None:
    """100 synthetic releases bring 17 synthetic metrics beside the real ones: the chart keeps
    GROWTH_BARS bars, the real headline metrics first, and says how many it left out."""
    from datetime import date

    from flows.brief.data import GROWTH_BARS, build_charts
    from flows.warehouse.build_and_check import build_warehouse

    seeds = make_seeds(tmp_path / "seeds", 100, 100)
    db = tmp_path / "w.duckdb"
    assert load_seeds(db, seeds).rejected == []
    build_warehouse(db)
    with duckdb.connect(str(db), read_only=True) as con:
        chart = build_charts(con, date(2026, 11, 29))[-1]
        with_growth = con.execute(
            "select count(distinct metric_id) from figures where yoy_pct is not null "
            "and not is_derived").fetchone()[0]
    assert with_growth > GROWTH_BARS
    assert len(chart.marks) == GROWTH_BARS
    assert chart.title.startswith(f"Reported year-on-year growth: {GROWTH_BARS} of "
                                  f"{with_growth} metrics, headline metrics first")
    labels = {m.label for m in chart.marks}
    assert {"China CBEC trade", "Yiwu CBEC transactions"} <= labels
    values = [m.value for m in chart.marks]
    assert values == sorted(values, reverse=True)
