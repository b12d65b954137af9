"""Every finding a person reads, in the PDF, in the run's log and in its Prefect artifact, shows
plain numbers: no e-notation, no 'inf', no derived number with more than 4 significant digits
(tests/plain_numbers.py). One real run of the flow over every curated release (the article and
the backfill, whose findings include an inconsistent implied level, an inconsistent growth
rate and two qualifier changes), read back from the PDF, the Prefect API's logs and its
artifact."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest

from flows.orchestration.pipeline import barometer_brief
from flows.settings import RunSettings
from tests.conftest import copy_seeds
from tests.pdf import pdf_text
from tests.plain_numbers import E_NOTATION, unreadable

pytestmark = pytest.mark.e2e

AS_OF = date(2025, 7, 1)


@pytest.fixture(scope="module")
def run(prefect_server, tmp_path_factory) -> dict:
    """One run over every curated release, as known on 1 July 2025, with its findings, the
    reported values a finding may print in full, its PDF's text, log lines and artifact."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.logging.handlers import APILogHandler

    folder = tmp_path_factory.mktemp("plain")
    warehouse = folder / "w.duckdb"
    state = barometer_brief(RunSettings(
        warehouse_path=warehouse, out_dir=folder / "briefs",
        seeds_dir=copy_seeds(folder / "seeds", article_only=False), as_of=AS_OF),
        return_state=True)
    assert state.is_completed()
    flow_run_id = state.state_details.flow_run_id
    APILogHandler().flush()  # the logs go to the API in batches: send what is left
    with get_client(sync_client=True) as client:
        logs, page = [], None
        while page is None or len(page) == 200:  # the API gives 200 at most a call
            page = client.read_logs(log_filter=LogFilter(
                flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])), limit=200,
                offset=len(logs))
            logs += page
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        findings = con.execute("select severity, message from check_findings_as_of(?)",
                               [AS_OF]).fetchall()
        reported = [v for (v,) in con.execute(
            "select value from marts.vintages where value is not null union "
            "select yoy_pct from marts.vintages where yoy_pct is not null").fetchall()]
    return {
        "findings": findings, "reported": reported, "pdf": pdf_text(state.result()),
        "log": [log.message for log in logs],
        "artifact": next(a.data for a in artifacts if a.key == "barometer-brief"),
    }


def _folded(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _without_page_breaks(text: str) -> str:
    """The PDF's text without the running footer a finding may straddle ('… more than 600,000
    • • • Cross-border e-commerce barometer page 4 of 9 entities; …')."""
    return re.sub(r"(?:• )*Cross-border e-commerce barometer page \d+ of \d+ ", "", text)


def test_the_run_has_the_backfill_s_findings(run) -> None:
    severities = sorted(severity for severity, _ in run["findings"])
    assert severities == ["info", "info", "warning", "warning"]


def test_every_finding_in_the_pdf_reads_plainly(run) -> None:
    for severity, message in run["findings"]:
        assert f"{severity}: {_folded(message)}" in _without_page_breaks(run["pdf"]), message
        assert unreadable(message, run["reported"]) == [], message
    # and nowhere else in the brief a float as stored
    assert E_NOTATION.findall(run["pdf"]) == []


def test_every_finding_in_the_log_reads_plainly(run) -> None:
    lines = [line for line in run["log"] if line.startswith(("warning: ", "error: "))]
    warnings = [f"{s}: {m}" for s, m in run["findings"] if s != "info"]
    assert sorted(lines) == sorted(warnings)
    for line in lines:
        assert unreadable(line, run["reported"]) == [], line
    # and no other line of the run's log prints a float as stored
    assert [line for line in run["log"] if E_NOTATION.search(line)
            or re.search(r"\binf\b", line)] == []


def test_every_finding_in_the_artifact_reads_plainly(run) -> None:
    lines = [line for line in run["artifact"].splitlines() if line.startswith("- **")]
    warnings = [f"- **{s}**: {m}" for s, m in run["findings"] if s != "info"]
    assert sorted(lines) == sorted(warnings) and len(warnings) == 2
    findings_section = run["artifact"].split("## Findings", 1)[1]
    assert unreadable(findings_section, run["reported"]) == []
