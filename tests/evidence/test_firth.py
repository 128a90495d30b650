"""Firth's penalised logit against R logistf's published ``sex2`` example, and on separated data."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.discrete.discrete_model import Logit

from research.evidence.firth import firth_logit

# R logistf's sex2 data (239 women; urinary tract infection), as (case, age, oc, vic, vicl,
# vis, dia, count) covariate patterns.
SEX2 = [
    (1, 0, 0, 0, 0, 1, 0, 1),
    (1, 0, 0, 1, 0, 0, 0, 14),
    (1, 0, 0, 1, 0, 1, 0, 3),
    (1, 0, 0, 1, 1, 0, 0, 10),
    (1, 0, 0, 1, 1, 1, 0, 12),
    (1, 0, 0, 1, 1, 1, 1, 1),
    (1, 0, 1, 0, 0, 0, 0, 44),
    (1, 0, 1, 0, 0, 0, 1, 3),
    (1, 0, 1, 1, 0, 0, 0, 15),
    (1, 0, 1, 1, 0, 0, 1, 1),
    (1, 0, 1, 1, 0, 1, 0, 2),
    (1, 0, 1, 1, 1, 0, 0, 7),
    (1, 0, 1, 1, 1, 1, 0, 3),
    (1, 1, 0, 1, 0, 0, 0, 2),
    (1, 1, 0, 1, 0, 1, 0, 1),
    (1, 1, 0, 1, 0, 1, 1, 1),
    (1, 1, 0, 1, 1, 0, 0, 1),
    (1, 1, 0, 1, 1, 1, 1, 1),
    (1, 1, 1, 0, 0, 0, 0, 5),
    (1, 1, 1, 1, 0, 0, 0, 3),
    (0, 0, 0, 0, 0, 1, 0, 1),
    (0, 0, 0, 1, 0, 0, 0, 2),
    (0, 0, 0, 1, 0, 1, 0, 1),
    (0, 0, 0, 1, 1, 0, 0, 8),
    (0, 0, 0, 1, 1, 1, 0, 18),
    (0, 0, 1, 0, 0, 0, 0, 42),
    (0, 0, 1, 0, 0, 1, 0, 1),
    (0, 0, 1, 1, 0, 0, 0, 1),
    (0, 0, 1, 1, 1, 0, 0, 5),
    (0, 0, 1, 1, 1, 1, 0, 6),
    (0, 1, 0, 1, 1, 0, 0, 2),
    (0, 1, 0, 1, 1, 1, 0, 4),
    (0, 1, 1, 0, 0, 0, 0, 14),
    (0, 1, 1, 0, 0, 1, 0, 1),
    (0, 1, 1, 1, 0, 0, 0, 1),
    (0, 1, 1, 1, 1, 1, 0, 2),
]

# logistf(case ~ age + oc + vic + vicl + vis + dia, data = sex2): coefficients and Wald SEs
# as published (logistf documentation; firthlogist's README reproduces them).
PUBLISHED = {
    "Intercept": (0.120254, 0.485542),
    "age": (-1.10598, 0.42366),
    "oc": (-0.0688167, 0.443793),
    "vic": (2.26887, 0.548416),
    "vicl": (-2.11141, 0.543082),
    "vis": (-0.788317, 0.417368),
    "dia": (3.09601, 1.67501),
}


def _sex2() -> tuple[np.ndarray, np.ndarray]:
    data = np.repeat(np.array(SEX2)[:, :7], np.array(SEX2)[:, 7], axis=0).astype(float)
    return data[:, 0], np.column_stack([np.ones(len(data)), data[:, 1:]])


def test_reproduces_logistf_on_sex2() -> None:
    y, x = _sex2()
    assert len(y) == 239
    fit = firth_logit(y, x)
    coef = [PUBLISHED[name][0] for name in ("Intercept", "age", "oc", "vic", "vicl", "vis", "dia")]
    se = [PUBLISHED[name][1] for name in ("Intercept", "age", "oc", "vic", "vicl", "vis", "dia")]
    assert fit.converged
    assert fit.params == pytest.approx(coef, abs=2e-5)
    assert fit.std_errors == pytest.approx(se, abs=2e-5)
    assert fit.penalised_loglik == pytest.approx(-132.5394, abs=1e-4)


def test_finite_under_complete_separation() -> None:
    """Arm 1: 6 of 6 completed; arm 0: 2 of 8. ML diverges; Firth is finite and, for a single
    binary covariate, equals the logit of the cell proportions with ½ added to every cell:
    log((6.5/0.5) / (2.5/6.5))."""
    y = np.array([1] * 6 + [1, 1] + [0] * 6, dtype=float)
    arm = np.array([1] * 6 + [0] * 8, dtype=float)
    x = np.column_stack([np.ones(14), arm])
    fit = firth_logit(y, x)
    assert fit.converged
    assert fit.params[1] == pytest.approx(np.log((6.5 / 0.5) / (2.5 / 6.5)), abs=1e-6)
    assert np.isfinite(fit.std_errors).all()


def test_cluster_sandwich_equals_statsmodels_on_ml_scale_for_large_samples() -> None:
    """With plenty of data the penalty is negligible: estimates and clustered SEs agree with
    statsmodels' ML logit (whose cluster correction is also G/(G − 1) · (n − 1)/(n − k))."""
    rng = np.random.default_rng(1)
    n = 4000
    g = rng.integers(0, 80, n)
    x = np.column_stack([np.ones(n), rng.normal(size=n), rng.integers(0, 2, n)])
    y = (rng.random(n) < 1 / (1 + np.exp(-(x @ [-0.3, 0.8, 0.5])))).astype(float)
    fit = firth_logit(y, x, clusters=g)
    ml = Logit(y, x).fit(disp=0, cov_type="cluster", cov_kwds={"groups": g})
    assert fit.params == pytest.approx(ml.params, abs=5e-3)
    correction = (n - 1) / (n - 3)
    assert fit.std_errors * np.sqrt(correction) == pytest.approx(ml.bse, rel=2e-2)
    assert fit.n_clusters == 80
