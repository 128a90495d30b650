"""The planted effects can be recovered from the raw data by simple checks (scale 10).

Marked slow: together they build two scale-10 programmes (a few seconds each).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from research.domain.geography import low_educated_pool_on
from research.simulate import build_frames, simulate
from research.simulate.truth import COMPLETION, EMPLOYMENT, EUV_DURATION
from research.store import connect, read_table
from tests.simulate.conftest import FAR

pytestmark = pytest.mark.validation


@pytest.fixture(scope="module")
def far(tmp_path_factory, config) -> dict[str, pd.DataFrame]:
    """Scale 10, followed up until every enrolment has ended (no censoring of outcomes)."""
    path = tmp_path_factory.mktemp("sim10") / "far.duckdb"
    simulate(path, config, seed=11, scale=10.0, until=FAR)
    with connect(path, read_only=True) as con:
        return {
            t: read_table(con, t)
            for t in ("participants", "enrolments", "comparison_individuals", "company_panel")
        }


@pytest.fixture(scope="module")
def euv(far) -> pd.DataFrame:
    e, p = far["enrolments"], far["participants"].set_index("participant_id")
    x = e[(e["programme_kind"] == "euv") & (e["purpose"] == "skilled_lift")].copy()
    prep = e[(e["purpose"] == "preparatory") & (e["exit_reason"] == "completed")]
    x["prep"] = x["participant_id"].isin(set(prep["participant_id"])).astype(int)
    for column in ("recruitment_route", "highest_education", "employment_status"):
        x[column] = p.loc[x["participant_id"], column].astype(str).to_numpy()
    x["below"] = (~p.loc[x["participant_id"], "meets_02_requirement"].astype(bool)).to_numpy()
    x["below"] = x["below"].astype(int)
    x["done"] = (x["exit_reason"] == "completed").astype(int)
    return x


def test_every_outcome_is_observed_far_after_the_end(euv) -> None:
    assert euv["exit_on"].notna().all()


def test_completion_is_ordered_network_visit_job_centre(euv) -> None:
    rate = euv.groupby("recruitment_route")["done"].mean()
    assert rate["network"] > rate["one_to_one_visit"] > rate["job_centre"]


def test_prep_interaction_in_a_logit_is_within_the_true_value(euv) -> None:
    model = smf.logit(
        "done ~ C(recruitment_route, Treatment('network')) + C(highest_education)"
        " + C(employment_status, Treatment('employed')) + below * prep",
        euv,
    ).fit(disp=0)
    low, high = model.conf_int().loc["below:prep"]
    assert low < COMPLETION.prep_x_below_02 < high
    low, high = model.conf_int().loc["below"]
    assert low < COMPLETION.below_02 < high
    # much larger for those below the requirement than for others
    assert model.params["below:prep"] > 3 * abs(model.params["prep"])


def test_time_to_completion_is_ordered_by_track(euv) -> None:
    done = euv[euv["done"] == 1]
    months = (done["exit_on"] - done["started_on"]).dt.days / 30.44
    median = months.groupby(done["euv_track"].astype(str)).median()
    assert median["EUV1"] < median["EUV2"] < median["EUV3"]
    for track in ("EUV1", "EUV2", "EUV3"):
        want = EUV_DURATION.median_completion_months(track)
        assert median[track] == pytest.approx(want, rel=0.08)


def test_job_centre_recruitment_is_proportional_to_the_pool(far) -> None:
    p = far["participants"]
    via = p[p["recruitment_route"] == "job_centre"]
    pool = low_educated_pool_on(date(2025, 1, 1))
    assert len(pool) == 27  # Ishøj has its own centre in the default period
    observed = via["job_centre"].value_counts().reindex(list(pool), fill_value=0)
    expected = np.array(list(pool.values()), dtype=float)
    expected *= observed.sum() / expected.sum()
    assert stats.chisquare(observed.to_numpy(), expected).pvalue > 0.001


def _employment_frame(far) -> pd.DataFrame:
    e, p = far["enrolments"], far["participants"].set_index("participant_id")
    followed = e[e["status_6_months"].notna()]
    part = p.loc[followed["participant_id"]].reset_index()
    part["y"] = (followed["status_6_months"].to_numpy() == "employed").astype(int)
    part["d"] = 1
    part["ref"] = part["first_entry_on"]
    comp = far["comparison_individuals"].copy()
    comp["y"] = comp["employed_6_months"].astype(int)
    comp["d"] = 0
    comp["ref"] = comp["reference_date"]
    cols = ["y", "d", "ref", "birth_date", "gender", "employment_status", "highest_education"]
    df = pd.concat([part[cols], comp[cols]], ignore_index=True)
    df["age10"] = ((df["ref"] - df["birth_date"]).dt.days / 365.25 - 40) / 10
    df["long_term"] = (df["employment_status"].astype(str) == "long_term_unemployed").astype(int)
    df["female"] = (df["gender"].astype(str) == "female").astype(int)
    df["education"] = df["highest_education"].astype(str)
    return df


def test_naive_employment_comparison_is_biased_and_adjusted_is_not(far) -> None:
    df = _employment_frame(far)
    naive = smf.logit("y ~ d", df).fit(disp=0)
    adjusted = smf.logit("y ~ d + age10 + female + C(education) + long_term", df).fit(disp=0)
    low, high = adjusted.conf_int().loc["d"]
    assert low < EMPLOYMENT.tau < high
    # negative selection (long-term unemployed, H10, older): the naive estimate is too low
    assert naive.params["d"] < low


def _pre_trend(panel: pd.DataFrame, first_year: int) -> float:
    """Slope per year of (participating - comparison) mean skilled share before participation."""
    panel = panel.assign(share=panel["skilled_employees"] / panel["employees"] * 100)
    pre = panel[panel["year"] < first_year]
    means = pre.groupby(["year", "participating"])["share"].mean().unstack()
    diff = means[True] - means[False]
    return float(np.polyfit(diff.index.to_numpy(dtype=float), diff.to_numpy(), 1)[0])


def test_panel_parallel_trends_hold_and_can_be_broken(far, config) -> None:
    first = config.period.start.year
    assert abs(_pre_trend(far["company_panel"], first)) < 0.4
    broken = build_frames(config, seed=11, scale=10.0, until=FAR, break_parallel_trends=True)
    assert _pre_trend(broken["company_panel"], first) > 1.0


def test_panel_effect_appears_after_participation(far, config) -> None:
    panel = far["company_panel"]
    panel = panel.assign(share=panel["skilled_employees"] / panel["employees"] * 100)
    treated = panel[panel["participating"]]
    event = treated["year"] - treated["first_participation_year"]
    before = treated[event == -1].set_index("cvr")["share"]
    after = treated[event == 1].set_index("cvr")["share"]
    common = before.index.intersection(after.index)
    control = panel[~panel["participating"]].groupby("year")["share"].mean()
    years = treated.loc[event == 1, ["cvr", "first_participation_year"]].set_index("cvr")
    trend = (
        control.reindex(years.loc[common, "first_participation_year"] + 1).to_numpy()
        - control.reindex(years.loc[common, "first_participation_year"] - 1).to_numpy()
    )
    did = (after[common] - before[common]).to_numpy() - trend
    from research.simulate.truth import PANEL

    assert did.mean() == pytest.approx(PANEL.effect_pp(1), abs=0.8)
