"""`barometer query`'s table fits the terminal by narrowing its text columns, never by cutting a
number: on a real snapshot, in a real process, at widths where the old table cut them."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console

from flows.warehouse.query import print_table, render_table

QUOTE = ("In 2024, China's cross-border e-commerce trade reached 2.63 trillion yuan, up 10.8% "
         "year on year, according to the General Administration of Customs (海关总署).")


def printed(columns: list[str], rows: list[list], width: int) -> list[str]:
    """The table's lines as print_table writes them to a terminal `width` cells wide."""
    out = io.StringIO()
    print_table(Console(file=out, width=width, color_system=None), columns, rows)
    return out.getvalue().splitlines()


def test_a_narrow_terminal_cuts_text_and_keeps_every_number_whole() -> None:
    columns = ["metric_id", "quote", "value", "reported_yoy_lo", "computed_yoy_pct"]
    rows = [["china.cbec.trade_value", QUOTE, 2630000000000.0, 10.75, 17.16],
            ["yiwu.ecommerce_entities.new", "短", 118452.10000000001, -3.95, None]]
    lines = printed(columns, rows, 70)
    text = "\n".join(lines)
    for number in ("2630000000000.0", "10.75", "17.16", "118452.1", "-3.95"):
        assert number in text, number
    assert "…" in text  # the metric ids and the quote were narrowed
    assert QUOTE not in text
    assert max(cell_len(line) for line in lines) <= 70


def test_numbers_wider_than_the_terminal_print_whole_past_its_edge() -> None:
    columns = [f"value_{i}" for i in range(8)] + ["note"]
    rows = [[1234567890123.25 + i for i in range(8)] + ["text"]]
    lines = printed(columns, rows, 60)
    text = "\n".join(lines)
    for i in range(8):
        assert f"{1234567890123.25 + i}" in text
    assert max(cell_len(line) for line in lines) > 60  # wider than the terminal, not cropped


def test_a_table_that_fits_is_left_as_it_is() -> None:
    rows = [["2024", 2630000000000.0, "="]]
    lines = printed(["period_label", "value", "comparator"], rows, 200)
    assert "│ 2024         │ 2630000000000.0 │ =          │" in lines


def test_a_double_shows_the_digits_it_holds_never_e_notation() -> None:
    rows = [[15.549999999999999, 1e20, 2.5e-7, float("nan")]]
    text = "\n".join(printed(["lo", "big", "small", "missing"], rows, 120))
    assert "15.55" in text and "15.549999999999999" not in text
    assert "100000000000000000000.0" in text and "e+" not in text
    assert "0.00000025" in text
    table = render_table(["lo"], [[15.549999999999999]], width=120)
    assert [c.justify for c in table.columns] == ["right"]


def test_the_cli_keeps_every_number_of_a_wide_query_whole(seeds_warehouse: Path) -> None:
    sql = ("select metric_id, period_label, quote, value, value_lo, value_hi from figures "
           "where is_derived order by metric_id, period_start")
    env = {**os.environ, "COLUMNS": "80"}

    def query(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "flows.cli", "query", "--snapshot", str(seeds_warehouse),
             *args, sql], capture_output=True, text=True, timeout=60, check=True, env=env)
        return done.stdout

    table = query()
    rows = list(csv.DictReader(io.StringIO(query("--csv"))))
    assert len(rows) > 5
    for row in rows:
        for column in ("value", "value_lo", "value_hi"):
            # the double to its 15 significant digits, written out whole
            whole = format(Decimal(f"{float(row[column]):.15g}").normalize(), "f")
            assert whole in table, (column, row[column])
    assert max(cell_len(line) for line in table.splitlines()) <= 80
