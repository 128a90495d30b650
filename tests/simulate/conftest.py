"""Shared simulated databases: one per parameter set, built once per test session."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from research.config import ProgrammeConfig, load_programme_config
from research.simulate import simulate

END = date(2027, 12, 31)
MID = date(2026, 6, 30)
FAR = date(2033, 12, 31)  # every enrolment of the default period has ended by then


@pytest.fixture(scope="session")
def config() -> ProgrammeConfig:
    """The built-in default configuration, whatever project.toml lies around."""
    default = resources.files("research").joinpath("default_project.toml")
    return load_programme_config(Path(str(default)))


@pytest.fixture(scope="session")
def end_db(tmp_path_factory: pytest.TempPathFactory, config: ProgrammeConfig):
    path = tmp_path_factory.mktemp("sim") / "end.duckdb"
    return path, simulate(path, config, seed=2025, scale=1.0, until=END)


@pytest.fixture(scope="session")
def mid_db(tmp_path_factory: pytest.TempPathFactory, config: ProgrammeConfig):
    path = tmp_path_factory.mktemp("sim") / "mid.duckdb"
    return path, simulate(path, config, seed=2025, scale=1.0, until=MID)
