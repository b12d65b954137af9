"""What the extractor reads: tokens of a sentence, periods, and the figures it assembles."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class ExtractedFigure:
    """One number as the extractor read it, and whether it may load by itself.

    metric_id is None when no lexicon term names what the number measures (unmatched_reason
    says why). hold_reason is None only when every field was established by a named rule
    (`rules` names them, docs/extraction.md lists them); otherwise the number goes to the
    review queue with that reason."""

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
    hold_reason: str | None = None
    rules: tuple[str, ...] = ()
    span: tuple[int, int] | None = None        # the number (or the rate alone) in the text
    rate_span: tuple[int, int] | None = None   # the growth rate in the text, if any
    # the metric its words name when metric_id is None for want of a period or currency: a
    # reviewer's starting point, never loaded by itself
    suggested_metric_id: str | None = None


@dataclass(frozen=True)
class Period:
    """A period a phrase names: kind year, half, quarter, month, ytd or asof (a month's end)."""

    kind: str
    start: date
    end: date
    text: str


@dataclass
class Token:
    """A span of the normalised sentence and what it is (period, amount, rate, term, …)."""

    kind: str
    start: int
    end: int
    data: Any = None
    flags: set[str] = field(default_factory=set)
