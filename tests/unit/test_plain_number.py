"""The SQL macros that word the checks' findings (sql/staging/070_plain_number.sql) print every
number exactly as flows/brief/formatting.py does for the brief: the same digits, scale words,
qualifiers and intervals, over thousands of values from 0.001 to 10^13, negatives, ties and
every unit and comparator."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from decimal import Decimal

import duckdb
import pytest

from flows.brief.formatting import (
    format_figure,
    format_interval,
    format_number,
    format_rate,
    format_written,
)
from flows.warehouse import sqlrunner

UNITS = ["yuan", "entities", "share", "percent"]
COMPARATORS = ["=", "~", ">", ">=", "<", "<="]


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as connection:
        connection.execute((sqlrunner.SQL_DIR / "staging" / "070_plain_number.sql").read_text(
            encoding="utf-8"))
        yield connection


def _values(count: int, seed: int) -> list[float]:
    """Magnitudes from 0.001 to 10^13 (and a little past), either sign, with the values that
    round on a tie (118,450 to 4 digits, 2.675 to 2 decimals) and those that round up to the
    next power of ten (999,960)."""
    rng = random.Random(seed)
    values = [0.0, 1.0, -1.0, 118450.0, 118452.1, 2.675, 1.005, 0.125, 999960.0, 999999.5,
              9.9996, 99.996, 1e6, 1e9, 1e12, 1e13, 2.63e12 / 1.108, 1.72174e12, 17.159763313609467,
              -2.700000000000001, 10.049999999999999, 0.001, 0.00123, 1234.5, 12345.0]
    for _ in range(count):
        exponent = rng.uniform(-3, 13.5)
        value = 10 ** exponent
        if rng.random() < 0.3:  # a round number: a tie or a whole mantissa
            value = float(Decimal(rng.randint(1, 99999)).scaleb(rng.randint(-7, 9)))
        values.append(-value if rng.random() < 0.2 else value)
    return values


# Each query pairs its parameters (one list per column) row by row, in order.
NUMBER_SQL = """
    select plain_number(a, b) from (select unnest($1) as i, unnest($2) as a, unnest($3) as b)
    order by i"""
FIGURE_SQL = """
    select plain_figure(a, b, c, d)
    from (select unnest($1) as i, unnest($2) as a, unnest($3) as b, unnest($4) as c,
                 unnest($5) as d)
    order by i"""
RATE_SQL = """
    select plain_rate(a, b, c, d)
    from (select unnest($1) as i, unnest($2) as a, unnest($3) as b, unnest($4) as c,
                 unnest($5) as d)
    order by i"""
INTERVAL_SQL = """
    select plain_interval(a, b, c)
    from (select unnest($1) as i, unnest($2) as a, unnest($3) as b, unnest($4) as c)
    order by i"""
WRITTEN_SQL = """
    select plain_written(a, b, c)
    from (select unnest($1) as i, unnest($2::varchar[]) as a, unnest($3::varchar[]) as b,
                 unnest($4::varchar[]) as c)
    order by i"""


def _sql(con: duckdb.DuckDBPyConnection, query: str, rows: list[tuple]) -> list[str]:
    """query over every row, one list per column, in one statement."""
    columns = [list(column) for column in zip(*rows, strict=True)]
    return [r[0] for r in con.execute(query, [list(range(len(rows))), *columns]).fetchall()]


def test_plain_number_matches_format_number(con) -> None:
    rows = [(v, unit) for v in _values(1500, 1) for unit in UNITS]
    got = _sql(con, NUMBER_SQL, rows)
    assert got == [format_number(v, u) for v, u in rows]


def test_plain_figure_matches_format_figure(con) -> None:
    rng = random.Random(2)
    rows = [(v, rng.choice(UNITS), rng.choice(COMPARATORS), rng.random() < 0.5)
            for v in _values(3000, 2)]
    expected = [format_figure(v, u, c, a) for v, u, c, a in rows]
    got = _sql(con, FIGURE_SQL, rows)
    assert got == expected


@pytest.mark.parametrize("decimals", [None, 1, 2])
def test_plain_rate_matches_format_rate(con, decimals) -> None:
    rng = random.Random(3)
    rows = [(v / 1e9 if abs(v) > 1e6 else v, rng.choice(COMPARATORS), rng.random() < 0.5,
             decimals) for v in _values(1500, 3)]
    got = _sql(con, RATE_SQL, rows)
    assert got == [format_rate(v, c, a, decimals) for v, c, a, _ in rows]


def test_plain_interval_matches_format_interval(con) -> None:
    rng = random.Random(4)
    rows = []
    for lo in _values(1500, 4):
        width = abs(lo) * rng.choice([0.0, 1e-5, 1e-3, 0.01, 0.1, 1.0]) + rng.choice([0, 0.01])
        hi = rng.choice([lo + width, float("inf")]) if rng.random() < 0.2 else lo + width
        rows.append((lo, hi, rng.choice(UNITS)))
    got = _sql(con, INTERVAL_SQL, rows)
    assert got == [format_interval(lo, hi, u) for lo, hi, u in rows]


def test_plain_written_matches_format_written(con) -> None:
    rng = random.Random(5)
    rows = [("1/3", None, "share"), ("2/5", None, "share"), ("4.9%", None, "share"),
            ("12.35％", None, "share"), ("0.049", None, "share"), ("2.63", "trillion", "yuan"),
            ("175,700", None, "entities"), ("6689.3", "亿", "yuan")]
    for _ in range(1500):
        digits = str(rng.randint(1, 999999))
        point = rng.randint(0, len(digits))
        written = (digits[:point] or "0") + ("." + digits[point:] if digits[point:] else "")
        multiplier = rng.choice(["万", "亿", "万亿", None, "million", "billion"])
        rows.append((written, multiplier, rng.choice(["yuan", "entities"])))
    got = _sql(con, WRITTEN_SQL, rows)
    assert got == [format_written(w, m, u) for w, m, u in rows]


def test_no_value_prints_in_e_notation_or_as_inf(con) -> None:
    rows = [(v, unit) for v in _values(500, 6) for unit in UNITS]
    texts = _sql(con, NUMBER_SQL, rows) + [
        format_interval(v, float("inf"), "entities") for v, _ in rows]
    assert [t for t in texts if re.search(r"\d[eE][+-]?\d|\binf\b|nan", t)] == []


@pytest.mark.parametrize(("args", "expected"), [
    ((2.63e12 / 1.108, "yuan", "~", True), "about 2.374 trillion yuan"),
    ((118452.1, "entities", "~", True), "about 118,500 entities"),
    ((200000.0, "entities", ">", True), "at least about 200,000 entities"),
    ((0.6, "share", "<", True), "under roughly 60%"),
    ((0.6, "share", "<=", False), "at most 60%"),
    ((1e6, "entities", ">", False), "more than 1 million entities"),
])
def test_the_macro_words_the_issue_s_examples(con, args, expected) -> None:
    assert con.execute("select plain_figure(?, ?, ?, ?)", list(args)).fetchone()[0] == expected


def test_an_interval_reads_in_words(con) -> None:
    def interval(lo: float, hi: float, unit: str) -> str:
        return con.execute("select plain_interval(?, ?, ?)", [lo, hi, unit]).fetchone()[0]

    assert interval(14.5, 15.5, "percent") == "14.5% to 15.5%"
    assert interval(1e6, float("inf"), "entities") == "1 million entities or more"
    assert interval(1709960000000.0, 1733620000000.0, "yuan") == (
        "1.71 trillion to 1.734 trillion yuan")
    # an exact figure's interval needs the digit after its own: 4 would print 668.9 twice
    assert interval(668.925e9, 668.935e9, "yuan") == "668.925 billion to 668.935 billion yuan"
