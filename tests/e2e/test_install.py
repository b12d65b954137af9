"""Issue 16's done-when test: `pip install .` (not editable) into a fresh venv, then
`barometer run` in an empty folder makes a brief.

The wheel is built once from a copy of the checkout (so no build/ folder is left in it), and
installed into a venv of its own with `pip install --no-deps`; the venv reaches the
dependencies through a .pth file naming the project venv's site-packages. A folder named in a
.pth file is only put on sys.path, its own .pth files are not run, so the editable finder of
`pip install -e` stays out: `flows` can only come from the wheel.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import environ_without_settings

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
# What `pip install .` reads from a checkout: the package, the files it ships, and the
# project's metadata. Symlinks are copied as symlinks, as git checks them out.
SOURCES = ("pyproject.toml", "README.md", "flows", "sql", "templates", "warehouse/seeds",
           "warehouse/lexicons", "warehouse/sources.toml")


def _copy_checkout(target: Path) -> Path:
    """The files a wheel is built from, copied to target (without caches)."""
    for name in SOURCES:
        source, copy = REPO / name, target / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, copy, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, copy)
    return target


def _run(args: list[str | Path], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300,
                          check=False, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the project's wheel installed in it; returns the venv."""
    work = tmp_path_factory.mktemp("install")
    checkout = _copy_checkout(work / "checkout")
    built = _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                  "--no-build-isolation", "--no-index", "--wheel-dir", work / "dist", checkout])
    assert built.returncode == 0, built.stderr
    wheel, = (work / "dist").glob("yiwu_barometer-*.whl")

    venv = work / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", venv])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"])
                .stdout.strip())
    (site / "project-venv-dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    # --ignore-installed: the project venv's editable yiwu-barometer is visible through the
    # .pth file and must be neither uninstalled nor taken as already satisfying the wheel.
    done = _run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                 "--ignore-installed", wheel])
    assert done.returncode == 0, done.stderr
    return venv


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No BAROMETER_ or PREFECT_ setting and no PYTHONPATH: nothing points at the checkout."""
    env = {k: v for k, v in environ_without_settings().items() if k != "PYTHONPATH"}
    return {**env, "PREFECT_HOME": str(tmp_path / "prefect-home"), **extra}


def test_the_installed_package_comes_from_the_venv_not_the_checkout(
        installed: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    probe = _run([installed / "bin" / "python", "-c",
                  "import flows, json, sys, sysconfig; print(flows.__file__); "
                  "print(sysconfig.get_path('purelib')); print(json.dumps(sys.path))"],
                 cwd=empty, env=_clean_env(tmp_path))
    assert probe.returncode == 0, probe.stderr
    module, site, path = probe.stdout.splitlines()
    assert Path(module) == Path(site) / "flows" / "__init__.py"
    assert str(REPO) not in json.loads(path)


def test_barometer_run_in_an_empty_folder_makes_a_brief(
        prefect_server, installed: Path, tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    from tests.e2e.test_html_edition import pdftotext

    empty = tmp_path / "empty"
    empty.mkdir()
    run = _run([installed / "bin" / "barometer", "run", "--no-collect"], cwd=empty,
               env=_clean_env(tmp_path, PREFECT_API_URL=PREFECT_API_URL.value()))
    assert run.returncode == 0, run.stdout + run.stderr
    pdf = empty / "warehouse" / "briefs" / f"{date.today().isoformat()}-brief.pdf"
    assert run.stdout.strip().splitlines()[-1] == str(pdf)
    assert (empty / "warehouse" / "briefs" / "latest-brief.pdf").is_file()
    assert (empty / "warehouse" / "barometer.duckdb").is_file()
    assert (empty / "warehouse" / "snapshot" / "barometer.duckdb").is_file()
    # The curated seeds come from the package: none is copied into the working folder.
    assert not (empty / "warehouse" / "seeds").exists()
    # The baseline article's figure: China's 2024 cross-border e-commerce, 2.63 trillion yuan.
    assert re.search(r"2\.63 trillion", pdftotext(pdf)), "the seed figure is not in the brief"
