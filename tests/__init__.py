"""The test suite; ROOT is the checkout it sits in (docs/, tests/fixtures/, .venv/), which
flows.paths.ROOT is not when the suite runs against an installed package (`make test-newest`)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
