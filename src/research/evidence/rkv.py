"""Activity 1: is RKV standardised across the colleges?

Why: the application promises common RKV standards across the three vocational colleges. The
evidence is whether the colleges decide the same EUV track for similar people, and whether they
converged once the shared concept was in use. A plain track mix by college confounds practice
with intake (a college whose learners have more experience *should* place more on EUV1), so
the comparison is adjusted for what the forms say about the person.

**Frame** (:func:`rkv_frame`): one row per EUV RKV with a decided track, by the college that
made it (``partner_id``), dated by its end (``ended_on``, half-year ``half``). Similar people:
the calculator's advisory track (``track_estimated``, from self-reported relevant experience),
age band at the RKV, gender, and (for participants) prior education (``education``; "unknown"
for people assessed who never started).

**Model.** An ordinal logit (statsmodels ``OrderedModel``, cumulative logit) of the decided
track, ordered EUV3 < EUV2 < EUV1 (shortest track last), on college × period dummies and the
person's covariates. A college's coefficient in a period is its shift on the latent scale
against the reference college in that period: positive means shorter tracks for the same
people. **Share of variation due to the college** (latent-scale ICC): the variance of the
college effects within a period (less their mean sampling variance, floored at 0) over that
plus π²/3, the logistic residual variance. With three colleges it is a description, not an
estimate of a population of colleges. **Adjusted track mix**: every RKV of the period
predicted as if made by each college in turn and averaged (g-computation), with delta-method
intervals (numerical gradient; the advisory track nearly decides the track, so its
coefficients are poorly determined, and simulating from their normal distribution would
spread the shares to 0 and 1 where the shares themselves do not move).

**Advisory track** (:func:`advisory_track`): the EUV rules of domain-facts.md §1.2 applied to
what the forms hold; docs/rkv-standardisation.md lists which rules are implemented and which
need data the forms do not have. Agreement: the share of RKVs whose decided track equals the
advisory one, per college and half-year, with Wilson intervals.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from research.evidence.frames import age_band
from research.evidence.result import Status

__all__ = [
    "TRACK_ORDER",
    "RkvStandardisation",
    "advisory_track",
    "agreement_table",
    "rkv_frame",
    "rkv_standardisation",
]

TRACK_ORDER: tuple[str, ...] = ("EUV3", "EUV2", "EUV1")
"""Longest track (no credit) first: the ordinal outcome's order."""

RELEVANT_PREVIOUS_EDUCATION: frozenset[str] = frozenset({"H20", "H29"})
"""DST H-groups that count as a relevant previous education for EUV2 when nothing else does
(a gymnasial or vocational basic education; domain-facts.md §1.2). H10/H15 do not."""


def _half(dates: pd.Series) -> pd.Series:
    stamp = pd.to_datetime(dates)
    return (stamp.dt.year.astype(str) + "H" + ((stamp.dt.month > 6) + 1).astype(str)).astype(
        "string"
    )


def advisory_track(track_estimated: pd.Series, education: pd.Series) -> pd.Series:
    """The rule-based advisory track from what the forms hold.

    Implemented (domain-facts.md §1.2): EUV1 needs at least 2 years of relevant experience,
    read from the calculator's estimate (``track_estimated``, which applies that rule to the
    self-reported years); EUV3 means no relevant experience *and* no relevant previous
    education, so a recorded gymnasial or vocational basic education
    (:data:`RELEVANT_PREVIOUS_EDUCATION`) lifts an EUV3 estimate to EUV2. Missing when the
    calculator's estimate is missing.
    """
    track = track_estimated.astype("object").where(track_estimated.notna())
    relevant = education.astype("object").isin(RELEVANT_PREVIOUS_EDUCATION).to_numpy()
    lifted = (track == "EUV3").to_numpy() & relevant
    track = track.where(~lifted, "EUV2")
    return track.astype("string")


def rkv_frame(tables: Mapping[str, pd.DataFrame], as_of=None) -> pd.DataFrame:
    """EUV RKVs with a decided track, their college, half-year and the person's covariates."""
    rkv = tables["rkv_results"]
    rkv = rkv[(rkv["rkv_type"].astype("object") == "euv") & rkv["track_decided"].notna()]
    if as_of is not None:
        rkv = rkv[pd.to_datetime(rkv["ended_on"]) <= pd.Timestamp(as_of)]
    people = tables["participants"].set_index("participant_id")
    person = rkv["person_id"].astype("object")
    education = people["highest_education"].astype("object").reindex(person).to_numpy()
    age = (pd.to_datetime(rkv["ended_on"]) - pd.to_datetime(rkv["birth_date"])).dt.days / 365.25
    out = pd.DataFrame(
        {
            "rkv_id": rkv["rkv_id"].astype("object").to_numpy(),
            "college": rkv["partner_id"].astype("object").to_numpy(),
            "decided_on": pd.to_datetime(rkv["ended_on"]).to_numpy(),
            "track_decided": rkv["track_decided"].astype("object").to_numpy(),
            "track_estimated": rkv["track_estimated"].astype("object").to_numpy(),
            "gender": rkv["gender"].astype("object").to_numpy(),
            "age_band": age_band(pd.Series(np.floor(age.to_numpy()))).to_numpy(),
            "education": pd.Series(education).fillna("unknown").to_numpy(),
            "credit_weeks": pd.to_numeric(rkv["credit_weeks"], errors="coerce").to_numpy(),
        }
    )
    out["half"] = _half(out["decided_on"])
    out["advisory"] = advisory_track(out["track_estimated"], out["education"])
    out["agrees"] = (out["track_decided"] == out["advisory"]).where(out["advisory"].notna())
    return out


def _wilson(k: np.ndarray, n: np.ndarray, z: float = 1.959963984540054):
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def agreement_table(frame: pd.DataFrame, by: tuple[str, ...] = ("college", "half")):
    """Share of RKVs whose decided track equals the advisory one, with Wilson intervals."""
    known = frame[frame["advisory"].notna()]
    grouped = known.groupby(list(by), observed=True)["agrees"]
    out = grouped.agg(n="size", agree="sum").reset_index()
    out["agree"] = out["agree"].astype(int)
    out["share"] = out["agree"] / out["n"]
    out["ci_low"], out["ci_high"] = _wilson(out["agree"].to_numpy(float), out["n"].to_numpy(float))
    return out


class RkvStandardisation:
    """The fitted model's tidy outputs (see the module doc)."""

    def __init__(
        self,
        effects: pd.DataFrame,
        icc: pd.DataFrame,
        mix: pd.DataFrame,
        agreement: pd.DataFrame,
        periods: dict[str, str],
        status: str,
        message: str,
    ) -> None:
        self.effects = effects  # period, college, estimate, std_error, ci_low, ci_high
        self.icc = icc  # period, icc, variance
        self.mix = mix  # period, college, track, share, ci_low, ci_high
        self.agreement = agreement
        self.periods = periods  # half -> the period it is analysed in
        self.status = status
        self.message = message


COVARIATES = ("track_estimated", "age_band", "gender", "education")


def _design(frame: pd.DataFrame, colleges: list[str], periods: list[str], reference: str):
    """College × period dummies (the reference college's in each period absorbed in the
    period's main effect), period main effects (all but the first) and covariate dummies."""
    cols: dict[str, np.ndarray] = {}
    for k, period in enumerate(periods):
        in_period = (frame["period"] == period).to_numpy()
        if k:
            cols[f"period[{period}]"] = in_period.astype(float)
        for college in colleges:
            if college != reference:
                cols[f"college[{college}]:{period}"] = (
                    in_period & (frame["college"] == college).to_numpy()
                ).astype(float)
    for name in COVARIATES:
        values = frame[name].astype("object").fillna("missing")
        levels = values.value_counts().index.tolist()
        for level in sorted(levels[1:]):
            cols[f"{name}[{level}]"] = (values == level).to_numpy(dtype=float)
    x = pd.DataFrame(cols, index=frame.index)
    return x.loc[:, x.std() > 0]


def rkv_standardisation(
    frame: pd.DataFrame,
    *,
    periods: Mapping[str, str] | None = None,
    confidence: float = 0.95,
    min_cell: int = 5,
) -> RkvStandardisation:
    """College effects, ICC, adjusted track mix by period, and agreement (see module doc).

    ``periods`` maps each half-year to the period it is analysed in (default: each half-year
    its own period); half-years in which a college made fewer than ``min_cell`` RKVs are
    merged with the next one, so every college effect rests on enough decisions.
    """
    from scipy import stats

    data = frame[frame["track_decided"].isin(TRACK_ORDER)].copy()
    agreement = agreement_table(data)
    if data.empty or data["college"].nunique() < 2:
        empty = pd.DataFrame()
        return RkvStandardisation(
            empty, empty, empty, agreement, {}, Status.NO_DATA, "fewer than two colleges"
        )
    mapping = dict(periods) if periods else _merge_small_halves(data, min_cell)
    data["period"] = data["half"].map(mapping)
    colleges = sorted(data["college"].unique())
    reference = colleges[0]
    order = list(dict.fromkeys(mapping[h] for h in sorted(mapping)))
    x = _design(data, colleges, order, reference)
    y = pd.Categorical(data["track_decided"], categories=list(TRACK_ORDER), ordered=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = _cumulative_logit(pd.Series(y, index=data.index), x).fit(
            method="bfgs", disp=False, maxiter=2000
        )
    params = np.asarray(fit.params, dtype=float)
    cov = np.asarray(fit.cov_params(), dtype=float)
    names = list(x.columns)
    z = stats.norm.ppf(0.5 + confidence / 2)
    rows = []
    for period in order:
        rows.append({"period": period, "college": reference, "estimate": 0.0, "std_error": 0.0})
        for college in colleges[1:]:
            name = f"college[{college}]:{period}"
            if name not in names:
                continue
            j = names.index(name)
            rows.append(
                {
                    "period": period,
                    "college": college,
                    "estimate": params[j],
                    "std_error": float(np.sqrt(cov[j, j])),
                }
            )
    effects = pd.DataFrame(rows)
    effects["ci_low"] = effects["estimate"] - z * effects["std_error"]
    effects["ci_high"] = effects["estimate"] + z * effects["std_error"]
    effects["reference"] = effects["college"] == reference
    icc_rows = []
    for period, part in effects.groupby("period", sort=False):
        spread = float(np.var(part["estimate"], ddof=1))
        noise = float(np.mean(part.loc[~part["reference"], "std_error"] ** 2)) * (
            (len(part) - 1) / len(part)
        )
        variance = max(spread - noise, 0.0)
        icc_rows.append(
            {
                "period": period,
                "college_variance": variance,
                "icc": variance / (variance + np.pi**2 / 3),
            }
        )
    icc = pd.DataFrame(icc_rows)
    mix = _adjusted_mix(fit, data, x, colleges, order, reference, confidence)
    return RkvStandardisation(effects, icc, mix, agreement, mapping, Status.OK, "")


def _merge_small_halves(data: pd.DataFrame, min_cell: int) -> dict[str, str]:
    """Each half-year its own period, unless a college made fewer than ``min_cell`` RKVs in
    it: then it joins the following half-year (the last joins the one before)."""
    halves = sorted(data["half"].dropna().unique())
    counts = data.groupby(["half", "college"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=sorted(data["college"].unique()), fill_value=0)
    mapping: dict[str, str] = {}
    pending: list[str] = []
    running = None
    for half in halves:
        pending.append(half)
        running = counts.loc[pending].sum() if running is None else running + counts.loc[half]
        if (running >= min_cell).all():
            label = pending[0] if len(pending) == 1 else f"{pending[0]}-{pending[-1]}"
            for h in pending:
                mapping[h] = label
            pending, running = [], None
    if pending:
        if mapping:
            last = mapping[max(mapping)]
            first = last.split("-")[0]
            label = f"{first}-{pending[-1]}"
            for h, lab in list(mapping.items()):
                if lab == last:
                    mapping[h] = label
            for h in pending:
                mapping[h] = label
        else:
            for h in pending:
                mapping[h] = f"{pending[0]}-{pending[-1]}" if len(pending) > 1 else pending[0]
    return mapping


def _adjusted_mix(fit, data, x, colleges, order, reference, confidence):
    """Track shares per period as if every RKV of the period were made by each college, with
    delta-method intervals (numerical gradient of the shares in the coefficients)."""
    from scipy import stats

    names = list(x.columns)
    params = np.asarray(fit.params, dtype=float)
    cov = np.asarray(fit.cov_params(), dtype=float)
    k = len(names)
    z = stats.norm.ppf(0.5 + confidence / 2)
    rows = []
    for period in order:
        members = (data["period"] == period).to_numpy()
        base = x[members].to_numpy(dtype=float).copy()
        college_cols = [
            i for i, n in enumerate(names) if n.startswith("college[") and n.endswith(f":{period}")
        ]
        for college in colleges:
            design = base.copy()
            design[:, college_cols] = 0.0
            name = f"college[{college}]:{period}"
            if college != reference and name in names:
                design[:, names.index(name)] = 1.0
            point = _shares(params, design, k)
            gradient = np.empty((len(params), len(TRACK_ORDER)))
            for j in range(len(params)):
                step = 1e-5 * max(1.0, abs(params[j]))
                up, down = params.copy(), params.copy()
                up[j] += step
                down[j] -= step
                gradient[j] = (_shares(up, design, k) - _shares(down, design, k)) / (2 * step)
            se = np.sqrt(np.maximum(np.einsum("jt,jl,lt->t", gradient, cov, gradient), 0.0))
            for t, track in enumerate(TRACK_ORDER):
                rows.append(
                    {
                        "period": period,
                        "college": college,
                        "track": track,
                        "share": point[t],
                        "std_error": se[t],
                        "ci_low": max(0.0, point[t] - z * se[t]),
                        "ci_high": min(1.0, point[t] + z * se[t]),
                    }
                )
    return pd.DataFrame(rows)


def _shares(theta: np.ndarray, design: np.ndarray, k: int) -> np.ndarray:
    """Mean predicted probability of each track under a cumulative logit with statsmodels'
    threshold parametrisation (first cut, then log increments)."""
    beta, raw = theta[:k], theta[k:]
    cuts = np.concatenate([[raw[0]], raw[0] + np.cumsum(np.exp(raw[1:]))])
    eta = design @ beta
    cdf = 1 / (1 + np.exp(-(cuts[None, :] - eta[:, None])))
    probs = np.diff(np.column_stack([np.zeros(len(eta)), cdf, np.ones(len(eta))]), axis=1)
    return probs.mean(axis=0)


def _cumulative_logit(endog: pd.Series, exog: pd.DataFrame):
    """statsmodels' ``OrderedModel`` with ``distr="logit"``, its cdf and pdf written with
    ``scipy.special.expit``: the same numbers (checked equal to the last digit on the demo),
    but scipy's generic ``stats.logistic.cdf`` spent most of the fit checking its arguments,
    about 60 % of all the article's analyses."""
    from scipy.special import expit
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    class CumulativeLogit(OrderedModel):
        def cdf(self, x):
            return expit(x)

        def pdf(self, x):
            p = expit(x)
            return p * (1.0 - p)

    return CumulativeLogit(endog, exog, distr="logit")
