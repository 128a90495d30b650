"""Aalen–Johansen cumulative incidence: by hand, against numeric derivatives for the
infinitesimal-jackknife influence, against the binomial variance without censoring, and on
the simulated programme with running lifts included."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.evidence.competing import (
    aalen_johansen,
    cif_contrasts,
    cif_difference,
    cif_table,
)
from research.evidence.frames import lift_frame
from research.evidence.subgroups import DEFAULT_ANALYSES

# Six lifts: completed at 1, 3, 5; dropped out at 2; running (censored) at 2 and 4.
TIME = np.array([1.0, 2.0, 2.0, 3.0, 4.0, 5.0])
CAUSE = np.array([1, 2, 0, 1, 0, 1])


def test_cif_by_hand() -> None:
    """s=1: Y=6, one completion: F1 = 1/6, S = 5/6. s=2: Y=5 (the lift censored at 2 is still
    at risk), one dropout: F2 = 5/6·1/5 = 1/6, S = 2/3. s=3: Y=3, one completion: F1 += 2/3·1/3,
    so F1(3) = 7/18, S = 4/9. s=5: Y=1, one completion: F1 += 4/9, so F1(5) = 5/6 and
    F1 + F2 = 1."""
    fit = aalen_johansen(TIME, CAUSE, horizons=[2.5, 4.0, 6.0])
    assert fit.estimate[:, 0] == pytest.approx([1 / 6, 7 / 18, 5 / 6])
    assert fit.estimate[:, 1] == pytest.approx([1 / 6, 1 / 6, 1 / 6])
    assert fit.at_risk.tolist() == [3.0, 2.0, 0.0]
    assert fit.estimable.tolist() == [True, True, True]  # at 6 the curve has finished


def test_horizon_beyond_follow_up_is_not_estimable() -> None:
    fit = aalen_johansen(np.array([1.0, 2.0, 3.0]), np.array([1, 0, 0]), horizons=[2.0, 12.0])
    assert fit.estimable.tolist() == [True, False]
    assert np.isnan(fit.estimate[1]).all()


def test_influence_is_the_derivative_with_respect_to_case_weights() -> None:
    """The recursion for D_i must equal (F(w + ε e_i) − F(w − ε e_i)) / 2ε for every person."""
    rng = np.random.default_rng(3)
    time = np.round(rng.exponential(10, 40), 1)
    cause = rng.choice([0, 1, 2], size=40, p=[0.3, 0.4, 0.3])
    fit = aalen_johansen(time, cause, horizons=[5.0, 10.0])
    eps = 1e-6
    for i in range(40):
        w = np.ones(40)
        w[i] += eps
        up = aalen_johansen(time, cause, [5.0, 10.0], weights=w).estimate
        w[i] -= 2 * eps
        down = aalen_johansen(time, cause, [5.0, 10.0], weights=w).estimate
        assert fit.influence[i] == pytest.approx((up - down) / (2 * eps), abs=1e-7)


def test_without_censoring_or_competing_exits_the_variance_is_binomial() -> None:
    """No censoring, one cause: F(t) is the share with T <= t, and Σ D_i² = p(1 − p)/n."""
    time = np.arange(1.0, 11.0)
    fit = aalen_johansen(time, np.ones(10, dtype=int), horizons=[3.0])
    assert fit.estimate[0, 0] == pytest.approx(0.3)
    assert np.sum(fit.influence[:, 0, 0] ** 2) == pytest.approx(0.3 * 0.7 / 10)


def test_one_cause_cif_is_one_minus_kaplan_meier() -> None:
    time = np.array([2.0, 3.0, 3.0, 5.0, 7.0, 8.0])
    cause = np.array([1, 0, 1, 1, 0, 1])
    fit = aalen_johansen(time, cause, horizons=[3.0, 5.0])
    assert fit.estimate[:, 0] == pytest.approx([1 - 2 / 3, 1 - 4 / 9])


def test_difference_accounts_for_shared_clusters() -> None:
    """Arms sharing a cluster: the joint influence D^1 − D^0 is summed within the cluster, so
    the SE differs from the independent-arms formula exactly by the cross terms."""
    rng = np.random.default_rng(5)
    n = 200
    time = rng.exponential(12, n)
    cause = rng.choice([0, 1, 2], size=n)
    arm = rng.integers(0, 2, n)
    clusters = rng.integers(0, 20, n)
    out = cif_difference(time, cause, arm, clusters, horizons=[12.0])
    f1 = aalen_johansen(time[arm == 1], cause[arm == 1], [12.0])
    f0 = aalen_johansen(time[arm == 0], cause[arm == 0], [12.0])
    d = np.zeros(n)
    d[arm == 1] = f1.influence[:, 0, 0]
    d[arm == 0] = -f0.influence[:, 0, 0]
    expected = np.sqrt(20 / 19 * np.sum(np.bincount(clusters, weights=d) ** 2))
    assert out["estimate"].iloc[0] == pytest.approx(f1.estimate[0, 0] - f0.estimate[0, 0])
    assert out["std_error"].iloc[0] == pytest.approx(expected)


def test_cif_table_on_the_programme_uses_running_lifts(small) -> None:
    frame = lift_frame(small.tables, "2026-09-30", programme="euv")
    table = cif_table(frame, by="euv_track")
    assert frame["running"].sum() > 0
    ok = table[table["status"] == "ok"]
    assert not ok.empty
    assert ((ok["ci_low"] <= ok["cif"]) & (ok["cif"] <= ok["ci_high"])).all()
    # Completion and dropout by 12 months never add up to more than 1.
    wide = ok.pivot_table(index=["group", "horizon"], columns="outcome", values="cif")
    assert (wide.sum(axis=1) <= 1 + 1e-12).all()


def test_cif_contrasts_answer_mid_project(small) -> None:
    """At the demo's default date the finished-lift logits leave most contrasts too small;
    the cumulative-incidence contrasts at 12 months estimate more of them."""
    from research.evidence.subgroups import run_subgroup_analyses

    frame = lift_frame(small.tables, "2026-09-30")
    contrasts = cif_contrasts(frame, DEFAULT_ANALYSES, horizons=[12.0])
    logits = run_subgroup_analyses(frame)
    assert (contrasts["status"] == "ok").sum() > (logits["status"] == "ok").sum()
    ok = contrasts[contrasts["status"] == "ok"]
    assert (ok["std_error"] > 0).all()
    assert set(contrasts["outcome"]) == {"completed", "dropped_out"}


@pytest.mark.parametrize("horizon", [12.0, 24.0])
def test_cif_contrast_on_independent_clusters_matches_two_group_se(horizon) -> None:
    """With every person their own cluster the contrast's variance is the sum of the arms'
    (up to each one's small-sample factor)."""
    rng = np.random.default_rng(11)
    n = 300
    frame = pd.DataFrame(
        {
            "time_months": rng.exponential(20, n),
            "status": rng.choice(["completed", "dropped_out", "running"], n),
            "arm": rng.choice(["a", "b"], n),
        }
    )
    frame["cluster_id"] = [f"p{i}" for i in range(n)]
    table = cif_table(frame, by="arm", horizons=[horizon])
    completed = table[table["outcome"] == "completed"].set_index("group")
    codes = frame["status"].map({"completed": 1, "dropped_out": 2, "running": 0}).to_numpy()
    diff = cif_difference(
        frame["time_months"].to_numpy(),
        codes,
        (frame["arm"] == "a").to_numpy(),
        np.arange(n),
        horizons=[horizon],
    )
    # Each SE carries its own G/(G − 1) factor: undo them, add, apply the joint one.
    na, nb = (frame["arm"] == "a").sum(), (frame["arm"] == "b").sum()
    raw = (
        completed.loc["a", "std_error"] ** 2 * (na - 1) / na
        + completed.loc["b", "std_error"] ** 2 * (nb - 1) / nb
    )
    expected = np.sqrt(raw * n / (n - 1))
    assert diff["std_error"].iloc[0] == pytest.approx(expected)
