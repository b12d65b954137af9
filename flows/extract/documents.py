"""Turn a payload's bytes into text: charset, front matter, HTML to text, publication date."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from html import unescape
from html.parser import HTMLParser

from flows.extract.periods import MONTHS  # English month names, January first

# Government pages in China often declare gb2312 but use characters only GB18030 has.
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "blockquote", "td", "th", "title", "hr",
}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head"}
_DATE_META = ("pubdate", "publishdate", "article:published_time", "dc.date", "date",
              "og:published_time", "datepublished")

# What a press release's text may hold, checked before anything reads it (docs/extraction.md).
# The longest text of the real-text corpora and seeds is 4,276 characters, its longest line
# 1,099 (tests/fixtures/real, tests/fixtures/holdout, warehouse/seeds/releases): far more is a
# data dump, a whole site or hostile text, which would only cost time and hold junk for review.
MAX_TEXT_CHARS = 1_000_000
MAX_LINE_CHARS = 20_000
# HTMLParser.close() reads the rest of the page again for each tag, comment or declaration
# that is never closed, a cost quadratic in the page's length: a page with more than this many
# is refused (a real page has none, or one where it was cut short).
MAX_UNFINISHED = 5


class DocumentError(ValueError):
    """A payload cannot be read as text; the message says why and what to do."""


@dataclass
class Document:
    """The readable text of a payload, with what its markup said about it."""

    text: str
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    front_matter: dict[str, str] = field(default_factory=dict)


def charset_of(body: bytes, content_type: str | None) -> str:
    """The charset a payload declares (header, BOM or <meta>), UTF-8 when it declares none."""
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    declared = None
    if content_type:
        match = re.search(r"charset\s*=\s*\"?([A-Za-z0-9_\-]+)", content_type, re.I)
        declared = match.group(1) if match else None
    if declared is None:
        match = _META_CHARSET.search(body[:4096])
        declared = match.group(1).decode("ascii") if match else None
    name = (declared or "utf-8").lower()
    return _CHARSET_ALIASES.get(name, name)


def decode_payload(body: bytes, content_type: str | None = None) -> str:
    """Decode a payload strictly in its declared charset; refuse text that does not fit it."""
    charset = charset_of(body, content_type)
    try:
        codecs.lookup(charset)
    except LookupError:
        raise DocumentError(
            f"it declares the unknown charset {charset!r}; save it as UTF-8 and drop it in "
            "the inbox") from None
    try:
        return body.decode(charset)
    except LookupError:  # rot13, base64, zlib: codecs, but not of text
        raise DocumentError(
            f"it declares the charset {charset!r}, which is not a text encoding; save it as "
            "UTF-8 and drop it in the inbox") from None
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"its text is not valid {charset} (byte {exc.start}: {exc.reason}); it is in an "
            "unexpected encoding — declare the real charset (Content-Type or <meta charset>) "
            "or save it as UTF-8") from None
    except UnicodeError as exc:  # idna, undefined: their own decoding errors
        raise DocumentError(
            f"its text cannot be read as {charset} ({exc}); declare the real charset "
            "(Content-Type or <meta charset>) or save it as UTF-8") from None


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a '---' header of 'key: value' lines off the text; the body keeps its offsets."""
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    header: dict[str, str] = {}
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            body = "\n".join(lines[index + 1:])
            return header, body
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise DocumentError(
                f"front matter line {index + 1} ({line.strip()!r}) is not 'key: value'")
        header[key.strip().lower()] = value.strip().strip('"').strip("'")
    raise DocumentError("the front matter opened with '---' is never closed with '---'")


class _TextParser(HTMLParser):
    """Collect visible text with a line break at each block element, plus <title> and <meta>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.meta: dict[str, str] = {}
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (values.get("name") or values.get("property") or values.get("itemprop") or "")
            if key and values.get("content"):
                self.meta[key.lower()] = values["content"].strip()
        elif tag == "time" and values.get("datetime"):
            self.meta.setdefault("time", values["datetime"].strip())
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP_TAGS:
            self._skip += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip:
            self.parts.append(data)

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        """Read '<![' that opens no marked section as a bogus comment, as browsers do
        (HTMLParser raises AssertionError on it)."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i)


def _unfinished_end(rest: str) -> int:
    """Where HTMLParser.close() ends the text of a construct never closed: after its next '>',
    else before the next '<', else after the '<' itself."""
    close = rest.find(">", 1)
    if close >= 0:
        return close + 1
    opening = rest.find("<", 1)
    return opening if opening >= 0 else 1


def _finish(parser: _TextParser) -> None:
    """Read what feed() left over as HTMLParser.close() does (a construct never closed is text
    up to its next '>'), but each in one pass, and refuse more than MAX_UNFINISHED of them."""
    unfinished = 0
    while parser.rawdata.startswith("<") and not parser.cdata_elem:
        unfinished += 1
        if unfinished > MAX_UNFINISHED:
            raise DocumentError(
                f"its HTML leaves more than {MAX_UNFINISHED} tags or comments unclosed (a broken "
                "or hostile page); save the release's text as a .txt file and drop it in the "
                "inbox")
        rest = parser.rawdata
        end = _unfinished_end(rest)
        parser.handle_data(unescape(rest[:end]))
        parser.rawdata = ""
        parser.feed(rest[end:])
    parser.close()


def html_to_document(html: str) -> Document:
    """The visible text of an HTML page, one block per line, with its title and meta tags."""
    parser = _TextParser()
    parser.feed(html)
    _finish(parser)
    lines = (re.sub(r"[ \t\r\f\v\u3000\xa0]+", " ", line).strip()
             for line in "".join(parser.parts).split("\n"))
    text = "\n".join(line for line in lines if line)
    title = re.sub(r"\s+", " ", "".join(parser.title_parts)).strip() or None
    return Document(text=text, title=title, meta=parser.meta)


def check_size(text: str) -> None:
    """Refuse a text longer, or with a longer line, than a press release ever is (MAX_TEXT_CHARS,
    MAX_LINE_CHARS): before anything reads it."""
    if len(text) > MAX_TEXT_CHARS:
        raise DocumentError(
            f"its text is {len(text):,} characters, more than the {MAX_TEXT_CHARS:,} a press "
            "release may hold (real ones hold a few thousand); save only the release's own "
            "text and drop it in the inbox")
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise DocumentError(
                f"its line {number} is {len(line):,} characters, more than the "
                f"{MAX_LINE_CHARS:,} a press release's paragraph ever is; save the release's "
                "text with one paragraph per line and drop it in the inbox")


def read_document(body: bytes, content_type: str | None, file_name: str | None = None) -> Document:
    """Decode a payload, split off front matter, reduce HTML to text, and refuse a text too
    big to be a press release (check_size)."""
    text = decode_payload(body, content_type).replace("\r\n", "\n").replace("\r", "\n")
    front, rest = split_front_matter(text.lstrip("\ufeff"))
    is_html = (content_type or "").lower().startswith(("text/html", "application/xhtml")) or (
        file_name or "").lower().endswith((".html", ".htm")) or re.match(
        r"\s*(<!doctype html|<html)", rest[:200], re.I) is not None
    doc = html_to_document(rest) if is_html else Document(text=rest.strip())
    check_size(doc.text)
    doc.front_matter = front
    return doc


_ZH_DATE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(20\d\d)[-/.](\d{1,2})[-/.](\d{1,2})")
_EN_DATE = re.compile(
    r"\b(" + "|".join(m.capitalize() for m in MONTHS) + r")\.?\s+(\d{1,2}),?\s+(20\d\d)\b"
    r"|\b(\d{1,2})\s+(" + "|".join(m.capitalize() for m in MONTHS) + r")\s+(20\d\d)\b")


def _to_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def first_date(text: str) -> date | None:
    """The first full date written in a text (Chinese, ISO or English), if any."""
    found: list[tuple[int, date]] = []
    for pattern in (_ZH_DATE, _ISO_DATE):
        match = pattern.search(text)
        if match and (day := _to_date(*match.groups())):
            found.append((match.start(), day))
    match = _EN_DATE.search(text)
    if match:
        g = match.groups()
        month_name, day_s, year = (g[0], g[1], g[2]) if g[0] else (g[4], g[3], g[5])
        day = _to_date(year, str(MONTHS.index(month_name.lower()) + 1), day_s)
        if day:
            found.append((match.start(), day))
    return min(found)[1] if found else None


def published_on_of(doc: Document) -> date | None:
    """A page's publication date: its meta tags first, else the first date near its top."""
    for key in (*_DATE_META, "time"):
        if key in doc.meta and (day := first_date(doc.meta[key])):
            return day
    return first_date(doc.text[:800])
