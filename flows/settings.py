"""The one place that reads the environment: every setting has a BAROMETER_ variable."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from flows.paths import SEEDS_DIR, WAREHOUSE_DIR


class Settings(BaseSettings):
    """Run-time settings; override with BAROMETER_<NAME> environment variables."""

    model_config = SettingsConfigDict(env_prefix="BAROMETER_")

    warehouse_path: Path = WAREHOUSE_DIR / "barometer.duckdb"
    briefs_dir: Path = WAREHOUSE_DIR / "briefs"
    seeds_dir: Path = SEEDS_DIR
    brief_author: str = "Cross-border e-commerce barometer"
    brief_table_rows: int = 40


def load_settings() -> Settings:
    """Read settings from the environment."""
    return Settings()
