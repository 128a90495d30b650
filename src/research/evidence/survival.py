"""Time to completion and time to dropout: Kaplan–Meier curves and Cox models.

Why: mid-project most lifts are still running, so "share completed" understates the
programme and favours short tracks. Time-to-event methods use the running lifts as censored
at the data date. The frame (:func:`~research.evidence.frames.lift_frame`) gives each lift's
``time_months`` from its start to its exit or the data date.

**Events and competing events.** Time to completion has ``event_completed`` as its event;
time to dropout has ``event_dropout`` (any exit without the qualification). The other exit is
a competing event, treated here as censoring at its date. So the Kaplan–Meier curve for
completion estimates the completion-time distribution *in a world where nobody drops out*
(not the share who will have completed by t, which the cumulative incidence function would
give), and it assumes that those who drop out would have completed at the same pace as those
still at risk. The Cox hazard ratios are cause-specific hazard ratios.

**Kaplan–Meier.** statsmodels ``SurvfuncRight`` per group, with Greenwood standard errors;
pointwise intervals on the log(−log S) scale (``ci_low``, ``ci_high``, at ``confidence``)
and statsmodels' Hall–Wellner 95 % simultaneous band (``simultaneous_cb``, arcsine-root
transform; ``band_low``, ``band_high``; like every Hall–Wellner band it is wide at the very
first event times and undefined where S = 0). Medians (or other quantiles) with statsmodels'
``quantile_ci`` (cloglog). Groups with fewer than ``min_cell`` lifts are reported as too small.

**Cox.** statsmodels ``PHReg`` (Efron ties) with company-clustered robust standard errors
(``fit(groups=cluster_id)``); factor levels with fewer than ``min_cell`` events are left out
of the model and reported as too small. Hazard ratios exp(β) with Wald intervals.

**Proportional hazards check.** The Grambsch–Therneau (1994) test on Schoenfeld residuals,
in the form of the original R ``cox.zph`` (before survival 3.0) with the rank time
transform: with r_k the Schoenfeld residuals of the d event rows
(``PHRegResults.schoenfeld_residuals``), g_k the centred rank of the event time, V the
model-based (not robust) covariance and u = Σ g_k r_k, the statistic for column j is
d (V u)_j² / (V_jj Σ g_k²) ~ χ²₁, and globally d · u'Vu / Σ g_k² ~ χ²_p. ``rho`` is the
correlation of g with the scaled residual d · V r_k + β (an estimate of β_j(t)), for
reading. A small p-value says the hazard ratio changes over follow-up, so the reported HR is
an average over time; the curves then tell the story.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from research.evidence.design import (
    Factor,
    dummies,
    factor_name,
    identifiable_columns,
    joint_labels,
)
from research.evidence.result import Status

if TYPE_CHECKING:  # annotations only
    from statsmodels.duration.hazard_regression import PHRegResults

__all__ = [
    "EVENTS",
    "CoxResult",
    "cox_model",
    "km_curves",
    "km_quantiles",
    "ph_check",
]

EVENTS: dict[str, str] = {"completed": "event_completed", "dropout": "event_dropout"}
"""The two time-to-event outcomes and their event-indicator columns in the lift frame."""

ALL = "all"
BAND_TRANSFORM = "arcsin"  # the log transform collapses the band to [0, 1] where S is near 1


def _event_column(event: str) -> str:
    if event not in EVENTS:
        raise ValueError(f"event must be one of {', '.join(EVENTS)}, got {event!r}")
    return EVENTS[event]


def _groups(frame: pd.DataFrame, by: Factor | None) -> pd.Series:
    if by is None:
        return pd.Series(ALL, index=frame.index, dtype="string")
    return joint_labels(frame, by)


def _loglog_interval(
    s: np.ndarray, se: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise interval for S(t) on the log(−log S) scale (inside [0, 1] by construction)."""
    from scipy import stats

    z = stats.norm.ppf(0.5 + confidence / 2)
    low, high = s.copy(), s.copy()
    inside = (s > 0) & (s < 1) & np.isfinite(se)
    log_s = np.log(s[inside])
    spread = z * se[inside] / (s[inside] * np.abs(log_s))
    centre = np.log(-log_s)
    low[inside] = np.exp(-np.exp(centre + spread))
    high[inside] = np.exp(-np.exp(centre - spread))
    return low, high


def km_curves(
    frame: pd.DataFrame,
    *,
    event: str = "completed",
    by: Factor | None = None,
    confidence: float = 0.95,
    min_cell: int = 5,
) -> pd.DataFrame:
    """Kaplan–Meier curve points per group: the share without the event by month.

    One row per group and event time, starting with time 0 (survival 1): ``event``,
    ``group``, ``time`` (months since the lift started), ``survival``, ``std_error``
    (Greenwood), ``ci_low``/``ci_high`` (pointwise, log−log), ``band_low``/``band_high``
    (Hall–Wellner 95 % band, missing where undefined), ``n_risk``, ``n_events``. Groups with
    fewer than ``min_cell`` lifts (or rows with missing group) are left out; see
    :func:`km_quantiles` for their status.
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    status_column = _event_column(event)
    labels = _groups(frame, by)
    parts = []
    for group in sorted(set(labels.dropna())):
        rows = frame[(labels == group).fillna(False).to_numpy(dtype=bool)]
        if len(rows) < min_cell:
            continue
        time = rows["time_months"].to_numpy(dtype=float)
        status = rows[status_column].to_numpy(dtype=int)
        sf = SurvfuncRight(time, status)
        s = np.asarray(sf.surv_prob, dtype=float)
        se = np.asarray(sf.surv_prob_se, dtype=float)
        low, high = _loglog_interval(s, se, confidence)
        with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            band_low, band_high = sf.simultaneous_cb(transform=BAND_TRANSFORM)
        band_low = np.where(np.isfinite(band_low), band_low, np.nan)
        band_high = np.where(np.isfinite(band_high), band_high, np.nan)
        points = pd.DataFrame(
            {
                "time": np.concatenate([[0.0], sf.surv_times]),
                "survival": np.concatenate([[1.0], s]),
                "std_error": np.concatenate([[0.0], se]),
                "ci_low": np.concatenate([[1.0], low]),
                "ci_high": np.concatenate([[1.0], high]),
                "band_low": np.concatenate([[1.0], band_low]),
                "band_high": np.concatenate([[1.0], band_high]),
                "n_risk": np.concatenate([[len(rows)], sf.n_risk]).astype(int),
                "n_events": np.concatenate([[0], sf.n_events]).astype(int),
            }
        )
        points.insert(0, "group", group)
        parts.append(points)
    columns = ["group", "time", "survival", "std_error", "ci_low", "ci_high"]
    columns += ["band_low", "band_high", "n_risk", "n_events"]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    out.insert(0, "event", event)
    out.insert(1, "by", factor_name(by) if by is not None else ALL)
    return out


def km_quantiles(
    frame: pd.DataFrame,
    *,
    event: str = "completed",
    by: Factor | None = None,
    quantile: float = 0.5,
    min_cell: int = 5,
) -> pd.DataFrame:
    """The time by which a share ``quantile`` has had the event, per group (KM median).

    Columns: ``event``, ``by``, ``group``, ``n``, ``events``, ``censored``, ``quantile``,
    ``months`` (missing when the curve never falls that far: "not reached"), ``ci_low``,
    ``ci_high`` (statsmodels' ``quantile_ci``, cloglog, 95 %; a missing upper limit means
    not reached), ``status`` (ok, not_reached, too_small).
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    status_column = _event_column(event)
    labels = _groups(frame, by)
    rows = []
    for group in sorted(set(labels.dropna())):
        part = frame[(labels == group).fillna(False).to_numpy(dtype=bool)]
        n = len(part)
        events = int(part[status_column].sum())
        row = {
            "event": event,
            "by": factor_name(by) if by is not None else ALL,
            "group": group,
            "n": n,
            "events": events,
            "censored": n - events,
            "quantile": quantile,
            "months": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "status": Status.TOO_SMALL,
        }
        if n >= min_cell:
            sf = SurvfuncRight(
                part["time_months"].to_numpy(dtype=float), part[status_column].to_numpy(int)
            )
            with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                months = sf.quantile(quantile)
                low, high = sf.quantile_ci(quantile)
            reached = months is not None and np.isfinite(months)
            row.update(
                months=float(months) if reached else np.nan,
                ci_low=float(low) if low is not None and np.isfinite(low) else np.nan,
                ci_high=float(high) if high is not None and np.isfinite(high) else np.nan,
                status=Status.OK if reached else Status.NOT_REACHED,
            )
        else:
            row.update(n=pd.NA, events=pd.NA, censored=pd.NA)
        rows.append(row)
    out = pd.DataFrame(rows)
    for column in ("n", "events", "censored"):
        if column in out:
            out[column] = out[column].astype("Int64")
    return out


@dataclass(frozen=True)
class CoxResult:
    """A fitted Cox model's tidy outputs."""

    hazard_ratios: pd.DataFrame  # one row per factor level (too-small levels included)
    ph: pd.DataFrame  # the proportional-hazards check per model column
    status: Status  # ok, no_data, not_converged, failed
    message: str
    n: int
    events: int


def _design(
    data: pd.DataFrame, factors: Sequence[Factor], references: dict[str, str]
) -> tuple[pd.DataFrame, list[dict]]:
    """Dummies per factor; ``references`` is updated with the reference level each one used."""
    parts, levels = [], []
    for factor in factors:
        name = factor_name(factor)
        labels = data[f"factor:{name}"]
        order = labels.value_counts().index.tolist()
        wanted = references.get(name)
        reference = wanted if wanted in order else order[0]
        references[name] = reference
        parts.append(dummies(labels, name, sorted(order), reference=reference))
        levels += [
            {"factor": name, "level": level, "reference": reference, "term": f"{name}[{level}]"}
            for level in sorted(order)
            if level != reference
        ]
    design = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=data.index)
    return design, levels


def cox_model(
    frame: pd.DataFrame,
    factors: Sequence[Factor],
    *,
    event: str = "completed",
    references: Mapping[str, str] | None = None,
    analysis: str | None = None,
    cluster: str = "cluster_id",
    confidence: float = 0.95,
    min_cell: int = 5,
    ph_alpha: float = 0.05,
) -> CoxResult:
    """Cause-specific Cox model of time to ``event`` on categorical ``factors``.

    ``references`` names a factor's reference level (default: its commonest level). Rows with
    a missing factor are left out; rows whose level of some factor has fewer than
    ``min_cell`` events are left out too and that level is reported with status too_small
    (it would give an infinite hazard ratio). ``analysis`` (default
    ``time_to_<event>``) labels the rows, for the CMO register's links.
    """
    from scipy import stats
    from statsmodels.duration.hazard_regression import PHReg
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    status_column = _event_column(event)
    key = analysis or f"time_to_{event}"
    references = dict(references or {})
    data = frame.copy()
    complete = np.ones(len(data), dtype=bool)
    for factor in factors:
        column = f"factor:{factor_name(factor)}"
        data[column] = joint_labels(data, factor)
        complete &= data[column].notna().to_numpy(dtype=bool)
    data = data[complete]
    small: list[dict] = []
    keep = np.ones(len(data), dtype=bool)
    for factor in factors:
        name = factor_name(factor)
        labels = data[f"factor:{name}"]
        per_level = data.groupby(labels.to_numpy(dtype=object))[status_column].sum()
        for level, events in per_level.items():
            if events < min_cell:
                keep &= (labels != level).to_numpy(dtype=bool)
                small.append({"factor": name, "level": level, "term": f"{name}[{level}]"})
    data = data[keep]
    # Rows censored before the first event time are in no risk set: they do not enter the
    # partial likelihood, and statsmodels gives them NaN score residuals, which would make the
    # robust covariance NaN. Leaving them out changes no estimate.
    if len(data) and data[status_column].any():
        first = data.loc[data[status_column] == 1, "time_months"].min()
        data = data[(data[status_column] == 1) | (data["time_months"] >= first)]
    n, events = len(data), int(data[status_column].sum()) if len(data) else 0

    def result(status: str, message: str, hr: list[dict], ph: pd.DataFrame) -> CoxResult:
        rows = hr + [
            {**s, "reference": references.get(s["factor"], pd.NA), "status": Status.TOO_SMALL}
            for s in small
        ]
        table = pd.DataFrame(rows, columns=_HR_COLUMNS[2:])
        table.insert(0, "analysis", key)
        table.insert(1, "event", event)
        table["n"], table["events"], table["confidence"] = n, events, confidence
        return CoxResult(table, ph, status, message, n, events)

    empty_ph = pd.DataFrame(columns=_PH_COLUMNS)
    if events < min_cell or n == 0:
        return result(Status.NO_DATA, f"fewer than {min_cell} events", [], empty_ph)
    design, levels = _design(data, factors, references)
    columns = identifiable_columns(design, implicit_constant=True)
    if not columns:
        return result(Status.NO_DATA, "no covariate varies", [], empty_ph)
    x = design[columns].to_numpy(dtype=float)
    time = data["time_months"].to_numpy(dtype=float)
    status = data[status_column].to_numpy(dtype=int)
    groups = pd.factorize(data[cluster].astype("string").fillna("?"))[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = PHReg(time, x, status=status, ties="efron")
            fit = model.fit(groups=groups)
        except (np.linalg.LinAlgError, ValueError) as exc:
            return result(Status.FAILED, f"the Cox model could not be fitted: {exc}", [], empty_ph)
    params = np.asarray(fit.params)
    cov = np.asarray(fit.cov_params())
    if any(issubclass(w.category, ConvergenceWarning) for w in caught) or not np.all(
        np.isfinite(cov)
    ):
        return result(Status.NOT_CONVERGED, "the Cox model did not converge", [], empty_ph)
    se = np.sqrt(np.diag(cov))
    z_crit = stats.norm.ppf(0.5 + confidence / 2)
    hr = []
    for info in levels:
        if info["term"] not in columns:
            continue  # collinear with an earlier column: not identified, not reported
        j = columns.index(info["term"])
        z = params[j] / se[j]
        hr.append(
            {
                **info,
                "log_hr": params[j],
                "std_error": se[j],
                "hr": np.exp(params[j]),
                "ci_low": np.exp(params[j] - z_crit * se[j]),
                "ci_high": np.exp(params[j] + z_crit * se[j]),
                "p_value": float(2 * stats.norm.sf(abs(z))),
                "status": Status.OK,
            }
        )
    ph = ph_check(fit, columns, alpha=ph_alpha)
    ph.insert(0, "analysis", key)
    ph.insert(1, "event", event)
    return result(Status.OK, "", hr, ph)


_HR_COLUMNS = [
    "analysis",
    "event",
    "factor",
    "level",
    "reference",
    "term",
    "log_hr",
    "std_error",
    "hr",
    "ci_low",
    "ci_high",
    "p_value",
    "status",
]
_PH_COLUMNS = [
    "analysis",
    "event",
    "term",
    "rho",
    "statistic",
    "df",
    "p_value",
    "events",
    "ph_rejected",
]


def ph_check(fit: PHRegResults, names: Sequence[str], *, alpha: float = 0.05) -> pd.DataFrame:
    """Grambsch–Therneau proportional-hazards tests from Schoenfeld residuals (module doc).

    One row per model column and a ``GLOBAL`` row: ``rho`` (correlation of the scaled
    residual with the time transform; descriptive), ``statistic`` (χ², 1 df per column,
    p df globally), ``df``, ``p_value``, ``events`` (d), ``ph_rejected`` (p < ``alpha``).
    """
    from scipy import stats

    model, params = fit.model, np.asarray(fit.params)
    residuals = np.asarray(fit.schoenfeld_residuals)
    status = np.asarray(model.status, dtype=bool)
    rows = status & np.all(np.isfinite(residuals), axis=1)
    r = residuals[rows]
    d = int(rows.sum())
    v = np.linalg.inv(-model.hessian(params))  # model-based, not the robust covariance
    g = stats.rankdata(np.asarray(model.endog)[rows])
    g = g - g.mean()
    sgg = float(g @ g)
    u = g @ r  # Σ (g_k − ḡ) r_k
    vu = v @ u
    scaled = d * r @ v + params
    out = []
    for j, name in enumerate(names):
        stat = d * vu[j] ** 2 / (v[j, j] * sgg) if sgg > 0 and d > 2 else np.nan
        rho = stats.pearsonr(g, scaled[:, j])[0] if d > 2 and np.ptp(scaled[:, j]) > 0 else np.nan
        out.append({"term": name, "rho": float(rho), "statistic": stat, "df": 1})
    p = len(names)
    stat = d * float(u @ v @ u) / sgg if sgg > 0 and d > 2 else np.nan
    out.append({"term": "GLOBAL", "rho": np.nan, "statistic": stat, "df": p})
    table = pd.DataFrame(out)
    table["p_value"] = stats.chi2.sf(table["statistic"], table["df"])
    table["events"] = d
    rejected = pd.array(table["p_value"] < alpha, dtype="boolean")
    rejected[table["p_value"].isna().to_numpy()] = pd.NA
    table["ph_rejected"] = rejected
    return table[_PH_COLUMNS[2:]]
