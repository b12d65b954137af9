"""Read figures out of release text with the rules of docs/extraction.md.

Each sentence is scanned for amounts, growth rates, shares, periods, metric phrases, places,
breakdown words and cues (flows/extract/numbers.py, periods.py, mentions.py). Each amount is
then bound to what it measures, its period and its growth rate by named rules. A number loads
by itself only when a rule establishes each of its metric, unit, period and rate; otherwise it
carries a hold_reason and goes to the review queue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal

from flows.extract.growth import attach_rates
from flows.extract.lexicon import Lexicon, Term
from flows.extract.mentions import (
    breakdown_tokens,
    cue_spans,
    place_tokens,
    term_tokens,
)
from flows.extract.model import ExtractedFigure, Period
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
from flows.extract.pairs import from_to_subject, paired_numbers
from flows.extract.periods import blocker_tokens, period_tokens
from flows.extract.places import address_spans, address_words, dateline_end
from flows.extract.state import CURRENCIES, Draft, Scope, Sentence, is_part, overlaps
from flows.extract.subjects import (
    bind_count,
    bind_share,
    bind_term,
    check_unit,
    forecast_hold,
    noun_after,
    parent_at,
    subject_of,
)
from flows.extract.timing import period_for

_SENTENCE_END = re.compile(
    r"[。!?;]|\n|(?<![A-Z]\.[A-Z])(?<!\bNo)(?<!\bU\.S)(?<!\b[A-Z][a-z]{2})(?<!\bSept)"
    r"(?<!\b[A-Z])\.(?=\s|$|\")")
_PRELIMINARY = re.compile(r"初步|preliminary|initial estimate", re.I)
# Reading a sentence costs time quadratic in its length and in how many numbers it holds
# (each number looks over the whole sentence for its subject, period and rate). The longest
# sentence of the real-text corpora (tests/fixtures/real, holdout, the seeds) is 436
# characters and the most numbers one holds is 11, so a sentence longer than either limit
# below is read in pieces, each cut after a clause break: reading stays linear in the text.
MAX_SENTENCE = 1_000
MAX_SENTENCE_NUMBERS = 60
_NUMBER_RUN = re.compile(r"\d+|[零〇一二两三四五六七八九十百千]+")
_PIECE_BREAKS = ",;: "
# A figure quotes its sentence; a longer one is cut to a window of this many characters of the
# original text around the number, so that output stays small even for a hostile sentence
# (still verbatim: ParsedRelease.quote_span finds it). The longest quote of the corpora is 400.
MAX_QUOTE = 500


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


def _piece_limit(text: str, start: int, end: int) -> int:
    """Where a piece starting at `start` must end at the latest: MAX_SENTENCE characters on,
    or at the number that would be one too many."""
    limit = min(end, start + MAX_SENTENCE)
    for count, run in enumerate(_NUMBER_RUN.finditer(text, start, limit)):
        if count == MAX_SENTENCE_NUMBERS:
            return run.start()
    return limit


def _cut(text: str, start: int, limit: int) -> int:
    """Where a piece that must end by `limit` ends: after the last clause break or space of
    the second half of its span, else short of the number `limit` falls in."""
    low = start + (limit - start) // 2
    after = max(text.rfind(char, low, limit) for char in _PIECE_BREAKS)
    if after >= 0:
        return after + 1
    cut = limit
    while cut > low and text[cut - 1].isdigit() and text[cut] in "0123456789.,":
        cut -= 1
    return cut if cut > low else limit


def pieces(text: str) -> list[tuple[int, int]]:
    """The sentences of a normalised text, one too long or with too many numbers cut into
    pieces (MAX_SENTENCE, MAX_SENTENCE_NUMBERS): the spans the reader reads one at a time."""
    out: list[tuple[int, int]] = []
    for start, end in sentences(text):
        while (limit := _piece_limit(text, start, end)) < end:
            cut = _cut(text, start, limit)
            _append(text, start, cut, out)
            start = cut
        _append(text, start, end, out)
    return out


def _append(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        out.append((start + lead, start + lead + len(stripped)))


def _scan(text: str, published_on: date, lexicon: Lexicon) -> Sentence:
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
               if not overlaps(a, ranges)]
    mentions = term_tokens(text, lexicon)
    terms = [t for t in mentions if t.kind == "term"]
    nouns = [t for t in mentions if t.kind == "noun"]
    lowered_start = text[:14].lower()
    continuation = any(lowered_start.startswith(word.lower())
                       for word in lexicon.cues.get("continuation", ()))
    continuation = continuation or any("same" in p.flags for p in periods)
    return Sentence(
        text=text, periods=[p for p in periods if p.data is not None or "same" in p.flags],
        rates=rates, shares=shares, amounts=amounts, terms=terms, nouns=nouns,
        places=place_tokens(text, lexicon), breakdowns=breakdown_tokens(text, lexicon),
        ranges=ranges, forecast=cue_spans(text, lexicon, "forecast"),
        present=bool(cue_spans(text, lexicon, "present")), continuation=continuation)


def _read_sentence(sent: Sentence, scope: Scope, published_on: date, lexicon: Lexicon,
                   default: str | None) -> list[Draft]:
    addresses = address_spans(sent, lexicon)
    line = dateline_end(sent)
    addresses += [(p.start, p.end) for p in sent.places if p.end <= line]
    drafts: list[Draft] = []
    paired = paired_numbers(sent, lexicon)
    sentence_parent: Term | None = None
    used_rates: set[int] = set()
    free_amounts = [a for a in sent.amounts if "brackets" not in a.flags]
    for amount in sorted(sent.amounts + sent.shares, key=lambda t: t.start):
        draft = Draft(amount)
        if "brackets" in amount.flags:
            draft.holds.append("it is in brackets: a conversion or an aside")
            drafts.append(draft)
            continue
        noun = noun_after(sent, amount)
        mention = None
        via = "subject phrase"
        if id(amount) in paired:
            mention, via = paired[id(amount)], "paired list"
        elif noun is not None and amount.kind == "amount" and (noun.kind == "noun" or any(
                t.unit not in CURRENCIES and t.unit != "share" and not t.within
                for t in noun.data)) and amount.data["unit"] not in CURRENCIES:
            bind_count(draft, sent, scope, amount, noun, addresses)
            check_unit(draft)
            period_for(draft, sent, scope, amount, published_on, sent.continuation)
            if (hold := forecast_hold(sent, amount.start)) is not None:
                draft.holds.append(hold)
            drafts.append(draft)
            continue
        elif noun is not None and amount.kind == "amount" and "bare" in amount.flags:
            mention, via = noun, "count noun after the number"
        elif amount.kind == "share":
            share_noun = noun_after(sent, amount)
            mention = share_noun if share_noun and share_noun.kind == "noun" else None
            if mention is None:
                mention = next((t for t in sent.terms if t.end <= amount.start and any(
                    x.unit == "share" for x in t.data)), None)
        else:
            mention = from_to_subject(sent, amount, free_amounts)
            via = "'from … to …' of"
            if mention is None:
                mention, via = subject_of(sent, amount.start), "subject phrase"
        if "bare" in amount.flags and (mention is None or not any(
                t.unit not in CURRENCIES and t.unit != "share" for t in mention.data)):
            continue  # a bare number (a rank, a count of something else): not a figure
        if mention is None:
            draft.unmatched = "no lexicon phrase names what this number measures"
            draft.holds.append(draft.unmatched)
        elif amount.kind == "share":
            bind_share(draft, sent, scope, mention, drafts, default, addresses)
        else:
            bind_term(draft, sent, scope, mention, amount.start, default, addresses,
                       parent_at(drafts, amount.start, lexicon), via)
        if draft.term is not None and not is_part(draft.term, lexicon) and \
                draft.term.measure != "ratio":
            sentence_parent = draft.term
        check_unit(draft)
        carried = sent.continuation or (draft.term is not None and is_part(draft.term, lexicon)
                                        and sentence_parent is None)
        period_for(draft, sent, scope, amount, published_on, carried)
        if (hold := forecast_hold(sent, amount.start)) is not None:
            draft.holds.append(hold)
        drafts.append(draft)
    attach_rates(sent, drafts, used_rates, paired)
    for rate in sent.rates:
        if id(rate) in used_rates or rate.flags & {"average", "not_yoy"}:
            continue
        draft = Draft(None, rate=rate)
        mention = paired.get(id(rate)) or subject_of(sent, rate.start)
        via = "paired list" if id(rate) in paired else "subject phrase"
        if mention is None:
            draft.unmatched = "no lexicon phrase names what this rate measures"
            draft.holds.append(draft.unmatched)
        else:
            bind_term(draft, sent, scope, mention, rate.start, default, addresses,
                       parent_at(drafts, rate.start, lexicon), via)
        if draft.term is not None and draft.term.measure == "ratio":
            continue
        if draft.term is not None:
            draft.rules.append("growth: a rate of the metric in scope, with no level")
        carried = sent.continuation or (draft.term is not None and is_part(draft.term, lexicon))
        period_for(draft, sent, scope, rate, published_on, carried)
        if (hold := forecast_hold(sent, rate.start)) is not None:
            draft.holds.append(hold)
        drafts.append(draft)
    return drafts


def _as_named(period: Period) -> Period:
    """A period as a flow's figure would carry it, its wording dropped (to count distinct
    periods)."""
    if period.kind == "asof":
        return Period("ytd", date(period.end.year, 1, 1), period.end, "")
    return Period(period.kind, period.start, period.end, "")


def _update_scope(scope: Scope, sent: Sentence, drafts: list[Draft],
                  addresses: list[tuple[int, int]], lexicon: Lexicon) -> None:
    line = dateline_end(sent)
    for place in sorted(sent.places, key=lambda p: p.start):
        if place.end <= line:
            continue
        if (place.start, place.end) in addresses:
            continue
        word = sent.text[place.start:place.end]
        if "ours" in place.flags:
            if scope.geography == "Yiwu" and word.lower() in address_words(lexicon):
                continue  # 'East China's Zhejiang province' in a text about Yiwu
            scope.geography, scope.other_place = place.data, None
        elif "other" in place.flags:
            if scope.geography == "Yiwu" and word.lower() in address_words(lexicon):
                continue
            scope.other_place = word
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


def _figure(draft: Draft, sent: Sentence, norm: Normalized, offset: int,
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
    if amount and amount["unit"] not in CURRENCIES and term is not None and \
            term.unit not in CURRENCIES and term.unit != "share":
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


def iter_figures(text: str, published_on: date, lexicon: Lexicon,
                 default_geography: str | None = None) -> Iterator[ExtractedFigure]:
    """Every number of a text that may be a figure, in order, each with its quote, what it
    measures, its period and rate, the rules that established them, or why it is held; one at
    a time, so that a caller can stop reading a page that holds too many."""
    norm = normalize(text)
    scope = Scope()
    for start, end in pieces(norm.text):
        sent = _scan(norm.text[start:end], published_on, lexicon)
        drafts = _read_sentence(sent, scope, published_on, lexicon, default_geography)
        status = "preliminary" if _PRELIMINARY.search(sent.text) else None
        for draft in sorted(drafts, key=lambda d: (d.amount or d.rate).start):
            fig = _figure(draft, sent, norm, start, status, lexicon)
            yield _with_quote(fig, text)
        _update_scope(scope, sent, drafts, address_spans(sent, lexicon), lexicon)
        scope.before_semicolon = [(sent.text[t.start:t.end], t.data) for t in sent.terms] \
            if sent.text.endswith(";") else []


def extract_figures(text: str, published_on: date, lexicon: Lexicon,
                    default_geography: str | None = None) -> list[ExtractedFigure]:
    """Every number of a text that may be a figure (iter_figures), as a list."""
    return list(iter_figures(text, published_on, lexicon, default_geography))


def _quote_window(fig: ExtractedFigure) -> tuple[int, int]:
    """The span of the text a figure quotes: its sentence, or a window of MAX_QUOTE characters
    of it around the number (and its rate, when both fit) when the sentence is longer."""
    start, end = fig.quote_start, fig.quote_end
    if end - start <= MAX_QUOTE or fig.span is None:
        return start, end
    low, high = fig.span
    if fig.rate_span is not None:
        both = min(low, fig.rate_span[0]), max(high, fig.rate_span[1])
        if both[1] - both[0] <= MAX_QUOTE:
            low, high = both
    # the number fits: it is at most numbers.MAX_NUMBER_CHARS long
    room = MAX_QUOTE - (high - low)
    begin = max(start, min(low - room // 2, end - MAX_QUOTE))
    return begin, min(end, begin + MAX_QUOTE)


def _with_quote(fig: ExtractedFigure, text: str) -> ExtractedFigure:
    """The figure with its quote cut from the original text (verbatim, at most MAX_QUOTE)."""
    start, end = _quote_window(fig)
    return replace(fig, quote=text[start:end], quote_start=start, quote_end=end)
