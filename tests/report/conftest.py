"""A small simulated programme for the report tests, built once per test session."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from research.config import ProgrammeConfig, load_programme_config
from research.simulate import simulate

REPORT_QUARTER_END = date(2026, 9, 30)


@pytest.fixture(scope="session")
def default_config() -> ProgrammeConfig:
    """The built-in configuration, whatever project.toml lies around."""
    default = resources.files("research").joinpath("default_project.toml")
    return load_programme_config(Path(str(default)))


@pytest.fixture(scope="session")
def small_db(tmp_path_factory: pytest.TempPathFactory, default_config: ProgrammeConfig) -> Path:
    """A third of the demo programme up to the end of 2026Q3 (quick to build, every table used)."""
    path = tmp_path_factory.mktemp("report-db") / "small.duckdb"
    simulate(path, default_config, seed=7, scale=0.3, until=REPORT_QUARTER_END)
    return path
