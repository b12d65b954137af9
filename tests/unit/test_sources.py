"""The source registry: the default file is valid and names real publishers; mistakes are named."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from flows.extract.lexicon import lexicon_path
from flows.ingest.sources import RegistryError, load_registry
from flows.paths import DEFAULT_SOURCES, SEEDS_DIR

GOOD = """
[[source]]
id = "a"
publisher = "gacc"
kind = "press-release"
url = "http://127.0.0.1:8000/a.html"
"""


def test_the_default_registry_names_known_publishers_and_lexicons() -> None:
    registry = load_registry(DEFAULT_SOURCES)
    with (SEEDS_DIR / "publishers.csv").open(encoding="utf-8") as handle:
        publishers = {row["publisher_id"] for row in csv.DictReader(handle)}
    assert {s.id for s in registry.source} == {
        "gacc-press-releases", "scio-pressroom", "yiwu-government-news"}
    for source in registry.source:
        assert source.publisher in publishers, source.id
        assert lexicon_path(source.lexicon).is_file(), source.id
        assert source.allowed_hosts and all("." in h for h in source.allowed_hosts)


def test_a_source_is_fetched_from_its_own_host_unless_told_otherwise(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(GOOD, encoding="utf-8")
    source = load_registry(path).source[0]
    assert source.allowed_hosts == ["127.0.0.1"]
    assert source.accepted_types == ("text/html", "application/xhtml+xml", "text/plain")


def test_a_source_has_a_total_deadline_of_a_minute_unless_told_otherwise(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(GOOD + GOOD.replace('id = "a"', 'id = "b"') + "deadline_seconds = 2.5\n",
                    encoding="utf-8")
    first, second = load_registry(path).source
    assert (first.deadline_seconds, second.deadline_seconds) == (60, 2.5)


@pytest.mark.parametrize(("text", "message"), [
    ("[[source]\n", "is not valid TOML"),
    (GOOD + GOOD, "source ids appear twice: a"),
    (GOOD.replace('"press-release"', '"feed"'), "a feed needs 'follow'"),
    (GOOD.replace("http://127.0.0.1:8000", "ftp://example.org"), "is not an http(s) URL"),
    (GOOD + 'allowed_hosts = ["example.org"]\n', "host '127.0.0.1' is not among allowed_hosts"),
    (GOOD.replace('kind = "press-release"', 'kind = "pdf"'), "source.0.kind"),
    (GOOD + "colour = 1\n", "colour: Extra inputs are not permitted"),
    (GOOD + "deadline_seconds = 0\n", "source.0.deadline_seconds: Input should be greater than 0"),
    (GOOD + "deadline_seconds = -5\n",
     "source.0.deadline_seconds: Input should be greater than 0"),
    (GOOD + 'deadline_seconds = "soon"\n', "source.0.deadline_seconds: Input should be a valid"),
], ids=["toml", "duplicate", "feed-follow", "scheme", "host", "kind", "unknown-key",
        "deadline-zero", "deadline-negative", "deadline-text"])
def test_a_broken_registry_says_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError) as err:
        load_registry(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_a_missing_registry_says_how_to_point_at_one(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="BAROMETER_SOURCES_PATH"):
        load_registry(tmp_path / "none.toml")
