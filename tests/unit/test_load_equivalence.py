"""The fast load (DuckDB checks the release files, flows/warehouse/fast_load.py) and the
model's load (every file through the pydantic model) accept and refuse the same releases, with
the same reasons, and write the same rows: over the curated seeds, synthetic releases, and every
kind of bad release the other tests know, written the way the fast load reads them."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.synthetic import make_seeds
from flows.model.release import Figure, Release
from flows.paths import SEEDS_DIR
from flows.warehouse import fast_load
from flows.warehouse.load import LoadSummary, load_seeds
from tests.conftest import copy_seeds, figure, release
from tests.unit.test_fuzz_inbox import JSONISH, NUMBER_TEXT, SPLICE

YEAR_2024 = ("year", "2024-01-01", "2024-12-31")
SCRATCH = re.compile(r"barometer-load-[^/]+")
TABLES = {
    "core.releases": "select * exclude (loaded_at), rank() over (order by loaded_at) "
                     "from core.releases order by release_id",
    "core.observations": "select * from core.observations order by release_id, seq",
    "core.review_items": "select * exclude (queued_at) from core.review_items "
                         "order by review_id",
    "core.rejected_releases": "select * exclude (rejected_at) from core.rejected_releases "
                              "order by all",
}


def _ordered(item: Any, model: type[Release] | type[Figure]) -> Any:
    """An object's fields in the model's order (unknown ones last), without its nulls."""
    if not isinstance(item, dict):
        return item
    rank = {name: n for n, name in enumerate(model.model_fields)}
    return {k: item[k] for k in sorted(item, key=lambda k: rank.get(k, len(rank)))
            if item[k] is not None}


def canonical(payload: Any) -> str:
    """A release as json.dumps writes it, fields in the model's order and without nulls: the
    form the fast load checks."""
    payload = _ordered(payload, Release)
    if isinstance(payload, dict) and isinstance(payload.get("figures"), list):
        payload["figures"] = [_ordered(item, Figure) for item in payload["figures"]]
    return json.dumps(payload, ensure_ascii=False)


def _same_scratch(text: Any) -> Any:
    """A reason naming the load's scratch folder (a random name) with a fixed one."""
    return SCRATCH.sub("barometer-load-X", text) if isinstance(text, str) else text


def _tables(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: [tuple(map(_same_scratch, row)) for row in con.execute(sql).fetchall()]
                for name, sql in TABLES.items()}


def load_both(seeds: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch
              ) -> tuple[LoadSummary, set[Path]]:
    """Load the seeds once each way; assert the same outcome; return the fast load's summary
    and the files DuckDB was sure of (which the fast path then loaded itself)."""
    certified: set[Path] = set()
    screen = fast_load.screen

    def counting(*args: Any) -> dict[Path, str]:
        found = screen(*args)
        certified.update(found)
        return found

    monkeypatch.setattr(fast_load, "screen", counting)
    outcome = {}
    for fast in (True, False):
        db = tmp / f"{'fast' if fast else 'model'}.duckdb"
        db.unlink(missing_ok=True)
        summary = load_seeds(db, seeds, fast=fast)
        outcome[fast] = (summary.loaded, summary.unchanged,
                         [_same_scratch(str(err)) for err in summary.rejected], _tables(db))
    fast_rows, model_rows = outcome[True], outcome[False]
    assert fast_rows[:3] == model_rows[:3]
    for name in TABLES:
        assert fast_rows[3][name] == model_rows[3][name], name
    return load_seeds(tmp / "fast.duckdb", seeds), certified


def test_the_curated_seeds_load_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    for path in sorted((seeds / "releases").glob("*.json")):  # and as the fast load reads them
        payload = json.loads(path.read_text(encoding="utf-8"))
        payload["release_id"] += "-canonical"
        path.with_name(f"z-{path.name}").write_text(canonical(payload), encoding="utf-8")
    rerun, certified = load_both(seeds, tmp_path, monkeypatch)
    assert len(certified) >= 15  # the canonical copies without a document
    assert not rerun.loaded and not rerun.rejected


def test_synthetic_releases_load_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    seeds = make_seeds(tmp_path / "seeds", 40, 30)
    _, certified = load_both(seeds, tmp_path, monkeypatch)
    assert len(certified) == 40


def _good(release_id: str, figures: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return release(release_id, "2025-01-13", figures or [
        figure("china.cbec.trade_value", YEAR_2024, 2_630_000_000_000, "2.63",
               multiplier="万亿", yoy=10.8),
        figure("china.cbec.exports", ("half", "2024-01-01", "2024-06-30"), 1_000_000_000,
               "1,000", multiplier="million", yoy=-3.25)])


def _with(field: str, value: Any, index: int = 0) -> dict[str, Any]:
    payload = _good(f"f-{field}")
    payload["figures"][index][field] = value
    return payload


# Bad (and odd but good) releases, as text: those of test_inbox_poison, test_load and
# test_release_model*, each written the way the fast load reads files.
CASES: dict[str, str] = {
    "good": canonical(_good("good")),
    "deep-json": "[" * 100_000,
    "deep-object": '{"a":' * 50_000 + "1",
    "not-json": "{not json",
    "empty": "",
    "value-1e309": canonical(_good("inf")).replace("2630000000000", "1e309"),
    "value-400-digits": canonical(_good("d")).replace("2630000000000", "9" * 400),
    "value-nan": canonical(_good("nan")).replace("2630000000000", "NaN"),
    "value-trailing-zeros": canonical(_good("zeros")).replace("10.8", "10.80"),
    "value-exponent": canonical(_good("exp")).replace("2630000000000", "2.63e12"),
    "value-25-decimals": canonical(_good("dec")).replace("10.8", "10." + "0" * 24 + "1"),
    "value-17-digits": canonical(_good("d17")).replace("10.8", "10.800000000000001"),
    "value-as-string": canonical(_good("str")).replace("2630000000000", '"2630000000000"'),
    "minus-zero": canonical(_with("yoy_pct", 0)).replace('"yoy_pct": 0', '"yoy_pct": -0'),
    "yoy-absurd": canonical(_with("yoy_pct", 1e7)),
    "yoy-minus-100": canonical(_with("yoy_pct", -100)),
    "yoy-top": canonical(_with("yoy_pct", 100000)),
    "yoy-over-top": canonical(_with("yoy_pct", 100000.1)),
    "unpaired-surrogate": canonical(_good("sur")).replace('"Test release sur"', '"\\ud800"'),
    "escaped-quote": canonical(_with("quote", 'say "hi"\nthen')),
    "duplicate-key": canonical(_good("dup")).replace('"unit": "yuan"',
                                                     '"unit": "yuan", "unit": "share"', 1),
    "unknown-key": canonical(_good("extra")).replace('"unit": "yuan"',
                                                     '"unit": "yuan", "colour": "red"', 1),
    "trailing-comma": canonical(_good("comma")).replace("]}", "],}"),
    "spaced": json.dumps(_good("spaced"), indent=2),
    "nulls": json.dumps(_good("nulls")),
    "many-figures": canonical(release("many", "2025-01-13", [
        figure("china.cbec.trade_value", ("level", "2024-01-01", "2024-01-01"), 1, "1")
        for _ in range(10_001)])),
    "no-figures": canonical(release("none", "2025-01-13", [])),
    "future": canonical(release("future", "2999-01-01", _good("x")["figures"])),
    "period-after": canonical(release("early", "2024-06-01", _good("x")["figures"])),
    "same-period-twice": canonical(_good("twice", [_good("x")["figures"][0]] * 2)),
    "bad-id": canonical({**_good("x"), "release_id": "a b"}),
    "unicode-id": canonical({**_good("x"), "release_id": "été"}),
    "unknown-metric": canonical(_with("metric_id", "china.nothing")),
    "wrong-unit": canonical(_with("unit", "share")),
    "share-above-1": canonical(_good("share", [figure(
        "china.cbec.share_of_foreign_trade", YEAR_2024, 1.5, "150%", unit="share")])),
    "share-of-1": canonical(_good("share1", [figure(
        "china.cbec.share_of_foreign_trade", YEAR_2024, 1, "100%", unit="share")])),
    "unknown-source": canonical(_with("reported_by", "nobody")),
    "unknown-publisher": canonical({**_good("x"), "publisher_id": "nobody"}),
    "disagrees": canonical(_with("value", 2_640_000_000_000)),
    "within-1e-12": canonical(_with("value", 2_630_000_000_001)),
    "negative": canonical(_with("value", -5)),
    "no-comparator": canonical(_with("comparator", None)),
    "bad-comparator": canonical(_with("comparator", "≈")),
    "no-yoy-comparator": canonical(_with("yoy_comparator", None)),
    "bad-multiplier": canonical(_with("multiplier", "lakh")),
    "written-fraction": canonical(_with("value_as_written", "263/100")),
    "written-spaces": canonical(_with("value_as_written", " 2.63 ")),
    "written-long": canonical(_with("value_as_written", "2." + "6" * 70)),
    "written-percent": canonical(_good("pct", [figure(
        "china.cbec.share_of_foreign_trade", YEAR_2024, 0.049, "4.9%", unit="share")])),
    "written-zeros": canonical(_good("z", [figure(
        "china.cbec.trade_value", YEAR_2024, 600_000, "600,000")])),
    "bad-kind": canonical(_with("period_kind", "week")),
    "not-a-month": canonical(_good("m", [figure(
        "china.cbec.trade_value", ("month", "2024-02-01", "2024-02-28"), 1, "1")])),
    "leap-month": canonical(_good("leap", [figure(
        "china.cbec.trade_value", ("month", "2024-02-01", "2024-02-29"), 1, "1")])),
    "bad-quarter": canonical(_good("q", [figure(
        "china.cbec.trade_value", ("quarter", "2024-02-01", "2024-04-30"), 1, "1")])),
    "ytd": canonical(_good("ytd", [figure(
        "china.cbec.trade_value", ("ytd", "2024-01-01", "2024-09-30"), 1, "1")])),
    "ends-before": canonical(_good("eb", [figure(
        "china.cbec.trade_value", ("level", "2024-02-01", "2024-01-01"), 1, "1")])),
    "bad-date": canonical(_with("period_end", "2024-02-30")),
    "year-zero": canonical(_with("period_start", "0000-01-01")),
    "attributed-month": canonical(_with("attributed_on", "2024-03")),
    "attributed-bad": canonical(_with("attributed_on", "2024-3")),
    "vintage": canonical(_with("vintage_status", "final")),
    "bad-vintage": canonical(_with("vintage_status", "draft")),
    "number-for-text": canonical(_with("quote", 12)),
    "list-for-text": canonical(_with("note", [1, 2])),
    "only-yoy": canonical(_good("y", [figure("china.cbec.trade_value", YEAR_2024, None,
                                             yoy=5)])),
    "neither": canonical(_good("n", [figure("china.cbec.trade_value", YEAR_2024, None)])),
    "held-empty": canonical({**_good("held0"), "held_for_review": []}),
    "held": canonical({**_good("held1"), "held_for_review": [{"reason": "r", "quote": "q"}]}),
    "held-null": canonical(_good("heldnull")).replace("]}", '], "held_for_review": null}'),
    "document": canonical({**_good("doc"), "document": "missing.txt"}),
    "retrieved": canonical({**_good("ret"), "retrieved_at": "2025-01-13T08:00:00+08:00"}),
    "retrieved-bad": canonical({**_good("retbad"), "retrieved_at": "yesterday"}),
    "same-id-again": canonical({**_good("good"), "title": "other"}),
    "same-bytes-again": canonical(_good("good")),
    "top-level-list": "[1, 2]",
    "bom": "\ufeff" + canonical(_good("bom")),
}


def test_every_kind_of_bad_release_is_refused_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = copy_seeds(tmp_path / "seeds")
    for name, text in CASES.items():
        (seeds / "releases" / f"case-{name}.json").write_text(text, encoding="utf-8")
    (seeds / "releases" / "case-not-utf8.json").write_bytes(b'{"release_id": "\xff"}')
    rerun, certified = load_both(seeds, tmp_path, monkeypatch)
    assert not rerun.loaded  # the refused files are read again, and refused again
    names = {path.name.removeprefix("case-").removesuffix(".json") for path in certified}
    assert {"good", "yoy-top", "share-of-1", "ytd", "leap-month", "attributed-month",
            "written-percent", "written-zeros", "held-empty", "retrieved"} <= names
    assert not names & {"value-trailing-zeros", "duplicate-key", "unknown-key",
                        "trailing-comma", "value-as-string", "escaped-quote"}


def _mutate(payload: dict[str, Any], draw: st.DrawFn) -> str:
    """One figure field replaced (by a number as written, any JSON value or nothing), or the
    text spliced: mostly in the canonical form the fast load reads."""
    figure_ = payload["figures"][draw(st.integers(0, len(payload["figures"]) - 1))]
    key = draw(st.sampled_from(sorted({*figure_, "period_text", "attributed_on", "note",
                                       "vintage_status"})))
    how = draw(st.sampled_from(["number", "number", "json", "drop", "text"]))
    if how == "drop":
        figure_.pop(key, None)
    elif how == "json":
        figure_[key] = draw(JSONISH)
    elif how == "text":
        figure_[key] = draw(st.sampled_from(["2024-01-01", "2024-12-31", "2024-06", "=",
                                             "亿", "2.63", "1,000.5", "share", "month", ""]))
    else:
        figure_[key] = "@@NUMBER@@"
    text = canonical(payload).replace('"@@NUMBER@@"', draw(NUMBER_TEXT))
    if draw(st.integers(0, 5)) == 0:
        raw = text.encode("utf-8")
        at = draw(st.integers(0, len(raw)))
        text = (raw[:at] + draw(SPLICE) + raw[at + draw(st.integers(0, 4)):]).decode(
            "utf-8", "replace")
    return text


@st.composite
def mutated_releases(draw: st.DrawFn) -> list[str]:
    texts = []
    for n in range(draw(st.integers(1, 12))):
        payload = copy.deepcopy(_good(f"fuzz-{n}"))
        texts.append(_mutate(payload, draw) if draw(st.integers(0, 4)) else canonical(payload))
    return texts


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(texts=mutated_releases())
def test_fuzzed_releases_load_the_same(tmp_path_factory: pytest.TempPathFactory,
                                       texts: list[str]) -> None:
    tmp = tmp_path_factory.mktemp("fuzz")
    seeds = copy_seeds(tmp / "seeds")
    for n, text in enumerate(texts):
        (seeds / "releases" / f"fuzz-{n:02d}.json").write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        load_both(seeds, tmp, monkeypatch)
