"""Planted against recovered: the company and participant effects on simulated programmes
recover what the simulator planted (research.validation.planted).

The slow tests read the ``far`` programme of tests/evidence/conftest.py (scale 10, seed 11,
every outcome observed); the fast ones the scale-1 demo programme ``small``.
"""

from __future__ import annotations

import numpy as np
import pytest

from research.evidence.company_effect import company_effect, company_panel_frame
from research.evidence.participant_effect import participant_effect, person_frame
from research.simulate.truth import PANEL
from research.validation.planted import (
    planted_company_effects,
    planted_employment_effects,
)


def test_small_programme_event_study_and_pretrend(small):
    panel = small.tables["company_panel"]
    result = company_effect(panel)
    assert result.pretrend.iloc[0]["p_value"] > 0.05
    planted = planted_company_effects(result, company_panel_frame(panel))
    es = planted[planted["estimate_of"] == "event_study"]
    assert es["covers"].all(), es


@pytest.mark.validation
def test_far_event_study_recovers_planted_path(far):
    panel = far.tables["company_panel"]
    frame = company_panel_frame(panel)
    result = company_effect(panel)
    planted = planted_company_effects(result, frame)
    es = planted[planted["estimate_of"] == "event_study"].set_index("relative_period")
    for k in (0, 1, 2):
        assert es.loc[k, "planted"] == PANEL.effect_pp(k)
        assert es.loc[k, "covers"], es.loc[k]
    assert es.loc[es.index <= -2, "covers"].all()  # leads cover the planted zero
    assert result.pretrend.iloc[0]["p_value"] > 0.05
    cohorts = planted[planted["estimate_of"] == "did_2x2"]
    assert cohorts["covers"].all(), cohorts
    # TWFE: reported, not asserted to cover; with growing effects it sits below the ATT
    twfe = planted[planted["estimate_of"] == "twfe"].iloc[0]
    assert twfe["estimate"] < twfe["planted"]


@pytest.mark.validation
def test_far_ra_and_ipw_recover_planted_risk_difference(far):
    frame = person_frame(far.tables)
    truth = planted_employment_effects(frame)
    result = participant_effect(frame)
    est = result.estimates.assign(key=lambda d: d["method"] + ":" + d["estimand"].str[:3])
    est = est.set_index("key")
    for key, planted in (
        ("ra:ATT", truth["att"]),
        ("ipw:ATT", truth["att"]),
        ("ra:ATE", truth["ate"]),
        ("ipw:ATE", truth["ate"]),
    ):
        row = est.loc[key]
        assert row["ci_low"] <= planted <= row["ci_high"], (key, planted, row)
    naive = est.loc["diff:dif", "estimate"]
    assert naive < truth["att"] and naive < est.loc["ra:ATT", "ci_low"]  # understates
    assert (result.balance["smd_after"].abs() < 0.1).all()
    assert (result.balance["smd_before"].abs() > 0.1).any()  # there was something to balance
    assert np.isfinite(truth["naive_expected"]) and truth["naive_expected"] < truth["att"]
