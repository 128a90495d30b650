"""Composition, job-centre recruitment and side effects on a hand-made programme."""

from __future__ import annotations

import pandas as pd
import pytest

from research.domain.geography import low_educated_pool_on
from research.metrics.composition import (
    DIMENSIONS,
    composition,
    recruitment_by_job_centre,
    side_effects,
)
from tests.metrics.builders import enrol, person, table

AS_OF = "2026-06-30"

# Who is who (ages at the FIRST counted start; as of 2026-06-30):
#   A  female employed at 11111111 (industry 3) H10  age 24 -> "<25"; route network.
#      First counted: a1 preparatory at EUS1 in NET1 (2025-02-01); then a2 at EAK, no network.
#      Also a side-effect course 2025-07-01 (counts as a side effect, changes nothing else).
#   B  male unemployed, Jobcenter Tårnby (lives in Dragør)  H29  exactly 25 -> "25-29".
#   C  female long-term unemployed, Jobcenter Ishøj          H15  age 59 -> "50-59"; at EAK.
#   D  male self-employed at 22222222 (industry 4)          H30  exactly 60 -> "60+";
#      at EAK in NET1.
#   E  female employed at 99999999 (not in companies)       H90  age 40 -> "40-49".
#   F  male unemployed, Jobcenter Bornholm (not in the layout) H10  exactly 30 -> "30-39".
#   S  male H10: only side-effect courses (2025-05-01)  -> side effect "unskilled".
#   T  male H30: only a side-effect course (2025-11-01) -> side effect "skilled".
#   L  female: starts after the as-of date.
PEOPLE = [
    person(
        "A",
        "employed",
        "H10",
        gender="female",
        birth_date="2000-03-01",
        cvr="11111111",
        recruitment_route="network",
    ),
    person(
        "B",
        "unemployed",
        "H29",
        gender="male",
        birth_date="2000-06-10",
        municipality_code=155,
        job_centre="Jobcenter Tårnby",
        recruitment_route="job_centre",
    ),
    person(
        "C",
        "long_term_unemployed",
        "H15",
        gender="female",
        birth_date="1966-01-01",
        municipality_code=183,
        job_centre="Jobcenter Ishøj",
        recruitment_route="job_centre",
    ),
    person(
        "D",
        "self_employed",
        "H30",
        gender="male",
        birth_date="1965-03-01",
        cvr="22222222",
        recruitment_route="one_to_one_visit",
    ),
    person(
        "E",
        "employed",
        "H90",
        gender="female",
        birth_date="1985-01-01",
        cvr="99999999",
        recruitment_route="other",
    ),
    person(
        "F",
        "unemployed",
        "H10",
        gender="male",
        birth_date="1995-08-01",
        municipality_code=400,
        job_centre="Jobcenter Bornholm",
        recruitment_route="job_centre",
    ),
    person("S", "employed", "H10", gender="male"),
    person("T", "employed", "H30", gender="male"),
    person("L", "employed", "H10", gender="female"),
]

ENROLMENTS = [
    enrol("a1", "A", "preparatory", "2025-02-01", "2025-04-30", "completed", "fvu")
    | {"network_id": "NET1"},
    enrol("a2", "A", "skilled_lift", "2025-05-01", partner_id="EAK"),
    enrol("a3", "A", "side_effect", "2025-07-01", kind="amu"),
    enrol("b1", "B", "skilled_lift", "2025-06-10"),
    enrol("c1", "C", "skilled_lift", "2025-06-15", partner_id="EAK"),
    enrol("d1", "D", "academy_lift", "2025-03-01", kind="au", partner_id="EAK")
    | {"network_id": "NET1"},
    enrol("e1", "E", "skilled_lift", "2025-04-01"),
    enrol("f1", "F", "skilled_lift", "2025-08-01"),
    enrol("s1", "S", "side_effect", "2025-05-01", kind="amu"),
    enrol("s2", "S", "side_effect", "2026-02-01", kind="amu"),
    enrol("t1", "T", "side_effect", "2025-11-01", kind="amu"),
    enrol("l1", "L", "skilled_lift", "2026-08-01"),
]


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {
        "participants": table("participants", PEOPLE),
        "enrolments": table("enrolments", ENROLMENTS),
        "partners": table(
            "partners",
            [
                {"partner_id": "EUS1", "name": "Erhvervsskole Nord", "kind": "vocational_college"},
                {"partner_id": "EAK", "name": "Erhvervsakademi", "kind": "academy"},
                {"partner_id": "VH", "name": "Væksthus", "kind": "business_promotion"},
            ],
        ),
        "networks": table(
            "networks",
            [
                {
                    "network_id": net,
                    "name": f"Netværk {net}",
                    "industry_group": 3,
                    "theme": "Byg",
                    "partner_id": "EUS1",
                    "established_on": established,
                }
                for net, established in (("NET1", "2025-01-01"), ("NET2", "2026-09-01"))
            ],
        ),
        "companies": table(
            "companies",
            [
                {
                    "cvr": cvr,
                    "name": cvr,
                    "db07": db07,
                    "industry_group": group,
                    "municipality_code": 101,
                    "synthetic": True,
                }
                for cvr, db07, group in (("11111111", "412000", 3), ("22222222", "471100", 4))
            ],
        ),
    }


@pytest.fixture(scope="module")
def counts(tables) -> dict[tuple[str, str], int]:
    frame = composition(**tables, as_of=AS_OF)
    return {(r.dimension, r.category): r.n for r in frame.itertuples()}


# (dimension, category, n) of 6 counted participants: A-F (not S, T: side effects; not L: later)
EXPECTED = [
    ("age_band", "<25", 1),  # A 24
    ("age_band", "25-29", 1),  # B exactly 25
    ("age_band", "30-39", 1),  # F exactly 30
    ("age_band", "40-49", 1),  # E 40
    ("age_band", "50-59", 1),  # C 59
    ("age_band", "60+", 1),  # D exactly 60
    ("gender", "female", 3),
    ("gender", "male", 3),
    ("education", "H10", 2),  # A, F
    ("education", "H90", 1),  # E
    ("education", "H80", 0),  # listed with zero
    ("education_band", "isced_1_2", 3),  # A, F, C
    ("education_band", "isced_3_4", 2),  # B (H29 is ISCED 3 by the mapping), D
    ("education_band", "isced_5_8", 0),
    ("education_band", "unknown", 1),  # E
    ("skill_level", "unskilled", 4),  # A, B, C, F
    ("skill_level", "skilled", 1),  # D
    ("skill_level", "unknown", 1),  # E
    ("employment_status", "employed", 2),  # A, E
    ("employment_status", "unemployed", 2),  # B, F
    ("employment_status", "long_term_unemployed", 1),  # C
    ("employment_status", "self_employed", 1),  # D
    ("employment_status", "inactive", 0),
    ("partner", "EUS1", 4),  # A (first enrolment a1), B, E, F
    ("partner", "EAK", 2),  # C, D
    ("partner", "VH", 0),
    ("network", "NET1", 2),  # A (first enrolment), D
    ("network", "none", 4),
    ("industry", "3", 1),  # A
    ("industry", "4", 1),  # D
    ("industry", "none", 3),  # B, C, F have no employer
    ("industry", "unknown", 1),  # E's employer is not in companies
    ("industry", "1", 0),
    ("recruitment_route", "job_centre", 3),
    ("recruitment_route", "network", 1),
    ("recruitment_route", "one_to_one_visit", 1),
    ("recruitment_route", "other", 1),
]


@pytest.mark.parametrize(("dimension", "category", "n"), EXPECTED)
def test_composition_counts(counts, dimension, category, n):
    assert counts[dimension, category] == n


def test_every_dimension_adds_up_to_the_participants(tables):
    frame = composition(**tables, as_of=AS_OF)
    assert frame["dimension"].drop_duplicates().tolist() == list(DIMENSIONS)
    assert (frame.groupby("dimension")["n"].sum() == 6).all()
    assert (frame["n_total"] == 6).all()
    assert frame.groupby("dimension")["share"].sum().round(12).eq(1).all()
    female = frame[(frame["dimension"] == "gender") & (frame["category"] == "female")]
    assert female["share"].iloc[0] == pytest.approx(0.5)
    assert female["label_da"].iloc[0] == "Kvinde"


def test_networks_not_yet_established_are_not_listed(tables):
    frame = composition(**tables, as_of=AS_OF)
    assert "NET2" not in set(frame["category"])
    later = composition(**tables, as_of="2026-12-31")  # L enters, NET2 now exists
    assert ("NET2", 0) in set(zip(later["category"], later["n"], strict=True))
    assert set(later["n_total"]) == {7}


def test_composition_of_nobody_has_no_shares(tables):
    frame = composition(**tables, as_of="2024-12-31")
    assert (frame["n"] == 0).all()
    assert frame["share"].isna().all()


# -- job centres -------------------------------------------------------------------------------


def test_recruitment_by_job_centre_lists_every_centre(tables):
    got = recruitment_by_job_centre(tables["participants"], tables["enrolments"], as_of=AS_OF)
    pool = low_educated_pool_on(pd.Timestamp(AS_OF).date())
    assert len(pool) == 27  # Ishøj has its own centre from 2022
    layout = got[got["in_layout"]]
    assert layout["job_centre"].tolist() == list(pool)
    # unemployed counted participants: B (Tårnby), C (Ishøj), F (Bornholm, outside the layout)
    n = dict(zip(got["job_centre"], got["n"], strict=True))
    assert (n["Jobcenter Tårnby"], n["Jobcenter Ishøj"], n["Jobcenter Bornholm"]) == (1, 1, 1)
    assert layout["n"].sum() == 2 and (got["n_total"] == 3).all()
    tarnby = got[got["job_centre"] == "Jobcenter Tårnby"].iloc[0]
    assert tarnby["per_1000"] == pytest.approx(1000 / pool["Jobcenter Tårnby"])
    assert tarnby["share"] == pytest.approx(1 / 3)
    assert tarnby["expected_share"] == pytest.approx(pool["Jobcenter Tårnby"] / sum(pool.values()))
    assert layout["expected_n"].sum() == pytest.approx(3)
    bornholm = got[got["job_centre"] == "Jobcenter Bornholm"].iloc[0]
    assert not bornholm["in_layout"] and pd.isna(bornholm["pool"])


def test_recruitment_uses_the_layout_of_the_date(tables):
    got = recruitment_by_job_centre(tables["participants"], tables["enrolments"], "2021-12-31")
    assert len(got) == 26  # nobody had entered; Ishøj still inside Vallensbæk
    assert (got["n"] == 0).all() and got["share"].isna().all()


# -- side effects ------------------------------------------------------------------------------


def test_side_effects_by_quarter(tables):
    got = side_effects(tables["participants"], tables["enrolments"], as_of=AS_OF)
    assert not got["counts_towards_targets"].any()
    assert got["label_en"].str.contains("not counted in targets").all()
    wide = got.pivot(index="quarter", columns="group", values="n")
    # first side-effect starts: S 2025-05-01 (unskilled), A 2025-07-01 (unskilled, but
    # already a counted participant, so never a side effect), T 2025-11-01 (skilled); S's
    # second course does not count again
    assert wide.index.tolist() == ["2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2"]
    assert wide["unskilled"].tolist() == [1, 1, 1, 1, 1]
    assert wide["skilled"].tolist() == [0, 0, 1, 1, 1]
    assert wide["other"].tolist() == [0, 0, 0, 0, 0]
    assert wide["total"].tolist() == [1, 1, 2, 2, 2]
    new = got.pivot(index="quarter", columns="group", values="new")
    assert new["total"].tolist() == [1, 0, 1, 0, 0]


def test_side_effects_without_as_of_end_at_the_last_first_start(tables):
    got = side_effects(tables["participants"], tables["enrolments"])
    assert got["quarter"].max() == "2025Q4"


def test_no_side_effects_gives_an_empty_table(tables):
    got = side_effects(tables["participants"], tables["enrolments"], as_of="2025-01-31")
    assert got.empty and "counts_towards_targets" in got.columns


def test_job_centres_count_the_recruitment_route_not_the_residence():
    """Issue 10 §2.10: an unemployed person recruited through a network is not the job
    centre's recruit, even though the start form names the job centre of residence."""
    participants = table(
        "participants",
        [
            person(
                "V", "unemployed", job_centre="Jobcenter Tårnby", recruitment_route="job_centre"
            ),
            person("N", "unemployed", job_centre="Jobcenter Tårnby", recruitment_route="network"),
            person(
                "M",
                "long_term_unemployed",
                job_centre="Jobcenter Ishøj",
                recruitment_route="job_centre",
            ),
        ],
    )
    enrolments = table(
        "enrolments",
        [enrol(f"e{x}", x, "skilled_lift", "2025-03-01") for x in ("V", "N", "M")],
    )
    got = recruitment_by_job_centre(participants, enrolments, as_of="2025-12-31")
    n = dict(zip(got["job_centre"], got["n"], strict=True))
    assert (n["Jobcenter Tårnby"], n["Jobcenter Ishøj"]) == (1, 1)
    assert (got["n_total"] == 2).all()
    assert (got["n_other_routes"] == 1).all()  # N: unemployed, recruited another way
