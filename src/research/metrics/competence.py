"""Competence supply plans (activity 3): gaps per company and per network, and the "spider".

A plan states, per company and subject area, the current and the required competence level
(1-5) and how many employees it concerns. A company may revise its plan: every figure here
uses each company's **latest plan per subject area** (the one with the latest ``plan_date``,
on or before ``as_of`` when given). The gap is max(required - current, 0): a company above the
required level has no gap, not a negative one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.metrics.common import CONFIDENCE, wilson_interval


def latest_plans(plans: pd.DataFrame, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """Each company's latest plan per subject area (plan_date on or before ``as_of``)."""
    if as_of is not None:
        plans = plans[plans["plan_date"] <= pd.Timestamp(as_of)]
    ordered = plans.sort_values(["cvr", "subject_area", "plan_date"], kind="stable")
    return ordered.groupby(["cvr", "subject_area"], observed=True).tail(1).reset_index(drop=True)


def gaps_by_company(plans: pd.DataFrame, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """Per company and subject area (latest plan): current, required, gap, employees concerned.

    ``gap`` = max(required_level - current_level, 0). ``n`` is 1 (one company per row): this is
    microdata for further analysis, not a table to publish.
    """
    columns = [
        "cvr",
        "subject_area",
        "plan_date",
        "current_level",
        "required_level",
        "gap",
        "employees_concerned",
        "n",
    ]
    latest = latest_plans(plans, as_of)
    kept = ["cvr", "subject_area", "plan_date", "current_level", "required_level"]
    out = latest[[*kept, "employees_concerned"]].copy()
    out["gap"] = (out["required_level"] - out["current_level"]).clip(lower=0).astype("Int64")
    out["n"] = 1
    return out[columns].sort_values(["cvr", "subject_area"]).reset_index(drop=True)


def _members(memberships: pd.DataFrame, as_of: pd.Timestamp | str | None) -> pd.DataFrame:
    """Network members on ``as_of``; without it, members who have not left."""
    if as_of is None:
        on_day = memberships["left_on"].isna()
    else:
        stamp = pd.Timestamp(as_of)
        on_day = (memberships["joined_on"] <= stamp) & (
            memberships["left_on"].isna() | (memberships["left_on"] >= stamp)
        )
    return memberships.loc[on_day, ["network_id", "cvr"]].drop_duplicates()


def gaps_by_network(
    plans: pd.DataFrame,
    memberships: pd.DataFrame,
    as_of: pd.Timestamp | str | None = None,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Per network and subject area: the member companies' competence levels and gaps.

    Unit: a member company with a plan for the subject area (its latest plan, as of ``as_of``).
    Members: companies in the network on ``as_of`` (joined on or before it, not left before
    it); without ``as_of``, members with no leaving date. A company in two networks counts in
    both. ``n``: companies with a plan; ``mean_current``, ``mean_required``, ``mean_gap`` over
    them; ``companies_with_gap`` (gap of 1 or more) and its share of ``n`` with a Wilson
    interval; ``employees_concerned`` summed over the companies that gave it
    (``n_employees_known`` of them).
    """
    columns = [
        "network_id",
        "subject_area",
        "n",
        "mean_current",
        "mean_required",
        "mean_gap",
        "companies_with_gap",
        "share_with_gap",
        "ci_low",
        "ci_high",
        "employees_concerned",
        "n_employees_known",
    ]
    gaps = gaps_by_company(plans, as_of)
    joined = _members(memberships, as_of).merge(gaps, on="cvr", how="inner")
    if joined.empty:
        return pd.DataFrame(columns=columns)
    facts = pd.DataFrame(
        {
            "network_id": joined["network_id"],
            "subject_area": joined["subject_area"],
            "current": joined["current_level"].astype(float),
            "required": joined["required_level"].astype(float),
            "gap": joined["gap"].astype(float),
            "has_gap": (joined["gap"] >= 1).astype(bool),
            "employees": joined["employees_concerned"].astype("Float64"),
            "employees_known": joined["employees_concerned"].notna(),
        }
    )
    out = (
        facts.groupby(["network_id", "subject_area"], observed=True)
        .agg(
            n=("current", "size"),
            mean_current=("current", "mean"),
            mean_required=("required", "mean"),
            mean_gap=("gap", "mean"),
            companies_with_gap=("has_gap", "sum"),
            employees_concerned=("employees", "sum"),
            n_employees_known=("employees_known", "sum"),
        )
        .reset_index()
    )
    out = out.astype(
        {
            "n": "int64",
            "companies_with_gap": "int64",
            "n_employees_known": "int64",
            "employees_concerned": "Int64",
        }
    )
    n = out["n"].to_numpy(dtype=float)
    out["share_with_gap"] = out["companies_with_gap"].to_numpy(dtype=float) / np.maximum(n, 1)
    out["ci_low"], out["ci_high"] = wilson_interval(out["companies_with_gap"], n, confidence)
    return out[columns].sort_values(["network_id", "subject_area"]).reset_index(drop=True)


def radar_data(
    plans: pd.DataFrame,
    memberships: pd.DataFrame,
    network_id: str,
    as_of: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """The competence spider of one network: mean current and required level per subject area.

    One row per subject area in which at least one member company has a plan, sorted by
    subject area (a stable order for the chart's spokes); figures and membership as in
    ``gaps_by_network``, with ``n`` the companies behind each spoke.
    """
    columns = ["network_id", "subject_area", "mean_current", "mean_required", "n"]
    table = gaps_by_network(plans, memberships, as_of)
    mine = table[table["network_id"] == network_id]
    return mine[columns].sort_values("subject_area").reset_index(drop=True)
