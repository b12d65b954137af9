"""`barometer extract` and the lexicon: what an analyst sees before a release is loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from flows.extract import extract_figures, figure_json
from flows.extract.lexicon import LexiconError, lexicon_path, load_lexicon
from flows.paths import SEEDS_DIR

FIXTURES = Path(__file__).parent.parent / "fixtures" / "releases"


def barometer(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed CLI as an analyst would."""
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True,
                          text=True, timeout=60, check=False)


def test_extract_prints_exactly_the_figures_of_a_saved_page() -> None:
    result = barometer("extract", str(FIXTURES / "gacc-2025-01-13-cbec-2024.html"),
                       "--published", "2025-01-13", "--geography", "China")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    first = "据海关总署初步统计，2024年我国跨境电商进出口2.63万亿元，同比增长10.8%，" \
            "占外贸的比重从2021年的4.9%增长到2024年的6%。"
    headline = "2024年我国跨境电商进出口2.63万亿元"
    second = "其中，出口2.15万亿元，增长16.9%；"
    third = "进口4800亿元，下降3.1%。"
    fourth = "跨境电商平台已超过1.2万家，海外仓数量超过2500个。"
    year = {"period_start": "2024-01-01", "period_end": "2024-12-31"}
    assert lines == [
        {"value": 2630000000000, "unit": "yuan", "comparator": "=", **year, "yoy_pct": None,
         "metric": "china.cbec.trade_value", "quote": headline},
        {"value": 2630000000000, "unit": "yuan", "comparator": "=", **year, "yoy_pct": 10.8,
         "metric": "china.cbec.trade_value", "quote": first},
        {"value": 0.049, "unit": "share", "comparator": "=", "period_start": "2021-01-01",
         "period_end": "2021-12-31", "yoy_pct": None,
         "metric": "china.cbec.share_of_foreign_trade", "quote": first},
        {"value": 0.06, "unit": "share", "comparator": "=", **year, "yoy_pct": None,
         "metric": "china.cbec.share_of_foreign_trade", "quote": first},
        {"value": 2150000000000, "unit": "yuan", "comparator": "=", **year, "yoy_pct": 16.9,
         "metric": "china.cbec.exports", "quote": second},
        {"value": 480000000000, "unit": "yuan", "comparator": "=", **year, "yoy_pct": -3.1,
         "metric": "china.cbec.imports", "quote": third},
        {"value": 12000, "unit": "entities", "comparator": ">", **year, "yoy_pct": None,
         "metric": None, "quote": fourth},
        {"value": 2500, "unit": "units", "comparator": ">", **year, "yoy_pct": None,
         "metric": None, "quote": fourth},
    ]


def test_extract_an_english_page() -> None:
    result = barometer("extract", str(FIXTURES / "scio-2024-11-27-cbec-h1.html"),
                       "--published", "2024-11-27")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(x["metric"], x["value"], x["yoy_pct"], x["period_end"]) for x in lines] == [
        ("china.cbec.trade_value", 1250000000000, 13, "2024-06-30"),
        ("china.cbec.exports", 979900000000, 18.7, "2024-06-30"),
        ("china.cbec.imports", 266400000000, -3.9, "2024-06-30"),
    ]


def test_extract_refuses_a_file_in_an_unexpected_encoding(tmp_path: Path) -> None:
    page = tmp_path / "gbk.txt"
    page.write_bytes("2024年我国跨境电商进出口2.63万亿元。".encode("gbk"))
    result = barometer("extract", str(page), "--published", "2025-01-13")
    assert result.returncode == 2 and result.stdout == ""
    assert "unexpected encoding" in result.stderr


def test_figure_json_has_exactly_the_documented_keys() -> None:
    lexicon = load_lexicon(lexicon_path("cbec"))
    fig = extract_figures("上半年，我国跨境电商进口下降3.9%。", date(2024, 11, 27), lexicon)[0]
    assert figure_json(fig) == {
        "value": None, "unit": None, "comparator": None, "period_start": "2024-01-01",
        "period_end": "2024-06-30", "yoy_pct": -3.9, "metric": None,
        "quote": "上半年，我国跨境电商进口下降3.9%。"}
    assert fig.yoy_pct == Decimal("-3.9")


@pytest.mark.parametrize(("text", "message"), [
    ("[[term]\n", "is not valid TOML"),
    ('[[term]]\nmetric = "china.cbec.trade_value"\nunit = "yuan"\nphrases = []\n',
     "needs 'metric' and a non-empty list of 'phrases'"),
    ('[[term]]\nmetric = "no.such"\nunit = "yuan"\nphrases = ["x"]\n',
     "metric 'no.such' is not in metrics.csv"),
    ('[[term]]\nmetric = "china.cbec.trade_value"\nunit = "dollars"\nphrases = ["x"]\n',
     "is measured in 'yuan', not 'dollars'"),
    ('name = "empty"\n', "has no [[term]]"),
], ids=["toml", "no-phrases", "unknown-metric", "wrong-unit", "no-terms"])
def test_a_broken_lexicon_says_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_lexicon(path, SEEDS_DIR / "metrics.csv")
    assert message in str(err.value) and str(path) in str(err.value)


def test_the_shipped_lexicon_matches_the_metrics() -> None:
    lexicon = load_lexicon(lexicon_path("cbec"), SEEDS_DIR / "metrics.csv")
    assert {t.metric_id for t in lexicon.terms} >= {
        "china.cbec.trade_value", "china.cbec.exports", "china.cbec.imports",
        "yiwu.trade.total", "yiwu.cbec.transaction_value", "yiwu.cbec_entities.total"}
