"""One network's share of the programme: everything its workshop-2 brief shows.

Why select first: a brief is read by the network's facilitators and may be shown at the
workshop, so it shows the network as a whole and nothing of other networks. ``network_view``
keeps only the network's own statements, responses, answers, workshops and decisions and its
members' plans, and the metrics (``metrics.survey``, ``metrics.competence``) run on those.
Company plans are confidential business data: a subject area enters the shared spider only
when at least ``MIN_COMPANIES`` members have a plan for it, so no member's levels can be read
off the means; a statement's figures likewise need ``MIN_COMPANIES`` answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from research.metrics.common import Tables
from research.metrics.competence import gaps_by_network
from research.metrics.survey import (
    ranked_needs,
    response_rate,
    statement_results,
    theme_reliability,
)
from research.report.kit.context import ReportError

MIN_COMPANIES = 3
SHARED_BY = 0.5  # "gaps shared by most members": at least half of the companies with a plan


@dataclass(frozen=True)
class NetworkView:
    """The network's own figures as of ``as_of``."""

    network_id: str
    name: str
    theme: str
    partner: str
    as_of: pd.Timestamp
    response: pd.Series | None  # metrics.survey.response_rate's row, None without responses
    representativeness: pd.DataFrame  # size_band, members, responders
    statements: pd.DataFrame  # rank, statement_id, theme, text, mean, share_high, ci, dont_know
    reliability: pd.DataFrame  # metrics.survey.theme_reliability's rows
    gaps: pd.DataFrame  # metrics.competence.gaps_by_network's rows with n >= MIN_COMPANIES
    decisions: pd.DataFrame  # held_on, statement_id, text, decision, offer


def network_tables(tables: Tables, network_id: str, as_of: pd.Timestamp) -> Tables:
    """The tables as if this network (its rows up to ``as_of``) were the whole programme."""
    own: Tables = {}
    for name in ("networks", "survey_statements", "workshops", "network_memberships"):
        frame = tables[name]
        own[name] = frame[frame["network_id"] == network_id].reset_index(drop=True)
    workshops = own["workshops"]
    own["workshops"] = workshops[workshops["held_on"] <= as_of].reset_index(drop=True)
    responses = tables["survey_responses"]
    own["survey_responses"] = responses[
        (responses["network_id"] == network_id) & (responses["answered_on"] <= as_of)
    ].reset_index(drop=True)
    answers = tables["survey_answers"]
    own["survey_answers"] = answers[
        answers["response_id"].isin(own["survey_responses"]["response_id"])
        & answers["statement_id"].isin(own["survey_statements"]["statement_id"])
    ].reset_index(drop=True)
    decisions = tables["ws2_decisions"]
    own["ws2_decisions"] = decisions[
        decisions["workshop_id"].isin(own["workshops"]["workshop_id"])
    ].reset_index(drop=True)
    members = set(own["network_memberships"]["cvr"])
    plans = tables["competence_plans"]
    own["competence_plans"] = plans[
        plans["cvr"].isin(members) & (plans["plan_date"] <= as_of)
    ].reset_index(drop=True)
    companies = tables["companies"]
    own["companies"] = companies[companies["cvr"].isin(members)].reset_index(drop=True)
    return own


def network_view(tables: Tables, network_id: str, as_of: pd.Timestamp) -> NetworkView:
    """The network ``network_id``'s brief data; a ReportError when it is unknown."""
    networks = tables["networks"]
    if network_id not in set(networks["network_id"]):
        raise ReportError(f"no network {network_id!r} in the database")
    own = network_tables(tables, network_id, as_of)
    row = own["networks"].iloc[0]
    rates = response_rate(own["survey_responses"], own["network_memberships"], own["networks"])
    rate = rates.iloc[0] if len(rates) and pd.notna(rates.iloc[0]["n"]) else None
    return NetworkView(
        network_id=network_id,
        name=str(row["name"]),
        theme=str(row["theme"]),
        partner=str(row["partner_id"]),
        as_of=as_of,
        response=rate,
        representativeness=_representativeness(own, rate),
        statements=_statements(own),
        reliability=theme_reliability(own["survey_answers"], own["survey_statements"]),
        gaps=_gaps(own, as_of),
        decisions=_decisions(own),
    )


def _representativeness(own: Tables, rate: pd.Series | None) -> pd.DataFrame:
    """Members invited to the survey and those who answered, by company size band."""
    columns = ["size_band", "members", "responders"]
    if rate is None:
        return pd.DataFrame(columns=columns)
    first = rate["first_response_on"]
    members = own["network_memberships"]
    invited = set(
        members.loc[
            (members["joined_on"] <= first)
            & (members["left_on"].isna() | (members["left_on"] >= first)),
            "cvr",
        ]
    )
    answered = set(own["survey_responses"]["cvr"]) & invited
    bands = own["companies"].set_index("cvr")["size_band"].astype("string")
    frame = pd.DataFrame({"cvr": sorted(invited)})
    frame["size_band"] = frame["cvr"].map(bands).fillna("unknown")
    frame["responded"] = frame["cvr"].isin(answered)
    out = (
        frame.groupby("size_band", sort=False)
        .agg(members=("cvr", "size"), responders=("responded", "sum"))
        .reset_index()
    )
    order = {"micro": 0, "small": 1, "medium": 2, "large": 3, "unknown": 4}
    return out.sort_values("size_band", key=lambda s: s.map(order)).reset_index(drop=True)[columns]


def _statements(own: Tables) -> pd.DataFrame:
    ranked = ranked_needs(own["survey_answers"], own["survey_statements"])
    results = statement_results(own["survey_answers"], own["survey_statements"])
    extra = results.set_index("statement_id")[["ci_low", "ci_high", "share_dont_know"]]
    out = ranked.join(extra, on="statement_id")
    few = out["n_rating"] < MIN_COMPANIES
    for column in ("mean_relevance", "share_high", "ci_low", "ci_high"):
        out[column] = out[column].where(~few)
    out["rank"] = out["rank"].where(~few)
    return out.sort_values("rank", na_position="last", kind="stable").reset_index(drop=True)


def _gaps(own: Tables, as_of: pd.Timestamp) -> pd.DataFrame:
    gaps = gaps_by_network(own["competence_plans"], own["network_memberships"], as_of)
    return gaps[gaps["n"] >= MIN_COMPANIES].reset_index(drop=True)


def _decisions(own: Tables) -> pd.DataFrame:
    columns = ["held_on", "statement_id", "text", "decision", "offer"]
    decisions = own["ws2_decisions"]
    if decisions.empty:
        return pd.DataFrame(columns=columns)
    held = own["workshops"].set_index("workshop_id")["held_on"]
    texts = own["survey_statements"].set_index("statement_id")["text"]
    out = pd.DataFrame(
        {
            "held_on": decisions["workshop_id"].map(held).to_numpy(),
            "statement_id": decisions["statement_id"].to_numpy(),
            "text": [None if pd.isna(s) else texts.get(s) for s in decisions["statement_id"]],
            "decision": decisions["decision"].astype(str).to_numpy(),
            "offer": decisions["offer"].to_numpy(),
        }
    )
    return out.sort_values(["held_on", "statement_id"], kind="stable").reset_index(drop=True)


def networks_with_members(tables: Tables, as_of: pd.Timestamp) -> list[str]:
    """Every network established on or before ``as_of``, sorted."""
    networks = tables["networks"]
    return sorted(networks.loc[networks["established_on"] <= as_of, "network_id"])
