"""Generic treatment-effect estimators on a tidy frame: one row per person (or unit-period).

Why generic: the programme's questions (did joining a network raise upskilling? did the RKV
change completion?) all come down to a few textbook estimators, and the action researchers
must be able to name and defend each one. Every function here is pure: a DataFrame in, an
``Estimate`` out; statsmodels does the fitting and, wherever it can, the inference.

Cross-sectional estimators live here (``diff``, ``ols``, ``logit``, ``ra``); weighting
(``ipw``, ``balance_table``) is in ``weighting``; panel designs are in ``panel`` (``fe``,
``did``) and ``event_study``. ``run_estimator`` dispatches on a method name, for the CLI;
all of them are importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from research.errors import EstimationError
from research.evidence.estimate import (
    CONFIDENCE,
    Estimate,
    failed,
    inference_label,
    influence_std_error,
    interval,
)
from research.evidence.event_study import event_study
from research.evidence.panel import did, fe
from research.evidence.prepare import (
    FitProblem,
    fit_binary,
    prepare,
    require_group_sizes,
    require_identified,
    require_rows,
    watch_fit,
)
from research.evidence.weighting import balance_table, ipw, ipw_weights, overlap_data

__all__ = [
    "METHODS",
    "Estimate",
    "balance_table",
    "did",
    "diff",
    "event_study",
    "fe",
    "ipw",
    "ipw_weights",
    "logit",
    "ols",
    "overlap_data",
    "ra",
    "run_estimator",
]

Estimand = Literal["ate", "att"]

_NO_SPREAD = "the outcome does not vary within the groups, so no standard error can be computed"


def _statsmodels_row(
    result, index: int, confidence: float
) -> tuple[float, float, float, float, float]:
    """(estimate, SE, ci_low, ci_high, p) of one coefficient, as statsmodels reports it."""
    low, high = np.asarray(result.conf_int(alpha=1 - confidence))[index]
    return (
        float(np.asarray(result.params)[index]),
        float(np.asarray(result.bse)[index]),
        float(low),
        float(high),
        float(np.asarray(result.pvalues)[index]),
    )


def _fit_ols(y: np.ndarray, design: np.ndarray, clusters: np.ndarray | None):
    """OLS with HC1 (no clusters) or CR1 cluster-robust covariance; t inference either way.

    statsmodels uses n-k degrees of freedom for HC1 and G-1 for clusters (as Stata does).
    """
    from statsmodels.regression.linear_model import OLS

    model = OLS(y, design)
    if clusters is None:
        return model.fit(cov_type="HC1", use_t=True)
    return model.fit(cov_type="cluster", cov_kwds={"groups": clusters}, use_t=True)


def _se_type(clusters: np.ndarray | None) -> str:
    return "HC1" if clusters is None else "cluster-robust (CR1)"


def _t_df(result, clusters: np.ndarray | None) -> float:
    """Degrees of freedom of the t interval statsmodels used: G-1 with clusters, else n-k."""
    return result.df_resid if clusters is None else result.df_resid_inference


def diff(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    cluster: str | None = None,
    confidence: float = CONFIDENCE,
) -> Estimate:
    """Difference in mean outcome, treated minus untreated (no adjustment for anything).

    Without ``cluster``: Welch's standard error sqrt(s1²/n1 + s0²/n0) and a t interval with
    Welch-Satterthwaite degrees of freedom (statsmodels ``CompareMeans``), so unequal group
    variances and sizes are allowed. With ``cluster``: OLS of the outcome on the treatment
    with cluster-robust (CR1) covariance and a t(G-1) interval; the estimate is the same.
    """
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    prep = prepare(df, method="diff", outcome=outcome, treatment=treatment, cluster=cluster)
    require_group_sizes(prep.t, 2, "diff")
    options = {"estimand": "difference in means (treated - untreated)"}
    if prep.clusters is not None:
        design = np.column_stack([np.ones(prep.n), prep.t])
        result = _fit_ols(prep.y, design, prep.clusters)
        est, se, low, high, p = _statsmodels_row(result, 1, confidence)
        options |= {"se_type": _se_type(prep.clusters), "cluster": cluster}
        options["inference"] = inference_label(_t_df(result, prep.clusters))
    else:
        treated = DescrStatsW(prep.y[prep.t == 1])
        untreated = DescrStatsW(prep.y[prep.t == 0])
        compare = CompareMeans(treated, untreated)
        est = float(treated.mean - untreated.mean)
        se = float(compare.std_meandiff_separatevar)
        _, p, dof = compare.ttest_ind(usevar="unequal")
        low, high = compare.tconfint_diff(alpha=1 - confidence, usevar="unequal")
        options |= {"se_type": "Welch", "inference": f"t({float(dof):.1f})"}
    if not se > 0:
        return failed("diff", options, prep.n, prep.n_clusters, [*prep.warnings, _NO_SPREAD])
    return Estimate(
        "diff",
        options,
        est,
        se,
        float(low),
        float(high),
        float(p),
        prep.n,
        prep.n_clusters,
        tuple(prep.warnings),
    )


def ols(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    confidence: float = CONFIDENCE,
) -> Estimate:
    """Regression adjustment by OLS: the treatment coefficient in y ~ 1 + treatment + covariates.

    The estimand is the treatment effect under a linear, additive model (with heterogeneous
    effects it is a variance-weighted average, not the ATE; use ``ra`` for the ATE). The
    treatment may be binary or numeric. Standard errors are HC1 with a t(n-k) interval, or
    cluster-robust (CR1) with t(G-1) when ``cluster`` is given. Text covariates become dummies.
    """
    prep = prepare(
        df,
        method="ols",
        outcome=outcome,
        treatment=treatment,
        covariates=covariates,
        cluster=cluster,
        binary_treatment=False,
    )
    design = np.column_stack([np.ones(prep.n), prep.t, prep.x.to_numpy()])
    require_rows(prep.n, design.shape[1] + 1, "ols", f"{design.shape[1]} parameters")
    require_identified(design, 1, f"treatment '{treatment}'")
    result = _fit_ols(prep.y, design, prep.clusters)
    est, se, low, high, p = _statsmodels_row(result, 1, confidence)
    options = {
        "estimand": "coefficient on the treatment (linear, additive model)",
        "covariates": list(prep.x.columns),
        "se_type": _se_type(prep.clusters),
        "inference": inference_label(_t_df(result, prep.clusters)),
    }
    if cluster:
        options["cluster"] = cluster
    return Estimate(
        "ols", options, est, se, low, high, p, prep.n, prep.n_clusters, tuple(prep.warnings)
    )


def logit(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    confidence: float = CONFIDENCE,
) -> Estimate:
    """Average marginal effect (AME) of a binary treatment on a binary outcome, from a logit.

    AME = mean over all rows of P(y=1 | treatment=1, x) - P(y=1 | treatment=0, x), in
    probability units, by statsmodels ``get_margeff(at="overall", dummy=True)``. Its standard
    error is the delta method applied to the logit's covariance: HC1 robust, or cluster-robust
    (CR1) when ``cluster`` is given (statsmodels passes ``cov_params()`` of the fitted model to
    the delta method, so the clustering carries through; a test checks this). The interval is
    normal as statsmodels gives it, or t(G-1) with clusters, like every other clustered
    estimator here (normal intervals undercover a little with 50 clusters). The SE
    treats the covariates as fixed (as Stata's ``margins`` does). Perfect separation or no
    convergence gives NaN and a warning.
    """
    from statsmodels.discrete.discrete_model import Logit

    prep = prepare(
        df,
        method="logit",
        outcome=outcome,
        treatment=treatment,
        covariates=covariates,
        cluster=cluster,
        binary_outcome=True,
    )
    design = np.column_stack([np.ones(prep.n), prep.t, prep.x.to_numpy()])
    require_rows(prep.n, design.shape[1] + 1, "logit", f"{design.shape[1]} parameters")
    require_identified(design, 1, f"treatment '{treatment}'")
    options = {
        "estimand": "average marginal effect (probability difference)",
        "covariates": list(prep.x.columns),
        "se_type": "delta method, " + _se_type(prep.clusters),
        "inference": "normal",
    }
    if cluster:
        options["cluster"] = cluster
    fit_kwargs = (
        {"cov_type": "HC1"}
        if prep.clusters is None
        else {"cov_type": "cluster", "cov_kwds": {"groups": prep.clusters}}
    )
    try:
        model = Logit(prep.y, design)
        result = fit_binary(lambda: model.fit(disp=0, maxiter=100, **fit_kwargs), "outcome")
        with watch_fit("outcome"):
            margins = result.get_margeff(at="overall", dummy=True)
    except FitProblem as problem:
        return failed("logit", options, prep.n, prep.n_clusters, [*prep.warnings, str(problem)])
    est, se = float(margins.margeff[0]), float(margins.margeff_se[0])
    if prep.clusters is None:
        low, high = margins.conf_int(alpha=1 - confidence)[0]
        p = float(margins.pvalues[0])
    else:
        dof = float(prep.n_clusters - 1)
        low, high, p = interval(est, se, dof, confidence)
        options["inference"] = inference_label(dof)
    options["log_odds_ratio"] = float(result.params[1])
    return Estimate(
        "logit",
        options,
        est,
        se,
        float(low),
        float(high),
        p,
        prep.n,
        prep.n_clusters,
        tuple(prep.warnings),
    )


def _arm_model(y: np.ndarray, x: np.ndarray, binary_outcome: bool):
    """The outcome model of one arm: a Gaussian (OLS) or binomial (logit) GLM."""
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    if not binary_outcome:
        with watch_fit("outcome"):
            return GLM(y, x, family=families.Gaussian()).fit()
    model = GLM(y, x, family=families.Binomial())
    return fit_binary(model.fit, "outcome")


def ra(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    estimand: Estimand = "ate",
    outcome_model: Literal["ols", "logit"] = "ols",
    confidence: float = CONFIDENCE,
) -> Estimate:
    """Regression adjustment (g-computation): ATE or ATT from separate outcome models per arm.

    An outcome model m_a(x) (OLS, or logit for a binary outcome) is fitted in each arm a; the
    ATE is the mean over all rows of m_1(x) - m_0(x), the ATT the mean over treated rows.
    Standard error by stacking (M-estimation): the influence of each row on the average and
    on both models' coefficients is summed, so the uncertainty of the coefficients and of the
    covariate mean are both counted (HC0 sandwich, normal interval; with ``cluster``, summed
    within clusters, times G/(G-1), t(G-1) interval). Without clusters this equals statsmodels'
    ``TreatmentEffect.ra`` (GMM, Stata's ``teffects ra``), which a test checks; statsmodels
    has no clustered version, hence the influence functions here.
    """
    if estimand not in ("ate", "att"):
        raise EstimationError(f"unknown estimand '{estimand}'; use 'ate' or 'att'")
    if outcome_model not in ("ols", "logit"):
        raise EstimationError(f"unknown outcome model '{outcome_model}'; use 'ols' or 'logit'")
    prep = prepare(
        df,
        method="ra",
        outcome=outcome,
        treatment=treatment,
        covariates=covariates,
        cluster=cluster,
        binary_outcome=outcome_model == "logit",
    )
    x = np.column_stack([np.ones(prep.n), prep.x.to_numpy()])
    require_group_sizes(prep.t, x.shape[1] + 1, f"ra ({x.shape[1]} parameters per arm)")
    options = {
        "estimand": estimand.upper(),
        "outcome_model": outcome_model,
        "covariates": list(prep.x.columns),
        "se_type": "M-estimation sandwich (influence functions)"
        + ("" if prep.clusters is None else ", clustered (CR1)"),
    }
    if cluster:
        options["cluster"] = cluster
    w = np.ones(prep.n) if estimand == "ate" else prep.t
    total = w.sum()
    psi = np.zeros(prep.n)
    effects = np.zeros(prep.n)
    try:
        for arm, sign in ((1.0, 1.0), (0.0, -1.0)):
            rows = prep.t == arm
            result = _arm_model(prep.y[rows], x[rows], outcome_model == "logit")
            link = result.model.family.link
            eta = x @ result.params
            effects += sign * link.inverse(eta)
            # Influence of this arm's coefficients: (-H)^-1 times each row's score.
            bread = np.linalg.inv(-result.model.hessian(result.params, scale=1.0))
            phi = np.zeros_like(x)
            phi[rows] = result.model.score_obs(result.params, scale=1.0) @ bread
            gradient = (w * link.inverse_deriv(eta)) @ x / total
            psi += sign * (phi @ gradient)
    except (FitProblem, np.linalg.LinAlgError) as problem:
        return failed("ra", options, prep.n, prep.n_clusters, [*prep.warnings, str(problem)])
    est = float(w @ effects / total)
    psi += w * (effects - est) / total
    se, dof, g = influence_std_error(psi, prep.clusters)
    low, high, p = interval(est, se, dof, confidence)
    options["inference"] = inference_label(dof)
    return Estimate("ra", options, est, se, low, high, p, prep.n, g, tuple(prep.warnings))


METHODS = ("diff", "ols", "logit", "ra", "ipw", "fe", "did")


def run_estimator(
    method: str,
    df: pd.DataFrame,
    *,
    outcome: str,
    treatment: str,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    unit: str | None = None,
    time: str | None = None,
    estimand: Estimand = "ate",
    trim: float | None = None,
    confidence: float = CONFIDENCE,
    small_sample: str | None = None,
    se: str | None = None,
) -> Estimate:
    """Run one of ``METHODS`` by name, checking that it got the columns it needs.

    ``fe`` needs ``unit`` and ``time`` (and clusters by unit unless ``cluster`` is given);
    ``did`` needs ``time`` (two periods; ``unit``, if given, is the default cluster).
    ``estimand`` applies to ``ra`` and ``ipw``, ``trim`` to ``ipw``, ``small_sample``
    ("nested" or "dummies") to ``fe`` and ``se`` ("sandwich" or "wls") to ``ipw``.
    """
    covariates = list(covariates)
    if small_sample is not None and method != "fe":
        raise EstimationError("small_sample applies to fe (and the event study) only")
    if se is not None and method != "ipw":
        raise EstimationError("se applies to ipw only ('sandwich' or 'wls')")
    if se is not None and se not in ("sandwich", "wls"):
        raise EstimationError(f"unknown se '{se}'; use 'sandwich' or 'wls'")
    if method not in METHODS:
        raise EstimationError(f"unknown method '{method}'; choose one of {', '.join(METHODS)}")
    if method in ("diff",) and covariates:
        raise EstimationError("diff does not adjust for covariates; use ols, ra or ipw")
    if method not in ("ipw",) and trim is not None:
        raise EstimationError("trim applies to ipw only")
    if method not in ("ra", "ipw") and estimand != "ate":
        raise EstimationError("estimand applies to ra and ipw only")
    if method not in ("fe", "did") and (unit or time):
        raise EstimationError("unit and time columns apply to fe and did only")
    common = {"outcome": outcome, "treatment": treatment, "confidence": confidence}
    if method == "diff":
        return diff(df, cluster=cluster, **common)
    if method == "ols":
        return ols(df, covariates=covariates, cluster=cluster, **common)
    if method == "logit":
        return logit(df, covariates=covariates, cluster=cluster, **common)
    if method == "ra":
        return ra(df, covariates=covariates, cluster=cluster, estimand=estimand, **common)
    if method == "ipw":
        if not covariates:
            raise EstimationError("ipw needs covariates for the propensity model")
        return ipw(
            df,
            covariates=covariates,
            cluster=cluster,
            estimand=estimand,
            trim=trim,
            se=se or "sandwich",  # type: ignore[arg-type]
            **common,
        )
    if method == "fe":
        if not (unit and time):
            raise EstimationError("fe needs a unit and a time column (--unit and --time)")
        return fe(
            df,
            unit=unit,
            time=time,
            covariates=covariates,
            cluster=cluster,
            small_sample=small_sample or "nested",  # type: ignore[arg-type]
            **common,
        )
    if not time:
        raise EstimationError("did needs a time column with two periods (--time)")
    return did(df, time=time, unit=unit, covariates=covariates, cluster=cluster, **common)
