"""The only code that reads sql/: builds the layers in order and runs named statements."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from flows.paths import SQL_DIR

LAYERS: tuple[str, ...] = ("schema", "staging", "marts", "views", "checks")
# The layers a build runs after working out what changed (the schema layer comes first).
BUILD_LAYERS = ("staging", "marts", "views", "checks")
_MODEL = re.compile(r"^create or replace temp view build_", re.MULTILINE)
_MATERIALISED = re.compile(
    r"^-- Materialised: marts\.([a-z_]+), rows replaced by ([a-z_]+)$", re.MULTILINE)


@dataclass(frozen=True)
class Build:
    """What one build did: the files it ran and whether it rebuilt every metric."""

    files: list[str]
    kind: str  # full, incremental, unchanged (nothing to recompute) or none (schema only)
    metrics_rebuilt: int


def layer_files(layer: str) -> list[Path]:
    """Return a layer's SQL files in name (run) order."""
    return sorted((SQL_DIR / layer).glob("*.sql"))


@cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def is_model(path: Path) -> bool:
    """Does the file define a model (the temp view build_<mart> a build materialises, or one it
    reads)? Every other file of a build layer makes a persistent object (a view, a macro)."""
    return _MODEL.search(_text(path)) is not None


def materialised(path: Path) -> tuple[str, str] | None:
    """The mart a model file materialises and the metric column its rows are replaced by."""
    found = _MATERIALISED.search(_text(path))
    return (found.group(1), found.group(2)) if found else None


def sql_hash() -> str:
    """SHA-256 of every file under sql/: a change to any of them rebuilds every mart."""
    digest = hashlib.sha256()
    for path in sorted(SQL_DIR.rglob("*.sql")):
        digest.update(path.relative_to(SQL_DIR).as_posix().encode())
        digest.update(_text(path).encode())
    return digest.hexdigest()


def _build_key(con: duckdb.DuckDBPyConnection) -> str:
    reference = con.execute(statement("build/reference_state")).fetchone()[0]
    return hashlib.sha256(f"{sql_hash()}|{reference}".encode()).hexdigest()


@dataclass(frozen=True)
class _Plan:
    """What a build will do: its key, its kind (full, incremental or unchanged) and how many
    metrics it recomputes."""

    key: str
    kind: str
    metrics: int


def _open_build(con: duckdb.DuckDBPyConnection, full: bool) -> _Plan:
    """Drop the marts when the SQL or reference data changed (or when asked), then work out
    which metrics this build recomputes."""
    key = _build_key(con)
    stored = con.execute(statement("build/stored_build_key")).fetchone()
    kind = "full" if full or stored is None or stored[0] != key else "incremental"
    if kind == "full":
        con.execute(statement("build/drop_marts"))
        con.execute(_text(SQL_DIR / "schema" / "120_marts.sql"))
    con.execute(statement("build/scope"))
    metrics = con.execute(statement("build/scope_size")).fetchone()[0]
    return _Plan(key, "unchanged" if (kind, metrics) == ("incremental", 0) else kind, metrics)


def _materialise(con: duckdb.DuckDBPyConnection, mart: str, key: str, kind: str) -> None:
    """Store the model's rows in marts.<mart>: the whole table in a full build, else the rows
    of the metrics in scope replaced."""
    name = "build/create_mart" if kind == "full" else "build/materialise"
    con.execute(statement(name).replace("{mart}", mart).replace("{key}", key))


def apply_layers(con: duckdb.DuckDBPyConnection, layers: Iterable[str] = LAYERS,
                 full: bool = False) -> Build:
    """Run every file of the given layers, in order, in one transaction (the marts tables and
    the state they were built from change together, or not at all). Marts are rebuilt only for
    the metrics whose claims changed since the last build, unless the SQL or the reference data
    changed, or full is asked: then every mart is rebuilt, and every view and macro made again.
    When nothing changed, the layers after the schema are left as they are."""
    ran: list[str] = []
    plan: _Plan | None = None
    con.execute("begin transaction")
    try:
        for layer in layers:
            if layer in BUILD_LAYERS and plan is None:
                plan = _open_build(con, full)
            if plan is not None and plan.kind == "unchanged":
                continue
            for path in layer_files(layer):
                # The views and macros an incremental build would make are those of the last
                # full build, the SQL being the same (its hash is in the build key): only the
                # models run again.
                if plan is not None and plan.kind == "incremental" and not is_model(path):
                    continue
                try:
                    con.execute(_text(path))
                    mart = materialised(path)
                    if mart and plan is not None:
                        _materialise(con, *mart, kind=plan.kind)
                except duckdb.Error as exc:
                    raise RuntimeError(
                        f"sql/{layer}/{path.name} failed: {exc}. Fix the SQL file and run "
                        "again; nothing of this build was kept, and a rerun is safe."
                    ) from exc
                ran.append(f"{layer}/{path.name}")
        if plan is not None and plan.kind != "unchanged":
            con.execute(statement("build/record_build"))
            con.execute(statement("build/record_build_key"),
                        [plan.key, plan.kind, plan.metrics])
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
    return Build(ran, plan.kind, plan.metrics) if plan else Build(ran, "none", 0)


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
