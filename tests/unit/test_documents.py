"""Reading payloads as text: charsets, front matter, HTML to text, publication dates."""

from __future__ import annotations

from datetime import date

import pytest

from flows.extract.documents import (
    MAX_UNFINISHED,
    DocumentError,
    charset_of,
    decode_payload,
    first_date,
    html_to_document,
    published_on_of,
    read_document,
    split_front_matter,
)

SENTENCE = "2024年我国跨境电商进出口2.63万亿元，同比增长10.8%。"


def test_a_gbk_page_declared_in_its_meta_tag_is_decoded() -> None:
    html = f'<html><head><meta charset="gb2312"><title>海关</title></head><body><p>{SENTENCE}</p>'
    body = html.encode("gb18030")
    assert charset_of(body, "text/html") == "gb18030"
    doc = read_document(body, "text/html")
    assert doc.text == SENTENCE
    assert doc.title == "海关"


def test_the_header_charset_wins_over_the_default() -> None:
    assert decode_payload(SENTENCE.encode("gbk"), "text/plain; charset=GBK") == SENTENCE


def test_text_in_an_unexpected_encoding_is_refused_with_what_to_do() -> None:
    with pytest.raises(DocumentError, match=r"not valid utf-8 .*unexpected encoding.*UTF-8"):
        decode_payload(SENTENCE.encode("gbk"), "text/plain")


def test_an_unknown_charset_is_refused() -> None:
    with pytest.raises(DocumentError, match="unknown charset 'klingon'"):
        decode_payload(b"abc", "text/html; charset=klingon")


@pytest.mark.parametrize(("charset", "message"), [
    ("rot13", "charset 'rot13', which is not a text encoding"),
    ("base64", "charset 'base64', which is not a text encoding"),
    ("undefined", "cannot be read as undefined"),
])
def test_a_charset_that_is_no_text_encoding_is_refused(charset: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        decode_payload(b"abc", f"text/html; charset={charset}")


def test_front_matter_is_split_off_and_read() -> None:
    header, body = split_front_matter(
        "---\npublisher: gacc\npublished_on: 2025-01-13\nurl: http://x/y\n---\n" + SENTENCE)
    assert header == {"publisher": "gacc", "published_on": "2025-01-13", "url": "http://x/y"}
    assert body == SENTENCE


@pytest.mark.parametrize(("text", "message"), [
    ("---\npublisher gacc\n---\nx", "line 2"),
    ("---\npublisher: gacc\n\nno: end", "never closed"),
])
def test_broken_front_matter_says_where(text: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        split_front_matter(text)


def test_html_keeps_visible_text_one_block_per_line() -> None:
    doc = html_to_document(
        "<html><head><title> T </title><script>var x = '2.63万亿元';</script>"
        "<style>p{}</style><meta name='PubDate' content='2025-01-13 10:00'></head>"
        "<body><div>首页 &gt; 新闻</div><p>第一段，<b>2.63</b>万亿元。</p><p>第二段</p></body>")
    assert doc.text == "首页 > 新闻\n第一段，2.63万亿元。\n第二段"
    assert doc.title == "T"
    assert doc.meta["pubdate"] == "2025-01-13 10:00"
    assert published_on_of(doc) == date(2025, 1, 13)


@pytest.mark.parametrize(("text", "expected"), [
    ("发布时间：2024年11月27日 10:30", date(2024, 11, 27)),
    ("Updated: 2024-02-07 15:00", date(2024, 2, 7)),
    ("Beijing, November 27, 2024 — the press conference", date(2024, 11, 27)),
    ("Published 7 February 2024", date(2024, 2, 7)),
    ("截至2025年2月，没有完整日期", None),
    ("2024年2月30日 is not a date", None),
])
def test_first_date(text: str, expected: date | None) -> None:
    assert first_date(text) == expected


def test_a_page_without_a_date_has_none() -> None:
    doc = html_to_document("<p>上半年，我国跨境电商进出口1.22万亿元。</p>")
    assert published_on_of(doc) is None


def test_a_marked_section_that_is_none_reads_as_a_comment() -> None:
    # HTMLParser raises AssertionError on these; a browser skips them as bogus comments
    doc = html_to_document(f"<html><![ x]><![if !supportLists]><p>{SENTENCE}</p><![endif]>")
    assert doc.text == SENTENCE


def test_a_page_cut_short_in_a_tag_reads_as_htmlparser_closes_it() -> None:
    doc = html_to_document(f"<html><p>{SENTENCE}</p><!-- a comment never closed <p>more</p><a")
    # as HTMLParser.close() reads them: each unclosed construct is text up to its next '>'
    assert doc.text == f"{SENTENCE}\n<!-- a comment never closed <p>more\n<a"
    assert html_to_document("<p>a</p><?x <b>c</b> <!x <i>d</i>&amp").text == "a\nc d&"


def test_a_page_of_unclosed_tags_is_refused_not_read_again_for_each() -> None:
    unclosed = "<p>" + SENTENCE + "<a" * (MAX_UNFINISHED + 1)
    with pytest.raises(DocumentError, match=r"more than 5 tags or comments unclosed.*\.txt"):
        html_to_document(unclosed)
    html_to_document("<p>" + SENTENCE + "<a" * MAX_UNFINISHED)
