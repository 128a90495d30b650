"""Progress against the targets (måltal), quarter by quarter, with a forecast to the end.

Every indicator is defined by one date per counted unit: the day that unit starts to count.
Cumulative progress at a quarter is then simply the number of dates up to the quarter's last
day, so the quarterly increments always add up to the cumulative figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.config import ProgrammeConfig
from research.domain.period import Quarter, quarters_between
from research.metrics.common import SharedTables, Tables, once
from research.metrics.coordination import own_contacts
from research.metrics.forecast import Forecast, forecast_total
from research.metrics.population import participant_facts, side_effect_people

EMPLOYED = ("employed", "self_employed")
UNEMPLOYED = ("unemployed", "long_term_unemployed")

EventDates = Callable[[Tables], pd.Series]


@dataclass(frozen=True)
class Indicator:
    key: str
    label_da: str
    label_en: str
    unit: str  # what is counted, for the definitions box
    events: EventDates
    forecastable: bool = True  # a stock (like the consultant corps) is not extrapolated


def _participants(t: Tables, statuses: tuple[str, ...] | None = None) -> pd.Series:
    facts = once(t, "facts", lambda: participant_facts(t["participants"], t["enrolments"]))
    if statuses is not None:
        facts = facts[facts["employment_status"].astype(str).isin(statuses)]
    return facts["entry_on"]


def _first_per_person(t: Tables, purpose: str, *, completed: bool) -> pd.Series:
    e = t["enrolments"]
    e = e[e["purpose"].astype(str) == purpose]
    if completed:
        e = e[e["exit_reason"].astype(str) == "completed"]
        return e.groupby("participant_id", observed=True, sort=False)["exit_on"].min()
    return e.groupby("participant_id", observed=True, sort=False)["started_on"].min()


def _side_effects(t: Tables, group: str) -> pd.Series:
    people = once(t, "side", lambda: side_effect_people(t["participants"], t["enrolments"]))
    return people.loc[people["group"] == group, "first_on"]


def _own_contacts(t: Tables) -> pd.Series:
    own = own_contacts(t["company_contacts"])
    return own.groupby("cvr", observed=True)["contact_date"].min()


def _workshops(t: Tables, kind: str) -> pd.Series:
    w = t["workshops"]
    return w.loc[w["kind"].astype(str) == kind, "held_on"]


def _consultants(t: Tables) -> pd.Series:
    c = t["consultants"]
    return c.loc[c["in_shared_concept"].fillna(False).astype(bool), "joined_on"]


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "participants",
        "Deltagere i alt",
        "Participants in total",
        "persons, once, from their first start in a lift or preparatory course (ESF rule)",
        _participants,
    ),
    Indicator(
        "participants_employed",
        "Beskæftigede deltagere",
        "Employed participants",
        "participants employed or self-employed at their first entry",
        lambda t: _participants(t, EMPLOYED),
    ),
    Indicator(
        "participants_unemployed",
        "Ledige deltagere",
        "Unemployed participants",
        "participants unemployed (incl. long-term) at their first entry",
        lambda t: _participants(t, UNEMPLOYED),
    ),
    Indicator(
        "rkv",
        "Gennemførte RKV'er",
        "Assessments of prior learning (RKV)",
        "RKV results of any type, on the day the assessment ended",
        lambda t: t["rkv_results"]["ended_on"],
    ),
    Indicator(
        "skilled_started",
        "Løft til faglært, påbegyndt",
        "Unskilled to skilled, started",
        "persons with a started enrolment whose purpose is the lift to skilled, at the first start",
        lambda t: _first_per_person(t, "skilled_lift", completed=False),
    ),
    Indicator(
        "skilled_completed",
        "Løft til faglært, gennemført",
        "Unskilled to skilled, completed",
        "persons who completed a lift-to-skilled enrolment with a qualification, at the exit",
        lambda t: _first_per_person(t, "skilled_lift", completed=True),
    ),
    Indicator(
        "academy_started",
        "Løft til akademiniveau, påbegyndt",
        "Skilled to academy level, started",
        "persons with a started academy-level enrolment, at the first start",
        lambda t: _first_per_person(t, "academy_lift", completed=False),
    ),
    Indicator(
        "academy_completed",
        "Løft til akademiniveau, gennemført",
        "Skilled to academy level, completed",
        "persons who completed an academy-level enrolment, at the exit",
        lambda t: _first_per_person(t, "academy_lift", completed=True),
    ),
    Indicator(
        "consultants",
        "Ledere og konsulenter i det fælles koncept",
        "Leaders and consultants in the shared concept",
        "leaders and consultants who joined the shared concept, on the day they joined",
        _consultants,
        forecastable=False,
    ),
    Indicator(
        "companies_contacted",
        "Virksomheder kontaktet af projektet",
        "Companies contacted by the project",
        "distinct companies, at this project's first contact",
        _own_contacts,
    ),
    Indicator(
        "networks",
        "Virksomhedsnetværk etableret",
        "Company networks established",
        "networks, on the day they were established",
        lambda t: t["networks"]["established_on"],
    ),
    Indicator(
        "companies_in_networks",
        "Virksomheder i netværk",
        "Companies in networks",
        "distinct companies, on the day they first joined a network",
        lambda t: t["network_memberships"].groupby("cvr", observed=True)["joined_on"].min(),
    ),
    Indicator(
        "ws1_held",
        "Workshops om behov (WS1) afholdt",
        "Needs workshops (WS1) held",
        "WS1 workshops, on the day held",
        lambda t: _workshops(t, "WS1"),
    ),
    Indicator(
        "ws2_held",
        "Beslutningsworkshops (WS2) afholdt",
        "Decision workshops (WS2) held",
        "WS2 workshops, on the day held",
        lambda t: _workshops(t, "WS2"),
    ),
    Indicator(
        "survey_responses",
        "Besvarelser af e-survey",
        "E-survey responses",
        "company responses, on the day answered",
        lambda t: t["survey_responses"]["answered_on"],
    ),
    Indicator(
        "competence_plans",
        "Virksomheder med kompetenceforsyningsplan",
        "Companies with a competence supply plan",
        "distinct companies, at their first plan",
        lambda t: t["competence_plans"].groupby("cvr", observed=True)["plan_date"].min(),
    ),
    Indicator(
        "side_effect_unskilled",
        "Sideeffekt: ufaglærte med AMU-kurser eller enkeltfag",
        "Side effect: unskilled with AMU courses or single subjects",
        "unskilled persons with a side-effect course, at the first (not counted in targets)",
        lambda t: _side_effects(t, "unskilled"),
    ),
    Indicator(
        "side_effect_skilled",
        "Sideeffekt: faglærte med specialiserede kompetencer",
        "Side effect: skilled with specialised competences",
        "skilled persons with a side-effect course, at the first (not counted in targets)",
        lambda t: _side_effects(t, "skilled"),
    ),
)

SIDE_EFFECT_KEYS = ("side_effect_unskilled", "side_effect_skilled")


def progress_series(tables: Tables, config: ProgrammeConfig, through: Quarter) -> pd.DataFrame:
    """Per indicator and quarter from the project start: new, cumulative and planned cumulative.

    ``planned`` is the target times the configured trajectory's share at the quarter's end (NaN
    where there is no target).
    """
    tables = SharedTables(tables)
    quarters = quarters_between(Quarter.containing(config.period.start), through)
    ends = pd.to_datetime([q.end for q in quarters])
    rows = []
    for indicator in INDICATORS:
        dates = pd.to_datetime(indicator.events(tables)).dropna().sort_values().to_numpy()
        cumulative = np.searchsorted(dates, ends.to_numpy(), side="right")
        new = np.diff(cumulative, prepend=0)  # anything before the start counts in quarter 1
        target = config.targets.get(indicator.key)
        for quarter, end, count, added in zip(quarters, ends, cumulative, new, strict=True):
            trajectory = config.trajectory_for(indicator.key)
            planned = (
                target.value * trajectory.expected_share(config.period, end.date())
                if target
                else np.nan
            )
            rows.append(
                {
                    "indicator": indicator.key,
                    "quarter": str(quarter),
                    "quarter_end": end,
                    "new": int(added),
                    "cumulative": int(count),
                    "planned": planned,
                }
            )
    return pd.DataFrame(rows)


def progress_table(tables: Tables, config: ProgrammeConfig, quarter: Quarter) -> pd.DataFrame:
    """One row per indicator at the end of ``quarter``: the summary the project manager signs.

    Columns: target, achieved (cumulative), new this quarter, change from last quarter's
    cumulative figure, expected by now (trajectory), share of target and of expected, traffic
    light (thresholds from the configuration), and the forecast to the project's end with its
    95 % interval and the probability of reaching the target (see ``forecast.forecast_total``).
    Side effects are listed with their indicative numbers but never counted towards targets.
    """
    series = progress_series(tables, config, quarter)
    rows = []
    last_quarter = Quarter.containing(config.period.end)
    for indicator in INDICATORS:
        own = series[series["indicator"] == indicator.key]
        now = own.iloc[-1]
        target = config.targets.get(indicator.key)
        expected = now["planned"]
        achieved = int(now["cumulative"])
        fc: Forecast | None = None
        if target and indicator.forecastable:
            plan = _planned_increments(config, indicator.key, len(own), last_quarter)
            fc = forecast_total(own["new"].to_numpy(), plan, target.value)
        rows.append(
            {
                "indicator": indicator.key,
                "label_da": indicator.label_da,
                "label_en": indicator.label_en,
                "definition": indicator.unit,
                "counts_towards_targets": bool(target and target.counts_towards_targets),
                "target": target.value if target else np.nan,
                "achieved": achieved,
                "new_in_quarter": int(now["new"]),
                "previous": achieved - int(now["new"]),
                "expected": expected,
                "share_of_target": achieved / target.value if target else np.nan,
                "share_of_expected": achieved / expected if target and expected > 0 else np.nan,
                "light": (
                    config.thresholds.light(achieved, expected).value
                    if target and target.counts_towards_targets
                    else None
                ),
                "forecast": fc.mean if fc else np.nan,
                "forecast_low": fc.low if fc else np.nan,
                "forecast_high": fc.high if fc else np.nan,
                "p_reach_target": fc.p_reach if fc else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _planned_increments(
    config: ProgrammeConfig, key: str, observed: int, last: Quarter
) -> tuple[np.ndarray, np.ndarray]:
    """The trajectory's planned share of the target gained in each observed and future quarter."""
    trajectory = config.trajectory_for(key)
    quarters = quarters_between(Quarter.containing(config.period.start), last)
    shares = np.array([trajectory.expected_share(config.period, q.end) for q in quarters])
    increments = np.diff(shares, prepend=0.0)
    return increments[:observed], increments[observed:]
