"""IPW weights, balance and overlap: hand-worked SMDs, normalised weights, honest warnings."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from research.errors import EstimationError
from research.evidence import estimators as E


def confounded(n: int = 500, seed: int = 7, strength: float = 0.8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, n)
    t = (rng.random(n) < 1 / (1 + np.exp(-strength * x))).astype(int)
    return pd.DataFrame(
        {
            "y": 1 + t + 2 * x + rng.normal(0, 1, n),
            "t": t,
            "x": x,
            "region": rng.choice(["Nord", "Syd", "Øst"], n),
            "company": rng.integers(0, 50, n),
        }
    )


def test_balance_table_by_hand():
    # treated x = 1, 2, 3 (mean 2, variance 1); untreated x = 2, 3, 4, 5 (mean 3.5, variance
    # 5/3). Pooled SD = sqrt((1 + 5/3) / 2); SMD = (2 - 3.5) / that.
    df = pd.DataFrame({"t": [1, 1, 1, 0, 0, 0, 0], "x": [1, 2, 3, 2, 3, 4, 5]})
    smd = -1.5 / math.sqrt((1 + 5 / 3) / 2)
    plain = E.balance_table(df, "t", ["x"]).iloc[0]
    assert plain["smd_before"] == pytest.approx(smd, abs=1e-12)
    assert plain["smd_after"] == pytest.approx(smd, abs=1e-12)  # no weights: equal weights
    # Weight only the untreated row with x = 2: the weighted means agree, the SD stays.
    weighted = E.balance_table(df, "t", ["x"], weights=[1, 1, 1, 1, 0, 0, 0]).iloc[0]
    assert weighted["mean_control_weighted"] == 2.0
    assert weighted["smd_after"] == 0.0 and weighted["smd_before"] == pytest.approx(smd)


def test_ipw_weights_balance_the_covariates_and_sum_to_group_sizes():
    df = confounded()
    weights = E.ipw_weights(df, "t", ["x", "region"])
    for flag in (0, 1):
        assert weights[df.t == flag].sum() == pytest.approx((df.t == flag).sum())
    table = E.balance_table(df, "t", ["x", "region"], weights=weights)
    assert list(table["covariate"]) == ["x", "region[Nord]", "region[Syd]", "region[Øst]"]
    assert table.loc[0, "smd_before"] > 0.5
    assert table["smd_after"].abs().max() < 0.1


def test_att_weights_leave_the_treated_alone():
    df = confounded()
    weights = E.ipw_weights(df, "t", ["x"], estimand="att")
    assert (weights[df.t == 1] == 1).all()
    table = E.balance_table(df, "t", ["x"], weights=weights)
    assert table.loc[0, "mean_treated_weighted"] == pytest.approx(table.loc[0, "mean_treated"])


def test_balance_weights_can_be_a_column_and_missing_weights_are_left_out():
    df = confounded().assign(w=1.0)
    df.loc[:4, "w"] = np.nan
    table = E.balance_table(df, "t", ["x"], weights="w")
    rest = df.iloc[5:]
    expected = rest.loc[rest.t == 1, "x"].mean()
    assert table.loc[0, "mean_treated_weighted"] == pytest.approx(expected)


def test_overlap_data_has_one_score_per_complete_row_for_the_plot():
    df = confounded()
    df.loc[0, "x"] = np.nan
    scores = E.overlap_data(df, "t", ["x"])
    assert list(scores.columns) == ["treated", "propensity"] and len(scores) == len(df) - 1
    assert scores["propensity"].between(0, 1).all()
    assert scores.groupby("treated")["propensity"].mean().is_monotonic_increasing


def test_weighted_regression_se_has_the_same_estimate_and_is_larger_for_the_ate():
    df = confounded()
    sandwich = E.ipw(df, "y", "t", ["x"])
    wls = E.ipw(df, "y", "t", ["x"], se="wls")
    assert wls.estimate == pytest.approx(sandwich.estimate, abs=1e-10)
    assert wls.std_error > sandwich.std_error
    assert "conservative" in wls.options["se_type"]


def test_poor_overlap_and_extreme_weights_are_warned_about_and_trim_removes_them():
    df = confounded(800, seed=8, strength=3.0)
    result = E.ipw(df, "y", "t", ["x"])
    assert any(w.startswith("poor overlap") for w in result.warnings)
    assert any(w.startswith("extreme weights") for w in result.warnings)
    trimmed = E.ipw(df, "y", "t", ["x"], trim=0.05)
    assert trimmed.n < result.n
    assert any("trimmed" in w and "overlap" in w for w in trimmed.warnings)
    assert not any(w.startswith("poor overlap") for w in trimmed.warnings)
    assert trimmed.options["effective_n_treated"] <= (df.t == 1).sum()


def test_clustered_ipw_uses_t_with_clusters_minus_one():
    result = E.ipw(confounded(), "y", "t", ["x"], cluster="company")
    assert result.n_clusters == 50 and result.options["inference"] == "t(49)"


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda d: E.balance_table(d, "t", []), "needs at least one covariate"),
        (lambda d: E.balance_table(d, "t", ["x"], weights=[1, 2]), "weights has 2 values"),
        (lambda d: E.balance_table(d, "t", ["x"], weights="nope"), "column 'nope' not in"),
        (lambda d: E.balance_table(d.assign(w=-1), "t", ["x"], weights="w"), "not be negative"),
        (lambda d: E.ipw_weights(d, "x", ["t"]), "treatment 'x' must be binary"),
        (lambda d: E.ipw_weights(d, "t", ["x"], estimand="atu"), "unknown estimand 'atu'"),
        (lambda d: E.ipw(d, "y", "t", ["x"], se="bootstrap"), "unknown se 'bootstrap'"),
        (lambda d: E.overlap_data(d.assign(t=(d.x > 0).astype(int)), "t", ["x"]), "separation"),
    ],
)
def test_bad_weighting_input_is_one_clear_error(call, message):
    with pytest.raises(EstimationError, match=message):
        call(confounded())
