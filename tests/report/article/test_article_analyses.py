"""The article's analyses are run once and passed explicitly, so the CMO register says the
same whether its cell runs first or last (it used to read a dict the other cells filled)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from research.evidence.article import run_article_analyses
from research.evidence.result import TIDY_COLUMNS, AnalysisResult, results_tidy
from research.report.article import sections as A
from research.report.kit.context import load_context

# every test here runs all of the article's analyses on a simulated programme: a report build
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def ctx(small_db: Path):
    return load_context(small_db, "2026Q3", "en")


@pytest.fixture(scope="module")
def results(ctx):
    return run_article_analyses(ctx)


def _register(section) -> pd.DataFrame:
    return section.table("cmo_register").as_data()


def test_every_analysis_returns_one_result_with_the_fixed_tidy(results):
    assert {"completion_by_route", "euv_track_mix", "skilled_share_did"} <= set(results)
    assert all(isinstance(r, AnalysisResult) for r in results.values())
    for key, result in results.items():
        assert result.analysis == key
        assert tuple(result.tidy().columns) == TIDY_COLUMNS
    assert set(results_tidy(results)["analysis"]) <= set(results)


def test_the_register_is_the_same_run_first_or_last(ctx, results):
    first = _register(A.cmo_section(ctx))  # alone, before anything else ran
    for build in (
        A.subgroup_section,
        A.cumulative_incidence_section,
        A.survival_section,
        A.conversion_section,
        A.company_effect_section,
        A.rkv_section,
    ):
        build(ctx, results)
    last = _register(A.cmo_section(ctx, results))
    pd.testing.assert_frame_equal(first, last)
    linked = first["evidence"].eq("result below / in this article")
    assert linked.any(), "the simulated observations link to results of this article"


def test_a_section_built_alone_shows_what_it_shows_with_the_results(ctx, results):
    alone = A.survival_section(ctx).table("completion_medians").as_data()
    given = A.survival_section(ctx, results).table("completion_medians").as_data()
    pd.testing.assert_frame_equal(alone, given)


def test_cumulative_incidence_plots_say_why_a_contrast_has_no_point(ctx, results):
    """A contrast no lift in an arm has been followed 12 months for is waiting, not small:
    its forest-plot row says so (they all read "too small to estimate" before)."""
    from matplotlib.figure import Figure

    section = A.cumulative_incidence_section(ctx, results)
    rows = results["cumulative_incidence"].table
    at_12 = rows[rows["horizon"] == 12]
    assert (at_12["status"] == "follow_up_short").any()  # the test programme has such rows
    texts = [
        text.get_text()
        for item in section.items
        if isinstance(item, Figure)
        for text in item.axes[0].texts
    ]
    waiting = (at_12["status"] == "follow_up_short").sum()
    assert texts.count("no lift in an arm followed 12 months yet") == waiting
    assert texts.count("too small to estimate") == (at_12["status"] == "too_small").sum()
