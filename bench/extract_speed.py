"""How fast the extractor reads text, in seconds per MB (UTF-8), on real and hostile texts.

    python -m bench.extract_speed [--chars 100000] [--repeats 3]

Texts: the real-text corpus (tests/fixtures/real/, one page of all its texts, repeated to
--chars), and three hostile single lines of --chars characters: '2.63万亿元，同比增长10.8%'
repeated, random digits/CJK/units, and random words between long runs of spaces. For each,
`extract` times flows.extract.extract_figures alone (every figure, no limit) and `page` times
what the inbox does with it (read_document, then parse_press_release: its limits may refuse
it). Prints the best of the repeats. No test times anything; this script is where speed is
measured.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from flows.extract import extract_figures
from flows.extract.documents import DocumentError, read_document
from flows.extract.lexicon import Lexicon, lexicon_path, load_lexicon
from flows.extract.parse_press import PressMeta, parse_press_release
from flows.model.release_files import ReleaseError
from flows.paths import ROOT
from tests.corpus import metric_units

PUBLISHED = date(2025, 1, 13)
META = PressMeta(source_id="bench", publisher_id="gacc", published_on=PUBLISHED)


def _corpus(chars: int) -> str:
    page = "\n\n".join(p.read_text(encoding="utf-8")
                       for p in sorted((ROOT / "tests" / "fixtures" / "real").glob("*.txt")))
    return (page * (chars // len(page) + 1))[:chars]


def _dense(chars: int) -> str:
    unit = "2024年我国跨境电商进出口2.63万亿元，同比增长10.8%，"
    return (unit * (chars // len(unit) + 1))[:chars]


def _random(chars: int) -> str:
    rnd = random.Random(13)
    alphabet = "0123456789０１２一二三四五六七八九十百千万亿元美元%％跨境电商进出口同比增长年月，."
    return "".join(rnd.choice(alphabet) for _ in range(chars))


def _spaced(chars: int) -> str:
    rnd = random.Random(13)
    words = ["同比", "增长", "2.63", "万亿元", "up", "10.8", "percent", "exports"]
    parts: list[str] = []
    while sum(map(len, parts)) < chars:
        parts += [rnd.choice(words), " " * rnd.randint(1, 3000)]
    return "".join(parts)[:chars]


TEXTS: dict[str, Callable[[int], str]] = {
    "real corpus": _corpus, "dense line": _dense, "random line": _random,
    "spaced line": _spaced,
}


def _best(run: Callable[..., Any], text: str, repeats: int) -> tuple[float, Any]:
    """The shortest of `repeats` runs of run(text), and its result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = run(text)
        best = min(best, time.perf_counter() - started)
    return best, result


def _page(text: str, lexicon: Lexicon, units: dict[str, str]) -> str:
    """What the inbox makes of the text: a release, or the reason it is refused."""
    body = text.encode("utf-8")
    try:
        doc = read_document(body, "text/plain")
        parsed = parse_press_release(doc, body, META, lexicon, units, Path("bench.txt"))
    except (DocumentError, ReleaseError) as exc:
        return f"refused: {str(exc)[:70]}…"
    return f"{len(parsed.release.figures)} loaded, {len(parsed.release.held_for_review)} held"


def main() -> None:
    """Print seconds per MB for each generated text."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    lexicon = load_lexicon(lexicon_path("cbec"))
    units = metric_units()
    print(f"{'text':12} {'chars':>9} {'MB':>6} {'extract s':>9} {'s/MB':>7} {'figures':>7} "
          f"{'quote chars':>11} {'page s':>7}  page")
    for name, make in TEXTS.items():
        text = make(args.chars)
        mb = len(text.encode("utf-8")) / 1e6
        seconds, figures = _best(partial(extract_figures, published_on=PUBLISHED,
                                         lexicon=lexicon), text, args.repeats)
        quoted = sum(len(f.quote) for f in figures)
        page_s, outcome = _best(partial(_page, lexicon=lexicon, units=units), text,
                                args.repeats)
        print(f"{name:12} {len(text):>9,} {mb:>6.2f} {seconds:>9.2f} {seconds / mb:>7.1f} "
              f"{len(figures):>7} {quoted:>11,} {page_s:>7.2f}  {outcome}")


if __name__ == "__main__":
    main()
