"""Analysis frames: one row per unit of analysis, built from the store tables.

Why: every programme-specific analysis (subgroups, survival, the CMO links) must read the same
definitions of outcome, time, censoring and context, so they are made once, here, from the
``Tables`` the metrics use, and documented where they are made.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.domain.education import ISCED_BY_GROUP
from research.domain.industry import TEN_GROUPS
from research.domain.rules import LIFT_PURPOSES
from research.metrics.common import Tables
from research.metrics.population import participant_facts
from research.store.read import EVENT_DATES

__all__ = [
    "AGE_BANDS",
    "DAYS_PER_MONTH",
    "LIFT_PURPOSES",
    "age_band",
    "data_date_of",
    "lift_frame",
]

DAYS_PER_MONTH = 365.25 / 12
"""Months are days / 30.4375 (the mean calendar month), so durations compare across dates."""

AGE_BANDS: tuple[tuple[int, str], ...] = ((0, "<30"), (30, "30-39"), (40, "40-49"), (50, "50+"))
"""Age bands at the first counted entry: (lowest age in the band, label)."""

EMPLOYMENT_GROUPS: dict[str, str] = {
    "employed": "employed",
    "self_employed": "employed",
    "unemployed": "unemployed",
    "long_term_unemployed": "unemployed",
    "inactive": "inactive",
    "inactive_not_in_education": "inactive",
}


def data_date_of(tables: Tables) -> pd.Timestamp:
    """The latest event in the tables (the store's ``data_date`` rule, on frames)."""
    latest = [
        tables[name][column].max()
        for name, columns in EVENT_DATES.items()
        if name in tables
        for column in columns
        if column in tables[name] and tables[name][column].notna().any()
    ]
    if not latest:
        raise ValueError("no dated events in the tables: give the data date explicitly")
    return pd.Timestamp(max(latest))


def age_band(age: pd.Series) -> pd.Series:
    """The :data:`AGE_BANDS` label of each age (missing stays missing)."""
    lows = [low for low, _ in AGE_BANDS]
    labels = [label for _, label in AGE_BANDS]
    values = pd.to_numeric(age, errors="coerce").astype("Float64").to_numpy(dtype=float)
    cut = pd.cut(values, bins=[*lows, np.inf], labels=labels, right=False)
    return pd.Series(cut, index=age.index).astype("string")


def _text(series: pd.Series) -> pd.Series:
    """Codes as plain strings with <NA> for missing (category and object columns alike)."""
    return series.astype("object").where(series.notna()).astype("string")


def _aligned(series: pd.Series) -> pd.Series:
    """A looked-up column on the frame's 0..n-1 index, keeping its (nullable) dtype."""
    return series.reset_index(drop=True)


def lift_frame(
    tables: Tables, as_of: pd.Timestamp | str | None = None, programme: str | None = None
) -> pd.DataFrame:
    """One row per person's first counted lift enrolment started by the data date ``as_of``.

    **Unit.** A lift is an enrolment with purpose ``skilled_lift`` (EUV, unskilled → skilled) or
    ``academy_lift`` (AU, skilled → academy level). ESF counts a person once, so a person with
    several lifts keeps the first (earliest ``started_on``, then ``enrolment_id``).
    ``programme`` ("euv" or "au") keeps one programme after that choice.

    **Exclusions.** Side-effect courses (AMU, purpose ``side_effect``) and preparatory courses
    are not lifts (the preparatory course is a covariate, below); people whose preparatory
    course never led to a lift are not in the frame; lifts started after ``as_of`` are left
    out; a stop form dated after ``as_of`` is treated as not yet there.

    **Dates and censoring.** ``as_of`` is the data date (default: the latest event in the
    tables, :func:`data_date_of`). Time runs from the lift's ``started_on``. An exit on or before
    ``as_of`` ends follow-up at ``exit_on``; a lift without one is *running* and censored at
    ``as_of``. ``time_months`` = (end of follow-up − start) in days / :data:`DAYS_PER_MONTH`.

    **Outcomes.** ``status`` is ``completed`` (exit reason ``completed``), ``dropped_out`` (any
    other exit: dropped out, left for a job, other — every exit without the qualification) or
    ``running``. ``completed``, ``dropped_out``, ``running`` are its booleans, ``outcome_known``
    = not running. ``event_completed`` / ``event_dropout`` (0/1) are the event indicators for
    time to completion / time to dropout: each treats the other exit as censoring at its date.

    **Context covariates.** Of the participant (start form, first entry, ESF): ``gender``,
    ``employment_status`` and ``employment_group`` (employed incl. self-employed / unemployed
    incl. long-term / inactive), ``highest_education`` (DST H-group) and ``education_level``
    (ISCED 2011, :data:`~research.domain.education.ISCED_BY_GROUP`), ``age_at_entry`` (whole
    years at the first counted entry, ``entry_on``) and ``age_band``, ``recruitment_route``,
    ``meets_02_requirement`` and ``below_02`` (its negation; missing when not recorded, e.g.
    for AU), ``cvr`` and the employer's ``industry_group`` (DST 10-grouping of DB07, missing
    without an employer) with ``industry``, ``db07``, ``employees``. Of the lift:
    ``programme`` (euv/au), ``euv_track``, ``provider`` (the college/academy, ``partner_id``),
    ``network_id`` and ``in_network``. ``prep`` is True when the person completed a
    preparatory Danish/maths course (purpose ``preparatory``, exit ``completed``) on or before
    the lift's start; ``prep_started`` when one was started before the lift's start.
    ``cluster_id`` is the employer's CVR, or the person for those without an employer (each
    their own cluster), for company-clustered standard errors.
    """
    stamp = data_date_of(tables) if as_of is None else pd.Timestamp(as_of)
    enrolments = tables["enrolments"]
    purpose = enrolments["purpose"].astype("object")
    lifts = enrolments[purpose.isin(LIFT_PURPOSES) & (enrolments["started_on"] <= stamp)]
    lifts = lifts.sort_values(["participant_id", "started_on", "enrolment_id"], kind="stable")
    lifts = lifts.drop_duplicates("participant_id", keep="first")
    if programme is not None:
        lifts = lifts[lifts["programme_kind"].astype("object") == programme]
    lifts = lifts.reset_index(drop=True)

    start = lifts["started_on"]
    known = lifts["exit_on"].notna() & (lifts["exit_on"] <= stamp)
    reason = lifts["exit_reason"].astype("object")
    completed = known & (reason == "completed")
    dropped = known & ~completed
    end = lifts["exit_on"].where(known, stamp)

    out = pd.DataFrame(
        {
            "enrolment_id": _text(lifts["enrolment_id"]),
            "participant_id": _text(lifts["participant_id"]),
            "programme": _text(lifts["programme_kind"]),
            "purpose": _text(lifts["purpose"]),
            "education": _text(lifts["education"]),
            "euv_track": _text(lifts["euv_track"]),
            "provider": _text(lifts["partner_id"]),
            "network_id": _text(lifts["network_id"]),
            "started_on": start,
            "expected_end": lifts["expected_end"],
            "exit_on": lifts["exit_on"].where(known),
            "exit_reason": _text(reason.where(known)),
        }
    )
    out["in_network"] = out["network_id"].notna()
    out["status"] = pd.Series(
        np.select([completed, dropped], ["completed", "dropped_out"], "running"), dtype="string"
    )
    out["completed"] = completed.to_numpy()
    out["dropped_out"] = dropped.to_numpy()
    out["running"] = (~known).to_numpy()
    out["outcome_known"] = known.to_numpy()
    out["time_months"] = ((end - start).dt.days / DAYS_PER_MONTH).to_numpy()
    out["event_completed"] = completed.astype(int).to_numpy()
    out["event_dropout"] = dropped.astype(int).to_numpy()
    out["as_of"] = stamp

    out = _add_preparatory(out, enrolments, stamp)
    out = _add_person(out, tables, stamp)
    return out


def _add_preparatory(out: pd.DataFrame, enrolments: pd.DataFrame, stamp) -> pd.DataFrame:
    prep = enrolments[enrolments["purpose"].astype("object") == "preparatory"]
    prep = prep[(prep["started_on"] <= stamp) & prep["participant_id"].isin(out["participant_id"])]
    start = out.set_index("participant_id")["started_on"]
    lift_start = pd.Series(
        start.reindex(prep["participant_id"].to_numpy()).to_numpy(), index=prep.index
    )
    began = prep["started_on"] <= lift_start
    done = (
        began
        & (prep["exit_reason"].astype("object") == "completed")
        & (prep["exit_on"] <= lift_start)
        & (prep["exit_on"] <= stamp)
    )
    out["prep"] = out["participant_id"].isin(set(prep.loc[done, "participant_id"])).to_numpy()
    out["prep_started"] = (
        out["participant_id"].isin(set(prep.loc[began, "participant_id"])).to_numpy()
    )
    return out


def _add_person(out: pd.DataFrame, tables: Tables, stamp) -> pd.DataFrame:
    people = tables["participants"].set_index("participant_id")
    facts = participant_facts(tables["participants"], tables["enrolments"], stamp)
    facts = facts.set_index("participant_id")
    who = out["participant_id"]
    for column in ("gender", "employment_status", "highest_education", "recruitment_route"):
        out[column] = _aligned(_text(people[column].reindex(who)))
    out["employment_group"] = out["employment_status"].map(EMPLOYMENT_GROUPS).astype("string")
    out["education_level"] = (
        out["highest_education"].map(ISCED_BY_GROUP, na_action="ignore").astype("Int64")
    )
    out["entry_on"] = _aligned(facts["entry_on"].reindex(who))
    out["age_at_entry"] = _aligned(facts["age_at_entry"].reindex(who).astype("Int64"))
    out["age_band"] = age_band(out["age_at_entry"])
    meets = people["meets_02_requirement"].reindex(who).astype("boolean")
    out["meets_02_requirement"] = _aligned(meets)
    out["below_02"] = _aligned(~meets)
    out["cvr"] = _aligned(_text(people["cvr"].reindex(who)))

    companies = tables.get("companies")
    if companies is not None and len(companies):
        firms = companies.set_index("cvr")
        group = firms["industry_group"].reindex(out["cvr"]).astype("Int64")
        out["industry_group"] = _aligned(group)
        out["industry"] = _aligned(group.map(TEN_GROUPS, na_action="ignore").astype("string"))
        out["db07"] = _aligned(_text(firms["db07"].reindex(out["cvr"])))
        out["employees"] = _aligned(firms["employees"].reindex(out["cvr"]).astype("Int64"))
    else:
        out["industry_group"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["industry"] = pd.array([pd.NA] * len(out), dtype="string")
        out["db07"] = pd.array([pd.NA] * len(out), dtype="string")
        out["employees"] = pd.array([pd.NA] * len(out), dtype="Int64")
    person_cluster = "person:" + out["participant_id"]
    out["cluster_id"] = out["cvr"].fillna(person_cluster).astype("string")
    return out
