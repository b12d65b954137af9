"""Ad-hoc, read-only queries on the analysts' snapshot: `barometer query "SQL"`.

Analysts query the snapshot each successful run publishes, never the live warehouse: DuckDB
lets one process hold a file while it writes, readers included. The snapshot is opened with
read_only=True, so a write would fail anyway; check_read_only exists to say why, and what to
do instead, before DuckDB answers with a bare error. The connection reads nothing but the
snapshot (no file, URL or extension; its configuration locked) and a query is stopped after a
time limit. CSV output is safe to open in a spreadsheet (csv_safe).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import threading
import uuid
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flows.settings import load_settings
from flows.warehouse import sqlrunner

# Shown with every DuckDB error: the views are documented in the database itself.
LIST_VIEWS_SQL = "\n".join(
    line for line in sqlrunner.statement("queries/list_views").splitlines()
    if line and not line.startswith("--"))

CHANGE_DATA_HINT = (
    "use the pipeline (`barometer run`) or the inbox (warehouse/inbox/, docs/inbox.md) "
    "to change data"
)

# PRAGMAs that only report on the database; every other PRAGMA changes a setting
# (enable_profiling, threads=…, …) and is refused.
READ_ONLY_PRAGMAS = frozenset({
    "table_info", "show", "show_tables", "show_tables_expanded", "show_databases",
    "database_list", "database_size", "storage_info", "metadata_info", "version",
    "platform", "functions", "collations", "user_agent",
})

_PRAGMA_NAME = re.compile(r"\s*pragma\s+([a-z_][a-z0-9_]*)\s*(\(|;|$)", re.IGNORECASE)
# Peels `explain [analyze]` off an EXPLAIN statement, so the statement it explains (or, with
# analyze, runs) can be classified by DuckDB in turn.
_EXPLAIN_PREFIX = re.compile(r"\s*explain(\s+analyze)?\s+", re.IGNORECASE)

# The snapshot's connection reads the snapshot and nothing else: no file (read_text, glob,
# read_csv, …), no URL, no extension installed or loaded behind the query's back (a URL would
# fetch httpfs). lock_configuration comes last, so no statement can switch them back on.
SNAPSHOT_CONFIG: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}

OUTSIDE_HINT = (
    "To query a file of your own, use the duckdb CLI on it (.venv/bin/duckdb -c \"from "
    "'my.csv'\"); to load data into the warehouse, use the inbox (warehouse/inbox/, "
    "docs/inbox.md)"
)

# DuckDB names the extension a missing function lives in; barometer query loads none.
_EXTENSION_NEEDED = re.compile(r"exists in the \w+ extension")

# OWASP "CSV Injection": a cell starting with one of these (after any single quotes, so that
# dropping the one quote added gives the text back) is a formula to a spreadsheet.
_FORMULA_START = re.compile(r"'*[=+@\t\r-]")
# A plain number is read as a number, not a formula, so "-2.7" or "+1e5" stays as written.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")


class QueryError(ValueError):
    """A query that cannot run: the message says what happened and what to do."""


def _refuse(kind: str, detail: str = "") -> QueryError:
    """The refusal for a statement that writes or changes state."""
    extra = f" {detail}" if detail else ""
    return QueryError(
        f"barometer query only reads; this is a {kind} statement, which writes or changes "
        f"state.{extra} Run a SELECT (or DESCRIBE / SHOW / SUMMARIZE) instead, and "
        f"{CHANGE_DATA_HINT}."
    )


def _statements(sql: str) -> list[Any]:
    """DuckDB's own parse of sql into statements; a syntax error becomes a QueryError."""
    try:
        return duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"DuckDB could not parse the query: {exc}") from exc


def _check_statement(statement: Any) -> None:
    """Refuse one parsed statement unless it only reads."""
    kind = statement.type
    if kind == duckdb.StatementType.SELECT:
        return  # includes DESCRIBE, SHOW, SUMMARIZE, VALUES, FROM-first and PIVOT … IN (…)
    if kind == duckdb.StatementType.EXPLAIN:
        # EXPLAIN ANALYZE runs its statement, so the explained statement must read too.
        inner = _EXPLAIN_PREFIX.sub("", statement.query, count=1)
        parsed = _statements(inner) if inner != statement.query else []
        if len(parsed) != 1 or parsed[0].type != duckdb.StatementType.SELECT:
            raise _refuse("EXPLAIN", "Only EXPLAIN [ANALYZE] SELECT … is allowed.")
        return
    if kind == duckdb.StatementType.PRAGMA:
        match = _PRAGMA_NAME.match(statement.query)
        if match and match.group(1).lower() in READ_ONLY_PRAGMAS:
            return
        raise _refuse("PRAGMA", "Only reporting pragmas (table_info, show_tables, "
                                "database_size, …) are allowed.")
    if kind == duckdb.StatementType.MULTI:
        # A PIVOT without an IN list runs as several statements; listing the values keeps
        # it one SELECT.
        raise _refuse("multi-statement PIVOT",
                      "Write the pivot values out: PIVOT … ON column IN ('a', 'b') ….")
    if kind == duckdb.StatementType.CALL:
        raise _refuse("CALL", "CHECKPOINT is a CALL; for a table function use "
                              "SELECT * FROM pragma_table_info('figures').")
    raise _refuse(kind.name)


def check_read_only(sql: str) -> None:
    """Raise QueryError unless sql is exactly one statement that only reads."""
    statements = _statements(sql)
    if not statements:
        raise QueryError("The query is empty: pass one SELECT statement, e.g. 'from figures'.")
    if len(statements) > 1:
        # One statement per call keeps the result (columns, rows) unambiguous.
        kinds = ", ".join(s.type.name for s in statements)
        for statement in statements:
            _check_statement(statement)  # a write among them gets the write message
        raise QueryError(
            f"barometer query runs one statement at a time; got {len(statements)} ({kinds}). "
            "Run them one by one."
        )
    _check_statement(statements[0])


def open_snapshot(snapshot: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the snapshot that can reach nothing outside it."""
    if not snapshot.is_file():
        raise QueryError(
            f"No snapshot at {snapshot}: run `barometer run` (or `make brief`) first; each "
            "successful run publishes it. Another path: --snapshot PATH or "
            "BAROMETER_SNAPSHOT_PATH."
        )
    try:
        return duckdb.connect(str(snapshot), read_only=True, config=SNAPSHOT_CONFIG)
    except duckdb.Error as exc:
        raise QueryError(
            f"Could not open {snapshot} read-only: {exc}. Open the published snapshot, not "
            "the live warehouse file, which the pipeline holds while it writes."
        ) from exc


def timeout_message(timeout_seconds: float) -> str:
    """What a query stopped by the time limit is told."""
    return (f"the query ran longer than {timeout_seconds:g} s (BAROMETER_QUERY_TIMEOUT_SECONDS)"
            " and was stopped; narrow it (a where clause, a limit) or raise the limit")


def _fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any], timeout_seconds: float
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run sql and fetch its rows, interrupting DuckDB after timeout_seconds (it has no
    statement timeout of its own)."""
    stopped = threading.Event()

    def stop() -> None:
        stopped.set()
        con.interrupt()

    timer = threading.Timer(timeout_seconds, stop)
    timer.start()
    try:
        cursor = con.execute(sql, params)
        if cursor.description is None:
            return [], []
        return [d[0] for d in cursor.description], cursor.fetchall()
    except duckdb.InterruptException as exc:
        if not stopped.is_set():
            raise
        raise QueryError(timeout_message(timeout_seconds)) from exc
    finally:
        timer.cancel()
        timer.join()  # the connection closes next: never while stop() is interrupting it


def _outside_error(exc: duckdb.Error) -> QueryError | None:
    """The one-line refusal for a query that reached outside the snapshot, else None."""
    first_line = next(iter(str(exc).splitlines()), "")
    if isinstance(exc, duckdb.PermissionException):
        what = "reading files and URLs"
    elif _EXTENSION_NEEDED.search(first_line):
        what = "loading DuckDB extensions"
    else:
        return None
    return QueryError(f"{what} is off in barometer query, which reads only the snapshot's "
                      f"tables and views ({first_line}). {OUTSIDE_HINT}.")


def run_query(
    snapshot: Path, sql: str, params: list[Any] | None = None,
    timeout_seconds: float | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read-only statement on the snapshot, stopped after timeout_seconds (default:
    the query_timeout_seconds setting); return its column names and rows."""
    check_read_only(sql)
    if timeout_seconds is None:
        timeout_seconds = load_settings().query_timeout_seconds
    con = open_snapshot(snapshot)
    try:
        return _fetch(con, sql, params or [], timeout_seconds)
    except duckdb.Error as exc:
        raise _outside_error(exc) or QueryError(
            f"{exc}\nList the views and what they hold with: {LIST_VIEWS_SQL}"
        ) from exc
    finally:
        con.close()


def _json_value(value: Any) -> Any:
    """A value JSON can hold: dates as ISO strings, decimals as numbers, NaN as null."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None  # JSON has no NaN or infinity
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return value.hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def _text(value: Any) -> str:
    """A value as one CSV or table cell: ISO dates, empty for NULL."""
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(_json_value(value), ensure_ascii=False)
    return str(value)


def csv_safe(text: str) -> str:
    """text as a CSV cell a spreadsheet shows as text and never runs as a formula: one ' in
    front of a formula's first character (the rule of sql/queries/csv_safe_macro.sql)."""
    # A lone "=" (an exact figure's comparator) is a formula with nothing to run.
    if text == "=" or _PLAIN_NUMBER.fullmatch(text) or not _FORMULA_START.match(text):
        return text
    return "'" + text


def _csv_cell(value: Any) -> str:
    """A value as a CSV cell: numbers as they are, anything else through csv_safe."""
    if isinstance(value, int | float | Decimal):
        return _text(value)
    return csv_safe(_text(value))


def format_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows as CSV with a header line; NULL is an empty field, dates ISO, text csv_safe."""
    out, record = io.StringIO(), io.StringIO()
    # csv quotes a cell holding a character of the line terminator: with "\r\n" that covers a
    # carriage return, which "\n" alone leaves bare (a reader would end the record there).
    writer = csv.writer(record, lineterminator="\r\n")
    for cells in [[csv_safe(c) for c in columns], *([_csv_cell(v) for v in r] for r in rows)]:
        record.seek(0)
        record.truncate()
        writer.writerow(cells)
        # Records end in "\n", not "\r\n": the output is piped to files and Unix tools.
        out.write(record.getvalue().removesuffix("\r\n") + "\n")
    return out.getvalue()


def format_json(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows as a JSON array of objects keyed by column name."""
    records = [
        {col: _json_value(v) for col, v in zip(columns, row, strict=True)} for row in rows
    ]
    # ensure_ascii=False keeps Chinese quotes readable (海关总署, not \\u6d77…).
    return json.dumps(records, ensure_ascii=False, indent=2)


# A text column narrowed to fit the terminal keeps at least this many characters ("ab…").
MIN_TEXT_WIDTH = 4


def _table_text(value: Any) -> str:
    """A value as a table cell: a double to the 15 significant digits it holds, written out
    (15.549999999999999 → 15.55, 1e+16 → 10000000000000000.0); CSV and JSON keep every digit."""
    if isinstance(value, float) and math.isfinite(value):
        text = format(Decimal(f"{value:.15g}").normalize(), "f")
        return text if "." in text else f"{text}.0"
    return _text(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _cell_width(text: str) -> int:
    """Terminal cells text takes on its widest line (a Chinese character takes two)."""
    return max((cell_len(line) for line in text.splitlines()), default=0)


def _fit_text_widths(natural: list[int], room: int) -> list[int]:
    """The widest cap on the text columns' widths that fits their total into room, each kept
    to at least MIN_TEXT_WIDTH (or its natural width, when narrower)."""
    cap = max(natural, default=0)
    while cap > MIN_TEXT_WIDTH and sum(min(w, cap) for w in natural) > room:
        cap -= 1
    return [min(w, max(cap, MIN_TEXT_WIDTH)) for w in natural]


def render_table(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None,
    width: int | None = None,
) -> Table:
    """Rows as a rich table for the terminal, `width` cells wide at most when it can be (default:
    the terminal's); numbers right-aligned and never cut, NULL dimmed. To fit, the text columns
    are narrowed (cut with …) and the numbers' headers fold; when the numbers alone are wider
    than the terminal, the table is wider than it (print_table does not crop it)."""
    if width is None:
        width = Console().width
    cells = [["NULL" if v is None else _table_text(v) for v in row] for row in rows]
    numeric = [any(_is_number(row[i]) for row in rows) for i in range(len(columns))]
    content = [max((_cell_width(row[i]) for row in cells), default=0)
               for i in range(len(columns))]
    headers = [cell_len(c) for c in columns]
    # each column takes two cells of padding and one of border, and the table one more border
    room = width - (3 * len(columns) + 1)
    widths = [max(c, h) for c, h in zip(content, headers, strict=True)]
    if sum(widths) > room:
        numbers = [max(c, 1) if n else 0 for c, n in zip(content, numeric, strict=True)]
        text = [w for w, n in zip(widths, numeric, strict=True) if not n]
        fitted = iter(_fit_text_widths(text, room - sum(numbers)))
        widths = [numbers[i] if numeric[i] else next(fitted) for i in range(len(columns))]
        for i in (i for i in range(len(columns)) if numeric[i]):  # room left: headers unfold
            widths[i] += max(min(headers[i] - widths[i], room - sum(widths)), 0)
    table = Table(title=title, caption=f"{len(rows)} row{'s' if len(rows) != 1 else ''}")
    if sum(widths) > room:
        table.width = sum(widths) + 3 * len(columns) + 1
    for col, is_numeric, col_width in zip(columns, numeric, widths, strict=True):
        if is_numeric:  # a number fits its column whole; a longer header folds
            table.add_column(col, justify="right", width=col_width, overflow="fold")
        else:
            table.add_column(col, justify="left", width=col_width, overflow="ellipsis",
                             no_wrap=True)
    for row in rows:
        # escape: a quote with [brackets] must print as written, not as rich markup.
        table.add_row(*("[dim]NULL[/dim]" if v is None else escape(_table_text(v)) for v in row))
    return table


def print_table(console: Console, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                title: str | None = None) -> None:
    """Print rows as a table fitted to the console's width; a table wider than the terminal
    (its numbers alone do not fit) is printed whole, not cropped."""
    console.print(render_table(columns, rows, title, console.width), crop=False)
