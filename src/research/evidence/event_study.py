"""The event study: effects by period relative to first treatment, and a pre-trend test.

Why: a single two-way fixed-effects coefficient hides how an effect builds up and whether
treated and comparison units were already drifting apart before treatment. Lead coefficients
(periods before treatment) near zero, jointly tested, are the visible check of parallel trends
that a reviewer will ask for; lag coefficients show the effect's path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from research.errors import EstimationError
from research.evidence.estimate import CONFIDENCE, inference_label, plain
from research.evidence.panel import SE_TYPES, SmallSample, check_small_sample, codes, fit_within
from research.evidence.prepare import (
    cluster_codes,
    complete_rows,
    covariate_matrix,
    drop_constant,
    numeric,
    require_columns,
    require_variation,
)

__all__ = ["REFERENCE_PERIOD", "EventStudy", "event_study"]

REFERENCE_PERIOD = -1


@dataclass(frozen=True)
class EventStudy:
    """Event-study coefficients by period relative to first treatment, and a pre-trend test.

    ``coefficients`` has one row per relative period (``relative_period``, ``estimate``,
    ``std_error``, ``ci_low``, ``ci_high``, ``p_value``, ``n`` rows in that period,
    ``reference``); the reference period -1 is a row with estimate 0 and no SE. The pre-trend
    test is the joint F test that every lead (period ≤ -2) is zero.
    """

    coefficients: pd.DataFrame
    pretrend_statistic: float
    pretrend_df: tuple[int, int] | None
    pretrend_p_value: float
    n: int
    n_clusters: int
    options: dict[str, Any]
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        rows = self.coefficients.to_dict(orient="records")
        return {
            "method": "event_study",
            "options": plain(self.options),
            "coefficients": [{k: plain(v) for k, v in row.items()} for row in rows],
            "pretrend": {
                "test": "F",
                "statistic": plain(self.pretrend_statistic),
                "df": None if self.pretrend_df is None else list(self.pretrend_df),
                "p_value": plain(self.pretrend_p_value),
            },
            "n": self.n,
            "n_clusters": self.n_clusters,
            "warnings": list(self.warnings),
        }


def _relative_periods(
    relative: np.ndarray, leads: int | None, lags: int | None
) -> tuple[np.ndarray, int, int]:
    """Relative periods with the end points binned: r < -leads counts as -leads, r > lags as
    lags. NaN (never treated) stays NaN."""
    seen = relative[~np.isnan(relative)]
    leads = int(-seen.min()) if leads is None else leads
    lags = int(seen.max()) if lags is None else lags
    if leads < 1 or lags < 0:
        raise EstimationError(
            f"leads must be at least 1 (period -1 is the reference) and lags at least 0; got "
            f"leads={leads}, lags={lags}"
        )
    return np.clip(relative, -leads, lags), leads, lags


def event_study(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    first_treated_time_column: str,
    leads: int | None = None,
    lags: int | None = None,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    small_sample: SmallSample = "nested",
    confidence: float = CONFIDENCE,
) -> EventStudy:
    """Dynamic two-way fixed effects: y_it = a_i + l_t + sum over r != -1 of b_r·1[t - g_i = r].

    ``time`` holds integer periods (e.g. quarter numbers) and ``first_treated_time_column``
    the period g_i a unit was first treated, missing for units never treated. Coefficients
    b_r compare period r relative to treatment with period -1 (the reference). ``leads`` and
    ``lags`` bin the end points (periods before -leads count as -leads, after lags as lags);
    by default every relative period seen gets its own coefficient. Standard errors are
    cluster-robust by ``unit`` (or ``cluster``), t(G-1), with the nested small-sample factor
    (``small_sample="dummies"`` for that of OLS with dummies; see ``panel.SmallSample``). The
    pre-trend test is the joint F test (statsmodels ``wald_test``) that all leads are zero;
    with the dummies factor it rejects less often than its level in short panels.
    With staggered adoption the coefficients assume the effect path is the same in every
    cohort (Sun & Abraham 2021 show how they mislead otherwise); a warning says so.
    """
    covariates = list(covariates)
    check_small_sample(small_sample)
    group = cluster or unit
    require_columns(df, [outcome, unit, time, first_treated_time_column, *covariates, group])
    notes: list[str] = []
    used = list(dict.fromkeys([outcome, unit, time, *covariates, group]))
    frame = complete_rows(df, used, notes, carry=[first_treated_time_column])
    y = numeric(frame[outcome], "outcome")
    require_variation(y, outcome, "outcome")
    periods = numeric(frame[time], "time")
    given = frame[first_treated_time_column]
    first = pd.to_numeric(given, errors="coerce").to_numpy(dtype=float)
    text = given.notna().to_numpy() & np.isnan(first)
    if text.any():
        raise EstimationError(
            f"'{first_treated_time_column}' must hold the first treated period as a number "
            f"(missing for never treated); found {given[text].iloc[0]!r}"
        )
    whole = np.concatenate([periods, first[~np.isnan(first)]])
    if not np.array_equal(whole, np.round(whole)):
        raise EstimationError(
            f"'{time}' and '{first_treated_time_column}' must hold whole period numbers "
            "(e.g. a quarter index), so that periods relative to treatment are whole numbers"
        )
    if np.isnan(first).all():
        raise EstimationError(f"no unit is ever treated ('{first_treated_time_column}' is empty)")
    relative, leads, lags = _relative_periods(periods - first, leads, lags)
    terms = [r for r in range(-leads, lags + 1) if r != REFERENCE_PERIOD and (relative == r).any()]
    if not terms:
        raise EstimationError("no relative period other than the reference -1 in the data")
    x_cov = drop_constant(covariate_matrix(frame, covariates), notes)
    x = np.column_stack([(relative == r).astype(float) for r in terms] + [x_cov.to_numpy()])
    unit_codes, time_codes = codes(frame[unit]), codes(frame[time])
    clusters = cluster_codes(frame[group], notes)
    names = [f"relative period {r}" for r in terms] + list(x_cov.columns)
    fit = fit_within(y, x, unit_codes, time_codes, clusters, names, small_sample)
    test = fit.result.t_test(np.eye(x.shape[1])[: len(terms)], cov_p=fit.cov)
    low_high = np.asarray(test.conf_int(alpha=1 - confidence))
    rows = pd.DataFrame(
        {
            "relative_period": terms,
            "estimate": np.ravel(test.effect),
            "std_error": np.ravel(test.sd),
            "ci_low": low_high[:, 0],
            "ci_high": low_high[:, 1],
            "p_value": np.ravel(test.pvalue),
            "n": [int((relative == r).sum()) for r in terms],
            "reference": False,
        }
    )
    reference = pd.DataFrame(
        [
            [
                REFERENCE_PERIOD,
                0.0,
                np.nan,
                0.0,
                0.0,
                np.nan,
                int((relative == REFERENCE_PERIOD).sum()),
                True,
            ]
        ],
        columns=rows.columns,
    )
    coefficients = (
        pd.concat([rows, reference]).sort_values("relative_period").reset_index(drop=True)
    )
    leads_idx = [i for i, r in enumerate(terms) if r < REFERENCE_PERIOD]
    statistic, dof, p_value = float("nan"), None, float("nan")
    if leads_idx:
        wald = fit.result.wald_test(
            np.eye(x.shape[1])[leads_idx], cov_p=fit.cov, use_f=True, scalar=True
        )
        statistic, p_value = float(wald.statistic), float(wald.pvalue)
        dof = (int(wald.df_num), int(wald.df_denom))
    else:
        notes.append("no lead periods (before -1), so there is no pre-trend test")
    cohorts = np.unique(first[~np.isnan(first)])
    if len(cohorts) > 1:
        notes.append(
            f"staggered adoption ({len(cohorts)} cohorts): the coefficients assume the same "
            "effect path in every cohort; if effects differ by cohort they can be contaminated "
            "by other periods' effects (Sun & Abraham 2021)"
        )
    if not np.isnan(first).any():
        notes.append("no never-treated units: the comparison rests on not-yet-treated units")
    options = {
        "estimand": "effect in each period relative to first treatment, against period -1",
        "reference_period": REFERENCE_PERIOD,
        "leads": leads,
        "lags": lags,
        "end_points": "binned",
        "covariates": list(x_cov.columns),
        "unit": unit,
        "time": time,
        "se_type": SE_TYPES[small_sample],
        "cluster": group,
        "inference": inference_label(fit.result.df_resid_inference),
        "pretrend_test": "joint F test that all leads are zero",
    }
    return EventStudy(
        coefficients,
        statistic,
        dof,
        p_value,
        len(y),
        int(clusters.max() + 1),
        options,
        tuple(notes),
    )
