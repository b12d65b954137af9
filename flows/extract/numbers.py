"""Numbers in a normalised sentence: amounts with their unit, growth rates, shares, and the
numbers that are neither (percentage points, multiples, ranges).

Every pattern reads normalised text (flows/extract/normalize.py): ASCII digits and
punctuation, simplified characters.
"""

from __future__ import annotations

import re
from decimal import Decimal

import cn2an

from flows.extract.lexicon import load_hedges
from flows.extract.model import Token
from flows.model.units import MULTIPLIERS

NUM = r"(?<![\d.])(?<!\d,)(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d])"
_ZH_NUMERAL = r"[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?"
# The longest number the corpora write is 8 characters (1,384.26); a longer run of digits or
# numerals is no figure, and its wording must fit in a figure's quote (reader.MAX_QUOTE).
MAX_NUMBER_CHARS = 24
_EN_MULT = {"trillion": "trillion", "tn": "trillion", "billion": "billion", "bn": "billion",
            "b": "billion", "million": "million", "mn": "million", "m": "million",
            "thousand": "thousand"}

# Currencies are units of their own, never converted.
_CURRENCY_BEFORE = {"cny": "yuan", "rmb": "yuan", "renminbi": "yuan", "usd": "US dollars",
                    "us$": "US dollars", "$": "US dollars", "eur": "euros", "€": "euros"}
_CURRENCY_AFTER = {"yuan": "yuan", "rmb": "yuan", "cny": "yuan", "renminbi": "yuan",
                   "u.s. dollars": "US dollars", "us dollars": "US dollars",
                   "dollars": "US dollars", "usd": "US dollars", "euros": "euros"}
_ZH_UNITS = {"元人民币": "yuan", "元": "yuan", "美元": "US dollars", "欧元": "euros",
             "家": "entities", "户": "entities"}

_ZH_AMOUNT = re.compile(
    rf"(?P<num>{NUM}|{_ZH_NUMERAL})\s*(?P<approx1>多|余)?\s*(?P<mult>万亿|亿|万)?"
    r"(?P<approx2>多|余)?\s*(?P<unit>元人民币|元|美元|欧元|家|户|个|人次|人|名|种|件|票|单|吨|项)?")
_EN_AMOUNT = re.compile(
    rf"(?P<cur>(?i:cny|rmb|usd|us\$|\$|eur|€))?\s?(?P<num>{NUM})\s?"
    r"(?P<mult>(?i:trillion|billion|million|thousand|tn|bn|mn)\b|[bm](?=\s+(?i:yuan|rmb|cny|"
    r"dollars)))?\s*(?P<unit>(?i:yuan|rmb|cny|renminbi|u\.s\. dollars|us dollars|dollars|usd|"
    r"euros)\b)?")
_RANGE = re.compile(rf"({NUM})\s*(?:-|–|—|~|至|到|to)\s*({NUM})\s*(?:万亿|亿|万|trillion|"
                    r"billion|million|%|percent)?", re.I)

# Hedges (warehouse/lexicons/hedges.toml): the words that make a number a bound, longest first.
HEDGES = load_hedges()
_ZH_HEDGE_BEFORE = HEDGES.of("amount", "zh")
_ZH_HEDGE_AFTER = HEDGES.of("amount_after", "zh")
_EN_HEDGE_BEFORE = HEDGES.of("amount", "en")
_ZH_RATE_HEDGES = HEDGES.comparators("rate", "zh")
_EN_RATE_HEDGES = HEDGES.comparators("rate", "en")

# Growth rates. A rate names its direction, may be hedged, and may say what it compares with.
_ZH_RATE = re.compile(
    r"(?P<cmp>同比|环比|比上年同期|比去年同期|较上年同期|较去年同期|比上年|较上年|较去年|比去年|"
    r"较\d{4}年同期|比\d{4}年同期|较同期)?\s*"
    r"(?P<word>增长|增加|上升|提高|提升|增幅为|增幅达|增速为|增速达|增速|增|上涨|下降|减少|下滑|"
    r"回落|降)了?\s*(?P<hedge>" + HEDGES.pattern("rate", "zh") + r")?\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*%")
_NEGATIVE_ZH = re.compile(r"下降|减少|下滑|回落|降")
_PERCENT_WORD = r"(?:percent|per cent|%|pct)"
_EN_HEDGE_RATE = f"(?:{HEDGES.pattern('rate', 'en')})"
_EN_RATE_FORMS = [
    # up 9.6 percent (year-on-year); rose/grew (by) 10.5 percent; a 10.5 percent rise
    rf"(?P<verb>up|down|rose|rising|rise|grew|growing|grow|increased|increasing|jumped|"
    rf"surged|surging|soared|soaring|rocketed|climbed|climbing|expanded|expanding|fell|"
    rf"falling|declined|declining|dropped|dropping|decreased|decreasing|slid|gained)"
    rf"(?:\s+by)?\s+(?P<hedge>{_EN_HEDGE_RATE}\s+)?(?P<num>\d+(?:\.\d+)?)\s*{_PERCENT_WORD}",
    # an increase of 15.6 percent; a year-on-year expansion of 14.4 percent
    rf"(?P<noun>increase|growth|rise|uptick|expansion|decline|decrease|drop|fall|gain|"
    rf"increases|growth rate|growth rates)\s+(?:of|at|was|were|reached)\s+"
    rf"(?P<hedge2>{_EN_HEDGE_RATE}\s+)?(?P<num2>\d+(?:\.\d+)?)\s*{_PERCENT_WORD}",
    # a 31.1 percent year-on-year growth; a 0.3% decrease
    rf"(?<!\d)(?P<num3>\d+(?:\.\d+)?)\s*{_PERCENT_WORD}\s+(?:year-on-year\s+|year on year\s+|"
    rf"yoy\s+)?(?P<noun3>increase|growth|rise|uptick|expansion|decline|decrease|drop|fall|"
    rf"gain|jump|surge)\b",
    # 15.6% YoY; YoY growth of 0.2% handled above
    rf"(?<!\d)(?P<num4>\d+(?:\.\d+)?)\s*{_PERCENT_WORD}\s+(?P<yoy4>yoy|year-on-year|year on year)",
]
_EN_RATE = re.compile("|".join(f"(?:{f})" for f in _EN_RATE_FORMS), re.I)
_EN_NEGATIVE = re.compile(r"^(?:down|fell|falling|declin|dropp|decreas|slid|decline|decrease|"
                          r"drop|fall)", re.I)
_EN_TAIL = re.compile(r"^\s*(?P<tail>year-on-year|year on year|from a year earlier|from the "
                      r"same period (?:of )?last year|over the same period (?:of )?last year|"
                      r"on a yearly basis|over the previous year|compared with the same "
                      r"period last year|compared to \d{4}|over \d{4}|from \d{4}|month on "
                      r"month|month-on-month|quarter on quarter)", re.I)
# A number is matched from the first character of its run only (NUM's look-behind, _ZH_RUN's,
# the rates' (?<!\d)): a pattern tried again at each character of a long run of digits or
# numerals would cost time quadratic in the run's length.
_ZH_RUN = "(?<![{0}])[{0}]+"
_POINTS = re.compile(rf"({NUM}|{_ZH_RUN.format('一二三四五六七八九十')})\s*(?:个百分点|"
                     r"percentage points?|pct points?|pp\b)", re.I)
_MULTIPLE = re.compile(rf"(?:{NUM}|{_ZH_RUN.format('一二两三四五六七八九十')})\s*多?\s*"
                       rf"(?:倍|times\b)|by a factor of\s*{NUM}", re.I)
_AVERAGE = re.compile(r"average annual|annual average|年均|平均每年|compound annual|CAGR", re.I)
_PERCENT = re.compile(rf"{NUM}\s*{_PERCENT_WORD}", re.I)


def _zh_value(numeral: str) -> Decimal | None:
    """A Chinese numeral (二十六, 一千二百, 百) as a number, by cn2an."""
    text = numeral if numeral[0] not in "百千" else "一" + numeral
    try:
        return Decimal(str(cn2an.cn2an(text, "smart")))
    except (ValueError, KeyError):
        return None


def _plain(num: str) -> str:
    """A number without thousands separators, as Decimal reads it."""
    return num.replace(",", "")


def _hedge(sentence: str, start: int, end: int, zh: bool) -> tuple[str, str | None, int]:
    """The comparator a hedge before (or, in Chinese, after) the number gives, its wording,
    and where the amount ends."""
    before = sentence[max(0, start - 16):start].rstrip()
    lowered = before.lower()
    for word, comparator in (_ZH_HEDGE_BEFORE if zh else _EN_HEDGE_BEFORE):
        if lowered.endswith(word) and (zh or not lowered[:-len(word)][-1:].isalpha()):
            return comparator, word, end
    if zh:
        after = sentence[end:end + 3]
        for word, comparator in _ZH_HEDGE_AFTER:
            if after.startswith(word):
                return comparator, word, end + len(word)
    return "=", None, end


def _in_brackets(sentence: str, start: int, end: int) -> bool:
    """True when the amount is inside (…): a conversion or an aside."""
    opened = sentence.rfind("(", 0, start)
    closed = sentence.rfind(")", 0, start)
    return opened > closed and sentence.find(")", end) >= 0


def range_tokens(sentence: str) -> list[Token]:
    """'X to Y yuan', 'X-Y亿元': one range, never its upper end as an exact figure."""
    out = []
    for m in _RANGE.finditer(sentence):
        if re.fullmatch(r"(?:19|20)\d\d", m.group(1)):
            continue  # 2018-2023, 'in 2023 to 1.1 trillion': a year, not a range's end
        if re.fullmatch(r"\d{1,2}", m.group(1)) and sentence[m.end():m.end() + 1] == "月":
            continue  # 1-5月: months
        out.append(Token("range", m.start(), m.end(), m.group(0)))
    return out


def points_tokens(sentence: str) -> list[Token]:
    """Percentage points: a difference of two rates, never a figure."""
    return [Token("points", m.start(), m.end(), m.group(0)) for m in _POINTS.finditer(sentence)]


def multiple_tokens(sentence: str) -> list[Token]:
    """Multiples (增长1.2倍, 4.5 times): not a year-on-year rate."""
    return [Token("multiple", m.start(), m.end(), m.group(0))
            for m in _MULTIPLE.finditer(sentence)]


def rate_tokens(sentence: str, blocked: list[Token]) -> list[Token]:
    """Year-on-year growth rates, signed, with the hedge as a comparator; a month-on-month or
    an average annual rate is marked so that it never becomes a year-on-year one."""
    out: list[Token] = []
    for m in _ZH_RATE.finditer(sentence):
        if _overlaps(m.start(), m.end(), blocked):
            continue
        if len(m.group("num")) > MAX_NUMBER_CHARS:
            continue
        pct = Decimal(m.group("num"))
        if _NEGATIVE_ZH.search(m.group("word")):
            pct = -pct
        hedge = m.group("hedge") or ""
        comparator = _ZH_RATE_HEDGES.get(hedge, "=")
        flags = set()
        if m.group("cmp") == "环比":
            flags.add("not_yoy")
        if _AVERAGE.search(sentence[max(0, m.start() - 8):m.start() + 4]):
            flags.add("average")
        out.append(Token("rate", m.start(), m.end(), (pct, comparator, m.group(0)), flags))
    for m in _EN_RATE.finditer(sentence):
        if _overlaps(m.start(), m.end(), blocked + out):
            continue
        num = next(g for g in (m.group("num"), m.group("num2"), m.group("num3"),
                               m.group("num4")) if g)
        if len(num) > MAX_NUMBER_CHARS:
            continue
        words = (m.group("verb") or m.group("noun") or m.group("noun3") or "")
        pct = Decimal(num)
        if _EN_NEGATIVE.match(words):
            pct = -pct
        hedge = (m.group("hedge") or m.group("hedge2") or "").strip().lower()
        comparator = _EN_RATE_HEDGES.get(hedge, "=")
        end = m.end()
        flags = set()
        tail = _EN_TAIL.match(sentence[end:])
        if tail:
            end += tail.end()
            if re.search(r"month|quarter", tail.group("tail"), re.I):
                flags.add("not_yoy")
        if _AVERAGE.search(sentence[max(0, m.start() - 30):m.start()]):
            flags.add("average")
        out.append(Token("rate", m.start(), end, (pct, comparator, sentence[m.start():end]),
                         flags))
    return out


def listed_rates(sentence: str, rates: list[Token], shares: list[Token]) -> list[Token]:
    """'a growth rate at 80 percent in 2017 and 50 percent in 2018': a percentage joined by
    'and' to a rate (with only a period between) is a rate too. Returns the shares it turns."""
    turned = []
    for share in shares:
        before = [r for r in rates + turned if r.end <= share.start]
        if not before:
            continue
        gap = sentence[before[-1].end:share.start]
        if re.fullmatch(r"\s*(?:in \d{4}|in the \w+ \w+(?: of \d{4})?)?\s*,?\s*and\s+", gap, re.I):
            pct, comparator = share.data["value"] * 100, share.data["comparator"]
            turned.append(Token("rate", share.start, share.end,
                                (pct.normalize(), comparator, sentence[share.start:share.end]),
                                set(before[-1].flags)))
    return turned


def _overlaps(start: int, end: int, tokens: list[Token]) -> bool:
    return any(start < t.end and t.start < end for t in tokens)


def percent_tokens(sentence: str, blocked: list[Token]) -> list[Token]:
    """Percentages that are not growth rates: shares (stored as fractions)."""
    out = []
    for m in _PERCENT.finditer(sentence):
        if _overlaps(m.start(), m.end(), blocked):
            continue
        num = re.match(NUM, m.group(0)).group(0)
        if len(num) > MAX_NUMBER_CHARS:
            continue
        comparator, qualifier, _ = _hedge(sentence, m.start(), m.end(),
                                          zh=not sentence[max(0, m.start() - 12):m.start()]
                                          .isascii())
        out.append(Token("share", m.start(), m.end(), {
            "value": Decimal(_plain(num)) / 100, "written": num + "%", "multiplier": None,
            "unit": "share", "unit_word": "%", "comparator": comparator,
            "qualifier": qualifier}))
    return out


def amount_tokens(sentence: str, blocked: list[Token]) -> list[Token]:
    """Amounts: a number with a multiplier or a unit (元, 家, yuan, US dollars, …), its hedge,
    and whether it sits in brackets (a conversion). A bare number is an amount only when a
    count noun follows it (checked by the reader), so it is kept, marked 'bare'."""
    out: list[Token] = []
    for m in _ZH_AMOUNT.finditer(sentence):
        if not m.group("num") or _overlaps(m.start(), m.end(), blocked + out):
            continue
        num = m.group("num")
        if len(num) > MAX_NUMBER_CHARS:
            continue
        numeral = not num[0].isdigit()
        mult, unit_word = m.group("mult"), m.group("unit")
        approx = m.group("approx1") or m.group("approx2")
        if numeral and not (mult or unit_word):
            continue  # 一带一路, 第一: words, not amounts
        if not (mult or unit_word or approx):
            continue  # the English pattern reads bare numbers
        value = _zh_value(num) if numeral else Decimal(_plain(num))
        if value is None:
            continue
        written = format(value.normalize(), "f") if numeral else num
        if numeral and mult is None and value >= 10000 and value % 10000 == 0:
            written, mult = format((value / 10000).normalize(), "f"), "万"  # 一万 → 1 万
        end = m.end()
        comparator, qualifier, end = _hedge(sentence, m.start(), end, zh=True)
        if approx:
            comparator, qualifier = ">", approx
        total = Decimal(_plain(written)) * (MULTIPLIERS[mult] if mult else 1)
        unit = _ZH_UNITS.get(unit_word or "")
        out.append(Token("amount", m.start(), end, {
            "value": total, "written": written, "multiplier": mult, "unit": unit,
            "unit_word": unit_word, "comparator": comparator, "qualifier": qualifier,
            "zh": True},
            {"brackets"} if _in_brackets(sentence, m.start(), m.end()) else set()))
    for m in _EN_AMOUNT.finditer(sentence):
        if _overlaps(m.start("num"), m.end("num"), blocked + out):
            continue
        mult_word = (m.group("mult") or "").lower()
        mult = _EN_MULT.get(mult_word) if mult_word else None
        cur = (m.group("cur") or "").lower()
        unit_word = (m.group("unit") or "").lower()
        unit = _CURRENCY_BEFORE.get(cur) or _CURRENCY_AFTER.get(unit_word)
        num = m.group("num")
        if len(num) > MAX_NUMBER_CHARS:
            continue
        if not (mult or unit) and re.fullmatch(r"(19|20)\d\d", num):
            continue  # a year
        start = m.start("cur") if cur else m.start("num")
        end = m.end("unit") if unit_word else (m.end("mult") if mult_word else m.end("num"))
        value = Decimal(_plain(num)) * (MULTIPLIERS[mult] if mult else 1)
        comparator, qualifier, end = _hedge(sentence, start, end, zh=False)
        flags = set()
        if not (mult or unit):
            flags.add("bare")
        if _in_brackets(sentence, start, end):
            flags.add("brackets")
        out.append(Token("amount", start, end, {
            "value": value, "written": num, "multiplier": mult, "unit": unit,
            "unit_word": m.group("unit") or m.group("cur"), "comparator": comparator,
            "qualifier": qualifier, "zh": False}, flags))
    return out
