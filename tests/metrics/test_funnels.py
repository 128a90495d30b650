"""Funnels on a hand-made programme: nested steps and honest conversion rates."""

from __future__ import annotations

import pytest

from research.metrics.funnels import company_funnel, unemployed_funnel
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
    # Employed on leaving: U1. Six months after: not due yet on 2025-12-31.
    assert f["n"].tolist() == [3, 2, 2, 1, 1, 0]
    assert f.loc["rkv", "conversion"] == pytest.approx(2 / 3)
    any_route = unemployed_funnel(tables, "2025-12-31", route=None)
    assert any_route["n"].iloc[0] == 4
