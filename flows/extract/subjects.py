"""What a number measures: its subject phrase or count noun, the metric that phrase names here,
the words that make it a part of a total, its unit, and the forecasts that are not figures."""

from __future__ import annotations

import re

from flows.extract.lexicon import Lexicon, Term, load_hedges
from flows.extract.mentions import choose_term, is_cjk
from flows.extract.model import Token
from flows.extract.places import places_between, resolve_geography
from flows.extract.state import CLAUSE_BREAK, CURRENCIES, Draft, Scope, Sentence, is_part, overlaps

_EN_PREPOSITION = re.compile(r"\b(of|to|through|via|from|with|for|by)\s+([\w'’$-]+)", re.I)
_ALLOWED_AFTER_PREPOSITION = re.compile(
    r"^(?:\d[\d,.]*|cny|rmb|usd|\$.*|more|over|nearly|about|around|approximately|some|almost|"
    r"close|top|a|an|the|record|reach|its|their|which|this|last|turnover|january|february|march|april|"
    r"may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|"
    r"sep|sept|oct|nov|dec|first|second|third|fourth|china|china's|yiwu|yiwu's|cross-border|"
    r"e-commerce|cbec|20\d\d|customs)$", re.I)
# Hedge words before a count that opens its sentence (warehouse/lexicons/hedges.toml).
_OPENING_EN = load_hedges().pattern("count_opening", "en")
_OPENING_ZH = load_hedges().pattern("count_opening", "zh")
_RESTATED = re.compile(r"^\s*(?:大关|关口)?\s*,?\s*(?:达|达到|为|reaching|to reach|at)\s*$", re.I)


def _region_start(sent: Sentence, mention: Token, before: int) -> int:
    """Where the subject of a number begins: after the last number before its metric phrase,
    and, in Chinese, after the last clause break before it."""
    start = 0
    for token in sent.amounts + sent.rates + sent.shares:
        if token.end <= mention.start and "brackets" not in token.flags:
            start = max(start, token.end)
    if is_cjk(sent.text):
        for m in CLAUSE_BREAK.finditer(sent.text, 0, mention.start):
            start = max(start, m.end())
    return min(start, before)


def _restriction(sent: Sentence, term: Term, region: tuple[int, int],
                 mention: Token) -> str | None:
    """The breakdown word, other place or English qualifier that makes the subject a part."""
    start, end = region
    for token in sent.breakdowns:
        if start <= token.start and token.end <= end and not overlaps(token, [mention]):
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


def _restriction_after(sent: Sentence, position: int) -> str | None:
    """Words right after the number, in its clause, that make it a part: '2.04 billion yuan
    across 16 pilot cities', '… to Africa'."""
    after = next((a for a in sent.amounts + sent.rates if a.start <= position < a.end), None)
    start = after.end if after else position
    end = min((m.start() for m in CLAUSE_BREAK.finditer(sent.text, start)), default=len(
        sent.text))
    for token in sent.breakdowns:
        if start <= token.start and token.end <= end and token.data[0] in (
                "partner", "zone", "firm", "channel"):
            return (f"the words after it make it a part ({token.data[0]}: "
                    f"{token.data[1]!r})")
    return None


def _instrument(sent: Sentence, mention: Token) -> bool:
    """'via cross-border e-commerce', 'through e-commerce': the phrase is how, not what."""
    return not is_cjk(sent.text) and re.search(
        r"\b(?:via|through|by|from|for)\s+(?:the\s+)?$",
        sent.text[max(0, mention.start - 12):mention.start], re.I) is not None


def subject_mentions(sent: Sentence) -> list[Token]:
    return [t for t in sent.terms if not _instrument(sent, t)]


def subject_of(sent: Sentence, position: int) -> Token | None:
    """The metric phrase a number at `position` belongs to: the nearest before it with no other
    number between them."""
    numbers = [t for t in sent.amounts + sent.shares if "brackets" not in t.flags
               and "bare" not in t.flags]
    for mention in sorted(subject_mentions(sent), key=lambda t: -t.start):
        if mention.end > position:
            continue
        between = [n for n in numbers if mention.end <= n.start and n.end <= position]
        if len(between) == 1 and _RESTATED.match(sent.text[between[0].end:position]):
            return mention  # 突破8000亿元大关,达8365亿元: the same subject, restated exactly
        if between:
            return None
        return mention
    return None


def noun_after(sent: Sentence, token: Token) -> Token | None:
    """A count noun (or metric phrase) right after a number: '600,000 e-commerce entities',
    '230多个国家和地区', '210万种商品' (the measure word may belong to both)."""
    word = token.data.get("unit_word") if isinstance(token.data, dict) else None
    end = token.end - len(word) if word and word in "个名家种户" else token.end
    for noun in sent.nouns + sent.terms:
        gap = sent.text[end:noun.start] if noun.start >= end else None
        if gap is not None and len(gap) <= 4 and re.fullmatch(r"\s*(?:个|名|家|种)?\s*", gap):
            return noun
    return None


def bind_count(draft: Draft, sent: Sentence, scope: Scope, amount: Token, noun: Token,
                addresses: list[tuple[int, int]]) -> None:
    """A count named by the noun after it: the noun's metric, Yiwu's when the sentence (or the
    text it continues) is about Yiwu."""
    draft.term = next((t for t in noun.data if t.unit not in CURRENCIES), noun.data[0])
    draft.geography = "Yiwu"
    draft.rules.append(f"metric: count noun after the number "
                       f"{sent.text[noun.start:noun.end]!r}")
    holds = _count_noun_holds(sent, scope, amount, noun, addresses)
    if holds:
        draft.holds.extend(holds)
    else:
        draft.rules.append("geography: Yiwu, named in the sentence or the text it continues")


def _ellipsis(sent: Sentence, scope: Scope, mention: Token,
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


def _count_noun_holds(sent: Sentence, scope: Scope, amount: Token, noun: Token,
                      addresses: list[tuple[int, int]]) -> list[str]:
    """A count named by the noun after it ('227 countries and regions') is Yiwu's only when
    the sentence says Yiwu (or 'the city', 'here'), or continues a text about Yiwu and names
    no other place, and nothing in its clause makes it a part ('merchants from 100
    countries', 'of Africa')."""
    holds = []
    head = sent.text[:amount.start].rstrip().lower()
    if re.fullmatch(rf"(?:{_OPENING_EN}|{_OPENING_ZH})?\s*", head) and \
            sent.rates:
        holds.append("the count opens its sentence: it is what the sentence is about, not a "
                     "measure of Yiwu")
    clause_start = max((m.end() for m in CLAUSE_BREAK.finditer(sent.text, 0, amount.start)),
                       default=0)
    if re.search(rf"(?:\bfrom|\bof)(?:\s+(?:{_OPENING_EN}))?$", head) or \
            "来自" in sent.text[clause_start:amount.start]:
        holds.append("the count says where something comes from, not what Yiwu has")
    clause_end = min((m.start() for m in CLAUSE_BREAK.finditer(sent.text, noun.end)),
                     default=len(sent.text))
    for token in sent.breakdowns:
        if clause_start <= token.start and token.end <= clause_end and token.data[0] in (
                "partner", "firm", "zone"):
            holds.append(f"its clause names {token.data[1]!r}: a part, not the whole")
            break
    ours = [p for p in sent.places if ("ours" in p.flags and p.data == "Yiwu")
            or "city" in p.flags]
    others = [p for p in places_between(sent, 0, len(sent.text), addresses) if "other" in p.flags]
    in_clause = [p for p in sent.places if clause_start <= p.start and p.end <= clause_end]
    if any("ours" in p.flags and p.data == "Yiwu" for p in in_clause):
        ours = in_clause
        others = [p for p in places_between(sent, clause_start, clause_end, addresses)
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


def bind_term(draft: Draft, sent: Sentence, scope: Scope, mention: Token,
               position: int, default: str | None, addresses: list[tuple[int, int]],
               sentence_parent: Term | None, via: str) -> None:
    """Choose the metric of a phrase for a number, with its geography and restrictions."""
    start = _region_start(sent, mention, position)
    region = (start, position)
    terms: list[Term] = mention.data
    parent = sentence_parent or (scope.parent if scope.last_sentence_had_parent else None)
    geography, geo_rule, geo_hold = resolve_geography(sent, scope, region, terms, addresses,
                                                      default)
    within = [t for t in terms if t.within and parent is not None and t.within ==
              parent.metric_id]
    if within:
        term = within[0]
        geography = geography or scope.parent_geography
        if geo_hold and not places_between(sent, region[0], region[1], addresses):
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


def check_unit(draft: Draft) -> None:
    if draft.amount is None or draft.term is None:
        return
    unit = draft.amount.data["unit"]
    if draft.term.unit in CURRENCIES or unit in CURRENCIES:
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


def forecast_hold(sent: Sentence, position: int) -> str | None:
    for start, _, word in sent.forecast:
        if start < position or not is_cjk(sent.text):
            return f"a forecast or target ({word!r}), not a figure"
    return None


def parent_at(drafts: list[Draft], position: int, lexicon: Lexicon) -> Term | None:
    """The total a part named at `position` belongs to: the last total given a figure before
    it in the sentence, or the total of a part given before it ('CBEC exports and imports')."""
    before = sorted((d for d in drafts if d.term is not None
                     and (d.amount or d.rate).start < position),
                    key=lambda d: (d.amount or d.rate).start)
    for draft in reversed(before):
        if not is_part(draft.term, lexicon) and draft.term.measure != "ratio":
            return draft.term
        total = next((t.within for t in lexicon.terms
                      if t.metric_id == draft.term.metric_id and t.within), None)
        if total is not None:
            return next((t for t in lexicon.terms if t.metric_id == total), None)
    return None


def bind_share(draft: Draft, sent: Sentence, scope: Scope, mention: Token,
                drafts: list[Draft], default: str | None,
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
    geography, _, hold = resolve_geography(sent, scope, region, [term], addresses, default)
    if hold or geography != term.geography:
        draft.holds.append(hold or f"the share is {geography or 'nobody'}'s, not China's")
    draft.rules.append(f"metric: share phrase {sent.text[mention.start:mention.end]!r}")

