"""The Wilson interval in closed form equals statsmodels' ``proportion_confint``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from research.metrics.common import wilson_interval

CASES = [
    (0, 1),
    (1, 1),
    (1, 3),
    (2, 3),
    (0, 7),
    (7, 7),
    (5, 83),
    (12, 99),
    (500, 771),
    (1, 1_000_000),
]


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99, 0.999])
def test_the_closed_form_equals_statsmodels_wilson_interval(confidence):
    k = np.array([c[0] for c in CASES], dtype=float)
    n = np.array([c[1] for c in CASES], dtype=float)
    low, high = wilson_interval(k, n, confidence)
    want_low, want_high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    np.testing.assert_allclose(low, want_low, rtol=0, atol=1e-12)
    np.testing.assert_allclose(high, want_high, rtol=0, atol=1e-12)
    share = k / n  # inside the interval, up to rounding at 0 and 1
    assert ((low >= 0) & (low <= share + 1e-12) & (high >= share - 1e-12) & (high <= 1)).all()


def test_scalars_series_and_empty_groups():
    low, high = wilson_interval(3, 10)
    want = proportion_confint(3, 10, method="wilson")
    assert abs(float(low) - want[0]) < 1e-12 and abs(float(high) - want[1]) < 1e-12
    low, high = wilson_interval(pd.Series([2, 0, 4]), pd.Series([4, 0, 4]))
    assert np.isnan(low[1]) and np.isnan(high[1])  # no one asked: no interval
    assert high[2] == 1.0 and low[0] < 0.5 < high[0]
