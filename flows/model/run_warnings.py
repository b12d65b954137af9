"""A run's warnings, each with its kind, so the brief can weigh them: a refused release is
shown in full on page 1, sources that could not be collected are counted there in one line,
and every warning is listed in full at the end of the brief."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

RELEASE = "release"  # a release (curated, inbox or collected) was refused: not loaded
SOURCE = "source"    # a source, or the registry, could not be collected
RUN = "run"          # anything else the run has to say (e.g. an empty brief)


@dataclass(frozen=True)
class RunWarning:
    """One warning line of a run, worded for the brief and the log."""

    text: str
    kind: str = RUN
    source_id: str | None = None  # the source it concerns; None for the registry or no source

    def __str__(self) -> str:
        return self.text


def refused_releases(lines: Iterable[str], source_id: str | None = None) -> list[RunWarning]:
    """Warnings for releases or files that were refused."""
    return [RunWarning(line, RELEASE, source_id) for line in lines]


def source_failures(lines: Iterable[str], source_id: str | None) -> list[RunWarning]:
    """Warnings for a source (None: the registry) that could not be collected."""
    return [RunWarning(line, SOURCE, source_id) for line in lines]


def as_run_warnings(warnings: Iterable[RunWarning | str]) -> list[RunWarning]:
    """Plain strings (a caller that predates kinds) become warnings of kind 'run'."""
    return [w if isinstance(w, RunWarning) else RunWarning(str(w)) for w in warnings]
