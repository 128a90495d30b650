"""The funnels counted where the data lie: DuckDB finds and nests the units, pandas gets counts.

Why: at scale 1,000 (2.7 million people, 14 million rows) reading the participants and
enrolments into pandas costs gigabytes and most of the family's time before a single set is
intersected. Here every step of a funnel is one SQL set of unit ids (companies' CVR numbers or
persons' ids), each step is nested in its base step inside the same query, and only the count
per step (per subgroup, for activity 4) comes back; ``funnels.funnel_frame`` makes the table, so
the labels, conversions and intervals are the pandas family's own. Each step's SQL states the
same definition as its ``reached`` function in ``metrics.funnels``; the tests compare the tables
cell for cell on hand-made and simulated programmes.
"""

from __future__ import annotations

import pandas as pd

from research.domain.rules import COUNTED_PURPOSES, EMPLOYED, INACTIVE, UNEMPLOYED
from research.metrics.funnels import (
    ACTIVITY4_STEPS,
    COMPANY_PATHS,
    LIFTS,
    VISIT,
    Step,
    base_steps,
    funnel_frame,
    unemployed_steps,
)
from research.store.connection import Connection
from research.store.read import query


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(_text(v) for v in values) + ")"


def _day(as_of) -> str:
    """The as-of date as a SQL date: stored dates are whole days, so ``date <= as_of`` is the
    same test whatever time of day ``as_of`` carries."""
    return f"DATE '{pd.Timestamp(as_of).date().isoformat()}'"


def _by(table: str, date_column: str, key: str, where: str = "true") -> str:
    """Units of ``table`` with ``date_column`` on or before the day (``funnels._by``)."""
    return f"""SELECT "{key}" AS u FROM "{table}"
        WHERE "{date_column}" <= $day AND "{key}" IS NOT NULL AND {where}"""


_OWN = "coalesce(own_project, false)"
_CONTACTED = _by("company_contacts", "contact_date", "cvr", _OWN)
_IN_NETWORK = _by("network_memberships", "joined_on", "cvr")
_PLANNED = _by("competence_plans", "plan_date", "cvr")
_ASSESSED = _by("rkv_results", "ended_on", "person_id")
_LIFT_STARTED = _by("enrolments", "started_on", "participant_id", f"purpose IN {_in(LIFTS)}")
_LIFT_COMPLETED = _by(
    "enrolments",
    "exit_on",
    "participant_id",
    f"purpose IN {_in(LIFTS)} AND exit_reason = 'completed'",
)


def _employers_of(people: str) -> str:
    return f"""SELECT cvr AS u FROM participants
        WHERE cvr IS NOT NULL AND participant_id IN ({people})"""


COMPANY_SQL: dict[str, str] = {
    "contacted": _CONTACTED,
    "in_network": _IN_NETWORK,
    "attended_ws1": """SELECT a.cvr AS u FROM workshop_attendance a
        JOIN workshops w ON w.workshop_id = a.workshop_id
        WHERE w.kind = 'WS1' AND w.held_on <= $day AND a.cvr IS NOT NULL""",
    "answered_survey": _by("survey_responses", "answered_on", "cvr"),
    "competence_plan": _PLANNED,
    "employees_rkv": _employers_of(_ASSESSED),
    "employees_started": _employers_of(_LIFT_STARTED),
    "employees_completed": _employers_of(_LIFT_COMPLETED),
    "visited": f"""{_by("company_contacts", "contact_date", "cvr", f"{_OWN} AND kind = '{VISIT}'")}
        EXCEPT {_IN_NETWORK}""",
}
"""The company steps of both paths, by key (``funnels.COMPANY_STEPS`` and ``VISIT_STEPS``)."""

_FACTS = f"""
    WITH counted AS (
        SELECT participant_id, enrolment_id, exit_on, status_on_leaving, status_6_months,
               exit_on IS NOT NULL AND exit_on <= $day AS ended
        FROM enrolments
        WHERE purpose IN {_in(COUNTED_PURPOSES)} AND started_on <= $day),
    per_person AS (
        SELECT participant_id, bool_and(ended) AS has_left, max(exit_on) FILTER (ended) AS exit_on,
               arg_max_null(status_on_leaving, {{'on': exit_on, 'id': enrolment_id}})
                   FILTER (ended) AS leaving,
               arg_max_null(status_6_months, {{'on': exit_on, 'id': enrolment_id}})
                   FILTER (ended) AS six_months
        FROM counted GROUP BY participant_id)
    SELECT p.participant_id, p.employment_status, p.recruitment_route, f.has_left, f.exit_on,
           f.leaving, f.six_months,
           f.has_left AND f.exit_on + INTERVAL 6 MONTH <= $day AS due_6_months
    FROM participants p JOIN per_person f ON f.participant_id = p.participant_id"""
"""One row per counted participant who had entered by the day: what the unemployed funnel's
ESF steps read (``population.participant_facts`` and ``esf.indicator_facts``; the final exit is
the latest exit, ties by the latest enrolment id)."""


def _unemployed_sql(route: str | None) -> dict[str, str]:
    via = "" if route is None else f" AND recruitment_route = {_text(route)}"
    left = f"has_left AND employment_status IN {_in((*UNEMPLOYED, *INACTIVE))}"
    return {
        "entered": f"SELECT participant_id AS u FROM facts "
        f"WHERE employment_status IN {_in(UNEMPLOYED)}{via}",
        "rkv": _ASSESSED,
        "started": _LIFT_STARTED,
        "completed": _LIFT_COMPLETED,
        "left": f"SELECT participant_id AS u FROM facts WHERE {left}",
        "employed_on_leaving": f"SELECT participant_id AS u FROM facts "
        f"WHERE {left} AND leaving = 'employed'",
        "due_6_months": "SELECT participant_id AS u FROM facts WHERE due_6_months",
        "employed_6_months": "SELECT participant_id AS u FROM facts "
        "WHERE due_6_months AND six_months = 'employed'",
    }


_GROUP_OF_STATUS = " ".join(
    f"WHEN f.employment_status IN {_in(statuses)} THEN '{group}'"
    for group, statuses in (
        ("employed", EMPLOYED),
        ("unemployed", UNEMPLOYED),
        ("inactive", INACTIVE),
    )
)
_RECRUITED = f"""
    WITH started AS (
        SELECT participant_id AS person_id, partner_id, started_on AS on_, 2 AS rank_,
               enrolment_id AS id_, purpose IN {_in(COUNTED_PURPOSES)} AS counted
        FROM enrolments
        WHERE started_on <= $day AND purpose IS DISTINCT FROM 'side_effect'),
    firsts AS (
        SELECT person_id, partner_id, started_on AS on_, 0 AS rank_, rkv_id AS id_
        FROM rkv_results WHERE ended_on <= $day
        UNION ALL
        SELECT person_id, partner_id, start_on, 1, plan_id FROM education_plans
        WHERE start_on <= $day
        UNION ALL
        SELECT person_id, partner_id, on_, rank_, id_ FROM started),
    first_partner AS (
        SELECT person_id, arg_min_null(partner_id, {{'rank': rank_, 'on': on_, 'id': id_}})
            AS partner
        FROM firsts WHERE person_id IS NOT NULL GROUP BY person_id),
    facts AS (
        SELECT p.participant_id, p.employment_status FROM participants p
        WHERE p.participant_id IN (SELECT person_id FROM started WHERE counted))
    SELECT r.person_id AS u, coalesce(CASE {_GROUP_OF_STATUS} END, 'unknown') AS employment,
           coalesce(r.partner, '<NA>') AS partner
    FROM first_partner r LEFT JOIN facts f ON f.participant_id = r.person_id"""
"""Activity 4's recruited persons with their subgroups (``funnels._activity4_people``): the
employment group of the start form (``unknown`` without a counted start by the day) and the
partner of the first RKV, else education plan, else enrolment (earliest start; a tie goes to the
lowest id, the order the store reads the rows in)."""

ACTIVITY4_SQL: dict[str, str] = {
    "recruited": _RECRUITED,
    "rkv": _ASSESSED,
    "education_plan": _by("education_plans", "start_on", "person_id"),
    "started": _LIFT_STARTED,
    "completed": _LIFT_COMPLETED,
}


def _counted_steps(
    con: Connection,
    steps: tuple[Step, ...],
    sql: dict[str, str],
    as_of,
    *,
    facts: bool = False,
    groups: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The units kept at each step, nested as ``funnels._walk`` nests them: one row (columns
    ``n1`` … ``nK``), or one per subgroup of every column in ``groups`` (the first step's SQL
    gives them) plus the total (its group columns missing)."""
    bases = base_steps(steps)
    chains: list[list[int]] = []
    for of in bases:
        chains.append([*(chains[of - 1] if of else []), len(chains) + 1])
    ctes = [f"facts AS ({_FACTS})"] if facts else []
    ctes += [f"s{i} AS ({sql[step.key]})" for i, step in enumerate(steps, start=1)]
    reached = ", ".join(f"u IN (SELECT u FROM s{i}) AS r{i}" for i in range(2, len(steps) + 1))
    counts = ", ".join(
        f"count(*) FILTER ({' AND '.join(f'r{i}' for i in chain[1:]) or 'true'}) AS n{number}"
        for number, chain in enumerate(chains, start=1)
    )
    columns = "".join(f", {g}" for g in groups)
    grouping = (
        f"GROUP BY GROUPING SETS ((), {', '.join(f'({g})' for g in groups)})" if groups else ""
    )
    text = f"""WITH {", ".join(ctes)},
        units AS (SELECT DISTINCT u{columns} FROM s1 WHERE u IS NOT NULL)
        SELECT {counts}{columns} FROM (SELECT *{", " if reached else ""}{reached} FROM units)
        {grouping}"""
    return query(con, text.replace("$day", _day(as_of)))


def _frame(name: str, steps: tuple[Step, ...], row: pd.Series) -> pd.DataFrame:
    return funnel_frame(name, steps, [int(row[f"n{i}"]) for i in range(1, len(steps) + 1)])


def company_funnel_from_store(con: Connection, as_of, path: str = "network") -> pd.DataFrame:
    """``funnels.company_funnel`` counted in the store: the same frame, cell for cell."""
    steps = COMPANY_PATHS[path]
    name = "companies" if path == "network" else f"companies_{path}"
    return _frame(name, steps, _counted_steps(con, steps, COMPANY_SQL, as_of).iloc[0])


def unemployed_funnel_from_store(
    con: Connection, as_of, route: str | None = "job_centre"
) -> pd.DataFrame:
    """``funnels.unemployed_funnel`` counted in the store: the same frame, cell for cell."""
    steps = unemployed_steps(route)
    counts = _counted_steps(con, steps, _unemployed_sql(route), as_of, facts=True)
    return _frame("unemployed", steps, counts.iloc[0])


def activity4_funnel_from_store(con: Connection, as_of) -> pd.DataFrame:
    """``funnels.activity4_funnel`` counted in the store: the same frame, cell for cell."""
    groups = ("employment", "partner")
    counts = _counted_steps(con, ACTIVITY4_STEPS, ACTIVITY4_SQL, as_of, groups=groups)
    total = counts[counts[list(groups)].isna().all(axis=1)]
    frames = [_frame("activity4", ACTIVITY4_STEPS, total.iloc[0]).assign(dimension="total")]
    frames[0]["group"] = "total"
    for dimension in groups:
        rows = counts[counts[dimension].notna()].sort_values(dimension)
        for _, row in rows.iterrows():
            frame = _frame("activity4", ACTIVITY4_STEPS, row)
            frames.append(frame.assign(dimension=dimension, group=str(row[dimension])))
    out = pd.concat(frames, ignore_index=True)
    first = ["dimension", "group"]
    return out[first + [c for c in out.columns if c not in first]]


__all__ = [
    "activity4_funnel_from_store",
    "company_funnel_from_store",
    "unemployed_funnel_from_store",
]
