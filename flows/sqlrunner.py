"""The only code that reads sql/: builds the layers in order and runs named statements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from flows.paths import SQL_DIR

LAYERS: tuple[str, ...] = ("schema", "staging", "marts", "views", "checks")


def layer_files(layer: str) -> list[Path]:
    """Return a layer's SQL files in name (run) order."""
    return sorted((SQL_DIR / layer).glob("*.sql"))


@cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def apply_layers(con: duckdb.DuckDBPyConnection, layers: Iterable[str] = LAYERS) -> list[str]:
    """Run every file of the given layers, in order, in one transaction (the marts tables and
    the state they were built from change together, or not at all); return the files run."""
    ran: list[str] = []
    con.execute("begin transaction")
    try:
        for layer in layers:
            for path in layer_files(layer):
                try:
                    con.execute(_text(path))
                except duckdb.Error as exc:
                    raise RuntimeError(
                        f"sql/{layer}/{path.name} failed: {exc}. Fix the SQL file and run "
                        "again; nothing of this build was kept, and a rerun is safe."
                    ) from exc
                ran.append(f"{layer}/{path.name}")
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
    return ran


def statement(name: str) -> str:
    """Return the text of a named statement, e.g. 'queries/brief_figures'."""
    path = (SQL_DIR / f"{name}.sql").resolve()
    if SQL_DIR.resolve() not in path.parents or not path.is_file():
        raise KeyError(f"no SQL statement named {name!r} under sql/")
    return _text(path)


def execute(con: duckdb.DuckDBPyConnection, name: str, params: Sequence[Any] = ()) -> None:
    """Run a named statement with bound parameters."""
    con.execute(statement(name), list(params))


def executemany(
    con: duckdb.DuckDBPyConnection, name: str, rows: Iterable[Sequence[Any]]
) -> None:
    """Run a named statement once per parameter row."""
    con.executemany(statement(name), [list(r) for r in rows])


def fetch_dicts(
    con: duckdb.DuckDBPyConnection, name: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Run a named query and return its rows as dicts."""
    cur = con.execute(statement(name), list(params))
    columns = [d[0] for d in cur.description]
    return [dict(zip(columns, row, strict=True)) for row in cur.fetchall()]
