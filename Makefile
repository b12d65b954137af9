# Quick start: `make brief` (set-up + one pipeline run) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every dependency at the version pinned here (`make lock` writes it from pyproject.toml's ranges).
LOCK := requirements.lock
# uv installs the lock in seconds where pip takes half a minute; its version is the lock's.
UV_VERSION = $(shell sed -n 's/^uv==//p' $(LOCK))
# The newest Python the project supports, checked by `make test-newest` in a venv of its own,
# into which the project is installed as a user installs it (not editable). Found on PATH or
# through pyenv; NEWEST_PYTHON=/path/to/python3.13 overrides.
NEWEST := 3.13
NEWEST_PYTHON ?= $(shell python$(NEWEST) -c 'import sys; print(sys.executable)' 2>/dev/null || \
  PYENV_VERSION=$(NEWEST) pyenv exec python$(NEWEST) -c 'import sys; print(sys.executable)' 2>/dev/null)
NEWEST_VENV := .venv-$(NEWEST)
# WeasyPrint's libraries, HarfBuzz subsetting (faster, byte-reproducible PDFs),
# a CJK font so 义乌发布 renders as glyphs, poppler-utils to look at briefs, PostgreSQL:
# the database Prefect's server uses in production, started by the worker test, and Chromium,
# in which the tests open the brief's HTML edition.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-wqy-zenhei fonts-dejavu-core poppler-utils postgresql chromium

.DEFAULT_GOAL := help
.PHONY: help system-deps venv lock duckdb-engines brief serve test test-newest score-extract bench bench-status lint clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

system-deps: ## install the Debian packages WeasyPrint and the tests need (as root), or say which
	@missing=""; \
	for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "missing system packages:$$missing"; \
	  echo "run: sudo apt-get install -y$$missing   (then run make again)"; exit 1; \
	fi

# The locked dependencies first, then the project itself (editable, nothing resolved again;
# setuptools, the build backend, is in the lock, so the build needs no index either). uv does
# the installing: pip only fetches uv itself. --compile-bytecode as pip does: uv leaves it out,
# and where PYTHONDONTWRITEBYTECODE is set (this machine, CI) every process would compile
# Prefect again from source (import prefect: 1.8 s instead of 1.0).
$(STAMP): pyproject.toml $(LOCK)
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found: install python3.11 and run make again"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r $(LOCK)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	@touch $@

venv: $(STAMP) ## create .venv: the locked dependencies and the project (editable)

lock: venv ## rewrite requirements.lock from pyproject.toml's ranges (UPGRADE=1: newest versions)
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --extra test \
	  --custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade) pyproject.toml -o $(LOCK)

# A venv holds one duckdb-cli; the older DuckDB versions the snapshot test opens the snapshot
# with go in folders of their own under .venv/duckdb-engines/ (tests/duckdb_engines.py).
duckdb-engines: venv ## install the older DuckDBs the snapshot test uses (once; a no-op after)
	@$(BIN)/python -m tests.duckdb_engines

brief: system-deps venv ## set up, run the pipeline once, print the PDF's path
	@$(BIN)/barometer run

serve: system-deps venv ## serve the weekly schedule on a local Prefect server until Ctrl-C (INTERVAL=60 to try)
	@$(BIN)/barometer serve $(if $(INTERVAL),--interval $(INTERVAL))

test: system-deps venv duckdb-engines score-extract ## run the whole test suite (unit + end-to-end, on two cores), after the extractor's score
	$(BIN)/pytest -n 2 --dist loadscope --no-loadscope-reorder

# The unit suite and the install test on the newest Python, against the project installed
# as `pip install .` installs it: a second venv from the same lock. pytest runs from inside
# that venv's folder with --import-mode=append, so `flows` is the installed package, never the
# checkout's (pytest-xdist puts its working directory first on sys.path).
$(NEWEST_VENV)/.installed: pyproject.toml $(LOCK) $(shell git ls-files flows sql templates warehouse/seeds warehouse/lexicons 2>/dev/null)
	@test -n "$(NEWEST_PYTHON)" || { echo "Python $(NEWEST) not found: install it (pyenv install $(NEWEST)) or set NEWEST_PYTHON"; exit 1; }
	rm -rf $(NEWEST_VENV)
	$(NEWEST_PYTHON) -m venv $(NEWEST_VENV)
	$(NEWEST_VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(NEWEST_VENV)/bin/uv pip install --quiet --compile-bytecode --python $(NEWEST_VENV)/bin/python -r $(LOCK)
	$(NEWEST_VENV)/bin/uv pip install --quiet --python $(NEWEST_VENV)/bin/python --no-deps --no-build-isolation .
	rm -rf build
	@touch $@

test-newest: system-deps venv $(NEWEST_VENV)/.installed ## the unit tests and the install test on Python 3.13, project installed non-editable
	cd $(NEWEST_VENV) && bin/pytest -c ../pyproject.toml --rootdir .. --import-mode=append \
	  -p no:cacheprovider -n 2 ../tests/unit ../tests/e2e/test_install.py

score-extract: venv ## score the extractor on the real-text corpus and the held-out texts (recall, precision, loaded wrong)
	@$(BIN)/python -m tests.score_extract
	@echo "held-out texts:"
	@$(BIN)/python -m tests.score_extract --corpus tests/fixtures/holdout

bench: system-deps venv ## benchmarks at 100/1,000/10,000 synthetic releases; writes docs/benchmarks.md
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-status: venv ## time `barometer status` with a Prefect server running and without one
	$(BIN)/python -m bench.status

lint: venv ## ruff
	$(BIN)/ruff check .

clean: ## remove the venvs and generated warehouse files (keeps curated seeds)
	rm -rf $(VENV) $(NEWEST_VENV) build warehouse/*.duckdb warehouse/*.duckdb.wal warehouse/briefs
