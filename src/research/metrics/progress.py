"""Progress against the targets (måltal), quarter by quarter, with a forecast to the end.

Most indicators are defined by one date per counted unit: the day that unit starts to count.
Cumulative progress at a quarter is then simply the number of dates up to the quarter's last
day, so the quarterly increments always add up to the cumulative figures.

Some indicators are *stocks* (``Indicator.stock``): units present on the quarter's last day,
who may leave again (companies in a network now, consultants still in the corps, lifts started
and not dropped, side-effect persons not yet participants). Their "new" is the net change in
the quarter, and they are not forecast (the quasi-Poisson model needs counts that only grow).

At and after the project's end a traffic light compares what was achieved with the target
itself: a target is green only when it is reached (``Thresholds.final_light``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.coerce import QuarterLike, as_quarter
from research.config import ProgrammeConfig
from research.domain.period import Quarter, quarters_between
from research.domain.rules import EMPLOYED, UNEMPLOYED
from research.metrics.common import SharedTables, Tables, once
from research.metrics.coordination import own_contacts
from research.metrics.forecast import Forecast, forecast_total
from research.metrics.population import counted_enrolments, side_effect_people
from research.metrics.stocks import present_on

EventDates = Callable[[Tables], pd.Series]
StockCounts = Callable[[Tables, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Indicator:
    """One row of the progress table: either dated events (``events``) or a stock (``stock``:
    the number present on each of the given days)."""

    key: str
    label_da: str
    label_en: str
    unit: str  # what is counted, for the definitions box
    events: EventDates | None = None
    forecastable: bool = True  # a stock (like the consultant corps) is not extrapolated
    stock: StockCounts | None = None

    def counts_at(self, tables: Tables, ends: np.ndarray) -> np.ndarray:
        """The cumulative (events) or present (stock) count at each of ``ends``."""
        if self.stock is not None:
            return self.stock(tables, ends)
        assert self.events is not None
        dates = pd.to_datetime(self.events(tables)).dropna().sort_values().to_numpy()
        return np.searchsorted(dates, ends, side="right")


def _participants(t: Tables, statuses: tuple[str, ...] | None = None) -> pd.Series:
    entries = once(t, "entries", lambda: _entries(t["participants"], t["enrolments"]))
    if statuses is not None:
        entries = entries[entries["employment_status"].astype(str).isin(statuses)]
    return entries["entry_on"]


def _entries(participants: pd.DataFrame, enrolments: pd.DataFrame) -> pd.DataFrame:
    """Each counted participant's first counted start and status at entry: the part of
    ``participant_facts`` the participant indicators read (the rest costs ten times more, and
    the report asks for the series of every scope several times)."""
    counted = counted_enrolments(enrolments)
    counted = counted[counted["started_on"].notna()]
    first = counted.groupby("participant_id", observed=True, sort=False)["started_on"].min()
    position = pd.Index(first.index.astype(str)).get_indexer(
        participants["participant_id"].astype(str)
    )
    keep = position >= 0
    return pd.DataFrame(
        {
            "employment_status": participants["employment_status"].to_numpy()[keep],
            "entry_on": first.to_numpy()[position[keep]],
        }
    )


def _first_per_person(t: Tables, purpose: str, *, completed: bool) -> pd.Series:
    e = t["enrolments"]
    e = e[(e["purpose"] == purpose).to_numpy(dtype=bool)]
    if completed:
        e = e[(e["exit_reason"] == "completed").to_numpy(dtype=bool)]
        return e.groupby("participant_id", observed=True, sort=False)["exit_on"].min()
    return e.groupby("participant_id", observed=True, sort=False)["started_on"].min()


LIFT_EXITS_THAT_COUNT = ("completed",)


def _lift_in_training_or_completed(purpose: str) -> StockCounts:
    """Persons who started a ``purpose`` lift and, on the day, completed it or still follow it.

    The application's reading of "started": "I projektperioden vil vi uddanne 500 fra ufaglært
    til faglært. Yderligere 500 vil starte op på uddannelse under projektperioden, men de vil
    først blive færdige efter projektet er afsluttet" — completed plus still in training; a
    lift left without completing (dropped out, left for a job, other) stops counting on its exit
    day.
    """

    def count(t: Tables, ends: np.ndarray) -> np.ndarray:
        e = t["enrolments"]
        e = e[(e["purpose"] == purpose).to_numpy(dtype=bool)]
        done = e["exit_reason"].astype(str).isin(LIFT_EXITS_THAT_COUNT).to_numpy(dtype=bool)
        stop = e["exit_on"].where(~done)  # a completed lift counts for good
        return present_on(
            e["participant_id"], e["started_on"], stop, ends, present_on_leaving_day=False
        )

    return count


def _side_effects(group: str) -> StockCounts:
    """Side-effect persons of ``group`` on each day: from their first side-effect course until
    they become counted participants (a person who later starts a lift or a preparatory course
    moves out of the side effects)."""

    def count(t: Tables, ends: np.ndarray) -> np.ndarray:
        people = once(t, "side", lambda: side_effect_people(t["participants"], t["enrolments"]))
        own = people[people["group"] == group]
        return present_on(
            own["participant_id"],
            own["first_on"],
            own["participant_from"],
            ends,
            present_on_leaving_day=False,
        )

    return count


def _first_rkv(t: Tables) -> pd.Series:
    """Each assessed person once, on the day their first RKV ended."""
    r = t["rkv_results"]
    return r.groupby("person_id", observed=True, sort=False)["ended_on"].min()


def _consultants_present(t: Tables, ends: np.ndarray) -> np.ndarray:
    c = t["consultants"]
    c = c[c["in_shared_concept"].fillna(False).astype(bool)]
    return present_on(
        c["consultant_id"], c["joined_on"], c["left_on"], ends, present_on_leaving_day=True
    )


def _companies_in_networks_now(t: Tables, ends: np.ndarray) -> np.ndarray:
    m = t["network_memberships"]
    return present_on(m["cvr"], m["joined_on"], m["left_on"], ends, present_on_leaving_day=True)


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
        "Personer med RKV",
        "Persons assessed (RKV)",
        "persons with an RKV result of any type, once each, on the day their first RKV ended "
        '(the application: RKV "for ca. 1.500 deltagere")',
        _first_rkv,
    ),
    Indicator(
        "skilled_started",
        "Løft til faglært, påbegyndt (gennemført eller i gang)",
        "Unskilled to skilled, started (completed or in training)",
        "persons who started a lift to skilled and, at the quarter's end, have completed it or "
        "are still in training; a lift left without completing stops counting on its exit day "
        "(the application's reading)",
        stock=_lift_in_training_or_completed("skilled_lift"),
        forecastable=False,
    ),
    Indicator(
        "skilled_started_all",
        "Løft til faglært, alle påbegyndte (inkl. frafald)",
        "Unskilled to skilled, all starts (dropouts included)",
        "persons with a started enrolment whose purpose is the lift to skilled, at the first "
        "start, dropouts included (no target)",
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
        "Løft til akademiniveau, påbegyndt (gennemført eller i gang)",
        "Skilled to academy level, started (completed or in training)",
        "persons who started an academy-level lift and, at the quarter's end, have completed it "
        "or are still in training; a lift left without completing stops counting on its exit "
        "day (the application's reading)",
        stock=_lift_in_training_or_completed("academy_lift"),
        forecastable=False,
    ),
    Indicator(
        "academy_started_all",
        "Løft til akademiniveau, alle påbegyndte (inkl. frafald)",
        "Skilled to academy level, all starts (dropouts included)",
        "persons with a started academy-level enrolment, at the first start, dropouts included "
        "(no target)",
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
        "Ledere og konsulenter i det fælles koncept, nogensinde med (kumuleret)",
        "Leaders and consultants in the shared concept, ever joined (cumulative)",
        "leaders and consultants who joined the shared concept, on the day they joined, also "
        "those who have left since",
        _consultants,
        forecastable=False,
    ),
    Indicator(
        "consultants_current",
        "Ledere og konsulenter i det fælles koncept, med nu",
        "Leaders and consultants in the shared concept, now",
        "leaders and consultants in the shared concept on the quarter's last day (joined by "
        "then, not left before it; no target)",
        stock=_consultants_present,
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
        "Virksomheder, der har været i et netværk (kumuleret)",
        "Companies that have been in a network (cumulative)",
        "distinct companies, on the day they first joined a network, also those that have "
        "left since",
        lambda t: t["network_memberships"].groupby("cvr", observed=True)["joined_on"].min(),
    ),
    Indicator(
        "companies_in_networks_current",
        "Virksomheder i et netværk nu",
        "Companies in a network now",
        "distinct companies member of at least one network on the quarter's last day (joined "
        "by then, not left before it)",
        stock=_companies_in_networks_now,
        forecastable=False,
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
        "unskilled persons (H10/H15/H20/H29) with a side-effect course who are not counted "
        "participants on the quarter's last day (not counted in targets)",
        stock=_side_effects("unskilled"),
        forecastable=False,
    ),
    Indicator(
        "side_effect_skilled",
        "Sideeffekt: faglærte med specialiserede kompetencer",
        "Side effect: skilled with specialised competences",
        "skilled persons (H30/H35) with a side-effect course who are not counted participants "
        "on the quarter's last day (not counted in targets)",
        stock=_side_effects("skilled"),
        forecastable=False,
    ),
    Indicator(
        "side_effect_other",
        "Sideeffekt: videregående eller uoplyst uddannelse",
        "Side effect: higher or unknown education",
        "persons with higher (H40-H80) or unknown (H90) education with a side-effect course "
        "who are not counted participants on the quarter's last day (no target; not counted "
        "in targets)",
        stock=_side_effects("other"),
        forecastable=False,
    ),
)

SIDE_EFFECT_KEYS = ("side_effect_unskilled", "side_effect_skilled", "side_effect_other")


def progress_series(tables: Tables, config: ProgrammeConfig, through: QuarterLike) -> pd.DataFrame:
    """Per indicator and quarter from the project start: new, cumulative and planned cumulative.

    ``planned`` is the target times the configured trajectory's share at the quarter's end (NaN
    where there is no target). ``through`` is a Quarter or a string such as ``"2026Q3"``.

    Given a ``SharedTables``, every quarter to the project's end is counted once for those
    tables, and each later call (another quarter, ``progress_table``, last quarter's table) is
    a slice of that: the report asks for the series of each scope several times.
    """
    through = as_quarter(through, "through")
    if not isinstance(tables, SharedTables):
        return _series(SharedTables(tables), config, through)
    last = max(through, Quarter.containing(config.period.end))
    made = once(
        tables,
        ("progress_series", id(config), str(last)),
        lambda: (config, _series(tables, config, last)),
    )
    kept_for, series = made
    if kept_for is not config:  # another configuration with the same id: count again
        return _series(tables, config, through)
    shown = series["quarter_end"].to_numpy() <= np.datetime64(pd.Timestamp(through.end))
    return series[shown].reset_index(drop=True)


def _series(tables: SharedTables, config: ProgrammeConfig, through: Quarter) -> pd.DataFrame:
    """``progress_series`` counted through ``through``."""
    return series_from_counts(
        config, through, lambda indicator, ends: indicator.counts_at(tables, ends)
    )


def series_from_counts(
    config: ProgrammeConfig,
    through: Quarter,
    counts_at: Callable[[Indicator, np.ndarray], np.ndarray],
) -> pd.DataFrame:
    """The series frame from each indicator's counts at the quarter ends (``counts_at``),
    whether pandas counted them (``progress_series``) or the store (``progress_store``)."""
    quarters = quarters_between(Quarter.containing(config.period.start), through)
    ends = pd.to_datetime([q.end for q in quarters])
    cumulative, planned = [], []
    for indicator in INDICATORS:  # each indicator's every quarter in one pass
        cumulative.append(np.asarray(counts_at(indicator, ends.to_numpy()), dtype=np.int64))
        target = config.targets.get(indicator.key)
        if target:
            trajectory = config.trajectory_for(indicator.key)
            shares = [trajectory.expected_share(config.period, end.date()) for end in ends]
            planned.append(np.array([target.value * share for share in shares], dtype=float))
        else:
            planned.append(np.full(len(quarters), np.nan))
    counts = np.stack(cumulative)
    new = np.diff(counts, axis=1, prepend=0)  # anything before the start counts in quarter 1
    keys = np.array([indicator.key for indicator in INDICATORS], dtype=object)
    return pd.DataFrame(
        {
            "indicator": np.repeat(keys, len(quarters)),
            "quarter": np.tile(np.array([str(q) for q in quarters], dtype=object), len(keys)),
            "quarter_end": np.tile(ends.to_numpy(), len(keys)),
            "new": new.ravel(),
            "cumulative": counts.ravel(),
            "planned": np.concatenate(planned),
        }
    )


def progress_table(
    tables: Tables | None,
    config: ProgrammeConfig,
    quarter: QuarterLike,
    *,
    series: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per indicator at the end of ``quarter``: the summary the project manager signs.

    Columns: target, achieved (cumulative), new this quarter, change from last quarter's
    cumulative figure, expected by now (trajectory), share of target and of expected, traffic
    light (thresholds from the configuration), and the forecast to the project's end with its
    95 % interval and the probability of reaching the target (see ``forecast.forecast_total``).
    Side effects are listed with their indicative numbers but never counted towards targets.
    ``quarter`` is a Quarter or a string such as ``"2026Q3"``. ``series``: the series already
    counted (by ``progress_series`` or ``progress_store.progress_series_from_store``) through
    at least ``quarter``, instead of the tables.
    """
    quarter = as_quarter(quarter)
    if series is None:
        assert tables is not None, "progress_table needs the tables or their series"
        series = progress_series(tables, config, quarter)
    else:  # the series through this quarter (``progress_store`` counts it in the store)
        series = series[series["quarter_end"] <= pd.Timestamp(quarter.end)]
    rows = []
    last_quarter = Quarter.containing(config.period.end)
    ended = quarter.end >= config.period.end
    # each indicator's rows, split once (not one boolean filter over the series per indicator)
    rows_of = {key: own for key, own in series.groupby("indicator", sort=False)}
    for indicator in INDICATORS:
        own = rows_of[indicator.key]
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
                    _light(config, achieved, expected, target.value, ended).value
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


def _light(config: ProgrammeConfig, achieved: int, expected: float, target: float, ended: bool):
    """Against the trajectory while the project runs; against the target itself from its end."""
    if ended:
        return config.thresholds.final_light(achieved, target)
    return config.thresholds.light(achieved, expected)


def _planned_increments(
    config: ProgrammeConfig, key: str, observed: int, last: Quarter
) -> tuple[np.ndarray, np.ndarray]:
    """The trajectory's planned share of the target gained in each observed and future quarter."""
    trajectory = config.trajectory_for(key)
    quarters = quarters_between(Quarter.containing(config.period.start), last)
    shares = np.array([trajectory.expected_share(config.period, q.end) for q in quarters])
    increments = np.diff(shares, prepend=0.0)
    return increments[:observed], increments[observed:]
