"""Chart geometry for the brief's inline SVG: numbers in, positions out (markup: templates/)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flows.model.units import SCALE_WORDS


@dataclass
class Mark:
    """One bar or column: its value, how it was qualified, and where it is drawn."""

    label: str
    value: float
    value_text: str
    direction: int = 0          # 1: a lower bound ("more than"), -1: an upper bound
    is_approximate: bool = False
    is_derived: bool = False
    sublabel: str = ""
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0

    @property
    def value_lines(self) -> list[str]:
        """The value label in lines for a column, narrower than the whole text: the number
        with its qualifier, then its scale and unit ('about 313' over 'billion yuan')."""
        words = self.value_text.split(" ")
        for i, word in enumerate(words):
            if any(c.isdigit() for c in word):
                head, tail = " ".join(words[: i + 1]), " ".join(words[i + 1:])
                return [head, tail] if tail else [head]
        return [self.value_text]


@dataclass
class Chart:
    """A laid-out chart: marks with positions, axis ticks, and the frame's size."""

    title: str
    kind: str                   # 'column' (vertical, a time series) or 'bar' (horizontal)
    width: float
    height: float
    marks: list[Mark]
    ticks: list[tuple[float, str]] = field(default_factory=list)
    axis_label: str = ""
    baseline: float = 0.0
    plot_left: float = 0.0
    plot_right: float = 0.0
    plot_top: float = 0.0
    plot_bottom: float = 0.0


def direction_of(comparator: str | None) -> int:
    """1 for a lower bound, -1 for an upper bound, 0 otherwise."""
    return {">": 1, ">=": 1, "<": -1, "<=": -1}.get(comparator or "", 0)


def nice_step(span: float, target_ticks: int = 4) -> float:
    """A round tick step (1, 2 or 5 × 10ⁿ) giving about target_ticks ticks over span (1 for a
    span that is zero, negative or not finite: an axis is drawn, never an error)."""
    if not math.isfinite(span) or span <= 0:
        return 1.0
    raw = span / target_ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * magnitude >= raw:
            return multiple * magnitude
    return 10 * magnitude


def scale_for(max_value: float, unit: str) -> tuple[float, str]:
    """The factor and words the axis is labelled in: (1e12, 'trillion yuan')."""
    if unit in ("percent", "%"):
        return 1.0, "percent"
    for factor, word in SCALE_WORDS:
        if max_value >= factor * 2:
            return factor, f"{word} {unit}"
    return 1.0, unit


def _tick_text(value: float, factor: float) -> str:
    return f"{value / factor:,.10g}"


MAX_TICKS = 50  # a bound on the loop below, whatever float rounding does to huge values


def _ticks(lo: float, hi: float) -> list[float]:
    """Round ticks from at or below lo to the first one at or above hi ([0, 1] when the range
    is not finite: the loader refuses such values, so none should ever reach a chart)."""
    if not (math.isfinite(lo) and math.isfinite(hi) and math.isfinite(hi - lo)):
        return [0.0, 1.0]
    step = nice_step(hi - lo)
    index = math.floor(lo / step + 1e-9)
    ticks = [index * step]
    while ticks[-1] < hi - step * 1e-9 and len(ticks) < MAX_TICKS:
        index += 1
        ticks.append(index * step)
    return ticks


def column_chart(title: str, marks: list[Mark], unit: str, width: float = 660,
                 height: float = 240) -> Chart:
    """Vertical columns from zero, one per mark (a time series, oldest left)."""
    chart = Chart(title, "column", width, height, marks, plot_left=58, plot_right=width - 10,
                  plot_top=22, plot_bottom=height - 40)
    top = max((m.value for m in marks), default=1.0) or 1.0
    factor, chart.axis_label = scale_for(top, unit)
    ticks = _ticks(0.0, top * 1.12)
    span = ticks[-1] or 1.0
    plot_h = chart.plot_bottom - chart.plot_top
    chart.ticks = [(chart.plot_bottom - t / span * plot_h, _tick_text(t, factor)) for t in ticks]
    slot = (chart.plot_right - chart.plot_left) / max(len(marks), 1)
    for i, mark in enumerate(marks):
        mark.height = max(mark.value, 0) / span * plot_h
        mark.width = slot * 0.62
        mark.x = chart.plot_left + slot * i + (slot - mark.width) / 2
        mark.y = chart.plot_bottom - mark.height
    chart.baseline = chart.plot_bottom
    return chart


def bar_chart(title: str, marks: list[Mark], unit: str, width: float = 660,
              row_height: float = 30) -> Chart:
    """Horizontal bars from zero (negative values to the left), one row per mark."""
    height = 34 + row_height * max(len(marks), 1) + 28
    chart = Chart(title, "bar", width, height, marks, plot_left=250, plot_right=width - 170,
                  plot_top=26, plot_bottom=height - 28)
    lo = min([0.0, *(m.value for m in marks)])
    hi = max([0.0, *(m.value for m in marks)]) or 1.0
    factor, chart.axis_label = scale_for(max(abs(lo), abs(hi)), unit)
    ticks = _ticks(lo * 1.1 if lo < 0 else 0.0, hi * 1.05)
    t_lo, t_hi = ticks[0], ticks[-1]
    plot_w = chart.plot_right - chart.plot_left

    def x_of(value: float) -> float:
        return chart.plot_left + (value - t_lo) / ((t_hi - t_lo) or 1.0) * plot_w

    chart.baseline = x_of(0.0)
    chart.ticks = [(x_of(t), _tick_text(t, factor)) for t in ticks]
    for i, mark in enumerate(marks):
        start, end = sorted((x_of(0.0), x_of(mark.value)))
        mark.x, mark.width = start, end - start
        mark.y = chart.plot_top + row_height * i + row_height * 0.18
        mark.height = row_height * 0.64
    return chart
