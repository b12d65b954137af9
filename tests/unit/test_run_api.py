"""A one-off run's Prefect settings: no heartbeats unless they were asked for."""

from __future__ import annotations

import subprocess
import sys

import pytest

from flows.paths import ROOT
from tests.conftest import environ_without_settings

# What Prefect's flow engine will read for the heartbeat interval, inside the CLI's context.
READ = """
from prefect.settings import get_current_settings
from flows.orchestration.run_api import one_off_heartbeats
before = get_current_settings().flows.heartbeat_frequency
with one_off_heartbeats():
    inside = get_current_settings().flows.heartbeat_frequency
print(before, inside, get_current_settings().flows.heartbeat_frequency)
"""


def heartbeats(**env: str) -> list[str]:
    """Heartbeat interval before, inside and after one_off_heartbeats, in a fresh process."""
    result = subprocess.run([sys.executable, "-c", READ], env={**environ_without_settings(),
                            **env}, cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_a_one_off_run_sends_no_heartbeats_by_default() -> None:
    # Prefect's default (180 s) is longer than serve's zombie automation waits (90 s).
    assert heartbeats() == ["180", "None", "180"]


@pytest.mark.parametrize("seconds", ["30", "180"])
def test_heartbeats_asked_for_are_kept(seconds: str) -> None:
    assert heartbeats(PREFECT_FLOWS_HEARTBEAT_FREQUENCY=seconds) == [seconds] * 3
