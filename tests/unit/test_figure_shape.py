"""A figure's fields are declared once, in the release model (flows/model/release.py): the
warehouse's tables and staging view, the bulk files' columns, the CSV's columns, the extractor
and the release format's documentation follow it, and these tests fail when one drifts."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path

import duckdb
import pytest

from flows.extract.model import ExtractedFigure
from flows.ingest.parse_csv import (
    OPTIONAL_COLUMNS,
    RELEASE_COLUMNS,
    REQUIRED_COLUMNS,
    parse_observations_csv,
)
from flows.model.release import Figure, HeldFigure, Release
from flows.paths import SQL_DIR
from flows.warehouse import bulk_insert, fast_load, sqlrunner
from flows.warehouse.bulk_insert import OBSERVATION_COLUMNS, REVIEW_COLUMNS, duckdb_type
from flows.warehouse.load import load_seeds
from tests import ROOT  # the checkout: docs/, also when flows is installed
from tests.conftest import copy_seeds, figure, release

# The one name the warehouse gives a field otherwise (sql/load/bulk_insert_*.sql rename it).
STORED_AS = {"multiplier": "multiplier_word"}


def _stored(columns: object) -> set[str]:
    return {STORED_AS.get(name, name) for name in columns}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Each table and staging view of a new warehouse, with its columns and their types."""
    db = tmp_path_factory.mktemp("shape") / "w.duckdb"
    with duckdb.connect(str(db)) as con:
        sqlrunner.apply_layers(con, ["schema", "staging"])
        rows = con.execute(
            "select table_schema || '.' || table_name, column_name, data_type "
            "from information_schema.columns").fetchall()
    tables: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, {})[column] = data_type
    return tables


def test_an_observation_row_is_a_figure_and_what_the_warehouse_adds(warehouse) -> None:
    table = warehouse["core.observations"]
    assert _stored(OBSERVATION_COLUMNS) == set(table)
    assert set(Figure.model_fields) <= set(OBSERVATION_COLUMNS)


def test_a_review_row_is_a_held_number_and_what_the_warehouse_adds(warehouse) -> None:
    table = warehouse["core.review_items"]
    assert _stored(REVIEW_COLUMNS) == set(table) - {"review_id", "queued_at"}
    assert set(HeldFigure.model_fields) <= set(REVIEW_COLUMNS)


def test_a_release_row_is_a_release_and_what_the_load_adds(warehouse) -> None:
    assert set(bulk_insert.RELEASE_COLUMNS) == set(warehouse["core.releases"]) - {"loaded_at"}
    assert set(Release.model_fields) - {"figures", "held_for_review", "document"} <= set(
        bulk_insert.RELEASE_COLUMNS)


def test_each_figure_field_is_stored_with_the_type_it_is_read_as(warehouse) -> None:
    table = warehouse["core.observations"]
    for name, info in Figure.model_fields.items():
        assert table[STORED_AS.get(name, name)].lower() == duckdb_type(info.annotation), name


def test_the_staging_view_carries_every_figure_field(warehouse) -> None:
    assert _stored(Figure.model_fields) <= set(warehouse["main.stg_observations"])


def test_a_held_number_has_a_figures_fields_and_its_reason() -> None:
    figure = Figure.model_fields
    for name, info in HeldFigure.model_fields.items():
        if name != "reason":
            assert name in figure, name
            assert duckdb_type(info.annotation) == duckdb_type(figure[name].annotation), name


def test_the_extractor_reads_every_field_of_a_held_number() -> None:
    extracted = {f.name for f in fields(ExtractedFigure)}
    assert set(HeldFigure.model_fields) - {"reason"} <= extracted


def test_every_figure_field_is_a_csv_column() -> None:
    release_level = {"published_on", *RELEASE_COLUMNS}
    assert set(REQUIRED_COLUMNS + OPTIONAL_COLUMNS) - release_level == set(Figure.model_fields)


def test_the_release_format_documents_every_figure_field() -> None:
    text = (ROOT / "docs" / "release-format.md").read_text(encoding="utf-8")
    table = text.split("## Figure fields", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| ([^|]+) \|", table, re.MULTILINE))
    names = {name for cell in documented for name in re.findall(r"`([a-z_]+)`", cell)}
    assert names == set(Figure.model_fields)


def test_the_fast_load_reads_every_field_of_the_model() -> None:
    from flows.warehouse.fast_load import STRUCTURE

    assert '"figures": [{' in STRUCTURE
    for name in Figure.model_fields:
        assert f'"{name}": ' in STRUCTURE.split('"figures": [{', 1)[1], name


def test_no_sql_of_the_load_lists_a_figures_columns() -> None:
    """A figure's columns are named in sql/load only by the rules that check them: a file that
    names every one is a second declaration of the figure."""
    paths = sorted((SQL_DIR / "load").glob("*.sql"))
    assert len(paths) > 10, f"no statements found in {SQL_DIR / 'load'}"
    for path in paths:
        text = path.read_text(encoding="utf-8")
        named = {name for name in Figure.model_fields if re.search(rf"\b{name}\b", text)}
        assert named != set(Figure.model_fields), path.name


NOTE_ZH = "注：跨境电商进出口数据为初步统计，含市场采购贸易方式出口。"


def _cbec_with_note(year: int, value: float, written: str) -> dict:
    fig = figure("china.cbec.trade_value", ("year", f"{year}-01-01", f"{year}-12-31"), value,
                 written, multiplier="trillion")
    return {**{k: v for k, v in fig.items() if v is not None}, "note_zh": NOTE_ZH}


def test_a_figures_chinese_note_reaches_the_warehouse_and_the_analysts_view(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """note_zh, added as one field of the model (and its column), loads by both paths: a file
    as json.dumps writes it (DuckDB checks and inserts it) and one indented (the model does)."""
    seeds = copy_seeds(tmp_path / "seeds")
    fast = release("note-zh-fast", "2024-01-12", [_cbec_with_note(2023, 2.38e12, "2.38")])
    slow = release("note-zh-model", "2023-01-13", [_cbec_with_note(2022, 2.11e12, "2.11")])
    (seeds / "releases" / "note-zh-fast.json").write_text(
        json.dumps(fast, ensure_ascii=False), encoding="utf-8")
    (seeds / "releases" / "note-zh-model.json").write_text(
        json.dumps(slow, ensure_ascii=False, indent=1), encoding="utf-8")
    screened: list[str] = []
    screen = fast_load.screen

    def counting(*args: object) -> dict[Path, str]:
        found = screen(*args)
        screened.extend(found.values())
        return found

    monkeypatch.setattr(fast_load, "screen", counting)
    db = tmp_path / "w.duckdb"
    summary = load_seeds(db, seeds)
    assert not summary.rejected
    assert screened == ["note-zh-fast"]  # the other went through the model
    with duckdb.connect(str(db)) as con:
        sqlrunner.apply_layers(con)
        stored = con.execute("select release_id, note_zh from core.observations "
                             "where note_zh is not null order by release_id").fetchall()
        shown = con.execute("select release_id, note_zh from figure_vintages "
                            "where note_zh is not null order by release_id").fetchall()
    assert stored == shown == [("note-zh-fast", NOTE_ZH), ("note-zh-model", NOTE_ZH)]


def test_a_csv_column_of_the_new_field_is_read() -> None:
    body = ("metric_id,period_kind,period_start,period_end,value,unit,published_on,note_zh\n"
            f"china.cbec.trade_value,year,2023-01-01,2023-12-31,2.38e12,yuan,2024-01-12,"
            f"{NOTE_ZH}\n").encode()
    parsed, = parse_observations_csv(body, source="note.csv", stem="note", publisher_id="gacc")
    assert parsed.release.figures[0].note_zh == NOTE_ZH
