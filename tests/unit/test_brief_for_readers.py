"""The brief as its readers use it: every figure of the seed article on the page, a row a
metric under its topic, at most two compound rates a metric, and warnings in proportion."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from flows.brief import data as brief_data
from flows.brief.data import collect_brief
from flows.brief.render import render_brief, render_html
from flows.model.run_warnings import RunWarning, refused_releases, source_failures
from tests.conftest import figure, release
from tests.pdf import pdf_rows, pdf_text

AS_OF = date(2026, 11, 28)

# Written by hand from ../shared/seeds/000_66d3e9564b6bd9c5.txt, before the brief was rendered:
# each of the article's 15 figures as a reader must find it in the "Latest figures" table, on
# one row: metric, period, value with its qualifier, change, source.
ARTICLE_ROWS = [
    ("China's cross-border e-commerce trade (imports + exports)", "2024", "2.63 trillion yuan",
     "+10.8%", "Global Times"),
    ("Yiwu cross-border e-commerce transactions", "Jan–May 2025", "—", "+16.29%", "Yiwu Fabu"),
    ("Product types on offer in Yiwu", "as of Jul 2024", "more than 2.1 million product types",
     "—", "People's Daily"),
    ("Major product categories in Yiwu", "as of Jul 2024", "26 categories", "—",
     "People's Daily"),
    ("Workers supported by Yiwu's market", "as of Jul 2024", "32 million workers", "—",
     "People's Daily"),
    ("Businesses linked to Yiwu's market", "as of Jul 2024", "2.1 million businesses", "—",
     "People's Daily"),
    ("Countries and regions trading with Yiwu", "as of Jul 2024",
     "more than 200 countries and regions", "—", "People's Daily"),
    ("Resident foreign merchants in Yiwu", "as of Jul 2024", "15,000 merchants", "—",
     "People's Daily"),
    ("Foreign-investment entities in Yiwu", "as of Jul 2024", "more than 8,000 entities", "—",
     "People's Daily"),
    ("Average daily foot traffic at Yiwu International Trade City", "as of Jul 2024",
     "200,000 people per day", "—", "People's Daily"),
    ("Yiwu market entities", "2023", "more than 1 million entities", "—", "CCTV News"),
    ("New e-commerce entities in Yiwu", "2023", "175,700 entities", "+48.33%", "CCTV News"),
    ("Yiwu e-commerce entities", "2023", "about 600,000 entities", "—", "CCTV News"),
    ("Share of Yiwu e-commerce entities in cross-border business", "2023",
     "more than one-third (33.3%)", "—", "CCTV News"),
    ("Yiwu cross-border e-commerce entities", "as of Feb 2025", "more than 260,000 entities", "—",
     "Jinhua Municipal Bureau of Commerce"),
]

TOPICS = ["China's cross-border e-commerce", "Yiwu's trade", "Yiwu's market and entities"]

REFUSED = "release bad-2025: unknown metric 'x.y' (add it to metrics.csv)"


@pytest.fixture(scope="module")
def seeds_brief(seeds_warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    data = collect_brief(seeds_warehouse, AS_OF, datetime(2026, 11, 28, tzinfo=UTC),
                         warnings=[*refused_releases([REFUSED]), *(
                             w for i in (1, 2, 3) for w in source_failures(
                                 [f"source s{i}: could not connect to s{i}.example"], f"s{i}"))],
                         sources_tried=3)
    pdf = render_brief(data, tmp_path_factory.mktemp("briefs"), "test")
    return data, pdf, pdf_text(pdf)


def _folded(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_every_article_figure_is_on_its_metric_row(seeds_brief) -> None:
    _, pdf, _text = seeds_brief
    rows = [_folded(text) for _, text in pdf_rows(pdf)]
    rows = rows[rows.index("Latest figures"):]  # that table's rows, not the growth table's
    rows = rows[:next(i for i, row in enumerate(rows) if row.endswith("metrics under 3 topics."))]
    for metric, period, value, change, source in ARTICLE_ROWS:
        wanted = " ".join((metric, period, value, change, source))
        matching = [row for row in rows if row.startswith(metric + " ")]
        assert matching, f"no row for {metric}"
        # Cells in order; a cell may wrap, the Chinese name sits after the English one.
        pattern = ".*".join(re.escape(cell) for cell in (metric, period, value, change, source))
        assert any(re.search(pattern, row) for row in matching), (wanted, matching)


def test_latest_figures_list_each_metric_once_under_its_topic(seeds_brief) -> None:
    data, _pdf, text = seeds_brief
    assert [topic.name for topic in data.latest] == TOPICS
    metric_ids = [row["metric_id"] for topic in data.latest for row in topic.rows]
    assert len(metric_ids) == len(set(metric_ids)) == 22  # every metric with a figure
    assert not data.latest_capped
    for topic in TOPICS:
        assert topic in text
    assert "22 metrics under 3 topics." in text
    assert "All current figures" not in text  # the capped 40-row list is gone


def test_derived_figures_only_where_nothing_is_reported(seeds_brief) -> None:
    data, _, _ = seeds_brief
    derived = [row for topic in data.latest for row in topic.rows if row["is_derived"]]
    # The one metric of the seeds no release reports: e-commerce entities over market entities.
    assert [row["metric_id"] for row in derived] == ["yiwu.ecommerce_entities.share_of_market"]


def test_the_row_cap_is_a_safety_net_the_caption_names(seeds_warehouse: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(brief_data, "LATEST_ROWS_CAP", 5)
    data = collect_brief(seeds_warehouse, AS_OF, datetime(2026, 11, 28, tzinfo=UTC))
    assert data.latest_capped and data.latest_row_count == 5
    # The caption is the template's: the HTML both editions are made from says it.
    assert "Only the first 5 metrics are listed" in render_html(data, "test")


def test_compound_growth_is_at_most_two_lines_a_metric(seeds_brief) -> None:
    data, _pdf, text = seeds_brief
    per_metric: dict[str, int] = {}
    for row in data.cagr:
        per_metric[row["metric_id"]] = per_metric.get(row["metric_id"], 0) + 1
    assert per_metric and max(per_metric.values()) <= 2
    china = [(r["start_year"], r["end_year"], r["span_kind"]) for r in data.cagr
             if r["metric_id"] == "china.cbec.trade_value"]
    # 2018 to 2024 is the longest; 2019 is only derived, so there is no five-year line.
    assert china == [(2018, 2024, "longest span")]
    assert "2018: 1.06 trillion yuan 2024: 2.63 trillion yuan +16.4%" in text


def test_the_last_five_years_join_the_longest_span(warehouse, tmp_path: Path) -> None:
    levels = {2015: ("1", 1e12), 2019: ("1.5", 1.5e12), 2024: ("2", 2e12)}
    warehouse.add(release("levels", "2025-02-01", [
        figure("china.cbec.trade_value", ("year", f"{y}-01-01", f"{y}-12-31"), value, written,
               multiplier="trillion") for y, (written, value) in levels.items()]))
    data = collect_brief(warehouse.path, date(2025, 3, 1), datetime(2025, 3, 1, tzinfo=UTC))
    # By hand: 2^(1/9) - 1 = 8.0%; (2 / 1.5)^(1/5) - 1 = 5.9%.
    assert [(r["start_year"], r["end_year"], r["span_kind"], r["cagr_text"])
            for r in data.cagr] == [(2015, 2024, "longest span", "+8.0%"),
                                    (2019, 2024, "last five years", "+5.9%")]
    cagr_csv, _ = data.attachments["cagr.csv"]
    pairs = cagr_csv.read_text(encoding="utf-8").strip().splitlines()
    assert len(pairs) == 1 + 3  # header and every pair: 2015-2019, 2015-2024, 2019-2024


def test_page_one_counts_unreachable_sources_in_one_line(seeds_brief) -> None:
    _, pdf, _text = seeds_brief
    from pypdf import PdfReader

    pages = [_folded(page.extract_text()) for page in PdfReader(str(pdf)).pages]
    last = len(pages)
    assert (f"3 of 3 sources could not be collected; details in Warnings, page {last}."
            in pages[0])
    assert "could not connect" not in pages[0]
    assert "Headline figures" in pages[0] and "2.63 trillion yuan" in pages[0]
    for i in (1, 2, 3):
        assert f"source s{i}: could not connect to s{i}.example" in pages[-1]


def test_a_refused_release_stays_in_full_on_page_one(seeds_brief) -> None:
    _, pdf, _text = seeds_brief
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    assert REFUSED in _folded(reader.pages[0].extract_text())
    assert REFUSED in _folded(reader.pages[-1].extract_text())  # and among all warnings


def test_the_source_line_counts_sources_and_names_a_broken_registry() -> None:
    data = brief_data.BriefData.__new__(brief_data.BriefData)
    data.sources_tried = 2
    data.warnings = [*source_failures(["source s1: timed out", "source s1: 404"], "s1"),
                     RunWarning("source registry: bad TOML", "source", None)]
    assert data.source_summary == ("1 of 2 sources could not be collected, and the source "
                                   "registry could not be read")
    data.warnings = data.warnings[-1:]
    assert data.source_summary == "The source registry could not be read"
    data.warnings = refused_releases([REFUSED])
    assert data.source_summary is None and data.page_one_warnings == data.warnings
