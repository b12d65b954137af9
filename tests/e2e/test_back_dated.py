"""Back-dated runs (`--as-of` before today) are kept apart from the regular briefs: their PDF
goes to briefs/as-of/, latest-brief.pdf is untouched, and the next regular brief compares with
the previous *regular* one. A future as-of date is refused before anything is loaded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.pipeline import barometer_brief
from flows.render import LATEST_NAME, AsOfError
from tests.conftest import copy_seeds
from tests.pdf import pdf_text

pytestmark = pytest.mark.e2e

# A saved page as an analyst would drop it; its numbers are invented for the test.
NEW_PAGE = ("---\npublisher: yiwu_fabu\npublished_on: 2025-06-28\n---\n"
            "今年1-5月，义乌市进出口总值2801.3亿元，同比增长21.5%。\n")


@pytest.fixture(scope="module")
def timeline(prefect_server, tmp_path_factory) -> dict:
    """A regular brief on 1 July 2025; on 5 July a back-dated one as of 1 June 2025 (which knew
    no release at all), then the regular brief of 5 July with one new page in the inbox."""
    folder = tmp_path_factory.mktemp("backdated")
    inbox = folder / "inbox"
    inbox.mkdir()
    common = {"warehouse_path": folder / "w.duckdb", "out_dir": folder / "briefs",
              "seeds_dir": copy_seeds(folder / "seeds"), "inbox_dir": inbox,
              "snapshot_path": folder / "snapshot" / "barometer.duckdb"}
    first = barometer_brief(**common, run_date=date(2025, 7, 1))
    latest_after_first = (folder / "briefs" / LATEST_NAME).read_bytes()
    back = barometer_brief(**common, as_of=date(2025, 6, 1), run_date=date(2025, 7, 5))
    latest_after_back = (folder / "briefs" / LATEST_NAME).read_bytes()
    (inbox / "yiwu-2025-06-28.txt").write_text(NEW_PAGE, encoding="utf-8")
    second = barometer_brief(**common, run_date=date(2025, 7, 5))
    return {"folder": folder, "first": first, "back": back, "second": second,
            "latest_after_first": latest_after_first, "latest_after_back": latest_after_back}


def test_a_back_dated_brief_goes_to_its_own_folder(timeline) -> None:
    briefs = timeline["folder"] / "briefs"
    assert timeline["back"] == briefs / "as-of" / "2025-06-01-brief.pdf"
    assert timeline["first"] == briefs / "2025-07-01-brief.pdf"
    assert timeline["second"] == briefs / "2025-07-05-brief.pdf"
    text = " ".join(pdf_text(timeline["back"]).split())
    assert "Back-dated brief: what was known on 1 June 2025" in text
    assert "Back-dated" not in pdf_text(timeline["second"])


def test_a_back_dated_brief_never_replaces_the_latest(timeline) -> None:
    assert timeline["latest_after_back"] == timeline["latest_after_first"]
    assert timeline["latest_after_first"] == timeline["first"].read_bytes()
    latest = (timeline["folder"] / "briefs" / LATEST_NAME).read_bytes()
    assert latest == timeline["second"].read_bytes()


def test_what_changed_compares_with_the_previous_regular_brief(timeline) -> None:
    text = " ".join(pdf_text(timeline["second"]).split())
    # Compared with the back-dated brief (no release known) it would say 2 new releases.
    assert "data as of 2025-07-01" in text
    assert "1 new release, 1 figure reported for the first time, 0 revisions" in text


def test_the_warehouse_records_which_briefs_are_back_dated(timeline) -> None:
    import duckdb

    with duckdb.connect(str(timeline["folder"] / "w.duckdb"), read_only=True) as con:
        rows = con.execute("select as_of, kind from core.briefs order by generated_at").fetchall()
    assert rows == [(date(2025, 7, 1), "regular"), (date(2025, 6, 1), "as-of"),
                    (date(2025, 7, 5), "regular")]


def test_a_future_as_of_is_refused_by_the_flow(prefect_server, tmp_path: Path) -> None:
    state = barometer_brief(warehouse_path=tmp_path / "w.duckdb", out_dir=tmp_path / "briefs",
                            seeds_dir=copy_seeds(tmp_path / "seeds"), as_of=date(2030, 1, 1),
                            run_date=date(2025, 7, 1), return_state=True)
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
