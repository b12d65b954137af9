"""Where the project's folders are: the files the package ships are found through
importlib.resources (flows/resources/), never from the working directory, so a checkout, an
editable install and `pip install .` read the same sql/, templates/, seeds and lexicons."""

from importlib.resources import files
from pathlib import Path


def _shipped(name: str) -> Path:
    """A folder or file the package ships, as a real path (resolved: in a checkout, the
    repository's own folder, not the symlink to it)."""
    resource = files("flows.resources") / name
    if not isinstance(resource, Path):  # a zip import: WeasyPrint and DuckDB need real files
        raise RuntimeError(f"flows/resources/{name} is not a folder on disk ({resource!r}); "
                           "install the package with pip, not as a zip")
    return resource.resolve()


SQL_DIR = _shipped("sql")
TEMPLATES_DIR = _shipped("templates")
SEEDS_DIR = _shipped("seeds")
LEXICONS_DIR = _shipped("lexicons")
# The source registry a working folder without its own sources.toml collects (flows/settings.py).
DEFAULT_SOURCES = _shipped("sources.toml")

# The checkout the package sits in, for what only a checkout has: docs/, tests/, bench/, and
# the prefect.yaml a worker runs the flow from. Installed, this is site-packages.
ROOT = Path(__file__).resolve().parent.parent

LATEST_NAME = "latest-brief.pdf"  # the stable name of the newest regular brief
