"""Loading is idempotent, atomic per release, and refuses bad releases without losing others."""

from __future__ import annotations

import json
import os
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from flows.model.release_files import ReleaseError, read_release
from flows.warehouse import load as load_module
from flows.warehouse.build_and_check import build_warehouse
from flows.warehouse.bulk_insert import BulkFile
from flows.warehouse.load import insert_release_rows, load_releases, load_seeds, release_rows
from tests.conftest import ARTICLE_RELEASE, copy_seeds, figure, release

TABLES = ["core.publishers", "core.metrics", "core.releases", "core.observations"]


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of the stored tables, minus load timestamps, in a stable order."""
    with duckdb.connect(str(db), read_only=True) as con:
        out = {}
        for table in TABLES:
            rows = con.execute(f"select * exclude (loaded_at) from {table} order by all"
                               if table == "core.releases"
                               else f"select * from {table} order by all").fetchall()
            out[table] = rows
        return out


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A copy of the reference seeds and the article's release, that a test may add bad
    releases to (the backfill has its own tests)."""
    return copy_seeds(tmp_path / "seeds")


def test_loading_twice_changes_nothing(tmp_path: Path, seeds: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = load_seeds(db, seeds)
    before = snapshot(db)
    second = load_seeds(db, seeds)
    assert first.loaded == ["globaltimes-2025-06-22-yiwu-cbec"]
    assert second.loaded == [] and second.unchanged == ["globaltimes-2025-06-22-yiwu-cbec"]
    assert snapshot(db) == before
    assert len(before["core.observations"]) == 15


def test_a_load_failing_halfway_leaves_the_warehouse_as_it_was(tmp_path: Path, seeds: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_seeds(db, seeds)
    before = snapshot(db)
    parsed = read_release(ARTICLE_RELEASE)
    release_row, obs = release_rows(parsed, None)
    release_row["release_id"] = "second-release"
    for row in obs:
        row["release_id"] = "second-release"
    obs[2]["seq"] = obs[1]["seq"]  # the third observation repeats the second's key: fails
    # mid-insert
    with duckdb.connect(str(db)) as con, pytest.raises(duckdb.ConstraintException):
        con.execute("begin transaction")
        try:
            insert_release_rows(con, release_row, obs)
        finally:
            con.execute("rollback")
    assert snapshot(db) == before


def test_a_payload_of_several_releases_loads_whole_or_not_at_all(
        tmp_path: Path, seeds: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_seeds(db, seeds)
    before = snapshot(db)
    good = dict(release("payload-good", "2025-01-10", [
        figure("china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 2.63e12, "2.63",
               multiplier="trillion")]))
    bad = dict(release("payload-bad", "2025-01-10", [
        figure("no.such.metric", ("year", "2024-01-01", "2024-12-31"), 1.0, "1")]))
    parsed = []
    for payload in (good, bad):
        path = tmp_path / f"{payload['release_id']}.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        parsed.append(read_release(path))
    with duckdb.connect(str(db)) as con, pytest.raises(ReleaseError, match=r"no\.such\.metric"):
        load_releases(con, parsed)
    assert snapshot(db) == before


def test_same_id_with_other_content_is_refused_and_recorded(tmp_path: Path, seeds: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_seeds(db, seeds)
    before = snapshot(db)
    edited = json.loads(ARTICLE_RELEASE.read_text(encoding="utf-8"))
    edited["figures"][1]["value"] = 2_200_000
    edited["figures"][1]["value_as_written"] = "2.2"
    path = seeds / "releases" / "globaltimes-2025-06-22-yiwu-cbec.json"
    path.write_text(json.dumps(edited), encoding="utf-8")
    summary = load_seeds(db, seeds)
    assert summary.loaded == [] and len(summary.rejected) == 1
    assert "already loaded with different content" in str(summary.rejected[0])
    assert snapshot(db) == before
    with duckdb.connect(str(db), read_only=True) as con:
        reasons = con.execute("select release_id, reason from core.rejected_releases").fetchall()
    assert reasons[0][0] == "globaltimes-2025-06-22-yiwu-cbec"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "malformed JSON at line 1"),
        (json.dumps(release("neg", "2025-01-01", [figure(
            "yiwu.ecommerce_entities.total", ("level", "2024-01-01", "2024-12-31"), -5, "-5",
            unit="entities")])), "is negative"),
        (json.dumps(release("rate", "2025-01-01", [figure(
            "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), None, yoy=-120)])),
         "at or below -100%"),
        (json.dumps(release("mult", "2025-01-01", [figure(
            "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 2.63e12, "2.63",
            multiplier="zillion")])), "unknown multiplier 'zillion'"),
        (json.dumps(release("empty", "2025-01-01", [])), "holds no figures"),
        (json.dumps({k: v for k, v in release("nodate", "2025-01-01", [figure(
            "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 1e12, "1",
            multiplier="trillion")]).items() if k != "published_on"}),
         "published_on: Field required"),
        (json.dumps(release("metric", "2025-01-01", [figure(
            "no.such.metric", ("year", "2024-01-01", "2024-12-31"), 1.0, "1")])),
         "unknown metric 'no.such.metric'"),
        (json.dumps(release("unit", "2025-01-01", [figure(
            "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 1.0, "1",
            unit="dollars")])), "measured in 'yuan', not 'dollars'"),
        (json.dumps(release("period", "2025-01-01", [figure(
            "china.cbec.trade_value", ("year", "2024-01-01", "2024-06-30"), 1.0, "1")])),
         "is not a whole year"),
    ],
    ids=["malformed", "negative", "rate-below-100", "multiplier", "no-figures", "no-date",
         "unknown-metric", "wrong-unit", "bad-period"],
)
def test_bad_release_is_refused_with_a_reason_and_the_rest_still_load(
    tmp_path: Path, seeds: Path, content: str, message: str
) -> None:
    (seeds / "releases" / "000-bad.json").write_text(content, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    summary = load_seeds(db, seeds)
    assert summary.loaded == ["globaltimes-2025-06-22-yiwu-cbec"]
    assert len(summary.rejected) == 1
    error = summary.rejected[0]
    assert isinstance(error, ReleaseError)
    assert message in str(error)
    assert "nothing of it was written" in str(error)
    with duckdb.connect(str(db), read_only=True) as con:
        count = con.execute("select count(*) from core.observations").fetchone()[0]
        rejected = con.execute("select source_path, reason from core.rejected_releases").fetchall()
    assert count == 15
    assert rejected[0][0].endswith("000-bad.json") and message in rejected[0][1]


def test_a_quote_not_in_the_document_is_refused(tmp_path: Path) -> None:
    payload = json.loads(ARTICLE_RELEASE.read_text(encoding="utf-8"))
    payload["figures"][0]["quote"] = "A sentence the article never printed."
    (tmp_path / "r.json").write_text(json.dumps(payload), encoding="utf-8")
    shutil.copy(ARTICLE_RELEASE.with_suffix(".txt"), tmp_path / payload["document"])
    with pytest.raises(ReleaseError, match=r"not verbatim in the document: yiwu\.cbec"):
        read_release(tmp_path / "r.json")


def test_quote_spans_point_at_the_quote(tmp_path: Path, seeds: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_seeds(db, seeds)
    text = ARTICLE_RELEASE.with_suffix(".txt").read_text(encoding="utf-8")
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select quote, quote_start, quote_end from core.observations").fetchall()
    assert all(text[start:end] == quote for quote, start, end in rows)


def _write_release(folder: Path, payload: dict) -> Path:
    path = folder / f"{payload['release_id']}.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return path


def _cbec(year: int, value: float, written: str) -> dict:
    return figure("china.cbec.trade_value", ("year", f"{year}-01-01", f"{year}-12-31"), value,
                  written, multiplier="trillion")


def test_a_rerun_skips_loaded_files_without_parsing_them(
        tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "w.duckdb"
    _write_release(seeds / "releases", release("cbec-2023", "2024-01-12", [
        _cbec(2023, 2.38e12, "2.38")]))
    assert len(load_seeds(db, seeds).loaded) == 2
    new = _write_release(seeds / "releases", release("cbec-2024", "2025-01-13", [
        _cbec(2024, 2.63e12, "2.63")]))
    parsed: list[str] = []
    real = load_module.read_release

    def spy(path: Path, raw: bytes | None = None):
        parsed.append(path.name)
        return real(path, raw)

    monkeypatch.setattr(load_module, "read_release", spy)
    summary = load_seeds(db, seeds)
    assert parsed == [new.name]  # the two loaded files were skipped by their hash
    assert summary.loaded == ["cbec-2024"]
    assert sorted(summary.unchanged) == ["cbec-2023", "globaltimes-2025-06-22-yiwu-cbec"]


def test_the_same_file_twice_under_two_names_loads_once(tmp_path: Path, seeds: Path) -> None:
    payload = release("cbec-2023", "2024-01-12", [_cbec(2023, 2.38e12, "2.38")])
    _write_release(seeds / "releases", payload)
    shutil.copy(seeds / "releases" / "cbec-2023.json", seeds / "releases" / "zz-copy.json")
    summary = load_seeds(tmp_path / "w.duckdb", seeds)
    assert summary.rejected == []
    assert summary.unchanged == ["cbec-2023"]


def test_releases_of_one_day_keep_their_file_order_as_load_order(
        tmp_path: Path, seeds: Path) -> None:
    db = tmp_path / "w.duckdb"
    for n, (value, written) in enumerate([(2.38e12, "2.38"), (2.37e12, "2.37"),
                                          (2.36e12, "2.36")]):
        _write_release(seeds / "releases", release(f"same-day-{n}", "2024-01-12", [
            _cbec(2023, value, written)]))
    load_seeds(db, seeds)
    build_warehouse(db)
    with duckdb.connect(str(db), read_only=True) as con:
        order = [r[0] for r in con.execute(
            "select release_id from core.releases where release_id like 'same-day-%' "
            "order by loaded_at").fetchall()]
        latest = con.execute(
            "select value from figures where metric_id = 'china.cbec.trade_value' "
            "and period_label = '2023' and not is_derived").fetchone()
    assert order == ["same-day-0", "same-day-1", "same-day-2"]
    # Vintages of one day follow the load order, so the last file's figure is current.
    assert latest == (2.36e12,)


def test_when_the_warehouse_refuses_the_batch_each_release_is_loaded_alone(
        tmp_path: Path, seeds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_release(seeds / "releases", release("cbec-2023", "2024-01-12", [
        _cbec(2023, 2.38e12, "2.38")]))
    real = BulkFile.insert
    calls: list[list[str]] = []

    def refuse_batches_and_one_release(self: BulkFile, con) -> None:
        for out in self._files.values():
            out.flush()
        ids = [json.loads(line)["release_id"]
               for line in self._paths["releases"].read_text(encoding="utf-8").splitlines()]
        calls.append(ids)
        if len(ids) > 1 or ids == ["cbec-2023"]:
            raise duckdb.ConstraintException("refused by the test")
        real(self, con)

    monkeypatch.setattr(BulkFile, "insert", refuse_batches_and_one_release)
    db = tmp_path / "w.duckdb"
    summary = load_seeds(db, seeds)
    assert calls[0] == ["cbec-2023", "globaltimes-2025-06-22-yiwu-cbec"]
    assert summary.loaded == ["globaltimes-2025-06-22-yiwu-cbec"]
    assert [e.release_id for e in summary.rejected] == ["cbec-2023"]
    assert "refused by the test" in summary.rejected[0].problem
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select release_id from core.releases").fetchall() == [
            ("globaltimes-2025-06-22-yiwu-cbec",)]
        assert con.execute("select release_id from core.rejected_releases").fetchall() == [
            ("cbec-2023",)]


def test_bulk_rows_keep_text_nulls_and_numbers_exactly(tmp_path: Path, seeds: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_seeds(db, seeds)
    awkward = 'He said "2.63", then,\nnext line; 义乌\\发布 \u2028 end'
    payload = release("awkward", "2025-01-13", [
        {**_cbec(2024, 2.63e12, "2.63"), "quote": awkward, "qualifier_text": "",
         "note": None}])
    parsed = read_release(_write_release(tmp_path, payload))
    release_row, obs = release_rows(parsed, None)
    with duckdb.connect(str(db)) as con:
        insert_release_rows(con, release_row, obs)
        row = con.execute(
            "select quote, qualifier_text, note, value, rounding_halfwidth, period_end "
            "from core.observations where release_id = 'awkward'").fetchone()
    assert row[0] == awkward
    assert row[1] == "" and row[2] is None
    assert row[3] == 2.63e12 and row[4] == 5e9
    assert str(row[5]) == "2024-12-31"


def _one_figure(**changes: object) -> dict:
    payload = release("absurd", "2025-01-01", [figure(
        "china.cbec.trade_value", ("year", "2024-01-01", "2024-12-31"), 2.63e12, "2.63",
        multiplier="trillion", yoy=10.8)])
    payload["figures"][0].update(changes)
    return payload


def _raw(payload: dict, **numbers: str) -> bytes:
    """The payload's JSON with some fields' values written verbatim (numbers JSON can hold but
    json.dumps would not write: 1e309, 400 digits, NaN)."""
    text = json.dumps(payload)
    for key, written in numbers.items():
        text = text.replace(f'"{key}": "@"', f'"{key}": {written}')
    return text.encode("utf-8")


@pytest.mark.parametrize(("raw", "message"), [
    (b"[" * 100_000, "nested 100,000 levels deep; a release is at most 20 levels"),
    (_raw(_one_figure(value="@"), value="1e309"),
     "figures.0.value: value 1E+309 of china.cbec.trade_value is absurd"),
    (_raw(_one_figure(value="@"), value="9" * 5000),
     "value 1.000000E+5000 of china.cbec.trade_value is absurd"),
    (_raw(_one_figure(value="@"), value="NaN"), "the bare constant NaN"),
    (_raw(_one_figure(yoy_pct="@"), yoy_pct="-Infinity"), "the bare constant -Infinity"),
    (_raw(_one_figure(value_as_written="1e999999999")),
     "value_as_written '1e999999999' is not a number below 1e18"),
    (_raw(_one_figure(value_as_written="NaN")), "value_as_written 'NaN' is not a number"),
    (_raw(_one_figure(value_as_written="2." + "6" * 70)), "at most 64"),
    (_raw(_one_figure(yoy_pct="@"), yoy_pct="1e-30"), "has 30 digits after the decimal point"),
    (_raw(_one_figure(yoy_pct=250_000)), "above 100000% (a thousandfold rise)"),
    (json.dumps(_one_figure(quote="\ud800")).encode("utf-8"), "unpaired surrogate"),
], ids=["deep", "1e309", "5000-digits", "nan", "minus-infinity", "written-overflow",
        "written-nan", "written-long", "yoy-decimals", "yoy-huge", "surrogate"])
def test_a_number_the_warehouse_cannot_hold_is_refused_in_one_line(
        tmp_path: Path, raw: bytes, message: str) -> None:
    (tmp_path / "r.json").write_bytes(raw)
    with pytest.raises(ReleaseError) as err:  # RecursionError, ValueError, decimal.Overflow…
        read_release(tmp_path / "r.json")
    assert message in err.value.problem and "\n" not in str(err.value)


def test_a_refused_file_whose_name_is_not_utf8_is_recorded(tmp_path: Path, seeds: Path) -> None:
    (seeds / "releases" / os.fsdecode(b"000-bad\xff\n.json")).write_text("{x", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    summary = load_seeds(db, seeds)
    assert summary.loaded == ["globaltimes-2025-06-22-yiwu-cbec"]
    with duckdb.connect(str(db), read_only=True) as con:
        ((source, sha),) = con.execute(
            "select source_path, content_sha256 from core.rejected_releases").fetchall()
    assert source.endswith("/000-bad\\xff\\n.json") and len(sha) == 64


def test_a_document_that_is_a_link_or_elsewhere_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0", encoding="utf-8")
    folder = tmp_path / "releases"
    folder.mkdir()
    (folder / "doc.txt").symlink_to(secret)
    for document, message in [("doc.txt", "its document 'doc.txt' was not read: it is a "
                               "symbolic link"),
                              ("../secret.txt", "must be a file name beside it, with no folder"),
                              ("gone.txt", "its document 'gone.txt' is missing beside it")]:
        payload = {**_one_figure(quote="root:x:0:0"), "document": document}
        (folder / "r.json").write_text(json.dumps(payload), encoding="utf-8")
        with pytest.raises(ReleaseError, match=message):
            read_release(folder / "r.json")


def test_a_number_held_for_review_may_be_absurd_but_never_infinite(tmp_path: Path) -> None:
    payload = _one_figure()
    payload["held_for_review"] = [{"reason": "odd", "quote": "q", "value": "@"}]
    (tmp_path / "r.json").write_bytes(_raw(payload, value="1.2e34"))
    assert read_release(tmp_path / "r.json").release.held_for_review[0].value == Decimal("1.2e34")
    (tmp_path / "r.json").write_bytes(_raw(payload, value="1e309"))
    with pytest.raises(ReleaseError, match=r"held_for_review\.0\.value: value 1E\+309 of \? is "
                       "absurd: a number must be below 1e100"):
        read_release(tmp_path / "r.json")


def test_a_load_in_batches_stores_what_one_batch_does(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The curated seeds and synthetic releases loaded 7 files at a time (a bad one among
    them) give the same rows and the same refusal as one batch."""
    from bench.synthetic import make_seeds

    seeds = make_seeds(tmp_path / "seeds", 12, 5)
    (seeds / "releases" / "synthetic-000003.json").write_text("{not json", encoding="utf-8")
    whole = load_seeds(tmp_path / "whole.duckdb", seeds)
    monkeypatch.setattr(load_module, "LOAD_BATCH_FILES", 7)
    batched = load_seeds(tmp_path / "batched.duckdb", seeds)
    assert len(whole.loaded) > 20 and [e.problem for e in whole.rejected] == [
        e.problem for e in batched.rejected] != []
    assert batched.loaded == whole.loaded
    assert snapshot(tmp_path / "batched.duckdb") == snapshot(tmp_path / "whole.duckdb")
