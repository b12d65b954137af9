"""The marts are bitemporal tables: what they say as of a date must be what a warehouse that only
ever knew the releases published by that date says, and a build that recomputes only the
metrics that changed must give the same tables as a build from scratch.

The oracle is a fresh warehouse per date, holding only the stored claims of the releases
published on or before it (copied row for row, load order included), built from scratch. Every
as-of macro must return the same rows (EXCEPT ALL, both ways) in the full warehouse on that
date as in the fresh one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from flows.warehouse import sqlrunner
from flows.warehouse.build_and_check import build_warehouse
from tests.conftest import Warehouse, figure, release

# Every as-of macro the warehouse offers (docs/warehouse.md), the checks' included.
AS_OF_MACROS = [
    "vintages_as_of", "reported_as_of", "growth_as_of", "ratio_derivations_as_of",
    "derived_as_of", "figures_as_of", "cagr_as_of", "shares_as_of", "cross_checks_as_of",
    "revisions_as_of", "stale_metrics_as_of", "check_findings_as_of", "check_integrity_as_of",
    "check_cross_claims_as_of", "check_underivable_as_of",
]
MARTS = ["vintages", "reported", "growth", "ratio_derivations", "derived", "figures", "cagr",
         "shares", "cross_checks", "revisions", "metric_releases", "check_findings"]
CORE_CLAIMS = ["publishers", "metrics", "ratio_definitions"]

TRADE = "china.cbec.trade_value"
CBEC = "yiwu.cbec_entities.total"
ECOM = "yiwu.ecommerce_entities.total"
MARKET = "yiwu.market_entities.total"
CBEC_SHARE = "yiwu.cbec_entities.share_of_ecommerce"


def year(y: int) -> tuple[str, str, str]:
    return ("year", f"{y}-01-01", f"{y}-12-31")


def level(y: int) -> tuple[str, str, str]:
    return ("level", f"{y}-12-31", f"{y}-12-31")


def count(metric: str, period: tuple[str, str, str], value: float, written: str,
          comparator: str = "=", **kw) -> dict:
    return figure(metric, period, value, written, comparator=comparator, unit="entities", **kw)


# A history with every kind of change the marts must follow over time, in load order. Each
# entry: release id, publication date, figures.
HISTORY = [
    ("h01", "2023-01-20", [
        figure(TRADE, year(2021), 1.98e12, "1.98", multiplier="trillion"),
        figure(TRADE, year(2022), 2.11e12, "2.11", multiplier="trillion", yoy=9.8),
        count(ECOM, level(2022), 500_000, "500,000", comparator=">"),
        count(MARKET, level(2022), 1_000_000, "1,000,000", comparator=">"),
    ]),
    # a rate with no level: growth and an implied prior level from the rate alone
    ("h02", "2024-01-05", [
        figure(TRADE, year(2023), None, yoy=15.6),
        count(CBEC, level(2022), 150_000, "150,000", comparator="~"),
    ]),
    # the level arrives; 2022 is revised (value and qualifier), so growth, CAGR and the
    # cross-checks built on it change
    ("h03", "2024-01-12", [
        figure(TRADE, year(2022), 2.1e12, "2.1", multiplier="trillion", comparator="~"),
        figure(TRADE, year(2023), 2.38e12, "2.38", multiplier="trillion", yoy=15.6),
        count(ECOM, level(2023), 600_000, "600,000", comparator="~"),
    ]),
    # two releases on one day: the one loaded later is the newer vintage
    ("h04", "2024-06-01", [
        count(CBEC, level(2023), 200_000, "200,000"),
        count(MARKET, level(2023), 1_100_000, "1,100,000"),
    ]),
    ("h05", "2024-06-01", [
        count(CBEC, level(2023), 210_000, "210,000"),
    ]),
    # the share is reported at last: its derivation gives way to the reported figure
    ("h06", "2024-09-30", [
        figure(CBEC_SHARE, level(2023), 0.35, "35%", unit="share", comparator="~"),
    ]),
    # loaded last but published earlier (a back-dated release): it becomes known on its own
    # date, between two releases loaded before it
    ("h07", "2024-03-15", [
        count(ECOM, level(2023), 620_000, "620,000", comparator=">"),
        figure(TRADE, year(2023), 2.38e12, "2.38", multiplier="trillion", yoy=15.0),
    ]),
    ("h08", "2025-01-10", [
        figure(TRADE, year(2024), 2.63e12, "2.63", multiplier="trillion", yoy=10.8),
    ]),
    # a newer release with only a rate replaces the rate beside an older level
    ("h09", "2025-01-13", [
        figure(TRADE, year(2024), None, yoy=10.9),
        count(MARKET, level(2024), 1_200_000, "1,200,000", comparator="~"),
    ]),
    # a rate beside 2021 implies a 2020 level nobody reported; then 2020 is reported with a
    # rate but no level, and the derived figure gives way to it all the same
    ("h10", "2025-02-03", [
        figure(TRADE, year(2021), 1.98e12, "1.98", multiplier="trillion", yoy=20.0),
    ]),
    ("h11", "2025-02-10", [
        figure(TRADE, year(2020), None, yoy=12.0),
    ]),
]


def _fill_history(warehouse: Warehouse, build_each: bool) -> None:
    for release_id, published_on, figures in HISTORY:
        warehouse.add(release(release_id, published_on, figures))
        if build_each:
            warehouse.rebuild_if_stale()


def _fresh_as_of(full: Path, day: date, folder: Path) -> Path:
    """A new warehouse holding only the claims of releases published on or before day, copied
    row for row from the full one, and built from scratch."""
    fresh = folder / f"fresh-{day.isoformat()}.duckdb"
    with duckdb.connect(str(fresh)) as con:
        sqlrunner.apply_layers(con, ["schema"])
        con.execute("attach ? as full_warehouse (read_only)", [str(full)])
        for table in CORE_CLAIMS:
            con.execute(f"insert into core.{table} select * from full_warehouse.core.{table}")
        con.execute("insert into core.releases select * from full_warehouse.core.releases "
                    "where published_on <= ?", [day])
        con.execute("insert into core.observations select o.* "
                    "from full_warehouse.core.observations as o "
                    "semi join core.releases as r using (release_id)")
        con.execute("detach full_warehouse")
    build_warehouse(fresh, full=True)
    return fresh


def _as_of_rows(db: Path, day: date, folder: Path, tag: str) -> dict[str, Path]:
    """What every as-of macro returns on day, each written as Parquet (types and doubles kept
    exactly), from one read-only connection."""
    written = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for macro in AS_OF_MACROS:
            out = folder / f"{macro}-{day}-{tag}.parquet"
            con.execute(f"copy (select * from {macro}(cast(? as date))) to '{out}' "
                        "(format parquet)", [day])
            written[macro] = out
    return written


def _assert_matches_fresh_warehouses(full: Path, folder: Path) -> int:
    """Compare every as-of macro on every publication date; return how many dates."""
    with duckdb.connect(str(full), read_only=True) as con:
        days = [r[0] for r in con.execute(
            "select distinct published_on from core.releases order by 1").fetchall()]
    with duckdb.connect() as compare:
        for day in days:
            fresh = _fresh_as_of(full, day, folder)
            ours = _as_of_rows(full, day, folder, "full")
            theirs = _as_of_rows(fresh, day, folder, "fresh")
            for macro in AS_OF_MACROS:
                # rows in one and not the other, both ways (duplicates counted)
                differing = compare.execute(
                    "select count(*) from ((from read_parquet($1) except all "
                    "from read_parquet($2)) union all (from read_parquet($2) except all "
                    "from read_parquet($1)))", [str(ours[macro]), str(theirs[macro])]
                ).fetchone()[0]
                assert differing == 0, (
                    f"{macro}({day}) differs from a warehouse that knew only the releases "
                    f"published by {day}")
            fresh.unlink()
    return len(days)


def test_every_as_of_macro_on_every_publication_date_of_the_curated_seeds_equals_a_fresh_warehouse(
        seeds_warehouse: Path, tmp_path: Path) -> None:
    assert _assert_matches_fresh_warehouses(seeds_warehouse, tmp_path) >= 10


def test_every_as_of_macro_over_a_history_of_revisions_equals_a_fresh_warehouse(
        warehouse: Warehouse, tmp_path: Path) -> None:
    _fill_history(warehouse, build_each=True)
    db = warehouse.path
    with duckdb.connect(str(db), read_only=True) as con:
        # the history does exercise what it says it does
        assert con.execute("select count(*) from revisions").fetchone()[0] >= 3
        assert con.execute("select count(distinct known_from) from marts.figures "
                           "where metric_id = ?", [TRADE]).fetchone()[0] >= 4
        assert con.execute("select count(*) from marts.derived where metric_id = ? "
                           "and known_until < 'infinity'", [CBEC_SHARE]).fetchone()[0] >= 1
    assert _assert_matches_fresh_warehouses(db, tmp_path) == len({h[1] for h in HISTORY})
