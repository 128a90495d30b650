"""Forecasting an indicator to the project's end, and the chance of reaching its target.

The model (a quasi-Poisson GLM, fitted in closed form by ``pace_fit``): the count gained in
quarter q is Poisson with mean exp(b) · plan_q, where plan_q is the count the configured
trajectory planned for that quarter (the offset). exp(b) is the pace relative to the plan: 1 on
plan, 0.8 at 80 %. The dispersion is estimated from the Pearson residuals and never taken below
1 (no claim of more regularity than Poisson). The remaining quarters are forecast at the
estimated pace; the 95 % interval is a normal approximation of the predictive distribution,
which adds the uncertainty of the pace, (mu · se_b)², to the (over-)Poisson noise of the counts
still to come, phi · mu.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

MIN_QUARTERS = 2


@dataclass(frozen=True)
class Forecast:
    mean: float
    low: float
    high: float
    p_reach: float
    pace: float  # exp(b): achieved relative to plan
    dispersion: float


def pace_fit(observed: np.ndarray, plan: np.ndarray) -> tuple[float, float, float]:
    """The quasi-Poisson GLM's pace exp(b), se(b) at dispersion 1, and Pearson's χ².

    With one parameter and the plan as offset the maximum-likelihood equations solve in closed
    form: Σ (y − e^b·plan) = 0 gives e^b = Σy / Σplan, and the Fisher information Σ mu = Σy
    gives se(b) = 1/√Σy — the fit statsmodels' GLM iterates to, without its import (~3 s) or
    its iterations (tested against it)."""
    total = float(observed.sum())
    pace = total / float(plan.sum())
    mu = pace * plan
    return pace, 1.0 / np.sqrt(total), float(((observed - mu) ** 2 / mu).sum())


def forecast_total(
    observed: np.ndarray,
    planned: tuple[np.ndarray, np.ndarray],
    target: float,
    confidence: float = 0.95,
) -> Forecast | None:
    """Forecast the final total from the counts per quarter so far; None with too little data.

    ``planned`` holds the trajectory's planned shares of the target for the observed quarters
    and for the quarters still to come; a quarter with no planned gain carries no information
    about the pace and is left out of the fit.
    """
    observed = np.asarray(observed, dtype=float)
    plan_seen, plan_future = (np.asarray(p, dtype=float) * target for p in planned)
    used = plan_seen > 0
    achieved = float(observed.sum())
    if used.sum() < MIN_QUARTERS or observed[used].sum() == 0:
        return None
    pace, se_b, pearson_chi2 = pace_fit(observed[used], plan_seen[used])
    residual_df = max(int(used.sum()) - 1, 1)
    dispersion = max(pearson_chi2 / residual_df, 1.0)
    se_b *= np.sqrt(dispersion)
    remaining = pace * float(plan_future.sum())
    variance = dispersion * remaining + (remaining * se_b) ** 2
    sd = float(np.sqrt(variance))
    normal = NormalDist()
    z = normal.inv_cdf(0.5 + confidence / 2)
    mean = achieved + remaining
    low = max(achieved, mean - z * sd)
    high = mean + z * sd
    still_needed = target - achieved
    if still_needed <= 0:
        p_reach = 1.0
    elif sd == 0:
        p_reach = float(remaining >= still_needed)
    else:
        p_reach = 1 - normal.cdf((still_needed - 0.5 - remaining) / sd)
    return Forecast(mean, low, high, p_reach, pace, dispersion)
