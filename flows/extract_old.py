"""Read figures out of press-release text, Chinese or English, with their qualifiers and periods.

A rule-based reader: each sentence is scanned for period expressions, lexicon phrases, amounts
(number, multiplier, unit) and growth rates; each amount takes the period and the metric
phrase nearest before it, and the growth rate that follows it. See docs/extraction.md.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from flows.lexicon import Lexicon, Term
from flows.units import MULTIPLIERS, parse_written


@dataclass(frozen=True)
class ExtractedFigure:
    """One figure as the extractor read it; metric_id is None when it could not be mapped."""

    metric_id: str | None
    unmatched_reason: str | None
    period_kind: str | None
    period_start: date | None
    period_end: date | None
    period_text: str | None
    value: Decimal | None
    value_as_written: str | None
    multiplier: str | None
    unit: str | None
    comparator: str | None
    qualifier_text: str | None
    yoy_pct: Decimal | None
    yoy_comparator: str | None
    yoy_text: str | None
    vintage_status: str | None
    quote: str
    quote_start: int
    quote_end: int


@dataclass(frozen=True)
class _Period:
    kind: str               # year, half, quarter, month, ytd, asof (a month, stock or flow)
    start: date
    end: date
    text: str


@dataclass(frozen=True)
class _Token:
    kind: str               # period, term, geo, amount, rate
    start: int
    end: int
    data: Any


# --- numbers and words -------------------------------------------------------------------------

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9, "十": 10, "十一": 11, "十二": 12}
_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]
_MONTH_RE = "|".join(m.capitalize() for m in _MONTHS)

# Hedge words before a number, longest first, with the comparator each means.
_ZH_BEFORE = [("将近", "<"), ("接近", "<"), ("近", "<"), ("大约", "~"), ("约", "~"),
              ("超过", ">"), ("逾", ">"), ("突破", ">"), ("超", ">"), ("多达", "="),
              ("达到", "="), ("达", "="), ("不足", "<"), ("不到", "<"), ("低于", "<")]
_ZH_AFTER = [("以上", ">="), ("左右", "~")]
_EN_BEFORE = [("more than", ">"), ("over", ">"), ("exceeding", ">"), ("surpassed", ">"),
              ("exceeded", ">"), ("topped", ">"), ("about", "~"), ("approximately", "~"),
              ("around", "~"), ("roughly", "~"), ("some", "~"), ("nearly", "<"),
              ("almost", "<"), ("close to", "<"), ("at least", ">="), ("less than", "<"),
              ("under", "<")]

_PRELIMINARY = re.compile(r"初步|preliminary|initial estimate", re.I)

_ZH_RATE = re.compile(
    r"(?P<word>(?:同比|比上年|较上年)?(?:增长|增加|上升|提高|提升|下降|减少|下滑|回落))了?"
    r"\s*(?P<hedge>约|近|超过|逾)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?:%|％)")
_EN_RATE = re.compile(
    r"(?P<phrase>(?:(?:a|an)\s+)?(?:robust\s+|steady\s+)?(?:year-on-year\s+)?"
    r"(?:increase|growth|rise|decrease|decline|drop|fall)\s+of"
    r"|up|down|rose|grew|increased|decreased|fell|declined|dropped|climbed)"
    r"(?:\s+by)?\s+(?P<hedge>about|nearly|more than|over|around|approximately)?\s*"
    r"(?P<num>\d+(?:\.\d+)?)\s*(?:percent|per cent|%)"
    r"(?P<tail>\s+(?:year-on-year|year on year|from a year earlier|over the previous year|"
    r"compared with the same period last year))?", re.I)
_NEGATIVE = re.compile(r"下降|减少|下滑|回落|decrease|decline|drop|fall|down|fell|dropped",
                       re.I)

_ZH_AMOUNT = re.compile(
    rf"(?P<num>{_NUM})\s*(?P<approx1>多|余)?(?P<mult>万亿|亿|万)?(?P<approx2>多|余)?"
    r"\s*(?P<unit>美元|人民币|元|家|户|人次|人|种|吨|件|票|单|个)?")
_EN_AMOUNT = re.compile(
    rf"(?P<num>{_NUM})\s*(?P<mult>trillion|billion|million|thousand)?\s*"
    r"(?P<unit>yuan|US dollars|dollars|tonnes|tons|parcels)?", re.I)
_PERCENT = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?P<sign>%|％|percent|per cent)", re.I)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _latest_year(published_on: date, end_month: int) -> int:
    """The year of the latest period ending in end_month that had ended by published_on."""
    if _month_end(published_on.year, end_month) <= published_on:
        return published_on.year
    return published_on.year - 1


def _zh_number(text: str) -> int | None:
    return int(text) if text.isdigit() else _ZH_DIGITS.get(text)


# --- periods -------------------------------------------------------------------------------------

_ZH_PERIOD = re.compile(
    r"(?P<asof>截至|截止到?|到)?\s*"
    r"(?:(?P<year>20\d\d)\s*年(?:的)?|(?P<rel>今年|去年|上年|本年))?\s*"
    r"(?P<part>全年|上半年|下半年|前三季度|第?(?P<q>[一二三四1-4])季度"
    r"|前(?P<n>\d{1,2}|[一二两三四五六七八九十]+)个?月"
    r"|(?P<m1>\d{1,2})\s*[-—–~至到]\s*(?P<m2>\d{1,2})\s*月(?:份)?"
    r"|(?P<m>\d{1,2})\s*月(?:份|底|末)?)?")
_EN_PERIOD = re.compile(
    r"(?P<asof>(?i:as of the end of|as of|by the end of|by|at the end of))?\s*"
    r"(?:(?i:in|during|for|over|from)\s+)?(?:(?i:the)\s+)?"
    r"(?:(?P<part>first half|second half|first three quarters|(?P<qo>first|second|third|fourth)"
    r" quarter|first (?P<n>\w+) months|(?P<mf>" + _MONTH_RE + r")\s*(?:to|-|–|through)\s*"
    r"(?P<mt>" + _MONTH_RE + r")|(?P<m>" + _MONTH_RE + r"))(?:\s+(?:of\s+)?(?P<year>20\d\d))?"
    r"|(?P<yearonly>(?<=[Ii]n )20\d\d|(?<=[Ff]or )20\d\d|(?<=of )20\d\d|(?<=by )20\d\d)"
    r"|(?P<rel>(?i:last year|this year)))")


def _resolve(kind: str, year: int | None, months: tuple[int, int], published_on: date,
             text: str) -> _Period | None:
    first, last = months
    if year is None:
        year = _latest_year(published_on, last)
    try:
        return _Period(kind, date(year, first, 1), _month_end(year, last), text)
    except ValueError:
        return None


def _zh_period(match: re.Match[str], published_on: date) -> _Period | None:
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
            return _resolve("ytd", year, (1, max(published_on.month - 1, 1)), published_on,
                            text) if published_on.month > 1 else None
        return _Period("year", date(year, 1, 1), date(year, 12, 31), text)
    if part == "全年":
        return _Period("year", date(year or published_on.year - 1, 1, 1),
                       date(year or published_on.year - 1, 12, 31), text)
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


def _en_period(match: re.Match[str], published_on: date) -> _Period | None:
    g = match.groupdict()
    text = match.group(0).strip()
    if g["rel"]:
        if g["rel"].lower() == "last year":
            y = published_on.year - 1
            return _Period("year", date(y, 1, 1), date(y, 12, 31), text)
        return _resolve("ytd", published_on.year, (1, max(published_on.month - 1, 1)),
                        published_on, text) if published_on.month > 1 else None
    if g["yearonly"]:
        y = int(g["yearonly"])
        return _Period("year", date(y, 1, 1), date(y, 12, 31), text)
    year = int(g["year"]) if g["year"] else None
    part = (g["part"] or "").lower()
    if part == "first half":
        return _resolve("half", year, (1, 6), published_on, text)
    if part == "second half":
        return _resolve("half", year, (7, 12), published_on, text)
    if part == "first three quarters":
        return _resolve("ytd", year, (1, 9), published_on, text)
    if g["qo"]:
        q = _EN_ORDINALS[g["qo"].lower()]
        return _resolve("quarter", year, (3 * q - 2, 3 * q), published_on, text)
    if g["n"]:
        word = g["n"].lower()
        n = int(word) if word.isdigit() else _EN_NUMBERS.get(word)
        return _resolve("ytd", year, (1, n), published_on, text) if n and n <= 12 else None
    if g["mf"]:
        first = _MONTHS.index(g["mf"].lower()) + 1
        last = _MONTHS.index(g["mt"].lower()) + 1
        return _resolve("ytd", year, (1, last), published_on, text) if first == 1 else None
    month = _MONTHS.index(g["m"].lower()) + 1
    kind = "asof" if g["asof"] else "month"
    return _resolve(kind, year, (month, month), published_on, text)


# --- sentences -----------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[。！？；!?;]|\n|(?<![A-Z]\.[A-Z])(?<!\bNo)(?<!\bU\.S)\.(?=\s|$)")


def _sentences(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, starts_paragraph) of each sentence, stripped of surrounding space."""
    out: list[tuple[int, int, bool]] = []
    start = 0
    paragraph = True
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group(0) != "\n" else match.start()
        _append(text, start, end, paragraph, out)
        paragraph = match.group(0) == "\n"
        start = match.end()
    _append(text, start, len(text), paragraph, out)
    return out


def _append(text: str, start: int, end: int, paragraph: bool,
            out: list[tuple[int, int, bool]]) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    out.append((start + lead, start + lead + len(stripped), paragraph))


# --- scanning ------------------------------------------------------------------------------------

def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _phrase_tokens(sentence: str, lexicon: Lexicon) -> list[_Token]:
    """Lexicon phrases in a sentence, longest first, never overlapping."""
    candidates: list[tuple[int, int, Term]] = []
    for term in lexicon.terms:
        for phrase in term.phrases:
            flags = 0 if _is_cjk(phrase) else re.I
            pattern = re.escape(phrase) if _is_cjk(phrase) else rf"\b{re.escape(phrase)}\b"
            for m in re.finditer(pattern, sentence, flags):
                candidates.append((m.start(), m.end(), term))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int, list[Term]]] = []
    for start, end, term in candidates:
        same = next((t for t in taken if (t[0], t[1]) == (start, end)), None)
        if same:
            same[2].append(term)
        elif not any(start < e and s < end for s, e, _ in taken):
            taken.append((start, end, [term]))
    return [_Token("term", s, e, terms) for s, e, terms in taken]


def _geo_tokens(sentence: str, lexicon: Lexicon) -> list[_Token]:
    out = []
    for geo, words in lexicon.geographies.items():
        for word in words:
            for m in re.finditer(re.escape(word), sentence):
                out.append(_Token("geo", m.start(), m.end(), geo))
    return out


def _period_tokens(sentence: str, published_on: date) -> list[_Token]:
    out = []
    for m in _ZH_PERIOD.finditer(sentence):
        if m.group(0).strip() and (period := _zh_period(m, published_on)):
            out.append(_Token("period", m.start(), m.end(), period))
    for m in _EN_PERIOD.finditer(sentence):
        if m.group(0).strip() and (period := _en_period(m, published_on)):
            out.append(_Token("period", m.start(), m.end(), period))
    return out


def _rate_tokens(sentence: str) -> list[_Token]:
    out = []
    for m in list(_ZH_RATE.finditer(sentence)) + list(_EN_RATE.finditer(sentence)):
        pct = Decimal(m.group("num"))
        if _NEGATIVE.search(m.group(0).split(m.group("num"))[0]):
            pct = -pct
        hedge = (m.group("hedge") or "").lower()
        comparator = {"约": "~", "about": "~", "around": "~", "approximately": "~",
                      "近": "<", "nearly": "<", "超过": ">", "逾": ">", "more than": ">",
                      "over": ">"}.get(hedge, "=")
        out.append(_Token("rate", m.start(), m.end(), (pct, comparator, m.group(0).strip())))
    return out


def _overlaps(start: int, end: int, tokens: list[_Token]) -> bool:
    return any(start < t.end and t.start < end for t in tokens)


def _qualifier(sentence: str, start: int, end: int, zh: bool) -> tuple[str, str | None, int]:
    """The comparator a hedge before or after the number gives, its wording, and the end."""
    before = sentence[max(0, start - 16):start]
    pairs = _ZH_BEFORE if zh else _EN_BEFORE
    for word, comparator in pairs:
        stripped = before.rstrip()
        if stripped.lower().endswith(word) and (zh or not stripped[:-len(word)][-1:].isalpha()):
            return comparator, word, end
    if zh:
        after = sentence[end:end + 3]
        for word, comparator in _ZH_AFTER:
            if after.startswith(word):
                return comparator, word, end + len(word)
    return "=", None, end


def _amount_tokens(sentence: str, lexicon: Lexicon, blocked: list[_Token],
                   terms: list[_Token]) -> list[_Token]:
    """Amounts (number, multiplier, unit) and percentage levels not inside rates or periods."""
    out: list[_Token] = []
    for m in _PERCENT.finditer(sentence):
        if _overlaps(m.start(), m.end(), blocked):
            continue
        value = Decimal(m.group("num")) / 100
        out.append(_Token("amount", m.start(), m.end(), {
            "value": value, "written": m.group("num") + "%", "multiplier": None, "unit": "share",
            "comparator": "=", "qualifier": None}))
    taken = blocked + out
    for pattern, zh in ((_ZH_AMOUNT, True), (_EN_AMOUNT, False)):
        for m in pattern.finditer(sentence):
            if _overlaps(m.start(), m.end(), taken) or not m.group("num"):
                continue
            mult = m.group("mult")
            unit_word = m.group("unit")
            unit = None
            if unit_word:
                unit = lexicon.units.get(unit_word) or lexicon.units.get(unit_word.lower())
            approx = zh and (m.group("approx1") or m.group("approx2"))
            named_after = not zh and _english_unit_after(sentence, m.end(), terms) is not None
            if not (mult or unit_word or approx or named_after):
                continue  # a bare number (a rank, a count of days): not a figure
            mult_key = mult.lower() if mult and not zh else mult
            written = m.group("num")
            value = parse_written(written) * (MULTIPLIERS[mult_key] if mult_key else 1)
            comparator, qualifier, _ = _qualifier(sentence, m.start(), m.end(), zh)
            if approx:
                comparator, qualifier = ">", approx
            out.append(_Token("amount", m.start(), m.end(), {
                "value": value, "written": written, "multiplier": mult_key,
                "unit": unit, "unit_word": unit_word, "comparator": comparator,
                "qualifier": qualifier}))
            taken.append(out[-1])
    return out


def _english_unit_after(sentence: str, end: int, tokens: list[_Token]) -> _Token | None:
    """An English term right after a number ('600,000 e-commerce entities')."""
    for token in tokens:
        if token.kind == "term" and 0 <= token.start - end <= 2:
            return token
    return None


# --- assembling figures --------------------------------------------------------------------------

@dataclass
class _Scope:
    period: _Period | None = None
    terms: list[Term] | None = None
    metric: Term | None = None
    parent: Term | None = None   # the last metric named without 'within': exports are its part
    geography: str | None = None


def _choose(terms: list[Term], scope: _Scope, default_geography: str | None) -> Term | None:
    """Which of the terms sharing a phrase applies here: by 'within', then by geography."""
    geography = scope.geography or default_geography
    parent = scope.parent.metric_id if scope.parent else None
    inside = [t for t in terms if t.within and t.within == parent]
    if inside:
        return inside[0]
    free = [t for t in terms if not t.within]
    fitting = [t for t in free if t.geography in (None, geography)]
    if fitting:
        return fitting[0]
    return None


def _period_for(period: _Period, term: Term | None) -> tuple[str, date, date]:
    """A stock is a level over the period; a flow 'as of' a month is year-to-date."""
    if term is not None and term.measure == "stock":
        return "level", period.start, period.end
    if period.kind == "asof":
        return "ytd", date(period.end.year, 1, 1), period.end
    return period.kind, period.start, period.end


def extract_figures(text: str, published_on: date, lexicon: Lexicon,
                    default_geography: str | None = None) -> list[ExtractedFigure]:
    """Every figure in a text, in order, each with its quote, period and mapped metric."""
    figures: list[ExtractedFigure] = []
    carried = _Scope()
    # A press release is about one thing: period, metric and geography carry from sentence
    # to sentence ("其中，出口…" after a total), until a sentence names new ones.
    for start, end, _ in _sentences(text):
        sentence = text[start:end]
        figures.extend(_sentence_figures(sentence, start, published_on, lexicon,
                                         default_geography, carried))
    return figures


def _sentence_figures(sentence: str, offset: int, published_on: date, lexicon: Lexicon,
                      default_geography: str | None, carried: _Scope) -> list[ExtractedFigure]:
    periods = _period_tokens(sentence, published_on)
    rates = _rate_tokens(sentence)
    terms = _phrase_tokens(sentence, lexicon)
    geos = [g for g in _geo_tokens(sentence, lexicon) if not _overlaps(g.start, g.end, [])]
    amounts = _amount_tokens(sentence, lexicon, periods + rates, terms)
    tokens = sorted(periods + rates + terms + geos + amounts, key=lambda t: (t.start, t.end))
    scope = _Scope(period=carried.period, metric=carried.metric, parent=carried.parent,
                   geography=carried.geography)
    seen_period = False
    named_here = False
    status = "preliminary" if _PRELIMINARY.search(sentence) else None
    out: list[ExtractedFigure] = []
    last: ExtractedFigure | None = None
    consumed: set[int] = set()
    for token in tokens:
        if token.kind == "period":
            scope.period = token.data
            seen_period = True
        elif token.kind == "geo":
            scope.geography = token.data
        elif token.kind == "term":
            chosen = _choose(token.data, scope, default_geography)
            if chosen is not None and token.start not in consumed:
                scope.metric = chosen
                named_here = True
                if chosen.within is None and chosen.measure != "ratio":
                    scope.parent = chosen
                last = None
        elif token.kind == "amount":
            if not seen_period:  # English puts the period last: "… 577.6 billion yuan in Q1"
                ahead = next((t for t in tokens if t.kind == "period" and t.start >= token.end),
                             None)
                if ahead is not None:
                    scope.period = ahead.data
            term = scope.metric
            after = _english_unit_after(sentence, token.end, terms)
            if after is not None:
                chosen = _choose(after.data, scope, default_geography)
                if chosen is not None:
                    term = chosen
                    consumed.add(after.start)
            carried_only = not named_here and term is scope.metric
            last = _figure(token, term, scope, sentence, offset, status, published_on,
                           carried_only)
            out.append(last)
        elif token.kind == "rate":
            pct, comparator, wording = token.data
            if last is not None and last.yoy_pct is None:
                out[-1] = last = replace(last, yoy_pct=pct, yoy_comparator=comparator,
                                         yoy_text=wording)
            else:
                rate_only = _figure(None, scope.metric, scope, sentence, offset, status,
                                    published_on)
                last = replace(rate_only, yoy_pct=pct, yoy_comparator=comparator,
                               yoy_text=wording)
                out.append(last)
    carried.period = scope.period
    carried.metric = scope.metric
    carried.parent = scope.parent
    carried.geography = scope.geography
    return out


def _figure(token: _Token | None, term: Term | None, scope: _Scope, sentence: str,
            offset: int, status: str | None, published_on: date,
            carried_only: bool = False) -> ExtractedFigure:
    amount = token.data if token is not None else None
    reason = None
    metric_id = term.metric_id if term else None
    unit = amount["unit"] if amount else (term.unit if term else None)
    if term is None:
        reason = "no lexicon term names what this number measures"
    elif amount is not None and amount["unit"] is None and not amount.get("unit_word"):
        unit = term.unit  # "1.05 million market entities": the term gives the unit
    elif amount is not None and amount["unit"] != term.unit and carried_only:
        reason = "no lexicon term in its sentence names what this number measures"
    elif amount is not None and amount["unit"] != term.unit:
        reason = (f"unit {amount['unit'] or amount.get('unit_word')!r} is not the unit "
                  f"{term.unit!r} of {term.metric_id}")
    kind = start = end = None
    period_text = None
    if scope.period is not None:
        kind, start, end = _period_for(scope.period, term)
        period_text = scope.period.text
    elif term is not None and term.measure == "stock":
        kind, start, end = "level", published_on, published_on  # a count as of the release
    elif reason is None:
        reason = "no period found for this figure"
    if reason is not None:
        metric_id = None
    return ExtractedFigure(
        metric_id=metric_id, unmatched_reason=reason, period_kind=kind, period_start=start,
        period_end=end, period_text=period_text,
        value=amount["value"] if amount else None,
        value_as_written=amount["written"] if amount else None,
        multiplier=amount["multiplier"] if amount else None,
        unit=unit, comparator=amount["comparator"] if amount else None,
        qualifier_text=amount["qualifier"] if amount else None,
        yoy_pct=None, yoy_comparator=None, yoy_text=None, vintage_status=status,
        quote=sentence, quote_start=offset, quote_end=offset + len(sentence))


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def figure_json(fig: ExtractedFigure) -> dict[str, Any]:
    """The figure as `barometer extract` prints it: exactly these eight keys."""
    return {
        "value": _json_number(fig.value),
        "unit": fig.unit,
        "comparator": fig.comparator,
        "period_start": fig.period_start.isoformat() if fig.period_start else None,
        "period_end": fig.period_end.isoformat() if fig.period_end else None,
        "yoy_pct": _json_number(fig.yoy_pct),
        "metric": fig.metric_id,
        "quote": fig.quote,
    }
