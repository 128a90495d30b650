"""Shared fixtures for the programme-specific evidence tests: simulated programmes, built once.

The fast tests read one scale-1 programme at the project end; the slow recovery tests read
scale-10 programmes followed up far beyond the end (every outcome observed) and cut
mid-project (outcomes censored at the data date). Also the translation of the planted
effects in ``research.simulate.truth`` into the quantities the analyses report.

The tables are the simulator's frames typed exactly as ``read_tables`` types a store
(``TABLES[name].conform`` in key order; identical frames, checked when this was written),
without writing and validating a database: that round trip is tested in tests/simulate and
costs seconds the fast tests do not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import pandas as pd
import pytest

from research.config import ProgrammeConfig, load_programme_config
from research.metrics.common import Tables
from research.simulate import SimulationSummary, build_frames
from research.simulate.run import summarise
from research.store.tables import as_stored
from research.validation.planted import planted_completion_ame

END = date(2027, 12, 31)
MID_LATE = date(2027, 6, 30)  # mid-project but late enough for EUV1 medians (about 10 months)
FAR = date(2033, 12, 31)  # every enrolment of the default period has ended by then
RECOVERY_SEED = 11  # the seed of tests/simulate/test_effects.py, chosen before looking
RECOVERY_SCALE = 10.0


@dataclass(frozen=True)
class Simulated:
    tables: Tables
    summary: SimulationSummary


@pytest.fixture(scope="session")
def evidence_config() -> ProgrammeConfig:
    """The built-in default configuration, whatever project.toml lies around."""
    default = resources.files("research").joinpath("default_project.toml")
    return load_programme_config(Path(str(default)))


def _simulated(config: ProgrammeConfig, *, seed: int, scale: float, until: date) -> Simulated:
    frames = build_frames(config, seed=seed, scale=scale, until=until)
    tables = as_stored(frames)
    summary = summarise(frames, config, seed=seed, scale=scale, until=until)
    return Simulated(tables, summary)


@pytest.fixture(scope="session")
def small(evidence_config) -> Simulated:
    """Scale 1 at the project end (seed 2025): the demo programme, for the fast tests."""
    return _simulated(evidence_config, seed=2025, scale=1.0, until=END)


@pytest.fixture(scope="session")
def far(evidence_config) -> Simulated:
    """Scale 10 followed up until every outcome is known (slow tests only)."""
    return _simulated(evidence_config, seed=RECOVERY_SEED, scale=RECOVERY_SCALE, until=FAR)


@pytest.fixture(scope="session")
def mid(evidence_config) -> Simulated:
    """Scale 10 cut mid-project: many lifts still running, censored at the data date."""
    return _simulated(evidence_config, seed=RECOVERY_SEED, scale=RECOVERY_SCALE, until=MID_LATE)


def true_ame(rows: pd.DataFrame, treatment: str, level, reference) -> float:
    """The planted average marginal effect on completion over ``rows`` (everyone switched to
    ``level`` and to ``reference`` of ``treatment``): the validation package's formula."""
    return planted_completion_ame(rows, treatment, level, reference)
