"""The progress series counted where the data lie: DuckDB groups and counts, pandas only
lays out the series.

Why: at scale 1,000 (2.7 million people, 3.7 million enrolments) reading the tables into
pandas costs gigabytes before any indicator is counted, and the grouping (each person's first
start, first completion, spells) is most of the work. Here the store does the grouping and
the counting at the quarter ends too: each indicator's query hands back one number per quarter
end (dated events: the units dated on or before it; stocks: the units with a spell covering
it, ``stocks.present_on``'s rule), so no per-person rows cross into pandas. Each indicator's
SQL states the same definition as its pandas function in ``metrics.progress``; the tests
compare the two series cell by cell on simulated programmes and on a hand-made one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.coerce import QuarterLike, as_quarter
from research.config import ProgrammeConfig
from research.domain.rules import COUNTED_PURPOSES, EMPLOYED, UNEMPLOYED
from research.metrics.population import SKILLED_GROUPS, UNSKILLED_GROUPS
from research.metrics.progress import Indicator, series_from_counts
from research.store.connection import Connection
from research.store.read import query


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


@dataclass(frozen=True)
class StoreCount:
    """How the store counts one indicator at the quarter ends.

    ``sql`` gives, for dated events, one row per counted unit with its date ``d`` (the count at
    a day is the number of dates on or before it); for stocks, one row per spell: ``unit``,
    ``start`` and ``stop`` (a unit is present on a day when any of its spells covers it).
    ``grouped``: the rows carry a ``grp`` and the indicator counts those in ``groups`` (None:
    every group), so indicators that read the same grouping share one query.
    ``one_spell_per_unit``: the stock's query already gives one row per unit (no merging).
    """

    sql: str
    stock: bool = False
    present_on_leaving_day: bool = False
    grouped: bool = False
    groups: tuple[str, ...] | None = None
    one_spell_per_unit: bool = False


_COUNTED = _in(COUNTED_PURPOSES)

_ENTRIES = f"""
    WITH first AS (
        SELECT participant_id, min(started_on) AS d FROM enrolments
        WHERE purpose IN {_COUNTED} AND started_on IS NOT NULL GROUP BY participant_id)
    SELECT p.employment_status AS grp, f.d
    FROM participants p JOIN first f ON f.participant_id = p.participant_id"""
"""Each participant's first counted start, by status at entry (``progress._entries``): one
query for the three participant indicators."""


def _participants(statuses: tuple[str, ...] | None) -> StoreCount:
    return StoreCount(_ENTRIES, grouped=True, groups=statuses)


def _first_per_person(purpose: str, *, completed: bool) -> StoreCount:
    if completed:
        return StoreCount(f"""SELECT min(exit_on) AS d FROM enrolments
            WHERE purpose = '{purpose}' AND exit_reason = 'completed'
            AND participant_id IS NOT NULL GROUP BY participant_id""")
    return StoreCount(f"""SELECT min(started_on) AS d FROM enrolments
        WHERE purpose = '{purpose}' AND participant_id IS NOT NULL GROUP BY participant_id""")


def _first_by_company(table: str, column: str, where: str = "true") -> StoreCount:
    return StoreCount(f"""SELECT min("{column}") AS d FROM "{table}"
        WHERE cvr IS NOT NULL AND {where} GROUP BY cvr""")


def _lift(purpose: str) -> StoreCount:
    # a completed lift counts for good; any other exit stops it on the exit day
    return StoreCount(
        f"""SELECT participant_id AS unit, started_on AS start,
        CASE WHEN exit_reason = 'completed' THEN NULL ELSE exit_on END AS stop
        FROM enrolments WHERE purpose = '{purpose}'""",
        stock=True,
    )


_SIDE_EFFECTS = f"""
    WITH spells AS (
        SELECT participant_id,
            min(started_on) FILTER (WHERE purpose = 'side_effect') AS start,
            min(started_on) FILTER (WHERE purpose IN {_COUNTED}) AS stop
        FROM enrolments WHERE started_on IS NOT NULL GROUP BY participant_id
        HAVING min(started_on) FILTER (WHERE purpose = 'side_effect') IS NOT NULL)
    SELECT CASE WHEN p.highest_education IN {_in(UNSKILLED_GROUPS)} THEN 'unskilled'
                WHEN p.highest_education IN {_in(SKILLED_GROUPS)} THEN 'skilled'
                ELSE 'other' END AS grp,
        s.start, s.stop
    FROM participants p JOIN spells s ON s.participant_id = p.participant_id"""
"""Side-effect persons of every group (``population.side_effect_people``), one row each:
from the first side-effect start until the first counted start; one query for the three
indicators. (Grouping the enrolments first and joining the persons after costs a third less
than the other way round at scale 1,000.)"""


def _side_effects(group: str) -> StoreCount:
    return StoreCount(
        _SIDE_EFFECTS, stock=True, grouped=True, groups=(group,), one_spell_per_unit=True
    )


COUNTS: dict[str, StoreCount] = {
    "participants": _participants(None),
    "participants_employed": _participants(EMPLOYED),
    "participants_unemployed": _participants(UNEMPLOYED),
    "rkv": StoreCount(
        "SELECT min(ended_on) AS d FROM rkv_results WHERE person_id IS NOT NULL GROUP BY person_id"
    ),
    "skilled_started": _lift("skilled_lift"),
    "skilled_started_all": _first_per_person("skilled_lift", completed=False),
    "skilled_completed": _first_per_person("skilled_lift", completed=True),
    "academy_started": _lift("academy_lift"),
    "academy_started_all": _first_per_person("academy_lift", completed=False),
    "academy_completed": _first_per_person("academy_lift", completed=True),
    "consultants": StoreCount(
        "SELECT joined_on AS d FROM consultants WHERE coalesce(in_shared_concept, false)"
    ),
    "consultants_current": StoreCount(
        "SELECT consultant_id AS unit, joined_on AS start, left_on AS stop FROM consultants "
        "WHERE coalesce(in_shared_concept, false)",
        stock=True,
        present_on_leaving_day=True,
    ),
    "companies_contacted": _first_by_company(
        "company_contacts", "contact_date", "coalesce(own_project, false)"
    ),
    "networks": StoreCount("SELECT established_on AS d FROM networks"),
    "companies_in_networks": _first_by_company("network_memberships", "joined_on"),
    "companies_in_networks_current": StoreCount(
        "SELECT cvr AS unit, joined_on AS start, left_on AS stop FROM network_memberships",
        stock=True,
        present_on_leaving_day=True,
    ),
    "ws1_held": StoreCount("SELECT held_on AS d FROM workshops WHERE kind = 'WS1'"),
    "ws2_held": StoreCount("SELECT held_on AS d FROM workshops WHERE kind = 'WS2'"),
    "survey_responses": StoreCount("SELECT answered_on AS d FROM survey_responses"),
    "competence_plans": _first_by_company("competence_plans", "plan_date"),
    "side_effect_unskilled": _side_effects("unskilled"),
    "side_effect_skilled": _side_effects("skilled"),
    "side_effect_other": _side_effects("other"),
}
"""Every indicator of ``metrics.progress`` as the store counts it (``Indicator.events`` and
``Indicator.stock`` there state the same definitions in pandas)."""


def _counting_sql(count: StoreCount, n_ends: int) -> str:
    """The counts at the ends ``$e0``, ``$e1``, … in one row (one per ``grp``): the store
    counts, and only a number per quarter end comes back."""
    grp = "grp, " if count.grouped else ""
    by = "GROUP BY grp" if count.grouped else ""
    if not count.stock:  # the units dated on or before each end
        cells = ", ".join(f"count(*) FILTER (WHERE d <= $e{i}) AS c{i}" for i in range(n_ends))
        return f"SELECT {grp}{cells} FROM ({count.sql}) {by}"
    after = ">=" if count.present_on_leaving_day else ">"
    covers = [f"start <= $e{i} AND (stop IS NULL OR stop {after} $e{i})" for i in range(n_ends)]
    if count.one_spell_per_unit:
        cells = ", ".join(f"count(*) FILTER (WHERE {c}) AS c{i}" for i, c in enumerate(covers))
        return f"SELECT {grp}{cells} FROM ({count.sql}) {by}"
    covered = ", ".join(f"bool_or({c}) AS c{i}" for i, c in enumerate(covers))
    cells = ", ".join(f"count(*) FILTER (WHERE c{i}) AS c{i}" for i in range(n_ends))
    units = f"SELECT {grp}unit, {covered} FROM ({count.sql}) GROUP BY {grp}unit"
    return f"SELECT {grp}{cells} FROM ({units}) {by}"


def counts_in_store(
    con: Connection, indicator: Indicator, ends: np.ndarray, made: dict | None = None
) -> np.ndarray:
    """The indicator's cumulative (events) or present (stock) count at each of ``ends``;
    ``made`` keeps query results that several indicators share (participants, side effects)."""
    count = COUNTS[indicator.key]
    days = pd.to_datetime(pd.Index(ends))
    if not len(days):
        return np.zeros(0, dtype=np.int64)
    made = {} if made is None else made
    key = (count.sql, count.stock, count.present_on_leaving_day, tuple(days))
    if key not in made:
        params = {f"e{i}": day.to_pydatetime() for i, day in enumerate(days)}
        made[key] = query(con, _counting_sql(count, len(days)), params)
    counts = made[key]
    if count.grouped and count.groups is not None:
        counts = counts[counts["grp"].isin(count.groups)]
    cells = counts[[f"c{i}" for i in range(len(days))]]
    return cells.sum(axis=0).to_numpy(dtype=np.int64)


def progress_series_from_store(
    con: Connection, config: ProgrammeConfig, through: QuarterLike
) -> pd.DataFrame:
    """``progress.progress_series`` counted from the store itself, without reading its tables
    into pandas: the same frame, cell for cell (``progress.progress_table(None, config,
    quarter, series=...)`` makes the table from it)."""
    through = as_quarter(through, "through")
    made: dict = {}
    return series_from_counts(
        config, through, lambda indicator, ends: counts_in_store(con, indicator, ends, made)
    )
