"""Read a press release (HTML or text, Chinese or English) into a release of the project's model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from flows.documents import Document
from flows.extract import ExtractedFigure, extract_figures
from flows.lexicon import Lexicon
from flows.release_files import ParsedRelease, ReleaseError, describe_validation, sha256_of
from flows.release_model import Figure, Release


@dataclass(frozen=True)
class PressMeta:
    """What is known about a press release besides its text."""

    source_id: str
    publisher_id: str
    published_on: date
    url: str | None = None
    title: str | None = None
    language: str | None = None
    geography: str | None = None
    published_on_note: str | None = None


def _unmatched(fig: ExtractedFigure, reason: str) -> dict[str, Any]:
    return {
        "reason": reason, "period_kind": fig.period_kind, "period_start": fig.period_start,
        "period_end": fig.period_end, "period_text": fig.period_text, "value": fig.value,
        "value_as_written": fig.value_as_written, "multiplier": fig.multiplier,
        "unit": fig.unit, "comparator": fig.comparator, "qualifier_text": fig.qualifier_text,
        "yoy_pct": fig.yoy_pct, "yoy_text": fig.yoy_text, "quote": fig.quote,
    }


def _figure(fig: ExtractedFigure, meta: PressMeta) -> Figure:
    return Figure(
        metric_id=fig.metric_id, period_kind=fig.period_kind, period_start=fig.period_start,
        period_end=fig.period_end, period_text=fig.period_text, value=fig.value,
        value_as_written=fig.value_as_written, multiplier=fig.multiplier, unit=fig.unit,
        comparator=fig.comparator, qualifier_text=fig.qualifier_text, yoy_pct=fig.yoy_pct,
        yoy_comparator=fig.yoy_comparator, yoy_text=fig.yoy_text, reported_by=meta.publisher_id,
        vintage_status=fig.vintage_status, quote=fig.quote)


def _fullness(fig: Figure) -> int:
    """How much a figure says beyond its value: a rate, a status."""
    return (fig.yoy_pct is not None) + (fig.vintage_status is not None)


def _sort(extracted: list[ExtractedFigure], meta: PressMeta,
          metric_units: dict[str, str]) -> tuple[list[Figure], list[dict[str, Any]]]:
    """Split extracted figures into loadable ones and ones kept for review, with the reason."""
    figures: list[Figure] = []
    unmatched: list[dict[str, Any]] = []
    seen: dict[tuple, Figure] = {}
    for fig in extracted:
        reason = fig.unmatched_reason
        if reason is None and fig.metric_id not in metric_units:
            reason = f"metric {fig.metric_id!r} of the lexicon is not in metrics.csv"
        elif reason is None and fig.value is not None and fig.unit != metric_units[fig.metric_id]:
            reason = f"unit {fig.unit!r} is not the metric's unit {metric_units[fig.metric_id]!r}"
        elif reason is None and fig.period_start is not None and (
                fig.period_start > meta.published_on
                or (fig.period_kind != "level" and fig.period_end > meta.published_on)):
            reason = "its period had not ended when the release was published (a target?)"
        if reason is None:
            try:
                candidate = _figure(fig, meta)
            except ValidationError as exc:
                reason = describe_validation(exc)
        if reason is None:
            key = (candidate.metric_id, candidate.period_kind, candidate.period_start,
                   candidate.period_end)
            if key in seen:
                earlier = seen[key]
                if (earlier.value, earlier.comparator) == (candidate.value, candidate.comparator):
                    # The same figure restated (a headline, then the body): keep the fuller one.
                    if _fullness(candidate) > _fullness(earlier):
                        figures[figures.index(earlier)] = seen[key] = candidate
                    continue
                reason = "the release gives another figure for this metric and period earlier"
            else:
                seen[key] = candidate
                figures.append(candidate)
                continue
        unmatched.append(_unmatched(fig, reason))
    return figures, unmatched


def parse_press_release(doc: Document, body: bytes, meta: PressMeta, lexicon: Lexicon,
                        metric_units: dict[str, str], source: Path) -> ParsedRelease:
    """Extract every figure of a press release; refuse a page that has none."""
    extracted = extract_figures(doc.text, meta.published_on, lexicon, meta.geography)
    if not extracted:
        raise ReleaseError(
            source, "no figures were found in the page (is it the right page, or a page that "
            "only links to the release?); it is archived and can be re-read once the extractor "
            "or the source's URL is fixed")
    figures, unmatched = _sort(extracted, meta, metric_units)
    content_sha = sha256_of(body)
    release_id = f"{meta.source_id}-{meta.published_on.isoformat()}-{content_sha[:10]}"
    data = {
        "release_id": release_id,
        "title": meta.title or doc.title or (doc.text.splitlines() or [release_id])[0][:200],
        "publisher_id": meta.publisher_id, "published_on": meta.published_on,
        "published_on_note": meta.published_on_note, "url": meta.url,
        "language": meta.language, "figures": figures, "unmatched": unmatched,
        "notes": f"Figures read from the text by the extractor with lexicon {lexicon.name!r}.",
    }
    try:
        release = Release.model_validate(data)
    except ValidationError as exc:
        raise ReleaseError(source, describe_validation(exc), release_id) from None
    claims = sha256_of(release.model_dump_json().encode())
    return ParsedRelease(source, release, doc.text, content_sha, claims)
