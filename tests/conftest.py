"""Shared fixtures: a real DuckDB file per test, releases written and loaded as a user would."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.model.release_files import read_release
from flows.paths import SEEDS_DIR
from flows.warehouse import sqlrunner
from flows.warehouse.load import load_reference, load_release

ARTICLE_RELEASE = SEEDS_DIR / "releases" / "globaltimes-2025-06-22-yiwu-cbec.json"


def copy_seeds(target: Path, article_only: bool = True) -> Path:
    """Copy the curated seeds to target; with article_only, keep only the article's release
    (the baseline), leaving out the backfill."""
    import shutil

    shutil.copytree(SEEDS_DIR, target)
    if article_only:
        for path in (target / "releases").iterdir():
            if not path.name.startswith(ARTICLE_RELEASE.stem):
                path.unlink()
    return target


def figure(metric_id: str, period: tuple[str, str, str], value: float | None,
           as_written: str | None = None, *, comparator: str | None = "=",
           multiplier: str | None = None, unit: str = "yuan", yoy: float | None = None,
           yoy_comparator: str | None = None, reported_by: str = "gacc",
           quote: str = "hand-written test figure") -> dict[str, Any]:
    """A figure in the release format, with sensible defaults for tests."""
    kind, start, end = period
    return {
        "metric_id": metric_id, "period_kind": kind, "period_start": start, "period_end": end,
        "value": value, "value_as_written": as_written if value is not None else None,
        "multiplier": multiplier, "unit": unit,
        "comparator": comparator if value is not None else None,
        "yoy_pct": yoy, "yoy_comparator": (yoy_comparator or "=") if yoy is not None else None,
        "reported_by": reported_by, "quote": quote,
    }


def release(release_id: str, published_on: str, figures: list[dict[str, Any]],
            publisher_id: str = "gacc") -> dict[str, Any]:
    """A release in the project's JSON format."""
    return {"release_id": release_id, "title": f"Test release {release_id}",
            "publisher_id": publisher_id, "published_on": published_on, "figures": figures}


class Warehouse:
    """A real DuckDB file with the schema and reference seeds, and helpers to add releases."""

    def __init__(self, path: Path, scratch: Path):
        self._path = path
        self.scratch = scratch

    @property
    def path(self) -> Path:
        """The DuckDB file, its marts built over everything stored so far, as a run builds them
        after loading: several releases added in a row cost one build, not one each, and a
        build with nothing new recomputes nothing (sqlrunner.apply_layers)."""
        self.rebuild_if_stale()
        return self._path

    def rebuild_if_stale(self) -> sqlrunner.Build:
        """Build the SQL layers (marts, views, checks) over whatever changed since the last
        build, rows written past the loader included."""
        with duckdb.connect(str(self._path)) as con:
            return sqlrunner.apply_layers(con)

    def add(self, payload: dict[str, Any]) -> bool:
        """Write a release file and load it as the loader does; the SQL layers are rebuilt
        before the warehouse is next read (`path`, `rows`)."""
        file = self.scratch / f"{payload['release_id']}.json"
        file.write_text(json.dumps(payload), encoding="utf-8")
        parsed = read_release(file)
        with duckdb.connect(str(self._path)) as con:
            return load_release(con, parsed)

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Run an ad-hoc query (test code only) and return dicts."""
        with duckdb.connect(str(self.path), read_only=True) as con:
            cur = con.execute(sql, params or [])
            columns = [d[0] for d in cur.description]
            return [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]


def environ_without_settings() -> dict[str, str]:
    """This process's environment without PREFECT_* and BAROMETER_* variables: for a child
    process (serve, a worker, a server) that must not inherit the test harness's settings."""
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BAROMETER_"))}


def slow_source_registry(site: Any, path: Path, delay: float) -> Path:
    """Write a source registry with one press-release source on the loopback `site`, whose page
    (no figures in it) takes `delay` seconds to arrive: a run is mid-collection that long."""
    from tests.loopback import Reply

    site.route("/news.html", Reply.text("<html><body><p>今天没有数字。</p></body></html>",
                                         "text/html; charset=utf-8", delay=delay))
    path.write_text(
        'contact = "https://example.org/barometer-tests"\n\n[[source]]\n'
        'id = "slow-site"\npublisher = "yiwu_customs"\nkind = "press-release"\n'
        f'url = "{site.url("/news.html")}"\ngeography = "Yiwu"\nattempts = 1\n',
        encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def empty_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty warehouse (schema, reference seeds, every SQL layer), built once a session."""
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    with duckdb.connect(str(path)) as con:
        sqlrunner.apply_layers(con, ["schema"])
        load_reference(con, SEEDS_DIR)
        sqlrunner.apply_layers(con)
    return path


@pytest.fixture(scope="session")
def seeds_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every curated release (the article and the backfill) loaded and every SQL layer built,
    once a session (per test process). Tests only read it; one that writes takes a copy
    (copy_of_seeds_warehouse)."""
    from flows.warehouse.build_and_check import build_warehouse
    from flows.warehouse.load import load_seeds

    path = tmp_path_factory.mktemp("seeds-warehouse") / "barometer.duckdb"
    summary = load_seeds(path, SEEDS_DIR)
    assert summary.rejected == [], summary.rejected
    build_warehouse(path)
    os.chmod(path, 0o444)  # a test that writes to the shared file fails loudly
    return path


def copy_of_seeds_warehouse(seeds_warehouse: Path, folder: Path) -> Path:
    """A writable copy of the session's built seeds warehouse, in folder."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "barometer.duckdb"
    shutil.copyfile(seeds_warehouse, path)
    os.chmod(path, 0o644)
    return path


@pytest.fixture
def warehouse(tmp_path: Path, empty_warehouse: Path) -> Warehouse:
    """An empty warehouse (schema, reference seeds, every SQL layer) in a real file of its own:
    a copy of the session's, so each test starts from the same state without rebuilding it."""
    import shutil

    path = tmp_path / "test.duckdb"
    shutil.copyfile(empty_warehouse, path)
    scratch = tmp_path / "releases"
    scratch.mkdir()
    return Warehouse(path, scratch)


@pytest.fixture
def loopback() -> Any:
    """A started LoopbackServer on 127.0.0.1 (tests/loopback.py), stopped after the test."""
    from tests.loopback import LoopbackServer  # imported here to keep this fixture self-contained

    with LoopbackServer() as server:
        yield server


# The modules that take longest (whole Prefect servers, workers and serve processes, mostly
# waiting) go first: `make test` hands modules to its two workers in collection order
# (--no-loadscope-reorder), so the short ones fill in around them instead of trailing them.
LONGEST_FIRST = ("tests/e2e/test_schedule.py", "tests/e2e/test_workers_postgres.py",
                 "tests/e2e/test_run_faults.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the longest modules to the front, in LONGEST_FIRST's order, keeping every other
    test in its order."""
    def rank(item: pytest.Item) -> int:
        module = item.nodeid.split("::")[0]
        return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs: a real filesystem that fills up (needs root, as the e2e PostgreSQL does)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"could not mount a tmpfs to fill ({done.stderr.strip()}); the disk-full "
                    "tests need root, as `make test` has")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk until `leave` bytes are free."""
    import shutil

    filler = disk / "filler"
    filler.unlink(missing_ok=True)
    free = shutil.disk_usage(disk).free
    with open(filler, "wb") as handle:
        handle.write(b"\0" * max(free - leave, 0))
    return filler
