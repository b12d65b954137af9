"""Where the project's folders are, resolved from the package, never from the working directory."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = ROOT / "sql"
TEMPLATES_DIR = ROOT / "templates"
WAREHOUSE_DIR = ROOT / "warehouse"
SEEDS_DIR = WAREHOUSE_DIR / "seeds"

LATEST_NAME = "latest-brief.pdf"  # the stable name of the newest regular brief
