"""Funnels on a hand-made programme: nested steps and honest conversion rates."""

from __future__ import annotations

import pytest

from research.metrics.esf import esf_indicators
from research.metrics.funnels import activity4_funnel, company_funnel, unemployed_funnel
from tests.metrics.builders import empty_tables, enrol, person, table

CVR = {"A": "99000015", "B": "99000023", "C": "99000031", "D": "99000058"}


@pytest.fixture
def tables():
    t = empty_tables()
    t["company_contacts"] = table(
        "company_contacts",
        [
            # Own contacts with A, B, C; D is contacted only by another project.
            {
                "contact_id": f"c{i}",
                "contact_date": "2025-02-01",
                "cvr": CVR[x],
                "institution": "EUS1",
                "institution_type": "education",
                "kind": "one_to_one_visit",
                "own_project": ext is None,
                "external_project_id": ext,
            }
            for i, (x, ext) in enumerate([("A", None), ("B", None), ("C", None), ("D", "EXT")])
        ],
    )
    t["network_memberships"] = table(
        "network_memberships",
        [
            {"network_id": "N1", "cvr": CVR["A"], "joined_on": "2025-03-01"},
            {"network_id": "N1", "cvr": CVR["B"], "joined_on": "2025-03-01"},
            # D joined but was never contacted by the project: not in the nested funnel.
            {"network_id": "N1", "cvr": CVR["D"], "joined_on": "2025-03-01"},
            # C joins after the report date.
            {"network_id": "N1", "cvr": CVR["C"], "joined_on": "2026-01-10"},
        ],
    )
    t["workshops"] = table(
        "workshops",
        [{"workshop_id": "W1", "network_id": "N1", "kind": "WS1", "held_on": "2025-04-01"}],
    )
    t["workshop_attendance"] = table(
        "workshop_attendance",
        [{"workshop_id": "W1", "cvr": CVR[x], "attendees": 2} for x in ("A", "B", "D")],
    )
    t["survey_responses"] = table(
        "survey_responses",
        [{"response_id": "R1", "network_id": "N1", "cvr": CVR["A"], "answered_on": "2025-05-01"}],
    )
    t["competence_plans"] = table(
        "competence_plans",
        [
            {
                "cvr": CVR["A"],
                "subject_area": "Svejsning",
                "plan_date": "2025-06-01",
                "current_level": 2,
                "required_level": 4,
            }
        ],
    )
    t["participants"] = table(
        "participants",
        [
            person("P1", cvr=CVR["A"]),
            person("U1", "unemployed", recruitment_route="job_centre"),
            person("U2", "long_term_unemployed", recruitment_route="job_centre"),
            person("U3", "unemployed", recruitment_route="job_centre"),
            person("U4", "unemployed", recruitment_route="other"),
        ],
    )
    t["rkv_results"] = table(
        "rkv_results",
        [
            {
                "rkv_id": f"r{p}",
                "person_id": p,
                "birth_date": "1980-01-01",
                "gender": "female",
                "partner_id": "EUS1",
                "rkv_type": "euv",
                "started_on": "2025-06-01",
                "ended_on": "2025-06-02",
                "target_education": "Tømrer",
            }
            for p in ("P1", "U1", "U2")
        ],
    )
    t["enrolments"] = table(
        "enrolments",
        [
            enrol("e1", "P1", "skilled_lift", "2025-07-01"),
            enrol(
                "e2",
                "U1",
                "skilled_lift",
                "2025-07-01",
                "2025-10-15",
                "completed",
                status_on_leaving="employed",
            ),
            enrol(
                "e3",
                "U2",
                "skilled_lift",
                "2025-07-01",
                "2025-09-01",
                "dropped_out",
                status_on_leaving="job_seeking",
            ),
            enrol("e4", "U3", "preparatory", "2025-07-01", kind="fvu"),
            enrol("e5", "U4", "skilled_lift", "2025-07-01"),
        ],
    )
    return t


def test_company_funnel_is_nested(tables):
    f = company_funnel(tables, "2025-12-31").set_index("key")
    # contacted {A,B,C} → network {A,B} (C joins later, D not contacted) → WS1 {A,B} →
    # survey {A} → plan {A} → employee with RKV {A (P1)} → started {A} → completed {}.
    assert f["n"].tolist() == [3, 2, 2, 1, 1, 1, 1, 0]
    assert f.loc["in_network", "conversion"] == pytest.approx(2 / 3)
    assert f.loc["answered_survey", "conversion"] == pytest.approx(1 / 2)
    assert f.loc["employees_completed", "share_of_first"] == 0
    # Wilson 95 % interval for 2 of 3: (0.2077, 0.9385).
    assert f.loc["in_network", "conversion_low"] == pytest.approx(0.2077, abs=1e-4)
    assert f.loc["in_network", "conversion_high"] == pytest.approx(0.9385, abs=1e-4)


def test_unemployed_funnel_via_job_centres(tables):
    f = unemployed_funnel(tables, "2025-12-31").set_index("key")
    # Job-centre entrants: U1, U2 (long-term unemployed counts as unemployed), U3; not U4.
    # RKV: U1, U2. Started a lift: U1, U2 (U3 only preparatory). Completed: U1.
    # Left (of all entrants): U1, U2. Employed on leaving: U1. Six months after: not due yet
    # on 2025-12-31.
    assert f["n"].tolist() == [3, 2, 2, 1, 2, 1, 0, 0]
    assert f.loc["left", "of_step"] == 1 and f.loc["employed_on_leaving", "of_step"] == 5
    assert f.loc["rkv", "conversion"] == pytest.approx(2 / 3)
    any_route = unemployed_funnel(tables, "2025-12-31", route=None)
    assert any_route["n"].iloc[0] == 4


def test_six_month_step_is_cr06_for_the_same_people(tables):
    """The funnel's job steps are the ESF definitions, also for those who did not complete."""
    t = dict(tables)
    t["enrolments"] = table(
        "enrolments",
        [
            # U1 completes and has a job six months on; U2 leaves for a job without completing
            # and has a job six months on too: both count, as CR06 counts them.
            enrol(
                "e2",
                "U1",
                "skilled_lift",
                "2025-01-10",
                "2025-03-01",
                "completed",
                status_on_leaving="employed",
                status_6_months="employed",
            ),
            enrol(
                "e3",
                "U2",
                "skilled_lift",
                "2025-01-10",
                "2025-04-01",
                "left_for_job",
                status_on_leaving="employed",
                status_6_months="employed",
            ),
            enrol("e4", "U3", "preparatory", "2025-01-10", kind="fvu"),
        ],
    )
    f = unemployed_funnel(t, "2025-12-31", route=None).set_index("key")
    assert f.loc["completed", "n"] == 1  # U1 only: U2 left for a job before completing
    assert f.loc["left", "n"] == 2
    assert f.loc["employed_on_leaving", "n"] == 2
    assert f.loc["employed_6_months", "n"] == 2
    esf = esf_indicators(t["participants"], t["enrolments"], "esf2014", as_of="2025-12-31")
    cr06 = esf[(esf["code"] == "CR06") & (esf["gender"] == "total")].iloc[0]
    assert f.loc["employed_6_months", "n"] == cr06["value"] == 2
    assert f.loc["due_6_months", "n"] == cr06["n_reference"] == 2


def test_company_funnel_counts_companies_along_both_paths(tables):
    net = company_funnel(tables, "2025-12-31").set_index("key")
    assert net.loc["employees_started", "label_da"].startswith("Virksomheder med en medarbejder")
    # A visit path: B was visited but is in a network; C was visited and joined only in 2026,
    # so on 2025-12-31 C is on the visit path. Give C's employee an RKV and a started lift.
    t = dict(tables)
    t["participants"] = table(
        "participants",
        [person("P1", cvr=CVR["A"]), person("P2", cvr=CVR["C"])],
    )
    t["rkv_results"] = table(
        "rkv_results",
        [
            {
                "rkv_id": f"r{p}",
                "person_id": p,
                "birth_date": "1980-01-01",
                "gender": "female",
                "partner_id": "EUS1",
                "rkv_type": "euv",
                "started_on": "2025-06-01",
                "ended_on": "2025-06-02",
                "target_education": "Tømrer",
            }
            for p in ("P1", "P2")
        ],
    )
    t["competence_plans"] = table(
        "competence_plans",
        [
            {
                "cvr": CVR[x],
                "subject_area": "Svejsning",
                "plan_date": "2025-06-01",
                "current_level": 2,
                "required_level": 4,
            }
            for x in ("A", "C")
        ],
    )
    t["enrolments"] = table(
        "enrolments",
        [
            enrol("e1", "P1", "skilled_lift", "2025-07-01"),
            enrol("e2", "P2", "skilled_lift", "2025-07-01"),
        ],
    )
    visit = company_funnel(t, "2025-12-31", path="visit").set_index("key")
    # visited, not in a network: C → plan: C → employee RKV: C → started: C → completed: none
    assert visit["n"].tolist() == [1, 1, 1, 1, 0]
    net = company_funnel(t, "2025-12-31").set_index("key")
    assert net.loc["employees_started", "n"] == 1  # A only: C is not on the network path


def test_activity4_funnel_per_employment_group_and_partner(tables):
    t = dict(tables)
    t["education_plans"] = table(
        "education_plans",
        [
            {
                "plan_id": "p1",
                "person_id": "P1",
                "partner_id": "EUS1",
                "programme_kind": "euv",
                "education": "Tømrer",
                "start_on": "2025-06-15",
                "expected_end": "2027-06-15",
            },
            {
                "plan_id": "p2",
                "person_id": "U1",
                "partner_id": "EUS2",
                "programme_kind": "euv",
                "education": "Tømrer",
                "start_on": "2025-06-15",
                "expected_end": "2027-06-15",
            },
        ],
    )
    f = activity4_funnel(t, "2025-12-31")
    total = f[f["dimension"] == "total"].set_index("key")["n"]
    # recruited: P1, U1, U2, U3, U4 (start forms; all had an RKV or enrolment)
    # RKV: P1, U1, U2 → plan: P1, U1 → started: P1, U1 → completed: U1
    assert total.tolist() == [5, 3, 2, 2, 1]
    by = f.set_index(["dimension", "group", "key"])["n"]
    assert by["employment", "employed", "recruited"] == 1  # P1
    assert by["employment", "unemployed", "recruited"] == 4
    assert by["employment", "unemployed", "completed"] == 1  # U1
    # every partner's RKV was with EUS1 here, so they all belong to EUS1
    assert by["partner", "EUS1", "recruited"] == 5
    for dimension in ("employment", "partner"):
        parts = f[f["dimension"] == dimension].groupby("key", sort=False)["n"].sum()
        assert parts.reindex(total.index).tolist() == total.tolist()
