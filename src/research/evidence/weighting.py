"""Inverse-probability weighting: the effect, the weights, and whether they balance the groups.

Why: participants are not a random draw of the eligible population, so a plain comparison
mixes the effect of the programme with who joined it. Weighting each group to look like the
whole population (ATE) or like the participants (ATT) removes the differences in the
covariates the propensity model sees, and the balance table shows whether it did.

The propensity score e(x) = P(treatment = 1 | x) comes from a statsmodels logit on the
covariates (with a constant). Weights are Hajek (normalised): within each group they are
scaled to sum to the group's size, so the weighted means are proper averages.
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
from research.evidence.prepare import (
    FitProblem,
    Prepared,
    binary,
    complete_rows,
    covariate_matrix,
    fit_binary,
    prepare,
    require_columns,
    require_group_sizes,
    require_variation,
)

__all__ = ["balance_table", "ipw", "ipw_weights", "overlap_data"]

Estimand = Literal["ate", "att"]

POOR_OVERLAP = 0.01  # a propensity score this close to 0 or 1 means next to no comparison
EXTREME_WEIGHT = 10.0  # a weight this many times its group's mean dominates the average


def _check_estimand(estimand: str) -> None:
    if estimand not in ("ate", "att"):
        raise EstimationError(f"unknown estimand '{estimand}'; use 'ate' or 'att'")


def _check_trim(trim: float | None) -> None:
    if trim is not None and not 0 < trim < 0.5:
        raise EstimationError(f"trim must be between 0 and 0.5 (e.g. 0.05), got {trim}")


def _fit_propensity(t: np.ndarray, x: np.ndarray):
    """The logit of treatment on [1, covariates]; separation or no convergence → FitProblem."""
    from statsmodels.discrete.discrete_model import Logit

    model = Logit(t, x)
    return fit_binary(lambda: model.fit(disp=0, maxiter=100), "propensity")


def _raw_weights(t: np.ndarray, e: np.ndarray, estimand: Estimand) -> tuple[np.ndarray, ...]:
    """Unnormalised weights of treated (a1) and untreated (a0) rows, and d a0/d eta.

    ATE: a1 = t/e, a0 = (1-t)/(1-e). ATT: a1 = t, a0 = (1-t) e/(1-e). With the logit index
    eta = x'gamma, d a1/d eta is -t(1-e)/e (ATE) or 0 (ATT), d a0/d eta is (1-t) e/(1-e) for
    both.
    """
    if estimand == "ate":
        a1 = t / e
        da1 = -t * (1 - e) / e
    else:
        a1 = t.copy()
        da1 = np.zeros_like(t)
    a0 = (1 - t) / (1 - e) if estimand == "ate" else (1 - t) * e / (1 - e)
    da0 = (1 - t) * e / (1 - e)
    return a1, a0, da1, da0


def _normalised(t: np.ndarray, a1: np.ndarray, a0: np.ndarray) -> np.ndarray:
    """Hajek weights: each group's weights scaled to sum to the group's size."""
    w = np.where(t == 1, a1 / a1.sum() * t.sum(), 0.0)
    return w + np.where(t == 0, a0 / a0.sum() * (1 - t).sum(), 0.0)


def _trimmed(
    prep: Prepared, x: np.ndarray, trim: float | None, notes: list[str]
) -> tuple[Prepared, np.ndarray, object]:
    """Fit the propensity model; with ``trim``, drop rows outside [trim, 1-trim] and refit."""
    result = _fit_propensity(prep.t, x)
    if trim is None:
        return prep, x, result
    e = result.predict(x)
    keep = (e >= trim) & (e <= 1 - trim)
    dropped = int((~keep).sum())
    if not dropped:
        return prep, x, result
    notes.append(
        f"trimmed {dropped} rows with a propensity score outside [{trim:g}, {1 - trim:g}]; "
        "the estimate is for the population with overlap, not the whole sample"
    )
    clusters = prep.clusters[keep] if prep.clusters is not None else None
    if clusters is not None:
        clusters = pd.factorize(clusters, sort=True)[0].astype(np.int64)
    kept = Prepared(prep.frame[keep], prep.y[keep], prep.t[keep], prep.x[keep], clusters, notes)
    require_group_sizes(kept.t, 2, "ipw after trimming")
    return kept, x[keep], _fit_propensity(kept.t, x[keep])


def _weight_warnings(t: np.ndarray, e: np.ndarray, w: np.ndarray) -> list[str]:
    notes = []
    poor = int(((e < POOR_OVERLAP) | (e > 1 - POOR_OVERLAP)).sum())
    if poor:
        notes.append(
            f"poor overlap: {poor} rows have a propensity score below {POOR_OVERLAP} or above "
            f"{1 - POOR_OVERLAP}; consider trim=0.05 or a narrower population"
        )
    for flag, name in ((1, "treated"), (0, "untreated")):
        group = w[t == flag]
        if group.size and group.max() > EXTREME_WEIGHT * group.mean():
            notes.append(
                f"extreme weights: one {name} row carries {group.max() / group.sum():.0%} of its "
                f"group's weight ({group.max() / group.mean():.0f} times the mean); the estimate "
                "rests on few rows"
            )
    return notes


def _kish(w: np.ndarray) -> float:
    """Kish's effective sample size of a set of weights: (sum w)² / sum w²."""
    return float(w.sum() ** 2 / (w**2).sum()) if w.size else float("nan")


def ipw(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: Sequence[str],
    cluster: str | None = None,
    estimand: Estimand = "ate",
    trim: float | None = None,
    se: Literal["sandwich", "wls"] = "sandwich",
    confidence: float = CONFIDENCE,
) -> Estimate:
    """Inverse-probability-weighted ATE (or ATT) with Hajek (normalised) weights.

    ATE = weighted mean of treated outcomes with weights 1/e(x) minus weighted mean of
    untreated outcomes with weights 1/(1-e(x)); ATT uses 1 and e(x)/(1-e(x)). Standard error
    (``se="sandwich"``, the default): M-estimation sandwich that stacks the weighted means with
    the propensity logit's score, so the estimation of e(x) is accounted for (HC0, normal
    interval; with ``cluster`` summed within clusters, G/(G-1), t(G-1)). Without clusters it
    equals statsmodels' ``TreatmentEffect.ipw`` (Stata's ``teffects ipw``), which a test checks.
    ``se="wls"`` instead reports the robust SE of the weighted regression of the outcome on the
    treatment, which ignores that e(x) was estimated; for the ATE it is conservative (too
    wide), as the coverage study in docs/validation.md shows. ``trim`` drops rows with e(x)
    outside [trim, 1-trim] and refits the propensity model (the estimand changes to the
    overlap population). Warnings flag poor overlap and extreme weights.
    """
    from statsmodels.regression.linear_model import WLS

    _check_estimand(estimand)
    _check_trim(trim)
    if se not in ("sandwich", "wls"):
        raise EstimationError(f"unknown se '{se}'; use 'sandwich' or 'wls'")
    if not list(covariates):
        raise EstimationError("ipw needs at least one covariate for the propensity model")
    prep = prepare(
        df,
        method="ipw",
        outcome=outcome,
        treatment=treatment,
        covariates=covariates,
        cluster=cluster,
    )
    x = np.column_stack([np.ones(prep.n), prep.x.to_numpy()])
    require_group_sizes(prep.t, 2, "ipw")
    options = {
        "estimand": estimand.upper(),
        "covariates": list(prep.x.columns),
        "weights": "Hajek (normalised within group)",
        "se_type": (
            "M-estimation sandwich (propensity estimation accounted for)"
            if se == "sandwich"
            else "weighted regression, "
            + ("HC1" if prep.clusters is None else "CR1")
            + " (propensity taken as known; conservative for the ATE)"
        ),
        "trim": trim,
    }
    if cluster:
        options["cluster"] = cluster
    notes = prep.warnings
    try:
        prep, x, propensity = _trimmed(prep, x, trim, notes)
    except FitProblem as problem:
        return failed("ipw", options, prep.n, prep.n_clusters, [*notes, str(problem)])
    t, y = prep.t, prep.y
    e = propensity.predict(x)
    a1, a0, da1, da0 = _raw_weights(t, e, estimand)
    w = _normalised(t, a1, a0)
    notes.extend(_weight_warnings(t, e, w))
    options["effective_n_treated"] = round(_kish(w[t == 1]), 1)
    options["effective_n_untreated"] = round(_kish(w[t == 0]), 1)
    mu1 = float(a1 @ y / a1.sum())
    mu0 = float(a0 @ y / a0.sum())
    est = mu1 - mu0
    if se == "wls":
        design = np.column_stack([np.ones(prep.n), t])
        model = WLS(y, design, weights=w)
        result = (
            model.fit(cov_type="HC1", use_t=True)
            if prep.clusters is None
            else model.fit(cov_type="cluster", cov_kwds={"groups": prep.clusters}, use_t=True)
        )
        std_error = float(result.bse[1])
        dof = result.df_resid_inference if prep.clusters is not None else result.df_resid
        g = prep.n_clusters
    else:
        # Influence of the propensity coefficients: (-H)^-1 times each row's score.
        bread = np.linalg.inv(-propensity.model.hessian(propensity.params))
        phi = propensity.model.score_obs(propensity.params) @ bread
        d1 = (da1 * (y - mu1)) @ x
        d0 = (da0 * (y - mu0)) @ x
        psi1 = (a1 * (y - mu1) + phi @ d1) / a1.sum()
        psi0 = (a0 * (y - mu0) + phi @ d0) / a0.sum()
        std_error, dof, g = influence_std_error(psi1 - psi0, prep.clusters)
    low, high, p = interval(est, std_error, dof, confidence)
    options["inference"] = inference_label(dof)
    return Estimate("ipw", options, est, std_error, low, high, p, prep.n, g, tuple(notes))


def _propensity_frame(
    df: pd.DataFrame, treatment: str, covariates: Sequence[str]
) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Complete rows, the 0/1 treatment and the covariate matrix, checked."""
    covariates = list(covariates)
    if not covariates:
        raise EstimationError("a propensity model needs at least one covariate")
    require_columns(df, [treatment, *covariates])
    frame = complete_rows(df, [treatment, *covariates], [])
    t = binary(frame[treatment], "treatment")
    require_variation(t, treatment, "treatment")
    return frame, t, covariate_matrix(frame, covariates)


def overlap_data(df: pd.DataFrame, treatment: str, covariates: Sequence[str]) -> pd.DataFrame:
    """Propensity scores by group for an overlap plot: columns ``treated`` (0/1) and
    ``propensity``, indexed like the complete rows of ``df``."""
    frame, t, x = _propensity_frame(df, treatment, covariates)
    design = np.column_stack([np.ones(len(t)), x.to_numpy()])
    try:
        e = _fit_propensity(t, design).predict(design)
    except FitProblem as problem:
        raise EstimationError(str(problem)) from None
    return pd.DataFrame({"treated": t.astype(int), "propensity": e}, index=frame.index)


def ipw_weights(
    df: pd.DataFrame,
    treatment: str,
    covariates: Sequence[str],
    estimand: Estimand = "ate",
    trim: float | None = None,
) -> pd.Series:
    """The Hajek weights ``ipw`` uses, one per row of ``df`` (NaN for rows left out).

    Within each group the weights sum to the group's size. Rows with missing values, and
    with ``trim`` those with a propensity outside [trim, 1-trim], get NaN.
    """
    _check_estimand(estimand)
    _check_trim(trim)
    frame, t, x = _propensity_frame(df, treatment, covariates)
    design = np.column_stack([np.ones(len(t)), x.to_numpy()])
    try:
        e = _fit_propensity(t, design).predict(design)
        keep = np.ones(len(t), dtype=bool)
        if trim is not None:
            keep = (e >= trim) & (e <= 1 - trim)
            e = _fit_propensity(t[keep], design[keep]).predict(design[keep])
    except FitProblem as problem:
        raise EstimationError(str(problem)) from None
    a1, a0, _, _ = _raw_weights(t[keep], e, estimand)
    weights = pd.Series(np.nan, index=df.index, name="weight")
    weights.loc[frame.index[keep]] = _normalised(t[keep], a1, a0)
    return weights


def balance_table(
    df: pd.DataFrame,
    treatment: str,
    covariates: Sequence[str],
    weights: str | Sequence[float] | np.ndarray | pd.Series | None = None,
) -> pd.DataFrame:
    """Standardised mean differences (SMD) of each covariate before and after weighting.

    SMD = (mean among treated - mean among untreated) / sqrt((s1² + s0²) / 2), where s1², s0²
    are the unweighted sample variances (ddof 1) of the two groups: the pooled-SD denominator
    of Austin (2009), the same before and after weighting, so a change in SMD is a change in
    the means only. Text covariates are expanded into one 0/1 row per level. ``weights`` is a
    column name or one weight per row of ``df`` (e.g. ``ipw_weights(...)``); None means equal
    weights, so ``smd_after`` equals ``smd_before``. Rows with a missing weight are left out.
    |SMD| below 0.1 is the usual sign of adequate balance.
    """
    covariates = list(covariates)
    if not covariates:
        raise EstimationError("balance_table needs at least one covariate")
    require_columns(df, [treatment, *covariates] + ([weights] if isinstance(weights, str) else []))
    if weights is None:
        w_all = pd.Series(1.0, index=df.index)
    elif isinstance(weights, str):
        w_all = pd.to_numeric(df[weights], errors="coerce")
    else:
        if len(weights) != len(df):
            raise EstimationError(f"weights has {len(weights)} values for {len(df)} rows")
        w_all = pd.Series(np.asarray(weights, dtype=float), index=df.index)
    if (w_all < 0).any():
        raise EstimationError("weights must not be negative")
    frame = complete_rows(df.assign(_weight=w_all), [treatment, *covariates, "_weight"], [])
    t = binary(frame[treatment], "treatment")
    require_variation(t, treatment, "treatment")
    w = frame["_weight"].to_numpy(dtype=float)
    x = _all_levels(frame, covariates)
    rows = []
    for name in x.columns:
        v = x[name].to_numpy(dtype=float)
        v1, v0, w1, w0 = v[t == 1], v[t == 0], w[t == 1], w[t == 0]
        spread = np.sqrt((v1.var(ddof=1) + v0.var(ddof=1)) / 2) if min(v1.size, v0.size) > 1 else 0
        before = (v1.mean(), v0.mean())
        after = (np.average(v1, weights=w1), np.average(v0, weights=w0))
        rows.append((name, *before, _smd(before, spread), *after, _smd(after, spread)))
    return pd.DataFrame(
        rows,
        columns=[
            "covariate",
            "mean_treated",
            "mean_control",
            "smd_before",
            "mean_treated_weighted",
            "mean_control_weighted",
            "smd_after",
        ],
    )


def _smd(means: tuple[float, float], spread: float) -> float:
    return float((means[0] - means[1]) / spread) if spread > 0 else float("nan")


def _all_levels(frame: pd.DataFrame, covariates: Sequence[str]) -> pd.DataFrame:
    """Numeric covariates as they are; text covariates as one 0/1 column per level."""
    parts = {}
    for name in covariates:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            parts[name] = column.astype(float)
            continue
        text = column.astype(str)
        for level in sorted(text.unique()):
            parts[f"{name}[{level}]"] = (text == level).astype(float)
    return pd.DataFrame(parts, index=frame.index)
