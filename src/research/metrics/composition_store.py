"""Who the programme recruited, counted where the data lie: DuckDB groups, pandas only tabulates.

Why: at scale 1,000 (2.7 million people, 14 million rows) reading the participants and
enrolments into pandas costs gigabytes and half a minute before any participant is counted.
Here the store finds each counted participant's first counted start and counts them per value
of every dimension in one grouped query (``GROUPING SETS``), counts the job centres' recruits in
another, and the side-effect persons' arrivals and departures per day in a third; only those
counts come back, and the tables are made by the pandas family's own ``composition_frame``,
``job_centre_frame`` and ``side_effect_frame``. Each query states the definition of its pandas
function in ``metrics.composition`` (and ``population``); the tests compare the tables cell for
cell on hand-made and simulated programmes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.domain.codes import RecruitmentRoute
from research.domain.rules import COUNTED_PURPOSES, UNEMPLOYED
from research.metrics.composition import (
    AGE_BANDS,
    AsOf,
    composition_frame,
    job_centre_frame,
    side_effect_frame,
    side_effect_quarters,
)
from research.metrics.population import SIDE_EFFECT_GROUPS, SKILLED_GROUPS, UNSKILLED_GROUPS
from research.metrics.store_sql import in_list as _in
from research.metrics.store_sql import on_day
from research.store.connection import Connection
from research.store.read import query, read_table

_UNKNOWN = "unknown"
_NONE = "none"


def _stamp(as_of: AsOf) -> pd.Timestamp | None:
    return None if as_of is None else pd.Timestamp(as_of).normalize()


_COUNTED = f"purpose IN {_in(COUNTED_PURPOSES)} AND started_on <= $day"
"""Enrolments that make their person a participant by the day (``population.participant_facts``)."""


def _age_band() -> str:
    bands = " ".join(
        f"WHEN age >= {low} THEN '{label}'"
        if high is None
        else f"WHEN age BETWEEN {low} AND {high} THEN '{label}'"
        for label, low, high in AGE_BANDS
    )
    return f"CASE {bands} END"


_AGE = """year(f.entry_on) - year(p.birth_date) - CASE
    WHEN month(f.entry_on) > month(p.birth_date)
      OR (month(f.entry_on) = month(p.birth_date) AND day(f.entry_on) >= day(p.birth_date))
    THEN 0 ELSE 1 END"""
"""Whole years at the first counted start, the birthday counted on the day
(``participant_facts``' ``age_at_entry``)."""

DIMENSION_SQL: dict[str, str] = {
    "age_band": _age_band(),
    "gender": "gender",
    "education": "highest_education",
    "employment_status": "employment_status",
    "partner": "partner_id",
    "network": f"coalesce(network_id, '{_NONE}')",
    "industry": f"CASE WHEN cvr IS NULL THEN '{_NONE}' ELSE CAST(industry_group AS VARCHAR) END",
    "recruitment_route": "recruitment_route",
}
"""Each dimension's value per participant (the two education bands are made from
``education`` by ``composition_frame``); NULL is counted as "unknown"."""

_COMPOSITION = f"""
    WITH first AS (
        SELECT participant_id, min(started_on) AS entry_on,
               arg_min({{'partner_id': partner_id, 'network_id': network_id}},
                       {{'on': started_on, 'id': enrolment_id}}) AS first_enrolment
        FROM enrolments WHERE {_COUNTED} GROUP BY participant_id),
    facts AS (
        SELECT p.gender, p.highest_education, p.employment_status, p.recruitment_route, p.cvr,
               f.first_enrolment.partner_id, f.first_enrolment.network_id, c.industry_group,
               {_AGE} AS age
        FROM participants p JOIN first f ON f.participant_id = p.participant_id
        LEFT JOIN companies c ON c.cvr = p.cvr),
    valued AS (SELECT {", ".join(f"{sql} AS {dim}" for dim, sql in DIMENSION_SQL.items())}
               FROM facts)
    SELECT {", ".join(f"{dim}, grouping({dim}) AS g_{dim}" for dim in DIMENSION_SQL)},
           count(*) AS n
    FROM valued GROUP BY GROUPING SETS ((), {", ".join(f"({dim})" for dim in DIMENSION_SQL)})"""
"""Counted participants who had entered by the day, in total and per value of each dimension;
the partner and network are those of the first counted enrolment (earliest start, then lowest
enrolment id), the industry that of the employer ("none" without one, missing when the employer
is not among the companies)."""


def composition_from_store(con: Connection, as_of: AsOf = None) -> pd.DataFrame:
    """``composition.composition`` counted in the store: the same frame, cell for cell (only
    the small ``partners`` and ``networks`` tables are read whole, for their names)."""
    stamp = _stamp(as_of)
    grouped = query(con, on_day(_COMPOSITION, stamp))
    dims = list(DIMENSION_SQL)
    everything = (grouped[[f"g_{d}" for d in dims]] == 1).all(axis=1)
    total = int(grouped.loc[everything, "n"].sum())
    counts = {}
    for dim in dims:
        own = grouped[grouped[f"g_{dim}"] == 0]
        values = own[dim].astype("string").fillna(_UNKNOWN)
        counts[dim] = own["n"].astype("int64").groupby(values.to_numpy()).sum()
    partners, networks = read_table(con, "partners"), read_table(con, "networks")
    return composition_frame(counts, partners, networks, stamp, total)


_JOB_CENTRES = f"""
    WITH candidates AS (
        SELECT participant_id, job_centre,
               coalesce(recruitment_route = '{RecruitmentRoute.JOB_CENTRE.value}', false) AS via,
               coalesce(employment_status IN {_in(UNEMPLOYED)}, false) AS unemployed
        FROM participants WHERE via OR unemployed),
    entered AS (
        SELECT DISTINCT participant_id FROM enrolments
        WHERE {_COUNTED} AND participant_id IN (SELECT participant_id FROM candidates))
    SELECT via, unemployed, job_centre, count(*) AS n
    FROM candidates WHERE participant_id IN (SELECT participant_id FROM entered) GROUP BY ALL"""
"""Counted participants who had entered by the day and were recruited through a job centre
or unemployed at entry (no other participant counts here), by job centre."""


def recruitment_by_job_centre_from_store(con: Connection, as_of: AsOf = None) -> pd.DataFrame:
    """``composition.recruitment_by_job_centre`` counted in the store: the same frame."""
    stamp = _stamp(as_of)
    grouped = query(con, on_day(_JOB_CENTRES, stamp))
    via = grouped[grouped["via"]]
    centres = via["job_centre"].astype("string").fillna("<NA>").to_numpy()
    counts = via["n"].astype("int64").groupby(centres).sum()
    other_routes = int(grouped.loc[grouped["unemployed"] & ~grouped["via"], "n"].sum())
    return job_centre_frame(counts, other_routes, stamp)


_SIDE_EFFECTS = f"""
    WITH firsts AS (
        SELECT participant_id,
               min(started_on) FILTER (purpose = 'side_effect') AS first_on,
               min(started_on) FILTER (purpose IN {_in(COUNTED_PURPOSES)}) AS participant_from
        FROM enrolments WHERE started_on <= $day GROUP BY participant_id),
    people AS (
        SELECT CASE WHEN p.highest_education IN {_in(UNSKILLED_GROUPS)} THEN 'unskilled'
                    WHEN p.highest_education IN {_in(SKILLED_GROUPS)} THEN 'skilled'
                    ELSE 'other' END AS grp,
               s.first_on,
               CASE WHEN s.participant_from < s.first_on THEN s.first_on
                    ELSE s.participant_from END AS stop
        FROM participants p JOIN firsts s ON s.participant_id = p.participant_id
        WHERE s.first_on IS NOT NULL)
    SELECT grp, first_on AS on_, count(*) AS arrived, 0 AS departed FROM people GROUP BY ALL
    UNION ALL
    SELECT grp, stop, 0, count(*) FROM people WHERE stop IS NOT NULL GROUP BY ALL"""
"""Side-effect persons (``population.side_effect_people``) as arrivals per group and day, and
departures (the first counted start, when the person becomes a participant) per group and
day. A person is present from the first side-effect start until the day before the departure,
so the number present on a day is the arrivals minus the departures up to that day; a
departure on or before the arrival is moved to the arrival (present on no day), as
``stocks.present_on`` treats such a spell."""


def side_effects_from_store(con: Connection, as_of: AsOf = None) -> pd.DataFrame:
    """``composition.side_effects`` counted in the store: the same frame, cell for cell."""
    stamp = _stamp(as_of)
    moves = query(con, on_day(_SIDE_EFFECTS, stamp))
    arrivals = moves[moves["arrived"] > 0]
    if arrivals.empty:
        return side_effect_frame([], np.array([], dtype="datetime64[ns]"), {})
    arrived_on = pd.to_datetime(arrivals["on_"])
    quarters, ends = side_effect_quarters(arrived_on.min(), arrived_on.max(), stamp)
    present = {}
    for group in (*SIDE_EFFECT_GROUPS, "total"):
        own = moves if group == "total" else moves[moves["grp"] == group]
        days = pd.to_datetime(own["on_"]).to_numpy(dtype="datetime64[ns]")
        order = np.argsort(days, kind="stable")
        change = (own["arrived"] - own["departed"]).to_numpy(dtype=np.int64)[order]
        net = np.r_[0, np.cumsum(change)]  # net[k]: present after the first k moves
        present[group] = net[np.searchsorted(days[order], ends, side="right")]
    return side_effect_frame(quarters, ends, present)


__all__ = [
    "composition_from_store",
    "recruitment_by_job_centre_from_store",
    "side_effects_from_store",
]
