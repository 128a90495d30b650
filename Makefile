# Kompetenceløft Workbench — the two commands a newcomer needs are `make report` and `make test`.
# Everything installs from uv.lock into .venv with the machine's Python 3.11+ (no downloads of
# Python itself).

PYTHON ?= python3
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
# Python may cache compiled modules in __pycache__ (git ignores them). Where the environment
# forbids it (PYTHONDONTWRITEBYTECODE), every test process re-compiles the workbench and
# pytest re-rewrites the assertions of all 220 test modules, and every report kernel compiles
# the workbench again: seconds per process, measured in bench/tiers_bench.py.
unexport PYTHONDONTWRITEBYTECODE
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
RUN := $(VENV)/bin

.DEFAULT_GOAL := help

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /'

.tools/bin/uv:
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target .tools/uv-pkg uv==$(UV_VERSION)
	mkdir -p .tools/bin && ln -sf ../uv-pkg/bin/uv .tools/bin/uv

## env: create .venv from the lock file (uv.lock), exactly as pinned
env: $(VENV)/.synced
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

## report: the main job — the quarterly report on the demo data (built by the simulator if missing)
report: env
	@test -f data/workbench.duckdb || $(RUN)/research simulate --db data/workbench.duckdb
	$(RUN)/research check --db data/workbench.duckdb
	$(RUN)/research report --db data/workbench.duckdb

## check: the quick loop while you work — ruff and the unit tier (plain `pytest`)
check: lint
	$(RUN)/python -m pytest $(PYTEST_PARALLEL)

# `make test` spreads the tests over every core, a module per worker so that the module-scoped
# fixtures (an executed report, a simulated programme) are built once; `PYTEST_PARALLEL=` runs
# them in one process
PYTEST_PARALLEL ?= -n auto --dist loadfile

## test: everything CI runs — ruff and all three tiers (unit, e2e, validation), on every core
test: lint
	$(RUN)/python -m pytest -m "unit or e2e or validation" $(PYTEST_PARALLEL)

## lint: ruff (lint rules and formatting), notebooks included
lint: env
	$(RUN)/ruff check .
	$(RUN)/ruff format --check .

## lab: open JupyterLab on notebooks/, where every notebook runs as it stands (demo data if none)
# Kernels start in the notebook's folder: the library finds data/workbench.duckdb from there up
# to the repository root; a RESEARCH_DB given relative to the repository is made absolute.
# JupyterLab refuses to run as root unless told; in a container (root) it is told.
lab: env
	$(UV) sync --frozen --python $(PYTHON) --group lab
	@test -n "$$RESEARCH_DB" || test -f data/workbench.duckdb || \
		$(RUN)/research simulate --db data/workbench.duckdb
	RESEARCH_DB="$(if $(RESEARCH_DB),$(abspath $(RESEARCH_DB)))" \
		$(RUN)/jupyter lab --ServerApp.root_dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

## clean: remove the environment and generated files (not data/ imports)
clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache

.PHONY: help env report check test lint lab clean
