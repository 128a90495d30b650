"""Planted against recovered: what the simulator planted, on the scale the analyses report.

Why: the estimators in ``research.evidence`` know nothing of the simulator, so that the
article's statistics never depend on how the demo data are made. Checking them against the
simulated programme's ground truth is this package's job: each function here evaluates the
planted formula of ``research.simulate.truth`` (the same one the simulator draws from) on the
rows an analysis read, and puts it beside the estimate.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from research.evidence.company_effect import CompanyEffect
from research.evidence.participant_effect import TREATMENT
from research.simulate.truth import (
    COMPLETION,
    EMPLOYMENT,
    PANEL,
    CompletionTruth,
    EmploymentTruth,
    PanelTruth,
)

__all__ = [
    "planted_company_effects",
    "planted_completion_ame",
    "planted_completion_probability",
    "planted_employment_effects",
]


def planted_completion_probability(
    rows: pd.DataFrame, truth: CompletionTruth = COMPLETION, **override: Any
) -> np.ndarray:
    """P(EUV completed) by the planted logit for each lift-frame row, with columns
    (``recruitment_route``, ``employment_status``, ``prep``, ...) set to a fixed value if given.

    ``prep`` in the truth is "completed a preparatory course before the EUV start", which is
    the lift frame's ``prep``; ``below_02`` is not meeting the 02 requirement at entry.
    """

    def column(name: str) -> np.ndarray:
        values = pd.Series(override[name], index=rows.index) if name in override else rows[name]
        return values.astype(object).to_numpy()

    return truth.probability(
        route=column("recruitment_route"),
        education=column("highest_education"),
        employment=column("employment_status"),
        below_02=column("below_02").astype(bool),
        prep=column("prep").astype(bool),
    )


def planted_completion_ame(rows: pd.DataFrame, treatment: str, level: Any, reference: Any) -> float:
    """The planted average marginal effect on completion over ``rows``: everyone switched to
    ``level`` and to ``reference`` of ``treatment`` by the planted logit, averaged."""
    treated = planted_completion_probability(rows, **{treatment: level})
    control = planted_completion_probability(rows, **{treatment: reference})
    return float(np.mean(treated - control))


def planted_employment_effects(
    frame: pd.DataFrame, truth: EmploymentTruth = EMPLOYMENT
) -> dict[str, float]:
    """The planted effect on the risk-difference scale for the analysed rows of ``frame``
    (:func:`research.evidence.participant_effect.person_frame`).

    For each person with a known outcome, p1 − p0 = logistic(eta(x) + tau) − logistic(eta(x)),
    eta from ``truth`` at their covariates (age in decimal years, which the simulator draws
    and the birth date reproduces to a day). ``att`` averages over participants, ``ate`` over
    everyone, ``naive_expected`` is the difference in mean true probabilities (what ``diff``
    estimates on average: it mixes the effect with the selection).
    """
    rows = frame[frame["outcome_known"].astype(bool)]
    covariates = {
        "age": rows["age"].to_numpy(float),
        "female": rows["female"].to_numpy(float),
        "education": rows["highest_education"].astype(object).to_numpy(),
        "long_term": rows["long_term"].to_numpy(float),
    }
    p0 = truth.probability(**covariates, participated=0.0)
    p1 = truth.probability(**covariates, participated=1.0)
    t = rows[TREATMENT].to_numpy() == 1
    effect = p1 - p0
    return {
        "att": float(effect[t].mean()),
        "ate": float(effect.mean()),
        "naive_expected": float(p1[t].mean() - p0[~t].mean()),
        "tau_log_odds": truth.tau,
    }


def planted_company_effects(
    result: CompanyEffect, frame: pd.DataFrame, truth: PanelTruth = PANEL
) -> pd.DataFrame:
    """Planted against recovered, for a simulated store: one row per estimate.

    Event-study rows compare b_k with ``truth.effect_pp(k)`` (0 for the leads); cohort 2×2
    rows with ``effect_pp(k)`` too; the TWFE row with the average planted effect over the
    treated company-years after participation (the ATT the TWFE coefficient is often read as).
    Columns: ``estimate_of``, ``relative_period``, ``cohort``, ``planted``, ``estimate``,
    ``ci_low``, ``ci_high``, ``covers``, ``bias``.
    """
    rows = []
    post = frame[frame["treated_now"] == 1]
    att = float(np.mean(truth.effect_pp(post["event_time"].to_numpy(float)))) if len(post) else 0
    o = result.overall.iloc[0]
    rows.append(("twfe", pd.NA, pd.NA, att, o["estimate"], o["ci_low"], o["ci_high"]))
    for _, r in result.event_study.iterrows():
        if r["reference"]:
            continue
        k = int(r["relative_period"])
        rows.append(
            ("event_study", k, pd.NA, truth.effect_pp(k), r["estimate"], r["ci_low"], r["ci_high"])
        )
    for _, r in result.cohort_did.iterrows():
        k = int(r["event_time"])
        rows.append(
            (
                "did_2x2",
                k,
                int(r["cohort"]),
                truth.effect_pp(k),
                r["estimate"],
                r["ci_low"],
                r["ci_high"],
            )
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "estimate_of",
            "relative_period",
            "cohort",
            "planted",
            "estimate",
            "ci_low",
            "ci_high",
        ],
    )
    for name in ("estimate", "ci_low", "ci_high"):
        out[name] = pd.to_numeric(out[name], errors="coerce")
    out["covers"] = (out["ci_low"] <= out["planted"]) & (out["planted"] <= out["ci_high"])
    out["bias"] = out["estimate"] - out["planted"]
    out["relative_period"] = out["relative_period"].astype("Int64")
    out["cohort"] = out["cohort"].astype("Int64")
    return out
