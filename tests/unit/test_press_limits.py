"""Hostile text cannot make the press-release reader a denial of service (issue 13): a text or a
line too long to be a release, or a page with too many numbers, is refused before (or instead
of) reading it all; a quote never grows with its sentence; reading stays linear in the text.

No test times anything: speed is measured by bench/extract_speed.py. The linear-time tests
count what the reader does (the pieces of text it reads one at a time), and the refusals are
shown to come before extraction by an extractor that fails the test if it is ever called.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from flows.extract import MAX_QUOTE, extract_figures, parse_press, reader
from flows.extract.documents import (
    MAX_LINE_CHARS,
    MAX_TEXT_CHARS,
    MAX_UNFINISHED,
    Document,
    DocumentError,
    read_document,
)
from flows.extract.lexicon import lexicon_path, load_lexicon
from flows.extract.normalize import normalize
from flows.extract.numbers import MAX_NUMBER_CHARS
from flows.extract.parse_press import MAX_FIGURES, PressMeta, parse_press_release
from flows.extract.reader import MAX_SENTENCE, MAX_SENTENCE_NUMBERS, sentences
from flows.model.release_files import ParsedRelease, ReleaseError
from flows.paths import SEEDS_DIR
from tests import ROOT
from tests.corpus import metric_units

LEXICON = load_lexicon(lexicon_path("cbec"), SEEDS_DIR / "metrics.csv")
UNITS = metric_units()
PUBLISHED = date(2025, 1, 13)
META = PressMeta(source_id="limits", publisher_id="gacc", published_on=PUBLISHED)
SOURCE = Path("hostile.txt")
FIGURE = "2024年我国跨境电商进出口2.63万亿元，同比增长10.8%"
CORPORA = [Path(__file__).parent.parent / "fixtures" / name for name in ("real", "holdout")] + [
    SEEDS_DIR / "releases"]


def _parse(text: str) -> ParsedRelease:
    body = text.encode("utf-8")
    return parse_press_release(Document(text=text), body, META, LEXICON, UNITS, SOURCE)


@pytest.fixture
def no_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    """An extractor that fails the test if the reader ever gets as far as calling it."""
    def refuse(*args: Any, **kwargs: Any) -> Iterator[Any]:
        raise AssertionError("the extractor was called on text that the limits refuse")
    monkeypatch.setattr(parse_press, "iter_figures", refuse)


def _lines(line: str, chars: int) -> str:
    """Lines of `line`, one after another, `chars` characters in all."""
    block = line + "\n"
    return (block * (chars // len(block) + 1))[:chars]


# --- a text too long -------------------------------------------------------------------------

def test_a_text_longer_than_a_release_is_refused_by_read_document() -> None:
    body = _lines(FIGURE + "。", MAX_TEXT_CHARS + 1).encode("utf-8")
    with pytest.raises(DocumentError, match=r"1,000,001 characters, more than the 1,000,000 .*"
                                            r"save only the release's own text"):
        read_document(body, "text/plain")


def test_a_text_longer_than_a_release_is_refused_before_extraction(no_extraction: None) -> None:
    with pytest.raises(ReleaseError, match=r"more than the 1,000,000 a press release may hold"):
        _parse(_lines(FIGURE + "。", MAX_TEXT_CHARS + 1))


def test_a_long_html_page_is_measured_on_its_text_not_its_markup() -> None:
    markup = "<p>" + FIGURE + "。</p><script>" + "x" * MAX_TEXT_CHARS + "</script>"
    doc = read_document(f"<html><body>{markup}</body></html>".encode(), "text/html")
    assert doc.text == FIGURE + "。"


# --- a line too long -------------------------------------------------------------------------

def test_a_line_longer_than_a_paragraph_is_refused_naming_the_line() -> None:
    body = ("标题\n" + FIGURE * (MAX_LINE_CHARS // len(FIGURE) + 1)).encode("utf-8")
    with pytest.raises(DocumentError, match=r"its line 2 is 20,0\d\d characters, more than the "
                                            r"20,000 .*one paragraph per line"):
        read_document(body, "text/plain")


def test_minified_html_is_measured_after_its_blocks_become_lines() -> None:
    paragraphs = "".join(f"<p>{FIGURE}。</p>" for _ in range(MAX_LINE_CHARS // len(FIGURE) + 5))
    html = f"<html><body><div>{paragraphs}</div></body></html>"
    assert "\n" not in html and len(html) > MAX_LINE_CHARS
    doc = read_document(html.encode(), "text/html")
    assert max(map(len, doc.text.split("\n"))) == len(FIGURE) + 1


def test_a_line_too_long_is_refused_before_extraction(no_extraction: None) -> None:
    with pytest.raises(ReleaseError, match=r"its line 1 is 20,001 characters"):
        _parse("9" * (MAX_LINE_CHARS + 1))


def test_an_old_mac_text_has_lines_too() -> None:
    body = "\r".join([FIGURE + "。"] * (MAX_LINE_CHARS // len(FIGURE) + 5)).encode()
    assert read_document(body, "text/plain").text.count("\n") > MAX_LINE_CHARS // len(FIGURE)


# --- too many figures ------------------------------------------------------------------------

def test_a_page_with_more_figures_than_a_release_is_refused_and_read_no_further(
        monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[object] = []

    def counted(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for fig in reader.iter_figures(*args, **kwargs):
            read.append(fig)
            yield fig
    monkeypatch.setattr(parse_press, "iter_figures", counted)
    text = "\n".join(f"{2000 + n % 25}年义乌跨境电商交易额{n}.5亿元。"
                     for n in range(2 * MAX_FIGURES))
    with pytest.raises(ReleaseError, match=r"more than 500 numbers that may be figures .*"
                                           r"not a press release"):
        _parse(text)
    assert len(read) == MAX_FIGURES + 1


def test_a_page_at_the_figure_limit_still_loads() -> None:
    text = "\n".join(f"义乌跨境电商交易额{n}.5亿元。" for n in range(MAX_FIGURES))
    parsed = _parse(text)
    assert len(parsed.release.figures) + len(parsed.release.held_for_review) == MAX_FIGURES


# --- quotes stay short -----------------------------------------------------------------------

def _assert_short_verbatim_quotes(text: str, figures: list[Any]) -> None:
    for fig in figures:
        assert len(fig.quote) <= MAX_QUOTE
        assert text[fig.quote_start:fig.quote_end] == fig.quote
        assert fig.value_as_written is None or fig.value_as_written in fig.quote


def test_a_long_sentence_quotes_each_figure_in_a_window_around_it() -> None:
    text = "据海关总署统计，" + "，".join([FIGURE] * 200) + "。"
    assert len(sentences(normalize(text).text)) == 1 and len(text) > 10 * MAX_QUOTE
    figures = extract_figures(text, PUBLISHED, LEXICON)
    assert len(figures) == 200
    _assert_short_verbatim_quotes(text, figures)
    # the number and its rate, with their wording: the quote still says what the figure is
    assert all("2.63万亿元，同比增长10.8%" in f.quote for f in figures)


def test_a_quote_cut_from_a_long_sentence_is_found_in_the_release_text() -> None:
    text = "，".join([FIGURE] * 60) + "。"
    parsed = _parse(text)
    quotes = [f.quote for f in parsed.release.figures] + [
        h.quote for h in parsed.release.held_for_review]
    assert quotes and all(len(q) <= MAX_QUOTE for q in quotes)
    assert all(parsed.quote_span(q) is not None for q in quotes)


def test_a_sentence_under_the_cap_is_quoted_whole() -> None:
    text = "前言。" + FIGURE + "。后记。"
    [fig] = extract_figures(text, PUBLISHED, LEXICON)
    assert fig.quote == FIGURE + "。"


def test_blanks_dropped_by_normalisation_do_not_stretch_a_quote() -> None:
    text = "，".join(["2024年我国跨境电商进出口2.63万亿元" + " " * 3000] * 3) + "。"
    figures = extract_figures(text, PUBLISHED, LEXICON)
    assert figures
    _assert_short_verbatim_quotes(text, figures)


# --- linear time -----------------------------------------------------------------------------

@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every piece of text the reader scans as one sentence, recorded."""
    seen: list[str] = []
    scan = reader._scan

    def recording(text: str, *args: Any) -> Any:
        seen.append(text)
        return scan(text, *args)
    monkeypatch.setattr(reader, "_scan", recording)
    return seen


def _random_line(chars: int) -> str:
    rnd = random.Random(13)
    alphabet = "0123456789一二三千万亿元跨境电商进出口同比增长%年月,"
    return "".join(rnd.choice(alphabet) for _ in range(chars))


@pytest.mark.parametrize("line", [",".join([FIGURE] * 500), _random_line(12_000)],
                         ids=["repeated figure", "random digits and CJK"])
def test_a_long_line_is_read_in_bounded_pieces(scanned: list[str], line: str) -> None:
    """Reading a sentence costs time quadratic in its length and its numbers: bounded pieces
    make the total (the sum of the squares) linear in the line."""
    extract_figures(line, PUBLISHED, LEXICON)
    assert sum(map(len, scanned)) >= len(normalize(line).text) - len(scanned)
    assert max(map(len, scanned)) <= MAX_SENTENCE
    assert max(len(re.findall(r"\d+|[零〇一二两三四五六七八九十百千]+", s))
               for s in scanned) <= MAX_SENTENCE_NUMBERS
    assert sum(len(s) ** 2 for s in scanned) <= len(line) * MAX_SENTENCE


def test_a_run_of_blanks_reads_as_one_space() -> None:
    text = "跨境电商" + " \t\u3000" * 5000 + "2.63万亿元\n\n  下一行"
    norm = normalize(text)
    assert norm.text == "跨境电商 2.63万亿元\n\n 下一行"
    start = norm.text.index("2.63")
    assert text[slice(*norm.to_original(start, start + 4))] == "2.63"


def test_a_number_longer_than_any_figure_is_not_read() -> None:
    assert extract_figures("跨境电商进出口" + "9" * (MAX_NUMBER_CHARS + 1) + "亿元。",
                           PUBLISHED, LEXICON) == []
    assert extract_figures("跨境电商进出口" + "一" * (MAX_NUMBER_CHARS + 1) + "亿元。",
                           PUBLISHED, LEXICON) == []
    [fig] = extract_figures("跨境电商进出口1,384.26亿元。", PUBLISHED, LEXICON)
    assert fig.value_as_written == "1,384.26"


# --- the real texts sit far inside every limit -----------------------------------------------

def test_every_real_text_is_far_inside_the_limits() -> None:
    """The limits leave a wide margin over every text of the corpora and the seeds."""
    paths = [p for folder in CORPORA for p in folder.iterdir() if p.suffix in (".txt", ".html")]
    assert len(paths) >= 90
    for path in paths:
        text = read_document(path.read_bytes(), None, path.name).text
        norm = normalize(text).text
        assert len(text) * 100 <= MAX_TEXT_CHARS, path
        assert max(map(len, text.split("\n"))) * 10 <= MAX_LINE_CHARS, path
        assert all((end - start) * 2 <= MAX_SENTENCE for start, end in sentences(norm)), path


def test_the_docs_state_the_limits_the_code_applies() -> None:
    table = (ROOT / "docs" / "extraction.md").read_text(encoding="utf-8")
    for cell in (f"| {MAX_TEXT_CHARS:,} characters |", f"| {MAX_LINE_CHARS:,} characters |",
                 f"| {MAX_UNFINISHED} |", f"| {MAX_FIGURES} |", f"| {MAX_QUOTE} characters |",
                 f"| {MAX_SENTENCE:,} characters, {MAX_SENTENCE_NUMBERS} numbers |",
                 f"| {MAX_NUMBER_CHARS} characters |"):
        assert cell in table
