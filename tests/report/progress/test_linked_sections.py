"""Side effects, job centres and the quality tables declare their links, so the publication
protects them jointly with the rest of the quarter (hand-made tables, each leak by hand)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pandas as pd

from research.metrics.disclosure import TOTAL_LABEL, DisclosureRule
from research.report.kit.audit import audit_report
from research.report.kit.formatting import ColumnFormat
from research.report.kit.publication import Publication
from research.report.kit.publish import PublishedTable
from research.report.kit.quarter.composition import job_centre_links
from research.report.progress.quality import timeliness_links
from research.report.progress.side_effects import side_effect_links

RULE = DisclosureRule(min_cell=5)


def published(name, data, keys, counts, hidden=(), links=()):
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    for row, column in hidden:
        mask.loc[row, column] = True
    return PublishedTable(
        name=name,
        caption=name,
        data=data,
        columns={c: ColumnFormat("number") for c in counts},
        hidden=mask,
        person_counts=tuple(counts),
        keys=tuple(keys),
        links=tuple(links),
        rule=RULE,
    )


def audit(tmp_path, tables, *, joint):
    pub = Publication(RULE.min_cell)
    if joint:
        tables = pub.admit(tables)
    else:
        pub.tables = {t.name: t for t in tables}
    for table in tables:
        table.write_csv(tmp_path / "tables")
    pub.write(tmp_path / "tables")
    return audit_report(tmp_path), {t.name: t for t in tables}


def test_side_effects_each_quarter_is_its_own_row_and_adds_up(tmp_path):
    data = pd.DataFrame(
        {
            "group": ["unskilled", "skilled", "other", "total"] * 2,
            "quarter": ["2026Q2"] * 4 + ["2026Q3"] * 4,
            "n": [40, 3, 0, 43, 50, 6, 0, 56],
        }
    )
    ctx = SimpleNamespace(quarter="2026Q3", partner=None)
    links = side_effect_links(ctx, "side_effects_series", data)
    table = published(
        "side_effects_series",
        data,
        ("group", "quarter"),
        ("n",),
        hidden=[(1, "n")],  # the 3 skilled of 2026Q2, but total − unskilled gives it away
        links=links,
    )
    result, _ = audit(tmp_path / "alone", [table], joint=False)
    lines = [leak.line() for leak in result.leaks]
    assert any("(skilled/2026Q2), column n" in x and "prove 3" in x for x in lines), lines
    record = Publication(RULE.min_cell)
    record.tables = {table.name: table}
    cells = [c["row"] for c in record.as_json()["cells"]]
    assert len(cells) == len(set(cells)) == 8  # one cell per group and quarter
    names = [link.name for link in links]
    assert "side effects skilled/2026Q3 = progress" in names
    result, _ = audit(tmp_path / "joint", [table], joint=True)
    assert result.passed, [leak.line() for leak in result.leaks]


def test_job_centres_add_up_to_the_composition(tmp_path):
    main = published(
        "composition",
        pd.DataFrame({"dimension": ["recruitment_route"], "category": ["job_centre"], "n": [20]}),
        ("dimension", "category"),
        ("n",),
    )
    centres_data = pd.DataFrame({"job_centre": ["A", "B", "C"], "n": [8, 9, 3]})
    hidden = [(2, "n")]  # C's 3 withheld on its own, but 20 − 8 − 9 = 3
    centres = published("job_centres", centres_data, ("job_centre",), ("n",), hidden)
    centres = dataclasses.replace(centres, checks=tuple(job_centre_links(main, centres)))
    result, _ = audit(tmp_path / "alone", [main, centres], joint=False)
    assert any("(C), column n" in leak.line() for leak in result.leaks)
    # the table's own protection (a second centre withheld with C) is what the audit checks
    protected = dataclasses.replace(centres, hidden=centres._mask().assign(n=[False, True, True]))
    result, _ = audit(tmp_path / "own", [main, protected], joint=False)
    assert result.passed


def test_form_timeliness_partners_add_up_and_problems_leave_a_rest(tmp_path):
    partners = pd.DataFrame(
        {
            "measure": ["late"] * 3,
            "partner_id": ["EUS1", "EUS2", TOTAL_LABEL],
            "numerator": [10, 2, 12],
            "denominator": [100, 50, 150],
        }
    )
    total = partners[partners["partner_id"] == TOTAL_LABEL].reset_index(drop=True)
    keys = ("measure", "partner_id")
    shown = published("form_timeliness", total, keys, ("numerator", "denominator"))
    by_partner = published(
        "form_timeliness_partners",
        partners,
        keys,
        ("numerator", "denominator"),
        hidden=[(1, "numerator")],  # EUS2's 2 late forms: 12 − 10 gives them away
        links=timeliness_links("form_timeliness_partners", partners),
    )
    result, _ = audit(tmp_path / "alone", [shown, by_partner], joint=False)
    assert any("(late/EUS2), column numerator" in leak.line() for leak in result.leaks)
    result, _ = audit(tmp_path / "joint", [shown, by_partner], joint=True)
    assert result.passed, [leak.line() for leak in result.leaks]
