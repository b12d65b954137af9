"""The extractor: figures read out of press-release text, Chinese or English, each with the
rules that established it or the reason it waits for review (docs/extraction.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flows.extract.decide import Outcome, decide, hold_outliers
from flows.extract.model import ExtractedFigure
from flows.extract.reader import MAX_QUOTE, extract_figures, iter_figures

__all__ = ["MAX_QUOTE", "ExtractedFigure", "Outcome", "decide", "extract_figures",
           "figure_json", "hold_outliers", "iter_figures"]


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
