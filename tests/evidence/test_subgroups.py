"""Subgroup AMEs from a logit with context interactions: by hand, against statsmodels' own
marginal effects, the too-small and separation statuses, and recovery of the planted effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from statsmodels.stats.multitest import multipletests

from research.evidence.frames import lift_frame
from research.evidence.subgroups import (
    DEFAULT_ANALYSES,
    OK,
    SEPARATION,
    TOO_SMALL,
    SubgroupAnalysis,
    estimation_sample,
    run_subgroup_analyses,
    subgroup_effects,
)
from tests.evidence.conftest import true_ame

TREATED = SubgroupAnalysis("demo", "completed", "treated", "no", None, levels=("yes",))
ALLOWED = {OK, TOO_SMALL, SEPARATION, "not_converged", "failed", "no_data"}


def _two_arms(treated: tuple[int, int], control: tuple[int, int]) -> pd.DataFrame:
    """(completers, non-completers) per arm, one person per cluster."""
    y = [1] * treated[0] + [0] * treated[1] + [1] * control[0] + [0] * control[1]
    t = [True] * sum(treated) + [False] * sum(control)
    return pd.DataFrame(
        {
            "completed": y,
            "treated": t,
            "outcome_known": True,
            "cluster_id": [f"c{i}" for i in range(len(y))],
        }
    )


def test_ame_and_its_standard_error_by_hand() -> None:
    """Treated 8 of 10 complete, control 5 of 10, no covariates: the saturated logit fits the
    two rates exactly, so the AME is 0.8 − 0.5 = 0.3. With every person a cluster the
    cluster-robust variance is the HC0 variance of the difference times statsmodels' small-
    sample factor G/(G−1)·(N−1)/(N−K) = 20/19 · 19/18 = 20/18:
    SE = sqrt(20/18 · (0.8·0.2/10 + 0.5·0.5/10)) = sqrt(0.0455…) = 0.21344."""
    row = subgroup_effects(_two_arms((8, 2), (5, 5)), TREATED, min_cell=2).iloc[0]
    assert row["status"] == OK
    assert row["estimate"] == pytest.approx(0.3, abs=1e-7)
    assert row["std_error"] == pytest.approx(np.sqrt(20 / 18 * (0.016 + 0.025)), rel=1e-5)
    assert row["ci_low"] == pytest.approx(0.3 - 1.959964 * row["std_error"], rel=1e-6)
    assert (row["rate_level"], row["rate_reference"]) == (0.8, 0.5)


def test_a_cell_below_the_disclosure_minimum_is_too_small_not_a_number(evidence_config) -> None:
    """Only 2 treated non-completers: below min_cell = 5 (the configured disclosure minimum)."""
    assert evidence_config.min_cell == 5
    row = subgroup_effects(
        _two_arms((8, 2), (5, 5)), TREATED, min_cell=evidence_config.min_cell
    ).iloc[0]
    assert row["status"] == TOO_SMALL
    assert np.isnan(row["estimate"]) and np.isnan(row["p_value"])
    assert pd.isna(row["n_level"]) and pd.isna(row["events_level"])  # small counts not shown


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    """3,000 people in 300 companies; completion depends on treatment, education and route,
    with a company effect (so clustering matters)."""
    rng = np.random.default_rng(20250101)
    n = 3000
    company = rng.integers(0, 300, n)
    u = rng.normal(0, 0.5, 300)[company]
    edu = rng.choice(["H10", "H20", "H29"], n, p=[0.5, 0.3, 0.2])
    route = rng.choice(["network", "visit", "job_centre"], n, p=[0.4, 0.4, 0.2])
    group = rng.choice(["below", "meets"], n, p=[0.35, 0.65])
    treated = rng.random(n) < 0.4
    eta = (
        1.0
        + 0.9 * treated * (group == "below")
        + 0.1 * treated
        - 0.8 * (group == "below")
        + 0.4 * (edu == "H20")
        - 0.5 * (route == "job_centre")
        + u
    )
    return pd.DataFrame(
        {
            "completed": rng.random(n) < 1 / (1 + np.exp(-eta)),
            "treated": treated,
            "edu": edu,
            "route": route,
            "group": group,
            "outcome_known": True,
            "cluster_id": [f"cvr{c}" for c in company],
        }
    )


def test_one_subgroup_equals_statsmodels_get_margeff(synthetic) -> None:
    """Without a moderator the AME is statsmodels' discrete-change AME (dummy=True,
    at="overall") of the same logit with the same company-clustered covariance."""
    analysis = SubgroupAnalysis(
        "demo", "completed", "treated", "no", None, ("edu", "route"), levels=("yes",)
    )
    row = subgroup_effects(synthetic, analysis).iloc[0]
    data = synthetic.assign(y=synthetic["completed"].astype(int), d=synthetic["treated"] * 1)
    groups = pd.factorize(data["cluster_id"])[0]
    fit = smf.logit("y ~ d + C(edu) + C(route)", data).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": groups}
    )
    margins = fit.get_margeff(at="overall", dummy=True).summary_frame().loc["d"]
    assert row["estimate"] == pytest.approx(margins["dy/dx"], rel=1e-6)
    assert row["std_error"] == pytest.approx(margins["Std. Err."], rel=1e-5)
    assert row["n_clusters"] == 300


def test_a_moderator_gives_one_effect_per_subgroup(synthetic) -> None:
    analysis = SubgroupAnalysis(
        "demo", "completed", "treated", "no", "group", ("edu", "route"), levels=("yes",)
    )
    out = subgroup_effects(synthetic, analysis).set_index("subgroup")
    assert list(out.index) == ["below", "meets"] and (out["status"] == OK).all()
    # planted: +1.0 log-odds below, +0.1 otherwise, so the AME is far larger below
    assert out.loc["below", "ci_low"] > out.loc["meets", "ci_high"]


def test_a_too_small_subgroup_is_reported_and_left_out_of_the_model(synthetic) -> None:
    tiny = synthetic.head(12).assign(group="tiny")  # 12 people cannot fill four cells of 5
    data = pd.concat([synthetic, tiny], ignore_index=True)
    analysis = SubgroupAnalysis(
        "demo", "completed", "treated", "no", "group", ("edu",), levels=("yes",)
    )
    out = subgroup_effects(data, analysis).set_index("subgroup")
    assert out.loc["tiny", "status"] == TOO_SMALL
    assert np.isnan(out.loc["tiny", "estimate"])
    without = subgroup_effects(synthetic, analysis).set_index("subgroup")
    assert out.loc["below", "estimate"] == pytest.approx(without.loc["below", "estimate"])
    assert out["n_model"].iloc[0] == len(synthetic)


def test_separation_gives_a_status_not_a_crash(synthetic) -> None:
    """A covariate level in which everyone completes: the logit is quasi-separated."""
    rare = synthetic.head(40).assign(edu="H35", completed=True)
    data = pd.concat([synthetic, rare], ignore_index=True)
    analysis = SubgroupAnalysis(
        "demo", "completed", "treated", "no", "group", ("edu",), levels=("yes",)
    )
    out = subgroup_effects(data, analysis)
    assert (out["status"] == SEPARATION).all()
    assert out["estimate"].isna().all() and out["message"].str.contains("separation").all()


def test_complete_separation_gives_a_status_not_a_crash(synthetic) -> None:
    data = synthetic.assign(completed=synthetic["edu"] == "H20")
    analysis = SubgroupAnalysis("demo", "completed", "treated", "no", None, ("edu",))
    out = subgroup_effects(data, analysis)
    assert (out["status"] == SEPARATION).all() and out["estimate"].isna().all()


def test_nothing_estimable_is_too_small_everywhere() -> None:
    out = subgroup_effects(_two_arms((3, 1), (2, 2)), TREATED)
    assert out["status"].tolist() == [TOO_SMALL] and out["n_model"].iloc[0] == 0


def test_the_default_analyses_run_on_the_demo_programme(small) -> None:
    """Scale 1 at the project end: every analysis runs, statuses are documented ones, BH is
    applied within each analysis over the estimated rows, and dropout mirrors completion."""
    frame = lift_frame(small.tables)
    out = run_subgroup_analyses(frame)
    assert set(out["status"]) <= ALLOWED and (out["status"] == OK).any()
    assert set(out["analysis"]) == {a.key for a in DEFAULT_ANALYSES}
    for _, part in out[out["status"] == OK].groupby("analysis"):
        want = multipletests(part["p_value"], method="fdr_bh")[1]
        assert part["p_adjusted"].to_numpy() == pytest.approx(want)
    assert out.loc[out["status"] != OK, "p_adjusted"].isna().all()
    done = out[out["analysis"] == "completion_by_route"].reset_index(drop=True)
    drop = out[out["analysis"] == "dropout_by_route"].reset_index(drop=True)
    assert drop["estimate"].to_numpy() == pytest.approx(-done["estimate"].to_numpy(), nan_ok=True)
    assert drop["std_error"].to_numpy() == pytest.approx(done["std_error"].to_numpy(), nan_ok=True)
    # at the project end many lifts are still running: they are excluded and counted
    assert (out["n_running_excluded"] > 0).all()


@pytest.mark.validation
def test_every_subgroup_estimate_recovers_the_planted_ame(far) -> None:
    """Scale 10, every outcome known. For each analysis and subgroup the true AME is the
    truth.py logit (COMPLETION) evaluated on the same people — everyone switched to the level
    and to the reference — averaged. Checked: z = (estimate − truth) / SE.

    * every row: |z| < 3 (the 99.7 % interval covers the truth: no bias, no broken SE);
    * the primary planted effect (the preparatory course by 02 requirement): the 95 %
      interval covers the truth.

    Why not 95 % coverage everywhere: the route contrasts share the network reference cell,
    and dropout mirrors completion, so errors are correlated and miss together. At seed 11
    (fixed before looking) six of the 18 rows miss their 95 % interval — four distinct
    contrasts, two of them also as their dropout mirror — with |z| 2.26-2.43 (the network
    cells happen to complete well). A study over 18 seeds (11 and 1-18 without 11, scale 10)
    gave 95 % intervals covering 257 of 270 distinct subgroup truths (95.2 %), z-scores with
    mean 0.09 and SD 0.99; the least covered contrast was job centre vs network for the
    unemployed (15 of 18). The analyses by prior education and by college came later; their
    contrasts are held to the same |z| < 3.
    """
    frame = lift_frame(far.tables)
    results = run_subgroup_analyses(frame)
    assert (results["status"] == OK).all()
    booleans = {"yes": True, "no": False}
    checked = 0
    for analysis in DEFAULT_ANALYSES:
        sample = estimation_sample(frame, analysis).frame
        sample = sample[sample["in_model"]]
        rows = results[results["analysis"] == analysis.key]
        for _, row in rows.iterrows():
            people = sample[sample["subgroup"] == row["subgroup"]]
            level, reference = row["level"], row["reference"]
            if analysis.treatment == "prep":
                level, reference = booleans[level], booleans[reference]
            truth = true_ame(people, analysis.treatment, level, reference)
            if analysis.outcome == "dropped_out":
                truth = -truth  # every known outcome is completed or dropped out
            z = (row["estimate"] - truth) / row["std_error"]
            assert abs(z) < 3, (row["label"], row["estimate"], truth)
            if analysis.key == "completion_prep_interaction":
                assert row["ci_low"] < truth < row["ci_high"], (row["label"], truth)
            checked += 1
    assert checked == len(results) >= 18


@pytest.mark.validation
def test_the_preparatory_course_helps_those_below_the_02_requirement_most(far) -> None:
    """The planted interaction (+0.9 log-odds): the AME below the requirement is larger than
    for those who meet it, with non-overlapping intervals."""
    analysis = next(a for a in DEFAULT_ANALYSES if a.key == "completion_prep_interaction")
    out = subgroup_effects(lift_frame(far.tables), analysis).set_index("subgroup")
    assert out.loc["yes", "ci_low"] > out.loc["no", "ci_high"]
