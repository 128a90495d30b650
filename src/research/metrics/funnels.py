"""Funnels: how many companies and people make it from one step to the next.

Funnels are nested: a unit is counted at a step only if it also reached the step it follows
(``Step.of``, by default the step before), so each conversion rate is "of those who got this
far, how many went on". A step may follow an earlier step than the one listed before it (the
unemployed funnel's labour-market results follow everyone who entered, not only those who
completed), which makes the funnel a small tree: ``of_step`` names the base of every step.
Everything is counted as of a date (the end of the report quarter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from research.domain.rules import EMPLOYED, INACTIVE, UNEMPLOYED
from research.metrics.common import SharedTables, Tables, once, wilson_interval
from research.metrics.coordination import own_contacts
from research.metrics.esf import DEFINITIONS, indicator_facts
from research.metrics.population import LIFT_PURPOSES, participant_facts

LIFTS = LIFT_PURPOSES
VISIT = "one_to_one_visit"


@dataclass(frozen=True)
class Step:
    key: str
    label_da: str
    label_en: str
    reached: Callable[[Tables, pd.Timestamp], set]
    of: str | None = None  # the key of the step this one is nested in (None: the step before)


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


def _visited_outside_networks(t: Tables, stamp: pd.Timestamp) -> set:
    """Companies with one of this project's one-to-one visits and no network by ``stamp``."""
    own = own_contacts(t["company_contacts"])
    visits = own[own["kind"].astype(str) == VISIT]
    in_network = _by(t["network_memberships"], "joined_on", stamp, "cvr")
    return _by(visits, "contact_date", stamp, "cvr") - in_network


def _employee_steps() -> tuple[Step, ...]:
    return (
        Step(
            "employees_rkv",
            "Virksomheder med en medarbejder med RKV",
            "Companies with an employee assessed (RKV)",
            lambda t, s: _employers_of(t, _assessed_people(t, s)),
        ),
        Step(
            "employees_started",
            "Virksomheder med en medarbejder startet på løft",
            "Companies with an employee who started a lift",
            lambda t, s: _employers_of(t, _lift_people(t, s, completed=False)),
        ),
        Step(
            "employees_completed",
            "Virksomheder med en medarbejder, der har gennemført et løft",
            "Companies with an employee who completed a lift",
            lambda t, s: _employers_of(t, _lift_people(t, s, completed=True)),
        ),
    )


EMPLOYEE_STEPS = _employee_steps()
PLAN_STEP = Step(
    "competence_plan",
    "Har kompetenceforsyningsplan",
    "Has a competence supply plan",
    lambda t, s: _by(t["competence_plans"], "plan_date", s, "cvr"),
)

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
    PLAN_STEP,
    *EMPLOYEE_STEPS,
)
"""The network path: every step counts companies; steps 6-8 companies with an employee there."""

VISIT_STEPS: tuple[Step, ...] = (
    Step(
        "visited",
        "Besøgt af projektet (en til en), ikke i netværk",
        "Visited one to one by the project, not in a network",
        _visited_outside_networks,
    ),
    PLAN_STEP,
    *EMPLOYEE_STEPS,
)
"""The one-to-one path: companies visited by the project that had joined no network by the
date (so the two paths never share a company)."""

COMPANY_PATHS: dict[str, tuple[Step, ...]] = {"network": COMPANY_STEPS, "visit": VISIT_STEPS}


def _facts(t: Tables, stamp: pd.Timestamp) -> pd.DataFrame:
    return once(
        t, ("facts", stamp), lambda: participant_facts(t["participants"], t["enrolments"], stamp)
    )


def _unemployed_entrants(route: str | None):
    def reached(t: Tables, stamp: pd.Timestamp) -> set:
        facts = _facts(t, stamp)
        unemployed = facts["employment_status"].astype(str).isin(UNEMPLOYED)
        if route is not None:
            unemployed &= facts["recruitment_route"].astype(str) == route
        return set(facts.loc[unemployed, "participant_id"].astype(str))

    return reached


def _esf(definition: str, part: str):
    """Persons in the ``reference`` or counted (``count`` and known) by an ESF definition.

    Why: the funnel's job steps must be the ESF result indicators' own definitions (CR04, CR06),
    not a look-alike, so a funnel and the ESF table can never disagree.
    """

    def reached(t: Tables, stamp: pd.Timestamp) -> set:
        facts = once(
            t,
            ("esf_facts", stamp),
            lambda: indicator_facts(t["participants"], t["enrolments"], stamp),
        )
        rule = DEFINITIONS[definition]
        assert rule.count is not None and rule.reference is not None
        mask = rule.reference(facts).fillna(False).astype(bool)
        if part == "count":
            known = rule.known(facts) if rule.known is not None else True
            mask &= rule.count(facts).fillna(False).astype(bool) & known
        return set(facts.loc[mask.to_numpy(dtype=bool), "participant_id"].astype(str))

    return reached


def unemployed_steps(route: str | None = "job_centre") -> tuple[Step, ...]:
    """The unemployed participants' funnel; ``route`` limits it to one recruitment route.

    The first step counts unemployed participants with a start form: referrals that never led
    to a start form are not in the data the workbench receives. Steps 2-4 follow the lift
    (RKV, started, completed). Steps 5-8 are the ESF results of *everyone who entered*, not only
    of those who completed (a participant who left for a job counts there too): left the
    programme (every counted enrolment ended), in a job on leaving (ESF CR04's definition),
    left at least six months ago, and in a job six months after leaving (ESF CR06's).
    """
    via = route == "job_centre"
    return (
        Step(
            "entered",
            "Ledige deltagere (via jobcenter)" if via else "Ledige deltagere",
            "Unemployed participants (via job centre)" if via else "Unemployed participants",
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
            "Gennemført løft",
            "Completed a lift",
            lambda t, s: _lift_people(t, s, completed=True),
        ),
        Step(
            "left",
            "Afsluttet (alle forløb slut), af trin 1",
            "Left (every enrolment ended), of step 1",
            _esf("employed_on_leaving", "reference"),
            of="entered",
        ),
        Step(
            "employed_on_leaving",
            "I job ved ophør (ESF CR04)",
            "In employment upon leaving (ESF CR04)",
            _esf("employed_on_leaving", "count"),
        ),
        Step(
            "due_6_months",
            "Afsluttet for mindst 6 mdr. siden",
            "Left at least six months ago",
            _esf("employed_6_months", "reference"),
            of="left",
        ),
        Step(
            "employed_6_months",
            "I job 6 mdr. efter ophør (ESF CR06)",
            "In employment six months after leaving (ESF CR06)",
            _esf("employed_6_months", "count"),
        ),
    )


ACTIVITY4_STEPS: tuple[Step, ...] = (
    Step("recruited", "Rekrutteret", "Recruited", lambda t, s: _recruited(t, s)),
    Step("rkv", "Fik RKV", "Assessed (RKV)", _assessed_people),
    Step(
        "education_plan",
        "Har individuel uddannelsesplan",
        "Has an individual education plan",
        lambda t, s: _by(t["education_plans"], "start_on", s, "person_id") & _planned_by(t, s),
    ),
    Step(
        "started",
        "Startet på løft",
        "Started a lift",
        lambda t, s: _lift_people(t, s, completed=False),
    ),
    Step(
        "completed",
        "Gennemført løft",
        "Completed a lift",
        lambda t, s: _lift_people(t, s, completed=True),
    ),
)
"""Activity 4's person funnel: recruited → RKV → individual education plan → lift → done."""


def base_steps(steps: tuple[Step, ...]) -> list[int | None]:
    """Each step's base step number (None for the first): ``Step.of``, else the step before."""
    numbers = {step.key: number for number, step in enumerate(steps, start=1)}
    return [
        None if number == 1 else numbers[step.of] if step.of else number - 1
        for number, step in enumerate(steps, start=1)
    ]


def _walk(steps: tuple[Step, ...], tables: Tables, stamp: pd.Timestamp, within: set | None):
    """Yield (step number, number of its base step or None, the units kept at the step)."""
    kept: dict[int, set] = {}
    for number, (step, of) in enumerate(zip(steps, base_steps(steps), strict=True), start=1):
        # a step's units depend only on the data and the date: worked out once per shared
        # tables, not once per subgroup's funnel (activity 4 walks eleven)
        reached = once(tables, ("step", step, stamp), lambda step=step: step.reached(tables, stamp))
        if within is not None and of is None:
            reached = reached & within
        kept[number] = reached if of is None else kept[of] & reached
        yield number, of, kept[number]


def funnel(
    name: str, steps: tuple[Step, ...], tables: Tables, as_of, within: set | None = None
) -> pd.DataFrame:
    """Counts per step (nested in its base step), conversion from the base with a Wilson
    interval; ``within`` limits the first step to those units (a subgroup's funnel)."""
    stamp = pd.Timestamp(as_of)
    tables = tables if isinstance(tables, SharedTables) else SharedTables(tables)
    counts = [len(kept) for _, _, kept in _walk(steps, tables, stamp, within)]
    return funnel_frame(name, steps, counts)


def funnel_frame(name: str, steps: tuple[Step, ...], counts: list[int]) -> pd.DataFrame:
    """The funnel table from the number of units kept at each step (nested in its base step).

    Why apart: the store counts the steps itself (``metrics.funnels_store``) and must give the
    same table, cell for cell."""
    rows = []
    for number, (step, of, n) in enumerate(
        zip(steps, base_steps(steps), counts, strict=True), start=1
    ):
        base = None if of is None else rows[of - 1]["n"]
        rows.append(
            {
                "funnel": name,
                "step": number,
                "key": step.key,
                "label_da": step.label_da,
                "label_en": step.label_en,
                "n": int(n),
                "base": base,
                "of_step": of,
            }
        )
    out = pd.DataFrame(rows)
    out["of_step"] = out["of_step"].astype("Int64")
    base = out["base"].astype("Float64")
    out["conversion"] = out["n"] / base
    low, high = wilson_interval(out["n"], base.fillna(0).to_numpy())
    out["conversion_low"], out["conversion_high"] = low, high
    first = out["n"].iloc[0]
    out["share_of_first"] = out["n"] / first if first else float("nan")
    return out


def company_funnel(tables: Tables, as_of, path: str = "network") -> pd.DataFrame:
    """The company funnel along one path: "network" (the default) or "visit" (one-to-one)."""
    name = "companies" if path == "network" else f"companies_{path}"
    return funnel(name, COMPANY_PATHS[path], tables, as_of)


def unemployed_funnel(tables: Tables, as_of, route: str | None = "job_centre") -> pd.DataFrame:
    return funnel("unemployed", unemployed_steps(route), tables, as_of)


# -- activity 4: recruiting employees (and the unemployed) into the lifts -----------------------


def _planned_by(t: Tables, stamp: pd.Timestamp) -> set:
    """Persons with an education plan made by ``stamp`` (the plan's start date stands for it)."""
    return _by(t["education_plans"], "start_on", stamp, "person_id")


def _recruited(t: Tables, stamp: pd.Timestamp) -> set:
    """Persons the project brought towards a lift by ``stamp``: a start form for a lift or a
    preparatory course (side-effect-only people are not), an RKV or an education plan."""
    return set(_activity4_people(t, stamp)["person_id"])


EMPLOYMENT_GROUPS: dict[str, tuple[str, ...]] = {
    "employed": EMPLOYED,
    "unemployed": UNEMPLOYED,
    "inactive": INACTIVE,
}


def _activity4_people(t: Tables, stamp: pd.Timestamp) -> pd.DataFrame:
    """One row per recruited person: ``person_id``, ``employment`` group (start form; "unknown"
    without one) and ``partner_id`` (the partner of the first RKV, else of the first education
    plan, else of the first counted enrolment)."""

    def make() -> pd.DataFrame:
        facts = participant_facts(t["participants"], t["enrolments"], stamp)
        rkv = t["rkv_results"][t["rkv_results"]["ended_on"] <= stamp]
        plans = t["education_plans"][t["education_plans"]["start_on"] <= stamp]
        e = t["enrolments"]
        e = e[(e["started_on"] <= stamp) & (e["purpose"].astype(str) != "side_effect")]
        parts = [
            rkv.assign(_on=rkv["started_on"], _rank=0)[["person_id", "partner_id", "_on", "_rank"]],
            plans.assign(_on=plans["start_on"], _rank=1)[
                ["person_id", "partner_id", "_on", "_rank"]
            ],
            e.assign(person_id=e["participant_id"], _on=e["started_on"], _rank=2)[
                ["person_id", "partner_id", "_on", "_rank"]
            ],
        ]
        rows = pd.concat(parts, ignore_index=True)
        rows["person_id"] = rows["person_id"].astype(str)
        rows["partner_id"] = rows["partner_id"].astype(str)
        first = rows.sort_values(["person_id", "_rank", "_on"]).drop_duplicates("person_id")
        status = facts.set_index(facts["participant_id"].astype(str))["employment_status"]
        group = first["person_id"].map(status.astype(str))
        lookup = {s: g for g, statuses in EMPLOYMENT_GROUPS.items() for s in statuses}
        first["employment"] = group.map(lookup).fillna("unknown")
        return first[["person_id", "employment", "partner_id"]].reset_index(drop=True)

    return once(t, ("activity4", stamp), make)


def activity4_funnel(tables: Tables, as_of) -> pd.DataFrame:
    """Activity 4's person funnel, in total, per employment group and per partner.

    Steps: recruited (a start form for a lift or preparatory course, an RKV or an education
    plan by ``as_of``) → RKV (ended by ``as_of``) → individual education plan → started a lift
    → completed a lift, nested. ``dimension`` is "total", "employment" (the start form's
    status at entry: employed incl. self-employed, unemployed incl. long-term, inactive, or
    "unknown" for persons assessed without a start form) or "partner" (the partner of the
    person's first RKV, else education plan, else enrolment); ``group`` the category. Within a
    dimension the groups partition the total, step by step.
    """
    stamp = pd.Timestamp(as_of)
    shared = tables if isinstance(tables, SharedTables) else SharedTables(tables)
    people = _activity4_people(shared, stamp)
    frames = [
        funnel("activity4", ACTIVITY4_STEPS, shared, stamp).assign(dimension="total", group="total")
    ]
    for dimension, column in (("employment", "employment"), ("partner", "partner_id")):
        for group, members in people.groupby(column, sort=True):
            within = set(members["person_id"])
            frame = funnel("activity4", ACTIVITY4_STEPS, shared, stamp, within=within)
            frames.append(frame.assign(dimension=dimension, group=str(group)))
    out = pd.concat(frames, ignore_index=True)
    first = ["dimension", "group"]
    return out[first + [c for c in out.columns if c not in first]]
