"""Numbers read in pairs: 'from X to Y' (从…到…, 由…增至…) and paired lists (分别, respectively)."""

from __future__ import annotations

import re

from flows.extract.lexicon import Lexicon
from flows.extract.mentions import is_cjk, term_tokens
from flows.extract.model import Token
from flows.extract.state import Sentence
from flows.extract.subjects import subject_mentions

_PAIRED = re.compile(r"分别|respectively", re.I)
_FROM = re.compile(r"\bfrom\b|从|由", re.I)


TO = re.compile(r"\bto\b|到|至|增至|增长到|增长至|上升到|提高到", re.I)


def from_to_subject(sent: Sentence, amount: Token, amounts: list[Token]) -> Token | None:
    """'from 115.3 billion yuan in 2014 to 371.51 billion yuan in 2021', 从2018年的…,到2023年
    的…: both levels belong to the phrase before 'from' (English) or, in Chinese, before 从 or
    right after the pair (…,5年间,我国跨境电商进出口增长了1.2倍)."""
    pair = from_to_pair(sent, amount, amounts)
    if pair is None:
        return None
    first, second = pair
    opening = max(m.start() for m in _FROM.finditer(sent.text, 0, first.start))
    before = [t for t in subject_mentions(sent) if t.end <= opening]
    if before:
        between = [a for a in amounts if before[-1].end <= a.start and a.end <= opening]
        if not between:
            return before[-1]
    after = [t for t in sent.terms if t.start >= second.end]
    return after[0] if after and is_cjk(sent.text) else None


def from_to_pair(sent: Sentence, amount: Token,
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
        if not _FROM.search(head) or not TO.search(sent.text[first.end:second.start]):
            continue
        if first.data["unit"] != second.data["unit"]:
            continue
        return first, second
    return None


def _split_pairs(sent: Sentence, lexicon: Lexicon) -> None:
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
            out += halves
        else:
            out.append(token)
    sent.terms = _merge_adjacent(sent, out, lexicon)


def _merge_adjacent(sent: Sentence, terms: list[Token], lexicon: Lexicon) -> list[Token]:
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


def paired_numbers(sent: Sentence, lexicon: Lexicon) -> dict[int, Token]:
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

