"""Panel designs: two-way fixed effects, the 2×2 difference-in-differences and the event study.

Why: the programme's company questions compare the same companies before and after they join
a network with companies that did not (yet) join. Unit fixed effects remove everything
constant about a company, time fixed effects everything common to a quarter; what remains is
identified by parallel trends, which the event study's lead coefficients let a reader check.

Two-way fixed effects are fitted by the within transformation (demeaning by unit and by time,
alternated until it converges, which is exact for unbalanced panels too) and statsmodels OLS
on the demeaned data, so the panel may have thousands of units. The cluster-robust covariance
is then rescaled so that it equals the one from OLS with a dummy per unit and per period (its
small-sample factor (n-1)/(n-k) counts the dummies); a test checks the equality. The event
study, which uses the same fit, is in ``event_study``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from research.errors import EstimationError
from research.evidence.estimate import CONFIDENCE, Estimate, inference_label, plain
from research.evidence.prepare import (
    prepare,
    require_rows,
)

__all__ = ["demean_two_way", "did", "fe"]

DEMEAN_TOLERANCE = 1e-10
DEMEAN_MAX_ITERATIONS = 10_000
RANK_TOLERANCE = 1e-8  # relative singular value below which demeaned terms are collinear


def _group_means(codes: np.ndarray, values: np.ndarray) -> np.ndarray:
    from scipy import sparse

    indicator = sparse.csr_matrix(
        (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(codes.max() + 1, len(codes))
    )
    counts = np.asarray(indicator.sum(axis=1)).ravel()
    return (indicator @ values) / counts[:, None]


def demean_two_way(values: np.ndarray, unit: np.ndarray, time: np.ndarray) -> np.ndarray:
    """Columns of ``values`` less their unit and time effects (alternating projections).

    The result equals the residuals of OLS on a dummy per unit and per period; for a balanced
    panel one pass is exact, for an unbalanced one the passes repeat until every unit and
    period mean is zero to within 1e-10 of the data's scale.
    """
    out = np.array(values, dtype=float, copy=True)
    if out.ndim == 1:
        out = out[:, None]
    scale = max(1.0, float(np.abs(out).max()))
    for _ in range(DEMEAN_MAX_ITERATIONS):
        out -= _group_means(unit, out)[unit]
        time_means = _group_means(time, out)
        out -= time_means[time]
        if np.abs(time_means).max() < DEMEAN_TOLERANCE * scale:
            unit_means = _group_means(unit, out)
            if np.abs(unit_means).max() < DEMEAN_TOLERANCE * scale:
                return out
    raise EstimationError(
        "the fixed effects did not converge; the panel may be split into disconnected parts"
    )


def _absorbed_parameters(unit: np.ndarray, time: np.ndarray) -> int:
    """Rank of the unit and period dummies (with a constant): units + periods - components."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    n_units, n_times = unit.max() + 1, time.max() + 1
    edges = sparse.coo_matrix(
        (np.ones(len(unit)), (unit, n_units + time)), shape=(n_units + n_times,) * 2
    )
    components, _ = connected_components(edges, directed=False)
    return int(n_units + n_times - components)


SmallSample = Literal["dummies", "nested"]
"""How the cluster-robust small-sample factor (n-1)/(n-k) counts k. ``nested`` (the
default): unit dummies are not counted when units are nested in clusters (Stata ``xtreg, fe``,
R ``fixest``), because they cost no cluster-level degrees of freedom; the coverage study shows
it right. ``dummies``: every unit and period dummy, exactly as OLS with dummies (Stata
``areg``) does; larger (more conservative) by
(n-k_nested)/(n-k_dummies), which matters in short panels (about 2 with 2 periods)."""


@dataclass(frozen=True)
class WithinFit:
    result: Any  # statsmodels OLS results on demeaned data, cluster-robust
    cov: np.ndarray  # the covariance with the chosen small-sample factor
    n_parameters: int  # slopes plus absorbed unit and period effects (rank of dummy OLS)
    counted_parameters: int  # k in the small-sample factor


def fit_within(
    y: np.ndarray,
    x: np.ndarray,
    unit: np.ndarray,
    time: np.ndarray,
    clusters: np.ndarray,
    names: Sequence[str],
    small_sample: SmallSample = "nested",
) -> WithinFit:
    """OLS of demeaned y on demeaned x, clustered by ``clusters``, with the CR1 factor
    G/(G-1)·(n-1)/(n-k) counting k as ``small_sample`` says (see ``SmallSample``)."""
    from statsmodels.regression.linear_model import OLS

    demeaned = demean_two_way(np.column_stack([y, x]), unit, time)
    y_w, x_w = demeaned[:, 0], demeaned[:, 1:]
    scale = np.maximum(1.0, np.abs(x).max(axis=0))
    absorbed = [
        name
        for name, j in zip(names, range(x_w.shape[1]), strict=True)
        if np.abs(x_w[:, j]).max() < 1e-8 * scale[j]
    ]
    if absorbed:
        raise EstimationError(
            f"{', '.join(absorbed)} does not vary within units over time (or is the same for "
            "every unit in a period), so the fixed effects absorb it"
        )
    singular = np.linalg.svd(x_w, compute_uv=False)
    if singular.min() < RANK_TOLERANCE * singular.max():  # demeaning is exact to ~1e-10 only
        raise EstimationError(
            f"the terms {', '.join(names)} are collinear once unit and period effects are "
            "removed; with no never-treated units, bin the end points (leads/lags) or drop a term"
        )
    n, k = x_w.shape
    k_dummy = k + _absorbed_parameters(unit, time)
    require_rows(n, k_dummy + 1, "fixed effects", f"{k_dummy} parameters with the fixed effects")
    counted = k_dummy
    if small_sample == "nested" and _nested(unit, clusters):
        counted -= int(unit.max())  # the unit dummies (all but the constant's) are not counted
    result = OLS(y_w, x_w).fit(cov_type="cluster", cov_kwds={"groups": clusters}, use_t=True)
    # statsmodels' CR1 factor is G/(G-1)·(n-1)/(n-k) with k the demeaned columns; rescale it
    # to count ``counted`` parameters instead.
    cov = np.asarray(result.cov_params()) * (n - k) / (n - counted)
    return WithinFit(result, cov, k_dummy, counted)


def drop_absorbed_covariates(
    x: np.ndarray,
    names: Sequence[str],
    unit: np.ndarray,
    time: np.ndarray,
    keep: int = 1,
) -> tuple[np.ndarray, list[str], list[str]]:
    """Leave out covariates the unit and period effects absorb, or that are collinear with the
    terms before them, as R fixest and Stata do; the first ``keep`` columns (the treatment
    terms) are never dropped, so their being absorbed stays an error in :func:`fit_within`.

    Returns the remaining columns, their names and one note per kind of drop. Columns are
    taken in order: a covariate is kept when it adds rank to those kept so far.
    """
    demeaned = demean_two_way(x, unit, time)
    scale = np.maximum(1.0, np.abs(x).max(axis=0))
    kept = list(range(min(keep, x.shape[1])))
    absorbed, collinear = [], []
    for j in range(keep, x.shape[1]):
        column = demeaned[:, j]
        if np.abs(column).max() < 1e-8 * scale[j]:
            absorbed.append(names[j])
            continue
        trial = demeaned[:, [*kept, j]]
        singular = np.linalg.svd(trial, compute_uv=False)
        if singular.min() < RANK_TOLERANCE * singular.max():
            collinear.append(names[j])
            continue
        kept.append(j)
    notes = []
    if absorbed:
        notes.append(
            f"covariates absorbed by the unit and period effects were left out: "
            f"{', '.join(absorbed)}"
        )
    if collinear:
        notes.append(
            f"covariates collinear with the other terms once the fixed effects are removed "
            f"were left out: {', '.join(collinear)}"
        )
    return x[:, kept], [names[j] for j in kept], notes


SE_TYPES = {
    "dummies": "cluster-robust (CR1), as OLS with unit and period dummies",
    "nested": "cluster-robust (CR1), unit effects nested in clusters not counted",
}


def check_small_sample(small_sample: str) -> None:
    if small_sample not in SE_TYPES:
        raise EstimationError(
            f"unknown small_sample '{small_sample}'; use {' or '.join(map(repr, SE_TYPES))}"
        )


def _nested(unit: np.ndarray, clusters: np.ndarray) -> bool:
    """Whether every unit lies within one cluster (always so when clustering by unit)."""
    pairs = np.unique(np.column_stack([unit, clusters]), axis=0)
    return len(pairs) == unit.max() + 1


def codes(series: pd.Series) -> np.ndarray:
    return pd.factorize(series, sort=True)[0].astype(np.int64)


def fe(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    unit: str,
    time: str,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    small_sample: SmallSample = "nested",
    confidence: float = CONFIDENCE,
) -> Estimate:
    """Two-way fixed effects: the treatment coefficient in y_it = a_i + l_t + b·D_it + x_it'c.

    ``treatment`` is D_it, switched on in the periods a unit is treated (binary or numeric).
    With a constant effect and parallel trends b is the ATT; with staggered adoption and
    effects that change over time or differ between cohorts it is a weighted average that can
    mislead (use ``event_study`` to look). Standard errors are cluster-robust by ``unit``
    (or by ``cluster``) with a t(G-1) interval. By default the small-sample factor leaves out
    unit effects nested in the clusters, as Stata's xtreg and R's fixest do
    (``small_sample="dummies"`` gives OLS with unit and period dummies, conservative in short
    panels; docs/validation.md shows both).
    """
    prep = prepare(
        df,
        method="fe",
        outcome=outcome,
        treatment=treatment,
        covariates=covariates,
        cluster=cluster or unit,
        extra=[unit, time],
        binary_treatment=False,
    )
    unit_codes, time_codes = codes(prep.frame[unit]), codes(prep.frame[time])
    if unit_codes.max() < 1 or time_codes.max() < 1:
        raise EstimationError(
            f"fe needs at least 2 units and 2 periods; found {unit_codes.max() + 1} units in "
            f"'{unit}' and {time_codes.max() + 1} periods in '{time}'"
        )
    x = np.column_stack([prep.t, prep.x.to_numpy()])
    names = [f"treatment '{treatment}'", *prep.x.columns]
    x, names, dropped = drop_absorbed_covariates(x, names, unit_codes, time_codes)
    prep.warnings.extend(dropped)
    check_small_sample(small_sample)
    fit = fit_within(prep.y, x, unit_codes, time_codes, prep.clusters, names, small_sample)
    test = fit.result.t_test(np.eye(x.shape[1])[:1], cov_p=fit.cov)
    low, high = np.asarray(test.conf_int(alpha=1 - confidence))[0]
    options = {
        "estimand": "two-way fixed-effects coefficient (ATT under parallel trends and a "
        "constant effect)",
        "covariates": names[1:],
        "unit": unit,
        "time": time,
        "se_type": SE_TYPES[small_sample],
        "cluster": cluster or unit,
        "inference": inference_label(fit.result.df_resid_inference),
        "parameters_with_fixed_effects": fit.n_parameters,
        "parameters_in_small_sample_factor": fit.counted_parameters,
    }
    return Estimate(
        "fe",
        options,
        float(np.ravel(test.effect)[0]),
        float(np.ravel(test.sd)[0]),
        float(low),
        float(high),
        float(np.ravel(test.pvalue)[0]),
        prep.n,
        prep.n_clusters,
        tuple(prep.warnings),
    )


def _post_indicator(series: pd.Series, name: str) -> tuple[np.ndarray, dict[str, Any]]:
    """1 for the later of exactly two periods (a 0/1 column is taken as it is)."""
    values = series.unique()
    if len(values) != 2:
        raise EstimationError(
            f"time '{name}' has {len(values)} distinct values; a 2×2 difference-in-differences "
            "needs exactly two (before and after); use fe or event_study for more periods"
        )
    before, after = sorted(values)
    return (series == after).to_numpy(dtype=float), {"before": before, "after": after}


def did(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    time: str,
    unit: str | None = None,
    cluster: str | None = None,
    covariates: Sequence[str] = (),
    confidence: float = CONFIDENCE,
) -> Estimate:
    """2×2 difference in differences: (treated after - treated before) - (control after -
    control before), the coefficient on treated×after in y ~ 1 + treated + after +
    treated×after (+ covariates).

    ``treatment`` marks the treated group (constant within a unit); ``time`` has exactly two
    values, the later being "after". Under parallel trends the estimand is the ATT in the
    after period. Standard errors are cluster-robust by ``cluster``, else by ``unit`` when
    given (t(G-1)), else HC1 (t(n-k)).
    """
    from statsmodels.regression.linear_model import OLS

    group = cluster or unit
    prep = prepare(
        df,
        method="did",
        outcome=outcome,
        treatment=treatment,
        covariates=covariates,
        cluster=group,
        extra=[time] + ([unit] if unit else []),
    )
    post, periods = _post_indicator(prep.frame[time], time)
    if unit:
        mixed = prep.frame.groupby(unit, observed=True)[treatment].nunique()
        if (mixed > 1).any():
            raise EstimationError(
                f"treatment '{treatment}' must mark the treated group and be constant within a "
                f"unit; unit {mixed[mixed > 1].index[0]!r} has both 0 and 1 (for a treatment "
                "that switches on, use fe)"
            )
    for g in (0, 1):
        for p in (0, 1):
            if not ((prep.t == g) & (post == p)).any():
                which = "after" if p else "before"
                raise EstimationError(
                    f"no rows with {treatment} = {g} in the {which} period "
                    f"({time} = {periods[which]}); every cell of the 2×2 design needs rows"
                )
    design = np.column_stack([np.ones(prep.n), prep.t, post, prep.t * post, prep.x.to_numpy()])
    require_rows(prep.n, design.shape[1] + 1, "did", f"{design.shape[1]} parameters")
    model = OLS(prep.y, design)
    if prep.clusters is None:
        result = model.fit(cov_type="HC1", use_t=True)
        dof = result.df_resid
    else:
        result = model.fit(cov_type="cluster", cov_kwds={"groups": prep.clusters}, use_t=True)
        dof = result.df_resid_inference
    low, high = np.asarray(result.conf_int(alpha=1 - confidence))[3]
    options = {
        "estimand": "difference in differences (ATT under parallel trends)",
        "covariates": list(prep.x.columns),
        "time": time,
        "periods": {k: plain(v) for k, v in periods.items()},
        "se_type": "HC1" if prep.clusters is None else "cluster-robust (CR1)",
        "inference": inference_label(dof),
    }
    if group:
        options["cluster"] = group
    return Estimate(
        "did",
        options,
        float(result.params[3]),
        float(result.bse[3]),
        float(low),
        float(high),
        float(result.pvalues[3]),
        prep.n,
        prep.n_clusters,
        tuple(prep.warnings),
    )
