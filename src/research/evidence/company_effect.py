"""Analysis 4: does company participation raise the share of skilled employees?

Why: the article claims that companies whose employees join the programme end up with a larger
skilled share. Participating companies start from a lower level, so a plain comparison of
levels says nothing; comparing each company with itself over time, against never-contacted
comparison companies over the same years, does (difference in differences).

**Frame** (:func:`company_panel_frame`, from the store table ``company_panel``): one row per
company (``cvr``) and calendar ``year``. Outcome ``skilled_share_pp`` = skilled_employees /
employees × 100 (percentage points). ``cohort`` is ``first_participation_year`` (missing for
comparison companies, which never participate); ``event_time`` = year − cohort; the switched-on
treatment ``treated_now`` = participating and year ≥ cohort.

**Estimands.**

* ``twfe`` (overall row): the coefficient b in share_it = a_i + l_t + b·treated_now_it, the
  generic :func:`~research.evidence.panel.fe`. With staggered adoption and an effect that grows
  with time since participation, b is a weighted average of cohort-by-year effects in which
  already-treated companies serve as controls for later cohorts (Goodman-Bacon 2021), so it can
  lie below the average effect on the treated; it is reported for contrast, not as the headline.
* ``event_study``: b_k in share_it = a_i + l_t + Σ_{k≠−1} b_k·1[year − cohort = k]
  (:func:`~research.evidence.event_study.event_study`, every relative year its own term, no
  binning), reference year k = −1 (the year before first participation). Under parallel trends
  and an effect path that is the same in every cohort, b_k is the average effect k years after
  first participation relative to the year before; the leads (k ≤ −2) should be zero, and the
  joint F test of the leads is the pre-trend check.
* ``cohort_did``: 2×2 differences in differences per cohort g and event time k (years g−1 and
  g+k, cohort g against the never-participating companies, generic
  :func:`~research.evidence.panel.did`): ATT(g, g+k) of Callaway & Sant'Anna (2021) with the
  year before as the base. It needs no equal-paths assumption, so it is the check on the event
  study when cohorts might differ.

Standard errors are cluster-robust by company (CR1) with t(G−1) intervals throughout.
Company counts below ``min_cell`` are hidden and the estimate is reported as too small.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.errors import EstimationError
from research.evidence.estimate import CONFIDENCE, Estimate
from research.evidence.event_study import REFERENCE_PERIOD, event_study
from research.evidence.panel import did, fe
from research.evidence.result import Status

__all__ = [
    "FAILED",
    "OK",
    "TOO_SMALL",
    "CompanyEffect",
    "company_effect",
    "company_panel_frame",
]

OK = Status.OK
TOO_SMALL = Status.TOO_SMALL
FAILED = Status.FAILED

OUTCOME = "skilled_share_pp"

ESTIMATE_COLUMNS = [
    "method",
    "estimand",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
    "p_value",
    "n_rows",
    "n_treated_companies",
    "n_comparison_companies",
    "n_clusters",
    "se_type",
    "inference",
    "status",
    "message",
]


@dataclass(frozen=True)
class CompanyEffect:
    """The results of analysis 4 as tidy tables (see the module doc for the estimands).

    ``overall``: one row (the TWFE coefficient), columns :data:`ESTIMATE_COLUMNS`.
    ``event_study``: one row per relative year (``relative_period``, ``estimate``,
    ``std_error``, ``ci_low``, ``ci_high``, ``p_value``, ``n_rows``, ``n_treated_companies``,
    ``reference``, ``status``); the reference year −1 has estimate 0 and no SE.
    ``pretrend``: one row (``test``, ``statistic``, ``df_num``, ``df_denom``, ``p_value``,
    ``n_leads``, ``status``, ``message``). ``cohort_did``: one row per cohort and event time
    (``cohort``, ``event_time``, ``base_year``, ``year`` and :data:`ESTIMATE_COLUMNS`).
    """

    overall: pd.DataFrame
    event_study: pd.DataFrame
    pretrend: pd.DataFrame
    cohort_did: pd.DataFrame
    options: dict[str, object] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def company_panel_frame(panel: pd.DataFrame) -> pd.DataFrame:
    """The company-year frame of the module doc from the ``company_panel`` table.

    Rows with no employees are left out (the share is undefined); the schema forbids them.
    """
    frame = panel.loc[pd.to_numeric(panel["employees"], errors="coerce") > 0].copy()
    employees = frame["employees"].astype(float)
    skilled = frame["skilled_employees"].astype(float)
    cohort = pd.to_numeric(frame["first_participation_year"], errors="coerce").astype("Int64")
    year = frame["year"].astype("int64")
    participating = frame["participating"].astype("boolean").fillna(False).astype(bool)
    cohort = cohort.where(participating)
    out = pd.DataFrame(
        {
            "cvr": frame["cvr"].astype("string"),
            "year": year,
            "employees": frame["employees"].astype("Int64"),
            "skilled_employees": frame["skilled_employees"].astype("Int64"),
            OUTCOME: skilled / employees * 100.0,
            "participating": participating,
            "cohort": cohort,
            "event_time": (year - cohort).astype("Int64"),
        }
    )
    out["treated_now"] = (participating & (year >= cohort.fillna(np.iinfo(np.int64).max))).astype(
        int
    )
    return out.sort_values(["cvr", "year"], kind="stable").reset_index(drop=True)


def _companies(frame: pd.DataFrame, mask: pd.Series | np.ndarray) -> int:
    return int(frame.loc[mask, "cvr"].nunique())


def _shown(count: int, min_cell: int) -> object:
    return count if count >= min_cell else pd.NA


def _estimate_row(
    est: Estimate | None,
    *,
    method: str,
    estimand: str,
    n_treated: int,
    n_comparison: int,
    min_cell: int,
    message: str = "",
) -> dict[str, object]:
    small = min(n_treated, n_comparison) < min_cell
    row: dict[str, object] = dict.fromkeys(ESTIMATE_COLUMNS, np.nan)
    row |= {
        "method": method,
        "estimand": estimand,
        "n_treated_companies": _shown(n_treated, min_cell),
        "n_comparison_companies": _shown(n_comparison, min_cell),
        "n_rows": pd.NA,
        "n_clusters": pd.NA,
        "se_type": "",
        "inference": "",
        "status": FAILED,
        "message": message,
    }
    if small:
        row["status"] = TOO_SMALL
        row["message"] = f"too small: fewer than {min_cell} treated or comparison companies" + (
            f" ({message})" if message else ""
        )
        return row
    if est is None:
        return row
    return row | est.table_fields() | {"n_rows": est.n, "n_clusters": est.n_clusters}


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as nullable integers (hidden ones missing), numbers as floats."""
    for name in ("n_rows", "n_treated_companies", "n_comparison_companies", "n_clusters"):
        table[name] = pd.array(table[name].tolist(), dtype="Int64")
    for name in ("estimate", "std_error", "ci_low", "ci_high", "p_value"):
        table[name] = pd.to_numeric(table[name], errors="coerce").astype(float)
    return table


def _overall(frame: pd.DataFrame, min_cell: int, confidence: float) -> pd.DataFrame:
    n_treated = _companies(frame, frame["participating"])
    n_comparison = _companies(frame, ~frame["participating"])
    estimand = (
        "two-way fixed-effects coefficient on participating-and-after (a weighted average of "
        "cohort-year effects; biased with staggered adoption and growing effects)"
    )
    est, message = None, ""
    if min(n_treated, n_comparison) >= min_cell:
        try:
            est = fe(frame, OUTCOME, "treated_now", unit="cvr", time="year", confidence=confidence)
        except EstimationError as problem:
            message = str(problem)
    row = _estimate_row(
        est,
        method="twfe",
        estimand=estimand,
        n_treated=n_treated,
        n_comparison=n_comparison,
        min_cell=min_cell,
        message=message,
    )
    return _typed(pd.DataFrame([row], columns=ESTIMATE_COLUMNS))


EVENT_COLUMNS = [
    "relative_period",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
    "p_value",
    "n_rows",
    "n_treated_companies",
    "reference",
    "status",
]
PRETREND_COLUMNS = ["test", "statistic", "df_num", "df_denom", "p_value", "n_leads", "status"]


def _event(
    frame: pd.DataFrame, min_cell: int, confidence: float, leads: int | None, lags: int | None
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, object], list[str]]:
    empty_pre = {
        "test": "joint F test that all leads (k <= -2) are zero",
        "statistic": np.nan,
        "df_num": pd.NA,
        "df_denom": pd.NA,
        "p_value": np.nan,
        "n_leads": 0,
        "status": FAILED,
        "message": "",
    }
    n_treated = _companies(frame, frame["participating"])
    n_comparison = _companies(frame, ~frame["participating"])
    if min(n_treated, n_comparison) < min_cell:
        empty_pre |= {
            "status": TOO_SMALL,
            "message": f"too small: fewer than {min_cell} treated or comparison companies",
        }
        return (
            pd.DataFrame(columns=EVENT_COLUMNS),
            pd.DataFrame([empty_pre], columns=[*PRETREND_COLUMNS, "message"]),
            {},
            [],
        )
    data = frame.assign(
        cohort=frame["cohort"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    )
    try:
        result = event_study(
            data,
            OUTCOME,
            unit="cvr",
            time="year",
            first_treated_time_column="cohort",
            leads=leads,
            lags=lags,
            confidence=confidence,
        )
    except EstimationError as problem:
        empty_pre["message"] = str(problem)
        return (
            pd.DataFrame(columns=EVENT_COLUMNS),
            pd.DataFrame([empty_pre], columns=[*PRETREND_COLUMNS, "message"]),
            {},
            [str(problem)],
        )
    table = result.coefficients.rename(columns={"n": "n_rows"}).copy()
    lo, hi = result.options["leads"], result.options["lags"]
    binned = data["event_time"].astype("Float64").clip(-lo, hi)
    per_k = (
        data.loc[binned.notna()]
        .assign(k=binned[binned.notna()].astype(int))
        .groupby("k")["cvr"]
        .nunique()
    )
    counts = per_k.reindex(table["relative_period"]).fillna(0).astype(int).to_numpy()
    table["n_treated_companies"] = pd.array(
        [c if c >= min_cell else pd.NA for c in counts], dtype="Int64"
    )
    table["status"] = np.where(counts >= min_cell, OK, TOO_SMALL)
    small = counts < min_cell
    table.loc[small & ~table["reference"], ["estimate", "std_error", "ci_low", "ci_high"]] = np.nan
    table.loc[small, "p_value"] = np.nan
    table.loc[small, "n_rows"] = pd.NA
    table["n_rows"] = table["n_rows"].astype("Int64")
    n_leads = int((table["relative_period"] < REFERENCE_PERIOD).sum())
    df_num, df_denom = result.pretrend_df or (pd.NA, pd.NA)
    pre = {
        "test": "joint F test that all leads (k <= -2) are zero",
        "statistic": result.pretrend_statistic,
        "df_num": df_num,
        "df_denom": df_denom,
        "p_value": result.pretrend_p_value,
        "n_leads": n_leads,
        "status": OK if np.isfinite(result.pretrend_p_value) else FAILED,
        "message": "" if n_leads else "no lead years, so no pre-trend test",
    }
    return (
        table[EVENT_COLUMNS],
        pd.DataFrame([pre], columns=[*PRETREND_COLUMNS, "message"]),
        dict(result.options) | {"n_clusters": result.n_clusters, "n": result.n},
        list(result.warnings),
    )


def _cohort_did(frame: pd.DataFrame, min_cell: int, confidence: float) -> pd.DataFrame:
    columns = ["cohort", "event_time", "base_year", "year", *ESTIMATE_COLUMNS]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    never = ~frame["participating"]
    years = set(frame["year"].unique())
    rows = []
    for g in sorted(frame["cohort"].dropna().unique()):
        g = int(g)
        base = g + REFERENCE_PERIOD
        if base not in years:
            continue
        for k in range(0, int(frame["year"].max()) - g + 1):
            year = g + k
            sample = frame[((frame["cohort"] == g).fillna(False) | never)]
            sample = sample[sample["year"].isin([base, year])]
            # balanced within the 2x2: companies seen in both years
            seen = sample.groupby("cvr")["year"].nunique()
            sample = sample[sample["cvr"].isin(seen.index[seen == 2])]
            n_treated = _companies(sample, sample["participating"])
            n_comparison = _companies(sample, ~sample["participating"])
            est, message = None, ""
            if min(n_treated, n_comparison) >= min_cell:
                try:
                    est = did(
                        sample.assign(group=sample["participating"].astype(int)),
                        OUTCOME,
                        "group",
                        time="year",
                        unit="cvr",
                        confidence=confidence,
                    )
                except EstimationError as problem:
                    message = str(problem)
            row = _estimate_row(
                est,
                method="did_2x2",
                estimand=f"ATT of cohort {g} in {year} against the never-participating, "
                f"base year {base}",
                n_treated=n_treated,
                n_comparison=n_comparison,
                min_cell=min_cell,
                message=message,
            )
            rows.append({"cohort": g, "event_time": k, "base_year": base, "year": year} | row)
    return _typed(pd.DataFrame(rows, columns=columns))


def company_effect(
    panel: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    min_cell: int = 5,
    confidence: float = CONFIDENCE,
    leads: int | None = None,
    lags: int | None = None,
) -> CompanyEffect:
    """Analysis 4 on the ``company_panel`` table (or the store's ``Tables`` holding it).

    ``leads``/``lags`` bin the event study's end points (default: every relative year its own
    coefficient, which the equal-paths reading of the module doc needs). Never raises for
    small or degenerate data: the tables then carry ``status`` too_small or failed.
    """
    table = panel["company_panel"] if isinstance(panel, Mapping) else panel
    frame = company_panel_frame(table)
    overall = _overall(frame, min_cell, confidence)
    events, pretrend, options, notes = _event(frame, min_cell, confidence, leads, lags)
    cohorts = _cohort_did(frame, min_cell, confidence)
    options = {
        "outcome": "skilled share, percentage points (skilled_employees / employees x 100)",
        "unit": "cvr",
        "time": "year",
        "reference_period": REFERENCE_PERIOD,
        "se_type": "cluster-robust by company (CR1), t(G-1)",
        "min_cell": min_cell,
        "confidence": confidence,
        "event_study": options,
    }
    return CompanyEffect(overall, events, pretrend, cohorts, options, tuple(notes))
