"""Every subgroup contrast answered: which source answers which contrast, and the MDE of a
contrast nothing can estimate yet (``research.evidence.answers``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.evidence.answers import subgroup_answers
from research.evidence.pooling import minimum_detectable

KEY = {"analysis": "a", "level": "yes"}


def logit_rows() -> pd.DataFrame:
    """Section 1's rows: one estimated, one separated, one too small, one with no finished
    lift in the reference arm (too small, and absent from the Firth rows)."""
    return pd.DataFrame(
        {
            **KEY,
            "subgroup": ["big", "separated", "small", "empty arm"],
            "status": ["ok", "separation", "too_small", "too_small"],
            "estimate": [0.10, np.nan, np.nan, np.nan],
            "ci_low": [0.02, np.nan, np.nan, np.nan],
            "ci_high": [0.18, np.nan, np.nan, np.nan],
        }
    )


def pooled_rows() -> pd.DataFrame:
    """Firth and pooled estimates of the contrasts with a finished lift in both arms."""
    return pd.DataFrame(
        {
            **KEY,
            "subgroup": ["big", "separated", "small"],
            "n_level": [60, 21, 6],
            "n_reference": [50, 29, 4],
            "events_level": [30, 14, 3],
            "events_reference": [20, 9, 2],
            "status": ["ok", "ok", "ok"],
            "estimate": [0.11, 0.32, 0.05],
            "ci_low": [0.0, 0.06, -0.4],
            "ci_high": [0.22, 0.58, 0.5],
            "pooled_estimate": [0.10, 0.26, 0.12],
            "pooled_ci_low": [0.0, 0.02, -0.1],
            "pooled_ci_high": [0.2, 0.5, 0.34],
        }
    )


def started_rows() -> pd.DataFrame:
    """Every lift started (running ones included), at two horizons as cif_contrasts gives."""
    frame = pd.DataFrame(
        {
            **KEY,
            "subgroup": ["big", "separated", "small", "empty arm"],
            "n_level": [90, 40, 12, 30],
            "n_reference": [80, 45, 9, 3],
        }
    )
    return pd.concat([frame.assign(horizon=12.0), frame.assign(horizon=24.0)])


def test_each_contrast_gets_its_best_available_answer():
    answers = subgroup_answers(logit_rows(), pooled_rows(), started_rows()).set_index("subgroup")
    assert answers["source"].tolist() == ["logit", "firth", "pooled", "none"]
    assert answers.loc["big", ["answer", "answer_ci_low"]].tolist() == [0.10, 0.02]
    assert answers.loc["separated", ["answer", "answer_ci_high"]].tolist() == [0.32, 0.58]
    assert answers.loc["small", ["answer", "answer_ci_low"]].tolist() == [0.12, -0.1]
    assert np.isnan(answers.loc["empty arm", "answer"])


def test_every_contrast_carries_an_mde_at_the_arm_sizes_behind_it():
    answers = subgroup_answers(logit_rows(), pooled_rows(), started_rows()).set_index("subgroup")
    small = answers.loc["small"]
    assert small["mde_basis"] == "finished"
    assert small["mde"] == pytest.approx(float(minimum_detectable(6, 4, 5 / 10)))
    empty = answers.loc["empty arm"]
    assert empty["mde_basis"] == "started"  # nothing finished in an arm: the lifts started
    assert (empty["mde_n_level"], empty["mde_n_reference"]) == (30, 3)
    # the analysis's rate over its finished lifts, each reference arm counted once
    rate = (30 + 14 + 3 + 20 + 9 + 2) / (60 + 21 + 6 + 50 + 29 + 4)
    assert empty["base_rate"] == pytest.approx(rate)
    assert empty["mde"] == pytest.approx(float(minimum_detectable(30, 3, rate)))


def test_a_contrast_without_any_lift_in_an_arm_has_no_finite_mde():
    started = started_rows()
    started = started[started["subgroup"] != "empty arm"]
    answers = subgroup_answers(logit_rows(), pooled_rows(), started).set_index("subgroup")
    assert answers.loc["empty arm", "source"] == "none"
    assert answers.loc["empty arm", "mde"] == np.inf
