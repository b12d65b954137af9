"""The source registry (warehouse/sources.toml): what to fetch, from where, and how to read it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from flows.ingest.fetch import PROJECT_URL
from flows.model.release_files import describe_validation

SourceKind = Literal["json", "csv", "press-release", "feed"]

# What each kind of payload may be served as; a source may narrow or widen it.
DEFAULT_CONTENT_TYPES: dict[str, tuple[str, ...]] = {
    "json": ("application/json", "text/json"),
    "csv": ("text/csv", "application/csv", "text/plain"),
    "press-release": ("text/html", "application/xhtml+xml", "text/plain"),
    "feed": ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
             "text/html"),
}


class RegistryError(ValueError):
    """The registry file is wrong; the message names the file, the source and the fix."""


class Source(BaseModel):
    """One place figures come from, and the rules for fetching and reading it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    publisher: str
    kind: SourceKind
    url: str
    allowed_hosts: list[str] = []
    lexicon: str = "cbec"
    geography: str | None = None
    enabled: bool = True
    description: str | None = None
    # Fetch policy; defaults suit an official page.
    content_types: list[str] | None = None
    max_bytes: int = Field(default=5_000_000, gt=0)
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=20.0, gt=0)
    attempts: int = Field(default=4, ge=1, le=10)
    backoff_base: float = Field(default=0.5, ge=0)
    backoff_max: float = Field(default=30.0, ge=0)
    # The whole source (every request, retry, wait and feed item) stops after this long.
    deadline_seconds: float = Field(default=60.0, gt=0)
    # Feeds: which links to follow, what they are, and how many per run.
    follow: str | None = None
    item_kind: Literal["json", "csv", "press-release"] = "press-release"
    max_items: int = Field(default=10, ge=1, le=100)

    @model_validator(mode="after")
    def _consistent(self) -> Source:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"url {self.url!r} is not an http(s) URL")
        if not self.allowed_hosts:
            self.allowed_hosts = [parts.hostname]
        elif parts.hostname not in self.allowed_hosts:
            raise ValueError(
                f"the url's host {parts.hostname!r} is not among allowed_hosts "
                f"{self.allowed_hosts}")
        if self.kind == "feed" and not self.follow:
            raise ValueError("a feed needs 'follow', a regular expression for the links to fetch")
        return self

    @property
    def accepted_types(self) -> tuple[str, ...]:
        """Media types this source's payloads may be served as."""
        kind = self.kind
        return tuple(self.content_types or DEFAULT_CONTENT_TYPES[kind])

    def item_types(self) -> tuple[str, ...]:
        """Media types a feed's items may be served as."""
        return DEFAULT_CONTENT_TYPES[self.item_kind]


class Registry(BaseModel):
    """Every configured source, plus the contact the User-Agent names."""

    model_config = ConfigDict(extra="forbid")

    contact: str = PROJECT_URL
    source: list[Source] = []

    @model_validator(mode="after")
    def _unique(self) -> Registry:
        ids = [s.id for s in self.source]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"source ids appear twice: {', '.join(duplicates)}")
        return self

    def enabled(self) -> list[Source]:
        """The sources a run collects."""
        return [s for s in self.source if s.enabled]


def load_registry(path: Path) -> Registry:
    """Read and validate the registry; raise RegistryError saying what to fix."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(
            f"source registry {path} does not exist; create it (see docs/sources.md) or point "
            "BAROMETER_SOURCES_PATH at one") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RegistryError(f"source registry {path} is not valid TOML: {exc}") from None
    try:
        return Registry.model_validate(data)
    except ValidationError as exc:
        raise RegistryError(
            f"source registry {path} is invalid: {describe_validation(exc)}. Fix the file; "
            "no source was collected") from None
