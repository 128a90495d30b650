"""What works for whom: completion and dropout by logistic models with context interactions.

Why: the action researchers must show whether an effect (the preparatory course, the
recruitment route, long-term unemployment) differs between contexts, with intervals a sceptical
reviewer accepts. One logit per analysis lets the context moderate the effect; the effect is
reported per subgroup as an average marginal effect (AME, in probability points) with a
company-clustered interval and a Benjamini–Hochberg adjusted p-value across the subgroups.

**The model.** For analysis ``a`` with outcome y (``completed`` or ``dropped_out``), treatment
T (reference level r), moderator M (the subgroups) and adjustment factors Z:

    logit P(y = 1) = Σ_{g,t} γ_{g,t} · [M = g, T = t] + Z β

i.e. one intercept per subgroup × treatment cell (the saturated M × T interaction) plus
additive adjustment. Columns of Z that are collinear with the cells (a factor nested in the
moderator) are dropped (:func:`~research.evidence.design.identifiable_columns`).

**The effect.** In subgroup g, the AME of level t against r is the mean, over the subgroup's
members in the estimation sample, of P̂(y | their Z, M = g, T = t) − P̂(y | their Z, M = g,
T = r): everyone in the subgroup is switched to t and to r. Its standard error is the delta
method with the cluster-robust covariance (clusters: the employer's CVR, each person without
an employer a cluster of their own); the interval is normal; the p-value is the two-sided z
test of AME = 0. With one subgroup and no moderator this equals statsmodels'
``get_margeff(at="overall", dummy=True)`` (tested).

**Population.** The lifts of :func:`~research.evidence.frames.lift_frame` in the analysis's
population with their outcome known at the data date (completed or dropped out): the *eventual*
outcome. Mid-project this over-represents short tracks and early dropouts (the running are
excluded and counted in ``n_running_excluded``); use the survival analyses then. Rows with a
missing treatment, moderator or adjustment value are left out (``n_missing_excluded``).

**Too small.** A subgroup × treatment-level cell is estimable when it has at least
``min_cell`` people with y = 1 and at least ``min_cell`` with y = 0 (the disclosure minimum,
config ``min_cell``, default 5). Rows of non-estimable cells are left out of the model, and a
contrast whose level or reference cell is not estimable is reported with status
``too_small``, without counts or estimates. A model with (quasi-)perfect separation (a fitted
probability within 1e-6 of 0 or 1, or statsmodels' warning) gets status ``separation``, one
that did not converge ``not_converged``, one that failed ``failed``: estimates are then
missing, never wild numbers.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.evidence.design import (
    Factor,
    dummies,
    factor_labels,
    factor_name,
    identifiable_columns,
    joint_labels,
)
from research.evidence.multiple import adjust_pvalues
from research.evidence.result import AnalysisResult, Status

__all__ = [
    "DEFAULT_ANALYSES",
    "FAILED",
    "NOT_CONVERGED",
    "NO_DATA",
    "OK",
    "SEPARATION",
    "TOO_SMALL",
    "EstimationSample",
    "SubgroupAnalysis",
    "estimation_sample",
    "run_subgroup_analyses",
    "subgroup_analysis",
    "subgroup_as_result",
    "subgroup_effects",
    "subgroup_result",
]

OK = Status.OK
TOO_SMALL = Status.TOO_SMALL
SEPARATION = Status.SEPARATION
NOT_CONVERGED = Status.NOT_CONVERGED
FAILED = Status.FAILED
NO_DATA = Status.NO_DATA

ALL = "all"
SEPARATION_EPS = 1e-6


@dataclass(frozen=True)
class SubgroupAnalysis:
    """One analysis: an effect (treatment level vs reference) on an outcome, per subgroup.

    ``population`` keeps rows whose column has one of the listed labels (booleans as
    "yes"/"no"); ``levels`` are the treatment levels contrasted with ``reference`` (None: every
    other level present); ``moderator`` None means one subgroup, "all".
    """

    key: str
    outcome: str
    treatment: str
    reference: str
    moderator: str | None
    covariates: tuple[Factor, ...] = ()
    levels: tuple[str, ...] | None = None
    population: tuple[tuple[str, tuple[str, ...]], ...] = ()
    description: str = ""


_PREP_X_02 = ("below_02", "prep")

DEFAULT_ANALYSES: tuple[SubgroupAnalysis, ...] = (
    SubgroupAnalysis(
        key="completion_prep_interaction",
        outcome="completed",
        treatment="prep",
        reference="no",
        levels=("yes",),
        moderator="below_02",
        covariates=("recruitment_route", "highest_education", "employment_status"),
        population=(("programme", ("euv",)),),
        description="AME of a completed preparatory course on EUV completion, for those below "
        "and those meeting the 02 requirement",
    ),
    SubgroupAnalysis(
        key="completion_by_route",
        outcome="completed",
        treatment="recruitment_route",
        reference="network",
        moderator="employment_group",
        covariates=("highest_education", "employment_status", _PREP_X_02),
        population=(("programme", ("euv",)),),
        description="AME of each recruitment route against a company network on EUV "
        "completion, for the employed and the unemployed (each against the routes they have)",
    ),
    SubgroupAnalysis(
        key="dropout_by_route",
        outcome="dropped_out",
        treatment="recruitment_route",
        reference="network",
        moderator="employment_group",
        covariates=("highest_education", "employment_status", _PREP_X_02),
        population=(("programme", ("euv",)),),
        description="As completion_by_route for dropout (among known outcomes it is the "
        "mirror image: every exit is either completed or not)",
    ),
    SubgroupAnalysis(
        key="completion_route_by_industry",
        outcome="completed",
        treatment="recruitment_route",
        reference="network",
        levels=("one_to_one_visit",),
        moderator="industry",
        covariates=("highest_education", "employment_status", _PREP_X_02),
        population=(("programme", ("euv",)), ("employment_group", ("employed",))),
        description="AME of a one-to-one visit against a network on EUV completion, by the "
        "employer's industry (employed participants)",
    ),
    SubgroupAnalysis(
        key="completion_route_by_education",
        outcome="completed",
        treatment="recruitment_route",
        reference="network",
        levels=("one_to_one_visit",),
        moderator="education_level",
        covariates=("employment_status", _PREP_X_02),
        population=(("programme", ("euv",)), ("employment_group", ("employed",))),
        description="AME of a one-to-one visit against a network on EUV completion, by prior "
        "education (employed participants)",
    ),
    SubgroupAnalysis(
        key="completion_route_by_college",
        outcome="completed",
        treatment="recruitment_route",
        reference="network",
        levels=("one_to_one_visit",),
        moderator="provider",
        covariates=("highest_education", "employment_status", _PREP_X_02),
        population=(("programme", ("euv",)), ("employment_group", ("employed",))),
        description="AME of a one-to-one visit against a network on EUV completion, by the "
        "college that runs the lift (employed participants)",
    ),
    SubgroupAnalysis(
        key="completion_long_term_by_age",
        outcome="completed",
        treatment="employment_status",
        reference="unemployed",
        levels=("long_term_unemployed",),
        moderator="age_band",
        covariates=("recruitment_route", "highest_education", _PREP_X_02),
        population=(("programme", ("euv",)), ("employment_group", ("unemployed",))),
        description="AME of long-term against short-term unemployment on EUV completion, by "
        "age band (unemployed participants)",
    ),
)


def subgroup_analysis(key: str) -> SubgroupAnalysis:
    """The article's subgroup analysis called ``key`` (``DEFAULT_ANALYSES`` lists them)."""
    for analysis in DEFAULT_ANALYSES:
        if analysis.key == key:
            return analysis
    from research.errors import ArgumentError

    known = ", ".join(a.key for a in DEFAULT_ANALYSES)
    raise ArgumentError(f"no subgroup analysis {key!r}; the analyses are {known}")


def subgroup_result(
    frame: pd.DataFrame, key: str, *, min_cell: int = 5, fdr: float = 0.05
) -> AnalysisResult:
    """One subgroup analysis on a lift frame, as an ``AnalysisResult`` (BH within it)."""
    rows = run_subgroup_analyses(frame, (subgroup_analysis(key),), min_cell=min_cell, fdr=fdr)
    return subgroup_as_result(key, rows)


def subgroup_as_result(key: str, rows: pd.DataFrame) -> AnalysisResult:
    """Rows of ``run_subgroup_analyses`` for one analysis, as an ``AnalysisResult``."""
    return AnalysisResult(key, rows, term=("subgroup", "level"))


@dataclass(frozen=True)
class EstimationSample:
    """The rows an analysis reads, and its subgroup × treatment cells."""

    frame: pd.DataFrame  # population rows with known outcome and complete factors
    cells: pd.DataFrame  # index (subgroup, level): n, events, estimable
    running_excluded: int
    missing_excluded: int


def estimation_sample(
    frame: pd.DataFrame, analysis: SubgroupAnalysis, *, min_cell: int = 5
) -> EstimationSample:
    """The analysis's population with known outcome and complete factors, labelled.

    Adds ``subgroup`` (the moderator's label, or "all"), ``treatment_level``, one
    ``factor:<name>`` column per adjustment factor, and ``in_model``: the row's subgroup ×
    treatment cell is estimable (at least ``min_cell`` with and without the outcome), so the
    model uses it. The AME of a subgroup averages over its ``in_model`` rows.
    """
    if min_cell < 1:
        raise ValueError(f"min_cell must be at least 1, got {min_cell}")
    data = _population(frame, analysis)
    known = data["outcome_known"].astype(bool).to_numpy()
    running = int((~known).sum())
    data = data[known].copy()
    data["subgroup"] = (
        factor_labels(data[analysis.moderator])
        if analysis.moderator
        else pd.Series(ALL, index=data.index, dtype="string")
    )
    data["treatment_level"] = factor_labels(data[analysis.treatment])
    complete = data["subgroup"].notna() & data["treatment_level"].notna()
    for factor in analysis.covariates:
        column = f"factor:{factor_name(factor)}"
        data[column] = joint_labels(data, factor)
        complete &= data[column].notna()
    complete = complete.to_numpy(dtype=bool)
    missing = int((~complete).sum())
    data = data[complete].copy()
    cells = pd.DataFrame(
        {
            "subgroup": data["subgroup"].to_numpy(dtype=object),
            "level": data["treatment_level"].to_numpy(dtype=object),
            "y": data[analysis.outcome].astype(bool).to_numpy(),
        }
    )
    counts = cells.groupby(["subgroup", "level"]).agg(n=("y", "size"), events=("y", "sum"))
    counts["estimable"] = (counts["events"] >= min_cell) & (
        counts["n"] - counts["events"] >= min_cell
    )
    estimable = set(counts.index[counts["estimable"]])
    data["in_model"] = [
        (g, t) in estimable for g, t in zip(cells["subgroup"], cells["level"], strict=True)
    ]
    return EstimationSample(data, counts, running, missing)


@dataclass
class _Fit:
    status: str
    message: str
    params: np.ndarray | None = None
    cov: np.ndarray | None = None
    n_clusters: int = 0


def _population(frame: pd.DataFrame, analysis: SubgroupAnalysis) -> pd.DataFrame:
    keep = np.ones(len(frame), dtype=bool)
    for column, allowed in analysis.population:
        keep &= factor_labels(frame[column]).isin(allowed).fillna(False).to_numpy(dtype=bool)
    return frame[keep]


def _fit_logit(y: np.ndarray, x: np.ndarray, groups: np.ndarray) -> _Fit:
    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        PerfectSeparationError,
        PerfectSeparationWarning,
    )

    n_clusters = len(np.unique(groups))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = Logit(y, x).fit(
                disp=0, maxiter=100, cov_type="cluster", cov_kwds={"groups": groups}
            )
        except (np.linalg.LinAlgError, PerfectSeparationError, ValueError) as exc:
            return _Fit(FAILED, f"the logit could not be fitted: {exc}", n_clusters=n_clusters)
    kinds = {type(w.message) for w in caught}
    fitted = result.predict()
    if PerfectSeparationWarning in kinds or (
        fitted.min() < SEPARATION_EPS or fitted.max() > 1 - SEPARATION_EPS
    ):
        return _Fit(
            SEPARATION,
            "perfect or quasi-perfect separation: some fitted probabilities are 0 or 1, so "
            "coefficients are not identified (merge sparse levels or drop a factor)",
            n_clusters=n_clusters,
        )
    converged = bool(result.mle_retvals.get("converged", True))
    cov = np.asarray(result.cov_params())
    if not converged or ConvergenceWarning in kinds or not np.all(np.isfinite(cov)):
        return _Fit(NOT_CONVERGED, "the logit did not converge", n_clusters=n_clusters)
    return _Fit(OK, "", np.asarray(result.params), cov, n_clusters)


def _ame(
    fit: _Fit, x: np.ndarray, cell_columns: np.ndarray, treated: int, control: int
) -> tuple[float, float]:
    """AME of switching the cell dummy from ``control`` to ``treated`` column, delta-method SE."""
    x1, x0 = x.copy(), x.copy()
    x1[:, cell_columns], x0[:, cell_columns] = 0.0, 0.0
    x1[:, treated], x0[:, control] = 1.0, 1.0
    beta = fit.params
    eta1, eta0 = x1 @ beta, x0 @ beta
    p1, p0 = 1 / (1 + np.exp(-eta1)), 1 / (1 + np.exp(-eta0))
    estimate = float(np.mean(p1 - p0))
    gradient = ((p1 * (1 - p1))[:, None] * x1 - (p0 * (1 - p0))[:, None] * x0).mean(axis=0)
    se = float(np.sqrt(gradient @ fit.cov @ gradient))
    return estimate, se


def subgroup_effects(
    frame: pd.DataFrame,
    analysis: SubgroupAnalysis,
    *,
    min_cell: int = 5,
    confidence: float = 0.95,
    cluster: str = "cluster_id",
) -> pd.DataFrame:
    """The analysis's AME per subgroup and treatment level, one row each (see module doc).

    Columns: ``analysis``, ``outcome``, ``treatment``, ``level``, ``reference``,
    ``moderator``, ``subgroup``, ``label`` (for a forest plot), counts (``n_level``,
    ``n_reference``, ``events_level``, ``events_reference``; missing when too small),
    observed rates, ``estimate`` (AME, probability scale), ``std_error``, ``ci_low``,
    ``ci_high``, ``z``, ``p_value``, ``status`` and ``message``, ``n_model`` and
    ``n_clusters`` of the fitted model, ``n_running_excluded``, ``n_missing_excluded``.
    """
    from scipy import stats

    sample = estimation_sample(frame, analysis, min_cell=min_cell)
    data = sample.frame
    y = data[analysis.outcome].astype(bool).to_numpy()
    m_labels, t_labels = data["subgroup"], data["treatment_level"]
    counts = sample.cells
    subgroups = sorted(set(m_labels))
    observed_levels = sorted(set(t_labels) - {analysis.reference})
    levels = list(analysis.levels) if analysis.levels is not None else observed_levels

    def cell(g: str, t: str) -> tuple[int, int, bool]:
        if (g, t) in counts.index:
            row = counts.loc[(g, t)]
            return int(row["n"]), int(row["events"]), bool(row["estimable"])
        return 0, 0, False

    in_model = data["in_model"].to_numpy(dtype=bool)
    fit = _Fit(NO_DATA, "no subgroup has estimable cells", None, None)
    x = np.empty((0, 0))
    columns: list[str] = []
    if in_model.any():
        used = data[in_model]
        cell_key = used["subgroup"] + "|" + used["treatment_level"]
        estimable = counts.index[counts["estimable"]]
        cell_names = [f"{g}|{t}" for g, t in sorted(estimable)]
        parts = [dummies(cell_key, "cell", cell_names, reference=None)]
        for factor in analysis.covariates:
            name = factor_name(factor)
            labels = used[f"factor:{name}"]
            order = labels.value_counts().index.tolist()  # the commonest level is the reference
            parts.append(dummies(labels, name, sorted(order), reference=order[0]))
        design = pd.concat(parts, axis=1)
        columns = identifiable_columns(design)
        x = design[columns].to_numpy(dtype=float)
        groups = pd.factorize(used[cluster].astype("string").fillna("?"))[0]
        fit = _fit_logit(y[in_model].astype(float), x, groups)
    running, missing = sample.running_excluded, sample.missing_excluded

    z_crit = stats.norm.ppf(0.5 + confidence / 2)
    model_m = m_labels[in_model].to_numpy(dtype=object)
    cell_index = np.array([i for i, c in enumerate(columns) if c.startswith("cell[")])
    rows = []
    for g in subgroups:
        for level in levels:
            n1, e1, ok1 = cell(g, level)
            n0, e0, ok0 = cell(g, analysis.reference)
            if n1 == 0:
                continue  # the level does not occur in this subgroup: nothing to contrast
            row = {
                "analysis": analysis.key,
                "outcome": analysis.outcome,
                "treatment": analysis.treatment,
                "level": level,
                "reference": analysis.reference,
                "moderator": analysis.moderator or ALL,
                "subgroup": g,
                "label": f"{analysis.moderator or ALL}={g}: {analysis.treatment}={level} "
                f"vs {analysis.reference}",
                "n_level": n1,
                "n_reference": n0,
                "events_level": e1,
                "events_reference": e0,
                "rate_level": e1 / n1 if n1 else np.nan,
                "rate_reference": e0 / n0 if n0 else np.nan,
                "estimate": np.nan,
                "std_error": np.nan,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "z": np.nan,
                "p_value": np.nan,
                "status": fit.status,
                "message": fit.message,
            }
            if not (ok1 and ok0):
                for key in ("n_level", "n_reference", "events_level", "events_reference"):
                    row[key] = pd.NA
                row["rate_level"] = row["rate_reference"] = np.nan
                row["status"] = TOO_SMALL
                row["message"] = (
                    f"fewer than {min_cell} with or without the outcome in the level or the "
                    "reference cell"
                )
            elif fit.status == OK:
                members = model_m == g
                treated = columns.index(f"cell[{g}|{level}]")
                control = columns.index(f"cell[{g}|{analysis.reference}]")
                estimate, se = _ame(fit, x[members], cell_index, treated, control)
                z = estimate / se if se > 0 else np.nan
                row.update(
                    estimate=estimate,
                    std_error=se,
                    ci_low=estimate - z_crit * se,
                    ci_high=estimate + z_crit * se,
                    z=z,
                    p_value=float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else np.nan,
                )
            rows.append(row)
    out = pd.DataFrame(rows, columns=_COLUMNS[:-5])
    for key in ("n_level", "n_reference", "events_level", "events_reference"):
        out[key] = out[key].astype("Int64")
    out["n_model"] = int(in_model.sum())
    out["n_clusters"] = fit.n_clusters
    out["n_running_excluded"] = running
    out["n_missing_excluded"] = missing
    out["confidence"] = confidence
    return out


_COLUMNS = [
    "analysis",
    "outcome",
    "treatment",
    "level",
    "reference",
    "moderator",
    "subgroup",
    "label",
    "n_level",
    "n_reference",
    "events_level",
    "events_reference",
    "rate_level",
    "rate_reference",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
    "z",
    "p_value",
    "status",
    "message",
    "n_model",
    "n_clusters",
    "n_running_excluded",
    "n_missing_excluded",
    "confidence",
]


def run_subgroup_analyses(
    frame: pd.DataFrame,
    analyses: Sequence[SubgroupAnalysis] = DEFAULT_ANALYSES,
    *,
    min_cell: int = 5,
    confidence: float = 0.95,
    fdr: float = 0.05,
) -> pd.DataFrame:
    """Every analysis's subgroup rows, with Benjamini–Hochberg p-values within each analysis.

    The family for the adjustment is one analysis (its subgroups × levels that were estimated);
    rows without a p-value (too small, separation) are not counted in it.
    """
    parts = [subgroup_effects(frame, a, min_cell=min_cell, confidence=confidence) for a in analyses]
    results = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=_COLUMNS)
    return adjust_pvalues(results, by=("analysis",), alpha=fdr)
