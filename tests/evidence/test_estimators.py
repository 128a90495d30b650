"""The cross-sectional estimators: hand-worked cases, agreement with statsmodels, clear errors.

Where an estimator computes what statsmodels also computes (Welch, OLS, logit margins,
``TreatmentEffect`` for RA and IPW), the test fits statsmodels independently and compares.
Tolerances: ``EXACT`` for the same arithmetic in another order; ``GMM`` for statsmodels'
``TreatmentEffect``, which solves its moment conditions with Nelder-Mead from our estimate.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.treatment.treatment_effects import TreatmentEffect

from research.errors import EstimationError, ResearchError
from research.evidence import estimators as E
from research.evidence.prepare import FitProblem, watch_fit

EXACT = 1e-10
GMM = 1e-6


def people(n: int = 400, seed: int = 1) -> pd.DataFrame:
    """Confounded cross-section: x raises treatment and outcome; 40 clusters; effect 1."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, n)
    sex = rng.choice(["k", "m"], n)
    t = (rng.random(n) < 1 / (1 + np.exp(-(0.6 * x + 0.3 * (sex == "m"))))).astype(int)
    y = 1 + t + x + 0.5 * (sex == "m") + rng.normal(0, 1 + 0.5 * t, n)
    p = 1 / (1 + np.exp(-(-0.4 + 0.8 * t + 0.7 * x)))
    return pd.DataFrame(
        {
            "y": y,
            "done": (rng.random(n) < p).astype(int),
            "t": t,
            "x": x,
            "sex": sex,
            "company": rng.integers(0, 40, n),
        }
    )


# --- hand-worked cases -----------------------------------------------------------------------


def test_difference_in_means_by_hand():
    # treated 4, 6, 8: mean 6, variance 4.  untreated 1, 2, 3, 6: mean 3, variance 14/3.
    # Welch SE = sqrt(4/3 + (14/3)/4) = sqrt(2.5); df = 2.5² / ((4/3)²/2 + (7/6)²/3).
    df = pd.DataFrame({"y": [4, 6, 8, 1, 2, 3, 6], "t": [1, 1, 1, 0, 0, 0, 0]})
    result = E.diff(df, "y", "t")
    se = math.sqrt(2.5)
    dof = 2.5**2 / ((4 / 3) ** 2 / 2 + (7 / 6) ** 2 / 3)
    half = stats.t.ppf(0.975, dof) * se
    assert result.estimate == pytest.approx(3.0, abs=EXACT)
    assert result.std_error == pytest.approx(se, abs=EXACT)
    assert (result.ci_low, result.ci_high) == pytest.approx((3 - half, 3 + half), abs=EXACT)
    assert result.p_value == pytest.approx(2 * stats.t.sf(3 / se, dof), abs=EXACT)
    assert result.n == 7 and result.n_clusters is None


def test_clustered_difference_is_the_ols_cluster_fit():
    df = people()
    result = E.diff(df, "y", "t", cluster="company")
    fit = sm.OLS(df["y"], sm.add_constant(df["t"])).fit(
        cov_type="cluster", cov_kwds={"groups": df["company"]}, use_t=True
    )
    assert result.estimate == pytest.approx(fit.params["t"], abs=EXACT)
    assert result.std_error == pytest.approx(fit.bse["t"], abs=EXACT)
    assert result.ci_low == pytest.approx(fit.conf_int().loc["t", 0], abs=EXACT)
    assert result.n_clusters == 40 and result.options["inference"] == "t(39)"


def test_ols_matches_statsmodels_with_dummies_for_text_covariates():
    df = people()
    result = E.ols(df, "y", "t", ["x", "sex"])
    design = sm.add_constant(df[["t", "x"]].assign(m=(df["sex"] == "m").astype(float)))
    fit = sm.OLS(df["y"], design).fit(cov_type="HC1")
    assert result.estimate == pytest.approx(fit.params["t"], abs=EXACT)
    assert result.std_error == pytest.approx(fit.bse["t"], abs=EXACT)
    assert result.options["covariates"] == ["x", "sex[m]"]


# --- logit average marginal effect -----------------------------------------------------------


def test_logit_ame_without_covariates_is_the_difference_in_means():
    # A logit on the treatment alone is saturated: its fitted probabilities are the group means.
    df = people()
    result = E.logit(df, "done", "t")
    expected = df.loc[df.t == 1, "done"].mean() - df.loc[df.t == 0, "done"].mean()
    assert result.estimate == pytest.approx(expected, abs=1e-8)


def _ame_delta_method(params: np.ndarray, cov: np.ndarray, design: np.ndarray) -> float:
    """The AME of column 1 and its delta-method SE, by numerical differentiation (by hand)."""

    def ame(b):
        on, off = design.copy(), design.copy()
        on[:, 1], off[:, 1] = 1, 0
        return np.mean(1 / (1 + np.exp(-on @ b)) - 1 / (1 + np.exp(-off @ b)))

    step = 1e-6
    gradient = np.array(
        [
            (ame(params + step * e) - ame(params - step * e)) / (2 * step)
            for e in np.eye(len(params))
        ]
    )
    return math.sqrt(gradient @ cov @ gradient)


def test_logit_clustered_se_is_the_delta_method_with_the_cluster_covariance():
    df = people()
    result = E.logit(df, "done", "t", ["x"], cluster="company")
    design = np.column_stack([np.ones(len(df)), df["t"], df["x"]])
    clustered = sm.Logit(df["done"], design).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": df["company"]}
    )
    margins = clustered.get_margeff(at="overall", dummy=True)
    assert result.estimate == pytest.approx(margins.margeff[0], abs=EXACT)
    assert result.std_error == pytest.approx(margins.margeff_se[0], abs=EXACT)
    by_hand = _ame_delta_method(clustered.params, clustered.cov_params(), design)
    assert result.std_error == pytest.approx(by_hand, rel=1e-5)
    # ... and the clustering really changed it: the model-based SE is different.
    plain = sm.Logit(df["done"], design).fit(disp=0)
    assert abs(_ame_delta_method(plain.params, plain.cov_params(), design) - by_hand) > 1e-3
    half = stats.t.ppf(0.975, 39) * result.std_error
    assert result.ci_high - result.estimate == pytest.approx(half, abs=EXACT)


def test_logit_without_clusters_uses_hc1_and_statsmodels_interval():
    df = people()
    result = E.logit(df, "done", "t", ["x"])
    design = np.column_stack([np.ones(len(df)), df["t"], df["x"]])
    margins = sm.Logit(df["done"], design).fit(disp=0, cov_type="HC1").get_margeff(dummy=True)
    assert result.std_error == pytest.approx(margins.margeff_se[0], abs=EXACT)
    assert result.ci_low == pytest.approx(margins.conf_int()[0, 0], abs=EXACT)
    assert result.p_value == pytest.approx(margins.pvalues[0], abs=EXACT)


# --- regression adjustment and IPW against statsmodels' TreatmentEffect ----------------------


@pytest.fixture(scope="module")
def teffects():
    df = people(600, seed=3)
    x = sm.add_constant(df[["x"]].assign(m=(df["sex"] == "m").astype(float)).to_numpy())
    propensity = sm.Logit(df["t"].to_numpy(), x).fit(disp=0)
    assert propensity.predict().min() > 0.01 and propensity.predict().max() < 0.99  # no clipping
    model = TreatmentEffect(sm.OLS(df["y"].to_numpy(), x), df["t"].to_numpy(), propensity)
    return df, model


@pytest.mark.parametrize("estimand,group", [("ate", "all"), ("att", 1)])
def test_ra_matches_statsmodels_treatment_effect(teffects, estimand, group):
    df, model = teffects
    ours = E.ra(df, "y", "t", ["x", "sex"], estimand=estimand)
    theirs = model.ra(effect_group=group)
    assert ours.estimate == pytest.approx(theirs.effect[0], abs=GMM)
    assert ours.std_error == pytest.approx(theirs.sd[0], rel=GMM)


@pytest.mark.parametrize("estimand,group", [("ate", "all"), ("att", 1)])
def test_ipw_matches_statsmodels_treatment_effect(teffects, estimand, group):
    df, model = teffects
    ours = E.ipw(df, "y", "t", ["x", "sex"], estimand=estimand)
    theirs = model.ipw(effect_group=group)
    assert ours.estimate == pytest.approx(theirs.effect[0], abs=GMM)
    assert ours.std_error == pytest.approx(theirs.sd[0], rel=GMM)


def test_ra_and_ipw_with_one_binary_covariate_are_the_stratified_difference():
    # With one binary covariate both models are saturated, so both estimators reduce to the
    # difference in means within each stratum, weighted by the stratum's share (ATE) or its
    # share of the treated (ATT).
    df = people(300, seed=4).assign(m=lambda d: (d["sex"] == "m").astype(int))
    cells = df.groupby(["m", "t"])["y"].mean().unstack()
    gaps = cells[1] - cells[0]
    ate = (gaps * df["m"].value_counts(normalize=True).sort_index()).sum()
    att = (gaps * df.loc[df.t == 1, "m"].value_counts(normalize=True).sort_index()).sum()
    assert E.ra(df, "y", "t", ["m"]).estimate == pytest.approx(ate, abs=EXACT)
    assert E.ipw(df, "y", "t", ["m"]).estimate == pytest.approx(ate, abs=EXACT)
    assert E.ra(df, "y", "t", ["m"], estimand="att").estimate == pytest.approx(att, abs=EXACT)
    assert E.ipw(df, "y", "t", ["m"], estimand="att").estimate == pytest.approx(att, abs=EXACT)


def test_clustered_influence_se_with_singleton_clusters_is_hc0_times_n_over_n_minus_1():
    df = people(200, seed=5).assign(row=np.arange(200))
    plain = E.ra(df, "y", "t", ["x"])
    clustered = E.ra(df, "y", "t", ["x"], cluster="row")
    assert clustered.std_error == pytest.approx(plain.std_error * math.sqrt(200 / 199), abs=EXACT)
    assert clustered.options["inference"] == "t(199)" and plain.options["inference"] == "normal"


def test_ra_with_a_logit_outcome_model_gives_a_probability_difference():
    df = people()
    result = E.ra(df, "done", "t", ["x"], outcome_model="logit")
    assert -1 < result.estimate < 1 and result.ok
    with pytest.raises(EstimationError, match="must be binary"):
        E.ra(df, "y", "t", ["x"], outcome_model="logit")


# --- bad input: one clear message each -------------------------------------------------------


def one_treated(df: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([df[df.t == 1].head(1), df[df.t == 0].head(11)])


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda d: E.ols(d, "income", "t"), "column 'income' not in the data; available: y, "),
        (lambda d: E.ols(d, "y", "t", ["x", "age", "edu"]), "columns 'age', 'edu' not in the"),
        (lambda d: E.diff(d, "y", "x"), "treatment 'x' must be binary (0/1); found other values"),
        (lambda d: E.logit(d, "y", "t"), "outcome 'y' must be binary (0/1)"),
        (lambda d: E.diff(d, "sex", "t"), "outcome 'sex' must be numeric; found values such as"),
        (lambda d: E.diff(d.assign(t=1), "y", "t"), "treatment 't' has no variation: all 400"),
        (lambda d: E.ols(d.assign(y=2.0), "y", "t"), "outcome 'y' has no variation"),
        (lambda d: E.diff(d.head(3), "y", "t"), "too few observations for diff: 3 complete rows"),
        (lambda d: E.diff(one_treated(d), "y", "t"), "1 treated and 11 untreated rows, need at"),
        (lambda d: E.ra(d, "y", "t", ["x"], estimand="atc"), "unknown estimand 'atc'"),
        (lambda d: E.ols(d, "y", "t", cluster="one"), "cluster 'one' has 1 cluster"),
        (lambda d: E.ols(d, "y", "t", ["t2"]), "treatment 't' is collinear with the covariates"),
        (lambda d: E.ols(d, "y", "y"), "column 'y' is given as both outcome and treatment"),
        (lambda d: E.ipw(d, "y", "t", []), "ipw needs at least one covariate"),
        (lambda d: E.ipw(d, "y", "t", ["x"], trim=0.7), "trim must be between 0 and 0.5"),
        (lambda d: E.run_estimator("tobit", d, outcome="y", treatment="t"), "unknown method"),
        (lambda d: E.run_estimator("fe", d, outcome="y", treatment="t"), "fe needs a unit"),
        (lambda d: E.diff([1, 2], "y", "t"), "expected a pandas DataFrame"),
    ],
)
def test_bad_input_is_one_clear_error(call, message):
    df = people().assign(one=1, t2=lambda d: 2 * d["t"])
    with pytest.raises(EstimationError) as caught:
        call(df)
    assert message in str(caught.value)
    assert isinstance(caught.value, ResearchError)
    assert "\n" not in str(caught.value)


def test_many_available_columns_are_listed_with_a_cap():
    wide = pd.DataFrame({f"c{i}": [0, 1] for i in range(30)})
    with pytest.raises(EstimationError, match=r"c19 \(and 10 more\)"):
        E.diff(wide, "nope", "c0")


def test_rows_with_missing_values_are_left_out_and_counted():
    df = people()
    df.loc[:9, "x"] = np.nan
    result = E.ols(df, "y", "t", ["x"])
    assert result.n == 390
    assert any("10 of 400 rows with a missing value" in w for w in result.warnings)


# --- separation and non-convergence: a warning and NaN, never a crash ------------------------


def test_perfect_separation_in_the_outcome_logit_gives_nan_and_a_warning():
    df = people().assign(done=lambda d: (d["x"] > 0).astype(int))
    result = E.logit(df, "done", "t", ["x"])
    assert math.isnan(result.estimate) and math.isnan(result.std_error) and not result.ok
    assert "perfect separation" in result.warnings[-1]
    assert json.loads(json.dumps(result.to_dict()))["estimate"] is None


def test_treatment_that_predicts_the_outcome_exactly_is_separation_too():
    df = people().assign(done=lambda d: d["t"])
    assert "perfect separation" in E.logit(df, "done", "t").warnings[-1]


def test_separation_in_the_propensity_model_gives_nan_and_a_warning():
    df = people().assign(t=lambda d: (d["x"] > 0.2).astype(int))
    result = E.ipw(df, "y", "t", ["x"])
    assert not result.ok and "perfect separation" in result.warnings[-1]
    assert "propensity" in result.warnings[-1]


def test_separation_in_an_arm_outcome_model_gives_nan_and_a_warning():
    df = people().assign(done=lambda d: np.where(d["t"] == 1, d["x"] > 0, d["done"]))
    result = E.ra(df, "done", "t", ["x"], outcome_model="logit")
    assert not result.ok and "perfect separation" in result.warnings[-1]


def test_convergence_warnings_become_fit_problems():
    with pytest.raises(FitProblem, match="did not converge"), watch_fit("outcome"):
        warnings.warn("no luck", ConvergenceWarning, stacklevel=1)


def test_estimate_to_dict_is_plain_json():
    result = E.ipw(people(), "y", "t", ["x", "sex"])
    out = json.loads(json.dumps(result.to_dict()))
    assert out["method"] == "ipw" and out["options"]["estimand"] == "ATE"
    assert set(out) >= {"estimate", "std_error", "ci_low", "ci_high", "p_value", "n", "warnings"}
