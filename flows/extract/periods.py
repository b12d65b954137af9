"""Periods in a normalised sentence, relative to the release's date, and the words that look
like periods but are not (较去年同期, 自2018年起, datelines, "since 2012", "until the end of
August", "over five years")."""

from __future__ import annotations

import re
from datetime import date

from flows.extract.model import Period, Token
from flows.model.release import month_end_of

_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10, "十一": 11, "十二": 12}
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")

_ZH_PERIOD = re.compile(
    r"(?P<asof>截至|截止到?|到)?\s*"
    r"(?:(?P<year>20\d\d)\s*年(?:的)?|(?P<rel>今年|去年|上年|本年))?\s*"
    r"(?P<part>全年|上半年|下半年|前三季度|第?(?P<q>[一二三四1-4])季度"
    r"|前(?P<n>\d{1,2}|[一二两三四五六七八九十]+)个?月"
    r"|(?P<m1>\d{1,2})\s*月?\s*[-—–~至到]\s*(?P<m2>\d{1,2})\s*月(?:份)?"
    r"|(?P<m>\d{1,2})\s*月(?:份|底|末)?)?")
_EN_PERIOD = re.compile(
    r"(?P<asof>(?i:as of the end of|as at the end of|by the end of|at the end of|as of))?\s*"
    r"(?:(?i:in|during|for|over|from)\s+)?(?:(?i:the)\s+)?"
    r"(?:(?P<part>(?i:first half|second half|first six months|first nine months|"
    r"first three quarters|(?P<qo>first|second|third|fourth) quarter|"
    r"first (?P<n>\w+) months|(?P<ended>six|nine|three) months ended (?P<me>" + _MONTH + r")"
    r"(?:\s+\d{1,2})?)|(?P<mf>" + _MONTH + r")\s*(?i:to|-|–|through)\s*(?P<mt>" + _MONTH
    + r")(?:\s+(?i:period))?|(?P<m>" + _MONTH + r")(?!\s+\d{1,2}\b))"
    r"(?:\s*(?:,\s*)?(?:(?i:of)\s+)?(?:(?P<year>20\d\d)|(?P<yrel>(?i:this year|last year))))?"
    r"|(?P<yearonly>(?<=[Ii]n )20\d\d|(?<=[Ff]or )20\d\d|(?<=of )20\d\d|(?<='s )20\d\d)(?![\d-])"
    r"|(?P<rel>(?i:last year|this year))"
    r"|(?P<same>(?i:(?:during|in|over) the same period)))")
_ZH_SAME = re.compile(r"(?<![较比与])同期")

# Spans that look like periods but are not: a start, a comparison, a span of years, a date.
_NOT_PERIOD = re.compile(
    r"自\s*20\d\d\s*年(?:\d{1,2}月)?(?:起|以来|开始)|20\d\d\s*年以来|今年以来|去年以来|"
    r"(?:较|比|与)(?:去年|上年|20\d\d年)同期|"
    r"(?<!\d)\d+\s*年间|连续\s*\d+\s*年|近\s*\d+\s*年|"
    r"(?i:since (?:the )?(?:\w+ ){0,6}?(?:20\d\d|this year|last year))|"
    r"(?i:from 20\d\d to 20\d\d)|(?i:between 20\d\d and 20\d\d)|(?i:in the past \w+ years)|"
    r"(?i:over (?:the )?(?:past |last )?\w+ years)|(?i:for \w+ consecutive years)|"
    r"(?i:until (?:the end of )?" + _MONTH + r")|"
    r"(?i:(?:on|updated:?)\s+" + _MONTH + r"\s+\d{1,2}(?:,\s*20\d\d)?)|"
    r"(?i:" + _MONTH + r"\s+\d{1,2},?\s+20\d\d)|"
    r"(?i:\b" + _MONTH + r"\s+\d{1,2}\s*(?:\((?:xinhua|yicai|ecns|tmtpost|cgtn)\)|--|—))|"
    r"(?i:\b[A-Z]{3,},\s+" + _MONTH + r"\s+\d{1,2})|"
    r"\d{1,2}\s*月\s*\d{1,2}\s*日|20\d\d-\d{2}-\d{2}")


def _latest_year(published_on: date, end_month: int) -> int:
    """The year of the latest period ending in end_month that had ended by published_on."""
    if month_end_of(published_on.year, end_month) <= published_on:
        return published_on.year
    return published_on.year - 1


def _zh_number(text: str) -> int | None:
    return int(text) if text.isdigit() else _ZH_DIGITS.get(text)


def _resolve(kind: str, year: int | None, months: tuple[int, int], published_on: date,
             text: str) -> Period | None:
    first, last = months
    if year is None:
        year = _latest_year(published_on, last)
    try:
        return Period(kind, date(year, first, 1), month_end_of(year, last), text)
    except ValueError:
        return None


def _year_to_date(year: int, published_on: date, text: str) -> Period | None:
    """今年 / this year: the months of the release's year that had ended by its date."""
    if year != published_on.year or published_on.month == 1:
        return None
    return Period("ytd", date(year, 1, 1), month_end_of(year, published_on.month - 1), text)


def _zh_period(match: re.Match[str], published_on: date) -> Period | None:
    g = match.groupdict()
    text = match.group(0).strip()
    year = int(g["year"]) if g["year"] else None
    if g["rel"] in ("去年", "上年"):
        year = published_on.year - 1
    elif g["rel"] in ("今年", "本年"):
        year = published_on.year
    part = g["part"]
    if part is None:
        if year is None:
            return None
        if g["rel"] in ("今年", "本年"):
            return _year_to_date(year, published_on, text)
        if (g["asof"] and g["asof"] != "到") or text.endswith(("底", "末")):
            # 截至2015年底: the whole year, for a count its level at the year's end
            return Period("year", date(year, 1, 1), date(year, 12, 31), text)
        return Period("year", date(year, 1, 1), date(year, 12, 31), text)
    if part == "全年":
        y = year or published_on.year - 1
        return Period("year", date(y, 1, 1), date(y, 12, 31), text)
    if part == "上半年":
        return _resolve("half", year, (1, 6), published_on, text)
    if part == "下半年":
        return _resolve("half", year, (7, 12), published_on, text)
    if part == "前三季度":
        return _resolve("ytd", year, (1, 9), published_on, text)
    if g["q"]:
        q = _zh_number(g["q"]) or 0
        return _resolve("quarter", year, (3 * q - 2, 3 * q), published_on, text)
    if g["n"]:
        n = _zh_number(g["n"])
        return _resolve("ytd", year, (1, n), published_on, text) if n and n <= 12 else None
    if g["m1"]:
        m1, m2 = int(g["m1"]), int(g["m2"])
        if m1 != 1 or not 1 <= m2 <= 12:
            return None
        return _resolve("ytd", year, (1, m2), published_on, text)
    month = int(g["m"])
    if not 1 <= month <= 12:
        return None
    kind = "asof" if g["asof"] or text.endswith(("底", "末")) else "month"
    return _resolve(kind, year, (month, month), published_on, text)


def _month_number(word: str) -> int:
    word = word.lower().rstrip(".")
    if word in MONTHS:
        return MONTHS.index(word) + 1
    return _MONTH_ABBR[word[:4] if word.startswith("sept") else word[:3]]


def _en_period(match: re.Match[str], published_on: date) -> Period | None:
    g = match.groupdict()
    text = match.group(0).strip()
    if g["rel"]:
        if g["rel"].lower() == "last year":
            y = published_on.year - 1
            return Period("year", date(y, 1, 1), date(y, 12, 31), text)
        return _year_to_date(published_on.year, published_on, text)
    if g["yearonly"]:
        y = int(g["yearonly"])
        return Period("year", date(y, 1, 1), date(y, 12, 31), text)
    year = int(g["year"]) if g["year"] else None
    if g["yrel"]:
        year = published_on.year - (g["yrel"].lower() == "last year")
    part = (g["part"] or "").lower()
    if part in ("first half", "first six months"):
        return _resolve("half", year, (1, 6), published_on, text)
    if part == "second half":
        return _resolve("half", year, (7, 12), published_on, text)
    if part in ("first three quarters", "first nine months"):
        return _resolve("ytd", year, (1, 9), published_on, text)
    if g["qo"]:
        q = _EN_ORDINALS[g["qo"].lower()]
        return _resolve("quarter", year, (3 * q - 2, 3 * q), published_on, text)
    if g["ended"]:
        last = _month_number(g["me"])
        months = {"three": 3, "six": 6, "nine": 9}[g["ended"].lower()]
        first = last - months + 1
        if first < 1:
            return None
        kind = "half" if (first, last) in ((1, 6), (7, 12)) else (
            "quarter" if months == 3 and last % 3 == 0 else "ytd" if first == 1 else None)
        return _resolve(kind, year, (first, last), published_on, text) if kind else None
    if g["n"]:
        word = g["n"].lower()
        n = int(word) if word.isdigit() else _EN_NUMBERS.get(word)
        if n == 6:
            return _resolve("half", year, (1, 6), published_on, text)
        return _resolve("ytd", year, (1, n), published_on, text) if n and n <= 12 else None
    if g["mf"]:
        first, last = _month_number(g["mf"]), _month_number(g["mt"])
        if first != 1:
            return None
        kind = "half" if last == 6 else "quarter" if last == 3 else "ytd"
        return _resolve(kind, year, (1, last), published_on, text)
    month = _month_number(g["m"])
    kind = "asof" if g["asof"] else "month"
    if not g["asof"] and not re.match(r"(?i)(in|during|for)\b", text):
        return None  # a month alone, not introduced as a period: a date's month
    return _resolve(kind, year, (month, month), published_on, text)


def blocker_tokens(sentence: str) -> list[Token]:
    """Spans that name a start, a comparison, a span of years or a date: not periods."""
    return [Token("not_period", m.start(), m.end(), m.group(0))
            for m in _NOT_PERIOD.finditer(sentence)]


def period_tokens(sentence: str, published_on: date, blocked: list[Token]) -> list[Token]:
    """Every period the sentence names (outside blocked spans), resolved against the date;
    'the same period' / 同期 are tokens that carry the period of the sentence before."""
    out: list[Token] = []

    def free(start: int, end: int) -> bool:
        return not any(start < t.end and t.start < end for t in blocked + out)

    for m in _ZH_PERIOD.finditer(sentence):
        if m.group(0).strip() and free(m.start(), m.end()) and (
                period := _zh_period(m, published_on)):
            out.append(Token("period", m.start(), m.end(), period))
    for m in _EN_PERIOD.finditer(sentence):
        if not m.group(0).strip() or not free(m.start(), m.end()):
            continue
        if m.group("same"):
            out.append(Token("period", m.start(), m.end(), None, {"same"}))
        elif period := _en_period(m, published_on):
            out.append(Token("period", m.start(), m.end(), period))
    for m in _ZH_SAME.finditer(sentence):
        if free(m.start(), m.end()):
            out.append(Token("period", m.start(), m.end(), None, {"same"}))
    return out
