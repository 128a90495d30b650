"""A programme simulated in chunks: the same populations as one run, nobody twice, a clean store.

The chunk size is made small here (``CHUNK_SCALE``), so that a tiny programme is drawn in
several chunks the way a scale-1,000 one is drawn in ten.
"""

from __future__ import annotations

import numpy as np
import pytest

import research.simulate.chunks as chunks
from research.quality import check_database
from research.simulate import simulate
from research.simulate.ids import SerialsTaken, pseudonyms
from research.store import connect, read_tables
from tests.simulate.conftest import END

pytestmark = pytest.mark.validation  # two small programmes simulated and checked whole

POPULATIONS = (
    "participants_total",
    "participants_employed",
    "participants_unemployed",
    "rkvs",
    "side_effect_people",
)


def test_chunks_give_the_populations_of_one_run_and_a_clean_store(tmp_path, config, monkeypatch):
    one = simulate(tmp_path / "one.duckdb", config, seed=7, scale=0.4, until=END)
    monkeypatch.setattr(chunks, "CHUNK_SCALE", 0.1)
    assert chunks.chunk_count(0.4) == 4
    split = simulate(tmp_path / "split.duckdb", config, seed=7, scale=0.4, until=END)
    for name in POPULATIONS:
        assert getattr(split, name) == getattr(one, name), name
    for table in ("participants", "rkv_results", "education_plans", "partners", "networks"):
        assert split.rows[table] == one.rows[table], table
    assert list(split.rows) == list(one.rows)  # the summary lists the tables in one order
    report = check_database(tmp_path / "split.duckdb")
    assert report.findings == ()  # no error, no warning
    with connect(tmp_path / "split.duckdb", read_only=True) as con:
        t = read_tables(con, ["participants", "enrolments", "companies"])
    # every chunk's people are new people, with their own numbers
    assert t["participants"]["participant_id"].is_unique
    numbers = t["enrolments"]["enrolment_id"].str[-7:].astype(int)
    assert numbers.is_unique
    assert set(t["participants"]["cvr"].dropna()) <= set(t["companies"]["cvr"])


@pytest.mark.unit
def test_serials_continue_across_calls():
    """Two chunks of people born on the same days get different CPR numbers (pseudonyms)."""
    birth = np.array(["1980-05-02"] * 3 + ["1975-03-04"], dtype="datetime64[D]")
    female = np.array([True, True, False, True])
    taken = SerialsTaken()
    first = pseudonyms(birth, female, taken)
    second = pseudonyms(birth, female, taken)
    assert len(set(first) | set(second)) == 8
    assert list(first) == list(pseudonyms(birth, female))  # the first chunk as one run
