"""RKV standardisation: the advisory rule by hand, Wilson intervals, and recovery of the
planted college difference and its convergence (truth.RKV_COLLEGES)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.evidence.rkv import (
    advisory_track,
    agreement_table,
    rkv_frame,
    rkv_standardisation,
)
from research.simulate.truth import RKV_COLLEGES


def test_advisory_track_rules_by_hand() -> None:
    estimated = pd.Series(["EUV1", "EUV3", "EUV3", "EUV2", None], dtype="object")
    education = pd.Series(["H10", "H29", "H10", "H20", "H20"], dtype="object")
    # EUV3 with a vocational basic education is lifted to EUV2; no estimate, no advice.
    assert advisory_track(estimated, education).tolist() == ["EUV1", "EUV2", "EUV3", "EUV2", pd.NA]


def test_agreement_with_wilson_interval_by_hand() -> None:
    """8 of 10 agree: Wilson 95 % interval 0.4902 to 0.9433 (as R's prop.test without
    continuity correction, binom::binom.wilson)."""
    frame = pd.DataFrame(
        {
            "college": ["A"] * 10,
            "half": ["2026H1"] * 10,
            "advisory": ["EUV1"] * 10,
            "agrees": [True] * 8 + [False] * 2,
        }
    )
    row = agreement_table(frame).iloc[0]
    assert (row["n"], row["agree"], row["share"]) == (10, 8, 0.8)
    assert row["ci_low"] == pytest.approx(0.4902, abs=1e-4)
    assert row["ci_high"] == pytest.approx(0.9433, abs=1e-4)


@pytest.fixture(scope="module")
def standardisation(small):
    frame = rkv_frame(small.tables)
    before = RKV_COLLEGES.converge_on.isoformat()
    halves = sorted(frame["half"].unique())
    periods = {h: ("before" if h < f"{before[:4]}H1" else "after") for h in halves}
    return rkv_standardisation(frame, periods=periods)


@pytest.mark.validation  # planted-effect recovery: fits the ordinal model per half-year
def test_recovers_the_planted_college_difference_and_its_convergence(standardisation) -> None:
    """Planted: EUS2 assesses experience ×e^0.6 and EUS3 ×e^−0.45 until 2026-01-01, then 15 %
    of that. Before: EUS2 places the same people on shorter tracks than EUS1 and EUS3 on
    longer ones, both clearly; after: the gaps shrink toward zero and the college share of
    variation falls."""
    effects = standardisation.effects.set_index(["period", "college"])
    assert effects.loc[("before", "EUS2"), "ci_low"] > 0
    assert effects.loc[("before", "EUS3"), "ci_high"] < 0
    for college in ("EUS2", "EUS3"):
        before, after = effects.loc[("before", college)], effects.loc[("after", college)]
        assert abs(after["estimate"]) < 0.4 * abs(before["estimate"])
        assert after["ci_low"] < 0 < after["ci_high"] or abs(after["estimate"]) < 0.5
    icc = standardisation.icc.set_index("period")["icc"]
    assert icc["before"] > 0.2 and icc["after"] < 0.05


@pytest.mark.validation  # planted-effect recovery, on the same fit
def test_adjusted_mix_converges(standardisation) -> None:
    mix = standardisation.mix
    euv1 = mix[mix["track"] == "EUV1"].set_index(["period", "college"])["share"]
    spread_before = euv1.loc["before"].max() - euv1.loc["before"].min()
    spread_after = euv1.loc["after"].max() - euv1.loc["after"].min()
    assert spread_before > 0.15 and spread_after < 0.06
    shares = mix.groupby(["period", "college"])["share"].sum()
    assert np.allclose(shares, 1.0)
    assert ((mix["ci_low"] <= mix["share"]) & (mix["share"] <= mix["ci_high"])).all()


def test_the_quick_cumulative_logit_fits_what_statsmodels_fits() -> None:
    """The model's cdf and pdf are written with expit for speed; the fit must not move."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    from research.evidence.rkv import _cumulative_logit

    rng = np.random.default_rng(5)
    x = pd.DataFrame({"a": rng.normal(size=300), "b": rng.integers(0, 2, 300).astype(float)})
    latent = 0.8 * x["a"] - 0.5 * x["b"] + rng.logistic(size=300)
    y = pd.Series(pd.Categorical(np.digitize(latent, [-1.0, 0.7]), ordered=True), index=x.index)
    ours = _cumulative_logit(y, x).fit(method="bfgs", disp=False, maxiter=2000)
    theirs = OrderedModel(y, x, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)
    np.testing.assert_allclose(ours.params, theirs.params, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.bse, theirs.bse, rtol=1e-7)
