"""Which kind of brief a run makes: one of its own day, or a back-dated one (`--as-of`).

Kept apart from the renderer so `barometer run` can refuse a bad date before importing
WeasyPrint and Prefect.
"""

from __future__ import annotations

from datetime import date


class AsOfError(ValueError):
    """An as-of date the pipeline cannot honour (one in the future)."""


def brief_kind(as_of: date, today: date) -> str:
    """'regular' for a brief of its own day, 'as-of' for a back-dated one; a future date is
    refused: nobody knows yet what will be published by then."""
    if as_of > today:
        raise AsOfError(
            f"--as-of {as_of.isoformat()} is in the future (today is {today.isoformat()}): a "
            "brief can only say what is known by today; leave --as-of out for today's brief")
    return "regular" if as_of == today else "as-of"
