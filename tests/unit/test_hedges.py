"""Hedge words come from one file, warehouse/lexicons/hedges.toml, and the longest one wins.

The extractor used to hold them in Python three times (amounts, Chinese rates, English rates)
and tried them in the order written, so "no more than" was read as "more than" and 高达 as 达.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from flows.extract.lexicon import LexiconError, load_hedges
from flows.extract.numbers import amount_tokens, rate_tokens


def _amount(sentence: str) -> dict:
    (token,) = [t for t in amount_tokens(sentence, []) if t.data["value"] > 100]
    return token.data


def test_the_longest_hedge_before_an_amount_wins() -> None:
    assert _amount("exports of no more than 5 billion yuan")["comparator"] == "<="
    assert _amount("exports of more than 5 billion yuan")["comparator"] == ">"
    high = _amount("交易额高达2.63万亿元")
    assert (high["comparator"], high["qualifier"]) == ("=", "高达")
    near = _amount("市场主体将近26万家")
    assert (near["comparator"], near["qualifier"], near["value"]) == ("<", "将近", Decimal(260000))


def test_rate_hedges_read_from_the_file() -> None:
    (zh,) = rate_tokens("同比增长约10.8%", [])
    assert zh.data[:2] == (Decimal("10.8"), "~")
    (en,) = rate_tokens("exports rose more than 10.5 percent year-on-year", [])
    assert en.data[:2] == (Decimal("10.5"), ">")
    (plain,) = rate_tokens("同比增长10.8%", [])
    assert plain.data[1] == "="


def test_every_place_of_the_file_is_read_longest_first() -> None:
    hedges = load_hedges()
    for place in ("amount", "amount_after", "rate", "count_opening"):
        for language in ("zh", "en") if place != "amount_after" else ("zh",):
            words = [w for w, _ in hedges.of(place, language)]
            assert words, f"[{place}.{language}] is empty"
            assert [len(w) for w in words] == sorted((len(w) for w in words), reverse=True)


@pytest.mark.parametrize(("text", "message"), [
    ('[amount.zh]\n"约" = "about"\n', "must map words to one of"),
    ('[prefix.zh]\n"约" = "~"\n', "is not one of amount"),
    ('[amount.zh\n', "cannot be read"),
])
def test_a_wrong_hedges_file_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "hedges.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError, match=message) as caught:
        load_hedges(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
