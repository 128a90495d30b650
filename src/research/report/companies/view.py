"""One company's share of the programme: everything its competence supply plan shows.

Why one function that selects first: a company document must never show another company's
data. ``company_view`` takes the company's own rows (its plans, its employees' education
plans, its contacts, its survey answers) and only the network-level rows of the networks it
belongs to (their workshop-2 decisions); the document's parts read nothing else. Persons are
known here only by their education plan's id: the pseudonym is used to join and then dropped.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.domain.codes import ExitReason, ProgrammeKind, Ws2Decision
from research.metrics.common import Tables
from research.metrics.competence import gaps_by_company
from research.report.companies.subject_areas import areas_for
from research.report.kit.context import ReportError

CONTACT_WINDOW = pd.DateOffset(months=12)  # "recent" contacts: the last 12 months
OFFER_KINDS = ("amu", "fvu", "avu", "access_course")  # courses a company can simply book


@dataclass(frozen=True)
class CompanyView:
    """The company's own data as of ``as_of`` (the quarter's last day)."""

    cvr: str
    name: str
    db07: str
    industry_group: int
    as_of: pd.Timestamp
    plan_date: pd.Timestamp | None
    previous_date: pd.Timestamp | None
    plan: pd.DataFrame  # subject_area, current, required, gap, employees, previous
    lifts: pd.DataFrame  # plan_id, programme_kind, education, track, credit_weeks, ...
    networks: pd.DataFrame  # network_id, name
    decisions: pd.DataFrame  # network_id, held_on, statement, decision, offer, own_rating
    offers: pd.DataFrame  # subject_area, gap, offers
    contacts: pd.DataFrame  # contact_date, institution, institution_type, kind, who
    extra: dict = field(default_factory=dict, repr=False)

    @functools.cached_property
    def gap_areas(self) -> list[str]:
        """Subject areas with a gap, largest first (then most employees, then by name)."""
        with_gap = self.plan[self.plan["gap"] > 0]
        ordered = with_gap.assign(_e=with_gap["employees"].fillna(-1)).sort_values(
            ["gap", "_e", "subject_area"], ascending=[False, False, True], kind="stable"
        )
        return ordered["subject_area"].tolist()


class _Index:
    """The programme's tables split once by company and by person, so that a kernel making
    hundreds of documents looks each company up instead of filtering every table each time."""

    def __init__(self, tables: Tables) -> None:
        def split(name: str, key: str) -> dict:
            frame = tables[name]
            return {k: g for k, g in frame.groupby(key, observed=True, sort=False)}

        self.tables = tables
        self.companies = tables["companies"].set_index("cvr", drop=False)
        self.plans = split("competence_plans", "cvr")
        self.people = split("participants", "cvr")
        self.contacts = split("company_contacts", "cvr")
        self.memberships = split("network_memberships", "cvr")
        self.responses = split("survey_responses", "cvr")
        self.education_plans = split("education_plans", "person_id")
        self.rkv = split("rkv_results", "person_id")
        self.enrolments = split("enrolments", "participant_id")
        self.answers = split("survey_answers", "response_id")
        self.empty = {name: frame.iloc[:0] for name, frame in tables.items()}
        self.network_names = tables["networks"].set_index("network_id")["name"]
        self.statement_texts = tables["survey_statements"].set_index("statement_id")["text"]
        self.consultant_names = tables["consultants"].set_index("consultant_id")["name"]
        self.project_names = tables["external_projects"].set_index("project_id")["name"]
        self._gaps: dict[pd.Timestamp, dict] = {}

    def gaps(self, cvr: str, as_of: pd.Timestamp) -> pd.DataFrame | None:
        """The company's latest plan per subject area as of ``as_of`` (``gaps_by_company``,
        worked out once for every company), or None when it had no plan by then."""
        if as_of not in self._gaps:
            plans = self.tables["competence_plans"]
            every = gaps_by_company(plans[plans["plan_date"] <= as_of])
            self._gaps[as_of] = {k: g for k, g in every.groupby("cvr", observed=True, sort=False)}
        return self._gaps[as_of].get(cvr)


class _TablesRef:
    """Hashable by identity, so the index is built once per loaded programme."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def __hash__(self) -> int:
        return id(self.tables)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _TablesRef) and other.tables is self.tables


@functools.lru_cache(maxsize=2)
def _index_for(ref: _TablesRef) -> _Index:
    return _Index(ref.tables)


def _ref(tables: Tables) -> _TablesRef:
    return _TablesRef(tables)


def _index(tables: Tables) -> _Index:
    return _index_for(_ref(tables))


def companies_with_plan(tables: Tables, as_of: pd.Timestamp, network: str | None = None) -> list:
    """CVR numbers of the companies with a competence supply plan on or before ``as_of``,
    optionally only the members of ``network`` (on ``as_of``), sorted."""
    plans = tables["competence_plans"]
    cvrs = set(plans.loc[plans["plan_date"] <= as_of, "cvr"])
    if network:
        members = _members_on(tables["network_memberships"], as_of)
        cvrs &= set(members.loc[members["network_id"] == network, "cvr"])
    return sorted(cvrs)


def _members_on(memberships: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    return memberships[
        (memberships["joined_on"] <= as_of)
        & (memberships["left_on"].isna() | (memberships["left_on"] >= as_of))
    ]


def company_view(tables: Tables, cvr: str, as_of: pd.Timestamp) -> CompanyView:
    """The company ``cvr``'s own data as of ``as_of``; a ReportError when it is unknown."""
    ix = _index(tables)
    cvr = str(cvr).strip()
    if cvr not in ix.companies.index:
        raise ReportError(f"no company with CVR number {cvr!r} in the database")
    company = ix.companies.loc[cvr]
    plans = ix.plans.get(cvr, ix.empty["competence_plans"])
    plan, plan_date, previous_date = _plan(plans, ix.gaps(cvr, as_of), as_of)
    gap_areas = set(plan.loc[plan["gap"] > 0, "subject_area"])
    networks = _networks(ix, cvr, as_of)
    decisions = _decisions(ix, cvr, networks, as_of)
    return CompanyView(
        cvr=cvr,
        name=str(company["name"]),
        db07=str(company["db07"]),
        industry_group=int(company["industry_group"]),
        as_of=as_of,
        plan_date=plan_date,
        previous_date=previous_date,
        plan=plan,
        lifts=_lifts(ix, cvr, as_of, gap_areas),
        networks=networks,
        decisions=decisions,
        offers=_offers(ix, plan, decisions),
        contacts=_contacts(ix, cvr, as_of),
    )


def _plan(
    plans: pd.DataFrame, gaps: pd.DataFrame | None, as_of: pd.Timestamp
) -> tuple[pd.DataFrame, pd.Timestamp | None, pd.Timestamp | None]:
    """The latest plan per subject area (``gaps``: ``metrics.competence``, as in the quarterly
    report) and the current level of the plan before the latest, where there was one."""
    columns = ["subject_area", "current", "required", "gap", "employees", "previous"]
    known = plans[plans["plan_date"] <= as_of]
    if known.empty or gaps is None:
        return pd.DataFrame(columns=columns), None, None
    dates = sorted(known["plan_date"].unique())
    plan_date = pd.Timestamp(dates[-1])
    previous_date = pd.Timestamp(dates[-2]) if len(dates) > 1 else None
    out = pd.DataFrame(
        {
            "subject_area": gaps["subject_area"].astype(str),
            "current": gaps["current_level"].astype(int),
            "required": gaps["required_level"].astype(int),
            "gap": gaps["gap"].astype(int),
            "employees": gaps["employees_concerned"].astype("Int64"),
        }
    )
    if previous_date is not None:
        before = known[known["plan_date"] == previous_date].set_index("subject_area")
        out["previous"] = out["subject_area"].map(before["current_level"]).astype("Int64")
    else:
        out["previous"] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out[columns].reset_index(drop=True), plan_date, previous_date


def _status(enrolment: pd.Series | None, start_on: pd.Timestamp, as_of: pd.Timestamp) -> str:
    """A status key: planned, running, not_started, or an exit reason's code."""
    if enrolment is None or enrolment["started_on"] > as_of:
        return "planned" if start_on > as_of else "not_started"
    if pd.isna(enrolment["exit_on"]) or enrolment["exit_on"] > as_of:
        return "running"
    return str(enrolment["exit_reason"])


def _lifts(ix: _Index, cvr: str, as_of: pd.Timestamp, gap_areas: set[str]) -> pd.DataFrame:
    """One row per education plan of the company's employees (known by the quarter's end: its
    RKV ended, or its start, on or before ``as_of``); never the person's pseudonym."""
    columns = [
        "plan_id",
        "programme_kind",
        "education",
        "track",
        "credit_weeks",
        "start_on",
        "school_periods",
        "expected_end",
        "status",
        "closes",
    ]
    people = ix.people.get(cvr, ix.empty["participants"])
    rows = []
    for person in people["participant_id"]:
        plans = ix.education_plans.get(person)
        if plans is None:
            continue
        rkvs = ix.rkv.get(person, ix.empty["rkv_results"])
        rkvs = rkvs[rkvs["ended_on"] <= as_of]
        enrolments = ix.enrolments.get(person, ix.empty["enrolments"])
        for plan in plans.itertuples(index=False):
            rkv = rkvs[rkvs["target_education"] == plan.education].sort_values("ended_on")
            if plan.start_on > as_of and rkv.empty:
                continue  # not known yet at the quarter's end
            mine = enrolments[
                (enrolments["education"] == plan.education)
                & (enrolments["programme_kind"].astype(str) == str(plan.programme_kind))
            ].sort_values("started_on")
            enrolment = mine.iloc[-1] if len(mine) else None
            track = None
            if enrolment is not None and not pd.isna(enrolment["euv_track"]):
                track = str(enrolment["euv_track"])
            elif len(rkv) and not pd.isna(rkv.iloc[-1]["track_decided"]):
                track = str(rkv.iloc[-1]["track_decided"])
            credit = rkv.iloc[-1]["credit_weeks"] if len(rkv) else np.nan
            areas = areas_for(f"{plan.education} {plan.subjects or ''}", str(plan.programme_kind))
            rows.append(
                (
                    plan.plan_id,
                    str(plan.programme_kind),
                    plan.education,
                    track,
                    credit,
                    plan.start_on,
                    plan.school_periods,
                    plan.expected_end,
                    _status(enrolment, plan.start_on, as_of),
                    [a for a in areas if a in gap_areas],
                )
            )
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["start_on", "plan_id"], kind="stable").reset_index(drop=True)


def _networks(ix: _Index, cvr: str, as_of: pd.Timestamp) -> pd.DataFrame:
    mine = _members_on(ix.memberships.get(cvr, ix.empty["network_memberships"]), as_of)
    names = ix.network_names
    ids = sorted(set(mine["network_id"]))
    return pd.DataFrame({"network_id": ids, "name": [str(names.get(i, i)) for i in ids]})


def _decisions(ix: _Index, cvr: str, networks: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The workshop-2 decisions of the company's networks (held on or before ``as_of``), each
    with the company's own rating of the statement it answers (never another member's)."""
    columns = ["network_id", "held_on", "statement", "decision", "offer", "own_rating"]
    t = ix.tables
    workshops = t["workshops"]
    ws2 = workshops[
        workshops["network_id"].isin(networks["network_id"])
        & (workshops["kind"].astype(str) == "WS2")
        & (workshops["held_on"] <= as_of)
    ]
    decisions = t["ws2_decisions"]
    decisions = decisions[decisions["workshop_id"].isin(ws2["workshop_id"])]
    if decisions.empty:
        return pd.DataFrame(columns=columns)
    decisions = decisions.merge(ws2[["workshop_id", "network_id", "held_on"]], on="workshop_id")
    texts = ix.statement_texts
    responses = ix.responses.get(cvr, ix.empty["survey_responses"])
    rating = {
        row.statement_id: ("dont_know" if row.dont_know else int(row.relevance))
        for response in responses["response_id"]
        for row in ix.answers.get(response, ix.empty["survey_answers"]).itertuples(index=False)
    }
    out = pd.DataFrame(
        {
            "network_id": decisions["network_id"].to_numpy(),
            "held_on": decisions["held_on"].to_numpy(),
            "statement": [
                None if pd.isna(s) else str(texts.get(s, s)) for s in decisions["statement_id"]
            ],
            "decision": [str(d) for d in decisions["decision"]],
            "offer": decisions["offer"].to_numpy(),
            "own_rating": [
                None if pd.isna(s) else rating.get(s) for s in decisions["statement_id"]
            ],
        }
    )
    return out.sort_values(["network_id", "held_on"], kind="stable").reset_index(drop=True)


@functools.lru_cache(maxsize=2)
def _catalogue_for(ref: _TablesRef) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The bookable courses in the data (AMU, FVU, AVU, access courses): names only."""
    enrolments = ref.tables["enrolments"]
    courses = enrolments[enrolments["programme_kind"].astype(str).isin(OFFER_KINDS)]
    pairs = courses[["education", "programme_kind"]].drop_duplicates()
    return tuple(
        sorted(
            (str(e), tuple(areas_for(str(e), str(k))))
            for e, k in pairs.itertuples(index=False, name=None)
        )
    )


def _offers(ix: _Index, plan: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Per subject area with a gap: the offers that work on it, the network's own decisions'
    offers first (they were chosen for this network), then the catalogue's courses."""
    columns = ["subject_area", "gap", "offers"]
    ref = _ref(ix.tables)
    network_offers = [
        (str(o), tuple(areas_for(str(o))))
        for o in dict.fromkeys(decisions["offer"].dropna())
        if str(o).strip()
    ]
    known = [*network_offers, *_catalogue_for(ref)]
    rows = []
    for area in plan.loc[plan["gap"] > 0].itertuples(index=False):
        matched = list(dict.fromkeys(name for name, areas in known if area.subject_area in areas))
        if matched:
            rows.append((area.subject_area, int(area.gap), matched))
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["gap", "subject_area"], ascending=[False, True], kind="stable")


def _contacts(ix: _Index, cvr: str, as_of: pd.Timestamp) -> pd.DataFrame:
    """Every contact with the company on or before ``as_of``, newest first, with who made it:
    the project's consultant by name, another project by its name."""
    columns = ["contact_date", "institution", "institution_type", "kind", "who", "own_project"]
    mine = ix.contacts.get(cvr, ix.empty["company_contacts"])
    mine = mine[mine["contact_date"] <= as_of]
    consultants, projects = ix.consultant_names, ix.project_names
    who = []
    for row in mine.itertuples(index=False):
        if bool(row.own_project) and not pd.isna(row.consultant_id):
            who.append(("consultant", str(consultants.get(row.consultant_id, row.consultant_id))))
        elif not pd.isna(row.external_project_id):
            who.append(("project", str(projects.get(row.external_project_id, ""))))
        else:
            who.append(("none", ""))
    out = pd.DataFrame(
        {
            "contact_date": mine["contact_date"].to_numpy(),
            "institution": mine["institution"].astype(str).to_numpy(),
            "institution_type": mine["institution_type"].astype(str).to_numpy(),
            "kind": mine["kind"].astype(str).to_numpy(),
            "who": who,
            "own_project": mine["own_project"].fillna(False).astype(bool).to_numpy(),
        },
        columns=columns,
    )
    return out.sort_values("contact_date", ascending=False, kind="stable").reset_index(drop=True)


def status_label(key: str, lang: str) -> str:
    """A lift's status in words: planned, in training, not started, or how it ended."""
    from research.report.companies.words import say

    if key in ("planned", "running", "not_started"):
        return say(f"status_{key}", lang)
    return ExitReason(key).label(lang)


def decision_label(code: str, lang: str) -> str:
    return Ws2Decision(code).label(lang)


def programme_label(code: str, lang: str) -> str:
    return ProgrammeKind(code).label(lang)
