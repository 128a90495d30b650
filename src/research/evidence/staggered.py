"""Staggered adoption: Gardner's two-stage difference in differences (did2s).

Why: companies join the programme in different years, and when the effect grows with time
since joining, two-way fixed effects compare late joiners with early joiners whose effect is
already under way, and can get the sign wrong (Goodman-Bacon 2021). Gardner (2022) fixes this
in two steps, with the same point estimate as the imputation estimator of Borusyak, Jaravel &
Spiess (2024):

1. Fit y_it = a_i + l_t + e_it on the **untreated** observations only (never-treated units,
   and treated units before their first treated period).
2. Impute Y_it(0) = â_i + l̂_t for the treated observations; the effect of each treated
   observation is y_it − â_i − l̂_t. The ATT is their mean; the event-study effect at event
   time r is their mean over observations r periods after first treatment.

Units treated before any untreated period of theirs is observed have no â_i and are left out
(with a note). **Standard errors**: a cluster (unit) bootstrap of both steps together, so the
estimation of the fixed effects in step 1 is counted (the naive step-2 SE is not valid);
percentile-free normal intervals from the bootstrap SE. Verified against a hand-worked
fixture and by simulation with an effect that grows over time, where TWFE is biased
(tests/evidence/test_staggered.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.errors import EstimationError

__all__ = ["TwoStage", "two_stage_did"]


@dataclass(frozen=True)
class TwoStage:
    """The ATT and the effects by event time, with bootstrap SEs."""

    att: float
    att_se: float
    event: pd.DataFrame  # relative_period, estimate, std_error, ci_low, ci_high, n
    n_treated_obs: int
    n_units: int
    notes: list[str] = field(default_factory=list)


def _impute(y, unit, time, untreated, n_units, n_periods, tol=1e-9, max_iter=5000):
    """Step 1 on the untreated rows by alternating projections (a_i = mean of y − l_t over
    unit i's untreated rows, then l_t likewise, until nothing moves), and y − â_i − l̂_t for
    every row (NaN where â_i or l̂_t cannot be estimated)."""
    rows = np.flatnonzero(untreated)
    u, t, v = unit[rows], time[rows], y[rows]
    n_u = np.bincount(u, minlength=n_units).astype(float)
    n_t = np.bincount(t, minlength=n_periods).astype(float)
    seen_unit, seen_time = n_u > 0, n_t > 0
    n_u[~seen_unit], n_t[~seen_time] = 1.0, 1.0
    alpha = np.zeros(n_units)
    lam = np.zeros(n_periods)
    for _ in range(max_iter):
        alpha_new = np.bincount(u, weights=v - lam[t], minlength=n_units) / n_u
        lam_new = np.bincount(t, weights=v - alpha_new[u], minlength=n_periods) / n_t
        moved = max(np.max(np.abs(alpha_new - alpha)), np.max(np.abs(lam_new - lam)))
        alpha, lam = alpha_new, lam_new
        if moved < tol:
            break
    fitted = alpha[unit] + lam[time]
    fitted[~(seen_unit[unit] & seen_time[time])] = np.nan
    return y - fitted


def _estimates(effect, treated, relative, periods) -> tuple[float, np.ndarray]:
    usable = treated & np.isfinite(effect)
    att = float(effect[usable].mean()) if usable.any() else np.nan
    by_period = np.array(
        [
            effect[usable & (relative == r)].mean() if (usable & (relative == r)).any() else np.nan
            for r in periods
        ]
    )
    return att, by_period


def two_stage_did(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    first_treated: str,
    *,
    lags: int | None = None,
    bootstrap: int = 299,
    seed: int = 20260401,
    confidence: float = 0.95,
) -> TwoStage:
    """Gardner's two-stage DiD (see module doc). ``time`` holds integer periods,
    ``first_treated`` the first treated period (missing: never treated). ``lags`` bins event
    times above it into ``lags``."""
    from scipy import stats

    for column in (outcome, unit, time, first_treated):
        if column not in df.columns:
            raise EstimationError(f"column '{column}' not in the data")
    data = df[[outcome, unit, time, first_treated]].dropna(subset=[outcome, unit, time])
    y = data[outcome].to_numpy(dtype=float)
    unit_codes, units = pd.factorize(data[unit], sort=True)
    period = data[time].to_numpy(dtype=float)
    time_codes, periods_seen = pd.factorize(period, sort=True)
    first = pd.to_numeric(data[first_treated], errors="coerce").to_numpy(dtype=float)
    treated = np.isfinite(first) & (period >= first)
    relative = np.where(treated, period - first, np.nan)
    if lags is not None:
        relative = np.where(treated, np.minimum(relative, lags), np.nan)
    if not treated.any():
        raise EstimationError("no treated observations: nothing to estimate")
    if treated.all():
        raise EstimationError("no untreated observations to fit the first step on")
    event_periods = np.sort(np.unique(relative[treated])).astype(int)
    n_units, n_periods = len(units), len(periods_seen)
    effect = _impute(y, unit_codes, time_codes, ~treated, n_units, n_periods)
    att, by_period = _estimates(effect, treated, relative, event_periods)
    notes = []
    lost = treated & ~np.isfinite(effect)
    if lost.any():
        notes.append(
            f"{int(lost.sum())} treated observations of units never observed untreated (or "
            "in periods without untreated observations) were left out"
        )
    rng = np.random.default_rng(seed)
    by_unit = np.argsort(unit_codes, kind="stable")
    sizes = np.bincount(unit_codes, minlength=n_units)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    draws_att, draws_event = [], []
    for _ in range(bootstrap):
        chosen = rng.integers(0, n_units, n_units)
        lengths = sizes[chosen]
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        rows = by_unit[np.repeat(starts[chosen], lengths) + offsets]
        new_unit = np.repeat(np.arange(n_units), lengths)
        eff = _impute(y[rows], new_unit, time_codes[rows], ~treated[rows], n_units, n_periods)
        a, e = _estimates(eff, treated[rows], relative[rows], event_periods)
        draws_att.append(a)
        draws_event.append(e)
    z = stats.norm.ppf(0.5 + confidence / 2)
    att_se = float(np.nanstd(draws_att, ddof=1))
    event_se = np.nanstd(np.array(draws_event), axis=0, ddof=1)
    counts = [int((treated & (relative == r) & np.isfinite(effect)).sum()) for r in event_periods]
    event = pd.DataFrame(
        {
            "relative_period": event_periods,
            "estimate": by_period,
            "std_error": event_se,
            "ci_low": by_period - z * event_se,
            "ci_high": by_period + z * event_se,
            "n": counts,
        }
    )
    return TwoStage(att, att_se, event, int(treated.sum()), n_units, notes)
