"""Decide, for each number the reader found, whether it loads by itself or waits for review.

A figure loads only when the reader established every field by a rule (its hold_reason is
None), its metric and unit are the warehouse's, its period had ended by the release date, and
the release gives no other figure for the same metric and period. A level and a rate given for
the same metric and period in two sentences become one figure; a bound its exact figure
satisfies (突破8000亿元 … 达8365亿元) is not a figure of its own. With the metric's history, a
value orders of magnitude away from it is held too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from pydantic import ValidationError

from flows.extract.model import ExtractedFigure
from flows.model.release import Figure
from flows.model.release_files import describe_validation

# A value this many times above or below the metric's typical value (per day, for flows) is
# held for review: a misread multiplier or digit, not news.
OUTLIER_FACTOR = Decimal(10)
# Why a restatement of a loaded figure is not a figure of its own (it is not held for review).
SAME_FIGURE = "the same figure is given elsewhere in the release"


@dataclass(frozen=True)
class Outcome:
    """One number and what became of it: the figure it loads as, or the reason it is held."""

    figure: ExtractedFigure
    loaded: Figure | None
    reason: str | None


def _build(fig: ExtractedFigure, publisher_id: str) -> Figure:
    note = "; ".join(fig.rules) if fig.rules else None
    return Figure(**fig.fields_of(Figure), reported_by=publisher_id,
                  note=f"read by rules: {note}" if note else None)


def _first_check(fig: ExtractedFigure, published_on: date,
                 metric_units: Mapping[str, str]) -> str | None:
    if fig.hold_reason:
        return fig.hold_reason
    if fig.metric_id not in metric_units:
        return f"metric {fig.metric_id!r} of the lexicon is not in metrics.csv"
    if fig.value is not None and fig.unit != metric_units[fig.metric_id]:
        return f"unit {fig.unit!r} is not the metric's unit {metric_units[fig.metric_id]!r}"
    if fig.period_start is None:
        return "no period"
    if fig.period_start > published_on or (fig.period_kind != "level"
                                           and fig.period_end > published_on):
        return "its period had not ended when the release was published (a target?)"
    return None


def _merge(group: list[ExtractedFigure]
           ) -> tuple[ExtractedFigure | None, ExtractedFigure | None, dict[int, str]]:
    """One figure from the statements of a metric and period: (the figure, the statement it
    stands for, why each other statement is not a figure); (None, None, reasons for all) when
    the statements disagree."""
    reasons: dict[int, str] = {}
    levels = [f for f in group if f.value is not None]
    full = [f for f in levels if f.yoy_pct is not None]
    if full:
        # A level with its rate, in one sentence, is the full statement: a rate given alone
        # (a headline's rounded 'up 80%') does not override it.
        for f in group:
            if f.value is None:
                reasons[id(f)] = "a rate given alone; the release gives the level with its rate"
        group = [f for f in group if f.value is not None]
    rates = {(f.yoy_pct, f.yoy_comparator) for f in group if f.yoy_pct is not None}
    if len(rates) > 1:
        why = "the release gives different growth rates for this metric and period"
        return None, None, {**reasons, **{id(f): why for f in group}}
    exact = [f for f in levels if f.comparator == "="]
    values = {(f.value, f.comparator) for f in levels}
    if len(values) > 1:
        bounds_ok = len({f.value for f in exact}) == 1 and all(
            f.comparator == "=" or (f.comparator in (">", ">=") and exact[0].value >= f.value)
            or (f.comparator in ("<", "<=") and exact[0].value <= f.value) for f in levels)
        if not bounds_ok:
            why = "the release gives different figures for this metric and period"
            return None, None, {**reasons, **{id(f): why for f in group}}
        levels = exact
    original = max(levels or group, key=lambda f: (f.yoy_pct is not None,
                                                  f.vintage_status is not None))
    base = original
    if rates and base.yoy_pct is None:
        donor = next(f for f in group if f.yoy_pct is not None)
        base = replace(base, yoy_pct=donor.yoy_pct, yoy_comparator=donor.yoy_comparator,
                       yoy_text=donor.yoy_text, rate_span=donor.rate_span,
                       rules=(*base.rules, "growth: its rate, given for the same metric and "
                              "period elsewhere in the release"))
    for f in group:
        if f is not original:
            reasons[id(f)] = SAME_FIGURE
    return base, original, reasons


def decide(extracted: Sequence[ExtractedFigure], published_on: date, publisher_id: str,
           metric_units: Mapping[str, str]) -> list[Outcome]:
    """What loads and what is held, in the text's order."""
    reasons: dict[int, str | None] = {}
    groups: dict[tuple, list[ExtractedFigure]] = {}
    held_levels: set[tuple] = set()
    held_numbers: set[tuple] = set()
    for fig in extracted:
        reason = _first_check(fig, published_on, metric_units)
        reasons[id(fig)] = reason
        key = (fig.metric_id, fig.period_kind, fig.period_start, fig.period_end)
        if reason is None:
            groups.setdefault(key, []).append(fig)
        elif fig.metric_id is not None and fig.value is not None and fig.unit == \
                metric_units.get(fig.metric_id):
            held_levels.add(key)
            held_numbers.add((fig.metric_id, fig.value, fig.comparator))
    for group in groups.values():
        for fig in list(group):
            if fig.value is not None and (fig.metric_id, fig.value, fig.comparator) in \
                    held_numbers:
                # the same number, stated elsewhere in the release with a doubt: it waits too
                reasons[id(fig)] = "the same number is held for review where the release " \
                    "states it again"
                group.remove(fig)
    for key, group in groups.items():
        if key in held_levels and all(f.value is None for f in group):
            # a rate alone, while the level of the same metric and period waits for review
            for fig in group:
                reasons[id(fig)] = ("its level is held for review; the rate waits with it")
            group.clear()
    groups = {k: g for k, g in groups.items() if g}
    chosen: dict[int, ExtractedFigure] = {}
    for group in groups.values():
        if len(group) == 1:
            chosen[id(group[0])] = group[0]
            continue
        base, original, why = _merge(group)
        reasons.update(why)
        if base is not None and original is not None:
            chosen[id(original)] = base
    outcomes = []
    for fig in extracted:
        reason = reasons[id(fig)]
        if reason is None and id(fig) in chosen:
            final = chosen[id(fig)]
            try:
                outcomes.append(Outcome(final, _build(final, publisher_id), None))
            except ValidationError as exc:
                outcomes.append(Outcome(fig, None, describe_validation(exc)))
            continue
        outcomes.append(Outcome(fig, None, reason))
    return outcomes


def per_day(value: Decimal, kind: str, start: date, end: date) -> Decimal:
    """A value per day of its period (a flow), or itself (a level): comparable across periods."""
    if kind == "level":
        return value
    return value / Decimal((end - start).days + 1)


def hold_outliers(outcomes: list[Outcome], typical: Mapping[str, float]) -> list[Outcome]:
    """Hold a loaded value OUTLIER_FACTOR times above or below its metric's typical value in
    the warehouse (sql/load/metric_typical_values.sql); other outcomes are unchanged."""
    out = []
    for outcome in outcomes:
        fig = outcome.loaded
        usual = typical.get(fig.metric_id) if fig is not None and fig.value is not None else None
        if fig is None or not usual or fig.unit == "share":
            out.append(outcome)
            continue
        ratio = per_day(fig.value, fig.period_kind, fig.period_start, fig.period_end) / \
            Decimal(repr(usual))
        if ratio > OUTLIER_FACTOR or ratio * OUTLIER_FACTOR < 1:
            out.append(Outcome(outcome.figure, None, (
                f"{fig.value_as_written} {fig.multiplier or ''} is {ratio:.3g} times the typical "
                f"{fig.metric_id} in the warehouse: a misread number? held, not loaded")))
            continue
        out.append(outcome)
    return out
