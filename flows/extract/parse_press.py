"""Read a press release (HTML or text, Chinese or English) into a release of the project's model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from flows.extract import ExtractedFigure, Outcome, decide, hold_outliers, iter_figures
from flows.extract.decide import SAME_FIGURE
from flows.extract.documents import Document, DocumentError, check_size
from flows.extract.lexicon import Lexicon
from flows.model.release import Figure, HeldFigure, Release
from flows.model.release_files import ParsedRelease, ReleaseError, describe_validation, sha256_of

# Each metric's typical value in the warehouse, per day for a flow (load.typical_values).
TypicalValues = Mapping[str, float]
# A page with more numbers that may be figures is no press release (the most a text of the
# corpora holds is 29): it is refused, rather than its numbers held for review by the hundred.
MAX_FIGURES = 500


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


def _held(fig: ExtractedFigure, reason: str) -> dict[str, Any]:
    """A number held for review: what the extractor read of a held number's fields, with the
    reason, and its suggested metric when it names none."""
    return {**fig.fields_of(HeldFigure), "reason": reason,
            "metric_id": fig.metric_id or fig.suggested_metric_id}


def sort_outcomes(outcomes: list[Outcome]) -> tuple[list[Figure], list[dict[str, Any]]]:
    """The figures that load, and every other number held for review with its reason (a
    number restated elsewhere in the release is not held twice)."""
    figures = [o.loaded for o in outcomes if o.loaded is not None]
    held = [_held(o.figure, o.reason or "not a figure") for o in outcomes
            if o.loaded is None and o.reason != SAME_FIGURE]
    return figures, held


def parse_press_release(doc: Document, body: bytes, meta: PressMeta, lexicon: Lexicon,
                        metric_units: dict[str, str], source: Path,
                        typical: TypicalValues | None = None) -> ParsedRelease:
    """Extract every figure of a press release: those every rule established load, the rest
    (and any value far from the metric's history) are held for review; refuse a page too big
    to be a release (before reading it), with more than MAX_FIGURES numbers, or with none."""
    try:
        check_size(doc.text)
    except DocumentError as exc:
        raise ReleaseError(source, str(exc)) from None
    figures = iter_figures(doc.text, meta.published_on, lexicon, meta.geography)
    extracted = list(islice(figures, MAX_FIGURES + 1))
    if len(extracted) > MAX_FIGURES:
        raise ReleaseError(
            source, f"it holds more than {MAX_FIGURES} numbers that may be figures (a press "
            "release holds a few dozen): it is not a press release; save only the release's "
            "own text and drop it in the inbox")
    if not extracted:
        raise ReleaseError(
            source, "no figures were found in the page (is it the right page, or a page that "
            "only links to the release?); it is archived and can be re-read once the extractor "
            "or the source's URL is fixed")
    outcomes = decide(extracted, meta.published_on, meta.publisher_id, metric_units)
    if typical:
        outcomes = hold_outliers(outcomes, typical)
    figures, held = sort_outcomes(outcomes)
    content_sha = sha256_of(body)
    release_id = f"{meta.source_id}-{meta.published_on.isoformat()}-{content_sha[:10]}"
    data = {
        "release_id": release_id,
        "title": meta.title or doc.title or (doc.text.splitlines() or [release_id])[0][:200],
        "publisher_id": meta.publisher_id, "published_on": meta.published_on,
        "published_on_note": meta.published_on_note, "url": meta.url,
        "language": meta.language, "figures": figures, "held_for_review": held,
        "notes": f"Figures read from the text by the extractor with lexicon {lexicon.name!r}.",
    }
    try:
        release = Release.model_validate(data)
    except ValidationError as exc:
        raise ReleaseError(source, describe_validation(exc), release_id) from None
    claims = sha256_of(release.model_dump_json().encode())
    return ParsedRelease(source, release, doc.text, content_sha, claims)
