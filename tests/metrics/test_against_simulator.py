"""The metrics count what the simulator says it generated (the ground truth of the demo)."""

from __future__ import annotations

from datetime import date

import pytest

from research.config import load_programme_config
from research.domain.period import Quarter
from research.metrics.progress import progress_table
from research.simulate import simulate
from research.store import connect, read_tables


@pytest.fixture(scope="module", params=[date(2026, 9, 30), date(2027, 12, 31)], ids=["mid", "end"])
def simulated(request, tmp_path_factory):
    config = load_programme_config()
    path = tmp_path_factory.mktemp("sim") / "sim.duckdb"
    summary = simulate(path, config, seed=7, until=request.param)
    with connect(path, read_only=True) as con:
        tables = read_tables(con)
    return tables, config, Quarter.containing(request.param), summary


@pytest.mark.validation  # simulates two scale-1 programmes and counts them against the truth
def test_progress_counts_equal_the_simulators_own_counts(simulated):
    tables, config, quarter, summary = simulated
    achieved = progress_table(tables, config, quarter).set_index("indicator")["achieved"]
    assert achieved["participants"] == summary.participants_total
    assert achieved["participants_employed"] == summary.participants_employed
    assert achieved["participants_unemployed"] == summary.participants_unemployed
    assert achieved["rkv"] == summary.rkvs
    # "started" is the application's reading: completed or still in training
    assert achieved["skilled_started"] == summary.euv_completed + summary.euv_in_progress
    assert achieved["skilled_started_all"] == summary.euv_started
    assert achieved["skilled_completed"] == summary.euv_completed
    assert achieved["academy_started"] == summary.au_completed + summary.au_in_progress
    assert achieved["academy_started_all"] == summary.au_started
    assert achieved["academy_completed"] == summary.au_completed
    assert achieved["side_effect_unskilled"] == summary.side_effect_unskilled
    assert achieved["side_effect_skilled"] == summary.side_effect_skilled
    assert achieved["consultants"] == summary.consultants_in_shared_concept
    assert achieved["companies_contacted"] == summary.companies_contacted_by_project
    assert achieved["networks"] == summary.networks
