"""Fuzzed input to the release model, the CSV parser and the inbox: a release either holds only
numbers the warehouse can store or is refused with a ReleaseError, and process_inbox never
raises, whatever the files' names and contents."""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.ingest.inbox import process_inbox
from flows.ingest.parse_csv import parse_observations_csv
from flows.model.release import MAX_ABS_VALUE, MAX_HELD_ABS_VALUE, MAX_YOY_PCT, Release
from flows.model.release_files import ParsedRelease, ReleaseError, parse_release_json
from flows.warehouse.load import observation_row, review_rows
from tests.conftest import Warehouse, figure, release

FUZZ = settings(max_examples=60, deadline=None)
SECRET = "SECRET-c41d: root:x:0:0"

# Numbers as a file could write them: ordinary, absurd, and not numbers at all.
NUMBER_TEXT = st.one_of(
    st.from_regex(r"\A-?[0-9]{1,400}(\.[0-9]{0,40})?([eE][-+]?[0-9]{1,12})?\Z"),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e309", "-0", "0.0", "1E-400", "1e18",
                     "999999999999999999", "-100", "100000", "100000.1", "2.63", "1/3"]),
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=12)
NUMBER_FIELDS = ("value", "value_as_written", "yoy_pct")
FIGURE_FIELDS = ("metric_id", "period_kind", "period_start", "period_end", "multiplier", "unit",
                 "comparator", "yoy_comparator", "reported_by", "quote", "attributed_on")
# Bytes spliced into a file: mostly text (which keeps it UTF-8), sometimes any bytes.
SPLICE = st.one_of(st.text(max_size=4).map(str.encode), st.binary(max_size=6))


def _base_release() -> dict:
    """A valid release with a figure and a held number, for mutations to start from."""
    payload = release("fuzz", "2025-01-13", [figure(
        "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 2.63e12, "2.63",
        multiplier="trillion", yoy=10.8)])
    payload["held_for_review"] = [{"reason": "fuzz", "quote": "q", "value": 5, "yoy_pct": 3}]
    return payload


@st.composite
def mutated_release(draw: st.DrawFn) -> bytes:
    """A valid release with one field replaced (a number written verbatim or as a string, or
    any JSON value), one key dropped, or its bytes cut or spliced."""
    payload = _base_release()
    target = draw(st.sampled_from(["figure", "figure", "held", "release"]))
    if target == "release":
        owner, key = payload, draw(st.sampled_from(tuple(payload)))
    else:
        owner = payload["figures"][0] if target == "figure" else payload["held_for_review"][0]
        key = draw(st.sampled_from(NUMBER_FIELDS if draw(st.integers(0, 2)) else FIGURE_FIELDS))
    how = draw(st.sampled_from(["verbatim", "verbatim", "string", "json", "drop"]))
    number = draw(NUMBER_TEXT)
    if how == "drop":
        owner.pop(key, None)
    elif how == "json":
        owner[key] = draw(JSONISH)
    else:
        owner[key] = "@@NUMBER@@" if how == "verbatim" else number
    raw = json.dumps(payload).replace('"@@NUMBER@@"', number).encode("utf-8")
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(SPLICE) + raw[at + draw(st.integers(0, 4)):]
    return raw


RELEASE_BYTES = st.one_of(
    mutated_release(),
    JSONISH.map(lambda value: json.dumps(value).encode("utf-8")),
    st.binary(max_size=200),
    st.sampled_from([20, 21, 999, 5000, 100_000]).map(lambda n: b"[" * n + b"]" * n),
)


def _assert_storable(parsed: ParsedRelease | Release) -> None:
    """Every number the loader would write is finite and within the release format's bounds."""
    rel = parsed.release if isinstance(parsed, ParsedRelease) else parsed
    for fig in rel.figures:
        assert fig.value is None or abs(fig.value) < MAX_ABS_VALUE
        assert fig.yoy_pct is None or -100 < fig.yoy_pct <= MAX_YOY_PCT
    for held in rel.held_for_review:
        assert held.value is None or abs(held.value) < MAX_HELD_ABS_VALUE
        assert held.yoy_pct is None or abs(held.yoy_pct) < MAX_HELD_ABS_VALUE
    rows = [observation_row(rel.release_id, seq, fig, None)
            for seq, fig in enumerate(rel.figures, start=1)]
    if isinstance(parsed, ParsedRelease):
        rows += review_rows(parsed)
    numbers = [v for row in rows for v in row.values() if isinstance(v, float | Decimal)]
    assert all(math.isfinite(float(v)) for v in numbers)


@FUZZ
@given(raw=RELEASE_BYTES)
def test_a_release_is_storable_or_refused_with_a_release_error(raw: bytes) -> None:
    try:
        parsed = parse_release_json(raw, "fuzz.json")
    except ReleaseError as err:
        assert "\n" not in str(err)
        return
    _assert_storable(parsed)


CSV_HEADER = ("metric_id,period_kind,period_start,period_end,value,unit,published_on,"
              "publisher_id,value_as_written,multiplier,comparator,yoy_pct")
CSV_ROWS = [
    "china.cbec.trade_value,year,2023-01-01,2023-12-31,2380000000000,yuan,2024-01-12,gacc,"
    "2.38,trillion,,15.6",
    "china.cbec.exports,half,2024-01-01,2024-06-30,,yuan,2024-07-30,gacc,,,,18.7",
]


@st.composite
def mutated_csv(draw: st.DrawFn) -> bytes:
    """A valid CSV with a cell replaced (by a number as written or any text), a line added or
    dropped, or its bytes spliced."""
    lines = [CSV_HEADER, *CSV_ROWS]
    row = draw(st.sampled_from([0, 1, 1, 2, 2]))  # the header less often
    cells = lines[row].split(",")
    numbers = [4, 8, 11]  # value, value_as_written, yoy_pct
    column = draw(st.sampled_from(numbers) if draw(st.booleans())
                  else st.integers(0, len(cells) - 1))
    cells[column] = draw(NUMBER_TEXT | st.text(max_size=12))
    lines[row] = ",".join(cells)
    if draw(st.integers(0, 3)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), draw(st.text(max_size=40)))
    raw = "\n".join(lines).encode("utf-8")
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(SPLICE) + raw[at:]
    return raw


@FUZZ
@given(raw=st.one_of(mutated_csv(), st.binary(max_size=300)))
def test_a_csv_gives_storable_releases_or_a_release_error(raw: bytes) -> None:
    try:
        releases = parse_observations_csv(raw, source="fuzz.csv", stem="fuzz")
    except ReleaseError as err:
        assert "\n" not in str(err)
        return
    assert releases and all(isinstance(p, ParsedRelease) for p in releases)
    for parsed in releases:
        _assert_storable(parsed)


FRONT = "---\npublisher: gacc\npublished_on: 2025-01-13\n---\n"
PAGES = st.one_of(
    st.text(max_size=120).map(lambda text: (FRONT + text).encode("utf-8")),
    st.just(FRONT.encode() + "2024年我国跨境电商进出口2.63万亿元，同比增长10.8%。".encode()),
)
# Contents that match a name's suffix (so that most files reach their parser), or any bytes.
CONTENT_OF = {b".json": mutated_release(), b".JSON": mutated_release(), b".csv": mutated_csv(),
              b".txt": PAGES, b".html": PAGES}
NAME_BYTES = st.binary(min_size=1, max_size=40).map(
    lambda raw: raw.replace(b"/", b"_").replace(b"\0", b"_"))
NAME_TEXT = st.text(st.characters(blacklist_characters="/\0", blacklist_categories=("Cs",)),
                    min_size=1, max_size=30).map(os.fsencode)


@dataclass(frozen=True)
class Entry:
    """One thing dropped in the inbox."""

    name: bytes
    kind: str  # 'file', 'link' (to a secret outside), 'folder-link', 'fifo'
    content: bytes
    is_old: bool  # last modified long ago (a hidden file is then refused, not left alone)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    """A file as any program could drop it: a name of any bytes but '/' and NUL (hidden one
    time in four), contents that fit its suffix or not, and now and then a link or a pipe."""
    suffix = draw(st.sampled_from([*CONTENT_OF, b"", b".docx"]))
    name = (draw(st.sampled_from([b"", b"", b"", b"."])) + draw(NAME_BYTES | NAME_TEXT))[:140]
    fitting = CONTENT_OF.get(suffix, st.binary(max_size=200))
    content = draw(fitting if draw(st.integers(0, 3)) else st.binary(max_size=200))
    kind = draw(st.sampled_from(["file"] * 9 + ["link", "folder-link", "fifo"]))
    return Entry(name + suffix, kind, content, draw(st.booleans()))


ENTRIES = st.lists(entries(), min_size=1, max_size=4, unique_by=lambda entry: entry.name).filter(
    lambda dropped: all(e.name not in (b".", b"..", b"processed", b"rejected")
                        and not e.name.endswith(b".reason.txt") for e in dropped))


def _make(folder: bytes, entry: Entry, secret: Path) -> None:
    path = folder + b"/" + entry.name
    if entry.kind == "link":
        os.symlink(os.fsencode(secret), path)
    elif entry.kind == "folder-link":
        os.symlink(os.fsencode(secret.parent), path)
    elif entry.kind == "fifo":
        os.mkfifo(path)
    else:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, entry.content)
        os.close(fd)
    if entry.is_old:
        os.utime(path, (1_600_000_000, 1_600_000_000), follow_symlinks=False)


def _is_left_alone(entry: Entry) -> bool:
    """What docs/inbox.md says the inbox leaves where it is: README files, and hidden files
    modified in the last minute (links, pipes and old hidden files are refused)."""
    return entry.name.startswith(b"README") or (
        entry.name.startswith(b".") and entry.kind == "file" and not entry.is_old)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=ENTRIES)
def test_the_inbox_never_raises_and_every_file_is_moved_with_its_reason(
        warehouse: Warehouse, tmp_path: Path, entries: list[Entry]) -> None:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(SECRET, encoding="utf-8")
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    try:
        inbox = work / "inbox"
        inbox.mkdir()
        for entry in entries:
            _make(os.fsencode(inbox), entry, secret)

        report = process_inbox(warehouse.path, inbox, work, work / "raw")

        assert all("\n" not in line and "\r" not in line for line in report.warnings())
        left = {os.fsencode(p.name) for p in inbox.iterdir()} - {b"processed", b"rejected"}
        assert left == {e.name for e in entries if _is_left_alone(e)}
        processed = _names(inbox / "processed")
        rejected = _names(inbox / "rejected")
        for entry in entries:
            if not _is_left_alone(entry):
                assert (entry.name in processed) != (entry.name in rejected)
        for name in rejected - {n for n in rejected if n.endswith(b".reason.txt")}:
            assert name + b".reason.txt" in rejected
        archived = [p.read_text("utf-8", "replace") for p in (work / "raw").rglob("*")
                    if p.is_file()]
        assert not any(SECRET in text for text in [*archived, *report.warnings()])
    finally:
        shutil.rmtree(work)


def _names(folder: Path) -> set[bytes]:
    return {os.fsencode(p.name) for p in folder.iterdir()} if folder.is_dir() else set()
