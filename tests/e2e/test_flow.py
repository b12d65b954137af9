"""The real flow, on a real Prefect server, into a real DuckDB file and PDF, read back as text."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from flows.orchestration.pipeline import barometer_brief
from flows.settings import RunSettings
from tests.conftest import copy_seeds
from tests.pdf import pdf_attachments, pdf_text

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def run(prefect_server, tmp_path_factory) -> dict:
    """One run of the flow over the baseline article alone, as known on 1 July 2025."""
    folder = tmp_path_factory.mktemp("e2e")
    state = barometer_brief(RunSettings(
        warehouse_path=folder / "w.duckdb", out_dir=folder / "briefs",
        seeds_dir=copy_seeds(folder / "seeds"), as_of=date(2025, 7, 1),
    ), return_state=True)
    return {"folder": folder, "state": state, "pdf": state.result()}


def test_flow_completes_and_names_its_pdf(run) -> None:
    assert run["state"].is_completed()
    # A run as of a past date is back-dated: its brief goes to briefs/as-of/, not latest.
    assert run["pdf"] == run["folder"] / "briefs" / "as-of" / "2025-07-01-brief.pdf"
    assert not (run["folder"] / "briefs" / "latest-brief.pdf").exists()
    assert run["pdf"].stat().st_size > 10_000


def test_headline_figures_keep_their_qualifiers(run) -> None:
    text = pdf_text(run["pdf"])
    for phrase in (
        "2.63 trillion yuan", "+10.8% year on year", "+16.29% year on year", "Jan–May 2025",
        "more than 260,000 entities", "as of Feb 2025", "175,700 entities", "+48.33%",
        "about 600,000 entities", "more than 1 million entities",
    ):
        assert phrase in text, phrase
    # A bound is never printed bare: every 260,000 and every 1 million carries "more than".
    assert len(re.findall(r"260,000", text)) == len(re.findall(r"more than 260,000", text))
    assert len(re.findall(r"(?<![\d.])1 million", text)) == len(
        re.findall(r"more than 1 million", text))


def test_derived_figures_are_marked_and_carry_bounds(run) -> None:
    text = pdf_text(run["pdf"])
    assert "about 2.374 trillion yuan (2023, derived)" in text
    assert "about 118,500 entities (2022, derived)" in text
    assert "at least about 200,000 entities" in text
    assert "under roughly 60%" in text
    assert "compatible (different periods)" in text
    assert "No findings" in text


def test_chinese_names_render_as_glyphs(run) -> None:
    text = pdf_text(run["pdf"])
    assert "义乌发布" in text and "跨境电商进出口" in text and "金华市商务局" in text
    reader = PdfReader(str(run["pdf"]))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("WenQuanYi" in f for f in fonts), fonts


def test_sources_section_cites_the_release(run) -> None:
    text = pdf_text(run["pdf"])
    assert "https://www.globaltimes.cn/page/202506/1336714.shtml" in text
    assert "published 2025-06-22" in text
    assert "quoting CCTV News (央视新闻)" in text


def test_full_figure_table_travels_as_csv(run) -> None:
    attachments = pdf_attachments(run["pdf"])
    rows = list(csv.DictReader(io.StringIO(attachments["figures.csv"].decode("utf-8"))))
    assert len(rows) == 19  # 15 reported claims + 4 derived figures
    derived = {r["metric_id"]: r for r in rows if r["is_derived"] == "true"}
    assert sorted(derived) == ["china.cbec.trade_value", "yiwu.cbec_entities.total",
                               "yiwu.ecommerce_entities.new",
                               "yiwu.ecommerce_entities.share_of_market"]
    assert float(derived["china.cbec.trade_value"]["value"]) == pytest.approx(2.63e12 / 1.108)
    china = next(r for r in rows if r["metric_id"] == "china.cbec.trade_value"
                 and r["is_derived"] == "false")
    assert china["value"] == "2630000000000.0" and china["comparator"] == "="
    assert china["quote"].startswith("In 2024, China's cross-border e-commerce trade")


def test_warehouse_views_answer_analysts(run) -> None:
    with duckdb.connect(str(run["folder"] / "w.duckdb"), read_only=True) as con:
        row = con.execute(
            "select value, comparator, yoy_pct, publisher, release_id from figures "
            "where metric_id = 'yiwu.cbec_entities.total' and not is_derived").fetchone()
        comments = dict(con.execute(
            "select view_name, comment from duckdb_views() where not internal").fetchall())
    assert row == (260000.0, ">", None, "Jinhua Municipal Bureau of Commerce",
                   "globaltimes-2025-06-22-yiwu-cbec")
    for view in ("figures", "figure_vintages", "growth", "releases", "check_findings"):
        assert comments[view], view


def test_the_run_publishes_a_markdown_summary(run) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["barometer-brief"])))
    markdown = next(a.data for a in artifacts
                    if a.flow_run_id == run["state"].state_details.flow_run_id)
    assert str(run["pdf"]) in markdown
    assert "China's cross-border e-commerce trade (imports + exports), 2024: 2.63 trillion yuan" \
        in markdown


def test_a_brief_before_the_article_says_so(prefect_server, tmp_path: Path) -> None:
    pdf = barometer_brief(RunSettings(warehouse_path=tmp_path / "w.duckdb", out_dir=tmp_path,
                                      seeds_dir=copy_seeds(tmp_path / "seeds"),
                                      as_of=date(2025, 6, 1)))
    text = pdf_text(pdf)
    assert "No release had been published by 2025-06-01" in text
    assert "0 releases, 0 figures" in text
    assert "+10.8%" not in text and "Global Times" not in text


def test_documented_queries_run(run) -> None:
    """Every SQL example in docs/warehouse.md runs against a real warehouse."""
    from tests import ROOT

    doc = (ROOT / "docs" / "warehouse.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", doc, re.DOTALL)
    statements = [s.strip() for b in blocks for s in b.split(";") if s.strip()
                  and not all(line.startswith("--") for line in s.strip().splitlines())]
    assert len(statements) == 6
    with duckdb.connect(str(run["folder"] / "w.duckdb"), read_only=True) as con:
        results = [con.execute(s).fetchall() for s in statements]
    # the real-time periods of China's 2024 growth: the article's, still standing
    assert [row[2:] for row in results[0]] == [(10.8, pytest.approx(2.63e12 / 1.108), "~")]
    assert results[0][-1][1] == date.max  # 'infinity', as Python's duckdb returns it
    assert results[4] == [(pytest.approx(2.63e12 / 1.108), "~")]
    assert len(results[1]) == 19
