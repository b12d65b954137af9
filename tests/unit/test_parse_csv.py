"""CSV of observations: grouped into releases, every row kept verbatim, bad files refused whole."""

from __future__ import annotations

from decimal import Decimal

import pytest

from flows.ingest import parse_csv
from flows.ingest.parse_csv import parse_observations_csv
from flows.model.release_files import ReleaseError

HEADER = "metric_id,period_kind,period_start,period_end,value,unit,published_on,multiplier," \
         "value_as_written,comparator,yoy_pct,vintage_status\n"
ROWS = (
    "china.cbec.trade_value,year,2023-01-01,2023-12-31,2380000000000,yuan,2024-01-12,"
    "trillion,2.38,,15.6,\n"
    "china.cbec.trade_value,half,2024-01-01,2024-06-30,1220000000000,yuan,2024-07-30,"
    "trillion,1.22,~,10.5,preliminary\n"
    "china.cbec.exports,half,2024-01-01,2024-06-30,,yuan,2024-07-30,,,,18.7,\n"
)


def parse(text: str, **kwargs: object):
    return parse_observations_csv(text.encode("utf-8"), source="obs.csv", stem="customs-csv",
                                  publisher_id="gacc", **kwargs)


def test_rows_are_grouped_into_one_release_per_publication_date() -> None:
    releases = parse(HEADER + ROWS)
    assert [p.release.release_id for p in releases] == [
        "customs-csv-2024-01-12", "customs-csv-2024-07-30"]
    first, second = (p.release for p in releases)
    assert first.publisher_id == "gacc" and len(first.figures) == 1
    fig = first.figures[0]
    assert (fig.value, fig.value_as_written, fig.multiplier, fig.comparator, fig.yoy_pct) == (
        Decimal("2380000000000"), "2.38", "trillion", "=", Decimal("15.6"))
    half, exports = second.figures
    assert (half.comparator, half.vintage_status) == ("~", "preliminary")
    assert (exports.value, exports.comparator, exports.yoy_pct, exports.yoy_comparator) == (
        None, None, Decimal("18.7"), "=")


def test_each_figure_quotes_its_row_verbatim_with_its_span() -> None:
    releases = parse(HEADER + ROWS)
    parsed = releases[1]
    fig = parsed.release.figures[0]
    assert fig.quote == ROWS.splitlines()[1]
    start, end = parsed.quote_span(fig.quote)
    assert parsed.document_text[start:end] == fig.quote


def test_the_same_rows_give_the_same_claims_whatever_else_the_file_holds() -> None:
    alone = parse(HEADER + ROWS.splitlines(keepends=True)[0])
    together = parse(HEADER + ROWS)
    assert alone[0].release.release_id == together[0].release.release_id
    assert alone[0].claims_sha256 == together[0].claims_sha256
    assert alone[0].content_sha256 != together[0].content_sha256


@pytest.mark.parametrize(("text", "message"), [
    ("metric_id,value\nx,1\n", "missing column(s) period_kind, period_start"),
    (HEADER.replace("vintage_status", "colour") + ROWS, "unknown column(s) colour"),
    (HEADER + ROWS + "china.cbec.trade_value,year,2022-01-01\n", "line 5 has fewer fields"),
    (HEADER + ROWS.replace("2380000000000", "2.38万亿"), "value '2.38万亿' is not a number"),
    (HEADER + ROWS.replace("2024-01-12", ""), "line 2 has no published_on date"),
    (HEADER, "holds no figures"),
    (HEADER + ROWS.replace("15.6", "-150"), "at or below -100%"),
    (HEADER + ROWS.replace(",yuan,2024-01-12", ",yuan,2023-06-01"),
     "had not ended when the release was published"),
    ('"metric_id,value\n', "malformed CSV in its header row: unexpected end of data"),
], ids=["missing-columns", "unknown-column", "short-row", "bad-number", "no-date", "empty",
        "rate-below-100", "future-period", "unclosed-quote-in-header"])
def test_a_bad_csv_is_refused_whole_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ReleaseError) as err:
        parse(text)
    assert message in str(err.value)
    assert "nothing of it was written" in str(err.value)


def test_a_csv_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(ReleaseError, match="not UTF-8"):
        parse_observations_csv((HEADER + "跨境").encode("gbk"), source="x.csv", stem="x")


@pytest.mark.parametrize(("value", "message"), [
    ("1e309", "value 1E+309 of china.cbec.trade_value is absurd"),
    ("9" * 400, "value 1.000000E+400 of china.cbec.trade_value is absurd"),
    ("Infinity", "value: Input should be a finite number"),
    ("NaN", "value: Input should be a finite number"),
    ("0." + "0" * 30 + "1", "has 31 digits after the decimal point; at most 20"),
], ids=["1e309", "400-digits", "infinity", "nan", "31-decimals"])
def test_a_value_that_is_not_a_storable_number_is_refused(value: str, message: str) -> None:
    row = f"china.cbec.trade_value,year,2023-01-01,2023-12-31,{value},yuan,2024-01-12,,,,,\n"
    with pytest.raises(ReleaseError) as err:
        parse(HEADER + row)
    assert message in err.value.problem


def test_a_csv_holds_at_most_max_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_csv, "MAX_CSV_ROWS", 3)
    assert len(parse(HEADER + ROWS + "\n\n")) == 2  # three rows; blank lines are not rows
    with pytest.raises(ReleaseError, match="more than 3 rows; split it into files of at most 3"):
        parse(HEADER + ROWS + ROWS.splitlines(keepends=True)[0].replace("2024-01-12",
                                                                        "2024-01-13"))
