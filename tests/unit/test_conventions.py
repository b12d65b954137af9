"""Convention tests over sql/: names, headers, comments, and no SQL that nothing runs or tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flows.paths import SQL_DIR
from flows.warehouse.sqlrunner import LAYERS, layer_files
from tests import ROOT

LAYER_FILES = [p for layer in LAYERS for p in layer_files(layer)]
NAMED_FILES = sorted([*SQL_DIR.glob("queries/*.sql"), *SQL_DIR.glob("load/*.sql"),
                      *SQL_DIR.glob("build/*.sql")])
CREATED = re.compile(
    r"create or replace (view|macro)\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)


def _python_sources() -> str:
    files = [*ROOT.glob("flows/**/*.py")]
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def _test_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in ROOT.glob("tests/**/*.py"))


def test_sql_folder_holds_only_known_folders() -> None:
    folders = {p.name for p in SQL_DIR.iterdir() if p.is_dir()}
    assert folders == {*LAYERS, "queries", "load", "build"}
    assert not list(SQL_DIR.glob("*.sql"))


@pytest.mark.parametrize("path", LAYER_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_layer_file_is_named_headed_and_documented(path: Path) -> None:
    assert re.fullmatch(r"\d{2}0_[a-z0-9_]+\.sql", path.name), "NNN_object.sql, steps of 10"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("-- Builds:"), "open with '-- Builds: …'"
    assert "Grain" in text.split("\n\n")[0] or "Grain" in text[:600], "say the grain"
    if path.parent.name in ("marts", "views", "checks"):
        for kind, name in CREATED.findall(text):
            if kind.lower() == "view":
                assert re.search(rf"comment on view {name}\b", text), f"comment on view {name}"
            else:
                assert re.search(rf"comment on macro table {name}\b", text), f"comment {name}"


@pytest.mark.parametrize("path", NAMED_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_named_statement_is_used_by_code(path: Path) -> None:
    name = f"{path.parent.name}/{path.stem}"
    assert path.read_text(encoding="utf-8").startswith("-- "), "open with a comment"
    assert name in _python_sources() or f'"{path.stem}"' in _python_sources(), \
        f"sql/{name}.sql is not run by any module in flows/"


@pytest.mark.parametrize("path", [p for p in LAYER_FILES if p.parent.name in ("marts", "checks")],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_model_is_a_plain_query_materialised_by_one_line(path: Path) -> None:
    """A mart's model is a temp view build_<mart>, materialised by the build as marts.<mart>
    (sql/build/materialise.sql): no cache scaffold, no macro computing it a second way."""
    text = path.read_text(encoding="utf-8")
    model = re.search(r"create or replace temp view build_([a-z_]+) as", text)
    line = re.search(r"^-- Materialised: marts\.([a-z_]+), rows replaced by [a-z_]+$", text,
                     re.MULTILINE)
    if model and model.group(1) in {"check_integrity", "check_cross_claims",
                                    "check_underivable"}:
        assert line is None, "a check's rows are materialised through check_findings"
    elif model:
        assert line and line.group(1) == model.group(1), "say how it is materialised"
    if model:  # a model is a query, nothing else
        assert "create or replace macro" not in text and "create table" not in text
    for scaffold in ("_computed", "_for(", "marts_guard", "marts_current", "as_of_or_never",
                     "warehouse_state"):
        assert scaffold not in text, f"{scaffold}: the cache scaffold of old"


def test_every_analyst_object_is_exercised_by_a_test() -> None:
    tests = _test_sources()
    names = {name for p in LAYER_FILES if p.parent.name in ("marts", "views", "checks")
             for _, name in CREATED.findall(p.read_text(encoding="utf-8"))}
    untested = sorted(n for n in names if n not in tests)
    assert untested == []


def test_no_sql_in_python_f_strings() -> None:
    offenders = re.findall(r"execute\(\s*f[\"']", _python_sources())
    assert offenders == []
