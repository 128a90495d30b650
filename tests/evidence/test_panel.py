"""Panel estimators: the 2×2 by hand, fixed effects against OLS with dummies, the event study.

The within transformation must give what OLS with a dummy per unit and per period gives:
the same coefficient, and (with small_sample="dummies") the same cluster-robust SE, interval
and p-value, on an unbalanced panel. The event study's pre-trend F test is compared with
statsmodels' ``f_test`` on that dummy regression.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from research.errors import EstimationError
from research.evidence import estimators as E
from research.evidence.panel import demean_two_way

EXACT = 1e-9  # the within transformation converges to 1e-10 of the data's scale


def panel(units: int = 30, periods: int = 8, seed: int = 2, pretrend: float = 0.0):
    """Unbalanced panel, staggered adoption (periods 3-5), some never treated; effect 1."""
    rng = np.random.default_rng(seed)
    rows = []
    for unit in range(units):
        alpha = rng.normal()
        first = rng.choice([3.0, 4.0, 5.0, np.nan])
        for time in range(periods):
            if rng.random() < 0.1:
                continue  # a missing quarter: the panel is unbalanced
            treated = not np.isnan(first) and time >= first
            lead = pretrend * (time - first) if not np.isnan(first) and time < first else 0.0
            y = alpha + 0.3 * time + 1.0 * treated + lead + rng.normal()
            rows.append((f"u{unit}", time, first, int(treated), y, rng.normal(), unit % 10))
    return pd.DataFrame(rows, columns=["unit", "time", "first", "d", "y", "x", "network"])


def dummy_ols(df: pd.DataFrame, regressors: pd.DataFrame, groups: pd.Series):
    """OLS with a constant, the regressors and a dummy per unit and per period (but one each)."""
    dummies = pd.get_dummies(df[["unit", "time"]].astype(str), drop_first=True, dtype=float)
    design = sm.add_constant(pd.concat([regressors, dummies], axis=1))
    return sm.OLS(df["y"], design).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


# --- 2×2 difference in differences by hand ---------------------------------------------------


def test_two_by_two_difference_in_differences_by_hand():
    # cell means: control before (10+12)/2 = 11, after (13+15)/2 = 14;
    #             treated before (20+22)/2 = 21, after (27+29)/2 = 28.
    # DiD = (28 - 21) - (14 - 11) = 4. The model is saturated, so every residual is ±1 and the
    # HC0 variance of each cell mean is (1 + 1)/2² = 0.5; the estimate adds or subtracts four
    # cell means, so HC0 variance 2, HC1 = 2·n/(n-k) = 2·8/4 = 4, SE 2, t with 4 df.
    df = pd.DataFrame(
        {
            "y": [10, 12, 13, 15, 20, 22, 27, 29],
            "treated": [0, 0, 0, 0, 1, 1, 1, 1],
            "quarter": ["2025Q1", "2025Q1", "2025Q2", "2025Q2"] * 2,
        }
    )
    result = E.did(df, "y", "treated", "quarter")
    half = stats.t.ppf(0.975, 4) * 2.0
    assert result.estimate == pytest.approx(4.0, abs=1e-12)
    assert result.std_error == pytest.approx(2.0, abs=1e-12)
    assert (result.ci_low, result.ci_high) == pytest.approx((4 - half, 4 + half), abs=1e-12)
    assert result.options["periods"] == {"before": "2025Q1", "after": "2025Q2"}


def test_did_on_a_balanced_two_period_panel_equals_fixed_effects():
    df = panel(40, 8, seed=3).query("time in (2, 6)")
    df = df[df.groupby("unit")["time"].transform("size") == 2].copy()
    df["group"] = df.groupby("unit")["d"].transform("max")
    df["d"] = df["group"] * (df["time"] == 6)
    via_did = E.did(df, "y", "group", "time", unit="unit")
    via_fe = E.fe(df, "y", "d", "unit", "time")
    assert via_did.estimate == pytest.approx(via_fe.estimate, abs=EXACT)


# --- two-way fixed effects -------------------------------------------------------------------


def test_demeaning_equals_residuals_of_the_dummy_regression_on_an_unbalanced_panel():
    df = panel()
    unit, time = pd.factorize(df["unit"])[0], pd.factorize(df["time"])[0]
    dummies = pd.get_dummies(df[["unit", "time"]].astype(str), drop_first=True, dtype=float)
    residuals = sm.OLS(df["y"], sm.add_constant(dummies)).fit().resid
    assert demean_two_way(df["y"].to_numpy(), unit, time)[:, 0] == pytest.approx(
        residuals.to_numpy(), abs=EXACT
    )


def test_fixed_effects_equal_ols_with_dummies_including_the_clustered_se():
    df = panel()
    result = E.fe(df, "y", "d", "unit", "time", ["x"], small_sample="dummies")
    fit = dummy_ols(df, df[["d", "x"]], df["unit"])
    assert result.estimate == pytest.approx(fit.params["d"], abs=EXACT)
    assert result.std_error == pytest.approx(fit.bse["d"], abs=EXACT)
    low, high = fit.conf_int().loc["d"]
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), abs=EXACT)
    assert result.p_value == pytest.approx(fit.pvalues["d"], abs=EXACT)
    assert result.n == len(df) and result.n_clusters == 30
    assert result.options["parameters_with_fixed_effects"] == fit.df_model + 1


def test_fixed_effects_clustered_by_a_coarser_group_equal_ols_with_dummies():
    df = panel()
    df["network"] = df["unit"].str[1:].astype(int) % 10  # units nested in 10 networks
    result = E.fe(df, "y", "d", "unit", "time", cluster="network", small_sample="dummies")
    fit = dummy_ols(df, df[["d"]], df["network"])
    assert result.std_error == pytest.approx(fit.bse["d"], abs=EXACT)
    assert result.n_clusters == 10
    assert any("only 10 clusters" in w for w in result.warnings)


def test_nested_small_sample_factor_leaves_out_the_unit_dummies():
    # CR1 multiplies by (n-1)/(n-k): k counts every dummy in OLS, but only the slopes and the
    # period dummies (plus the constant) when unit effects are nested in the clusters.
    df = panel()
    dummies = E.fe(df, "y", "d", "unit", "time", small_sample="dummies")
    nested = E.fe(df, "y", "d", "unit", "time", small_sample="nested")
    n, k_dummies, k_nested = len(df), 1 + 30 + 8 - 1, 1 + 8
    assert nested.std_error == pytest.approx(
        dummies.std_error * math.sqrt((n - k_dummies) / (n - k_nested)), abs=EXACT
    )
    assert nested.estimate == dummies.estimate


def test_a_treatment_that_does_not_vary_within_units_is_absorbed():
    df = panel().assign(ever=lambda d: d["first"].notna().astype(int))
    with pytest.raises(EstimationError, match="treatment 'ever' does not vary within units"):
        E.fe(df, "y", "ever", "unit", "time")


def treated_only_after(df: pd.DataFrame) -> pd.DataFrame:
    two = df.query("time in (2, 6)").assign(g=lambda d: d["first"].notna().astype(int))
    return two.query("not (g == 1 and time == 2)")


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda d: E.fe(d, "y", "d", "unit", "week"), "column 'week' not in the data"),
        (lambda d: E.fe(d.query("time == 6"), "y", "d", "unit", "time"), "fe needs at least 2"),
        (lambda d: E.did(d, "y", "d", "time"), "time 'time' has 8 distinct values"),
        (lambda d: E.did(d.query("time in (1, 6)"), "y", "d", "time", unit="unit"), "unit 'u"),
        (lambda d: E.did(treated_only_after(d), "y", "g", "time"), "no rows with g = 1 in the"),
        (lambda d: E.fe(d, "y", "d", "unit", "time", small_sample="x"), "unknown small_sample"),
    ],
)
def test_bad_panel_input_is_one_clear_error(call, message):
    with pytest.raises(EstimationError, match=message):
        call(panel())


# --- event study -----------------------------------------------------------------------------


def event_dummies(df: pd.DataFrame, periods: list[int]) -> pd.DataFrame:
    relative = (df["time"] - df["first"]).clip(-3, 2)
    return pd.DataFrame({f"r{r}": (relative == r).astype(float) for r in periods}, index=df.index)


def test_event_study_equals_the_dummy_regression_and_its_f_test():
    df = panel(40, 10, seed=5)
    study = E.event_study(df, "y", "unit", "time", "first", leads=3, lags=2, small_sample="dummies")
    terms = [-3, -2, 0, 1, 2]
    fit = dummy_ols(df, event_dummies(df, terms), df["unit"])
    rows = study.coefficients.set_index("relative_period")
    for r in terms:
        assert rows.loc[r, "estimate"] == pytest.approx(fit.params[f"r{r}"], abs=EXACT)
        assert rows.loc[r, "std_error"] == pytest.approx(fit.bse[f"r{r}"], abs=EXACT)
        assert rows.loc[r, "ci_low"] == pytest.approx(fit.conf_int().loc[f"r{r}", 0], abs=EXACT)
    test = fit.f_test("r-3 = 0, r-2 = 0")
    assert study.pretrend_statistic == pytest.approx(float(test.fvalue), rel=1e-8)
    assert study.pretrend_p_value == pytest.approx(float(test.pvalue), rel=1e-8)
    assert study.pretrend_df == (2, 39)
    assert rows.loc[-1, "reference"] and rows.loc[-1, "estimate"] == 0.0
    assert rows.loc[-1, "n"] == int(((df["time"] - df["first"]) == -1).sum())


def test_event_study_recovers_a_planted_path_and_flags_a_planted_pretrend():
    flat = E.event_study(panel(80, 10, seed=6), "y", "unit", "time", "first", leads=3, lags=2)
    after = flat.coefficients.query("relative_period >= 0")
    assert after["estimate"].to_numpy() == pytest.approx([1, 1, 1], abs=0.45)
    assert (after["ci_low"] < 1).all() and (after["ci_high"] > 1).all()
    assert flat.pretrend_p_value > 0.05
    trending = panel(80, 10, seed=6, pretrend=0.5)
    sloped = E.event_study(trending, "y", "unit", "time", "first", leads=3, lags=2)
    assert sloped.pretrend_p_value < 0.001


def test_event_study_warns_about_staggered_adoption_and_serialises():
    study = E.event_study(panel(), "y", "unit", "time", "first", leads=2, lags=2)
    assert any("staggered adoption (3 cohorts)" in w for w in study.warnings)
    out = study.to_dict()
    assert out["pretrend"]["df"] == [1, 29]
    assert out["coefficients"][1]["relative_period"] == -1  # the reference row, sorted
    assert out["coefficients"][1]["std_error"] is None


def test_event_study_with_every_period_and_no_never_treated_units_is_refused():
    df = panel().dropna(subset=["first"])
    with pytest.raises(EstimationError, match="collinear once unit and period effects"):
        E.event_study(df, "y", "unit", "time", "first")


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda d: d.assign(first=d["first"] + 0.5), "must hold whole period numbers"),
        (lambda d: d.assign(first=np.nan), "no unit is ever treated"),
        (lambda d: d.assign(first="soon"), "must hold the first treated period as a number"),
    ],
)
def test_bad_event_study_input_is_one_clear_error(change, message):
    with pytest.raises(EstimationError, match=message):
        E.event_study(change(panel()), "y", "unit", "time", "first")


def test_event_study_needs_a_lead():
    with pytest.raises(EstimationError, match="leads must be at least 1"):
        E.event_study(panel(), "y", "unit", "time", "first", leads=0)


def test_covariates_absorbed_by_the_fixed_effects_are_dropped_with_a_note():
    """As fixest and Stata: year dummies (absorbed by the period effects), a unit constant
    (absorbed by the unit effects) and a copy of a kept covariate are left out, with notes,
    and the estimate equals the one without them."""
    df = panel()
    df["d3"] = (df["time"] == 3).astype(int)
    df["d4"] = (df["time"] == 4).astype(int)
    df["group"] = df["unit"].str[1:].astype(int) % 3
    df["x_twice"] = 2 * df["x"]
    with_all = E.fe(df, "y", "d", "unit", "time", covariates=["x", "d3", "d4", "group", "x_twice"])
    only_x = E.fe(df, "y", "d", "unit", "time", covariates=["x"])
    assert with_all.estimate == pytest.approx(only_x.estimate, abs=EXACT)
    assert with_all.std_error == pytest.approx(only_x.std_error, abs=EXACT)
    assert with_all.options["covariates"] == ["x"]
    notes = " ".join(with_all.warnings)
    assert "absorbed by the unit and period effects were left out: d3, d4, group" in notes
    assert "collinear with the other terms" in notes and "x_twice" in notes
