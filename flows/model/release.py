"""The release format: one document that reported figures, and each figure exactly as written."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from flows.model.units import multiplier_of, parse_written, rounding_halfwidth

Comparator = Literal["=", "~", ">", ">=", "<", "<="]
PeriodKind = Literal["year", "half", "quarter", "month", "ytd", "level"]
VintageStatus = Literal["preliminary", "revised", "final"]


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# Bounds on every number a release gives: 1e309 once reached the warehouse as +inf, and every
# later brief failed drawing its chart. China's whole goods trade is about 4.4e13 yuan a year.
MAX_ABS_VALUE = Decimal("1e18")      # in base units
# A number held for review only waits for a person to read it, and may be absurd (that may be
# why it is held): it must still be a finite double. Accepted, it must pass a figure's bounds.
MAX_HELD_ABS_VALUE = Decimal("1e100")
MAX_FRACTION_DIGITS = 20             # digits after the decimal point
MAX_YOY_PCT = Decimal(100_000)       # a thousandfold rise
MAX_WRITTEN_CHARS = 64               # value_as_written is a number as printed
MAX_FIGURES = 10_000                 # figures per release, and numbers held per release


def _shown(number: Decimal) -> str:
    """A number short enough for a one-line reason, whatever its digits."""
    text = str(number)
    return text if len(text) <= 30 else f"{number:.6E}"


def _within(number: Decimal, limit: Decimal) -> bool:
    """Whether number_problem would find nothing (checked without wording anything)."""
    exponent = number.as_tuple().exponent
    return (number.is_finite() and number.copy_abs() < limit
            and isinstance(exponent, int) and exponent >= -MAX_FRACTION_DIGITS)


def number_problem(number: Decimal, what: str, limit: Decimal = MAX_ABS_VALUE) -> str | None:
    """Why a number cannot be stored (not finite, `limit` or more, too many decimals), or None;
    `what` names it ("value 1E+309 of china.cbec.trade_value")."""
    if not number.is_finite():
        return f"{what} is not a finite number"
    if number.copy_abs() >= limit:  # copy_abs: abs() would overflow on 1e999999999
        return (f"{what} is absurd: a number must be below 1e{limit.adjusted()} in base units "
                "(China's whole goods trade is about 4.4e13 yuan)")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_FRACTION_DIGITS:
        return (f"{what} has {-exponent:,} digits after the decimal point; at most "
                f"{MAX_FRACTION_DIGITS}")
    return None


def _bounded_by(limit: Decimal) -> Callable[[Decimal | None, ValidationInfo], Decimal | None]:
    """A validator of a value or change: refused when the warehouse cannot hold it."""

    def bounded(number: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if number is None or _within(number, limit):  # the usual case: no reason to word
            return number
        metric = info.data.get("metric_id") or "?"
        problem = number_problem(number, f"{info.field_name} {_shown(number)} of {metric}",
                                 limit)
        if problem:
            raise ValueError(problem)
        return number

    return bounded


def _written_value(as_written: str, multiplier: str | None) -> Decimal:
    """The value a figure's printed digits stand for, in base units (ValueError if none)."""
    written = parse_written(as_written)
    if not written.is_finite() or written.copy_abs() >= MAX_ABS_VALUE:
        raise ValueError(f"value_as_written {as_written!r} is not a number below 1e18")
    return written * multiplier_of(multiplier)


def month_end(day: date) -> date:
    """The last day of day's month (calendar.monthrange, without computing a weekday)."""
    last = _DAYS_IN_MONTH[day.month - 1]
    if day.month == 2 and calendar.isleap(day.year):
        last = 29
    return date(day.year, day.month, last)


def month_end_of(year: int, month: int) -> date:
    """The last day of a month given by its year and number."""
    return month_end(date(year, month, 1))


class Figure(BaseModel):
    """One claim: a metric's value (or only its growth) for a period, as one release printed it."""

    model_config = ConfigDict(extra="forbid")

    metric_id: str
    period_kind: PeriodKind
    period_start: date
    period_end: date
    period_text: str | None = None
    value: Decimal | None = None
    value_as_written: str | None = None
    multiplier: str | None = None
    unit: str
    comparator: Comparator | None = None
    qualifier_text: str | None = None
    yoy_pct: Decimal | None = None
    yoy_comparator: Comparator | None = None
    yoy_text: str | None = None
    reported_by: str
    attributed_on: date | None = None
    attributed_text: str | None = None
    vintage_status: VintageStatus | None = None
    quote: str
    note: str | None = None
    note_zh: str | None = None  # the release's own note on the figure (注：…), as printed

    @field_validator("attributed_on", mode="before")
    @classmethod
    def _month_precision(cls, raw: object) -> object:
        """Accept 'YYYY-MM' (a month, the usual precision of an attribution) as its first day."""
        if isinstance(raw, str) and len(raw) == 7:
            return f"{raw}-01"
        return raw

    _numbers = field_validator("value", "yoy_pct")(_bounded_by(MAX_ABS_VALUE))

    @field_validator("value_as_written")
    @classmethod
    def _short_written(cls, raw: str | None) -> str | None:
        if raw is not None and len(raw) > MAX_WRITTEN_CHARS:
            raise ValueError(f"value_as_written is {len(raw):,} characters long; a number as "
                             f"printed is at most {MAX_WRITTEN_CHARS}")
        return raw

    @model_validator(mode="after")
    def _consistent(self) -> Figure:
        problems: list[str] = []
        if self.value is None and self.yoy_pct is None:
            problems.append("gives neither a value nor a year-on-year change")
        if (self.value is None) != (self.value_as_written is None):
            problems.append("needs both 'value' (base units) and 'value_as_written', or neither")
        if (self.value is None) != (self.comparator is None):
            problems.append("a value needs a comparator (=, ~, >, >=, <, <=); only a value has one")
        if (self.yoy_pct is None) != (self.yoy_comparator is None):
            problems.append("a year-on-year change needs a yoy_comparator; only a change has one")
        if self.value is not None and self.value_as_written is not None:
            written = _written_value(self.value_as_written, self.multiplier)
            if abs(written - self.value) > abs(self.value) * Decimal("1e-12"):
                problems.append(
                    f"value {self.value} disagrees with {self.value_as_written!r} "
                    f"{self.multiplier or ''} (= {written.normalize()})"
                )
            if self.value < 0:
                problems.append(f"value {self.value} is negative; counts and amounts cannot be")
            if self.unit == "share" and self.value > 1:
                problems.append(f"share {self.value} is above 1; write shares as fractions")
        if self.yoy_pct is not None and self.yoy_pct <= -100:
            problems.append(f"year-on-year change {self.yoy_pct}% is at or below -100%")
        if self.yoy_pct is not None and self.yoy_pct > MAX_YOY_PCT:
            problems.append(f"year-on-year change {_shown(self.yoy_pct)}% is above "
                            f"{MAX_YOY_PCT}% (a thousandfold rise); check the figure")
        problems.extend(self._period_problems())
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _period_problems(self) -> list[str]:
        start, end, kind = self.period_start, self.period_end, self.period_kind
        if end < start:
            return [f"period ends ({end}) before it starts ({start})"]
        if kind == "level":
            expected = True
        elif kind == "year":
            expected = start == date(start.year, 1, 1) and end == date(start.year, 12, 31)
        elif kind == "month":
            expected = start.day == 1 and end == month_end(start)
        else:  # ytd, half, quarter: from a first of month to a month end, within one year
            months = end.month - start.month
            expected = (start.day == 1 and end == month_end(end) and end.year == start.year
                        and {"ytd": start.month == 1,
                             "half": start.month in (1, 7) and months == 5,
                             "quarter": start.month in (1, 4, 7, 10) and months == 2}[kind])
        if not expected:
            return [f"period {start}..{end} is not a whole {kind}"]
        return []

    @property
    def rounding_halfwidth(self) -> Decimal | None:
        """Half a unit of the last digit printed, in base units."""
        if self.value_as_written is None:
            return None
        return rounding_halfwidth(self.value_as_written) * multiplier_of(self.multiplier)

    @property
    def yoy_rounding_halfwidth(self) -> Decimal | None:
        """Half a unit of the last digit of the printed growth rate, in percentage points."""
        if self.yoy_pct is None:
            return None
        return rounding_halfwidth(format(self.yoy_pct, "f"))


class HeldFigure(BaseModel):
    """A number a release printed that was not loaded by itself: held for a reviewer, with the
    reason and whatever the extractor read (its suggested metric too, when it had one)."""

    model_config = ConfigDict(extra="forbid")

    reason: str
    metric_id: str | None = None
    period_kind: PeriodKind | None = None
    period_start: date | None = None
    period_end: date | None = None
    period_text: str | None = None
    value: Decimal | None = None
    value_as_written: str | None = None
    multiplier: str | None = None
    unit: str | None = None
    comparator: Comparator | None = None
    qualifier_text: str | None = None
    yoy_pct: Decimal | None = None
    yoy_comparator: Comparator | None = None
    yoy_text: str | None = None
    vintage_status: VintageStatus | None = None
    quote: str

    _numbers = field_validator("value", "yoy_pct")(_bounded_by(MAX_HELD_ABS_VALUE))


class Release(BaseModel):
    """One document that reported figures: who published it, when, where, and what it said."""

    model_config = ConfigDict(extra="forbid")

    release_id: str
    title: str
    publisher_id: str
    published_on: date
    published_on_note: str | None = None
    url: str | None = None
    language: str | None = None
    retrieved_at: str | None = None
    document: str | None = None
    notes: str | None = None
    figures: list[Figure]
    held_for_review: list[HeldFigure] = []

    @field_validator("figures", "held_for_review", mode="before")
    @classmethod
    def _not_too_many(cls, raw: object, info: ValidationInfo) -> object:
        """Count before validating each one: a release cannot hold a file's worth of figures."""
        if isinstance(raw, list) and len(raw) > MAX_FIGURES:
            raise ValueError(f"{info.field_name} holds {len(raw):,} items; a release holds at "
                             f"most {MAX_FIGURES:,}: split it into several releases")
        return raw

    @field_validator("release_id")
    @classmethod
    def _slug(cls, raw: str) -> str:
        if not raw or not all(ch.isalnum() or ch in "-_." for ch in raw):
            raise ValueError(f"release_id {raw!r} must be letters, digits, '-', '_' or '.'")
        return raw

    @model_validator(mode="after")
    def _figures(self) -> Release:
        if not self.figures and not self.held_for_review:
            raise ValueError("the release holds no figures")
        if self.published_on > date.today():
            raise ValueError(f"published_on {self.published_on} is in the future")
        for fig in self.figures:
            if fig.period_start > self.published_on or (
                fig.period_kind != "level" and fig.period_end > self.published_on
            ):
                raise ValueError(
                    f"{fig.metric_id} for {fig.period_start}..{fig.period_end} is a period that "
                    f"had not ended when the release was published ({self.published_on}); a "
                    "forecast or target is not a figure, and a wrong date must be corrected"
                )
        seen: set[tuple[str, str, date, date]] = set()
        for fig in self.figures:
            key = (fig.metric_id, fig.period_kind, fig.period_start, fig.period_end)
            if key in seen:
                raise ValueError(
                    f"{fig.metric_id} for {fig.period_start}..{fig.period_end} appears twice; "
                    "a release reports a metric once per period"
                )
            seen.add(key)
        return self
