"""Quarters, dates and paths typed as strings are read at the public boundaries; a wrong one
is one clear ResearchError naming the argument, never an AttributeError from deep inside."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from research.coerce import as_date, as_path, as_quarter
from research.domain.period import Quarter
from research.errors import ArgumentError, ResearchError


@pytest.mark.parametrize(
    "value",
    ["2026Q3", "2026q3", "2026K3", " 2026-Q3 ", Quarter(2026, 3), date(2026, 8, 1)],
)
def test_quarter_from_what_people_type(value):
    assert as_quarter(value) == Quarter(2026, 3)


@pytest.mark.parametrize("value", ["2026Q5", "Q3 2026", "", "2026", 2026, None])
def test_a_wrong_quarter_is_one_clear_line(value):
    with pytest.raises(ResearchError, match=r"until: .* is not a quarter; write it like '2026Q3'"):
        as_quarter(value, "until")


@pytest.mark.parametrize(
    "value",
    ["2026-09-30", "30-09-2026", "30.09.2026", date(2026, 9, 30), datetime(2026, 9, 30, 13, 5)],
)
def test_date_from_iso_danish_or_a_date(value):
    assert as_date(value) == date(2026, 9, 30)


def test_a_timestamp_is_a_date():
    assert as_date(pd.Timestamp("2026-09-30 10:00")) == date(2026, 9, 30)


@pytest.mark.parametrize("value", ["2026-02-30", "31-31-2026", "yesterday", 20260930])
def test_a_wrong_date_names_the_argument(value):
    with pytest.raises(ArgumentError, match=r"^until: .* is not a date"):
        as_date(value, "until")


def test_paths_from_strings_and_a_wrong_one():
    assert as_path("data/workbench.duckdb") == Path("data/workbench.duckdb")
    assert as_path(Path("x")) == Path("x")
    with pytest.raises(ArgumentError, match="db: '  ' is not a file path"):
        as_path("  ", "db")


def test_argument_error_is_still_a_value_error():
    # callers that caught Quarter.parse's ValueError keep working
    with pytest.raises(ValueError):
        as_quarter("nonsense")


def test_simulate_refuses_a_wrong_data_date_in_one_line(tmp_path):
    from research.simulate import simulate

    with pytest.raises(ResearchError, match="until: '30/30/2026' is not a date"):
        simulate(tmp_path / "x.duckdb", until="30/30/2026")
    assert not (tmp_path / "x.duckdb").exists()  # nothing written


@pytest.mark.e2e  # simulates a small programme (about 15 s)
def test_simulate_takes_its_data_date_as_a_string(tmp_path):
    from research.simulate import simulate

    summary = simulate(tmp_path / "s.duckdb", seed=3, scale=0.05, until="2026-03-31")
    assert summary.until == date(2026, 3, 31)
