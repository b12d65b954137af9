"""Normalise release text before reading it, remembering where each character came from.

Full-width digits and punctuation become ASCII (NFKC: １．３２ → 1.32, ％ → %), traditional
characters become simplified (OpenCC's table, one character for one), the pinyin some
pages print after a character (萬(wàn)億元) is dropped, and a run of spaces or tabs reads as one
space (a pattern that may start with blanks, tried again at each blank of a long run, would cost
time quadratic in the run's length). Quotes are always cut from the original text, through the
offsets kept here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from opencc import OpenCC

_T2S = OpenCC("t2s")
# A reading in brackets right after a Chinese character: 萬(wàn), 長(zhǎng), 個(gè).
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\((?:[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,8})\)")


@lru_cache(maxsize=8192)
def _simplified(char: str) -> str:
    converted = _T2S.convert(char)
    return converted if len(converted) == 1 else char


def _is_blank(char: str) -> bool:
    """Space that is not a line break (a line break ends a sentence)."""
    return char.isspace() and char != "\n"


@dataclass(frozen=True)
class Normalized:
    """The normalised text and, for each of its characters, the index it came from."""

    text: str
    origin: tuple[int, ...]
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that a span of the normalised text came from."""
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else self.original_length
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


def normalize(text: str) -> Normalized:
    """NFKC, simplified characters, no pinyin glosses, one space for a run of blanks; offsets
    back to the original."""
    skip = [False] * len(text)
    for match in _PINYIN.finditer(text):
        for i in range(match.start(), match.end()):
            skip[i] = True
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        if skip[i]:
            continue
        folded = unicodedata.normalize("NFKC", char)
        if "\u4e00" <= char <= "\u9fff":
            folded = _simplified(char)
        for piece in folded:
            if _is_blank(piece) and out and _is_blank(out[-1]):
                continue
            out.append(piece)
            origin.append(i)
    return Normalized("".join(out), tuple(origin), len(text))
