"""Article outputs: tables in three formats, figures in three, evidence figures with alt text."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from research.metrics.disclosure import DisclosureRule
from research.report.article import figures as EF
from research.report.article.export import latex_table, write_figure, write_table
from research.report.kit.charts import alt_text_of
from research.report.kit.formatting import ColumnFormat
from research.report.kit.markdown import markdown_table
from research.report.kit.publish import PublishedTable

DATA_DATE = date(2026, 9, 30)


def test_markdown_table_by_hand():
    frame = pd.DataFrame({"Group": ["a|b", "c"], "n": ["12", ".."]})
    assert markdown_table(frame, "Counts") == (
        "Table: Counts\n\n| Group | n |\n|---|---|\n| a\\|b | 12 |\n| c | .. |\n"
    )


def test_latex_table_uses_booktabs_and_escapes():
    frame = pd.DataFrame({"Sub_group": ["50% & more"], "AME": ["0.12"]})
    tex = latex_table(frame, "Effects in %", "effects")
    assert "\\toprule" in tex and "\\bottomrule" in tex
    assert "50\\% \\& more" in tex and "Sub\\_group" in tex
    assert "\\label{tab:effects}" in tex and "Effects in \\%" in tex


def test_write_table_writes_shown_text_and_data(tmp_path):
    data = pd.DataFrame({"group": ["x", "y"], "n": [40, 3], "share": [0.5, 0.25]})
    hidden = pd.DataFrame(False, index=data.index, columns=data.columns)
    hidden.loc[1, ["n", "share"]] = True
    table = PublishedTable(
        name="demo",
        caption="Demo table",
        data=data,
        lang="en",
        hidden=hidden,
        columns={
            "group": ColumnFormat("text", label_en="Group"),
            "n": ColumnFormat("number", label_en="Persons"),
            "share": ColumnFormat("percent", label_en="Share"),
        },
        person_counts=("n",),
        rule=DisclosureRule(),
    )
    files = write_table(table, tmp_path)
    assert [p.suffix for p in files.paths] == [".md", ".tex", ".csv"]
    md = (tmp_path / "demo.md").read_text()
    assert "| x | 40 | 50.0% |" in md and "| y | .. | .. |" in md
    assert "withheld" in md  # the disclosure note travels with the table
    csv = pd.read_csv(tmp_path / "demo.csv", dtype=str)
    assert csv["n"].tolist() == ["40", ".."]


def test_figures_in_three_formats_and_reproducible(tmp_path):
    frame = pd.DataFrame(
        {
            "label": ["A", "B"],
            "estimate": [0.1, -0.05],
            "ci_low": [0.02, -0.1],
            "ci_high": [0.18, 0.0],
        }
    )
    fig = EF.forest_plot(frame, title="A helps", data_date=DATA_DATE)
    first = write_figure(fig, "forest", tmp_path / "one")
    second = write_figure(fig, "forest", tmp_path / "two")
    assert [p.suffix for p in first.paths] == [".pdf", ".svg", ".png"]
    for a, b in zip(first.paths, second.paths, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_forest_plot_names_subgroups_too_small_to_estimate():
    frame = pd.DataFrame(
        {
            "label": ["big", "tiny"],
            "estimate": [0.1, np.nan],
            "ci_low": [0.05, np.nan],
            "ci_high": [0.15, np.nan],
        }
    )
    fig = EF.forest_plot(frame, title="T", data_date=DATA_DATE)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "too small to estimate" in texts
    assert "big: 10.0 (5.0 to 15.0)" in alt_text_of(fig)


def points_by_marker(fig) -> dict[str, int]:
    """The estimates a figure draws, by marker (interval lines and reference lines have none)."""
    out: dict[str, int] = {}
    for line in fig.axes[0].lines:
        marker = line.get_marker()
        if marker not in (None, "", "None"):
            out[marker] = out.get(marker, 0) + int(np.isfinite(line.get_xdata()).sum())
    return out


def test_forest_plot_draws_each_source_alike_and_says_why_a_row_has_no_point():
    """Section 1 mixes the logit's, Firth's and pooled estimates: each source keeps its marker
    and colour in every plot (the order of ``sources``), a legend names them, and a row
    without an estimate shows its own words."""
    frame = pd.DataFrame(
        {
            "label": ["big", "separated", "small", "none yet"],
            "estimate": [0.1, 0.3, -0.05, np.nan],
            "ci_low": [0.05, 0.1, -0.3, np.nan],
            "ci_high": [0.15, 0.5, 0.2, np.nan],
            "source": ["Logit", "Firth", "Pooled", "No estimate yet"],
            "why": ["", "", "", "no finished lift in an arm"],
        }
    )
    sources = ["Logit", "Firth", "Pooled"]
    fig = EF.forest_plot(
        frame, title="T", data_date=DATA_DATE, source="source", sources=sources, missing="why"
    )
    assert len(points_by_marker(fig)) == 3  # three sources, three markers
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == sources
    assert [t.get_text() for t in fig.axes[0].texts] == ["no finished lift in an arm"]
    assert "separated: 30.0 (10.0 to 50.0, Firth)" in alt_text_of(fig)
    pooled_only = EF.forest_plot(
        frame.iloc[[2]], title="T", data_date=DATA_DATE, source="source", sources=sources
    )
    legend = fig.axes[0].get_legend()
    handles = {
        t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True)
    }
    drawn = pooled_only.axes[0].lines[-1]
    assert drawn.get_marker() == handles["Pooled"].get_marker()
    assert drawn.get_color() == handles["Pooled"].get_color()


def test_a_long_axis_label_wraps_instead_of_running_off_the_figure():
    frame = pd.DataFrame({"label": ["a"], "estimate": [0.1], "ci_low": [0.0], "ci_high": [0.2]})
    long = "Difference in cumulative incidence at 12 months (percentage points)"
    fig = EF.forest_plot(frame, title="T", data_date=DATA_DATE, x_label=long)
    assert fig.axes[0].get_xlabel() == long.replace("months (", "months\n(")


def test_each_evidence_figure_builds_with_alt_text():
    curves = pd.DataFrame(
        {
            "group": ["a"] * 3 + ["b"] * 3,
            "time": [0, 6, 12] * 2,
            "survival": [1, 0.8, 0.5, 1, 0.9, 0.7],
            "ci_low": [1, 0.7, 0.4, 1, 0.8, 0.6],
            "ci_high": [1, 0.9, 0.6, 1, 1.0, 0.8],
        }
    )
    events = pd.DataFrame(
        {
            "relative_period": [-3, -2, -1, 0, 1, 2],
            "estimate": [0.0, 0.01, 0.0, 0.2, 0.3, 0.3],
            "ci_low": [-0.1, -0.09, 0.0, 0.1, 0.2, 0.2],
            "ci_high": [0.1, 0.11, 0.0, 0.3, 0.4, 0.4],
        }
    )
    scores = pd.DataFrame({"treated": [0, 0, 1, 1], "propensity": [0.2, 0.4, 0.5, 0.7]})
    balance = pd.DataFrame(
        {"covariate": ["age", "women"], "smd_before": [0.4, -0.2], "smd_after": [0.02, 0.01]}
    )
    figures = [
        EF.survival_plot(curves, title="a completes sooner", data_date=DATA_DATE),
        EF.event_study_plot(events, title="no pre-trend", data_date=DATA_DATE),
        EF.overlap_plot(scores, title="good overlap", data_date=DATA_DATE),
        EF.balance_plot(balance, title="balanced after weighting", data_date=DATA_DATE),
    ]
    for fig in figures:
        assert alt_text_of(fig)


def test_evidence_figures_refuse_missing_columns():
    with pytest.raises(KeyError, match="ci_low"):
        EF.forest_plot(
            pd.DataFrame({"label": ["a"], "estimate": [1.0]}), title="T", data_date=DATA_DATE
        )


def test_a_survival_group_with_no_drop_to_show_is_named_in_the_note_not_the_legend():
    """A track whose completions are still too few to show a drop (one point after disclosure
    coarsening) draws nothing; its name in the legend would promise a curve that is not there."""
    curves = pd.DataFrame(
        {
            "group": ["EUV1"] * 3 + ["EUV2", "EUV3"],
            "time": [0, 6, 12, 0, 0],
            "survival": [1, 0.8, 0.5, 1, 1],
        }
    )
    fig = EF.survival_plot(curves, title="EUV1 completes", data_date=DATA_DATE, low=None)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["EUV1"]
    assert len(ax.get_lines()) == 1
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "Not drawn: EUV2, EUV3" in texts.replace("\n", " ")
    assert "Not drawn: EUV2, EUV3." in alt_text_of(fig)
    danish = EF.survival_plot(curves, title="EUV1", data_date=DATA_DATE, low=None, lang="da")
    assert "Ikke tegnet: EUV2, EUV3" in " ".join(t.get_text() for t in danish.texts).replace(
        "\n", " "
    )
