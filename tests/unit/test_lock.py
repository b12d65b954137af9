"""requirements.lock agrees with pyproject.toml: every dependency the project declares (its
test extra included) is pinned in the lock, at a version inside the declared range, so `make`
never installs what pyproject.toml rules out. After changing a range: `make lock`."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests import ROOT


def pins(text: str) -> dict[str, Version]:
    """The `name==version` lines of a lock file, by canonical name (markers ignored)."""
    found = {}
    for line in text.splitlines():
        line = line.split(";")[0].strip()
        if line and not line.startswith(("#", "-")):
            name, _, version = line.partition("==")
            found[canonicalize_name(name)] = Version(version)
    return found


def out_of_lock(declared: list[str], pinned: dict[str, Version]) -> list[str]:
    """The declared requirements the lock does not pin, or pins outside their range."""
    wrong = []
    for text in declared:
        requirement = Requirement(text)
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            wrong.append(f"{text}: not in requirements.lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            wrong.append(f"{text}: requirements.lock pins {version}")
    return wrong


def test_every_dependency_of_pyproject_is_pinned_within_its_range() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    pinned = pins((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    assert len(declared) > 15
    assert out_of_lock(declared, pinned) == [], "run `make lock`"


def test_the_check_catches_a_missing_pin_and_one_out_of_range() -> None:
    pinned = pins("duckdb==2.0.1\n    # via yiwu-barometer\nhttpx==0.27.2 ; python_version < '4'\n")
    assert pinned == {"duckdb": Version("2.0.1"), "httpx": Version("0.27.2")}
    assert out_of_lock(["duckdb>=2.0,<2.1", "httpx>=0.28,<0.29", "typer>=0.15"], pinned) == [
        "httpx>=0.28,<0.29: requirements.lock pins 0.27.2", "typer>=0.15: not in requirements.lock"]
