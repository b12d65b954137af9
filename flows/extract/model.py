"""What the extractor reads: tokens of a sentence, periods, and the figures it assembles."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import BaseModel


@cache
def _shared(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields an extracted figure has in common with a model of the release format."""
    return tuple(f.name for f in fields(ExtractedFigure) if f.name in model.model_fields)


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

    def fields_of(self, model: type[BaseModel]) -> dict[str, Any]:
        """What the extractor read of the fields `model` declares (a figure of the release
        format, or a held number), by name: the fields are declared once, in the model."""
        return {name: getattr(self, name) for name in _shared(model)}


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
