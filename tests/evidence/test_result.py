"""One Status vocabulary and one AnalysisResult with a fixed tidy() for every analysis."""

from __future__ import annotations

import json
import math

import pandas as pd

from research.evidence import company_effect, competing, participant_effect, subgroups
from research.evidence.estimate import Estimate
from research.evidence.result import TIDY_COLUMNS, AnalysisResult, Status, results_tidy


def test_status_words_are_the_words_tables_already_show():
    assert Status.OK == "ok" and str(Status.TOO_SMALL) == "too_small"
    assert json.dumps({"status": Status.FAILED}) == '{"status": "failed"}'
    frame = pd.DataFrame({"status": [Status.OK, Status.NO_OVERLAP]})
    assert frame.to_csv(index=False).splitlines() == ["status", "ok", "no overlap"]
    assert frame["status"].eq("ok").tolist() == [True, False]


def test_the_modules_status_constants_are_the_one_enum():
    for module in (subgroups, competing, company_effect, participant_effect):
        assert isinstance(module.OK, Status) and isinstance(module.TOO_SMALL, Status)
    assert participant_effect.NOT_CONVERGED is Status.DID_NOT_CONVERGE


def test_tidy_has_the_fixed_columns_and_maps_the_analysis_own_names():
    table = pd.DataFrame(
        {
            "group": ["EUV1", "EUV2"],
            "n": [40, 3],
            "months": [14.0, float("nan")],
            "ci_low": [12.0, float("nan")],
            "ci_high": [16.5, float("nan")],
            "status": [Status.OK, Status.TOO_SMALL],
        }
    )
    result = AnalysisResult(
        "euv_track_mix", table, term=("group",), columns={"estimate": "months", "n_level": "n"}
    )
    tidy = result.tidy()
    assert tuple(tidy.columns) == TIDY_COLUMNS
    assert tidy["term"].tolist() == ["EUV1", "EUV2"]
    assert tidy["estimate"].iloc[0] == 14.0 and tidy["n_level"].tolist() == [40, 3]
    assert tidy["status"].tolist() == ["ok", "too_small"]
    assert math.isnan(tidy["std_error"].iloc[0]) and math.isnan(tidy["n_reference"].iloc[0])
    assert result.ok


def test_an_analysis_without_rows_still_says_why():
    result = AnalysisResult("x", pd.DataFrame(), status=Status.NO_DATA, message="no panel")
    tidy = result.tidy()
    assert tidy[["analysis", "status", "message"]].values.tolist() == [["x", "no_data", "no panel"]]
    assert not result.ok
    assert "no panel" in result._repr_html_()


def test_results_tidy_stacks_in_order():
    a = AnalysisResult("a", pd.DataFrame({"term": ["t"], "estimate": [1.0]}))
    b = AnalysisResult("b", pd.DataFrame({"term": ["u"], "estimate": [2.0]}))
    assert results_tidy({"a": a, "b": b})["analysis"].tolist() == ["a", "b"]


def test_an_estimate_tidies_and_shows_itself():
    est = Estimate("ols", {"se_type": "HC1"}, 0.5, 0.1, 0.3, 0.7, 0.01, 120)
    tidy = est.tidy()
    assert tuple(tidy.columns) == TIDY_COLUMNS
    assert tidy.loc[0, ["term", "estimate", "status"]].tolist() == ["ols", 0.5, "ok"]
    assert "<table" in est._repr_html_() and "HC1" in est._repr_html_()
