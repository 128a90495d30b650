"""The forecast to the project's end: a hand-worked case and honest coverage by simulation."""

from __future__ import annotations

import numpy as np
import pytest

from research.metrics.forecast import forecast_total

LINEAR_12 = np.full(12, 1 / 12)


def test_on_plan_by_hand():
    # Target 120 over 12 quarters on a linear plan: 10 per quarter planned. Four quarters of
    # exactly 10: pace b = log(40/40) = 0, dispersion floored at 1, se(b)² = 1/40.
    # Remaining mean 80; variance = 1·80 + 80²·(1/40) = 240; sd = 15.49; 95 %: 120 ± 30.36.
    # P(reach) = P(rest ≥ 80) = 1 − Φ((80 − 0.5 − 80)/15.49) = Φ(0.0323) = 0.5129.
    fc = forecast_total(np.full(4, 10), (LINEAR_12[:4], LINEAR_12[4:]), 120)
    assert fc.mean == pytest.approx(120)
    assert fc.pace == pytest.approx(1.0)
    assert (fc.low, fc.high) == pytest.approx((120 - 30.3636, 120 + 30.3636), abs=1e-3)
    assert fc.p_reach == pytest.approx(0.5129, abs=1e-4)


def test_behind_plan_by_hand():
    # Half the planned pace: 5 a quarter for 6 quarters of a 12-quarter, 120-target plan.
    # Pace 30/60 = 0.5, remaining mean 0.5·60 = 30, forecast 60 — far below the target.
    fc = forecast_total(np.full(6, 5), (LINEAR_12[:6], LINEAR_12[6:]), 120)
    assert fc.pace == pytest.approx(0.5)
    assert fc.mean == pytest.approx(60)
    assert fc.p_reach < 1e-6


def test_target_already_reached_and_lower_bound_never_below_achieved():
    fc = forecast_total(np.array([30, 40, 50]), (LINEAR_12[:3], LINEAR_12[3:]), 100)
    assert fc.p_reach == 1.0
    fc = forecast_total(np.array([1, 0, 0, 0]), (LINEAR_12[:4], LINEAR_12[4:]), 1200)
    assert fc.low >= 1


def test_too_little_data_gives_no_forecast():
    assert forecast_total(np.array([5]), (LINEAR_12[:1], LINEAR_12[1:]), 120) is None
    assert forecast_total(np.zeros(4), (LINEAR_12[:4], LINEAR_12[4:]), 120) is None
    # Quarters the plan gives nothing carry no information about the pace.
    plan = np.array([0, 0, 0.5, 0.5])
    assert forecast_total(np.array([3, 4, 0, 0]), (plan[:2], plan[2:]), 10) is None


@pytest.mark.validation
@pytest.mark.parametrize("pace,observed", [(1.0, 6), (0.7, 4), (1.3, 8)])
def test_interval_covers_the_realised_total_about_95_percent(pace, observed):
    """Counts drawn at a known pace: the 95 % interval holds the real final total 92–98 %."""
    rng = np.random.default_rng(20261128)
    target, quarters, reps = 600, 12, 1000
    plan = np.full(quarters, 1 / quarters)
    covered = 0
    for _ in range(reps):
        counts = rng.poisson(pace * target * plan)
        fc = forecast_total(counts[:observed], (plan[:observed], plan[observed:]), target)
        covered += fc.low <= counts.sum() <= fc.high
    assert 0.92 <= covered / reps <= 0.98


@pytest.mark.parametrize(
    "observed,plan",
    [
        ([10, 10, 10, 10], [10, 10, 10, 10]),
        ([3, 9, 1, 14, 6], [4, 5, 6, 7, 8]),
        ([0, 2, 0, 31], [1.5, 2.5, 12, 40]),
        ([120, 95], [100, 100]),
    ],
)
def test_the_closed_form_fit_is_statsmodels_glm(observed, plan):
    """The pace, its standard error and Pearson's χ² equal statsmodels' Poisson GLM with the
    plan as offset (the model the docstring states), to the GLM's convergence tolerance."""
    import warnings

    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    from research.metrics.forecast import pace_fit

    y, p = np.asarray(observed, dtype=float), np.asarray(plan, dtype=float)
    with warnings.catch_warnings():  # a series exactly on its plan fits "perfectly"
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        glm = GLM(y, np.ones((len(y), 1)), family=families.Poisson(), offset=np.log(p))
        glm = glm.fit(tol=1e-14)
    pace, se_b, chi2 = pace_fit(y, p)
    assert pace == pytest.approx(float(np.exp(glm.params[0])), rel=1e-10)
    assert se_b == pytest.approx(float(glm.bse[0]), rel=1e-8)
    assert chi2 == pytest.approx(float(glm.pearson_chi2), rel=1e-8)
