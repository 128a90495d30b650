"""The data-generating processes of the coverage study, each with a planted effect.

Why apart from the runner: these are the assumptions a reader must judge (how treatment is
assigned, how outcomes are made, what the true effect is), so they are kept together and short.
Designs mimic the programme's data: people in clusters such as company networks, companies
observed over quarters, selection into treatment on observed characteristics.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import expit

from research.evidence import estimators as E
from research.evidence.estimate import Estimate


@dataclass(frozen=True)
class Target:
    """One estimator applied to one DGP: the row of the table it becomes."""

    name: str
    truth: float
    main: bool = True  # held to 92-98 % coverage by the slow test
    kind: str = "interval"  # or "test": a pre-trend test whose rejection rate is reported


@dataclass(frozen=True)
class Dgp:
    """A data-generating process with a planted effect and the estimators run on it."""

    key: str
    description: str
    draw: Callable[[np.random.Generator], pd.DataFrame]
    analyse: Callable[[pd.DataFrame], dict[str, Estimate]]
    targets: tuple[Target, ...]


# --- the data-generating processes -----------------------------------------------------------


def _draw_diff(rng: np.random.Generator) -> pd.DataFrame:
    n = 400
    treated = rng.random(n) < 0.3
    y = np.where(treated, rng.normal(11.0, 4.0, n), rng.normal(10.0, 2.0, n))
    return pd.DataFrame({"y": y, "t": treated.astype(int)})


def _draw_ols(rng: np.random.Generator) -> pd.DataFrame:
    clusters, size = 50, 10
    c = np.repeat(np.arange(clusters), size)
    n = clusters * size
    x = rng.normal(0, 1, n) + 0.5 * rng.normal(0, 1, clusters)[c]
    t = rng.random(n) < expit(0.8 * x + rng.normal(0, 1, clusters)[c])
    noise = rng.normal(0, 1, clusters)[c] + rng.normal(0, 1, n) * (1 + 0.5 * np.abs(x))
    return pd.DataFrame({"y": 2 + 0.5 * t + 1.5 * x + noise, "t": t.astype(int), "x": x, "c": c})


LOGIT = {"intercept": -0.5, "effect": 0.6, "slope": 0.8, "cluster_sd": 0.5}


def _draw_logit(rng: np.random.Generator) -> pd.DataFrame:
    clusters, size = 50, 20
    c = np.repeat(np.arange(clusters), size)
    n = clusters * size
    t = rng.permutation(np.arange(clusters) % 2)[c]
    x = rng.normal(0, 1, n)
    index = LOGIT["intercept"] + LOGIT["effect"] * t + LOGIT["slope"] * x
    y = rng.random(n) < expit(index + rng.normal(0, LOGIT["cluster_sd"], clusters)[c])
    return pd.DataFrame({"y": y.astype(int), "t": t, "x": x, "c": c})


def logit_truth() -> float:
    """The population AME of the logit DGP: E[F(a + b + s·x + u) - F(a + s·x + u)], x ~ N(0,1),
    u ~ N(0, 0.5²), by Gauss-Hermite quadrature on s·x + u ~ N(0, s² + 0.25)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(101)
    z = nodes * math.hypot(LOGIT["slope"], LOGIT["cluster_sd"])
    base = LOGIT["intercept"] + z
    gap = expit(base + LOGIT["effect"]) - expit(base)
    return float(weights @ gap / weights.sum())


def _draw_ra(rng: np.random.Generator) -> pd.DataFrame:
    n = 600
    x1 = rng.normal(1, 1, n)
    x2 = (rng.random(n) < 0.4).astype(float)
    t = rng.random(n) < expit(-0.5 + 0.7 * (x1 - 1) + 0.5 * x2)
    y = 1 + x1 + 0.5 * x2 + t * (1 + 0.8 * x1) + rng.normal(0, 1, n)
    return pd.DataFrame({"y": y, "t": t.astype(int), "x1": x1, "x2": x2})


IPW = {"intercept": -0.3, "x1": 0.6, "x2": 0.4}  # the main design: fair overlap
IPW_STRONG = {"intercept": -0.3, "x1": 0.8, "x2": 0.6}  # stronger selection, poorer overlap


def _draw_ipw(rng: np.random.Generator, selection: dict[str, float] = IPW) -> pd.DataFrame:
    n = 1000
    x1, x2 = rng.normal(0, 1, n), rng.normal(0, 1, n)
    t = rng.random(n) < expit(selection["intercept"] + selection["x1"] * x1 + selection["x2"] * x2)
    y = 1 + (1 + 0.5 * x1) * t + 1.5 * x1 + 1.0 * x2 + rng.normal(0, 1, n)
    return pd.DataFrame({"y": y, "t": t.astype(int), "x1": x1, "x2": x2})


def _draw_ipw_strong(rng: np.random.Generator) -> pd.DataFrame:
    return _draw_ipw(rng, IPW_STRONG)


def ipw_att_truth(selection: dict[str, float] = IPW) -> float:
    """ATT of the IPW design: 1 + 0.5·E[x1 | t = 1] = 1 + 0.5·E[x1·e(x)] / E[e(x)], by 2-D
    Gauss-Hermite quadrature over x1, x2 ~ N(0, 1)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(81)
    x1, x2 = np.meshgrid(nodes, nodes, indexing="ij")
    w = np.outer(weights, weights)
    e = expit(selection["intercept"] + selection["x1"] * x1 + selection["x2"] * x2)
    return float(1 + 0.5 * (w * x1 * e).sum() / (w * e).sum())


def _panel(rng: np.random.Generator, units: int, periods: int, cohorts: Sequence[int], share):
    """Units with fixed effects, a common trend, AR(1) errors and staggered adoption.

    A unit's chance of ever being treated rises with its fixed effect (selection on levels,
    which unit fixed effects remove); adopters start in one of ``cohorts``.
    """
    alpha = rng.normal(0, 1, units)
    treated = rng.random(units) < share(alpha)
    first = np.where(treated, rng.choice(cohorts, units), np.nan)
    errors = _ar1_errors(rng, units, periods)
    unit = np.repeat(np.arange(units), periods)
    time = np.tile(np.arange(periods), units)
    return pd.DataFrame(
        {"unit": unit, "time": time, "first": first[unit], "alpha": alpha[unit]}
    ), errors.ravel()


def _draw_fe(rng: np.random.Generator) -> pd.DataFrame:
    frame, errors = _panel(rng, 50, 8, [3, 4, 5, 6], lambda a: expit(0.2 + a))
    d = (frame["time"] >= frame["first"]).astype(int)
    y = frame["alpha"] + 0.3 * frame["time"] + 1.0 * d + errors
    return frame.assign(y=y, d=d)


EVENT_PATH = {0: 0.5, 1: 0.8}  # effect by period since first treatment; 1.0 from period 2


def _draw_event(rng: np.random.Generator) -> pd.DataFrame:
    frame, errors = _panel(rng, 60, 10, [4, 5, 6, 7], lambda a: np.full_like(a, 2 / 3))
    since = frame["time"] - frame["first"]
    effect = np.where(since >= 0, since.map(EVENT_PATH).fillna(1.0), 0.0)
    y = frame["alpha"] + 0.2 * frame["time"] + effect + errors
    return frame.assign(y=y)


def _draw_did(rng: np.random.Generator) -> pd.DataFrame:
    clusters, size = 50, 8
    treated_cluster = rng.permutation(np.arange(clusters) % 2)
    c = np.repeat(np.arange(clusters), size)
    units = clusters * size
    g = treated_cluster[c]
    alpha = rng.normal(0, 1, units) + 0.5 * g
    shocks = rng.normal(0, 0.5, (clusters, 2))
    rows = []
    for post in (0, 1):
        y = alpha + 0.4 * post + 0.7 * g * post + shocks[c, post] + rng.normal(0, 1, units)
        rows.append(pd.DataFrame({"y": y, "g": g, "post": post, "unit": np.arange(units), "c": c}))
    return pd.concat(rows, ignore_index=True)


def _event_targets(df: pd.DataFrame) -> dict[str, Estimate]:
    out = {}
    for small_sample in ("dummies", "nested"):
        study = E.event_study(
            df, "y", "unit", "time", "first", leads=3, lags=3, small_sample=small_sample
        )
        out[f"event study, pre-trend F test ({small_sample})"] = Estimate(
            "event_study",
            {},
            study.pretrend_statistic,
            math.nan,
            math.nan,
            math.nan,
            study.pretrend_p_value,
            study.n,
            study.n_clusters,
        )
        if small_sample == "nested":  # the default: its coefficients are the ones reported
            for period in (0, 2):
                row = study.coefficients.set_index("relative_period").loc[period]
                out[f"event study, period {period}"] = Estimate(
                    "event_study",
                    {},
                    row["estimate"],
                    row["std_error"],
                    row["ci_low"],
                    row["ci_high"],
                    row["p_value"],
                    study.n,
                    study.n_clusters,
                )
    return out


# Competing risks: completion and dropout as constant cause-specific hazards (per month), a
# company frailty (log-normal, sd 0.5) multiplying both, staggered starts over 36 months and
# administrative censoring at the data date, as the programme's running lifts are.
CIF = {"completion": 0.045, "dropout": 0.015, "log_hr": 0.4, "frailty_sd": 0.5, "entry": 36.0}
CIF_HORIZONS = (12.0, 24.0)


def _draw_cif(rng: np.random.Generator, n: int = 400, companies: int = 60) -> pd.DataFrame:
    c = rng.integers(0, companies, n)
    frailty = np.exp(rng.normal(0, CIF["frailty_sd"], companies) - CIF["frailty_sd"] ** 2 / 2)[c]
    arm = rng.random(n) < 0.5
    rate1 = CIF["completion"] * np.exp(CIF["log_hr"] * arm) * frailty
    rate2 = CIF["dropout"] * frailty
    exit_time = rng.exponential(1 / (rate1 + rate2))
    cause = np.where(rng.random(n) < rate1 / (rate1 + rate2), 1, 2)
    follow_up = rng.uniform(0, CIF["entry"], n)  # months from start to the data date
    running = exit_time > follow_up
    return pd.DataFrame(
        {
            "time": np.minimum(exit_time, follow_up),
            "cause": np.where(running, 0, cause),
            "arm": arm.astype(int),
            "c": c,
        }
    )


def _draw_cif_small(rng: np.random.Generator) -> pd.DataFrame:
    return _draw_cif(rng, n=120, companies=30)


def cif_truth(horizon: float) -> float:
    """F_completed(t | arm 1) − F_completed(t | arm 0), the frailty integrated out by
    Gauss–Hermite quadrature: with hazards u·λ1 and u·λ2,
    F1(t) = λ1/(λ1+λ2)·E[1 − exp(−u(λ1+λ2)t)]."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    sd = CIF["frailty_sd"]
    u = np.exp(sd * nodes - sd**2 / 2)
    weights = weights / weights.sum()
    out = []
    for arm in (1, 0):
        l1 = CIF["completion"] * math.exp(CIF["log_hr"] * arm)
        total = l1 + CIF["dropout"]
        out.append(l1 / total * float(weights @ (1 - np.exp(-u * total * horizon))))
    return out[0] - out[1]


def _cif_targets(df: pd.DataFrame, suffix: str = "") -> dict[str, Estimate]:
    from research.evidence.competing import cif_difference, contrast_interval

    diff = cif_difference(
        df["time"].to_numpy(float),
        df["cause"].to_numpy(int),
        df["arm"].to_numpy(int),
        df["c"].to_numpy(int),
        horizons=CIF_HORIZONS,
    )
    out = {}
    for _, row in diff.iterrows():
        est, se = float(row["estimate"]), float(row["std_error"])
        if not row["estimable"]:
            est = se = math.nan
        low, high, p = contrast_interval(est, se, int(row["n_clusters"]))
        out[f"CIF difference at {row['horizon']:g} months, clustered{suffix}"] = Estimate(
            "aalen_johansen",
            {},
            est,
            se,
            low,
            high,
            p,
            len(df),
            int(df["c"].nunique()),
        )
    return out


# Staggered adoption with an effect that grows with time since adoption, as the company panel
# may have: fixed cohorts (so the ATT over treated observations is a fixed number), earlier
# adopters with larger unit effects (selection on levels), a common trend and AR(1) errors.
STAGGERED = {"units_per_cohort": 15, "periods": 10, "cohorts": (3, 5, 7), "slope": 0.3}
STAGGERED_EVENTS = (0, 2)


def _staggered_effect(since: np.ndarray) -> np.ndarray:
    """The planted effect r periods after adoption: slope·(1 + r), growing every period."""
    return STAGGERED["slope"] * (1.0 + since)


def _draw_staggered(rng: np.random.Generator) -> pd.DataFrame:
    size, periods = STAGGERED["units_per_cohort"], STAGGERED["periods"]
    cohorts = np.repeat([*map(float, STAGGERED["cohorts"]), np.nan], size)
    first = rng.permutation(cohorts)
    units = len(first)
    alpha = rng.normal(0, 1, units) + 0.3 * np.where(np.isnan(first), 0.0, periods - first)
    errors = _ar1_errors(rng, units, periods)
    unit = np.repeat(np.arange(units), periods)
    time = np.tile(np.arange(periods), units)
    since = time - first[unit]
    treated = since >= 0  # NaN (never treated) compares False
    effect = np.where(treated, _staggered_effect(np.nan_to_num(since)), 0.0)
    y = alpha[unit] + 0.2 * time + effect + errors.ravel()
    return pd.DataFrame(
        {"unit": unit, "time": time, "first": first[unit], "d": treated.astype(int), "y": y}
    )


def staggered_truth(event: int | None = None) -> float:
    """The planted ATT over every treated observation (``event`` None), or the effect
    ``event`` periods after adoption; fixed, since every cohort has the same size."""
    if event is not None:
        return float(_staggered_effect(np.array(float(event))))
    since = np.concatenate(
        [np.arange(STAGGERED["periods"] - c, dtype=float) for c in STAGGERED["cohorts"]]
    )
    return float(_staggered_effect(since).mean())


def _staggered_targets(df: pd.DataFrame) -> dict[str, Estimate]:
    from research.evidence.staggered import two_stage_did

    fitted = two_stage_did(df, "y", "unit", "time", "first")
    n, units = len(df), int(df["unit"].nunique())

    def normal(name: str, estimate: float, se: float) -> tuple[str, Estimate]:
        z = 1.959963984540054
        p = float(2 * stats.norm.sf(abs(estimate / se))) if se > 0 else math.nan
        row = Estimate(
            "two_stage_did", {}, estimate, se, estimate - z * se, estimate + z * se, p, n, units
        )
        return name, row

    out = dict([normal("two-stage DiD ATT, unit bootstrap", fitted.att, fitted.att_se)])
    event = fitted.event.set_index("relative_period")
    for r in STAGGERED_EVENTS:
        out.update(
            [
                normal(
                    f"two-stage DiD, event time {r}",
                    float(event.loc[r, "estimate"]),
                    float(event.loc[r, "std_error"]),
                )
            ]
        )
    out["TWFE (ignores staggered timing)"] = E.fe(df, "y", "d", "unit", "time")
    return out


def designs() -> tuple[Dgp, ...]:
    """Every DGP of the study, in table order."""
    ipw_cov = ["x1", "x2"]
    return (
        Dgp(
            "diff",
            "400 people, 30 % treated at random; outcome sd 4 among treated and 2 among "
            "untreated (so Welch's SE matters); effect 1.",
            _draw_diff,
            lambda d: {"diff, Welch SE": E.diff(d, "y", "t")},
            (Target("diff, Welch SE", 1.0),),
        ),
        Dgp(
            "ols",
            "500 people in 50 clusters; treatment more likely with covariate x and a cluster "
            "shock; outcome linear in x with a cluster effect and heteroskedastic noise; "
            "effect 0.5.",
            _draw_ols,
            lambda d: {"ols, cluster-robust SE": E.ols(d, "y", "t", ["x"], cluster="c")},
            (Target("ols, cluster-robust SE", 0.5),),
        ),
        Dgp(
            "logit",
            "1,000 people in 50 clusters, treatment randomised by cluster; binary outcome from "
            "a logit in treatment and x plus a cluster effect (sd 0.5); truth is the population "
            "average marginal effect (quadrature).",
            _draw_logit,
            lambda d: {"logit AME, cluster-robust SE": E.logit(d, "y", "t", ["x"], cluster="c")},
            (Target("logit AME, cluster-robust SE", logit_truth()),),
        ),
        Dgp(
            "ra",
            "600 people; treatment depends on x1 and x2; the effect varies with x1 "
            "(1 + 0.8·x1, x1 ~ N(1, 1)), so the ATE is 1.8.",
            _draw_ra,
            lambda d: {"ra ATE, M-estimation SE": E.ra(d, "y", "t", ["x1", "x2"])},
            (Target("ra ATE, M-estimation SE", 1.8),),
        ),
        Dgp(
            "ipw",
            "1,000 people; x1 and x2 (N(0, 1)) raise both the chance of treatment (logit "
            "coefficients 0.6 and 0.4) and the outcome (confounding); effect 1 + 0.5·x1, so "
            "ATE 1 and ATT larger (quadrature).",
            _draw_ipw,
            lambda d: {
                "ipw ATE, M-estimation SE": E.ipw(d, "y", "t", ipw_cov),
                "ipw ATE, weighted-regression SE": E.ipw(d, "y", "t", ipw_cov, se="wls"),
                "ipw ATT, M-estimation SE": E.ipw(d, "y", "t", ipw_cov, estimand="att"),
                "naive diff (ignores confounding)": E.diff(d, "y", "t"),
            },
            (
                Target("ipw ATE, M-estimation SE", 1.0),
                Target("ipw ATE, weighted-regression SE", 1.0, main=False),
                Target("ipw ATT, M-estimation SE", ipw_att_truth()),
                Target("naive diff (ignores confounding)", 1.0, main=False),
            ),
        ),
        Dgp(
            "ipw_strong",
            "as ipw, but with stronger selection (logit coefficients 0.8 and 0.6 instead of 0.6 "
            "and 0.4), so overlap is poorer and the weights more variable.",
            _draw_ipw_strong,
            lambda d: {"ipw ATE, M-estimation SE, poorer overlap": E.ipw(d, "y", "t", ipw_cov)},
            (Target("ipw ATE, M-estimation SE, poorer overlap", 1.0, main=False),),
        ),
        Dgp(
            "fe",
            "50 units x 8 periods; units with larger fixed effects adopt more often, in "
            "periods 3-6 (staggered); common trend; AR(1) errors (0.5); constant effect 1.",
            _draw_fe,
            lambda d: {
                "fe, clustered by unit (dummies)": E.fe(
                    d, "y", "d", "unit", "time", small_sample="dummies"
                ),
                "fe, clustered by unit (nested)": E.fe(
                    d, "y", "d", "unit", "time", small_sample="nested"
                ),
            },
            (
                Target("fe, clustered by unit (dummies)", 1.0),
                Target("fe, clustered by unit (nested)", 1.0),
            ),
        ),
        Dgp(
            "did",
            "400 units in 50 clusters, half the clusters treated, 2 periods; unit effects, a "
            "common period effect and cluster-period shocks (sd 0.5); effect 0.7.",
            _draw_did,
            lambda d: {"did 2x2, clustered": E.did(d, "y", "g", "post", unit="unit", cluster="c")},
            (Target("did 2x2, clustered", 0.7),),
        ),
        Dgp(
            "event_study",
            "60 units x 10 periods, two thirds adopting in periods 4-7; effect 0.5, 0.8, then 1 "
            "from period 2 after adoption, none before (parallel trends hold); leads and lags "
            "binned at 3.",
            _draw_event,
            _event_targets,
            (
                Target("event study, period 0", EVENT_PATH[0]),
                Target("event study, period 2", 1.0),
                Target("event study, pre-trend F test (dummies)", 0.0, main=False, kind="test"),
                Target("event study, pre-trend F test (nested)", 0.0, main=False, kind="test"),
            ),
        ),
        Dgp(
            "cif",
            "400 lifts in 60 companies, half treated at random; constant monthly hazards of "
            "completion 0.045 (x1.49 when treated) and dropout 0.015, both multiplied by a "
            "company frailty (log-normal, sd 0.5); starts spread over 36 months and censored "
            "at the data date (running lifts); truth by quadrature.",
            _draw_cif,
            _cif_targets,
            tuple(
                Target(f"CIF difference at {h:g} months, clustered", cif_truth(h))
                for h in CIF_HORIZONS
            ),
        ),
        Dgp(
            "cif_small",
            "as cif with 120 lifts in 30 companies (a subgroup's size mid-project).",
            _draw_cif_small,
            lambda d: _cif_targets(d, ", 120 lifts"),
            tuple(
                Target(f"CIF difference at {h:g} months, clustered, 120 lifts", cif_truth(h))
                for h in CIF_HORIZONS
            ),
        ),
        Dgp(
            "staggered",
            "60 units x 10 periods in four cohorts of 15: adopting in period 3, 5 or 7, or "
            "never; earlier adopters have larger unit effects; common trend; AR(1) errors "
            "(0.5); the effect grows with time since adoption, 0.3·(1 + r) at r periods after, "
            f"so the ATT over treated observations is {staggered_truth():.2f}; TWFE beside the "
            "two-stage DiD.",
            _draw_staggered,
            _staggered_targets,
            (
                Target("two-stage DiD ATT, unit bootstrap", staggered_truth()),
                *(
                    Target(f"two-stage DiD, event time {r}", staggered_truth(r))
                    for r in STAGGERED_EVENTS
                ),
                Target("TWFE (ignores staggered timing)", staggered_truth(), main=False),
            ),
        ),
    )


def _ar1_errors(rng: np.random.Generator, units: int, periods: int) -> np.ndarray:
    """Each unit's errors over time: a stationary AR(1) with coefficient 0.5 and unit
    innovations (the serial correlation that makes clustered errors matter)."""
    errors = np.empty((units, periods))
    errors[:, 0] = rng.normal(0, 1 / math.sqrt(1 - 0.25), units)
    for p in range(1, periods):
        errors[:, p] = 0.5 * errors[:, p - 1] + rng.normal(0, 1, units)
    return errors
