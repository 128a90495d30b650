"""Every count a chart writes on itself is a figure its table shows, recorded for the audit."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd
import pytest

from research.metrics.disclosure import DisclosureRule
from research.report.kit.audit import audit_report
from research.report.kit.charts import funnel_chart
from research.report.kit.figure_numbers import ChartShowsWithheld, drawn_counts
from research.report.kit.formatting import ColumnFormat
from research.report.kit.links import chain
from research.report.kit.publication import Publication
from research.report.kit.section import Chart, Section, publish_section

RULE = DisclosureRule(min_cell=5)
STEPS = pd.DataFrame({"key": ["reached", "started", "completed"], "n": [40, 12, 3]})


def funnel(data, hidden_completed=True):
    from research.report.kit.publish import PublishedTable

    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    mask.loc[2, "n"] = hidden_completed
    return PublishedTable(
        name="steps",
        caption="steps",
        data=data,
        columns={"key": ColumnFormat("text"), "n": ColumnFormat("number")},
        hidden=mask,
        person_counts=("n",),
        keys=("key",),
        links=tuple(chain("steps", "n", list(data["key"]), name="steps")),
        rule=RULE,
    )


def draw_raw(table):
    """A careless chart: draws the true counts, whatever the table withholds."""
    frame = table.data.assign(label=table.data["key"])
    return funnel_chart(frame, "en", title="t", data_date="2026-09-30")


def draw_protected(table):
    shown = table.data["n"].astype(object).where(~table._mask()["n"], "..")
    frame = table.data.assign(label=table.data["key"], n=shown)
    return funnel_chart(frame, "en", title="t", data_date="2026-09-30")


def context(tmp_path):
    return SimpleNamespace(publication=Publication(RULE.min_cell), lang="en", tables_dir=tmp_path)


def test_the_counts_drawn_are_read_back_from_the_figure():
    table = funnel(STEPS)
    assert drawn_counts(draw_raw(table)) == [40, 12, 3]
    assert drawn_counts(draw_protected(table)) == [40, 12]


def test_a_chart_that_draws_a_withheld_count_is_refused(tmp_path):
    section = Section("s", [funnel(STEPS), Chart("steps", draw_raw)])
    with pytest.raises(ChartShowsWithheld, match="steps writes 3"):
        publish_section(context(tmp_path), section)


def test_the_drawn_counts_are_published_cells_the_audit_sees(tmp_path):
    ctx = context(tmp_path)
    section = publish_section(ctx, Section("s", [funnel(STEPS), Chart("steps", draw_protected)]))
    for table in section.tables():
        table.write_csv(tmp_path / "tables")
    ctx.publication.write(tmp_path / "tables")
    drawn = pd.read_csv(tmp_path / "tables" / "figures" / "steps.csv")
    assert drawn["value"].tolist() == [40, 12]
    record = json.loads((tmp_path / "tables" / "publication.json").read_text())
    assert "figures/steps" in record["tables"]
    assert any(
        r["name"].startswith("figures/steps 0/1 = steps:started") for r in record["relations"]
    )
    assert audit_report(tmp_path).passed
