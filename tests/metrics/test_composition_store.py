"""Composition, job-centre recruitment and side effects counted in the store equal the ones
pandas counts, cell for cell."""

from __future__ import annotations

import pandas as pd
import pytest

from research.config import load_programme_config
from research.metrics.composition import composition, recruitment_by_job_centre, side_effects
from research.metrics.composition_store import (
    DIMENSION_SQL,
    composition_from_store,
    recruitment_by_job_centre_from_store,
    side_effects_from_store,
)
from research.simulate import simulate
from research.store import connect, read_tables
from tests.metrics.builders import enrol, person, table
from tests.metrics.test_composition import tables as hand_made  # noqa: F401  (a fixture)
from tests.shared_stores import in_memory_store

DATES = ("2024-12-31", "2025-06-30", "2025-11-01", "2026-06-30", "2026-12-31", None)
NAMES = ("participants", "enrolments", "partners", "networks", "companies")


def _same(con, tables: dict[str, pd.DataFrame], as_of) -> None:
    pd.testing.assert_frame_equal(
        composition_from_store(con, as_of),
        composition(*(tables[n] for n in NAMES), as_of),
        check_exact=True,
    )
    people, enrolments = tables["participants"], tables["enrolments"]
    pd.testing.assert_frame_equal(
        side_effects_from_store(con, as_of), side_effects(people, enrolments, as_of)
    )
    pd.testing.assert_frame_equal(
        recruitment_by_job_centre_from_store(con, as_of),
        recruitment_by_job_centre(people, enrolments, as_of),
        check_exact=True,
    )


def _with_edge_cases(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The hand-made programme plus the cases where a query could part from pandas."""
    t = {n: tables[n] for n in NAMES}
    people = [
        # born after the first start (a typing error): no age band, counted as "unknown"
        person("G", "employed", "H35", birth_date="2026-01-01", recruitment_route="network"),
        # two first starts on one day at two partners, one not among the partners, no network:
        # the lower enrolment id decides
        person("H", "inactive", "H40", gender="male", recruitment_route="other"),
        # no enrolment at all
        person("N", "unemployed", "H10", recruitment_route="job_centre"),
        # a side-effect course and a lift started the same day: never a side effect
        person("Q", "employed", "H10"),
        # a side effect, then a lift: a side effect until the lift's start
        person("R", "employed", "H35"),
    ]
    t["participants"] = table(
        "participants", [*t["participants"].to_dict("records"), *people]
    ).sort_values("participant_id", ignore_index=True)
    enrolments = [
        enrol("g1", "G", "skilled_lift", "2025-03-01"),
        enrol("h2", "H", "academy_lift", "2025-04-01", kind="au", partner_id="EUS1")
        | {"network_id": "NET1"},
        enrol("h1", "H", "academy_lift", "2025-04-01", kind="au", partner_id="XX9")
        | {"network_id": "NET9"},
        enrol("q1", "Q", "side_effect", "2025-05-01", kind="amu"),
        enrol("q2", "Q", "skilled_lift", "2025-05-01"),
        enrol("r1", "R", "side_effect", "2025-02-01", kind="amu"),
        enrol("r2", "R", "skilled_lift", "2025-10-15"),
    ]
    t["enrolments"] = table(
        "enrolments", [*t["enrolments"].to_dict("records"), *enrolments]
    ).sort_values("enrolment_id", ignore_index=True)
    return t


def test_every_dimension_but_the_education_bands_has_its_sql():
    from research.metrics.composition import DIMENSIONS

    assert set(DIMENSIONS) - set(DIMENSION_SQL) == {"education_band", "skill_level"}


def test_the_hand_made_programme_counts_the_same_in_the_store(hand_made):  # noqa: F811
    _same(*in_memory_store(_with_edge_cases(hand_made)), "2026-06-30")


def test_the_edge_cases_are_counted(hand_made):  # noqa: F811
    """The cases above change the counts (so the comparison would see a query that missed one)."""
    con, _ = in_memory_store(_with_edge_cases(hand_made))
    frame = composition_from_store(con, "2026-06-30")
    n = {(r.dimension, r.category): r.n for r in frame.itertuples()}
    assert n["age_band", "unknown"] == 1  # G
    assert (n["partner", "XX9"], n["network", "NET9"]) == (1, 1)  # H's first enrolment is h1
    side = side_effects_from_store(con, "2026-06-30").pivot(
        index="quarter", columns="group", values="n"
    )
    # S (2025Q2 on), R (skilled, 2025Q1 until its lift in 2025Q4), T (2025Q4 on); never Q
    assert side["total"].tolist() == [1, 2, 2, 2, 2, 2]
    assert side["skilled"].tolist() == [1, 1, 1, 1, 1, 1]


@pytest.mark.validation  # every date: before anything happened, in between, after, and none
def test_the_hand_made_programme_counts_the_same_on_every_date(hand_made):  # noqa: F811
    con, tables = in_memory_store(_with_edge_cases(hand_made))
    for as_of in DATES:
        _same(con, tables, as_of)


@pytest.mark.validation  # simulates three small programmes
@pytest.mark.parametrize(
    ("seed", "scale", "until"),
    [(3, 0.2, "2025-06-30"), (7, 0.2, "2026-03-31"), (11, 1.0, "2026-09-30")],
)
def test_a_simulated_programme_counts_the_same_in_the_store(tmp_path, seed, scale, until):
    db = tmp_path / "sim.duckdb"
    simulate(db, load_programme_config(), seed=seed, scale=scale, until=until)
    with connect(db, read_only=True) as con:
        tables = read_tables(con, list(NAMES))
        for as_of in ("2024-06-30", "2025-03-31", until, None):
            _same(con, tables, as_of)
