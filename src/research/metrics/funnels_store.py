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
    """Companies of the base step with an employee among ``people`` (``funnels._employers_of``)."""
    return f"""SELECT cvr AS u FROM participants
        WHERE cvr IN (SELECT u FROM $base) AND participant_id IN ({people})"""


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

_UNEMPLOYED_FACTS = f"""
    WITH own AS (
        SELECT participant_id, enrolment_id, purpose, exit_on, exit_reason, status_on_leaving,
               status_6_months,
               purpose IN {_in(COUNTED_PURPOSES)} AND started_on <= $day AS counted,
               exit_on IS NOT NULL AND exit_on <= $day AS ended,
               purpose IN {_in(LIFTS)} AND started_on <= $day AS lift_started,
               purpose IN {_in(LIFTS)} AND exit_reason = 'completed' AND exit_on <= $day
                   AS lift_completed
        FROM enrolments WHERE participant_id IN (SELECT participant_id FROM candidates)),
    per_person AS (
        SELECT participant_id, bool_or(counted) AS entered,
               bool_and(ended) FILTER (counted) AS has_left,
               max(exit_on) FILTER (counted AND ended) AS exit_on,
               arg_max_null(status_on_leaving, {{'on': exit_on, 'id': enrolment_id}})
                   FILTER (counted AND ended) AS leaving,
               arg_max_null(status_6_months, {{'on': exit_on, 'id': enrolment_id}})
                   FILTER (counted AND ended) AS six_months,
               bool_or(lift_started) AS lift_started, bool_or(lift_completed) AS lift_completed
        FROM own GROUP BY participant_id),
    assessed AS (
        SELECT person_id FROM rkv_results
        WHERE ended_on <= $day AND person_id IN (SELECT participant_id FROM candidates))
    SELECT c.participant_id, c.employment_status, f.entered, f.has_left, f.exit_on, f.leaving,
           f.six_months, f.lift_started, f.lift_completed,
           f.has_left AND f.exit_on + INTERVAL 6 MONTH <= $day AS due_6_months,
           c.participant_id IN (SELECT person_id FROM assessed) AS assessed
    FROM candidates c JOIN per_person f ON f.participant_id = c.participant_id"""
"""One row per candidate (an unemployed participant, of the route if one is asked for) with an
enrolment: whether they had entered by the day (a counted start) and what the funnel's later
steps read. Every step is nested in the first, so the later steps need only the candidates: the
tables are scanned once each and only the candidates are grouped. The final exit is the latest
exit, ties by the latest enrolment id (``population.participant_facts``); "due" is
``esf.indicator_facts``' six months after it."""


def _unemployed_sql(route: str | None) -> tuple[str, dict[str, str]]:
    """The candidates' SQL and each step's (``funnels.unemployed_steps``) over their facts."""
    via = "" if route is None else f" AND recruitment_route = {_text(route)}"
    candidates = f"""SELECT participant_id, employment_status FROM participants
        WHERE employment_status IN {_in(UNEMPLOYED)}{via}"""
    left = f"has_left AND employment_status IN {_in((*UNEMPLOYED, *INACTIVE))}"

    def among(condition: str) -> str:
        return f"SELECT participant_id AS u FROM facts WHERE {condition}"

    return candidates, {
        "entered": among("entered"),
        "rkv": among("assessed"),
        "started": among("lift_started"),
        "completed": among("lift_completed"),
        "left": among(left),
        "employed_on_leaving": among(f"{left} AND leaving = 'employed'"),
        "due_6_months": among("due_6_months"),
        "employed_6_months": among("due_6_months AND six_months = 'employed'"),
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
    prelude: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The units kept at each step, nested as ``funnels._walk`` nests them: one row (columns
    ``n1`` … ``nK``), or one per subgroup of every column in ``groups`` (the first step's SQL
    gives them) plus the total (its group columns missing); ``prelude``: named queries (``name
    AS (...)``) the steps' SQL reads.

    Each step keeps the units of its base step that its SQL reaches, so a step's SQL may read
    ``$base`` (the units kept at the base step) to look only at those: the employee steps of
    the company funnels look at the employees of a few thousand companies, not of all."""
    kept = [
        f"k1 AS MATERIALIZED (SELECT DISTINCT * FROM ({sql[steps[0].key]}) WHERE u IS NOT NULL)"
    ]
    for number, (step, of) in enumerate(zip(steps, base_steps(steps), strict=True), start=1):
        if of is not None:
            reached = sql[step.key].replace("$base", f"k{of}")
            kept.append(f"k{number} AS MATERIALIZED (SELECT * FROM k{of} WHERE u IN ({reached}))")
    columns = "".join(f", {g}" for g in groups)
    tagged = " UNION ALL ".join(
        f"SELECT {number} AS step{columns} FROM k{number}" for number in range(1, len(steps) + 1)
    )
    counts = ", ".join(
        f"count(*) FILTER (step = {number}) AS n{number}" for number in range(1, len(steps) + 1)
    )
    grouping = (
        f"GROUP BY GROUPING SETS ((), {', '.join(f'({g})' for g in groups)})" if groups else ""
    )
    text = f"""WITH {", ".join([*prelude, *kept])}
        SELECT {counts}{columns} FROM ({tagged}) {grouping}"""
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
    candidates, sql = _unemployed_sql(route)
    prelude = (f"candidates AS ({candidates})", f"facts AS MATERIALIZED ({_UNEMPLOYED_FACTS})")
    counts = _counted_steps(con, steps, sql, as_of, prelude=prelude)
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
