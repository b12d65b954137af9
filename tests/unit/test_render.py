"""The renderer treats release text as untrusted and reads nothing outside templates/."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from flows.brief.data import collect_brief
from flows.brief.render import TemplatesOnlyFetcher, render_brief, write_pdf
from flows.paths import TEMPLATES_DIR
from tests.conftest import figure, release
from tests.pdf import pdf_attachments, pdf_image_count, pdf_text

SECRET = "only-the-test-knows-this-4711"
HOSTILE = ('</td></tr></table><h1>INJECTED HEADING</h1>'
           '<img src="file://{secret}" alt="x"><link rel="attachment" href="file://{secret}">')


def test_fetcher_allows_templates_only(tmp_path: Path) -> None:
    fetcher = TemplatesOnlyFetcher()
    assert fetcher.is_allowed((TEMPLATES_DIR / "brief.css").as_uri())
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    for url in (secret.as_uri(), "file:///etc/passwd", "http://127.0.0.1:9/x.png",
                (TEMPLATES_DIR / ".." / "pyproject.toml").as_uri(), "data:text/plain,hi"):
        assert not fetcher.is_allowed(url), url
        with pytest.raises(ValueError, match="only templates/ is allowed"):
            fetcher.fetch(url)
    assert len(fetcher.blocked) == 5


def test_raw_html_cannot_pull_in_a_local_file(tmp_path: Path) -> None:
    """Even unescaped markup that names a file outside templates/ embeds nothing."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(Path(TEMPLATES_DIR / "brief.css").read_bytes())
    html = (f'<html lang="en"><head><title>t</title><link rel="attachment" '
            f'href="{secret.as_uri()}"></head>'
            f'<body><p>x</p><img src="{secret.as_uri()}" alt="s"></body></html>')
    fetcher = TemplatesOnlyFetcher()
    pdf = write_pdf(html, tmp_path / "out.pdf", datetime(2025, 1, 1, tzinfo=UTC), {}, fetcher)
    assert secret.as_uri() in fetcher.blocked
    assert pdf_image_count(pdf) == 0
    assert pdf_attachments(pdf) == {}


def test_hostile_release_text_is_printed_as_text(warehouse, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    hostile = HOSTILE.format(secret=secret)
    payload = release("hostile", "2025-03-01", [figure(
        "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 2.63e12, "2.63",
        multiplier="trillion", yoy=10.8, quote=hostile)])
    payload["title"] = hostile
    payload["published_on_note"] = hostile
    warehouse.add(payload)
    data = collect_brief(warehouse.path, date(2025, 6, 30), datetime(2025, 6, 30, tzinfo=UTC))
    pdf = render_brief(data, tmp_path / "briefs", "test")
    text = pdf_text(pdf)
    assert "<h1>INJECTED HEADING</h1>" in text          # shown as characters, not markup
    assert SECRET not in text
    assert pdf_image_count(pdf) == 0
    attachments = pdf_attachments(pdf)
    assert sorted(attachments) == ["cagr.csv", "figures.csv", "findings.csv", "releases.csv",
                                   "revisions.csv"]
    assert all(SECRET.encode() not in body for body in attachments.values())
    assert hostile.encode() in attachments["figures.csv"].replace(b'""', b'"')


def test_pdf_carries_metadata_and_is_tagged(warehouse, tmp_path: Path) -> None:
    warehouse.add(release("r1", "2025-03-01", [figure(
        "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 2.63e12, "2.63",
        multiplier="trillion", yoy=10.8)]))
    data = collect_brief(warehouse.path, date(2025, 6, 30), datetime(2025, 7, 1, 8, tzinfo=UTC))
    pdf = render_brief(data, tmp_path, "Barometer test author")
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    meta = reader.metadata
    assert meta.title == "Cross-border e-commerce barometer: China and Yiwu, data as of 2025-06-30"
    assert meta.author == "Barometer test author"
    assert meta.creation_date.replace(tzinfo=None) == datetime(2025, 7, 1, 8, 0)
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "en"
    assert pdf.name == "2025-06-30-brief.pdf"
    assert not list(tmp_path.glob(".*.partial"))


def test_long_lists_are_bounded_and_travel_whole_as_csv(tmp_path: Path,
                                                       seeds_warehouse: Path) -> None:
    """The backfill: 21 releases and 4 findings, with room for 3 rows a list."""
    import csv
    import io

    data = collect_brief(seeds_warehouse, date(2026, 11, 28), datetime(2026, 11, 28, tzinfo=UTC),
                         table_rows=3)
    assert (len(data.releases), data.release_count) == (3, 21)
    assert (len(data.findings), data.finding_count) == (3, 4)
    text = " ".join(pdf_text(render_brief(data, tmp_path / "briefs", "test")).split())
    assert "21 releases," in text
    assert "Showing the 3 newest of 21 releases" in text
    assert "Showing the 3 most severe of 4 findings" in text
    attachments = pdf_attachments(tmp_path / "briefs" / "2026-11-28-brief.pdf")
    releases = list(csv.DictReader(io.StringIO(attachments["releases.csv"].decode())))
    findings = list(csv.DictReader(io.StringIO(attachments["findings.csv"].decode())))
    assert len(releases) == 21 and len(findings) == 4
    assert releases[0]["published_on"] >= releases[-1]["published_on"]  # newest first
    assert data.latest_release_on.isoformat() == releases[0]["published_on"]
