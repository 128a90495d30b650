"""The funnels counted in the store equal the ones pandas counts, cell for cell."""

from __future__ import annotations

import pandas as pd
import pytest

from research.config import load_programme_config
from research.metrics.funnels import activity4_funnel, company_funnel, unemployed_funnel
from research.metrics.funnels_store import (
    COMPANY_SQL,
    activity4_funnel_from_store,
    company_funnel_from_store,
    unemployed_funnel_from_store,
)
from research.simulate import simulate
from research.store import connect, read_tables
from tests.metrics.builders import enrol, person, table
from tests.metrics.test_funnels import tables as hand_made  # noqa: F401  (a fixture)
from tests.shared_stores import in_memory_store

DATES = ("2024-12-31", "2025-03-31", "2025-09-30", "2025-12-31", "2026-06-30")
ROUTES = ("job_centre", None, "other")


def _same_funnels(con, tables: dict[str, pd.DataFrame], as_of) -> None:
    for path in ("network", "visit"):
        pd.testing.assert_frame_equal(
            company_funnel_from_store(con, as_of, path),
            company_funnel(tables, as_of, path),
            check_exact=True,
        )
    for route in ROUTES:
        pd.testing.assert_frame_equal(
            unemployed_funnel_from_store(con, as_of, route),
            unemployed_funnel(tables, as_of, route),
            check_exact=True,
        )
    pd.testing.assert_frame_equal(
        activity4_funnel_from_store(con, as_of), activity4_funnel(tables, as_of), check_exact=True
    )


def _plan(plan_id: str, person_id: str, partner: str, start: str) -> dict:
    return {
        "plan_id": plan_id,
        "person_id": person_id,
        "partner_id": partner,
        "programme_kind": "euv",
        "education": "Tømrer",
        "start_on": start,
        "expected_end": "2027-06-15",
    }


def _with_edge_cases(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The hand-made programme plus the cases where a query could part from pandas."""
    t = dict(tables)
    people = [
        # two counted enrolments ending on the same day: the later enrolment id is the final exit
        person("U5", "unemployed", recruitment_route="job_centre"),
        # the final exit has no status on leaving, an earlier one had "employed"
        person("U6", "unemployed", recruitment_route="job_centre", cvr="99000023"),
        # no enrolment at all; only side effects; inactive at entry
        person("U7", "unemployed", recruitment_route="job_centre"),
        person("U8", "unemployed", recruitment_route="job_centre"),
        person("I1", "inactive", recruitment_route="job_centre"),
    ]
    t["participants"] = table(
        "participants", [*t["participants"].to_dict("records"), *people]
    ).sort_values("participant_id", ignore_index=True)
    six = {"status_6_months": "employed"}
    enrolments = [
        enrol("e6b", "U5", "skilled_lift", "2025-01-05", "2025-03-01", "completed")
        | {"status_on_leaving": "employed"}
        | six,
        enrol("e6a", "U5", "preparatory", "2025-01-05", "2025-03-01", "completed", "fvu")
        | {"status_on_leaving": "job_seeking", "status_6_months": "job_seeking"},
        enrol("e7a", "U6", "preparatory", "2025-01-05", "2025-02-01", "completed", "fvu")
        | {"status_on_leaving": "employed"}
        | six,
        enrol("e7b", "U6", "skilled_lift", "2025-02-05", "2025-05-01", "dropped_out"),
        enrol("e8", "U8", "side_effect", "2025-02-05", kind="amu"),
        enrol("e9", "I1", "academy_lift", "2025-01-10", "2025-04-01", "left_for_job", "au")
        | {"status_on_leaving": "employed"}
        | six,
    ]
    t["enrolments"] = table(
        "enrolments", [*t["enrolments"].to_dict("records"), *enrolments]
    ).sort_values("enrolment_id", ignore_index=True)
    # activity 4: a plan and an RKV for the same person on the same day (the RKV comes first),
    # two plans on one day (the lower plan id decides), a plan without a start form
    t["education_plans"] = table(
        "education_plans",
        [
            _plan("p1", "P1", "EUS2", "2025-06-01"),
            _plan("p2", "U5", "EUS3", "2025-01-01"),
            _plan("p3", "U5", "EUS2", "2025-01-01"),
            _plan("p4", "X9", "EUS4", "2025-02-01"),
        ],
    )
    return t


def test_the_store_has_the_sql_of_every_company_step():
    from research.metrics.funnels import COMPANY_PATHS

    assert {s.key for steps in COMPANY_PATHS.values() for s in steps} == set(COMPANY_SQL)


def test_the_hand_made_funnels_count_the_same_in_the_store(hand_made):  # noqa: F811
    _same_funnels(*in_memory_store(_with_edge_cases(hand_made)), "2025-12-31")


@pytest.mark.validation  # every date: before anything happened, in between, after
def test_the_hand_made_funnels_count_the_same_in_the_store_on_every_date(hand_made):  # noqa: F811
    con, tables = in_memory_store(_with_edge_cases(hand_made))
    for as_of in DATES:
        _same_funnels(con, tables, as_of)


def test_the_edge_cases_are_counted(hand_made):  # noqa: F811
    """The cases above change the counts (so the comparison would see a query that missed one)."""
    con, _ = in_memory_store(_with_edge_cases(hand_made))
    got = unemployed_funnel_from_store(con, "2025-12-31").set_index("key")["n"]
    # entered: U1-U3 of the fixture, U5, U6 (U7 has no enrolment, U8 only a side effect)
    assert got["entered"] == 5
    # left: U1, U2, U5, U6; employed on leaving: U1 and U5 (the final exit's status), not U6
    assert (got["left"], got["employed_on_leaving"]) == (4, 2)
    assert (got["due_6_months"], got["employed_6_months"]) == (2, 1)  # U5, U6: U5 employed
    a4 = activity4_funnel_from_store(con, "2025-12-31")
    groups = set(zip(a4["dimension"], a4["group"], strict=True))
    assert {("partner", "EUS3"), ("partner", "EUS4"), ("employment", "unknown")} <= groups
    assert ("partner", "EUS2") not in groups  # P1's RKV (EUS1) comes before its plan


@pytest.mark.validation  # simulates three small programmes
@pytest.mark.parametrize(
    ("seed", "scale", "until"),
    [(3, 0.2, "2025-06-30"), (7, 0.2, "2026-03-31"), (11, 1.0, "2026-09-30")],
)
def test_a_simulated_programme_counts_the_same_in_the_store(tmp_path, seed, scale, until):
    db = tmp_path / "sim.duckdb"
    simulate(db, load_programme_config(), seed=seed, scale=scale, until=until)
    with connect(db, read_only=True) as con:
        tables = read_tables(con)
        for as_of in ("2024-06-30", "2025-03-31", until):
            _same_funnels(con, tables, as_of)
