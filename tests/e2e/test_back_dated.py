"""A future as-of date is refused before anything is loaded, by the flow and by the CLI.

(Back-dated briefs kept apart from the regular ones are tested in test_snapshot.py, between
its two regular runs.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.brief.kind import AsOfError
from flows.cli import app
from flows.orchestration.pipeline import barometer_brief
from flows.settings import RunSettings
from tests.conftest import copy_seeds

pytestmark = pytest.mark.e2e


def test_a_future_as_of_is_refused_by_the_flow(prefect_server, tmp_path: Path) -> None:
    state = barometer_brief(RunSettings(
        warehouse_path=tmp_path / "w.duckdb", out_dir=tmp_path / "briefs",
        seeds_dir=copy_seeds(tmp_path / "seeds"), as_of=date(2030, 1, 1),
        run_date=date(2025, 7, 1)), return_state=True)
    assert state.is_failed()
    with pytest.raises(AsOfError, match=r"--as-of 2030-01-01 is in the future"):
        state.result()
    assert not (tmp_path / "w.duckdb").exists()  # refused before anything was loaded
    assert not (tmp_path / "briefs").exists()


def test_a_future_as_of_is_refused_by_the_cli_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", "--as-of", "2999-01-01", "--no-collect",
                                      "--warehouse", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: --as-of 2999-01-01 is in the future (today is ")
    assert not (tmp_path / "w.duckdb").exists()
