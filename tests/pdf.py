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


def pdf_rows(path: Path) -> list[tuple[int, str]]:
    """The PDF's text as rows, for reading tables: (page, the row's blocks left to right).

    `pdftotext -bbox-layout` gives each paragraph (a table cell, wrapped lines and all) as a block
    with its position; blocks whose tops lie within 2 pt on one page are one row."""
    import html
    import subprocess

    layout = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], check=True,
                            capture_output=True, text=True).stdout
    rows: list[tuple[int, str]] = []
    for page_no, page in enumerate(re.findall(r"<page [^>]*>(.*?)</page>", layout, re.S), 1):
        blocks = []
        for x, y, body in re.findall(r'<block xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</block>',
                                     page, re.S):
            words = " ".join(html.unescape(w) for w in re.findall(r">([^<]*)</word>", body))
            blocks.append((float(y), float(x), words))
        blocks.sort()
        line: list[tuple[float, float, str]] = []
        for block in blocks:
            if line and block[0] - line[0][0] > 2.0:
                rows.append((page_no, " ".join(b[2] for b in sorted(line, key=lambda b: b[1]))))
                line = []
            line.append(block)
        if line:
            rows.append((page_no, " ".join(b[2] for b in sorted(line, key=lambda b: b[1]))))
    return rows
