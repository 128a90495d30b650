"""Partial pooling of subgroup effects: an estimate and an honest interval for every subgroup.

Why: at 1,200 participants split by context most subgroup × arm cells are small, so unpooled
logits answer "too small" or "separation" until the project is over. Two steps give every
subgroup with at least one participant per arm an answer:

1. **Unpooled, Firth-penalised.** The analysis's logit (subgroup × treatment cells plus the
   adjustment factors, as :mod:`~research.evidence.subgroups`) fitted by Firth's penalised
   likelihood (:mod:`~research.evidence.firth`) on *every* cell with data, so separated cells
   get finite estimates; average marginal effects per subgroup with delta-method,
   company-clustered SEs.
2. **Pooled (normal hierarchical model).** The subgroup AMEs y_g with variances v_g are
   treated as a random-effects meta-analysis, y_g ~ N(θ_g, v_g), θ_g ~ N(μ, τ²). Each
   subgroup is shrunk toward the overall effect in proportion to its noise, B_g = v_g / (v_g +
   τ²), with μ and τ integrated out (flat priors, exact grid computation; :func:`shrink`), so
   a small subgroup far from the rest is not made falsely certain when τ looks small. Large
   effects in small groups are not taken at face value; large groups keep their own estimate.
   The REML μ̂ and τ̂ are reported beside them (and reproduce metafor).

docs/pooling.md compares this with a mixed-effects logit (statsmodels'
``BinomialBayesMixedGLM``, random treatment slopes by subgroup) in a simulation study
(``bench/pooling_study.py``): mean squared error and interval coverage on planted subgroup
effects. Where even a pooled estimate is too uncertain to act on, :func:`minimum_detectable`
says how large an effect today's numbers could detect and in which quarter, on the planned
trajectory, the subgroup will detect the effect the researchers call relevant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from research.evidence.design import dummies, factor_name, identifiable_columns
from research.evidence.firth import firth_logit
from research.evidence.result import Status
from research.evidence.subgroups import (
    DEFAULT_ANALYSES,
    SubgroupAnalysis,
    _ame,
    estimation_sample,
)

__all__ = [
    "RELEVANT_EFFECT",
    "Pooled",
    "firth_subgroup_effects",
    "minimum_detectable",
    "pooled_subgroup_effects",
    "quarter_detectable",
    "shrink",
]

MIN_PER_COLUMN = 2
"""Adjust for the analysis's factors only with at least this many of the rarer outcome per
model column; with fewer, the penalty rather than the data decides the adjusted contrasts
(0 of 2 against 0 of 2 came out as +39 pp on the demo), so the cells' own rates are used."""

RELEVANT_EFFECT = 0.10
"""The smallest effect the article calls relevant (10 percentage points), for the MDE's
"large enough by" quarter. Change it in the call when the researchers set another."""


def firth_subgroup_effects(
    frame: pd.DataFrame,
    analysis: SubgroupAnalysis,
    *,
    confidence: float = 0.95,
    cluster: str = "cluster_id",
) -> pd.DataFrame:
    """The analysis's AME per subgroup and level from a Firth-penalised logit on every cell.

    One row per subgroup and level with at least one person in the level and one in the
    reference: ``analysis``, ``outcome``, ``treatment``, ``level``, ``reference``,
    ``moderator``, ``subgroup``, ``n_level``, ``n_reference``, ``events_level``,
    ``events_reference``, ``estimate``, ``std_error``, ``ci_low``, ``ci_high``, ``adjusted``
    (False when too few outcomes to adjust, :data:`MIN_PER_COLUMN`), ``status`` (ok, or
    not_converged) and ``message``.
    """
    from scipy import stats

    sample = estimation_sample(frame, analysis, min_cell=1)
    data, counts = sample.frame, sample.cells
    columns_out = _FIRTH_COLUMNS
    if data.empty:
        return pd.DataFrame(columns=columns_out)
    y = data[analysis.outcome].astype(bool).to_numpy(dtype=float)
    cell_key = data["subgroup"] + "|" + data["treatment_level"]
    cell_names = [f"{g}|{t}" for g, t in sorted(counts.index)]
    cells = dummies(cell_key, "cell", cell_names, reference=None)
    parts = [cells]
    for factor in analysis.covariates:
        name = factor_name(factor)
        labels = data[f"factor:{name}"]
        order = labels.value_counts().index.tolist()
        parts.append(dummies(labels, name, sorted(order), reference=order[0]))
    design = pd.concat(parts, axis=1)
    columns = identifiable_columns(design)
    rarer = min(y.sum(), len(y) - y.sum())
    adjusted = rarer >= MIN_PER_COLUMN * len(columns)
    if not adjusted:  # too few outcomes to adjust: each cell's own (penalised) rate
        columns = identifiable_columns(cells)
    x = design[columns].to_numpy(dtype=float)
    groups = pd.factorize(data[cluster].astype("string").fillna("?"))[0]
    fit = firth_logit(y, x, clusters=groups)
    z = stats.norm.ppf(0.5 + confidence / 2)
    cell_index = np.array([i for i, c in enumerate(columns) if c.startswith("cell[")])
    subgroup = data["subgroup"].to_numpy(dtype=object)
    levels = (
        list(analysis.levels)
        if analysis.levels is not None
        else sorted(set(data["treatment_level"]) - {analysis.reference})
    )
    rows = []
    for g in sorted(set(subgroup)):
        for level in levels:
            if (g, level) not in counts.index or (g, analysis.reference) not in counts.index:
                continue
            treated_name, control_name = f"cell[{g}|{level}]", f"cell[{g}|{analysis.reference}]"
            n1, e1 = (int(v) for v in counts.loc[(g, level), ["n", "events"]])
            n0, e0 = (int(v) for v in counts.loc[(g, analysis.reference), ["n", "events"]])
            row = {
                "analysis": analysis.key,
                "outcome": analysis.outcome,
                "treatment": analysis.treatment,
                "level": level,
                "reference": analysis.reference,
                "moderator": analysis.moderator or "all",
                "subgroup": g,
                "n_level": n1,
                "n_reference": n0,
                "events_level": e1,
                "events_reference": e0,
                "estimate": np.nan,
                "std_error": np.nan,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "adjusted": adjusted,
                "status": Status.OK,
                "message": "",
            }
            if not fit.converged or treated_name not in columns or control_name not in columns:
                row["status"] = Status.NOT_CONVERGED
                row["message"] = "the penalised logit did not converge"
            else:
                members = subgroup == g
                estimate, se = _ame(
                    fit,
                    x[members],
                    cell_index,
                    columns.index(treated_name),
                    columns.index(control_name),
                )
                row.update(
                    estimate=estimate,
                    std_error=se,
                    ci_low=estimate - z * se,
                    ci_high=estimate + z * se,
                )
            rows.append(row)
    return pd.DataFrame(rows, columns=columns_out)


_FIRTH_COLUMNS = [
    "analysis",
    "outcome",
    "treatment",
    "level",
    "reference",
    "moderator",
    "subgroup",
    "n_level",
    "n_reference",
    "events_level",
    "events_reference",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
    "adjusted",
    "status",
    "message",
]


def _reml_tau2(y: np.ndarray, v: np.ndarray) -> float:
    """REML estimate of the between-subgroup variance τ² (0 when the data do not need it)."""

    from scipy import optimize

    def negative(tau2: float) -> float:
        w = 1 / (v + tau2)
        mu = np.sum(w * y) / np.sum(w)
        return 0.5 * (np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))

    upper = max(10 * float(np.var(y)), 10 * float(np.max(v)), 1e-8)
    result = optimize.minimize_scalar(
        negative, bounds=(0.0, upper), method="bounded", options={"xatol": 1e-10}
    )
    tau2 = float(result.x)
    return 0.0 if negative(0.0) <= negative(tau2) else tau2


@dataclass(frozen=True)
class Pooled:
    """Partially pooled subgroup effects and the meta-analysis they come from."""

    estimate: np.ndarray  # posterior mean of each θ_g
    std_error: np.ndarray  # posterior SD of each θ_g
    shrinkage: np.ndarray  # posterior mean of B_g = v_g / (v_g + τ²)
    overall: float  # REML μ̂
    overall_se: float
    tau2: float  # REML τ̂²


def shrink(estimates: Sequence[float], variances: Sequence[float], grid: int = 400) -> Pooled:
    """Partially pooled estimates of each θ_g (see module doc), with τ integrated out.

    Given τ, θ_g | y ~ N(μ̂_τ + (1 − B_g)(y_g − μ̂_τ), v_g(1 − B_g) + B_g² V_μ,τ) with
    B_g = v_g/(v_g + τ²) and μ̂_τ, V_μ,τ the weighted mean and its variance. τ has a uniform
    prior, and p(τ | y) ∝ V_μ,τ^½ Π (v_g + τ²)^−½ exp(−Σ (y_g − μ̂_τ)² / 2(v_g + τ²)) is
    evaluated on a grid of ``grid`` points from 0 to 4 times the larger of the spread of y and
    the largest SE; the moments of θ_g are mixed over it (Gelman et al., *Bayesian Data
    Analysis*, 3rd ed., §5.4). Plugging in the REML τ̂ instead covered 84 % in the pooling
    study (docs/pooling.md), mostly because τ̂ is often 0 with eight subgroups; integrating
    over τ covers 95 %.
    ``overall`` and ``tau2`` are the REML estimates, for reporting. With one subgroup nothing
    is pooled.
    """
    y = np.asarray(estimates, dtype=float)
    v = np.asarray(variances, dtype=float)
    if len(y) < 2:
        overall = float(y[0]) if len(y) else np.nan
        return Pooled(y.copy(), np.sqrt(v), np.zeros(len(y)), overall, np.nan, np.nan)
    tau2 = _reml_tau2(y, v)
    w = 1 / (v + tau2)
    mu = float(np.sum(w * y) / np.sum(w))
    top = 4 * max(float(np.std(y)), float(np.sqrt(v.max())), 1e-9)
    taus = np.linspace(0.0, top, grid)[:, None]  # grid x 1
    weights = 1 / (v[None, :] + taus**2)  # grid x k
    v_mu = 1 / weights.sum(axis=1, keepdims=True)
    mu_tau = v_mu * (weights * y).sum(axis=1, keepdims=True)
    log_post = (
        0.5 * np.log(v_mu[:, 0])
        + 0.5 * np.log(weights).sum(axis=1)
        - 0.5 * (weights * (y - mu_tau) ** 2).sum(axis=1)
    )
    posterior = np.exp(log_post - log_post.max())
    posterior /= posterior.sum()
    b = v[None, :] * weights
    means = mu_tau + (1 - b) * (y - mu_tau)
    variances_tau = v * (1 - b) + b**2 * v_mu
    mean = posterior @ means
    variance = posterior @ (variances_tau + means**2) - mean**2
    return Pooled(
        mean,
        np.sqrt(np.maximum(variance, 0.0)),
        posterior @ b,
        mu,
        float(np.sqrt(1 / np.sum(w))),
        tau2,
    )


def pooled_subgroup_effects(
    frame: pd.DataFrame,
    analyses: Sequence[SubgroupAnalysis] = DEFAULT_ANALYSES,
    *,
    confidence: float = 0.95,
    relevant: float = RELEVANT_EFFECT,
) -> pd.DataFrame:
    """Firth AMEs per subgroup, partially pooled within each analysis and level.

    The rows of :func:`firth_subgroup_effects` plus ``pooled_estimate``, ``pooled_se``,
    ``pooled_ci_low``, ``pooled_ci_high``, ``overall`` (REML μ̂), ``tau`` (REML τ̂),
    ``shrinkage`` (posterior mean of B_g: 0 keeps the subgroup's own estimate, 1 takes the
    overall one), ``mde`` (the
    minimum detectable effect at today's arm sizes, 80 % power, 5 % two-sided) and
    ``precise_enough`` (mde ≤ ``relevant``).
    """
    from scipy import stats

    z = stats.norm.ppf(0.5 + confidence / 2)
    parts = []
    for analysis in analyses:
        rows = firth_subgroup_effects(frame, analysis, confidence=confidence)
        if rows.empty:
            continue
        rows = rows.assign(
            pooled_estimate=np.nan,
            pooled_se=np.nan,
            overall=np.nan,
            tau=np.nan,
            shrinkage=np.nan,
        )
        for _, block in rows[rows["status"] == Status.OK].groupby("level", sort=False):
            y = block["estimate"].to_numpy(float)
            v = block["std_error"].to_numpy(float) ** 2
            pooled = shrink(y, v)
            rows.loc[block.index, "pooled_estimate"] = pooled.estimate
            rows.loc[block.index, "pooled_se"] = pooled.std_error
            rows.loc[block.index, "overall"] = pooled.overall
            rows.loc[block.index, "tau"] = np.sqrt(pooled.tau2)
            rows.loc[block.index, "shrinkage"] = pooled.shrinkage
        rows["pooled_ci_low"] = rows["pooled_estimate"] - z * rows["pooled_se"]
        rows["pooled_ci_high"] = rows["pooled_estimate"] + z * rows["pooled_se"]
        base = (rows["events_level"] + rows["events_reference"]) / (
            rows["n_level"] + rows["n_reference"]
        )
        rows["mde"] = minimum_detectable(
            rows["n_level"].to_numpy(float), rows["n_reference"].to_numpy(float), base.to_numpy()
        )
        rows["precise_enough"] = rows["mde"] <= relevant
        parts.append(rows)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def minimum_detectable(
    n_level: np.ndarray | float,
    n_reference: np.ndarray | float,
    base_rate: np.ndarray | float,
    *,
    alpha: float = 0.05,
    power: float = 0.80,
) -> np.ndarray:
    """The smallest risk difference a two-sided test at ``alpha`` detects with ``power``:
    (z_{1−α/2} + z_power) · sqrt(p̄(1 − p̄)(1/n₁ + 1/n₀)), p̄ the pooled rate (floored at
    0.05 and capped at 0.95, so an arm with no events yet does not claim a zero variance)."""
    from scipy import stats

    p = np.clip(np.asarray(base_rate, dtype=float), 0.05, 0.95)
    n1 = np.asarray(n_level, dtype=float)
    n0 = np.asarray(n_reference, dtype=float)
    multiplier = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    with np.errstate(divide="ignore"):
        return multiplier * np.sqrt(p * (1 - p) * (1 / n1 + 1 / n0))


def quarter_detectable(
    n_level: float,
    n_reference: float,
    base_rate: float,
    *,
    today: date,
    quarters: Sequence,
    planned_share,
    relevant: float = RELEVANT_EFFECT,
) -> object | None:
    """The first quarter whose end, on the planned trajectory, gives arms large enough that
    the minimum detectable effect is at most ``relevant``; None if no quarter in
    ``quarters`` does. Arms grow in proportion to ``planned_share(day)`` (the cumulative
    share of the participant target planned by ``day``) relative to today's: the subgroup's
    share of the programme is assumed to stay as it is."""
    now = planned_share(today)
    if now <= 0:
        return None
    for quarter in quarters:
        if quarter.end < today:
            continue
        growth = planned_share(quarter.end) / now
        mde = float(minimum_detectable(n_level * growth, n_reference * growth, base_rate))
        if mde <= relevant:
            return quarter
    return None
