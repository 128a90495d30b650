"""The ESF indicators counted in the store equal the ones pandas counts, cell for cell."""

from __future__ import annotations

import pandas as pd
import pytest

from research.metrics.esf import INDICATOR_SETS, esf_by_quarter, esf_indicators
from research.metrics.esf_store import esf_by_quarter_from_store, esf_indicators_from_store
from research.metrics.partner import filter_to_partner
from research.store import connect, write_tables
from tests.metrics.builders import empty_tables, enrol, person, table
from tests.metrics.test_esf import AS_OF, ENROLMENTS, PEOPLE

# beside the nine of test_esf: the edges the SQL must state as pandas does
EDGES_PEOPLE = [
    # born on 29 February, first start on 28 February: not yet 25
    person("Y", "unemployed", "H35", gender="male", birth_date="2000-02-29", disability=False),
    # two enrolments ending on the same day: the final exit is the later enrolment id's
    person("T", "inactive", "H50", gender="female", birth_date="1966-05-01"),
    # left on 31 August: six months later is 28 February (the month's last day)
    person("M", "unemployed", "H10", gender="male", birth_date="1990-01-01"),
]
EDGES_ENROLMENTS = [
    enrol("y1", "Y", "academy_lift", "2025-02-28", kind="au", partner_id="EAK"),
    enrol("t1", "T", "preparatory", "2025-03-01", "2025-10-01", "other", kind="fvu")
    | {"status_on_leaving": "in_education", "status_6_months": "inactive"},
    enrol("t2", "T", "skilled_lift", "2025-04-01", "2025-10-01", "completed")
    | {"status_on_leaving": "employed", "status_6_months": "employed"},
    enrol("m1", "M", "skilled_lift", "2025-03-01", "2025-08-31", "dropped_out", partner_id="EAK")
    | {"status_on_leaving": "job_seeking", "status_6_months": "employed"},
]


@pytest.fixture(scope="module")
def programme() -> dict[str, pd.DataFrame]:
    participants = table(
        "participants",
        [
            person(pid, status, education, gender=gender, birth_date=born, **extra)
            for pid, gender, status, education, born, extra in PEOPLE
        ]
        + EDGES_PEOPLE,
    )
    return empty_tables() | {
        "participants": participants,
        "enrolments": table("enrolments", ENROLMENTS + EDGES_ENROLMENTS),
    }


@pytest.fixture(scope="module")
def store(programme):
    con = connect(None)
    write_tables(con, programme)
    yield con
    con.close()


AS_OFS = (AS_OF, None, "2026-02-28", "2025-06-30", "2024-06-30")


@pytest.mark.parametrize("indicator_set", INDICATOR_SETS)
@pytest.mark.parametrize("as_of", AS_OFS)
def test_the_indicators_count_the_same_in_the_store(store, programme, indicator_set, as_of):
    pd.testing.assert_frame_equal(
        esf_indicators_from_store(store, indicator_set, as_of),
        esf_indicators(programme["participants"], programme["enrolments"], indicator_set, as_of),
        check_exact=True,
    )


@pytest.mark.parametrize("start", (None, "2025Q3", "2027Q1"))
@pytest.mark.parametrize("as_of", (AS_OF, None, "2024-06-30"))
def test_the_quarterly_outputs_count_the_same_in_the_store(store, programme, as_of, start):
    t = programme
    pd.testing.assert_frame_equal(
        esf_by_quarter_from_store(store, "esfplus", as_of, start=start),
        esf_by_quarter(t["participants"], t["enrolments"], "esfplus", as_of, start=start),
        check_exact=True,
    )


@pytest.mark.parametrize("partner", ("EUS1", "EAK", "nobody's"))
def test_a_partners_share_counts_the_same_in_the_store(store, programme, partner):
    t = filter_to_partner(programme, partner)
    pd.testing.assert_frame_equal(
        esf_indicators_from_store(store, "esf2014", AS_OF, partner=partner),
        esf_indicators(t["participants"], t["enrolments"], "esf2014", AS_OF),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(
        esf_by_quarter_from_store(store, "esf2014", None, partner=partner),
        esf_by_quarter(t["participants"], t["enrolments"], "esf2014", None),
        check_exact=True,
    )


def test_the_grouped_persons_are_shared_only_by_the_same_date_and_partner(store, programme):
    made: dict = {}
    for partner in (None, "EAK"):
        t = filter_to_partner(programme, partner) if partner else programme
        for as_of in (AS_OF, "2025-06-30"):
            for indicator_set in INDICATOR_SETS:
                pd.testing.assert_frame_equal(
                    esf_indicators_from_store(store, indicator_set, as_of, partner, made),
                    esf_indicators(t["participants"], t["enrolments"], indicator_set, as_of),
                    check_exact=True,
                )
            pd.testing.assert_frame_equal(
                esf_by_quarter_from_store(store, "esf2014", as_of, partner=partner, made=made),
                esf_by_quarter(t["participants"], t["enrolments"], "esf2014", as_of),
                check_exact=True,
            )
    assert len(made) == 4


def test_an_empty_store_counts_the_same():
    con = connect(None)
    empty = empty_tables()
    people, enrolments = empty["participants"], empty["enrolments"]
    pd.testing.assert_frame_equal(
        esf_indicators_from_store(con, "esf2014"),
        esf_indicators(people, enrolments, "esf2014"),
        check_exact=True,
    )
    for start in (None, "2025Q1"):
        pd.testing.assert_frame_equal(
            esf_by_quarter_from_store(con, "esf2014", start=start),
            esf_by_quarter(people, enrolments, "esf2014", start=start),
            check_exact=True,
        )
