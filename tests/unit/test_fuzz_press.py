"""Fuzzed press releases: whatever the text (CJK, digits full-width or not, Chinese numerals,
units, punctuation, line breaks, HTML tags), reading it gives a release whose every figure has
a finite value and a short quote verbatim in the text, or a ReleaseError/DocumentError that
says why; and any bytes under any content type read as a Document or a DocumentError."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.extract import MAX_QUOTE
from flows.extract.documents import Document, DocumentError, read_document
from flows.extract.lexicon import lexicon_path, load_lexicon
from flows.extract.parse_press import PressMeta, parse_press_release
from flows.model.release_files import ReleaseError
from flows.paths import SEEDS_DIR
from tests.corpus import metric_units

FUZZ = settings(max_examples=100, deadline=None)
LEXICON = load_lexicon(lexicon_path("cbec"), SEEDS_DIR / "metrics.csv")
UNITS = metric_units()

# What a figure's sentence is made of, in order, each part maybe missing or replaced by noise.
PERIODS = ["2024年", "2025年1-5月", "前三季度", "上半年", "一季度", "去年", "今年", "同期",
           "截至2月底", "in 2024", "the first half", "In the first five months of 2025"]
PLACES = ["我国", "义乌", "浙江义乌", "中国", "Yiwu's", "China's"]
SUBJECTS = ["跨境电商进出口", "跨境电商出口", "进出口总值", "市场主体", "电商主体", "其中,出口",
            "cross-border e-commerce imports and exports", "CBEC exports", "foreign trade"]
HEDGES = ["", "约", "超过", "近", "达", "about", "more than", "nearly"]
NUMBERS = ["2.63", "10.8", "１２３", "４．５", "1,384.26", "0", "99999999999999999999999", "7" * 30,
           "一千二百", "二十六", "两", "百", "1.2e5", "-3"]
UNITS_WRITTEN = ["万亿元", "亿元", "亿美元", "万家", "元", "家", "个", "%", "％", " billion yuan",
                 " trillion yuan", " US dollars", "倍", "个百分点", ""]
RATES = ["", ",同比增长10.8%", "，增长５．７％", ",下降3%", ", up 9.6 percent year-on-year",
         ", rising 28.7 percent and 24.4 percent respectively", "，分别增长1%和2%"]
ENDS = ["。", ". ", "；", "\n", "，", "", "!"]
NOISE = st.one_of(st.sampled_from([
    "\n", " ", "\u3000", "\t", "\r", "<p>", "</p>", "<br>", "<div>", "<!--", "-->", "<![", "<a",
    ">", "<", "&amp;", "&#", "<script>", "萬(wàn)億", "進出口", "、", "-", "~", "(", ")", "（",
    "）", "from", "to", "其中", "分别"]), st.text(max_size=4))


PARTS = (PERIODS, PLACES, SUBJECTS, HEDGES, NUMBERS, UNITS_WRITTEN, RATES, ENDS)
# a sentence of right words, and one where any word may be missing or noise
CLEAN = st.tuples(*(st.sampled_from(o) for o in PARTS)).map("".join)
NOISY = st.tuples(*(st.one_of(st.sampled_from(o), st.just(""), NOISE) for o in PARTS)).map(
    "".join)
TEXT = st.lists(st.one_of(CLEAN, NOISY, NOISE), max_size=12).map("".join)
CONTENT_TYPES = st.sampled_from([None, "text/plain", "text/html", "text/html; charset=gbk",
                                 "application/xhtml+xml"])


def _finite(number: Decimal | None) -> bool:
    return number is None or number.is_finite()


@FUZZ
@given(text=TEXT, content_type=CONTENT_TYPES,
       geography=st.sampled_from([None, "China", "Yiwu"]),
       published_on=st.dates(date(2000, 1, 1), date(2030, 12, 31)))
def test_any_text_reads_as_a_sound_release_or_a_one_line_refusal(
        text: str, content_type: str | None, geography: str | None, published_on: date) -> None:
    body = text.encode("utf-8")
    meta = PressMeta(source_id="fuzz", publisher_id="gacc", published_on=published_on,
                     geography=geography)
    try:
        doc = read_document(body, content_type)
        parsed = parse_press_release(doc, body, meta, LEXICON, UNITS, Path("fuzz.txt"))
    except (ReleaseError, DocumentError) as exc:
        assert "\n" not in str(exc)
        return
    for fig in parsed.release.figures:
        assert _finite(fig.value) and _finite(fig.yoy_pct)
        assert len(fig.quote) <= MAX_QUOTE
        assert parsed.quote_span(fig.quote) is not None
    for held in parsed.release.held_for_review:
        assert _finite(held.value) and _finite(held.yoy_pct)
        assert len(held.quote) <= MAX_QUOTE
        assert parsed.quote_span(held.quote) is not None


@FUZZ
@given(body=st.one_of(st.binary(max_size=300), TEXT.map(str.encode)),
       content_type=st.one_of(CONTENT_TYPES, st.text(max_size=30), st.sampled_from([
           "text/html; charset=rot13", "text/plain; charset=base64", "text/html; charset=idna",
           "text/plain; charset=undefined", "text/html; charset=utf-16", "text/plain; charset=x"])),
       file_name=st.sampled_from([None, "page.html", "page.txt", "page.HTM"]))
def test_any_bytes_read_as_a_document_or_a_document_error(
        body: bytes, content_type: str | None, file_name: str | None) -> None:
    try:
        doc = read_document(body, content_type, file_name)
    except DocumentError as exc:
        assert "\n" not in str(exc)
        return
    assert isinstance(doc, Document) and isinstance(doc.text, str)
