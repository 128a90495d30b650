"""Simulation study behind the choice of partial-pooling method (docs/pooling.md).

Why: "pool the subgroups" can be done several ways, and the choice should rest on how close
each gets to planted subgroup effects at the programme's real size, and whether its intervals
are honest. Each replication draws subgroups of the sizes a moderator splits 1,200
participants into, with subgroup effects that truly differ, and applies:

- **ML, min cell 5**: today's analysis (:func:`~research.evidence.subgroups.subgroup_effects`):
  cells with fewer than 5 with or without the outcome are "too small", separation is a blank;
- **Firth, unpooled**: :func:`~research.evidence.pooling.firth_subgroup_effects`;
- **Firth + hierarchical pooling**: the same, shrunk by :func:`~research.evidence.pooling.shrink`
  (normal hierarchical model, τ integrated out);
- **Firth + empirical Bayes (plug-in τ̂)**: the same model with the REML τ̂ plugged in, for
  the record of why τ is integrated out;
- **Mixed logit (VB)**: statsmodels' ``BinomialBayesMixedGLM`` (fixed subgroup intercepts and
  adjustment, a common treatment effect plus a random treatment slope per subgroup), fitted by
  variational Bayes; the AME per subgroup from posterior means, its SE by the delta method with
  the posterior SDs (mean-field: independent). Its Laplace (MAP) fit was tried first and
  collapses the slope variance to zero (log SD → −8) on these data, so it pools everything.

Truth: each subgroup's sample AME under the planted model (everyone in the subgroup switched
to treated and to untreated, averaged). Seeds are ``[seed, replication]``.
"""

from __future__ import annotations

import math
import platform
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from scipy.special import expit

SEED = 20261201
REPLICATIONS = 400
SIZES = (12, 20, 30, 40, 60, 80, 120, 200)  # people per subgroup, both arms
INTERCEPT = (0.3, 0.5)  # subgroup intercepts ~ N(mean, sd) on the logit scale
SLOPE = (0.5, 0.4)  # subgroup treatment effects ~ N(mean, sd) on the logit scale
Z_EFFECT = (0.0, 0.5, -0.5)  # a three-level adjustment factor
METHODS = (
    "ML, min cell 5",
    "Firth, unpooled",
    "Firth + hierarchical pooling",
    "Firth + empirical Bayes (plug-in τ̂)",
    "Mixed logit (VB)",
)
CHECK_REPLICATIONS = 1  # recomputed by a fast test against docs/pooling.sample.json
SAMPLE_NAME = "pooling.sample.json"
# The mixed logit's variational fit is not bit-reproducible: a few parts in a million alone,
# but 1.3e-4 relative was seen while the whole suite ran on both cores. The check allows 1e-3
# relative: far below the page's 0.1 pp (about 0.001 pp on its estimates), above that noise.
CHECK_RTOL = 1e-3


def draw(rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """One programme: the frame the analyses read and the planted AME of each subgroup."""
    k = len(SIZES)
    group = np.repeat(np.arange(k), SIZES)
    n = len(group)
    treated = rng.random(n) < 0.5
    z = rng.integers(0, 3, n)
    alpha = rng.normal(*INTERCEPT, k)
    beta = rng.normal(*SLOPE, k)
    base = alpha[group] + np.asarray(Z_EFFECT)[z]
    y = rng.random(n) < expit(base + beta[group] * treated)
    effect = expit(base + beta[group]) - expit(base)
    truth = np.array([effect[group == g].mean() for g in range(k)])
    frame = pd.DataFrame(
        {
            "outcome_known": True,
            "completed": y,
            "arm": np.where(treated, "yes", "no"),
            "group": [f"g{g}" for g in group],
            "z": [f"z{v}" for v in z],
            "cluster_id": [f"p{i}" for i in range(n)],
        }
    )
    return frame, truth


def _analysis():
    from research.evidence.subgroups import SubgroupAnalysis

    return SubgroupAnalysis("study", "completed", "arm", "no", "group", covariates=("z",))


def _mixed(frame: pd.DataFrame) -> pd.DataFrame:
    from statsmodels.genmod.bayes_mixed_glm import BinomialBayesMixedGLM

    groups = sorted(frame["group"].unique())
    g = frame["group"].to_numpy()
    t = (frame["arm"] == "yes").to_numpy(float)
    zs = [(frame["z"] == level).to_numpy(float) for level in ("z1", "z2")]
    fixed = np.column_stack([(g == name).astype(float) for name in groups] + [t, *zs])
    slopes = np.column_stack([((g == name) & (t == 1)).astype(float) for name in groups])
    model = BinomialBayesMixedGLM(
        frame["completed"].to_numpy(float), fixed, slopes, np.zeros(len(groups), dtype=int)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit_vb()
    fe, fe_sd = np.asarray(fit.fe_mean), np.asarray(fit.fe_sd)
    vc, vc_sd = np.asarray(fit.vc_mean), np.asarray(fit.vc_sd)
    k = len(groups)
    rows = []
    for j, name in enumerate(groups):
        members = g == name
        x0 = fixed[members].copy()
        x0[:, k] = 0.0
        x1 = x0.copy()
        x1[:, k] = 1.0
        p0 = expit(x0 @ fe)
        p1 = expit(x1 @ fe + vc[j])
        estimate = float(np.mean(p1 - p0))
        grad_fe = ((p1 * (1 - p1))[:, None] * x1 - (p0 * (1 - p0))[:, None] * x0).mean(axis=0)
        grad_vc = float(np.mean(p1 * (1 - p1)))
        se = float(np.sqrt(np.sum((grad_fe * fe_sd) ** 2) + (grad_vc * vc_sd[j]) ** 2))
        rows.append({"subgroup": name, "estimate": estimate, "std_error": se})
    return pd.DataFrame(rows)


def _plug_in(y: np.ndarray, se: np.ndarray) -> np.ndarray:
    """Empirical Bayes with the REML τ̂ taken as known (Morris 1983 without his correction)."""
    from research.evidence.pooling import _reml_tau2

    out = np.full((len(y), 2), np.nan)
    ok = np.isfinite(y) & np.isfinite(se)
    if ok.sum() < 2:
        return out
    v = se[ok] ** 2
    tau2 = _reml_tau2(y[ok], v)
    w = 1 / (v + tau2)
    mu = np.sum(w * y[ok]) / np.sum(w)
    b = v / (v + tau2)
    out[ok, 0] = mu + (1 - b) * (y[ok] - mu)
    out[ok, 1] = np.sqrt(v * (1 - b) + b**2 / np.sum(w))
    return out


def replicate(rep: int, seed: int = SEED) -> dict[str, np.ndarray]:
    """Per method, an array (subgroup × [estimate, SE, truth]) for one replication."""
    from research.evidence.pooling import firth_subgroup_effects, shrink
    from research.evidence.subgroups import subgroup_effects

    frame, truth = draw(np.random.default_rng([seed, rep]))
    analysis = _analysis()
    names = [f"g{g}" for g in range(len(SIZES))]
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ml = subgroup_effects(frame, analysis, min_cell=5).set_index("subgroup")
    out[METHODS[0]] = ml.reindex(names)[["estimate", "std_error"]].to_numpy(float)
    firth = firth_subgroup_effects(frame, analysis).set_index("subgroup").reindex(names)
    y, se = firth["estimate"].to_numpy(float), firth["std_error"].to_numpy(float)
    out[METHODS[1]] = np.column_stack([y, se])
    ok = np.isfinite(y) & np.isfinite(se)
    pooled = np.full((len(names), 2), np.nan)
    if ok.sum() >= 2:
        result = shrink(y[ok], se[ok] ** 2)
        pooled[ok] = np.column_stack([result.estimate, result.std_error])
    out[METHODS[2]] = pooled
    out[METHODS[3]] = _plug_in(y, se)
    out[METHODS[4]] = _mixed(frame).set_index("subgroup").reindex(names).to_numpy(float)
    return {m: np.column_stack([v, truth]) for m, v in out.items()}


def run(replications: int = REPLICATIONS, seed: int = SEED, workers: int = 1) -> pd.DataFrame:
    """Every replication's rows: method, replication, subgroup size, estimate, SE, truth."""
    reps = range(replications)
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(replicate, reps, [seed] * replications, chunksize=10))
    else:
        results = [replicate(r, seed) for r in reps]
    rows = []
    for rep, result in zip(reps, results, strict=True):
        for method, values in result.items():
            for size, (estimate, se, truth) in zip(SIZES, values, strict=True):
                rows.append((method, rep, size, estimate, se, truth))
    return pd.DataFrame(rows, columns=["method", "rep", "size", "estimate", "se", "truth"])


def summarise(draws: pd.DataFrame) -> pd.DataFrame:
    """Per method: share answered, RMSE, mean |error|, coverage of 95 % intervals, mean width
    (all subgroups; RMSE over answered ones) and the same for the three smallest subgroups."""
    z = 1.959963984540054
    out = []
    smallest = sorted(SIZES)[:3]
    for method in METHODS:
        for scope, part in (
            ("all subgroups", draws[draws["method"] == method]),
            (
                f"the three smallest ({', '.join(map(str, smallest))} people)",
                draws[(draws["method"] == method) & draws["size"].isin(smallest)],
            ),
        ):
            answered = part["estimate"].notna() & part["se"].notna()
            a = part[answered]
            error = a["estimate"] - a["truth"]
            covered = (error.abs() <= z * a["se"]).mean() if len(a) else math.nan
            out.append(
                {
                    "method": method,
                    "scope": scope,
                    "answered": answered.mean(),
                    "rmse": float(np.sqrt(np.mean(error**2))) if len(a) else math.nan,
                    "mean_abs_error": float(error.abs().mean()) if len(a) else math.nan,
                    "coverage": float(covered),
                    "mean_width": float((2 * z * a["se"]).mean()) if len(a) else math.nan,
                    "cells": len(part),
                }
            )
    return pd.DataFrame(out)


def check_sample(replications: int = CHECK_REPLICATIONS, seed: int = SEED) -> list[dict]:
    """The raw results of the first replications (per method: subgroup × [estimate, SE,
    truth]), stored beside docs/pooling.md so a fast test can tell whether the code still
    gives its numbers."""
    return [replicate(rep, seed) for rep in range(replications)]


def render_markdown(summary: pd.DataFrame, replications: int, seed: int) -> str:
    """docs/pooling.md: the question, the design, the table and the choice it supports."""
    import statsmodels

    def pct(v: float) -> str:
        return "–" if not math.isfinite(v) else f"{v:.1%}"

    def num(v: float) -> str:
        return "–" if not math.isfinite(v) else f"{v * 100:.1f}"

    by = summary.set_index(["method", "scope"])
    everyone = "all subgroups"
    hb = by.loc[(METHODS[2], everyone)]
    firth, plug, mixed = (by.loc[(m, everyone)] for m in (METHODS[1], METHODS[3], METHODS[4]))
    ml = by.loc[(METHODS[0], everyone)]
    lines = [
        "# Partial pooling of subgroup effects: which method, and why",
        "",
        "<!-- Generated by bench/pooling_study.py from src/research/validation/pooling_study.py. "
        "Do not edit by hand. -->",
        "",
        f"Generated by `bench/pooling_study.py`: {replications} replications, seed {seed} "
        f"(replication *r* draws from `numpy.random.default_rng([{seed}, r])`), check sample "
        f"`{SAMPLE_NAME}` (the first {CHECK_REPLICATIONS} replication, recomputed by a fast "
        f"test), statsmodels {statsmodels.__version__}, Python "
        f"{platform.python_version()}.",
        "",
        "**Question.** With about 1,200 participants, a moderator splits an analysis into "
        "subgroups of a dozen to a few hundred people. Which estimator of the subgroup effects "
        "(average marginal effects, probability scale) comes closest to the truth, answers for "
        "every subgroup, and has honest 95 % intervals?",
        "",
        f"**Design.** {len(SIZES)} subgroups of {', '.join(map(str, SIZES))} people (both arms), "
        "half treated at random; a three-level adjustment factor (logit effects 0, +0.5, −0.5); "
        f"subgroup intercepts ~ N({INTERCEPT[0]}, {INTERCEPT[1]}²) and subgroup treatment "
        f"effects ~ N({SLOPE[0]}, {SLOPE[1]}²) on the logit scale, drawn afresh in every "
        "replication, so the planted subgroup effects truly differ. The truth is each "
        "subgroup's sample AME under the planted model. Methods: "
        "see `src/research/validation/pooling_study.py`.",
        "",
        "| method | subgroups | answered | RMSE (pp) | mean abs. error (pp) | coverage | "
        "mean 95 % width (pp) | cells |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for _, r in summary.iterrows():
        lines.append(
            f"| {r['method']} | {r['scope']} | {pct(r['answered'])} | {num(r['rmse'])} | "
            f"{num(r['mean_abs_error'])} | {pct(r['coverage'])} | {num(r['mean_width'])} | "
            f"{r['cells']} |"
        )
    lines += [
        "",
        "**Reading.**",
        "",
        f"- Today's ML logit with a minimum cell of 5 answers {pct(ml['answered'])} of the "
        "subgroup contrasts; Firth's penalised logit answers every one "
        f"({pct(firth['answered'])}).",
        f"- Pooling lowers the error: RMSE {num(hb['rmse'])} pp with hierarchical pooling "
        f"against {num(firth['rmse'])} pp unpooled, with coverage {pct(hb['coverage'])} "
        f"against {pct(firth['coverage'])} and narrower intervals ({num(hb['mean_width'])} "
        f"against {num(firth['mean_width'])} pp).",
        f"- Plugging in the REML τ̂ (classical empirical Bayes) gives RMSE {num(plug['rmse'])} "
        f"pp but coverage only {pct(plug['coverage'])}: with eight subgroups τ̂ is often 0 and "
        "the intervals then ignore that the subgroups may differ.",
        f"- The mixed logit (variational Bayes) has RMSE {num(mixed['rmse'])} pp and coverage "
        f"{pct(mixed['coverage'])}: its mean-field posterior SDs ignore the correlation between "
        "the common effect and the subgroup deviations, and its Laplace (MAP) fit collapses "
        "the slope variance to zero.",
        "",
        "**Choice: Firth + hierarchical pooling** (`research.evidence.pooling`). It answers "
        "every subgroup with a person per arm, cuts the error of unpooled estimates, and is "
        "the only pooled method here whose intervals are near 95 % (the mixed logit's point "
        f"estimates are a little closer, but an interval that misses the truth "
        f"{pct(1 - mixed['coverage'])} of the time would mislead the researchers more than a "
        "wider one); it takes the "
        "article's adjusted AMEs and company-clustered SEs as its input, runs in "
        "milliseconds, and its shrinkage per subgroup can be shown to a reader. Like every "
        "pooled estimate, its intervals are honest on average over subgroups, not for each "
        "one: a subgroup whose true effect is far from the others is pulled toward them and "
        "its interval covers it less often.",
    ]
    return "\n".join(lines) + "\n"
