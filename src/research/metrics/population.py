"""Who counts as a participant, and the facts about each one that every indicator reads.

ESF counting rule (domain-facts §3.3): a person who enters the same operation several times is
recorded once; the entry date and the output data refer to the first entry, and the exit date
and the result data to the final exit. Side-effect courses (purpose ``side_effect``) are kept
apart: a person whose only enrolments are side effects is not a participant in the targets.
"""

from __future__ import annotations

import pandas as pd

COUNTED_PURPOSES: tuple[str, ...] = ("skilled_lift", "academy_lift", "preparatory")
UNSKILLED_GROUPS: tuple[str, ...] = ("H10", "H15", "H20", "H29")


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
    the final exit), ``completed_any`` (a counted enrolment completed by then).
    """
    stamp = pd.Timestamp.max if as_of is None else pd.Timestamp(as_of)
    counted = counted_enrolments(enrolments)
    counted = counted[counted["started_on"] <= stamp].copy()
    ended = counted["exit_on"].notna() & (counted["exit_on"] <= stamp)
    counted["ended"] = ended
    counted["completed"] = ended & (counted["exit_reason"].astype(str) == "completed")
    by_person = counted.groupby("participant_id", observed=True, sort=False)
    facts = pd.DataFrame(
        {
            "entry_on": by_person["started_on"].min(),
            "left": by_person["ended"].all(),
            "completed_any": by_person["completed"].any(),
        }
    )
    last_exit = (
        counted[ended]
        .sort_values(["participant_id", "exit_on", "enrolment_id"])
        .groupby("participant_id", observed=True)
        .tail(1)
        .set_index("participant_id")[["exit_on", "status_on_leaving", "status_6_months"]]
    )
    facts = facts.join(last_exit)
    facts.loc[~facts["left"], ["exit_on", "status_on_leaving", "status_6_months"]] = pd.NA
    six_months_on = facts["exit_on"] + pd.DateOffset(months=6)
    not_due = facts["exit_on"].isna() | (six_months_on > stamp)
    facts.loc[not_due, "status_6_months"] = pd.NA
    people = participants.set_index("participant_id")
    out = people.join(facts, how="inner").reset_index()
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
    """People with a side-effect course started by ``as_of``, split unskilled/skilled.

    Side effects are reported apart from the targets and never added to them (the application:
    "IKKE medtage ... måltalsmæssigt").
    """
    stamp = pd.Timestamp.max if as_of is None else pd.Timestamp(as_of)
    side = enrolments[
        (enrolments["purpose"].astype(str) == "side_effect") & (enrolments["started_on"] <= stamp)
    ]
    first = side.groupby("participant_id", observed=True, sort=False)["started_on"].min()
    first = first.rename("first_on")
    people = participants.set_index("participant_id")[["highest_education", "gender"]]
    out = people.join(first, how="inner").reset_index()
    unskilled = out["highest_education"].astype(str).isin(UNSKILLED_GROUPS)
    out["group"] = unskilled.map({True: "unskilled", False: "skilled"})
    return out
