"""Gardner's two-stage DiD: a hand-worked panel, and a staggered simulation with an effect
that grows with time since adoption, where two-way fixed effects is biased."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.evidence import estimators as E
from research.evidence.staggered import two_stage_did


def test_two_stage_by_hand() -> None:
    """A never treated (1, 2, 3); B from period 2 (2, 5, 7); C from period 3 (0, 1, 6).
    Step 1 on A1-3, B1, C1-2 fits exactly: a = (1, 2, 0), l = (0, 1, 2). Imputed Y(0):
    B2 = 3, B3 = 4, C3 = 2, so effects 2, 3, 4: ATT 3; event time 0: (2 + 4)/2 = 3;
    event time 1: 3."""
    df = pd.DataFrame(
        {
            "unit": list("AAABBBCCC"),
            "t": [1, 2, 3] * 3,
            "first": [np.nan] * 3 + [2] * 3 + [3] * 3,
            "y": [1, 2, 3, 2, 5, 7, 0, 1, 6],
        }
    )
    result = two_stage_did(df, "y", "unit", "t", "first", bootstrap=20)
    assert result.att == pytest.approx(3.0)
    event = result.event.set_index("relative_period")["estimate"]
    assert event.loc[0] == pytest.approx(3.0)
    assert event.loc[1] == pytest.approx(3.0)
    assert result.n_treated_obs == 3


def _staggered(seed: int) -> tuple[pd.DataFrame, float, dict[int, float]]:
    rng = np.random.default_rng(seed)
    units, periods = 300, 10
    cohort = rng.choice([3.0, 5.0, 7.0, np.nan], size=units, p=[0.25, 0.25, 0.25, 0.25])
    alpha = rng.normal(0, 1, units) + np.where(np.isnan(cohort), 0.0, (8 - np.nan_to_num(cohort)))
    rows = []
    for i in range(units):
        for t in range(periods):
            treated = not np.isnan(cohort[i]) and t >= cohort[i]
            r = t - cohort[i] if treated else np.nan
            effect = 0.5 * (1 + r) if treated else 0.0
            y = alpha[i] + 0.3 * t + effect + rng.normal(0, 1)
            rows.append((i, t, cohort[i], int(treated), y, effect, r))
    df = pd.DataFrame(rows, columns=["unit", "t", "first", "d", "y", "effect", "r"])
    truth = float(df.loc[df["d"] == 1, "effect"].mean())
    by_r = df[df["d"] == 1].groupby("r")["effect"].mean().to_dict()
    return df, truth, by_r


def test_recovers_a_growing_effect_where_twfe_is_biased() -> None:
    df, truth, by_r = _staggered(3)
    result = two_stage_did(df, "y", "unit", "t", "first", bootstrap=99)
    assert abs(result.att - truth) < 3 * result.att_se
    twfe = E.fe(df, "y", "d", "unit", "t")
    assert abs(twfe.estimate - truth) > 5 * result.att_se  # TWFE mixes cohorts
    event = result.event.set_index("relative_period")
    for r in (0, 2, 4):
        assert abs(event.loc[r, "estimate"] - by_r[r]) < 3.5 * event.loc[r, "std_error"]
    assert (result.event["std_error"] > 0).all()
