"""Funnels: how many companies and people make it from one step to the next.

Both funnels are nested: a unit is counted at a step only if it also reached every step before
it, so each conversion rate is "of those who got this far, how many went on". Everything is
counted as of a date (the end of the report quarter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from research.metrics.common import SharedTables, Tables, once, wilson_interval
from research.metrics.coordination import own_contacts
from research.metrics.population import participant_facts

LIFTS = ("skilled_lift", "academy_lift")


@dataclass(frozen=True)
class Step:
    key: str
    label_da: str
    label_en: str
    reached: Callable[[Tables, pd.Timestamp], set]


def _by(frame: pd.DataFrame, date_column: str, stamp: pd.Timestamp, key: str) -> set:
    return set(frame.loc[frame[date_column] <= stamp, key].dropna().astype(str))


def _contacted(t: Tables, stamp: pd.Timestamp) -> set:
    c = t["company_contacts"]
    return _by(own_contacts(c), "contact_date", stamp, "cvr")


def _attended(kind: str):
    def reached(t: Tables, stamp: pd.Timestamp) -> set:
        w = t["workshops"]
        held = w.loc[(w["kind"].astype(str) == kind) & (w["held_on"] <= stamp), "workshop_id"]
        a = t["workshop_attendance"]
        return set(a.loc[a["workshop_id"].isin(held), "cvr"].astype(str))

    return reached


def _employers_of(t: Tables, people: set) -> set:
    p = t["participants"]
    return set(p.loc[p["participant_id"].astype(str).isin(people), "cvr"].dropna().astype(str))


def _assessed_people(t: Tables, stamp: pd.Timestamp) -> set:
    return _by(t["rkv_results"], "ended_on", stamp, "person_id")


def _lift_people(t: Tables, stamp: pd.Timestamp, *, completed: bool) -> set:
    e = t["enrolments"]
    e = e[e["purpose"].astype(str).isin(LIFTS)]
    if completed:
        e = e[e["exit_reason"].astype(str) == "completed"]
        return _by(e, "exit_on", stamp, "participant_id")
    return _by(e, "started_on", stamp, "participant_id")


COMPANY_STEPS: tuple[Step, ...] = (
    Step("contacted", "Kontaktet af projektet", "Contacted by the project", _contacted),
    Step(
        "in_network",
        "Med i et netværk",
        "Joined a network",
        lambda t, s: _by(t["network_memberships"], "joined_on", s, "cvr"),
    ),
    Step("attended_ws1", "Deltog i WS1", "Attended WS1", _attended("WS1")),
    Step(
        "answered_survey",
        "Besvarede e-survey",
        "Answered the e-survey",
        lambda t, s: _by(t["survey_responses"], "answered_on", s, "cvr"),
    ),
    Step(
        "competence_plan",
        "Har kompetenceforsyningsplan",
        "Has a competence supply plan",
        lambda t, s: _by(t["competence_plans"], "plan_date", s, "cvr"),
    ),
    Step(
        "employees_rkv",
        "Medarbejdere med RKV",
        "Employees assessed (RKV)",
        lambda t, s: _employers_of(t, _assessed_people(t, s)),
    ),
    Step(
        "employees_started",
        "Medarbejdere startet på løft",
        "Employees started a lift",
        lambda t, s: _employers_of(t, _lift_people(t, s, completed=False)),
    ),
    Step(
        "employees_completed",
        "Medarbejdere gennemført",
        "Employees completed a lift",
        lambda t, s: _employers_of(t, _lift_people(t, s, completed=True)),
    ),
)


def _facts(t: Tables, stamp: pd.Timestamp) -> pd.DataFrame:
    return once(
        t, ("facts", stamp), lambda: participant_facts(t["participants"], t["enrolments"], stamp)
    )


def _unemployed_entrants(route: str | None):
    def reached(t: Tables, stamp: pd.Timestamp) -> set:
        facts = _facts(t, stamp)
        unemployed = (
            facts["employment_status"].astype(str).isin(["unemployed", "long_term_unemployed"])
        )
        if route is not None:
            unemployed &= facts["recruitment_route"].astype(str) == route
        return set(facts.loc[unemployed, "participant_id"].astype(str))

    return reached


def _status(column: str, value: str):
    def reached(t: Tables, stamp: pd.Timestamp) -> set:
        facts = _facts(t, stamp)
        return set(facts.loc[facts[column].astype(str) == value, "participant_id"].astype(str))

    return reached


def unemployed_steps(route: str | None = "job_centre") -> tuple[Step, ...]:
    """The unemployed participants' funnel; ``route`` limits it to one recruitment route.

    The first step counts unemployed participants with a start form: referrals that never led
    to a start form are not in the data the workbench receives.
    """
    return (
        Step(
            "entered",
            "Ledige deltagere (via jobcenter)" if route == "job_centre" else "Ledige deltagere",
            "Unemployed participants (via job centre)"
            if route == "job_centre"
            else "Unemployed participants",
            _unemployed_entrants(route),
        ),
        Step("rkv", "Fik RKV", "Assessed (RKV)", _assessed_people),
        Step(
            "started",
            "Startet på løft",
            "Started a lift",
            lambda t, s: _lift_people(t, s, completed=False),
        ),
        Step(
            "completed",
            "Gennemført",
            "Completed",
            lambda t, s: _lift_people(t, s, completed=True),
        ),
        Step(
            "employed_on_leaving",
            "I job ved ophør",
            "In employment upon leaving",
            _status("status_on_leaving", "employed"),
        ),
        Step(
            "employed_6_months",
            "I job 6 mdr. efter",
            "In employment six months after",
            _status("status_6_months", "employed"),
        ),
    )


def funnel(name: str, steps: tuple[Step, ...], tables: Tables, as_of) -> pd.DataFrame:
    """Counts per step (nested), conversion from the previous step with a Wilson interval."""
    stamp = pd.Timestamp(as_of)
    tables = SharedTables(tables)
    rows, kept = [], None
    for number, step in enumerate(steps, start=1):
        reached = step.reached(tables, stamp)
        base = None if kept is None else len(kept)
        kept = reached if kept is None else kept & reached
        rows.append(
            {
                "funnel": name,
                "step": number,
                "key": step.key,
                "label_da": step.label_da,
                "label_en": step.label_en,
                "n": len(kept),
                "base": base,
            }
        )
    out = pd.DataFrame(rows)
    base = out["base"].astype("Float64")
    out["conversion"] = out["n"] / base
    low, high = wilson_interval(out["n"], base.fillna(0).to_numpy())
    out["conversion_low"], out["conversion_high"] = low, high
    first = out["n"].iloc[0]
    out["share_of_first"] = out["n"] / first if first else float("nan")
    return out


def company_funnel(tables: Tables, as_of) -> pd.DataFrame:
    return funnel("companies", COMPANY_STEPS, tables, as_of)


def unemployed_funnel(tables: Tables, as_of, route: str | None = "job_centre") -> pd.DataFrame:
    return funnel("unemployed", unemployed_steps(route), tables, as_of)
