"""Benjamini–Hochberg adjustment of a results table, by hand and against statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from research.evidence.multiple import adjust_pvalues


def test_bh_on_five_p_values_by_hand() -> None:
    """m = 5. Sorted: 0.005 (rank 1), 0.01 (2), 0.03 (3), 0.04 (4), 0.20 (5).
    p·m/rank: 0.025, 0.025, 0.05, 0.05, 0.20; stepping down from the largest rank, each
    adjusted value is the minimum of its own and every larger rank's: 0.025, 0.025, 0.05,
    0.05, 0.20. Back in the original order: 0.025, 0.05, 0.05, 0.025, 0.20."""
    table = pd.DataFrame({"p_value": [0.01, 0.04, 0.03, 0.005, 0.20]})
    out = adjust_pvalues(table)
    assert out["p_adjusted"].tolist() == pytest.approx([0.025, 0.05, 0.05, 0.025, 0.20])
    assert out["significant_adjusted"].tolist() == [True, True, True, True, False]
    assert "p_adjusted" not in table  # the input is not changed


def test_step_up_monotonicity_by_hand() -> None:
    """0.01..0.05: every p·5/rank is 0.05, so every adjusted p is 0.05 (raw 0.01 rises most)."""
    out = adjust_pvalues(pd.DataFrame({"p_value": [0.05, 0.04, 0.03, 0.02, 0.01]}))
    assert out["p_adjusted"].tolist() == pytest.approx([0.05] * 5)


def test_untested_rows_are_not_counted_in_the_family() -> None:
    """Two tests (0.01, 0.04) and two too-small rows: m = 2, so 0.02 and 0.04."""
    table = pd.DataFrame({"p_value": [0.01, np.nan, 0.04, None], "status": ["ok", "too_small"] * 2})
    out = adjust_pvalues(table)
    assert out["p_adjusted"].iloc[[0, 2]].tolist() == pytest.approx([0.02, 0.04])
    assert out["p_adjusted"].iloc[[1, 3]].isna().all()
    assert out["significant_adjusted"].iloc[[1, 3]].isna().all()


def test_each_group_is_its_own_family_and_agrees_with_statsmodels() -> None:
    rng = np.random.default_rng(3)
    table = pd.DataFrame(
        {"analysis": np.repeat(["a", "b", "c"], [7, 4, 1]), "p_value": rng.uniform(0, 0.2, 12)}
    )
    out = adjust_pvalues(table, by=("analysis",))
    for name, part in out.groupby("analysis"):
        want = multipletests(part["p_value"], method="fdr_bh")[1]
        assert part["p_adjusted"].to_numpy() == pytest.approx(want), name
    assert out.loc[out["analysis"] == "c", "p_adjusted"].iloc[0] == out["p_value"].iloc[-1]


def test_other_methods_pass_through() -> None:
    out = adjust_pvalues(pd.DataFrame({"p_value": [0.01, 0.02]}), method="bonferroni")
    assert out["p_adjusted"].tolist() == pytest.approx([0.02, 0.04])
