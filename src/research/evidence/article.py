"""The article's analyses, run once and returned explicitly: ``run_article_analyses``.

Why: the article's sections and the researchers' context–mechanism–outcome register read the
same results. They used to be collected into a dict as a side effect while the sections were
built, so the register's answer depended on which cells had run before it. Here every analysis
runs in one call and comes back as an ``AnalysisResult`` under the key the register's
observations link to (``linked_metric``); the sections and the register are given the dict.

``programme`` is anything with ``tables``, ``as_of`` and ``rule.min_cell`` — a
``research.Programme`` or a report's context — so this module knows nothing of the report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import pandas as pd

from research.errors import EstimationError
from research.evidence.result import AnalysisResult, Status

__all__ = ["ARTICLE_ANALYSES", "ArticleData", "run_article_analyses"]


class _Rule(Protocol):
    min_cell: int


class ProgrammeData(Protocol):
    """What the analyses read: the store's tables at a date, and the disclosure threshold."""

    tables: dict[str, pd.DataFrame]
    rule: _Rule

    @property
    def as_of(self) -> pd.Timestamp: ...


Results = dict[str, AnalysisResult]
Z_95 = 1.959963984540054


class ArticleData:
    """The frames several analyses share, each built once on first use."""

    def __init__(self, programme: ProgrammeData) -> None:
        self.tables = programme.tables
        self.as_of = programme.as_of
        self.min_cell = int(programme.rule.min_cell)
        self._made: dict[str, pd.DataFrame] = {}

    def lifts(self, programme: str | None = None) -> pd.DataFrame:
        from research.evidence.frames import lift_frame

        key = f"lifts:{programme}"
        if key not in self._made:
            if programme is None:
                self._made[key] = lift_frame(self.tables, self.as_of)
            else:
                self._made[key] = lift_frame(self.tables, self.as_of, programme=programme)
        return self._made[key]


def _no_data(key: str, why: str) -> AnalysisResult:
    return AnalysisResult(key, pd.DataFrame(), status=Status.NO_DATA, message=why)


def subgroup_results(data: ArticleData) -> Results:
    """Section 1: every subgroup analysis (logit AMEs, BH within each), one result per key."""
    from research.evidence.subgroups import run_subgroup_analyses, subgroup_as_result

    rows = run_subgroup_analyses(data.lifts(), min_cell=data.min_cell)
    return {
        str(key): subgroup_as_result(str(key), part)
        for key, part in rows.groupby("analysis", sort=False)
    }


def cumulative_incidence(data: ArticleData) -> Results:
    """Section 1a: Aalen–Johansen contrasts of completion and dropout at 12 and 24 months."""
    from research.evidence.competing import HORIZONS, cif_contrasts

    rows = cif_contrasts(data.lifts(), horizons=HORIZONS, min_cell=data.min_cell)
    term = ("analysis", "subgroup", "level", "outcome", "horizon")
    return {"cumulative_incidence": AnalysisResult("cumulative_incidence", rows, term=term)}


def euv_track_mix(data: ArticleData) -> Results:
    """Section 2: median months to completion by EUV track (Kaplan–Meier)."""
    from research.evidence.survival import km_quantiles

    frame = data.lifts("euv")
    if frame.empty:
        return {"euv_track_mix": _no_data("euv_track_mix", "no EUV lifts")}
    medians = km_quantiles(frame, event="completed", by="euv_track", min_cell=data.min_cell)
    columns = {"estimate": "months", "n_level": "n"}
    result = AnalysisResult("euv_track_mix", medians, term=("group",), columns=columns)
    return {"euv_track_mix": result}


def network_conversion(data: ArticleData) -> Results:
    """Section 3: participants per month in contact, network against one-to-one (rate ratios),
    and the coordination trend (institutions per company) observations point at."""
    from research.evidence.conversion import company_frame, conversion_models
    from research.metrics.coordination import institutions_per_company

    companies = company_frame(data.tables, data.as_of)
    if companies.empty:
        why = "no companies reached"
        return {
            "network_conversion": _no_data("network_conversion", why),
            "contacts_per_company": _no_data("contacts_per_company", why),
        }
    fitted = conversion_models(companies)
    per_company = institutions_per_company(data.tables["company_contacts"])
    return {
        "network_conversion": AnalysisResult(
            "network_conversion",
            fitted.rate_ratios,
            term=("model", "term"),
            columns={"estimate": "rate_ratio"},
            status=Status(fitted.status),
            message=fitted.message,
            detail=(companies, fitted),
        ),
        "contacts_per_company": AnalysisResult(
            "contacts_per_company",
            per_company,
            term=("quarter",),
            columns={"estimate": "share", "n_level": "n"},
        ),
    }


def skilled_share_did(data: ArticleData) -> Results:
    """Section 4: the company effect by two-way fixed effects and the event study."""
    from research.evidence.company_effect import company_effect

    if data.tables.get("company_panel", pd.DataFrame()).empty:
        return {"skilled_share_did": _no_data("skilled_share_did", "no company panel imported")}
    fitted = company_effect(data.tables, min_cell=data.min_cell)
    columns = {"n_level": "n_treated_companies", "n_reference": "n_comparison_companies"}
    result = AnalysisResult(
        "skilled_share_did", fitted.overall, term=("estimand",), columns=columns, detail=fitted
    )
    return {"skilled_share_did": result}


def skilled_share_two_stage(data: ArticleData) -> Results:
    """Section 4a: Gardner's two-stage DiD, robust to companies joining in different years."""
    from research.evidence.company_effect import OUTCOME, company_panel_frame
    from research.evidence.staggered import two_stage_did

    key = "skilled_share_two_stage"
    panel = data.tables.get("company_panel", pd.DataFrame())
    if panel.empty:
        return {key: _no_data(key, "no company panel imported")}
    frame = company_panel_frame(panel)
    frame = frame.assign(cohort=frame["cohort"].astype("Float64").to_numpy(na_value=np.nan))
    try:
        fitted = two_stage_did(frame, OUTCOME, "cvr", "year", "cohort", lags=3)
    except EstimationError as problem:
        empty = AnalysisResult(key, pd.DataFrame(), status=Status.FAILED, message=str(problem))
        return {key: empty}
    treated = int(frame.loc[frame["treated_now"] == 1, "cvr"].nunique())
    overall = pd.DataFrame(
        {
            "estimand": ["att"],
            "estimate": [fitted.att],
            "std_error": [fitted.att_se],
            "ci_low": [fitted.att - Z_95 * fitted.att_se],
            "ci_high": [fitted.att + Z_95 * fitted.att_se],
            "n_treated_companies": [treated],
        }
    )
    columns = {"n_level": "n_treated_companies"}
    result = AnalysisResult(key, overall, term=("estimand",), columns=columns, detail=fitted)
    return {key: result}


def employment_6_months(data: ArticleData) -> Results:
    """Section 5: employment six months after, participants against a comparison group."""
    from research.evidence.participant_effect import participant_effect, person_frame

    key = "employment_6_months"
    if data.tables.get("comparison_individuals", pd.DataFrame()).empty:
        return {key: _no_data(key, "no comparison group imported")}
    fitted = participant_effect(person_frame(data.tables, data.as_of), min_cell=data.min_cell)
    columns = {"n_level": "n_treated", "n_reference": "n_comparison"}
    result = AnalysisResult(
        key,
        fitted.estimates,
        term=("method", "estimand"),
        columns=columns,
        status=Status(fitted.status),
        message=fitted.message,
        detail=fitted,
    )
    return {key: result}


def pooled_subgroup_effects(data: ArticleData) -> Results:
    """Section 1b: Firth-penalised subgroup effects pooled by a normal hierarchical model."""
    from research.evidence.pooling import pooled_subgroup_effects as pooled

    key = "pooled_subgroup_effects"
    rows = pooled(data.lifts())
    columns = {
        "estimate": "pooled_estimate",
        "std_error": "pooled_se",
        "ci_low": "pooled_ci_low",
        "ci_high": "pooled_ci_high",
    }
    term = ("analysis", "subgroup", "level")
    return {key: AnalysisResult(key, rows, term=term, columns=columns)}


def rkv_standardisation(data: ArticleData) -> Results:
    """Section 7: do the colleges decide the same EUV track for similar people?"""
    from research.evidence.rkv import rkv_frame
    from research.evidence.rkv import rkv_standardisation as standardise

    key = "rkv_standardisation"
    fitted = standardise(rkv_frame(data.tables, data.as_of), min_cell=data.min_cell)
    ok = fitted.status == Status.OK
    effects = fitted.effects if ok else pd.DataFrame()
    result = AnalysisResult(
        key,
        effects,
        term=("period", "college"),
        status=Status(fitted.status),
        message=fitted.message,
        detail=fitted,
    )
    return {key: result}


ARTICLE_ANALYSES: tuple[Callable[[ArticleData], Results], ...] = (
    subgroup_results,
    cumulative_incidence,
    euv_track_mix,
    network_conversion,
    skilled_share_did,
    skilled_share_two_stage,
    employment_6_months,
    pooled_subgroup_effects,
    rkv_standardisation,
)
"""The article's analyses in the order its sections show them."""


def run_article_analyses(programme: Any) -> dict[str, AnalysisResult]:
    """Every analysis of the article on ``programme``'s data, by the key observations link to.

    The lift frame the subgroup, cumulative-incidence and pooled analyses share is built once.
    """
    data = ArticleData(programme)
    results: dict[str, AnalysisResult] = {}
    for analysis in ARTICLE_ANALYSES:
        results.update(analysis(data))
    return results
