"""The coordination tables counted in the store equal the ones pandas counts, cell for cell."""

from __future__ import annotations

import pandas as pd
import pytest

from research.metrics.coordination import (
    contact_mix,
    external_overlap,
    fruitless_visits,
    institutions_per_company,
)
from research.metrics.coordination_store import (
    contact_mix_from_store,
    external_overlap_from_store,
    fruitless_visits_from_store,
    institutions_per_company_from_store,
)
from research.metrics.partner import filter_to_partner
from research.store import connect, write_tables
from tests.metrics.builders import empty_tables
from tests.metrics.test_coordination import (
    GREEN,
    HOUSE,
    JOBCENTRE,
    OTHER,
    A,
    B,
    C,
    D,
    E,
    contact,
    enrolment,
    member,
    own,
    person,
    plan,
    table,
)

PROJECTS = [
    {"project_id": "EXT2", "name": "Automatisering", "owner": None},
    {"project_id": "EXT1", "name": "Grøn", "owner": None},
]
CONSULTANTS = [
    {"consultant_id": c, "name": c, "partner_id": p, "role": "consultant"}
    | {"in_shared_concept": True, "joined_on": "2025-01-01"}
    for c, p in (("C1", "P1"), ("C2", "P2"))
]


def _programme() -> dict[str, pd.DataFrame]:
    """The worlds of test_coordination in one log, with a second partner (consultant C2,
    network N2) and the cases the SQL restates: repeat visits, several institutions a day,
    results on the visit day and on day 180, a company in both partners' logs."""
    contacts = [
        own("V1", "2026-01-10", A),  # A joins N1 on 2026-03-01
        own("V2", "2026-01-20", B),  # B's employee starts on day 180
        own("V3", "2026-02-01", C),  # C's plan on day 181
        own("V4", "2026-02-10", D),  # D joined before the visit
        own("V5", "2026-04-05", A),
        own("V6", "2026-04-06", C),
        own("V7", "2026-06-01", D),
        own("V8", "2026-03-01", A),  # a repeat visit on the day A joins: fruitful
        own("V9", "2025-11-03", E, who=HOUSE) | {"consultant_id": "C2"},
        own("V10", "2026-05-02", E) | {"consultant_id": "C2"},
        own("K3", "2026-03-01", A, kind="network_event", who=HOUSE),
        own("K4", "2026-04-01", C, kind="workshop"),
        contact("X1", "2026-01-15", E, JOBCENTRE),
        contact("X2", "2026-01-15", E, GREEN, project="EXT1"),
        contact("X3", "2026-01-15", A, OTHER),
        contact("X4", "2026-01-16", A, JOBCENTRE),
        contact("X5", "2026-03-01", A, GREEN, project="EXT1"),
        contact("X6", "2026-04-10", C, GREEN, project="EXT1"),
        contact("X7", "2026-07-02", D, GREEN, project="EXT1"),
        contact("X8", "2025-10-02", B, GREEN, project="EXT1"),
    ]
    return empty_tables() | {
        "company_contacts": table("company_contacts", contacts),
        "consultants": table("consultants", CONSULTANTS),
        "external_projects": table("external_projects", PROJECTS),
        "networks": table(
            "networks",
            [
                {"network_id": n, "name": n, "industry_group": 1, "theme": "x", "partner_id": p}
                | {"established_on": "2025-06-01"}
                for n, p in (("N1", "P1"), ("N2", "P2"))
            ],
        ),
        "participants": table(
            "participants", [person("P1", B), person("P2", None), person("P3", E)]
        ),
        "enrolments": table(
            "enrolments",
            [
                enrolment("E1", "P1", "2026-07-19"),
                enrolment("E2", "P2", "2026-02-01"),
                enrolment("E3", "P3", "2026-05-02") | {"partner_id": "P2"},  # on the visit day
            ],
        ),
        "competence_plans": table(
            "competence_plans", [plan(C, "2026-08-01"), plan(A, "2026-05-01")]
        ),
        "network_memberships": table(
            "network_memberships",
            [
                member("N1", A, "2026-03-01"),
                member("N1", D, "2025-12-01"),
                member("N2", E, "2026-09-01"),
            ],
        ),
    }


@pytest.fixture(scope="module")
def programme() -> dict[str, pd.DataFrame]:
    return _programme()


@pytest.fixture(scope="module")
def store(programme):
    con = connect(None)
    write_tables(con, programme)
    yield con
    con.close()


SCOPES = [(None, None), (None, "2026-03-31"), ("P1", None), ("P2", "2026-06-30"), ("P3", None)]


def _scoped(programme, partner, until):
    t = filter_to_partner(programme, partner) if partner else programme
    log = t["company_contacts"]
    if until is not None:
        log = log[log["contact_date"] <= pd.Timestamp(until)].reset_index(drop=True)
    return t, log


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


@pytest.mark.parametrize(("partner", "until"), SCOPES)
def test_institutions_per_company_counts_the_same(store, programme, partner, until):
    _, log = _scoped(programme, partner, until)
    for threshold in (1, 2, 3):
        _same(
            institutions_per_company_from_store(store, threshold, until=until, partner=partner),
            institutions_per_company(log, threshold),
        )


@pytest.mark.parametrize(("partner", "until"), SCOPES)
@pytest.mark.parametrize(
    ("as_of", "window"), [(None, 180), ("2026-10-31", 180), ("2026-10-31", 30)]
)
def test_fruitless_visits_count_the_same(store, programme, partner, until, as_of, window):
    t, log = _scoped(programme, partner, until)
    _same(
        fruitless_visits_from_store(store, window, as_of, until=until, partner=partner),
        fruitless_visits(
            log,
            t["enrolments"],
            t["participants"],
            t["competence_plans"],
            t["network_memberships"],
            window_days=window,
            as_of=as_of,
        ),
    )


@pytest.mark.parametrize(("partner", "until"), SCOPES)
def test_external_overlap_and_contact_mix_count_the_same(store, programme, partner, until):
    t, log = _scoped(programme, partner, until)
    _same(
        external_overlap_from_store(store, until=until, partner=partner),
        external_overlap(log, t["external_projects"]),
    )
    _same(contact_mix_from_store(store, until=until, partner=partner), contact_mix(log))


def test_an_empty_log_counts_the_same():
    con = connect(None)
    t = empty_tables()
    log = t["company_contacts"]
    _same(institutions_per_company_from_store(con), institutions_per_company(log))
    _same(
        fruitless_visits_from_store(con, as_of="2026-06-30"),
        fruitless_visits(
            log,
            t["enrolments"],
            t["participants"],
            t["competence_plans"],
            t["network_memberships"],
            as_of="2026-06-30",
        ),
    )
    _same(external_overlap_from_store(con), external_overlap(log, t["external_projects"]))
    _same(contact_mix_from_store(con), contact_mix(log))
