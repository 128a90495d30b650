"""Issue 14's done-when on the demo at its default date: every subgroup contrast with a
participant in each arm has an estimate and interval, or a stated minimum detectable effect
and the quarter it becomes large enough, and no forest plot of the article is empty.

The demo is ``research simulate``'s default (seed 2025, scale 1) up to the end of 2026Q3, the
default date when this was written; built as frames, without a database (seconds saved).
Before section 1 drew the best available answer, its forest plots of the preparatory course,
prior education, college and age were empty on exactly this programme.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from research.evidence.article import run_article_analyses
from research.metrics.disclosure import DisclosureRule
from research.programme import Programme, parse_quarter
from research.report.article import sections as A
from research.report.kit.context import report_context
from research.simulate import build_frames
from research.store.tables import as_stored

pytestmark = pytest.mark.validation  # the scale-1 demo and every article analysis: ~40 s

DEMO_DATE = date(2026, 9, 30)


@pytest.fixture(scope="module")
def demo(default_config):
    frames = build_frames(default_config, seed=2025, scale=1.0, until=DEMO_DATE)
    tables = as_stored(frames)
    programme = Programme(
        tables=tables,
        config=default_config,
        quarter=parse_quarter("2026Q3", default_config),
        data_date=DEMO_DATE,
        rule=DisclosureRule(min_cell=default_config.min_cell),
        db_path=Path("simulated-demo"),
        data_origin="synthetic",
        programme_tables=tables,
    )
    ctx = report_context(programme, "en")
    return ctx, run_article_analyses(ctx)


def points_drawn(fig: Figure) -> int:
    """Estimates a figure draws as markers (interval and reference lines have none)."""
    return sum(
        int(np.isfinite(line.get_xdata()).sum())
        for ax in fig.axes
        for line in ax.lines
        if line.get_marker() not in (None, "", "None")
    )


def is_forest(gid: str) -> bool:
    """The article's forest plots: sections 1, 1a, 1b and the colleges' shifts (section 7)."""
    return "forest_" in gid or gid == "figure-rkv_college_shifts"


def test_no_forest_plot_of_the_article_is_empty(demo):
    ctx, results = demo
    sections = (
        A.subgroup_section,
        A.cumulative_incidence_section,
        A.pooled_subgroup_section,
        A.rkv_section,
    )
    figures = [
        item for build in sections for item in build(ctx, results).items if isinstance(item, Figure)
    ]
    forests = {fig.get_gid(): fig for fig in figures if is_forest(fig.get_gid() or "")}
    assert sum(gid.startswith("figure-forest_") for gid in forests) == 7  # one per analysis
    empty = [gid for gid, fig in forests.items() if points_drawn(fig) == 0]
    assert not empty, f"empty forest plots: {empty}"


def test_every_contrast_with_a_participant_per_arm_is_answered(demo):
    ctx, results = demo
    table = A.subgroup_section(ctx, results).table("subgroup_effects")
    data, hidden = table.data, table.hidden
    estimated = data[["effect_pp", "ci_low_pp", "ci_high_pp"]].notna().all(axis=1) & ~hidden[
        ["effect_pp", "ci_low_pp", "ci_high_pp"]
    ].any(axis=1)
    assert (estimated == (data["source"] != "none")).all()
    assert data.loc[estimated, "source"].isin(["logit", "firth", "pooled"]).all()
    unanswered = data[~estimated]
    # no estimate only where an arm has no finished lift: the Firth rows have all the others
    finished = results["pooled_subgroup_effects"].table.set_index(["analysis", "subgroup"])
    for row in unanswered.itertuples():
        assert (row.analysis, row.subgroup) not in finished.index, row.label
        assert row.mde_basis in ("started", "")
    # ... and those state their MDE (or that nothing is detectable) and the quarter
    said = unanswered["large_enough_by"].astype(str)
    quarters = {str(q) for q in ctx.config.period.quarters} | {"now", "not in the project"}
    assert said.isin(quarters).all(), said.tolist()
    shown_mde = unanswered["mde_pp"].notna() & ~hidden.loc[unanswered.index, "mde_pp"]
    assert (shown_mde | (unanswered["mde"] > 1)).all()
    # a logit estimate stays the logit's own: the other sources fill its blanks only
    logit = data["source"] == "logit"
    assert (data.loc[logit, "status"] == "ok").all()
    assert np.allclose(data.loc[logit, "answer"], data.loc[logit, "estimate"])
    assert pd.api.types.is_float_dtype(data["mde"])
