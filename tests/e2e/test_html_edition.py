"""The brief's HTML edition: published with its PDF, opened in headless Chromium as a phone
would, showing the same figures as the PDF and asking the network for nothing."""

from __future__ import annotations

import html
import re
import struct
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from flows.brief.data import BriefData, collect_brief
from flows.brief.render import html_beside, render_brief, render_html
from flows.paths import LATEST_NAME
from tests.chromium import PHONE, Visit, outside_urls, visit
from tests.conftest import figure, release

AS_OF = date(2026, 11, 28)  # every curated release is known by then


def folded(text: str) -> str:
    """Text with every run of whitespace folded to one space."""
    return re.sub(r"\s+", " ", text).strip()


def pdftotext(pdf: Path) -> str:
    """The PDF's text as poppler's pdftotext reads it, whitespace folded."""
    result = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                            timeout=60, check=True)
    return folded(result.stdout)


class FigureValues(HTMLParser):
    """The figure values a brief prints: each headline card's value and every cell of a
    table's "Value" column (without its "derived" mark), in page order."""

    def __init__(self, html: str):
        super().__init__()
        self.values: list[str] = []
        self._columns: list[str] = []
        self._column = 0
        self._capture: str | None = None  # the tag whose text is being read
        self._text = ""
        self._skip = 0  # inside a derived mark
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table":
            self._columns = []
        elif tag == "tr":
            self._column = 0
        elif tag in ("th", "td"):
            self._column += 1
        if "derived-mark" in classes:
            self._skip += 1
        is_value = (tag == "td" and self._column <= len(self._columns)
                    and self._columns[self._column - 1] == "Value")
        if (tag == "p" and "card-value" in classes) or is_value or tag == "th":
            self._capture, self._text = tag, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._skip:
            self._skip -= 1
        if tag == self._capture:
            if tag == "th":
                self._columns.append(folded(self._text))
            else:
                self.values.append(folded(self._text))
            self._capture = None

    def handle_data(self, data: str) -> None:
        if self._capture and not self._skip:
            self._text += data


# Elements and attributes through which a page fetches or runs something.
FETCHING_TAGS = {"script", "link", "img", "iframe", "frame", "object", "embed", "base",
                 "video", "audio", "source", "track", "picture"}
FETCHING_ATTRIBUTES = {"src", "href", "srcset", "poster", "data", "action", "formaction",
                       "background", "xlink:href", "ping", "manifest"}


class Fetches(HTMLParser):
    """Everything in a page that would make a browser fetch or run something, as found."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[str] = []
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FETCHING_TAGS or (
                tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name in FETCHING_ATTRIBUTES and not (value or "").startswith("#"):
                self.found.append(f"{tag} {name}={value}")
            if name == "style" or (name == "fill" and "url(" in (value or "")):
                self.found += [f"{tag} {name}: url({u})" for u in _urls(value or "")]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found += [f"<style> url({u})" for u in _urls(data)]
            self.found += [f"<style> {rule}" for rule in re.findall(r"@import[^;]*", data)]


def _urls(css: str) -> list[str]:
    """url(...) references in CSS text other than to a fragment of the page itself."""
    return [u for u in re.findall(r"url\(\s*['\"]?([^'\")]*)", css) if not u.startswith("#")]


@dataclass(frozen=True)
class Edition:
    """One brief rendered from the curated seeds, and what Chromium made of its HTML."""

    data: BriefData
    pdf: Path
    html: Path
    pdf_source: str  # the HTML WeasyPrint typeset into the PDF
    seen: Visit


@pytest.fixture(scope="module")
def edition(seeds_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Edition:
    folder = tmp_path_factory.mktemp("html-edition")
    data = collect_brief(seeds_warehouse, AS_OF, datetime(2026, 11, 28, 8, tzinfo=UTC))
    pdf = render_brief(data, folder / "briefs", "test")
    html = html_beside(pdf)
    return Edition(data, pdf, html, render_html(data, "test"),
                   visit(html.as_uri(), folder / "chromium"))


def test_the_html_edition_is_published_beside_its_pdf_and_as_the_latest(
        edition: Edition) -> None:
    briefs = edition.pdf.parent
    assert sorted(p.name for p in briefs.iterdir()) == [
        "2026-11-28-brief.html", "2026-11-28-brief.pdf", "latest-brief.html", LATEST_NAME]
    assert (briefs / "latest-brief.html").read_bytes() == edition.html.read_bytes()
    assert edition.html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_back_dated_html_edition_goes_to_as_of_with_its_pdf(warehouse,
                                                              tmp_path: Path) -> None:
    warehouse.add(release("r1", "2025-03-01", [figure(
        "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 2.63e12, "2.63",
        multiplier="trillion", yoy=10.8)]))
    data = collect_brief(warehouse.path, date(2025, 6, 30), datetime(2025, 7, 1, tzinfo=UTC))
    data.kind = "as-of"
    briefs = tmp_path / "briefs"
    pdf = render_brief(data, briefs, "test")
    assert sorted(str(p.relative_to(briefs)) for p in briefs.rglob("*")) == [
        "as-of", "as-of/2025-06-30-brief.html", "as-of/2025-06-30-brief.pdf"]
    assert html_beside(pdf).read_text(encoding="utf-8").count("2.63 trillion yuan") >= 1


def test_chromium_shows_the_headline_figures_every_section_and_where_the_csv_files_are(
        edition: Edition) -> None:
    text = folded(edition.seen.text)
    for phrase in ("2.63 trillion yuan", "+10.8% year on year", "+16.29% year on year",
                   "more than 260,000 entities", "about 600,000 entities",
                   "more than 1 million entities", "21 releases, 56 figures"):
        assert phrase in text, phrase
    headings = [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", edition.pdf_source)]
    assert len(headings) >= 6
    pdf_text = pdftotext(edition.pdf)
    for heading in headings:
        assert heading in text and heading in pdf_text, heading
    # The CSV files travel in the PDF only, and each edition says where they are.
    assert "Attached to the PDF edition of this brief (beside this file" in text
    assert "attached to this pdf" not in text.lower()
    assert "Attached to this PDF: figures.csv" in pdf_text


def test_the_html_edition_shows_the_same_figures_as_the_pdf(edition: Edition) -> None:
    shown = FigureValues(edition.seen.html).values
    typeset = FigureValues(edition.pdf_source).values
    # The cards and the latest-figures table (a row a metric).
    assert len(shown) == len(edition.data.headlines) + edition.data.latest_row_count
    assert shown == typeset
    pdf_text, html_text = pdftotext(edition.pdf), folded(edition.seen.text)
    assert [v for v in shown if v not in pdf_text] == []
    assert [v for v in shown if v not in html_text] == []


def test_nothing_outside_the_file_is_requested(edition: Edition) -> None:
    assert outside_urls(edition.seen, edition.html.as_uri()) == []
    assert Fetches(edition.seen.html).found == []
    # The page also forbids fetching: a link that slipped in would be refused by the browser.
    source = edition.html.read_text(encoding="utf-8")
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'\">") in source


def test_the_request_check_catches_a_page_that_fetches(loopback, tmp_path: Path) -> None:
    """The same two checks on a page with an image on a loopback server: both flag it, and
    the server confirms Chromium asked for it."""
    from tests.loopback import Reply

    image = loopback.url("/x.png")
    loopback.route("/x.png", Reply(body=b"", headers={"Content-Type": "image/png"}))
    page = tmp_path / "fetching.html"
    page.write_text(f'<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
                    f'<p>a page</p><img src="{image}" alt="x"></body></html>', encoding="utf-8")
    seen = visit(page.as_uri(), tmp_path / "chromium")
    assert image in outside_urls(seen, page.as_uri())
    assert [r.path for r in loopback.requests] == ["/x.png"]
    assert Fetches(seen.html).found == ["<img>", f"img src={image}"]


def test_it_reads_on_a_phone_without_scrolling_sideways(edition: Edition) -> None:
    seen = edition.seen
    assert (seen.viewport_width, seen.page_width) == (PHONE["width"], PHONE["width"])
    width, _ = struct.unpack(">II", seen.screenshot[16:24])  # the PNG's IHDR
    assert width == PHONE["width"] * PHONE["deviceScaleFactor"]
    source = edition.html.read_text(encoding="utf-8")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in source
    assert "@media screen" in source  # the phone rules, inline
    assert len(re.findall(r'<svg [^>]*viewBox="0 0 ', source)) == len(edition.data.charts)
