"""Read a rendered PDF back: its text (whitespace folded), attachments and metadata."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader


def pdf_text(path: Path) -> str:
    """All pages' text with runs of whitespace folded to one space."""
    reader = PdfReader(str(path))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def pdf_attachments(path: Path) -> dict[str, bytes]:
    """Embedded files by name."""
    reader = PdfReader(str(path))
    return {name: contents[0] for name, contents in reader.attachments.items()}


def pdf_image_count(path: Path) -> int:
    """How many raster images the pages draw."""
    reader = PdfReader(str(path))
    return sum(len(page.images) for page in reader.pages)
