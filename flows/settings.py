"""The one place that reads the environment: every setting has a BAROMETER_ variable."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from flows.paths import DEFAULT_SOURCES, SEEDS_DIR


def _in_work_dir(*parts: str):
    """A default path inside the working folder (pydantic passes the fields validated so far)."""
    return Field(default_factory=lambda fields: fields["work_dir"].joinpath(*parts))


def _work_dir_sources(fields: dict) -> Path:
    """The working folder's sources.toml, or the registry the package ships if it has none."""
    own = fields["work_dir"] / "sources.toml"
    return own if own.is_file() else DEFAULT_SOURCES


class Settings(BaseSettings):
    """Run-time settings; override with BAROMETER_<NAME> environment variables."""

    model_config = SettingsConfigDict(env_prefix="BAROMETER_")

    # The working folder: what a run writes (the DuckDB file, raw/, briefs/, the snapshot), the
    # inbox and the user's source registry. Relative to the current directory, so `make brief`
    # in the repository uses its warehouse/; each path below defaults to a name inside it. The
    # curated seeds and lexicons come from the package (flows/paths.py).
    work_dir: Path = Path("warehouse")
    warehouse_path: Path = _in_work_dir("barometer.duckdb")
    briefs_dir: Path = _in_work_dir("briefs")
    seeds_dir: Path = SEEDS_DIR
    sources_path: Path = Field(default_factory=_work_dir_sources)
    inbox_dir: Path = _in_work_dir("inbox")
    raw_dir: Path | None = None  # default: raw/ beside the warehouse file
    # The read-only copy analysts open; published at the end of each successful run.
    snapshot_path: Path = _in_work_dir("snapshot", "barometer.duckdb")
    # The schedule `barometer serve` registers: weekly, Monday 08:00 in Shanghai.
    schedule_cron: str = "0 8 * * 1"
    schedule_timezone: str = "Asia/Shanghai"
    # The local Prefect server `barometer serve` starts (or reuses) when PREFECT_API_URL is not
    # set: 127.0.0.1 on this port, with the UI on (docs/scheduling.md).
    prefect_port: int = Field(default=4200, ge=1, le=65535)
    # Self-healing (flows/orchestration/heal.py): how often serve and `barometer worker` look for
    # runs whose process is gone, and how long the server may not answer before serve exits
    # non-zero.
    heal_interval: float = Field(default=30.0, gt=0)
    server_grace: float = Field(default=30.0, gt=0)
    # How long a scheduled run waits for another run of the same warehouse (a manual
    # `barometer run`) to finish before it fails in one line (flows/orchestration/run_lock.py).
    scheduled_run_wait: float = Field(default=1800.0, ge=0)
    # The process work pool of `prefect.yaml` and `barometer worker`.
    work_pool: str = "barometer"
    brief_author: str = "Cross-border e-commerce barometer"
    brief_table_rows: int = 40
    # DuckDB's memory cap (flows/warehouse/db.py); past it DuckDB spills to disk. Empty: DuckDB's
    # own default, 80% of the machine's memory.
    duckdb_memory_limit: str = "600MB"
    # `barometer query` stops a query that runs longer than this (flows/warehouse/query.py).
    query_timeout_seconds: float = Field(default=60.0, gt=0)
    # Who settles review items (`barometer review accept|reject`): the login name by default.
    reviewer: str = Field(default_factory=getpass.getuser)
    # Where a run's message goes (flows/orchestration/notify.py): Apprise URLs (mailto://,
    # slack://, json://, …) separated by spaces or commas; empty, nothing is sent
    # (docs/scheduling.md).
    notify_urls: str = ""

    @field_validator("work_dir")
    @classmethod
    def _absolute(cls, work_dir: Path) -> Path:
        """Fixed against the directory the settings were read in: a run's paths stay put."""
        return work_dir.absolute()

    @property
    def notify_destinations(self) -> list[str]:
        """The Apprise URLs of BAROMETER_NOTIFY_URLS, one a destination (a comma inside a URL,
        as in mailto://…?to=a@x,b@y, stays in it)."""
        from apprise.utils.parse import parse_urls

        return parse_urls(self.notify_urls)


def load_settings() -> Settings:
    """Read settings from the environment."""
    return Settings()


class RunSettings(BaseModel):
    """What one run of the flow needs: the settings' paths and brief options, and the run's own
    values (as_of, run_date, the run lock's wait). It is the flow's one parameter, which Prefect
    stores and shows in its UI: no secret goes in it (notify.py reads BAROMETER_NOTIFY_URLS
    when a message is due)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    warehouse_path: Path
    out_dir: Path
    seeds_dir: Path
    sources_path: Path | None = None  # None: no source is collected
    inbox_dir: Path | None = None  # None: no inbox is read
    raw_dir: Path | None = None  # None: raw/ beside the warehouse file
    snapshot_path: Path | None = None  # None: no snapshot is published
    author: str = Settings.model_fields["brief_author"].default
    table_rows: int = Settings.model_fields["brief_table_rows"].default
    # Another run of the same warehouse: wait this long for it, then fail in one line.
    lock_wait_seconds: float = Field(default=0.0, ge=0)
    as_of: date | None = None  # default: run_date; a past date makes a back-dated brief
    run_date: date | None = None  # default: today; a test replays a timeline with it

    @classmethod
    def from_settings(cls, settings: Settings, **per_run: Any) -> RunSettings:
        """The run's settings from `settings`, with per_run's values over them (as_of, a
        --warehouse or --out, sources_path=None to collect nothing, lock_wait_seconds); every
        path absolute, so a run started in another folder finds the same files."""
        values: dict[str, Any] = {
            "warehouse_path": settings.warehouse_path, "out_dir": settings.briefs_dir,
            "seeds_dir": settings.seeds_dir, "sources_path": settings.sources_path,
            "inbox_dir": settings.inbox_dir, "raw_dir": settings.raw_dir,
            "snapshot_path": settings.snapshot_path, "author": settings.brief_author,
            "table_rows": settings.brief_table_rows, **per_run}
        return cls(**{name: value.resolve() if isinstance(value, Path) else value
                      for name, value in values.items()})
