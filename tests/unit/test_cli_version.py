"""`barometer --version` names the installed package's version."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version


def test_version_prints_the_installed_version_and_exits_zero() -> None:
    done = subprocess.run([sys.executable, "-m", "flows.cli", "--version"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"barometer {version('yiwu-barometer')}"
