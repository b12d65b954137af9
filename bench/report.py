"""Write the measured figures into docs/benchmarks.md, between its two markers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def write_report(doc: Path, lines: list[str], machine: str, repeats: int,
                 when: datetime) -> None:
    """Replace the generated block of doc (or append one) with the new figures."""
    block = "\n".join([
        START,
        f"Measured {when:%Y-%m-%d %H:%M} UTC by `make bench` on {machine}. "
        f"Seconds, median (min–max) of {repeats} runs, each in its own process.",
        "",
        *lines,
        END,
    ])
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")
