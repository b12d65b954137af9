"""The package tree shows the subsystems, and imports run one way: down.

flows/ holds one subpackage per job and, at the top, only the command line and the few modules
every job uses (settings, paths, atomic writes, scratch folders), beside flows/resources/, the
files the package ships (no code). Each subpackage may import only the ones below it, so the
warehouse never reaches into the brief and nothing but the command line and orchestration
knows about Prefect's flow. Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests import ROOT

FLOWS = ROOT / "flows"
TOP = {"__init__", "cli", "settings", "paths", "disk", "scratch"}
FOUNDATION = {"settings", "paths", "disk", "scratch", "resources"}
# What each part may import besides itself and the foundation: lower parts only.
ALLOWED = {
    "foundation": set(),
    "model": set(),
    "extract": {"model"},
    "warehouse": {"model"},
    "ingest": {"model", "extract", "warehouse"},
    "brief": {"model", "warehouse"},
    "orchestration": {"model", "extract", "warehouse", "ingest", "brief"},
    "cli": {"model", "extract", "warehouse", "ingest", "brief", "orchestration"},
}
SUBPACKAGES = set(ALLOWED) - {"foundation", "cli"}


def _part(module: str) -> str:
    """The part a dotted module of flows belongs to: a subpackage, 'foundation' or 'cli'."""
    head = module.split(".")[1]
    if head in SUBPACKAGES:
        return head
    if head in FOUNDATION:
        return "foundation"
    if head == "cli":
        return "cli"
    raise AssertionError(f"flows.{head} is in no part of the package")


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module of flows that `path` imports, with the line, wherever the import sits."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("flows.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "flows":
                found += [(node.lineno, f"flows.{a.name}") for a in node.names]
            elif node.module.startswith("flows."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}:{node.lineno}: write imports of flows absolutely")
    return found


def _modules() -> list[Path]:
    return sorted(p for p in FLOWS.rglob("*.py") if "__pycache__" not in p.parts)


def test_top_of_the_package_holds_only_the_command_line_and_the_foundation() -> None:
    top = {p.stem for p in FLOWS.glob("*.py")}
    assert top == TOP
    folders = {p.name for p in FLOWS.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == SUBPACKAGES | {"resources"}


@pytest.mark.parametrize("package", sorted(SUBPACKAGES))
def test_each_subpackage_says_what_it_is_for(package: str) -> None:
    init = FLOWS / package / "__init__.py"
    docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert docstring, f"{init} needs a docstring"


def test_no_import_runs_upward() -> None:
    upward = []
    for path in _modules():
        dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if dotted == "flows.__init__":
            continue
        importer = _part(dotted)
        for line, module in _imports(path):
            imported = _part(module)
            if imported not in {importer, "foundation"} | ALLOWED[importer]:
                upward.append(f"{path.relative_to(ROOT)}:{line} ({importer}) imports {module}")
    assert not upward, "imports that run upward:\n" + "\n".join(upward)


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    """The check itself can fail: a warehouse module that imports the brief is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from flows.brief.data import collect_brief\n", encoding="utf-8")
    (line, module), = _imports(bad)
    assert (line, module) == (2, "flows.brief.data")
    assert _part(module) not in {"warehouse", "foundation"} | ALLOWED["warehouse"]
