"""The ESF indicators counted where the data lie: DuckDB groups the persons, pandas only sums.

Why: at scale 1,000 (2.7 million people) reading the participants and enrolments into pandas
costs gigabytes and half a minute before any indicator is counted. Here DuckDB makes each
counted participant's facts (``population.participant_facts`` in SQL: first counted start,
final exit, age at entry, …) and groups the persons by every column the definitions read,
handing over one row per combination with its number of persons (79,000 rows, and 67,000
by quarter of entry, for 2.7 million people at scale 1,000), once for both indicator sets
and the quarterly table. The
definitions in ``esf.DEFINITIONS`` are then applied to those rows as they are to the persons,
and their counts weighted: so a definition is stated once, in ``esf.py``, and both versions
count it. The tests compare the two tables cell by cell.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from research.domain.education import EducationGroup
from research.domain.period import Quarter, quarters_between
from research.domain.rules import COUNTED_PURPOSES, LIFT_PURPOSES
from research.metrics.esf import (
    _COLUMNS,
    _QUARTER_COLUMNS,
    DEFINITIONS,
    GENDERS,
    NOT_COLLECTED,
    OK,
    Definition,
    _typed,
    indicator_row,
    load_indicator_set,
    quarter_frame,
    quarter_rows,
)
from research.metrics.partner_store import scoped
from research.metrics.store_sql import in_list as _in
from research.store.connection import Connection
from research.store.read import query

AsOf = pd.Timestamp | date | str | None

_AT_ENTRY = ("gender", "status", "age", "highest_education", "foreign_background", "disability")
_ON_LEAVING = ("left", "due_6_months", "leaving", "six_months", "completed_any", "completed_lift")
_NOW = (*_AT_ENTRY, *_ON_LEAVING)
"""Every column a definition reads: the persons grouped for ``esf_indicators``."""
_BY_QUARTER = (*_AT_ENTRY, "entry_quarter")
"""What the definitions read at entry, and the quarter of entry: for ``esf_by_quarter``."""


def _stamp(con: Connection, as_of: AsOf, partner: str | None) -> pd.Timestamp:
    """``esf._as_of`` on the store: the given date, else the latest start or exit."""
    if as_of is not None:
        return pd.Timestamp(as_of).normalize()
    latest = query(
        con,
        f"""WITH {scoped(("enrolments",), partner)}dates AS (
            SELECT started_on AS d FROM enrolments UNION ALL SELECT exit_on FROM enrolments)
        SELECT max(d) AS d FROM dates""",
    )["d"].iloc[0]
    return pd.Timestamp.max if pd.isna(latest) else pd.Timestamp(latest).as_unit("ns").normalize()


def _people_sql(partner: str | None) -> str:
    """One row per counted participant entered by ``$stamp``: ``indicator_facts`` in SQL."""
    return f"""WITH {scoped(("enrolments",), partner)}counted AS (
        SELECT participant_id, enrolment_id, started_on, exit_on, status_on_leaving,
            status_6_months, purpose, exit_on IS NOT NULL AND exit_on <= $stamp AS ended,
            coalesce(exit_reason = 'completed', false) AS completed
        FROM enrolments WHERE purpose IN {_in(COUNTED_PURPOSES)} AND started_on <= $stamp),
    person AS (
        SELECT participant_id, min(started_on) AS entry_on, bool_and(ended) AS "left",
            bool_or(ended AND completed) AS completed_any,
            bool_or(ended AND completed AND purpose IN {_in(LIFT_PURPOSES)}) AS completed_lift,
            -- the final exit: the latest exit date, ties by the latest enrolment id
            max({{'exit_on': exit_on, 'id': enrolment_id, 'leaving': status_on_leaving,
                  'six_months': status_6_months}}) FILTER (WHERE ended) AS final
        FROM counted GROUP BY participant_id),
    facts AS (
        SELECT p.gender, p.employment_status AS status, p.highest_education,
            p.foreign_background, p.disability, f."left",
            date_trunc('quarter', f.entry_on)::DATE AS entry_quarter,
            f.completed_any, f.completed_lift,
            year(f.entry_on) - year(p.birth_date)
                - CASE WHEN month(f.entry_on) > month(p.birth_date)
                    OR (month(f.entry_on) = month(p.birth_date)
                        AND day(f.entry_on) >= day(p.birth_date))
                THEN 0 ELSE 1 END AS age,
            CASE WHEN f."left" THEN f.final.leaving END AS leaving,
            f."left" AND f.final.exit_on + INTERVAL 6 MONTH <= $stamp AS due_6_months,
            CASE WHEN f."left" AND f.final.exit_on + INTERVAL 6 MONTH <= $stamp
                THEN f.final.six_months END AS six_months
        FROM person f JOIN participants p ON p.participant_id = f.participant_id)"""


def _grouped(
    con: Connection, stamp: pd.Timestamp, partner: str | None, made: dict | None, *, now: bool
) -> pd.DataFrame:
    """The persons grouped by every column of ``_NOW`` (``now``) or of ``_BY_QUARTER``: one
    row per combination, ``persons`` its count. Both groupings come from one pass over the
    persons (grouping sets), kept in ``made`` (one connection's) for the other tables of the
    same date and partner."""
    made = {} if made is None else made
    key = ("esf_store", stamp, partner)
    if key not in made:
        keys = ", ".join(f'"{c}"' for c in dict.fromkeys(_NOW + _BY_QUARTER))
        sets = ", ".join("(" + ", ".join(f'"{c}"' for c in g) + ")" for g in (_NOW, _BY_QUARTER))
        sql = f"""{_people_sql(partner)} SELECT {keys}, grouping("entry_quarter") = 1 AS now,
            count(*) AS persons FROM facts GROUP BY GROUPING SETS ({sets})"""
        day = min(stamp, pd.Timestamp.max.normalize()).to_pydatetime()
        both = query(con, sql, {"stamp": day})
        made[key] = {
            flag: both.loc[both["now"] == flag, [*columns, "persons"]].reset_index(drop=True)
            for flag, columns in ((True, _NOW), (False, _BY_QUARTER))
        }
    return made[key][now]


def _as_facts(groups: pd.DataFrame) -> pd.DataFrame:
    """The grouped persons with the columns ``esf.indicator_facts`` gives, and the same
    values; texts as categories, which the definitions compare many times faster."""
    facts = pd.DataFrame(index=groups.index)
    for column in ("gender", "status"):
        facts[column] = groups[column].astype(str).astype("category")
    facts["age"] = groups["age"].astype("Int64")
    education = groups["highest_education"].astype(str)
    lookup = {g: EducationGroup(g) for g in education.unique()}
    facts["isced"] = education.map({g: e.isced for g, e in lookup.items()}).astype("Int64")
    for column, band in (("band_2014", "esf2014_band"), ("band_plus", "esfplus_band")):
        bands = {g: getattr(e, band) for g, e in lookup.items()}
        facts[column] = education.map(bands).astype("category")
    for column in ("foreign_background", "disability"):
        facts[column] = groups[column].astype("boolean")
    for column in ("left", "due_6_months", "completed_any", "completed_lift"):
        if column in groups:
            facts[column] = groups[column].fillna(False).astype(bool)
    for column in ("leaving", "six_months"):
        if column in groups:
            facts[column] = groups[column].astype("category")
    return facts


def _marked(mask: pd.Series) -> np.ndarray:
    return mask.fillna(False).to_numpy(dtype=bool)


def _weighted_figures(
    definition: Definition, facts: pd.DataFrame, persons: np.ndarray
) -> dict[str, object]:
    """``esf._figures`` on grouped persons: the same masks, each group weighted by its size."""
    if not definition.collected:
        return {"value": pd.NA, "n_reference": pd.NA, "n_known": pd.NA, "status": NOT_COLLECTED}
    assert definition.count is not None and definition.reference is not None
    reference = definition.reference(facts).fillna(False).astype(bool)
    known = reference if definition.known is None else reference & definition.known(facts)
    counted = known & definition.count(facts).fillna(False).astype(bool)
    return {
        "value": int(persons[_marked(counted)].sum()),
        "n_reference": int(persons[_marked(reference)].sum()),
        "n_known": int(persons[_marked(known)].sum()),
        "status": OK,
    }


def _by_gender(
    facts: pd.DataFrame, persons: np.ndarray
) -> list[tuple[str, pd.DataFrame, np.ndarray]]:
    out = []
    for gender in GENDERS:
        keep = (
            np.ones(len(facts), bool) if gender == "total" else _marked(facts["gender"] == gender)
        )
        out.append((gender, facts[keep], persons[keep]))
    return out


def esf_indicators_from_store(
    con: Connection,
    indicator_set: str = "esf2014",
    as_of: AsOf = None,
    partner: str | None = None,
    made: dict | None = None,
) -> pd.DataFrame:
    """``esf.esf_indicators`` counted in the store, cell for cell the same table; ``partner``
    counts one partner's enrolments only (as ``partner.filter_to_partner`` does), ``made``
    keeps the grouped persons for the other set and the quarterly table."""
    indicators = load_indicator_set(indicator_set)
    stamp = _stamp(con, as_of, partner)
    groups = _grouped(con, stamp, partner, made, now=True)
    by_gender = _by_gender(_as_facts(groups), groups["persons"].to_numpy(dtype="int64"))
    rows = []
    for indicator in indicators:
        definition = DEFINITIONS[indicator.definition]
        for gender, group, persons in by_gender:
            figures = _weighted_figures(definition, group, persons)
            rows.append(indicator_row(indicator_set, indicator, gender, figures, stamp))
    return _typed(pd.DataFrame(rows, columns=_COLUMNS))


def esf_by_quarter_from_store(
    con: Connection,
    indicator_set: str = "esf2014",
    as_of: AsOf = None,
    start: Quarter | str | None = None,
    partner: str | None = None,
    made: dict | None = None,
) -> pd.DataFrame:
    """``esf.esf_by_quarter`` counted in the store, cell for cell the same table: the persons
    are grouped by their quarter of entry (first day), which decides each quarter's count."""
    indicators = [
        i for i in load_indicator_set(indicator_set) if DEFINITIONS[i.definition].at_entry
    ]
    stamp = _stamp(con, as_of, partner)
    groups = _grouped(con, stamp, partner, made, now=False)
    if start is None and not len(groups):
        return pd.DataFrame(columns=_QUARTER_COLUMNS)
    entry = pd.to_datetime(groups["entry_quarter"]).to_numpy(dtype="datetime64[ns]")
    if start is None:
        first = Quarter.containing(pd.Timestamp(entry.min()).date())
    else:
        first = start if isinstance(start, Quarter) else Quarter.parse(start)
    last = first if stamp == pd.Timestamp.max else Quarter.containing(stamp.date())
    quarters = quarters_between(first, max(first, last))
    ends = pd.to_datetime([q.end for q in quarters]).to_numpy()
    facts = _as_facts(groups)
    persons = groups["persons"].to_numpy(dtype="int64")
    # persons entered by each quarter's end, per group: group × quarter
    entered = np.where(entry[:, None] <= ends[None, :], persons[:, None], 0)
    rows = []
    for indicator in indicators:
        for gender in GENDERS:
            in_gender = (
                np.ones(len(facts), bool)
                if gender == "total"
                else _marked(facts["gender"] == gender)
            )
            rows += quarter_rows(
                indicator_set,
                indicator,
                gender,
                quarters,
                entered[in_gender],
                facts[in_gender],
                stamp,
            )
    return quarter_frame(rows)
