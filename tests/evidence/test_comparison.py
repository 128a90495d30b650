"""Analyses 4 and 5: company effect (TWFE, event study, cohort 2×2) and participant effect
(diff, RA, IPW) against hand-worked numbers and the planted effects of the simulator.

The slow tests read the conftest's ``far`` programme (scale 10, seed 11, every outcome
observed); the break-parallel-trends programme is built here (scale 1, company panel only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.evidence.company_effect import (
    OK,
    TOO_SMALL,
    company_effect,
    company_panel_frame,
    planted_company_effects,
)
from research.evidence.participant_effect import (
    participant_effect,
    person_frame,
    planted_employment_effects,
)
from research.simulate import build_frames
from research.simulate.truth import PANEL
from research.store.tables import TABLES

from .conftest import END

PANEL_COLUMNS = [
    "cvr",
    "year",
    "db07",
    "employees",
    "skilled_employees",
    "participating",
    "first_participation_year",
]


# --- analysis 4: a tiny panel worked out by hand ----------------------------------------------


def hand_panel() -> pd.DataFrame:
    """4 companies × 4 years, 100 employees each, so the skilled share is the skilled count.

    T1, T2 first participate in 2022; C1, C2 never. Shares (pp):

        year   2020 2021 2022 2023
        C1       30   31   32   33
        C2       40   42   42   44     mean C: 35   36.5 37   38.5
        T1       20   21   24   27
        T2       10   12   15   19     mean T: 15   16.5 19.5 23

    One cohort, never-treated controls: every event-study coefficient is the 2×2 DiD against
    the reference year 2021 (k = -1), since the treated path is saturated and the year effects
    come from the controls:
        b(-2) = (15 - 16.5) - (35 - 36.5)   = 0
        b(0)  = (19.5 - 16.5) - (37 - 36.5) = 2.5
        b(1)  = (23 - 16.5) - (38.5 - 36.5) = 4.5
    The cohort 2×2 DiDs (base 2021) are the same 2.5 and 4.5. TWFE with one adoption date on a
    balanced panel is the DiD of period means: T pre (15+16.5)/2 = 15.75, post (19.5+23)/2 =
    21.25; C pre 35.75, post 37.75; (21.25 - 15.75) - (37.75 - 35.75) = 3.5.
    """
    shares = {
        "C1": (30, 31, 32, 33),
        "C2": (40, 42, 42, 44),
        "T1": (20, 21, 24, 27),
        "T2": (10, 12, 15, 19),
    }
    rows = []
    for i, (name, path) in enumerate(shares.items()):
        treated = name.startswith("T")
        for year, skilled in zip(range(2020, 2024), path, strict=True):
            rows.append(
                (f"1000000{i}", year, "100000", 100, skilled, treated, 2022 if treated else pd.NA)
            )
    return pd.DataFrame(rows, columns=PANEL_COLUMNS)


@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
def test_hand_panel_twfe_event_study_and_cohort_did():
    # (8-row 2x2s with 4 clusters: statsmodels' own SE of a nuisance term can be NaN)
    result = company_effect(hand_panel(), min_cell=1)
    overall = result.overall.iloc[0]
    assert overall["status"] == OK
    assert overall["estimate"] == pytest.approx(3.5, abs=1e-8)
    assert overall["n_treated_companies"] == 2 and overall["n_comparison_companies"] == 2
    es = result.event_study.set_index("relative_period")
    assert es.loc[-2, "estimate"] == pytest.approx(0.0, abs=1e-8)
    assert es.loc[0, "estimate"] == pytest.approx(2.5, abs=1e-8)
    assert es.loc[1, "estimate"] == pytest.approx(4.5, abs=1e-8)
    assert bool(es.loc[-1, "reference"]) and es.loc[-1, "estimate"] == 0
    assert result.pretrend.iloc[0]["n_leads"] == 1
    did = result.cohort_did.set_index("event_time")
    assert did.loc[0, "estimate"] == pytest.approx(2.5, abs=1e-8)
    assert did.loc[1, "estimate"] == pytest.approx(4.5, abs=1e-8)
    assert list(did["base_year"]) == [2021, 2021]


def test_hand_panel_frame_definitions():
    frame = company_panel_frame(hand_panel())
    t1 = frame[frame["cvr"] == "10000002"].set_index("year")
    assert list(t1["skilled_share_pp"]) == [20.0, 21.0, 24.0, 27.0]
    assert list(t1["treated_now"]) == [0, 0, 1, 1]
    assert list(t1["event_time"]) == [-2, -1, 0, 1]
    c1 = frame[frame["cvr"] == "10000000"]
    assert c1["event_time"].isna().all() and (c1["treated_now"] == 0).all()


def test_too_few_companies_is_a_status_not_a_crash():
    result = company_effect(hand_panel())  # min_cell 5 > 2 companies a side
    assert result.overall.iloc[0]["status"] == TOO_SMALL
    assert result.overall["n_treated_companies"].isna().all()
    assert result.pretrend.iloc[0]["status"] == TOO_SMALL
    assert (result.cohort_did["status"] == TOO_SMALL).all()
    assert result.cohort_did["n_treated_companies"].isna().all()
    empty = company_effect(pd.DataFrame(columns=PANEL_COLUMNS))
    assert empty.overall.iloc[0]["status"] == TOO_SMALL and empty.cohort_did.empty


# --- analysis 4 on simulated programmes -------------------------------------------------------


def _panel(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    spec = TABLES["company_panel"]
    ordered = frames["company_panel"].sort_values(list(spec.key), kind="stable")
    return spec.conform(ordered.reset_index(drop=True)).reset_index(drop=True)


def test_pretrend_test_rejects_a_broken_parallel_trend(evidence_config):
    frames = build_frames(
        evidence_config, seed=11, scale=1.0, until=END, break_parallel_trends=True
    )
    result = company_effect(_panel(frames))
    assert result.pretrend.iloc[0]["p_value"] < 0.001
    leads = result.event_study[result.event_study["relative_period"] <= -2]
    assert (leads["ci_high"] < 0).all()  # treated companies drift up: leads below zero


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


# --- analysis 5 -------------------------------------------------------------------------------


def test_person_frame_definitions(small):
    frame = person_frame(small.tables)
    participants = frame[frame["treated"] == 1]
    assert (participants["employment_status"].isin(["unemployed", "long_term_unemployed"])).all()
    assert frame["person_id"].is_unique
    known = participants[participants["outcome_known"]]
    assert known["employed_6_months"].notna().all()
    assert participants.loc[~participants["outcome_known"], "employed_6_months"].isna().all()
    assert frame["age"].between(25, 65).all()
    assert set(frame["long_term"].unique()) <= {0, 1}
    assert len(frame[frame["treated"] == 0]) == len(small.tables["comparison_individuals"])


def test_small_programme_participant_effect_runs_and_balances(small):
    frame = person_frame(small.tables)
    result = participant_effect(frame)
    assert result.status == "ok", result.message
    assert set(result.estimates["status"]) == {"ok"}
    for column in ("n_treated", "n_comparison"):
        shown = result.estimates[column].dropna()
        assert (shown >= 5).all()
    assert (result.counts["n"].dropna() >= 5).all()
    assert (result.balance["smd_after"].abs() < 0.1).all(), result.balance
    assert set(result.overlap["group"]) == {"participant", "comparison"}
    assert result.overlap["propensity"].between(0, 1).all()


def test_too_few_participants_is_a_status_not_a_crash(small):
    frame = person_frame(small.tables)
    few = pd.concat([frame[frame["treated"] == 1].head(3), frame[frame["treated"] == 0]])
    result = participant_effect(few)
    assert result.status == "too_small"
    assert (result.estimates["status"] == "too_small").all()
    assert result.estimates["n_treated"].isna().all()
    assert pd.isna(result.counts.set_index("group").loc["participant", "n"])
    assert result.balance.empty and result.overlap.empty


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


def test_unestimable_rows_say_why_in_words(small):
    """Mid-project (the demo's default date) only a handful of participants have a known
    six-month status: RA and IPW say "too few known outcomes" with the count, never "failed"."""
    result = participant_effect(person_frame(small.tables, "2026-09-30"))
    rows = result.estimates.set_index("method")
    assert rows.loc["diff", "status"] == "ok"
    adjusted = result.estimates[result.estimates["method"] != "diff"]
    assert (adjusted["status"] == "too few known outcomes").all()
    assert adjusted["message"].str.contains("participants with a known six-month status").all()
    assert "failed" not in set(result.estimates["status"]) and result.status != "failed"


@pytest.mark.parametrize(
    "message,reason",
    [
        ("perfect separation: the covariates predict the binary propensity", "no overlap"),
        ("Singular matrix", "could not be solved"),
        ("the logit model did not converge, so no estimate is reported", "did not converge"),
        ("too few observations for ra: 3 treated", "too few known outcomes"),
    ],
)
def test_failure_reasons_in_words(message, reason):
    from research.evidence.participant_effect import failure_reason

    assert failure_reason(message) == reason


def test_an_education_group_without_participants_is_merged_not_fatal(small):
    """At the project's end a rare education group (H15) often has no participant with a
    known outcome; RA and IPW used to give no estimate (6 of 60 simulated programmes)."""
    frame = person_frame(small.tables)
    participants = frame["treated"] == 1
    frame.loc[participants & (frame["highest_education"] == "H15"), "highest_education"] = "H10"
    result = participant_effect(frame)
    assert set(result.estimates["status"]) == {"ok"}, result.estimates["message"].tolist()
    assert result.options["merged_levels"]["highest_education"] == ["H15 -> H10"]
