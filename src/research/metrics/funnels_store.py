"""The funnels counted where the data lie: DuckDB finds and nests the units, pandas gets counts.

Why: at scale 1,000 (2.7 million people, 14 million rows) reading the participants and
enrolments into pandas costs gigabytes and most of the family's time before a single set is
intersected. Here each company step is one SQL set of CVR numbers, kept within the companies of
its base step in turn; a person funnel (unemployed, activity 4) is one row per person with a
condition per step, from one grouped scan of each table. Only the count per step (per subgroup,
for activity 4) comes back; ``funnels.funnel_frame`` makes the table, so the labels, conversions
and intervals are the pandas family's own. Each step's SQL states the same definition as its
``reached`` function in ``metrics.funnels``; the tests compare the tables cell for cell on
hand-made and simulated programmes.
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
from research.metrics.store_sql import in_list as _in
from research.metrics.store_sql import on_day
from research.metrics.store_sql import text as _text
from research.store.connection import Connection
from research.store.read import query


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


def _unemployed_facts(route: str | None) -> str:
    """One row per candidate (an unemployed participant, of ``route`` unless None) with an
    enrolment, with what each funnel step reads.

    Every step is nested in the first, so the later steps need only the candidates: each table
    is scanned once and only the candidates' enrolments are grouped. The final exit is the
    latest exit, ties by the latest enrolment id (``population.participant_facts``); "due" is
    ``esf.indicator_facts``' six months after it."""
    via = "" if route is None else f" AND recruitment_route = {_text(route)}"
    return f"""
    WITH candidates AS (
        SELECT participant_id, employment_status FROM participants
        WHERE employment_status IN {_in(UNEMPLOYED)}{via}),
    own AS (
        SELECT participant_id, enrolment_id, exit_on, status_on_leaving, status_6_months,
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
    SELECT c.employment_status, f.*,
           f.has_left AND f.exit_on + INTERVAL 6 MONTH <= $day AS due_6_months,
           c.participant_id IN (SELECT person_id FROM assessed) AS assessed
    FROM candidates c JOIN per_person f ON f.participant_id = c.participant_id"""


_LEFT = f"has_left AND employment_status IN {_in((*UNEMPLOYED, *INACTIVE))}"
UNEMPLOYED_FLAGS: dict[str, str] = {
    "entered": "entered",
    "rkv": "assessed",
    "started": "lift_started",
    "completed": "lift_completed",
    "left": _LEFT,
    "employed_on_leaving": f"{_LEFT} AND leaving = 'employed'",
    "due_6_months": "due_6_months",
    "employed_6_months": "due_6_months AND six_months = 'employed'",
}
"""Each step of ``funnels.unemployed_steps`` as a condition on its candidate's facts."""

_GROUP_OF_STATUS = " ".join(
    f"WHEN f.employment_status IN {_in(statuses)} THEN '{group}'"
    for group, statuses in (
        ("employed", EMPLOYED),
        ("unemployed", UNEMPLOYED),
        ("inactive", INACTIVE),
    )
)
_ACTIVITY4_PEOPLE = f"""
    WITH events AS (
        SELECT person_id, partner_id, started_on AS on_, 0 AS rank_, rkv_id AS id_,
               false AS counted, false AS lift_started, false AS lift_completed
        FROM rkv_results WHERE ended_on <= $day
        UNION ALL
        SELECT person_id, partner_id, start_on, 1, plan_id, false, false, false
        FROM education_plans WHERE start_on <= $day
        UNION ALL
        SELECT participant_id, partner_id, started_on, 2, enrolment_id,
               purpose IN {_in(COUNTED_PURPOSES)}, purpose IN {_in(LIFTS)},
               purpose IN {_in(LIFTS)} AND exit_reason = 'completed' AND exit_on <= $day
        FROM enrolments
        WHERE started_on <= $day AND purpose IS DISTINCT FROM 'side_effect'),
    people AS (
        SELECT person_id, arg_min_null(partner_id, {{'rank': rank_, 'on': on_, 'id': id_}})
                   AS partner,
               bool_or(rank_ = 0) AS assessed, bool_or(rank_ = 1) AS planned,
               bool_or(counted) AS counted, bool_or(lift_started) AS lift_started,
               bool_or(lift_completed) AS lift_completed
        FROM events WHERE person_id IS NOT NULL GROUP BY person_id)
    SELECT r.*, coalesce(r.partner, '<NA>') AS partner_group,
           coalesce(CASE {_GROUP_OF_STATUS} END, 'unknown') AS employment
    FROM people r LEFT JOIN participants f ON f.participant_id = r.person_id AND r.counted"""
"""Activity 4's recruited persons (``funnels._activity4_people``), one row each: an RKV ended,
an education plan started, or an enrolment other than a side effect started by the day, with
what each funnel step reads and the two subgroups: the employment group of the start form
(``unknown`` without a counted start by the day) and the partner of the first RKV, else
education plan, else enrolment (earliest start; a tie goes to the lowest id, the order the store
reads the rows in). A lift completed by the day was started by then (the store refuses an exit
before the start), so the enrolments started by the day hold every completion."""

ACTIVITY4_FLAGS: dict[str, str] = {
    "recruited": "true",
    "rkv": "assessed",
    "education_plan": "planned",
    "started": "lift_started",
    "completed": "lift_completed",
}
"""Each step of ``funnels.ACTIVITY4_STEPS`` as a condition on its person's row."""


def _counted_flags(
    con: Connection,
    steps: tuple[Step, ...],
    units: str,
    flags: dict[str, str],
    as_of,
    groups: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The units kept at each step, nested as ``funnels._walk`` nests them, when ``units``
    gives one row per unit and ``flags`` a condition on it per step key: one row (columns
    ``n1`` … ``nK``), or one per combination of the ``groups`` columns met (counts add up, so
    a caller sums them to any coarser grouping)."""
    chains: list[list[str]] = []
    for step, of in zip(steps, base_steps(steps), strict=True):
        chains.append([*(chains[of - 1] if of else []), f"({flags[step.key]})"])
    counts = ", ".join(
        f"count(*) FILTER ({' AND '.join(chain)}) AS n{number}"
        for number, chain in enumerate(chains, start=1)
    )
    columns = "".join(f", {g}" for g in groups)
    text = f"SELECT {counts}{columns} FROM ({units}) {'GROUP BY ALL' if groups else ''}"
    return query(con, on_day(text, as_of))


def _counted_steps(
    con: Connection, steps: tuple[Step, ...], sql: dict[str, str], as_of
) -> pd.DataFrame:
    """The units kept at each step, nested as ``funnels._walk`` nests them, when each step is
    a set of units (``sql``: a query per step key giving column ``u``): one row, ``n1`` …
    ``nK``.

    Each step keeps the units of its base step that its SQL reaches, so a step's SQL may read
    ``$base`` (the units kept at the base step) to look only at those: the employee steps of
    the company funnels look at the employees of a few thousand companies, not of all."""
    kept = [
        f"k1 AS MATERIALIZED (SELECT DISTINCT u FROM ({sql[steps[0].key]}) WHERE u IS NOT NULL)"
    ]
    for number, (step, of) in enumerate(zip(steps, base_steps(steps), strict=True), start=1):
        if of is not None:
            reached = sql[step.key].replace("$base", f"k{of}")
            kept.append(f"k{number} AS MATERIALIZED (SELECT u FROM k{of} WHERE u IN ({reached}))")
    counts = ", ".join(
        f"(SELECT count(*) FROM k{number}) AS n{number}" for number in range(1, len(steps) + 1)
    )
    text = f"WITH {', '.join(kept)} SELECT {counts}"
    return query(con, on_day(text, as_of))


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
    counts = _counted_flags(con, steps, _unemployed_facts(route), UNEMPLOYED_FLAGS, as_of)
    return _frame("unemployed", steps, counts.iloc[0])


def activity4_funnel_from_store(con: Connection, as_of) -> pd.DataFrame:
    """``funnels.activity4_funnel`` counted in the store: the same frame, cell for cell."""
    groups = {"employment": "employment", "partner": "partner_group"}
    counts = _counted_flags(
        con, ACTIVITY4_STEPS, _ACTIVITY4_PEOPLE, ACTIVITY4_FLAGS, as_of, tuple(groups.values())
    )
    steps = [f"n{i}" for i in range(1, len(ACTIVITY4_STEPS) + 1)]
    total = counts[steps].sum()
    frames = [_frame("activity4", ACTIVITY4_STEPS, total).assign(dimension="total")]
    frames[0]["group"] = "total"
    for dimension, column in groups.items():
        for group, row in counts.groupby(column, sort=True)[steps].sum().iterrows():
            frame = _frame("activity4", ACTIVITY4_STEPS, row)
            frames.append(frame.assign(dimension=dimension, group=str(group)))
    out = pd.concat(frames, ignore_index=True)
    first = ["dimension", "group"]
    return out[first + [c for c in out.columns if c not in first]]


__all__ = [
    "activity4_funnel_from_store",
    "company_funnel_from_store",
    "unemployed_funnel_from_store",
]
