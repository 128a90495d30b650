"""Partial pooling: REML against a closed form and metafor's BCG example, the empirical-Bayes
shrinkage by hand, the minimum detectable effect, and every demo subgroup answered."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from research.domain.period import Quarter, quarters_between
from research.evidence.frames import lift_frame
from research.evidence.pooling import (
    _reml_tau2,
    minimum_detectable,
    pooled_subgroup_effects,
    quarter_detectable,
    shrink,
)

# metafor's dat.bcg: BCG vaccine trials (tpos, tneg, cpos, cneg).
BCG = [
    (4, 119, 11, 128),
    (6, 300, 29, 274),
    (3, 228, 11, 209),
    (62, 13536, 248, 12619),
    (33, 5036, 47, 5761),
    (180, 1361, 372, 1079),
    (8, 2537, 10, 619),
    (505, 87886, 499, 87892),
    (29, 7470, 45, 7232),
    (17, 1699, 65, 1600),
    (186, 50448, 141, 27197),
    (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def test_reml_with_equal_variances_has_a_closed_form() -> None:
    """With v_g = v for all g, REML gives τ² = max(0, s² − v), s² the sample variance."""
    y = np.array([0.1, 0.4, -0.2, 0.3, 0.0])
    v = np.full(5, 0.01)
    assert _reml_tau2(y, v) == pytest.approx(np.var(y, ddof=1) - 0.01, abs=1e-6)
    assert _reml_tau2(np.array([0.1, 0.11, 0.09]), np.full(3, 0.5)) == 0.0


def test_reml_reproduces_metafor_on_the_bcg_trials() -> None:
    """rma(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg):
    τ² = 0.3132, μ = −0.7145 (SE 0.1798) with REML (metafor documentation)."""
    a, b, c, d = (np.array(col, dtype=float) for col in zip(*BCG, strict=True))
    y = np.log((a / (a + b)) / (c / (c + d)))
    v = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    pooled = shrink(y, v)
    assert pooled.tau2 == pytest.approx(0.3132, abs=5e-4)
    assert pooled.overall == pytest.approx(-0.7145, abs=5e-4)
    assert pooled.overall_se == pytest.approx(0.1798, abs=5e-4)


EIGHT_SCHOOLS = (
    np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0]),
    np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0]),
)


def _by_quadrature(y: np.ndarray, v: np.ndarray, j: int) -> tuple[float, float]:
    """E and SD of θ_j given y with a flat prior on τ, by adaptive quadrature: an
    independent implementation of BDA3 §5.4."""
    from scipy import integrate

    def pieces(tau: float) -> tuple[float, float, float]:
        w = 1 / (v + tau**2)
        v_mu = 1 / w.sum()
        mu = v_mu * (w * y).sum()
        density = np.sqrt(v_mu) * np.prod(np.sqrt(w)) * np.exp(-0.5 * (w * (y - mu) ** 2).sum())
        b = v[j] / (v[j] + tau**2)
        mean = mu + (1 - b) * (y[j] - mu)
        return density, mean, v[j] * (1 - b) + b**2 * v_mu

    top = 4 * max(np.std(y), np.sqrt(v.max()))

    def moment(f) -> float:
        return integrate.quad(lambda t: f(*pieces(t)), 0, top, limit=200)[0]

    norm = moment(lambda d, m, s: d)
    m1 = moment(lambda d, m, s: d * m) / norm
    m2 = moment(lambda d, m, s: d * (s + m**2)) / norm
    return m1, float(np.sqrt(m2 - m1**2))


def test_pooling_matches_quadrature_and_bda_on_eight_schools() -> None:
    """The grid computation equals quadrature of the same posterior; school A's 28 ± 15 is
    pulled to about 10-12, as in BDA3 Table 5.3 (median 10, 50 % interval 7 to 16)."""
    y, sigma = EIGHT_SCHOOLS
    pooled = shrink(y, sigma**2, grid=4000)
    for j in (0, 2, 6):
        mean, sd = _by_quadrature(y, sigma**2, j)
        assert pooled.estimate[j] == pytest.approx(mean, abs=0.02)
        assert pooled.std_error[j] == pytest.approx(sd, abs=0.02)
    assert 9 < pooled.estimate[0] < 13
    assert pooled.std_error[0] < sigma[0]
    assert pooled.tau2 == pytest.approx(0.0, abs=1e-6)  # REML τ̂ is 0 here; the posterior is not


def test_shrinkage_moves_noisy_subgroups_more() -> None:
    pooled = shrink(np.array([0.1, 0.4, 0.4]), np.array([0.01, 0.01, 0.2]))
    assert abs(pooled.estimate[2] - 0.4) > abs(pooled.estimate[1] - 0.4)
    assert pooled.shrinkage[2] > pooled.shrinkage[1]
    assert pooled.std_error[2] < np.sqrt(0.2)  # the noisy one borrows strength


def test_minimum_detectable_effect_by_hand() -> None:
    """(1.959964 + 0.841621) · sqrt(0.5 · 0.5 · (1/50 + 1/50)) = 0.28016."""
    assert float(minimum_detectable(50, 50, 0.5)) == pytest.approx(0.28016, abs=1e-5)
    # A rate of 0 is floored at 5 %: no arm claims zero variance.
    assert float(minimum_detectable(50, 50, 0.0)) == pytest.approx(
        2.801585 * np.sqrt(0.05 * 0.95 * 0.04), abs=1e-5
    )


def test_quarter_detectable_on_a_linear_plan() -> None:
    """Arms of 100 and 100 at a quarter of the plan; the MDE at p = 0.5 is 0.198 now and
    falls with sqrt of the growth; 0.10 needs growth ≥ 3.93, i.e. a planned share ≥ 0.98."""
    quarters = quarters_between(Quarter(2025, 1), Quarter(2027, 4))
    start, end = date(2025, 1, 1), date(2027, 12, 31)

    def share(day: date) -> float:
        return min(1.0, max(0.0, ((day - start).days + 1) / ((end - start).days + 1)))

    today = Quarter(2025, 3).end  # a quarter of the way
    found = quarter_detectable(
        100, 100, 0.5, today=today, quarters=quarters, planned_share=lambda d: share(d)
    )
    assert found == Quarter(2027, 4)
    assert (
        quarter_detectable(20, 20, 0.5, today=today, quarters=quarters, planned_share=share) is None
    )


def test_every_demo_contrast_with_one_per_arm_gets_an_estimate(small) -> None:
    """At the demo's default date the finished-lift logits answer 2 of 23 contrasts; the
    Firth + pooled estimates answer every one with a person in each arm."""
    frame = lift_frame(small.tables, "2026-09-30")
    pooled = pooled_subgroup_effects(frame)
    both_arms = (pooled["n_level"] >= 1) & (pooled["n_reference"] >= 1)
    assert both_arms.all()
    assert pooled["pooled_estimate"].notna().all()
    assert (pooled["pooled_ci_low"] < pooled["pooled_ci_high"]).all()
    assert pooled["status"].eq("ok").all()


def test_pooling_leaves_a_lone_subgroup_alone() -> None:
    pooled = shrink(np.array([0.2]), np.array([0.04]))
    assert pooled.estimate.tolist() == [0.2]
    assert pooled.std_error.tolist() == [0.2]


def test_firth_subgroup_estimate_for_two_empty_cells_is_zero() -> None:
    """0 of 2 against 0 of 2 without adjustment: the same penalised rate in both, AME 0."""
    from research.evidence.pooling import firth_subgroup_effects
    from research.evidence.subgroups import SubgroupAnalysis

    frame = pd.DataFrame(
        {
            "outcome_known": True,
            "completed": [False, False, False, False, True, False, True, True],
            "arm": ["a", "a", "b", "b", "a", "a", "b", "b"],
            "group": ["x", "x", "x", "x", "y", "y", "y", "y"],
            "cluster_id": [f"p{i}" for i in range(8)],
        }
    )
    analysis = SubgroupAnalysis("t", "completed", "arm", "b", "group")
    rows = firth_subgroup_effects(frame, analysis).set_index("subgroup")
    assert rows.loc["x", "estimate"] == pytest.approx(0.0, abs=1e-9)
    # y: 1 of 2 against 2 of 2: the penalised rates (1.5/3) and (2.5/3).
    assert rows.loc["y", "estimate"] == pytest.approx(1.5 / 3 - 2.5 / 3, abs=1e-6)
