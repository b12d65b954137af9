"""Read figures out of release text with the rules of docs/extraction.md.

Each sentence is scanned for amounts, growth rates, shares, periods, metric phrases, places,
breakdown words and cues (flows/extract/numbers.py, periods.py, mentions.py). Each amount is
then bound to what it measures, its period and its growth rate by named rules. A number loads
by itself only when a rule establishes each of its metric, unit, period and rate; otherwise it
carries a hold_reason and goes to the review queue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flows.extract.mentions import (
    breakdown_tokens,
    choose_term,
    cue_spans,
    is_cjk,
    place_tokens,
    term_tokens,
)
from flows.extract.model import ExtractedFigure, Period, Token
from flows.extract.normalize import Normalized, normalize
from flows.extract.numbers import (
    amount_tokens,
    listed_rates,
    multiple_tokens,
    percent_tokens,
    points_tokens,
    range_tokens,
    rate_tokens,
)
from flows.extract.periods import blocker_tokens, period_tokens
from flows.lexicon import Lexicon, Term

_SENTENCE_END = re.compile(
    r"[。!?;]|\n|(?<![A-Z]\.[A-Z])(?<!\bNo)(?<!\bU\.S)(?<!\b[A-Z][a-z]{2})(?<!\bSept)"
    r"(?<!\b[A-Z])\.(?=\s|$|\")")
_CLAUSE_BREAK = re.compile(r"[,;:]|\s(?:while|whereas|but)\s")
_PRELIMINARY = re.compile(r"初步|preliminary|initial estimate", re.I)
_PAIRED = re.compile(r"分别|respectively", re.I)
_RATE_TO_LEVEL = re.compile(
    r"^[\s,]*(?:(?:in|during)\s+)?(?:to|至|到)\s+(?:top\s+|reach\s+|a\s+record(?:\s+high)?\s+of\s+)?$",
    re.I)
_RESTATED = re.compile(r"^\s*(?:大关|关口)?\s*,?\s*(?:达|达到|为|reaching|to reach|at)\s*$", re.I)
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z ]{2,}(?=\s*(?:,|—|--|-|\())|.{0,30}?\d{1,2}\s*月\s*\d{1,2}\s*日\s*电)")
_EN_PREPOSITION = re.compile(r"\b(of|to|through|via|from|with|for|by)\s+([\w'’$-]+)", re.I)
_ALLOWED_AFTER_PREPOSITION = re.compile(
    r"^(?:\d[\d,.]*|cny|rmb|usd|\$.*|more|over|nearly|about|around|approximately|some|almost|"
    r"close|top|a|an|the|record|reach|its|their|which|this|last|turnover|january|february|march|april|"
    r"may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|"
    r"sep|sept|oct|nov|dec|first|second|third|fourth|china|china's|yiwu|yiwu's|cross-border|"
    r"e-commerce|cbec|20\d\d|customs)$", re.I)
_CURRENCIES = ("yuan", "US dollars", "euros")


@dataclass
class _Scope:
    """What a text has established so far, carried from sentence to sentence."""

    geography: str | None = None     # the last of our geographies named (China, Yiwu)
    other_place: str | None = None   # set when another place was named after it
    parent: Term | None = None       # the last headline metric given a figure
    parent_geography: str | None = None
    period: Period | None = None     # the period of the last sentence's figures
    period_seen: bool = False        # the text has named a period before
    periods_named: set[Period] = field(default_factory=set)  # every period named so far
    last_sentence_had_parent: bool = False
    # the metric phrases of the sentence before, when it ended in ';' (one sentence, two parts)
    before_semicolon: list[tuple[str, list[Term]]] = field(default_factory=list)


@dataclass
class _Draft:
    """A figure being assembled: what it measures, when, its rate, and why it may not load."""

    amount: Token | None
    term: Term | None = None
    period: Period | None = None
    rate: Token | None = None
    holds: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    unmatched: str | None = None     # no metric could be named
    unmapped: str | None = None      # a metric was named, but its period or unit is missing
    geography: str | None = None


@dataclass
class _Sentence:
    """A sentence's text and tokens (offsets within the sentence)."""

    text: str
    periods: list[Token]
    rates: list[Token]
    shares: list[Token]
    amounts: list[Token]
    terms: list[Token]
    nouns: list[Token]
    places: list[Token]
    breakdowns: list[Token]
    ranges: list[Token]
    forecast: list[tuple[int, int, str]]
    present: bool
    continuation: bool


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a normalised text, without surrounding space."""
    out: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group(0) != "\n" else match.start()
        _append(text, start, end, out)
        start = match.end()
    _append(text, start, len(text), out)
    return out


def _append(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        out.append((start + lead, start + lead + len(stripped)))


def _overlaps(token: Token, others: list[Token]) -> bool:
    return any(token.start < o.end and o.start < token.end for o in others)


def _scan(text: str, published_on: date, lexicon: Lexicon) -> _Sentence:
    blockers = blocker_tokens(text)
    points = points_tokens(text)
    multiples = multiple_tokens(text)
    ranges = range_tokens(text)
    rates = rate_tokens(text, points + multiples + ranges)
    periods = period_tokens(text, published_on, blockers + rates + points)
    shares = percent_tokens(text, rates + points + ranges + multiples)
    listed = listed_rates(text, rates, shares)
    rates += listed
    shares = [x for x in shares if not any(x.start == r.start for r in listed)]
    amounts = [a for a in amount_tokens(text, periods + rates + shares + points + multiples
                                        + blockers)
               if not _overlaps(a, ranges)]
    mentions = term_tokens(text, lexicon)
    terms = [t for t in mentions if t.kind == "term"]
    nouns = [t for t in mentions if t.kind == "noun"]
    lowered_start = text[:14].lower()
    continuation = any(lowered_start.startswith(word.lower())
                       for word in lexicon.cues.get("continuation", ()))
    continuation = continuation or any("same" in p.flags for p in periods)
    return _Sentence(
        text=text, periods=[p for p in periods if p.data is not None or "same" in p.flags],
        rates=rates, shares=shares, amounts=amounts, terms=terms, nouns=nouns,
        places=place_tokens(text, lexicon), breakdowns=breakdown_tokens(text, lexicon),
        ranges=ranges, forecast=cue_spans(text, lexicon, "forecast"),
        present=bool(cue_spans(text, lexicon, "present")), continuation=continuation)


# --- who and where --------------------------------------------------------------------------


def _address_spans(sent: _Sentence, lexicon: Lexicon) -> list[tuple[int, int]]:
    """Places that only locate Yiwu: 'Yiwu, Jinhua, Zhejiang province', 浙江义乌, 'Yiwu in East
    China's Zhejiang province'."""
    address = {w.lower() for w in lexicon.places.get("address", ())}
    spans = []
    yiwu = [p for p in sent.places if "ours" in p.flags and p.data == "Yiwu"]
    for anchor in yiwu:
        # after Yiwu: a chain of address words joined by commas, 'in', 'of', 'province'
        end = anchor.end
        for place in sorted(sent.places, key=lambda p: p.start):
            if place.start < end:
                continue
            gap = sent.text[end:place.start]
            if re.fullmatch(r"[\s,]*(?:(?:a\s+)?(?:county-level\s+)?city\s+)?(?:in\s+|of\s+)?"
                            r"(?:east\s+|eastern\s+)?", gap, re.I) is None:
                break
            if sent.text[place.start:place.end].lower() not in address:
                break
            spans.append((place.start, place.end))
            end = place.end
            tail = re.match(r"\s*(?:province|省|市)", sent.text[end:], re.I)
            if tail:
                end += tail.end()
        # before Yiwu: 浙江义乌, 浙江省义乌市, 金华义乌
        for place in sent.places:
            if place.end <= anchor.start and anchor.start - place.end <= 1 and \
                    sent.text[place.start:place.end].lower() in address:
                spans.append((place.start, place.end))
    return spans


def _places_in(sent: _Sentence, start: int, end: int,
               addresses: list[tuple[int, int]]) -> list[Token]:
    return [p for p in sent.places if start <= p.start and p.end <= end
            and (p.start, p.end) not in addresses]


def _dateline(sent: _Sentence) -> int:
    """Where a dateline ('BEIJING, July 16 (Xinhua) --', 'HANGZHOU --') ends: its place is where
    the story was filed, not whose figure it is."""
    match = _DATELINE.match(sent.text)
    return match.end() if match else 0


def _region_start(sent: _Sentence, mention: Token, before: int) -> int:
    """Where the subject of a number begins: after the last number before its metric phrase,
    and, in Chinese, after the last clause break before it."""
    start = 0
    for token in sent.amounts + sent.rates + sent.shares:
        if token.end <= mention.start and "brackets" not in token.flags:
            start = max(start, token.end)
    if is_cjk(sent.text):
        for m in _CLAUSE_BREAK.finditer(sent.text, 0, mention.start):
            start = max(start, m.end())
    return min(start, before)


def _restriction(sent: _Sentence, term: Term, region: tuple[int, int],
                 mention: Token) -> str | None:
    """The breakdown word, other place or English qualifier that makes the subject a part."""
    start, end = region
    for token in sent.breakdowns:
        if start <= token.start and token.end <= end and not _overlaps(token, [mention]):
            kind, word = token.data
            if kind in ("within", "parts") and term.within:
                continue  # 其中，出口… / of which the export was …: the part announced
            return f"its subject is a part of the total ({kind.replace('_', ' ')}: {word!r})"
    if not is_cjk(sent.text):
        tail = sent.text[mention.end:end]
        for m in _EN_PREPOSITION.finditer(tail):
            word = m.group(2)
            if _ALLOWED_AFTER_PREPOSITION.match(word):
                continue
            at = mention.end + m.start(2)
            if any(t.start <= at < t.end for t in sent.places + sent.periods):
                continue
            return (f"its subject is qualified ({m.group(1)} {word} …): it may be a part of "
                    "the total")
    else:
        head = sent.text[start:mention.start]
        if re.search(r"(?:对|向|与|同)[^,;]{0,10}$", head):
            return "its subject is trade with one partner (对/向/与 …), a part of the total"
    return None


def _restriction_after(sent: _Sentence, position: int) -> str | None:
    """Words right after the number, in its clause, that make it a part: '2.04 billion yuan
    across 16 pilot cities', '… to Africa'."""
    after = next((a for a in sent.amounts + sent.rates if a.start <= position < a.end), None)
    start = after.end if after else position
    end = min((m.start() for m in _CLAUSE_BREAK.finditer(sent.text, start)), default=len(
        sent.text))
    for token in sent.breakdowns:
        if start <= token.start and token.end <= end and token.data[0] in (
                "partner", "zone", "firm", "channel"):
            return (f"the words after it make it a part ({token.data[0]}: "
                    f"{token.data[1]!r})")
    return None


def _geography(sent: _Sentence, scope: _Scope, region: tuple[int, int], term_terms: list[Term],
               addresses: list[tuple[int, int]], default: str | None
               ) -> tuple[str | None, str | None, str | None]:
    """(geography, rule, hold): from the subject's own words, the city or country in scope,
    the text before, or the source."""
    places = _places_in(sent, region[0], region[1], addresses)
    others = [p for p in places if "other" in p.flags]
    ours = [p.data for p in places if "ours" in p.flags]
    if others:
        word = sent.text[others[0].start:others[0].end]
        return None, None, f"its subject names {word!r}: another place's figure"
    if ours:
        wanted = {t.geography for t in term_terms if t.geography}
        picked = next((g for g in reversed(ours) if g in wanted), ours[-1])
        return picked, "geography named in its subject", None
    if any("city" in p.flags for p in places):
        if scope.geography == "Yiwu" and scope.other_place is None:
            return "Yiwu", "'the city' is Yiwu, the city the text is about", None
        return None, None, "'the city' cannot be told from the text"
    last_amount = max((a.end for a in sent.amounts if a.end <= region[0]
                       and "brackets" not in a.flags), default=0)
    before = _places_in(sent, last_amount, region[0], addresses)
    for place in reversed(before):
        if "other" in place.flags:
            return None, None, (f"the sentence names {sent.text[place.start:place.end]!r} "
                                "before it: another place's figure?")
        if "ours" in place.flags:
            return place.data, "geography named earlier in its sentence", None
    if scope.other_place is not None:
        return None, None, f"the text last named {scope.other_place!r}: another place's figure?"
    if scope.geography:
        return scope.geography, "geography of the text so far", None
    if default:
        return default, "the source's geography", None
    named = {t.geography for t in term_terms if t.geography}
    if named == {"China"} and not any(
            "other" in p.flags for p in _places_in(sent, 0, region[1], addresses)):
        return "China", "a national phrase, in a text that has named no place", None
    return None, None, "no geography is named for it"


# --- periods --------------------------------------------------------------------------------


def _period_after(sent: _Sentence, token: Token) -> Token | None:
    """A period right after a number, in its clause, before any other number or metric (an
    English order: '577.6 billion yuan in the first quarter')."""
    if is_cjk(sent.text):
        return None
    limit = len(sent.text)
    adjacent = _noun_after(sent, token) if token.kind == "amount" else None
    for other in sent.amounts + sent.rates + sent.shares + sent.terms:
        if other.start >= token.end and "brackets" not in other.flags and other is not token \
                and other is not adjacent:
            limit = min(limit, other.start)
    for m in re.finditer(r";|,\s*(?:while|and|with)\b|\swhile\s", sent.text[token.end:limit]):
        limit = min(limit, token.end + m.start())
        break
    after = [p for p in sent.periods if token.end <= p.start < limit and p.data is not None]
    return after[0] if after else None


def _period_before(sent: _Sentence, token: Token) -> Token | None:
    before = [p for p in sent.periods if p.end <= token.start and p.data is not None]
    return before[-1] if before else None


def _owned_by_from(sent: _Sentence, period: Token, anchor: Token) -> bool:
    """In 'from X in 2018 to Y', the year before Y is X's, not Y's."""
    numbers = [a for a in sent.amounts + sent.shares if "brackets" not in a.flags]
    pair = _from_to_pair(sent, anchor, numbers) if anchor in numbers else None
    if pair is None or anchor is not pair[1]:
        return False
    to = _TO.search(sent.text, pair[0].end, pair[1].start)
    return to is not None and pair[0].start <= period.start and period.end <= to.start()


def _from_to_years(sent: _Sentence, anchor: Token) -> Period | None:
    """2011年至2023年,…由255.04亿元增至5660.5亿元: the first level is 2011's, the second 2023's."""
    amounts = [a for a in sent.amounts if "brackets" not in a.flags]
    pair = _from_to_pair(sent, anchor, amounts) if anchor in amounts else None
    if pair is None:
        return None
    first, second = pair
    years = [p for p in sent.periods if p.end <= first.start and p.data is not None
             and p.data.kind == "year"]
    if len(years) < 2 or not re.fullmatch(r"\s*(?:至|到|-|—|~)\s*",
                                         sent.text[years[-2].end:years[-1].start]):
        return None
    own = [p for p in sent.periods if first.start - 8 <= p.start < second.end and p.end <=
           second.start]
    if own:
        return None  # each level names its own year (从2018年的…,到2023年的…)
    return years[-2].data if anchor is first else years[-1].data


def _is_part(term: Term, lexicon: Lexicon) -> bool:
    """True for a metric that is a part of a total (exports of China's CBEC trade), whichever
    phrase named it."""
    return term.within is not None or any(t.within for t in lexicon.terms
                                          if t.metric_id == term.metric_id)


_DURATION = re.compile(r"\b(?:in|over|during) the (?:past |last )?\w+ (?:months|years|weeks)\b|"
                       r"\d+\s*个月|\d+\s*年间", re.I)
_ZH_PRESENT = re.compile(r"目前|现有|现已|已经|已|如今|至今|当前")


def _present_clause(sent: _Sentence, draft: _Draft, period: Token, anchor: Token) -> bool:
    """A count whose own clause says 已/目前 while the period belongs to an earlier clause with
    another figure ('去年…成交额达到211.97亿元,出口地域已经扩大到150多个国家和地区')."""
    if draft.term is None or draft.term.measure != "stock" or not is_cjk(sent.text):
        return False
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(sent.text, 0, anchor.start)),
                       default=0)
    other = [a for a in sent.amounts if period.end <= a.start and a.end <= clause_start]
    return period.end <= clause_start and bool(other) and bool(
        _ZH_PRESENT.search(sent.text[clause_start:anchor.start]))


def _past(sent: _Sentence, anchor: Token) -> bool:
    """A count its own clause puts in the past: 'a city that had some 15,000 … before'."""
    text = sent.text
    start = max([m.end() for m in re.finditer(r"[,;:]|\bthat\b|\bwhich\b", text[:anchor.start])]
                or [0])
    clause = text[start:anchor.start] + text[anchor.end:anchor.end + 60].split(",")[0]
    return bool(re.search(r"\b(?:had|was|were|before|ago|used to|once)\b|曾|过去|此前|以前",
                          clause, re.I))


def _since(sent: _Sentence, anchor: Token) -> bool:
    return bool(re.search(r"\bsince\b|以来|自.{1,12}起", sent.text[:anchor.start], re.I))


def _takes_only_period(draft: _Draft, sent: _Sentence, scope: _Scope) -> bool:
    """A figure whose sentence names no period takes the one period the text has named, when
    it is a flow (or an English count with no word of the present) in a sentence with no start
    ('since …') and no span ('in the 18 months')."""
    if draft.term is None or len(scope.periods_named) != 1:
        return False
    if re.search(r"\bsince\b|以来|自.{1,12}起", sent.text, re.I) or _DURATION.search(sent.text):
        return False
    if draft.term.measure == "flow":
        return True
    return draft.term.measure == "stock" and not sent.present and not is_cjk(sent.text)


def _period_for(draft: _Draft, sent: _Sentence, scope: _Scope, anchor: Token,
                published_on: date, carried_ok: bool) -> None:
    """Set the draft's period by the first rule that gives one, or hold it."""
    after = _period_after(sent, anchor)
    ranged = _from_to_years(sent, anchor)
    if ranged is not None:
        draft.period, rule = ranged, "the year of its end of a 'from … to …' span of years"
    elif after is not None:
        draft.period, rule = after.data, "explicit period in its clause"
    elif (before := _period_before(sent, anchor)) is not None and not _present_clause(
            sent, draft, before, anchor) and not _owned_by_from(sent, before, anchor):
        draft.period, rule = before.data, "explicit period earlier in its sentence"
    elif _since(sent, anchor) and not carried_ok:
        draft.holds.append("its only period is a start ('since …', 以来), not a period")
        return
    elif carried_ok and scope.period is not None:
        draft.period, rule = scope.period, "period of the total it continues"
    elif _takes_only_period(draft, sent, scope):
        draft.period = next(iter(scope.periods_named))
        rule = "the one period the text names before it"
    elif draft.term is not None and draft.term.measure == "stock":
        draft.period = Period("level", published_on, published_on, "")
        rule = "a count in the present: a level on the release date"
        if _since(sent, anchor):
            draft.holds.append("its only period is a start ('since …', 以来): as of when?")
        elif _past(sent, anchor):
            draft.holds.append("a past count with no date ('had', 'before', 曾)")
        elif not sent.present and not is_cjk(sent.text):
            draft.holds.append("a count with no date and no word that puts it in the present")
    else:
        draft.holds.append("no period is named for it in its sentence")
        if draft.term is not None:
            draft.unmapped = draft.unmapped or "no period found for this figure"
        elif scope.period is not None:
            draft.period = scope.period  # shown to the reviewer; an unnamed number never loads
        return
    draft.rules.append(f"period: {rule}")


# --- assembling ------------------------------------------------------------------------------


def _instrument(sent: _Sentence, mention: Token) -> bool:
    """'via cross-border e-commerce', 'through e-commerce': the phrase is how, not what."""
    return not is_cjk(sent.text) and re.search(
        r"\b(?:via|through|by|from|for)\s+(?:the\s+)?$",
        sent.text[max(0, mention.start - 12):mention.start], re.I) is not None


def _subjects(sent: _Sentence) -> list[Token]:
    return [t for t in sent.terms if not _instrument(sent, t)]


def _subject(sent: _Sentence, position: int) -> Token | None:
    """The metric phrase a number at `position` belongs to: the nearest before it with no other
    number between them."""
    numbers = [t for t in sent.amounts + sent.shares if "brackets" not in t.flags
               and "bare" not in t.flags]
    for mention in sorted(_subjects(sent), key=lambda t: -t.start):
        if mention.end > position:
            continue
        between = [n for n in numbers if mention.end <= n.start and n.end <= position]
        if len(between) == 1 and _RESTATED.match(sent.text[between[0].end:position]):
            return mention  # 突破8000亿元大关,达8365亿元: the same subject, restated exactly
        if between:
            return None
        return mention
    return None


def _noun_after(sent: _Sentence, token: Token) -> Token | None:
    """A count noun (or metric phrase) right after a number: '600,000 e-commerce entities',
    '230多个国家和地区', '210万种商品' (the measure word may belong to both)."""
    word = token.data.get("unit_word") if isinstance(token.data, dict) else None
    end = token.end - len(word) if word and word in "个名家种户" else token.end
    for noun in sent.nouns + sent.terms:
        gap = sent.text[end:noun.start] if noun.start >= end else None
        if gap is not None and len(gap) <= 4 and re.fullmatch(r"\s*(?:个|名|家|种)?\s*", gap):
            return noun
    return None


def _bind_count(draft: _Draft, sent: _Sentence, scope: _Scope, amount: Token, noun: Token,
                addresses: list[tuple[int, int]]) -> None:
    """A count named by the noun after it: the noun's metric, Yiwu's when the sentence (or the
    text it continues) is about Yiwu."""
    draft.term = next((t for t in noun.data if t.unit not in _CURRENCIES), noun.data[0])
    draft.geography = "Yiwu"
    draft.rules.append(f"metric: count noun after the number "
                       f"{sent.text[noun.start:noun.end]!r}")
    holds = _count_noun_holds(sent, scope, amount, noun, addresses)
    if holds:
        draft.holds.extend(holds)
    else:
        draft.rules.append("geography: Yiwu, named in the sentence or the text it continues")


def _ellipsis(sent: _Sentence, scope: _Scope, mention: Token,
              geography: str | None) -> Term | None:
    """'我国跨境电商进出口…;…今年上半年进出口1.22万亿元': a phrase that ends a longer phrase named
    just before it (in its sentence, or before the ';' that opens it), with no other metric
    between, stands for it."""
    short = sent.text[mention.start:mention.end]
    earlier = [(sent.text[t.start:t.end], t.data) for t in sorted(
        (t for t in sent.terms if t.end <= mention.start), key=lambda t: t.start)]
    for text, terms in reversed(scope.before_semicolon + earlier):
        if text != short and text.endswith(short):
            fits = [t for t in terms if not t.within and t.geography == geography]
            return fits[0] if fits else None
        return None
    return None


def _count_noun_holds(sent: _Sentence, scope: _Scope, amount: Token, noun: Token,
                      addresses: list[tuple[int, int]]) -> list[str]:
    """A count named by the noun after it ('227 countries and regions') is Yiwu's only when
    the sentence says Yiwu (or 'the city', 'here'), or continues a text about Yiwu and names
    no other place, and nothing in its clause makes it a part ('merchants from 100
    countries', 'of Africa')."""
    holds = []
    head = sent.text[:amount.start].rstrip().lower()
    if re.fullmatch(r"(?:more than|over|nearly|about|some|almost|超过|逾|近|约)?\s*", head) and \
            sent.rates:
        holds.append("the count opens its sentence: it is what the sentence is about, not a "
                     "measure of Yiwu")
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(sent.text, 0, amount.start)),
                       default=0)
    if re.search(r"(?:\bfrom|\bof)(?:\s+(?:more than|over|nearly|about|some))?$", head) or \
            "来自" in sent.text[clause_start:amount.start]:
        holds.append("the count says where something comes from, not what Yiwu has")
    clause_end = min((m.start() for m in _CLAUSE_BREAK.finditer(sent.text, noun.end)),
                     default=len(sent.text))
    for token in sent.breakdowns:
        if clause_start <= token.start and token.end <= clause_end and token.data[0] in (
                "partner", "firm", "zone"):
            holds.append(f"its clause names {token.data[1]!r}: a part, not the whole")
            break
    ours = [p for p in sent.places if ("ours" in p.flags and p.data == "Yiwu")
            or "city" in p.flags]
    others = [p for p in _places_in(sent, 0, len(sent.text), addresses) if "other" in p.flags]
    in_clause = [p for p in sent.places if clause_start <= p.start and p.end <= clause_end]
    if any("ours" in p.flags and p.data == "Yiwu" for p in in_clause):
        ours = in_clause
        others = [p for p in _places_in(sent, clause_start, clause_end, addresses)
                  if "other" in p.flags]
    about_yiwu = scope.geography == "Yiwu" and scope.other_place is None and not \
        sent.text.startswith(("“", '"', "「"))
    if not ours and not re.search(r"\bhere\b|本市|该市", sent.text, re.I) and not (
            about_yiwu and not others):
        holds.append("the sentence does not say the count is Yiwu's (a quote, or another "
                     "subject)")
    if others:
        holds.append(f"the sentence names {sent.text[others[0].start:others[0].end]!r}")
    return holds


def _bind_term(draft: _Draft, sent: _Sentence, scope: _Scope, mention: Token,
               position: int, default: str | None, addresses: list[tuple[int, int]],
               sentence_parent: Term | None, via: str) -> None:
    """Choose the metric of a phrase for a number, with its geography and restrictions."""
    start = _region_start(sent, mention, position)
    region = (start, position)
    terms: list[Term] = mention.data
    parent = sentence_parent or (scope.parent if scope.last_sentence_had_parent else None)
    geography, geo_rule, geo_hold = _geography(sent, scope, region, terms, addresses, default)
    within = [t for t in terms if t.within and parent is not None and t.within ==
              parent.metric_id]
    if within:
        term = within[0]
        geography = geography or scope.parent_geography
        if geo_hold and not _places_in(sent, region[0], region[1], addresses):
            geo_hold = None  # the part takes its total's geography
        geo_rule = "the geography of its total"
    else:
        term = choose_term(terms, geography, None) or _ellipsis(sent, scope, mention,
                                                                  geography)
        if term is not None and term not in terms:
            geo_rule = f"{geo_rule}; the phrase repeats, shortened, the metric named before it"
        if term is None and geo_hold:
            term = next((t for t in terms if not t.within), None)  # a suggestion, held
    if term is None:
        word = sent.text[mention.start:mention.end]
        draft.unmatched = (f"no metric of {word!r} fits here (a part with no total before it, "
                           "or another geography)")
        draft.holds.append(draft.unmatched)
        return
    draft.term = term
    draft.geography = geography
    draft.rules.append(f"metric: {via} {sent.text[mention.start:mention.end]!r}")
    if geo_hold:
        draft.holds.append(geo_hold)
    elif geo_rule:
        draft.rules.append(f"geography: {geo_rule}")
    restriction = _restriction(sent, term, region, mention) or _restriction_after(sent, position)
    if restriction:
        draft.holds.append(restriction)


def _check_unit(draft: _Draft) -> None:
    if draft.amount is None or draft.term is None:
        return
    unit = draft.amount.data["unit"]
    if draft.term.unit in _CURRENCIES or unit in _CURRENCIES:
        if unit != draft.term.unit:
            named = unit or "no currency"
            draft.unmapped = (f"it is in {named}, and {draft.term.metric_id} is measured in "
                              f"{draft.term.unit} (currencies are never converted)")
            draft.holds.append(draft.unmapped)
            return
        draft.rules.append(f"unit: {draft.amount.data['unit_word']!r} after the number")
    elif draft.term.unit == "share":
        if unit != "share":
            draft.holds.append("not a share")
            return
    else:
        draft.rules.append("unit: a count of the metric's own noun")


def _forecast(sent: _Sentence, position: int) -> str | None:
    for start, _, word in sent.forecast:
        if start < position or not is_cjk(sent.text):
            return f"a forecast or target ({word!r}), not a figure"
    return None


def _parent_at(drafts: list[_Draft], position: int, lexicon: Lexicon) -> Term | None:
    """The total a part named at `position` belongs to: the last total given a figure before
    it in the sentence, or the total of a part given before it ('CBEC exports and imports')."""
    before = sorted((d for d in drafts if d.term is not None
                     and (d.amount or d.rate).start < position),
                    key=lambda d: (d.amount or d.rate).start)
    for draft in reversed(before):
        if not _is_part(draft.term, lexicon) and draft.term.measure != "ratio":
            return draft.term
        total = next((t.within for t in lexicon.terms
                      if t.metric_id == draft.term.metric_id and t.within), None)
        if total is not None:
            return next((t for t in lexicon.terms if t.metric_id == total), None)
    return None


def _read_sentence(sent: _Sentence, scope: _Scope, published_on: date, lexicon: Lexicon,
                   default: str | None) -> list[_Draft]:
    addresses = _address_spans(sent, lexicon)
    line = _dateline(sent)
    addresses += [(p.start, p.end) for p in sent.places if p.end <= line]
    drafts: list[_Draft] = []
    paired = _paired(sent, lexicon)
    sentence_parent: Term | None = None
    used_rates: set[int] = set()
    free_amounts = [a for a in sent.amounts if "brackets" not in a.flags]
    for amount in sorted(sent.amounts + sent.shares, key=lambda t: t.start):
        draft = _Draft(amount)
        if "brackets" in amount.flags:
            draft.holds.append("it is in brackets: a conversion or an aside")
            drafts.append(draft)
            continue
        noun = _noun_after(sent, amount)
        mention = None
        via = "subject phrase"
        if id(amount) in paired:
            mention, via = paired[id(amount)], "paired list"
        elif noun is not None and amount.kind == "amount" and (noun.kind == "noun" or any(
                t.unit not in _CURRENCIES and t.unit != "share" and not t.within
                for t in noun.data)) and amount.data["unit"] not in _CURRENCIES:
            _bind_count(draft, sent, scope, amount, noun, addresses)
            _check_unit(draft)
            _period_for(draft, sent, scope, amount, published_on, sent.continuation)
            if (hold := _forecast(sent, amount.start)) is not None:
                draft.holds.append(hold)
            drafts.append(draft)
            continue
        elif noun is not None and amount.kind == "amount" and "bare" in amount.flags:
            mention, via = noun, "count noun after the number"
        elif amount.kind == "share":
            share_noun = _noun_after(sent, amount)
            mention = share_noun if share_noun and share_noun.kind == "noun" else None
            if mention is None:
                mention = next((t for t in sent.terms if t.end <= amount.start and any(
                    x.unit == "share" for x in t.data)), None)
        else:
            mention = _from_to_subject(sent, amount, free_amounts)
            via = "'from … to …' of"
            if mention is None:
                mention, via = _subject(sent, amount.start), "subject phrase"
        if "bare" in amount.flags and (mention is None or not any(
                t.unit not in _CURRENCIES and t.unit != "share" for t in mention.data)):
            continue  # a bare number (a rank, a count of something else): not a figure
        if mention is None:
            draft.unmatched = "no lexicon phrase names what this number measures"
            draft.holds.append(draft.unmatched)
        elif amount.kind == "share":
            _bind_share(draft, sent, scope, mention, drafts, default, addresses)
        else:
            _bind_term(draft, sent, scope, mention, amount.start, default, addresses,
                       _parent_at(drafts, amount.start, lexicon), via)
        if draft.term is not None and not _is_part(draft.term, lexicon) and \
                draft.term.measure != "ratio":
            sentence_parent = draft.term
        _check_unit(draft)
        carried = sent.continuation or (draft.term is not None and _is_part(draft.term, lexicon)
                                        and sentence_parent is None)
        _period_for(draft, sent, scope, amount, published_on, carried)
        if (hold := _forecast(sent, amount.start)) is not None:
            draft.holds.append(hold)
        drafts.append(draft)
    _attach_rates(sent, drafts, used_rates, paired)
    for rate in sent.rates:
        if id(rate) in used_rates or rate.flags & {"average", "not_yoy"}:
            continue
        draft = _Draft(None, rate=rate)
        mention = paired.get(id(rate)) or _subject(sent, rate.start)
        via = "paired list" if id(rate) in paired else "subject phrase"
        if mention is None:
            draft.unmatched = "no lexicon phrase names what this rate measures"
            draft.holds.append(draft.unmatched)
        else:
            _bind_term(draft, sent, scope, mention, rate.start, default, addresses,
                       _parent_at(drafts, rate.start, lexicon), via)
        if draft.term is not None and draft.term.measure == "ratio":
            continue
        if draft.term is not None:
            draft.rules.append("growth: a rate of the metric in scope, with no level")
        carried = sent.continuation or (draft.term is not None and _is_part(draft.term, lexicon))
        _period_for(draft, sent, scope, rate, published_on, carried)
        if (hold := _forecast(sent, rate.start)) is not None:
            draft.holds.append(hold)
        drafts.append(draft)
    return drafts


def _bind_share(draft: _Draft, sent: _Sentence, scope: _Scope, mention: Token,
                drafts: list[_Draft], default: str | None,
                addresses: list[tuple[int, int]]) -> None:
    """A share: its phrase names the ratio; the total it is a share of must be China's
    cross-border e-commerce, in the same sentence."""
    term = next((t for t in mention.data if t.unit == "share"), None)
    if term is None:
        draft.unmatched = "no share metric is named for this percentage"
        draft.holds.append(draft.unmatched)
        return
    numerator = next((d for d in reversed(drafts) if d.term is not None
                      and d.term.metric_id == term.metric_id.rsplit(".", 1)[0] + ".trade_value"),
                     None)
    whole = next((t for t in sent.terms if t.end <= draft.amount.start and any(
        x.metric_id == "china.cbec.trade_value" for x in t.data)), None)
    if whole is None and re.search(r"(?:跨境电商|跨境电子商务|cross-border e-commerce)",
                                   sent.text[max(0, mention.start - 10):mention.end], re.I):
        whole = mention  # 跨境电商占…比重, 'the share of cross-border e-commerce in …'

    if numerator is None and whole is None:
        draft.holds.append("the share does not say of what total it is")
        return
    draft.term = term
    region = (0, draft.amount.start)
    geography, _, hold = _geography(sent, scope, region, [term], addresses, default)
    if hold or geography != term.geography:
        draft.holds.append(hold or f"the share is {geography or 'nobody'}'s, not China's")
    draft.rules.append(f"metric: share phrase {sent.text[mention.start:mention.end]!r}")


_FROM = re.compile(r"\bfrom\b|从|由", re.I)
_TO = re.compile(r"\bto\b|到|至|增至|增长到|增长至|上升到|提高到", re.I)


def _from_to_subject(sent: _Sentence, amount: Token, amounts: list[Token]) -> Token | None:
    """'from 115.3 billion yuan in 2014 to 371.51 billion yuan in 2021', 从2018年的…,到2023年
    的…: both levels belong to the phrase before 'from' (English) or, in Chinese, before 从 or
    right after the pair (…,5年间,我国跨境电商进出口增长了1.2倍)."""
    pair = _from_to_pair(sent, amount, amounts)
    if pair is None:
        return None
    first, second = pair
    opening = max(m.start() for m in _FROM.finditer(sent.text, 0, first.start))
    before = [t for t in _subjects(sent) if t.end <= opening]
    if before:
        between = [a for a in amounts if before[-1].end <= a.start and a.end <= opening]
        if not between:
            return before[-1]
    after = [t for t in sent.terms if t.start >= second.end]
    return after[0] if after and is_cjk(sent.text) else None


def _from_to_pair(sent: _Sentence, amount: Token,
                  amounts: list[Token]) -> tuple[Token, Token] | None:
    """The (from, to) amounts of a 'from X to Y' the amount belongs to, if any."""
    ordered = sorted(amounts, key=lambda a: a.start)
    index = next((i for i, a in enumerate(ordered) if a is amount), None)
    if index is None:
        return None
    for first, second in ((ordered[index - 1], amount) if index > 0 else (None, None),
                          (amount, ordered[index + 1]) if index + 1 < len(ordered)
                          else (None, None)):
        if first is None:
            continue
        head = sent.text[max(0, first.start - 20):first.start]
        if not _FROM.search(head) or not _TO.search(sent.text[first.end:second.start]):
            continue
        if first.data["unit"] != second.data["unit"]:
            continue
        return first, second
    return None


def _split_pairs(sent: _Sentence, lexicon: Lexicon) -> None:
    """With 'respectively' / 分别, a phrase like 'exports and imports' is a list of two metrics,
    not one: read each half on its own."""
    out = []
    for token in sent.terms:
        text = sent.text[token.start:token.end]
        parts = re.split(r"(\s+and\s+|和|、)", text)
        if len(parts) != 3:
            out.append(token)
            continue
        halves = []
        offset = token.start
        for piece in (parts[0], parts[2]):
            at = sent.text.index(piece, offset)
            found = [t for t in term_tokens(piece, lexicon) if t.kind == "term"
                     and t.end - t.start == len(piece)]
            halves += [Token("term", at, at + len(piece), found[0].data)] if found else []
            offset = at + len(piece)
        if len(halves) == 2:
            before = [t for t in sent.terms if t.end <= token.start]
            if before and re.fullmatch(r"\s*", sent.text[before[-1].end:halves[0].start]):
                pass
            out += halves
        else:
            out.append(token)
    sent.terms = _merge_adjacent(sent, out, lexicon)


def _merge_adjacent(sent: _Sentence, terms: list[Token], lexicon: Lexicon) -> list[Token]:
    """'CBEC exports and imports': when a split half is a bare part (exports) right after a
    qualifier (CBEC), read the qualified phrase."""
    out = []
    for token in sorted(terms, key=lambda t: t.start):
        head = sent.text[max(0, token.start - 12):token.start]
        qualified = re.search(r"(CBEC|cross-border e-commerce|e-commerce|跨境电商)\s*$", head,
                              re.I)
        if qualified:
            start = token.start - len(qualified.group(0))
            phrase = sent.text[start:token.end]
            found = [t for t in term_tokens(phrase, lexicon) if t.kind == "term"
                     and t.end - t.start == len(phrase)]
            if found and not any(o.start <= start < o.end for o in out):
                token = Token("term", start, token.end, found[0].data)
        out.append(token)
    return out


def _paired(sent: _Sentence, lexicon: Lexicon) -> dict[int, Token]:
    """'出口、进口分别为X亿元、Y亿元', 'exports and imports rising a and b percent respectively':
    the n-th number goes to the n-th phrase. Returns number id → phrase."""
    match = _PAIRED.search(sent.text)
    if not match:
        return {}
    _split_pairs(sent, lexicon)
    numbers = [t for t in sent.amounts + sent.rates + sent.shares
               if "brackets" not in t.flags and "bare" not in t.flags]
    if is_cjk(sent.text):
        head_end = match.start()
        items = [t for t in numbers if t.start >= match.end()]
    else:
        before = [t for t in sent.terms if t.end <= match.start()]
        last_mention = max((t.end for t in before), default=0)
        items = [t for t in numbers if last_mention <= t.start and t.end <= match.start()]
        head_end = last_mention
    mentions = [t for t in sent.terms if t.end <= head_end]
    run: list[Token] = []
    for mention in reversed(mentions):
        if run and not re.fullmatch(r"\s*(?:、|和|及|与|,|and|,\s*and)\s*",
                                    sent.text[mention.end:run[0].start], re.I):
            break
        run.insert(0, mention)
    kinds = {t.kind for t in items}
    if len(run) < 2 or len(items) % len(run) or not items:
        return {}
    if len(kinds) == 1 and len(items) == len(run):
        return {id(item): run[i] for i, item in enumerate(items)}
    by_kind = [t for t in items if t.kind == "amount"]
    rates = [t for t in items if t.kind in ("rate", "share")]
    out = {}
    if len(by_kind) == len(run):
        out.update({id(item): run[i] for i, item in enumerate(by_kind)})
    if len(rates) == len(run):
        for i, item in enumerate(rates):
            if item.kind == "share":
                item.kind = "rate"
                value = item.data["value"] * 100
                item.data = (value.normalize(), "=", sent.text[item.start:item.end])
                sent.rates.append(item)
                sent.shares.remove(item)
            out[id(item)] = run[i]
    return out


def _attach_rates(sent: _Sentence, drafts: list[_Draft], used: set[int],
                  paired: dict[int, Token]) -> None:
    """Give each level its growth rate: the rate right after it, or a rate that leads to it
    ('rose 10.5 percent to 1.22 trillion yuan'), or its place in a paired list."""
    levels = [d for d in drafts if d.amount is not None and "brackets" not in d.amount.flags
              and d.amount.kind == "amount"]
    for rate in sorted(sent.rates, key=lambda t: t.start):
        if rate.flags & {"average", "not_yoy"}:
            continue
        if id(rate) in paired:
            target = next((d for d in levels if id(d.amount) in paired
                           and paired[id(d.amount)] is paired[id(rate)]), None)
            if target is not None and target.rate is None:
                target.rate = rate
                target.rules.append("growth: paired list")
                used.add(id(rate))
            continue
        ahead = next((d for d in levels if d.amount.start >= rate.end), None)
        if ahead is not None and ahead.rate is None:
            between = sent.text[rate.end:ahead.amount.start]
            for token in sent.periods + sent.places:
                if rate.end <= token.start and token.end <= ahead.amount.start:
                    between = between.replace(sent.text[token.start:token.end], " ")
            if _RATE_TO_LEVEL.match(between) or re.fullmatch(r"\s*(?:year-on-year\s+)?to\s+",
                                                             between, re.I):
                ahead.rate = rate
                ahead.rules.append("growth: the rate that leads to the level ('rose X% to')")
                used.add(id(rate))
                continue
        behind = [d for d in levels if d.amount.end <= rate.start]
        if not behind:
            continue
        last = behind[-1]
        blockers = [t for t in sent.amounts + _subjects(sent) + sent.shares
                    if last.amount.end <= t.start and t.end <= rate.start
                    and "brackets" not in t.flags and "bare" not in t.flags]
        if last.rate is None and not blockers:
            last.rate = rate
            last.rules.append("growth: the rate right after the level")
            used.add(id(rate))


def _as_named(period: Period) -> Period:
    """A period as a flow's figure would carry it, its wording dropped (to count distinct
    periods)."""
    if period.kind == "asof":
        return Period("ytd", date(period.end.year, 1, 1), period.end, "")
    return Period(period.kind, period.start, period.end, "")


def _address_words(lexicon: Lexicon) -> set[str]:
    return {w.lower() for w in lexicon.places.get("address", ())}


def _update_scope(scope: _Scope, sent: _Sentence, drafts: list[_Draft],
                  addresses: list[tuple[int, int]], lexicon: Lexicon) -> None:
    line = _dateline(sent)
    for place in sorted(sent.places, key=lambda p: p.start):
        if place.end <= line:
            continue
        if (place.start, place.end) in addresses:
            continue
        word = sent.text[place.start:place.end]
        if "ours" in place.flags:
            if scope.geography == "Yiwu" and word.lower() in _address_words(lexicon):
                continue  # 'East China's Zhejiang province' in a text about Yiwu
            scope.geography, scope.other_place = place.data, None
        elif "other" in place.flags:
            if scope.geography == "Yiwu" and word.lower() in _address_words(lexicon):
                continue
            scope.other_place = word
    if any(p.data is not None for p in sent.periods):
        scope.period_seen = True
    scope.periods_named.update(_as_named(p.data) for p in sent.periods if p.data is not None)
    headline = [d for d in drafts if d.term is not None and not d.term.within
                and d.term.measure != "ratio" and not d.holds]
    parts = [d for d in drafts if d.term is not None and d.term.within and not d.holds]
    if headline:
        scope.parent = headline[-1].term
        scope.parent_geography = headline[-1].geography
        scope.period = headline[-1].period
        scope.last_sentence_had_parent = True
    elif parts:
        scope.last_sentence_had_parent = True
    else:
        scope.last_sentence_had_parent = False
    if headline and headline[-1].geography:
        scope.geography = headline[-1].geography
        scope.other_place = None


def _figure(draft: _Draft, sent: _Sentence, norm: Normalized, offset: int,
            status: str | None, lexicon: Lexicon) -> ExtractedFigure:
    amount = draft.amount.data if draft.amount is not None and draft.amount.kind in (
        "amount", "share") else None
    term = draft.term
    hold = "; ".join(dict.fromkeys(draft.holds)) or None
    metric_id = term.metric_id if term is not None and draft.unmatched is None else None
    suggested = metric_id
    if metric_id is not None and draft.unmapped:
        metric_id = None  # no period for a flow, another currency: not this metric as read
    unmatched = draft.unmatched or draft.unmapped or (
        None if metric_id else "no lexicon phrase names what this number measures")
    kind = start = end = None
    period_text = None
    if draft.period is not None:
        period = draft.period
        if period.kind == "level" or (term is not None and term.measure == "stock"):
            kind, start, end = "level", period.start, period.end
        elif period.kind == "asof":
            kind, start, end = "ytd", date(period.end.year, 1, 1), period.end
        else:
            kind, start, end = period.kind, period.start, period.end
        period_text = period.text or None
    if metric_id is None and hold is None:
        hold = unmatched
    yoy = yoy_cmp = yoy_text = None
    rate_span = None
    if draft.rate is not None:
        pct, yoy_cmp, yoy_text = draft.rate.data
        yoy = Decimal(pct)
        rate_span = norm.to_original(offset + draft.rate.start, offset + draft.rate.end)
    anchor = draft.amount or draft.rate
    span = norm.to_original(offset + anchor.start, offset + anchor.end)
    quote_start, quote_end = norm.to_original(offset, offset + len(sent.text))
    unit = amount["unit"] if amount else (term.unit if term else None)
    if amount and unit is None and amount.get("unit_word"):
        word = amount["unit_word"]
        unit = lexicon.units.get(word) or lexicon.units.get(word.lower())  # 吨 → tonnes
    if amount and amount["unit"] not in _CURRENCIES and term is not None and \
            term.unit not in _CURRENCIES and term.unit != "share":
        unit = term.unit  # 210万家中小微企业: 家 counts the metric's own businesses
    return ExtractedFigure(
        metric_id=metric_id, unmatched_reason=None if metric_id else unmatched,
        period_kind=kind, period_start=start, period_end=end, period_text=period_text,
        value=amount["value"] if amount else None,
        value_as_written=amount["written"] if amount else None,
        multiplier=amount["multiplier"] if amount else None, unit=unit,
        comparator=amount["comparator"] if amount else None,
        qualifier_text=amount["qualifier"] if amount else None,
        yoy_pct=yoy, yoy_comparator=yoy_cmp if yoy is not None else None, yoy_text=yoy_text,
        vintage_status=status, quote="", quote_start=quote_start, quote_end=quote_end,
        hold_reason=hold, rules=tuple(draft.rules), span=span, rate_span=rate_span,
        suggested_metric_id=suggested)


def extract_figures(text: str, published_on: date, lexicon: Lexicon,
                    default_geography: str | None = None) -> list[ExtractedFigure]:
    """Every number of a text that may be a figure, in order, each with its quote, what it
    measures, its period and rate, the rules that established them, or why it is held."""
    norm = normalize(text)
    scope = _Scope()
    figures: list[ExtractedFigure] = []
    for start, end in sentences(norm.text):
        sent = _scan(norm.text[start:end], published_on, lexicon)
        drafts = _read_sentence(sent, scope, published_on, lexicon, default_geography)
        status = "preliminary" if _PRELIMINARY.search(sent.text) else None
        for draft in sorted(drafts, key=lambda d: (d.amount or d.rate).start):
            fig = _figure(draft, sent, norm, start, status, lexicon)
            figures.append(_with_quote(fig, text))
        _update_scope(scope, sent, drafts, _address_spans(sent, lexicon), lexicon)
        scope.before_semicolon = [(sent.text[t.start:t.end], t.data) for t in sent.terms] \
            if sent.text.endswith(";") else []
    return figures


def _with_quote(fig: ExtractedFigure, text: str) -> ExtractedFigure:
    from dataclasses import replace

    return replace(fig, quote=text[fig.quote_start:fig.quote_end])
