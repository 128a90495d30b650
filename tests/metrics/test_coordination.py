"""Coordination metrics on hand-made contact logs whose numbers can be checked by eye."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.metrics.common import wilson_interval
from research.metrics.coordination import (
    contact_mix,
    external_overlap,
    fruitless_visits,
    institutions_per_company,
    own_contacts,
)
from research.store import TABLES

A, B, C, D, E = "10000001", "10000002", "10000003", "10000004", "10000005"
SCHOOL = ("Skole Nord", "education")
HOUSE = ("Væksthus", "business_promotion")
JOBCENTRE = ("Jobcenter København", "employment")
OTHER = ("Erhvervshus", "business_promotion")
GREEN = ("Grøn omstilling", "business_promotion")


def table(name: str, rows: list[dict]) -> pd.DataFrame:
    return TABLES[name].conform(pd.DataFrame(rows, columns=TABLES[name].columns))


def contact(
    cid: str,
    day: str,
    cvr: str,
    who: tuple[str, str],
    kind: str = "one_to_one_visit",
    consultant: str | None = None,
    project: str | None = None,
) -> dict:
    return {
        "contact_id": cid,
        "contact_date": day,
        "cvr": cvr,
        "institution": who[0],
        "institution_type": who[1],
        "kind": kind,
        "own_project": consultant is not None and project is None,
        "consultant_id": consultant,
        "external_project_id": project,
        "network_id": None,
    }


def own(cid: str, day: str, cvr: str, kind: str = "one_to_one_visit", who=SCHOOL) -> dict:
    return contact(cid, day, cvr, who, kind, consultant="C1")


def test_own_contacts_need_a_consultant_and_no_other_project():
    # the shared log: job centres carry no project id either, so a blank id is not enough
    log = table(
        "company_contacts",
        [
            own("K1", "2026-01-10", A),
            contact("K2", "2026-01-11", A, JOBCENTRE),  # no project, no consultant: not ours
            contact("K3", "2026-01-12", A, GREEN, project="EXT1"),  # another project
        ],
    )
    assert list(own_contacts(log)["contact_id"]) == ["K1"]


def test_institutions_per_company():
    log = table(
        "company_contacts",
        [
            # 2026Q1: A is reached by 3 institutions (Skole Nord twice), B by 1
            own("K1", "2026-01-10", A),
            contact("K2", "2026-02-01", A, JOBCENTRE),
            contact("K3", "2026-03-15", A, OTHER),
            own("K4", "2026-03-31", A),  # last day of Q1, same institution as K1
            contact("K5", "2026-01-05", B, JOBCENTRE),
            contact("K6", "2026-02-05", B, JOBCENTRE),
            # 2026Q2: A by 1, C by 2 (the school and another project), D by 1
            own("K7", "2026-04-01", A),
            own("K8", "2026-04-02", C),
            contact("K9", "2026-06-30", C, GREEN, project="EXT1"),
            contact("K10", "2026-05-05", D, JOBCENTRE),
        ],
    )
    out = institutions_per_company(log).set_index("quarter")
    assert list(out.index) == ["2026Q1", "2026Q2"]
    # Q1: companies A (3) and B (1): n = 2, mean = median = 2, A alone has >= 3 -> 1/2
    q1 = out.loc["2026Q1"]
    assert (q1["n"], q1["contacts"], q1["companies_at_threshold"]) == (2, 6, 1)
    assert q1["mean_institutions"] == 2.0 and q1["median_institutions"] == 2.0
    assert q1["share_at_threshold"] == 0.5
    low, high = wilson_interval(1, 2)
    assert q1["ci_low"] == pytest.approx(low) and q1["ci_high"] == pytest.approx(high)
    # Q2: A (1), C (2), D (1): n = 3, mean 4/3, median 1, nobody at 3 -> 0/3
    q2 = out.loc["2026Q2"]
    assert (q2["n"], q2["contacts"], q2["companies_at_threshold"]) == (3, 4, 0)
    assert q2["mean_institutions"] == pytest.approx(4 / 3)
    assert q2["median_institutions"] == 1.0
    assert q2["share_at_threshold"] == 0.0
    # with threshold 2: A in Q1 (1/2), C in Q2 (1/3)
    two = institutions_per_company(log, threshold=2).set_index("quarter")
    assert list(two["companies_at_threshold"]) == [1, 1]
    assert two["share_at_threshold"].tolist() == pytest.approx([1 / 2, 1 / 3])
    assert (two["threshold"] == 2).all()


def test_institutions_per_company_empty_log():
    out = institutions_per_company(table("company_contacts", []))
    assert out.empty and "share_at_threshold" in out.columns


def person(pid: str, cvr: str | None) -> dict:
    return {
        "participant_id": pid,
        "birth_date": "1980-01-01",
        "gender": "female",
        "employment_status": "employed" if cvr else "unemployed",
        "highest_education": "H10",
        "municipality_code": 101,
        "job_centre": "Jobcenter København",
        "cvr": cvr,
        "recruitment_route": "one_to_one_visit",
        "first_entry_on": "2026-01-01",
        "synthetic": True,
    }


def enrolment(eid: str, pid: str, start: str) -> dict:
    return {
        "enrolment_id": eid,
        "participant_id": pid,
        "partner_id": "P1",
        "programme_kind": "euv",
        "purpose": "skilled_lift",
        "education": "Lager",
        "started_on": start,
    }


def plan(cvr: str, day: str, area: str = "Dansk") -> dict:
    return {
        "cvr": cvr,
        "subject_area": area,
        "plan_date": day,
        "current_level": 2,
        "required_level": 4,
        "employees_concerned": 3,
    }


def member(network: str, cvr: str, joined: str, left: str | None = None) -> dict:
    return {"network_id": network, "cvr": cvr, "joined_on": joined, "left_on": left}


@pytest.fixture
def visit_world() -> dict[str, pd.DataFrame]:
    contacts = table(
        "company_contacts",
        [
            # 2026Q1: four own visits
            own("V1", "2026-01-10", A),  # A joins a network 2026-03-01: fruitful
            own("V2", "2026-01-20", B),  # B's employee starts on day 180 (2026-07-19): fruitful
            own("V3", "2026-02-01", C),  # C's plan on day 181 (2026-08-01): fruitless
            own("V4", "2026-02-10", D),  # D joined its network before the visit: fruitless
            # 2026Q2
            own("V5", "2026-04-05", A),  # A's plan 2026-05-01: fruitful
            own("V6", "2026-04-06", C),  # C's plan 2026-08-01 is within 180 days: fruitful
            own("V7", "2026-06-01", D),  # window closes 2026-11-28
            # not counted: a job centre visit, another project's visit, an own network event
            contact("X1", "2026-01-15", E, JOBCENTRE),
            contact("X2", "2026-01-15", E, GREEN, project="EXT1"),
            own("X3", "2026-01-12", E, kind="network_event"),
        ],
    )
    return {
        "contacts": contacts,
        "participants": table(
            "participants", [person("P1", B), person("P2", None), person("P3", E)]
        ),
        "enrolments": table(
            "enrolments",
            [
                enrolment("E1", "P1", "2026-07-19"),
                enrolment("E2", "P2", "2026-02-01"),  # unemployed: no company
            ],
        ),
        "competence_plans": table(
            "competence_plans", [plan(C, "2026-08-01"), plan(A, "2026-05-01")]
        ),
        "network_memberships": table(
            "network_memberships", [member("N1", A, "2026-03-01"), member("N1", D, "2025-12-01")]
        ),
    }


def run_fruitless(world: dict[str, pd.DataFrame], **kwargs) -> pd.DataFrame:
    out = fruitless_visits(
        world["contacts"],
        world["enrolments"],
        world["participants"],
        world["competence_plans"],
        world["network_memberships"],
        **kwargs,
    )
    return out.set_index("quarter")


def test_fruitless_visits_180_days(visit_world):
    out = run_fruitless(visit_world, as_of="2026-10-31")
    # Q1: V1 and V2 fruitful, V3 and V4 fruitless -> 2 of 4, four companies
    q1 = out.loc["2026Q1"]
    assert (q1["visits"], q1["fruitless_visits"], q1["n"], q1["visits_window_open"]) == (4, 2, 4, 0)
    assert q1["share_fruitless"] == 0.5
    low, high = wilson_interval(2, 4)
    assert q1["ci_low"] == pytest.approx(low) and q1["ci_high"] == pytest.approx(high)
    # Q2: V5 and V6 fruitful; V7's window (to 2026-11-28) is still open on 2026-10-31
    q2 = out.loc["2026Q2"]
    assert (q2["visits"], q2["fruitless_visits"], q2["n"], q2["visits_window_open"]) == (2, 0, 2, 1)
    assert q2["share_fruitless"] == 0.0
    assert (out["window_days"] == 180).all()


def test_fruitless_visits_short_window(visit_world):
    out = run_fruitless(visit_world, as_of="2026-10-31", window_days=30)
    # 30 days: nothing in Q1 happens in time (A joins after 50 days) -> 4 of 4
    assert (out.loc["2026Q1", "visits"], out.loc["2026Q1", "fruitless_visits"]) == (4, 4)
    # Q2: V5 fruitful (plan after 26 days), V6 and V7 fruitless; V7's window has closed now
    q2 = out.loc["2026Q2"]
    assert (q2["visits"], q2["fruitless_visits"], q2["n"], q2["visits_window_open"]) == (3, 2, 3, 0)


def test_fruitless_visits_default_as_of_is_latest_date(visit_world):
    # the latest date in the tables is C's plan, 2026-08-01: V3's window (to 2026-07-31) has
    # closed, V4's (to 2026-08-09) has not; V5, V6 and V7 are still open
    out = run_fruitless(visit_world)
    q1 = out.loc["2026Q1"]
    assert (q1["visits"], q1["fruitless_visits"], q1["visits_window_open"]) == (3, 1, 1)
    q2 = out.loc["2026Q2"]
    assert (q2["visits"], q2["visits_window_open"]) == (0, 3)
    assert np.isnan(q2["share_fruitless"]) and np.isnan(q2["ci_low"])


def test_external_overlap():
    log = table(
        "company_contacts",
        [
            own("K1", "2026-01-10", A),
            own("K2", "2026-02-01", B),
            own("K3", "2026-04-05", A),
            own("K4", "2026-05-01", C),
            contact("K5", "2026-03-01", A, GREEN, project="EXT1"),
            contact("K6", "2026-04-10", C, GREEN, project="EXT1"),
            contact("K7", "2026-05-01", D, GREEN, project="EXT1"),
            contact("K8", "2026-06-15", B, GREEN, project="EXT1"),
            contact("K9", "2026-07-02", D, GREEN, project="EXT1"),
            contact("K10", "2026-01-15", B, JOBCENTRE),  # no project, not ours
        ],
    )
    projects = pd.DataFrame(
        {"project_id": ["EXT2", "EXT1"], "name": ["Automatisering", "Grøn"], "owner": [None, None]}
    )
    out = external_overlap(log, TABLES["external_projects"].conform(projects))
    ext1 = out[out["project_id"] == "EXT1"].set_index(["scope", "quarter"])
    # per quarter. Q1: ours {A, B}, theirs {A} -> 1/2. Q2: ours {A, C}, theirs {C, D, B}: only
    # C in both (B was ours in Q1, not Q2) -> 1/2. Q3: ours {}, theirs {D} -> no share.
    assert ext1.loc[
        ("quarter", "2026Q1"), ["n", "external_companies", "companies_both"]
    ].tolist() == [2, 1, 1]
    assert ext1.loc[
        ("quarter", "2026Q2"), ["n", "external_companies", "companies_both"]
    ].tolist() == [2, 3, 1]
    assert ext1.loc[
        ("quarter", "2026Q3"), ["n", "external_companies", "companies_both"]
    ].tolist() == [0, 1, 0]
    assert np.isnan(ext1.loc[("quarter", "2026Q3"), "share_both"])
    # cumulative. Q1 as above. Q2: ours {A, B, C}, theirs {A, B, C, D} -> all 3 of ours.
    # Q3: nothing new on our side -> still 3/3.
    cum = ext1.loc["cumulative"]
    assert cum["n"].tolist() == [2, 3, 3]
    assert cum["external_companies"].tolist() == [1, 4, 4]
    assert cum["companies_both"].tolist() == [1, 3, 3]
    assert cum["share_both"].tolist() == pytest.approx([0.5, 1.0, 1.0])
    low, high = wilson_interval(3, 3)
    assert cum.loc["2026Q2", "ci_low"] == pytest.approx(low)
    assert cum.loc["2026Q2", "ci_high"] == pytest.approx(high)
    # a project that contacted nobody still has its rows, with zero overlap
    ext2 = out[out["project_id"] == "EXT2"]
    assert len(ext2) == 6 and (ext2["companies_both"] == 0).all()
    assert list(out["project_id"].unique()) == ["EXT1", "EXT2"]
    assert (ext2["project_name"] == "Automatisering").all()


def test_contact_mix():
    log = table(
        "company_contacts",
        [
            own("K1", "2026-01-10", A),
            own("K2", "2026-02-01", B),
            own("K3", "2026-03-01", A, kind="network_event", who=HOUSE),
            own("K4", "2026-04-01", C, kind="workshop"),
            own("K5", "2026-05-01", A, kind="network_event"),
            contact("K6", "2026-01-15", B, JOBCENTRE),  # not ours
        ],
    )
    out = contact_mix(log).set_index(["quarter", "dimension", "category"])
    # Q1: 3 own contacts: 2 visits (A, B), 1 network event; 2 by the school, 1 by Væksthus
    assert out.loc[("2026Q1", "kind", "one_to_one_visit"), ["contacts", "n"]].tolist() == [2, 2]
    assert out.loc[("2026Q1", "kind", "one_to_one_visit"), "share"] == pytest.approx(2 / 3)
    assert out.loc[("2026Q1", "kind", "network_event"), "share"] == pytest.approx(1 / 3)
    assert out.loc[("2026Q1", "kind", "workshop"), ["contacts", "n"]].tolist() == [0, 0]
    assert out.loc[("2026Q1", "institution_type", "education"), "contacts"] == 2
    assert out.loc[("2026Q1", "institution_type", "business_promotion"), "contacts"] == 1
    assert out.loc[("2026Q1", "institution_type", "employment"), "contacts"] == 0
    # Q2: a workshop and a network event, no visits: the move from visits to networks
    assert out.loc[("2026Q2", "kind", "one_to_one_visit"), "share"] == 0.0
    assert out.loc[("2026Q2", "kind", "network_event"), "share"] == 0.5
    assert out.loc[("2026Q2", "kind", "workshop"), "share"] == 0.5
    assert out.loc[("2026Q2", "institution_type", "education"), ["contacts", "n"]].tolist() == [
        2,
        2,
    ]
    # every quarter has every code of both dimensions: 2 quarters x (3 kinds + 3 types)
    assert len(out) == 12
    assert (out["quarter_contacts"] == [3] * 6 + [2] * 6).all()
