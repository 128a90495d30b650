"""Who counts as a participant, and the facts about each one that every indicator reads.

ESF counting rule (domain-facts §3.3): a person who enters the same operation several times is
recorded once; the entry date and the output data refer to the first entry, and the exit date
and the result data to the final exit. Side-effect courses (purpose ``side_effect``) are kept
apart: a person whose only enrolments are side effects is not a participant in the targets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.domain.rules import COUNTED_PURPOSES, LIFT_PURPOSES

UNSKILLED_GROUPS: tuple[str, ...] = ("H10", "H15", "H20", "H29")
SKILLED_GROUPS: tuple[str, ...] = ("H30", "H35")
SIDE_EFFECT_GROUPS: tuple[str, ...] = ("unskilled", "skilled", "other")


def counted_enrolments(enrolments: pd.DataFrame) -> pd.DataFrame:
    """Enrolments that make their person a participant (not side effects)."""
    return enrolments[enrolments["purpose"].astype(str).isin(COUNTED_PURPOSES)]


def participant_facts(
    participants: pd.DataFrame, enrolments: pd.DataFrame, as_of: pd.Timestamp | None = None
) -> pd.DataFrame:
    """One row per counted participant who had entered by ``as_of``.

    Columns: the participant's stored attributes, plus ``entry_on`` (first counted start),
    ``age_at_entry``, ``left`` (every counted enrolment started by ``as_of`` has ended by then),
    ``exit_on`` (the final exit, when left), ``status_on_leaving`` and ``status_6_months`` (of
    the final exit), ``completed_any`` (a counted enrolment completed by then) and
    ``completed_lift`` (a lift, to skilled or to academy level, completed by then; preparatory
    courses not included).
    """
    stamp = pd.Timestamp.max if as_of is None else pd.Timestamp(as_of)
    counted = counted_enrolments(enrolments)
    counted = counted[counted["started_on"] <= stamp]
    # Work on integer codes of the person: one hash pass over the ids instead of one per
    # groupby, sort and join (the difference is seconds at scale 100).
    codes, people_ids = pd.factorize(counted["participant_id"].astype(str).to_numpy())
    exits = counted["exit_on"]
    ended = (exits.notna() & (exits <= stamp)).to_numpy(dtype=bool)
    completed = ended & (counted["exit_reason"].astype(str) == "completed").to_numpy(dtype=bool)
    lift = counted["purpose"].astype(str).isin(LIFT_PURPOSES).to_numpy(dtype=bool)
    facts = pd.DataFrame(
        {
            "entry_on": pd.Series(counted["started_on"].to_numpy()).groupby(codes).min(),
            "left": pd.Series(ended).groupby(codes).all(),
            "completed_any": pd.Series(completed).groupby(codes).any(),
            "completed_lift": pd.Series(completed & lift).groupby(codes).any(),
        }
    )
    # the final exit: the latest exit date, ties by the latest enrolment id
    done = counted[ended]
    order = np.lexsort(
        (done["enrolment_id"].astype(str).to_numpy(), done["exit_on"].to_numpy(), codes[ended])
    )
    last = done.iloc[order].assign(_code=codes[ended][order]).drop_duplicates("_code", keep="last")
    last = last.set_index("_code")[["exit_on", "status_on_leaving", "status_6_months"]]
    facts = facts.join(last)
    facts.loc[~facts["left"], ["exit_on", "status_on_leaving", "status_6_months"]] = pd.NA
    six_months_on = facts["exit_on"] + pd.DateOffset(months=6)
    not_due = facts["exit_on"].isna() | (six_months_on > stamp)
    facts.loc[not_due, "status_6_months"] = pd.NA
    # participants in their own order (as an inner join would keep them)
    position = pd.Index(people_ids).get_indexer(participants["participant_id"].astype(str))
    keep = position >= 0
    out = pd.concat(
        [
            participants[keep].reset_index(drop=True),
            facts.iloc[position[keep]].reset_index(drop=True),
        ],
        axis=1,
    )
    birth = out["birth_date"]
    entry = out["entry_on"]
    had_birthday = (entry.dt.month > birth.dt.month) | (
        (entry.dt.month == birth.dt.month) & (entry.dt.day >= birth.dt.day)
    )
    out["age_at_entry"] = (entry.dt.year - birth.dt.year - (~had_birthday).astype(int)).astype(
        "Int64"
    )
    return out


def side_effect_people(
    participants: pd.DataFrame, enrolments: pd.DataFrame, as_of: pd.Timestamp | None = None
) -> pd.DataFrame:
    """People with a side-effect course started by ``as_of``, by education group.

    Side effects are reported apart from the targets and never added to them (the application:
    "IKKE medtage ... måltalsmæssigt"). ``group``: "unskilled" (H10/H15/H20/H29, the
    application's "ufaglærte"), "skilled" (H30/H35, "faglærte") or "other" (higher or unknown
    education, which neither side-effect target names). ``first_on`` is the first side-effect
    start; ``participant_from`` the first counted start (lift or preparatory course) if any,
    by ``as_of``: from that day on the person is a participant and no longer a side effect.
    """
    stamp = pd.Timestamp.max if as_of is None else pd.Timestamp(as_of)
    started = enrolments[enrolments["started_on"] <= stamp]
    side = started[started["purpose"].astype(str) == "side_effect"]
    first = side.groupby("participant_id", observed=True, sort=False)["started_on"].min()
    first = first.rename("first_on")
    counted = counted_enrolments(started)
    entry = counted.groupby("participant_id", observed=True, sort=False)["started_on"].min()
    people = participants.set_index("participant_id")[["highest_education", "gender"]]
    out = people.join(first, how="inner").join(entry.rename("participant_from")).reset_index()
    education = out["highest_education"].astype(str)
    out["group"] = np.select(
        [education.isin(UNSKILLED_GROUPS), education.isin(SKILLED_GROUPS)],
        ["unskilled", "skilled"],
        default="other",
    )
    return out
