"""Cut a simulated programme at the data date: only what had happened by then is present.

Why: a database "as of" a date is what a real project would hold on that date: contacts,
workshops, answers and enrolments up to it; stop forms only for exits by then; the status six
months after leaving only when that date has passed; panel years only once they are complete.
Everything is generated for the whole horizon first, so a mid-project database is exactly the
end-of-project one as it looked earlier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from research.simulate.networks import Networks
from research.simulate.timeline import add_months, d64
from research.store.tables import TABLES

EXIT_FIELDS = ("exit_on", "exit_reason", "status_on_leaving", "status_6_months")


@dataclass(frozen=True)
class World:
    """The whole simulated programme over its full horizon (helper columns included)."""

    partners: pd.DataFrame
    external_projects: pd.DataFrame
    consultants: pd.DataFrame
    companies: pd.DataFrame
    networks: Networks
    contacts: pd.DataFrame
    competence_plans: pd.DataFrame
    participants: pd.DataFrame
    enrolments: pd.DataFrame
    rkv_results: pd.DataFrame
    education_plans: pd.DataFrame
    plan_made: np.ndarray
    cmo_observations: pd.DataFrame
    company_panel: pd.DataFrame
    comparison_individuals: pd.DataFrame


REVISE_AFTER_DAYS = 60  # well inside research check's 90-day grace for a missing stop form
REVISED_HORIZON_DAYS = 90


def _on_or_before(values: pd.Series | np.ndarray, until: np.datetime64) -> np.ndarray:
    days = pd.to_datetime(pd.Series(np.asarray(values))).to_numpy().astype("datetime64[D]")
    return ~np.isnat(days) & (days <= until)


def _columns(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[:, TABLES[table].columns].reset_index(drop=True)


def as_of(world: World, until: date) -> dict[str, pd.DataFrame]:
    """One frame per table, with exactly the table's columns, as the store would hold it."""
    people = people_as_of(world, until)
    out = org_as_of(world, until, people["participants"]["cvr"])
    order = [*TABLES_BEFORE_PEOPLE, *PEOPLE_TABLES, *TABLES_AFTER_PEOPLE]
    everything = out | people
    return {table: everything[table] for table in order}


PEOPLE_TABLES = ("participants", "enrolments", "rkv_results", "education_plans")
"""The tables that grow with the number of people (with ``comparison_individuals``): a
programme simulated in chunks (``simulate.chunks``) writes them chunk by chunk."""
TABLES_BEFORE_PEOPLE = (
    "partners",
    "external_projects",
    "consultants",
    "networks",
    "network_memberships",
    "company_contacts",
    "workshops",
    "workshop_attendance",
    "survey_statements",
    "survey_responses",
    "survey_answers",
    "ws2_decisions",
    "competence_plans",
)
TABLES_AFTER_PEOPLE = ("cmo_observations", "company_panel", "comparison_individuals", "companies")


def people_as_of(world: World, until: date) -> dict[str, pd.DataFrame]:
    """The people's tables (and the comparison individuals) as of ``until``; reads only
    ``participants``, ``enrolments``, ``rkv_results``, ``education_plans``, ``plan_made`` and
    ``comparison_individuals`` of ``world``."""
    u = d64(until)
    out: dict[str, pd.DataFrame] = {}
    out["participants"] = world.participants[_on_or_before(world.participants["first_entry_on"], u)]
    e = world.enrolments[_on_or_before(world.enrolments["started_on"], u)].copy()
    exited = _on_or_before(e["exit_on"], u)
    for column in EXIT_FIELDS:
        e[column] = e[column].where(exited, None)
    follow_up = add_months(e["exit_on"].to_numpy().astype("datetime64[D]"), 6)
    e["status_6_months"] = e["status_6_months"].where(exited & (follow_up <= u), None)
    # A learner still going long after the planned end has had the plan revised: the college
    # moves the expected end on rather than leave a stop form overdue.
    expected = e["expected_end"].to_numpy().astype("datetime64[D]")
    overdue = ~exited & (expected + np.timedelta64(REVISE_AFTER_DAYS, "D") < u)
    e.loc[overdue, "expected_end"] = u + np.timedelta64(REVISED_HORIZON_DAYS, "D")
    out["enrolments"] = e
    out["rkv_results"] = world.rkv_results[_on_or_before(world.rkv_results["ended_on"], u)]
    out["education_plans"] = world.education_plans[world.plan_made <= u]
    ci = world.comparison_individuals
    out["comparison_individuals"] = ci[_on_or_before(ci["observed_on"], u)]
    return {table: _columns(table, frame) for table, frame in out.items()}


def org_as_of(
    world: World, until: date, participant_cvrs: pd.Series | np.ndarray
) -> dict[str, pd.DataFrame]:
    """Every other table as of ``until``: the organisation, networks, contacts, plans, panel
    and the companies referred to by any of them or by ``participant_cvrs``."""
    u = d64(until)
    net = world.networks
    out: dict[str, pd.DataFrame] = {
        "partners": world.partners,
        "external_projects": world.external_projects,
    }
    c = world.consultants[_on_or_before(world.consultants["joined_on"], u)].copy()
    c["left_on"] = c["left_on"].where(_on_or_before(c["left_on"], u))
    out["consultants"] = c

    networks = net.networks[_on_or_before(net.networks["established_on"], u)]
    out["networks"] = networks
    m = net.memberships[_on_or_before(net.memberships["joined_on"], u)].copy()
    m["left_on"] = m["left_on"].where(_on_or_before(m["left_on"], u))
    out["network_memberships"] = m
    out["company_contacts"] = world.contacts[_on_or_before(world.contacts["contact_date"], u)]
    workshops = net.workshops[_on_or_before(net.workshops["held_on"], u)]
    out["workshops"] = workshops
    out["workshop_attendance"] = net.attendance[_on_or_before(net.attendance["held_on"], u)]
    ws1 = workshops.loc[workshops["kind"] == "WS1", "network_id"]
    out["survey_statements"] = net.statements[net.statements["network_id"].isin(ws1)]
    out["survey_responses"] = net.responses[_on_or_before(net.responses["answered_on"], u)]
    out["survey_answers"] = net.answers[_on_or_before(net.answers["answered_on"], u)]
    out["ws2_decisions"] = net.decisions[_on_or_before(net.decisions["held_on"], u)]
    out["competence_plans"] = world.competence_plans[
        _on_or_before(world.competence_plans["plan_date"], u)
    ]
    out["cmo_observations"] = world.cmo_observations[
        _on_or_before(world.cmo_observations["recorded_on"], u)
    ]
    panel = world.company_panel
    complete_year = until.year if (until.month, until.day) == (12, 31) else until.year - 1
    known = panel["first_date"].isna() | _on_or_before(panel["first_date"], u)
    out["company_panel"] = panel[known & (panel["year"] <= complete_year)]

    referenced = pd.concat(
        [
            out[t]["cvr"]
            for t in (
                "network_memberships",
                "company_contacts",
                "workshop_attendance",
                "survey_responses",
                "competence_plans",
            )
        ]
        + [pd.Series(np.asarray(participant_cvrs, dtype=object))]
    ).dropna()
    out["companies"] = world.companies[world.companies["cvr"].isin(set(referenced))]
    return {table: _columns(table, frame) for table, frame in out.items()}
