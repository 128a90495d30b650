"""`research audit` and the joint protection it checks: leaky folders fail, naming the cell."""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace

import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.metrics.disclosure import DisclosureRule
from research.report.kit.audit import AuditError, audit_report
from research.report.kit.context import ReportError
from research.report.kit.formatting import ColumnFormat
from research.report.kit.links import Follows, Link, Ref, margin, same
from research.report.kit.publication import Publication
from research.report.kit.publish import PublishedTable
from research.report.runner.run import audit_before_publishing

RULE = DisclosureRule(min_cell=5)


def table(name, rows, *, hidden=(), links=(), follows=(), shares=False):
    """A one-column person table keyed by ``key``; ``hidden`` names withheld keys."""
    data = pd.DataFrame({"key": list(rows), "n": pd.array(list(rows.values()), dtype="Int64")})
    columns = {"key": ColumnFormat("text"), "n": ColumnFormat("number")}
    if shares:
        data["share"] = data["n"].astype(float) / float(data["n"].iloc[0])
        columns["share"] = ColumnFormat("percent")
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    mask["n"] = data["key"].isin(list(hidden)).to_numpy()
    return PublishedTable(
        name=name,
        caption=name,
        data=data,
        columns=columns,
        hidden=mask,
        person_counts=("n",),
        keys=("key",),
        rule=RULE,
        links=tuple(links),
        follows=tuple(follows),
    )


def write_folder(folder, tables, *, admit=True):
    pub = Publication(RULE.min_cell)
    tables = pub.admit(tables) if admit else tables
    if not admit:
        pub.tables = {t.name: t for t in tables}
    out = folder / "tables"
    for t in tables:
        t.write_csv(out)
    pub.write(out)
    return {t.name: t for t in tables}


def leaky_tables():
    """Composition "skilled" minus the detail rows reveals H30 = 3 (the demo's leak)."""
    composition = table(
        "composition",
        {"total": 100, "skilled": 40, "unskilled": 60},
        links=[margin("composition", "n", "total", ["skilled", "unskilled"], name="composition")],
    )
    detail = table(
        "composition_detail",
        {"total": 100, "H30": 3, "H35": 37, "H20": 52, "H10": 8, "H40": 0},
        hidden={"H30", "H20"},  # safe on its own: H30 + H20 = 55, so H30 may be 1 … 54
        links=[
            margin(
                "composition_detail",
                "n",
                "total",
                ["H30", "H35", "H20", "H10", "H40"],
                name="detail",
            ),
            same(
                Ref("composition_detail", "total", "n"),
                Ref("composition", "total", "n"),
                name="participants in both tables",
            ),
        ],
    )
    skilled = Link(
        "skilled = H30 + H35",
        Ref("composition", "skilled", "n"),
        (Ref("composition_detail", "H30", "n"), Ref("composition_detail", "H35", "n")),
    )
    return composition, dataclasses.replace(detail, links=(*detail.links, skilled))


def test_the_audit_finds_a_group_worked_out_across_two_tables(tmp_path):
    write_folder(tmp_path, leaky_tables(), admit=False)  # each table protected only on its own
    result = audit_report(tmp_path)
    assert not result.passed
    lines = [leak.line() for leak in result.leaks]
    h30 = [line for line in lines if "(H30)" in line]
    assert h30, lines
    assert "tables/composition_detail.csv, row 3 (H30), column n" in h30[0]
    assert "prove 3 persons" in h30[0]
    assert "skilled = H30 + H35" in h30[0]


def test_the_cli_lists_the_leak_and_exits_non_zero(tmp_path):
    write_folder(tmp_path, leaky_tables(), admit=False)
    result = CliRunner().invoke(app, ["audit", str(tmp_path)])
    assert result.exit_code == 1
    assert "composition_detail.csv, row 3 (H30), column n" in result.output
    assert "audit FAILED" in result.output
    as_json = json.loads(CliRunner().invoke(app, ["audit", str(tmp_path), "--json"]).output)
    assert not as_json["passed"]
    assert any(leak["key"] == "H30" for leak in as_json["leaks"])


def test_joint_protection_withholds_more_and_the_audit_then_passes(tmp_path):
    tables = write_folder(tmp_path, leaky_tables(), admit=True)
    result = audit_report(tmp_path)
    assert result.passed, [leak.line() for leak in result.leaks]
    shown = tables["composition"].as_data().set_index("key")["n"]
    detail = tables["composition_detail"].as_data().set_index("key")["n"]
    assert detail["H30"] == ".."
    assert ".." in (shown["skilled"], detail["H35"])  # one more figure had to go
    cli = CliRunner().invoke(app, ["audit", str(tmp_path)])
    assert cli.exit_code == 0 and "audit passed" in cli.output


def test_a_share_shown_beside_a_withheld_count_is_a_leak(tmp_path):
    t = table(
        "ages",
        {"total": 20, "young": 3, "old": 17},
        hidden={"young", "old"},
        shares=True,
        follows=[Follows("n", ("share",))],
    )
    write_folder(tmp_path, [t], admit=False)  # the share column was not withheld
    lines = [leak.line() for leak in audit_report(tmp_path).leaks]
    assert any("row 3 (young), column share: shown although its count" in x for x in lines)
    write_folder(tmp_path, [t], admit=True)  # admitting applies ``follows``
    assert audit_report(tmp_path).passed


def test_a_small_count_shown_is_a_leak(tmp_path):
    write_folder(tmp_path, [table("ages", {"total": 20, "young": 3, "old": 17})], admit=False)
    lines = [leak.line() for leak in audit_report(tmp_path).leaks]
    assert lines == ["tables/ages.csv, row 3 (young), column n: shows 3 persons"]


def test_publishing_is_refused_on_a_leaky_build(tmp_path):
    write_folder(tmp_path, leaky_tables(), admit=False)
    with pytest.raises(ReportError, match=r"refusing to publish.*composition_detail.csv.*H30"):
        audit_before_publishing(tmp_path)


def test_a_folder_without_a_publication_record_is_named(tmp_path):
    with pytest.raises(AuditError, match=r"no publication\.json"):
        audit_report(tmp_path)


def test_the_audit_applies_the_publications_own_threshold(tmp_path):
    # withheld 4 and 1 of a shown 5: each may be 1 … 4, safe under min_cell 3, not under 5
    t = table(
        "ages",
        {"total": 5, "young": 4, "old": 1},
        hidden={"young", "old"},
        links=[margin("ages", "n", "total", ["young", "old"], name="ages")],
    )
    for min_cell, passed in ((3, True), (5, False)):
        pub = Publication(min_cell)
        pub.tables = {"ages": t}
        t.write_csv(tmp_path / str(min_cell) / "tables")
        pub.write(tmp_path / str(min_cell) / "tables")
        assert audit_report(tmp_path / str(min_cell)).passed is passed


def quarter_folder(root, quarter, completed, *, hidden=(), earlier=None):
    """One quarter's report: completions ever (a cumulative count) by college."""
    t = dataclasses.replace(
        table(
            "completions",
            completed,
            hidden=hidden,
            links=[
                margin(
                    "completions", "n", "total", [k for k in completed if k != "total"], name="c"
                )
            ],
        ),
        cumulative=("n",),
    )
    pub = Publication(RULE.min_cell)
    pub.earlier = earlier
    pub.tables = {t.name: t for t in pub.admit([t])}
    for admitted in pub.tables.values():
        admitted.write_csv(root / quarter / "tables")
    pub.write(root / quarter / "tables")


def test_two_quarters_each_safe_alone_leak_together(tmp_path):
    # Q2 shows 40 completions at EUS1; Q3 withholds EUS1 (with EUS2, so Q3 alone is safe), but
    # Q3's total minus Q2's shows that only 3 completed anywhere in between: EUS2 grew by
    # 20 − 17 = 3 at most, and EUS1 at Q3 is 40 + (1 … 3) — a group of 1–3 persons
    quarter_folder(tmp_path, "2026Q2", {"total": 57, "EUS1": 40, "EUS2": 17})
    quarter_folder(
        tmp_path, "2026Q3", {"total": 60, "EUS1": 42, "EUS2": 18}, hidden={"EUS1", "EUS2"}
    )
    for quarter in ("2026Q2", "2026Q3"):
        assert audit_report(tmp_path / quarter).passed
    result = audit_report(tmp_path)  # reports/: every quarter a reader holds
    lines = [leak.line() for leak in result.leaks]
    assert not result.passed
    added = [x for x in lines if "added since 2026Q2" in x or "2026Q3 = 2026Q2" in x]
    assert added, lines
    assert any("2026Q3/tables/completions (derived)" in x and "(EUS1)" in x for x in lines), lines
    cli = CliRunner().invoke(app, ["audit", str(tmp_path / "2026Q2"), str(tmp_path / "2026Q3")])
    assert cli.exit_code == 1 and "2026Q3 = 2026Q2 + persons added since" in cli.output


def test_a_corrected_figure_breaks_no_cross_quarter_link(tmp_path):
    # the data were corrected: Q3's cumulative count is below Q2's, so the link is not used
    quarter_folder(tmp_path, "2026Q2", {"total": 60, "EUS1": 40, "EUS2": 20})
    quarter_folder(tmp_path, "2026Q3", {"total": 58, "EUS1": 39, "EUS2": 19})
    assert audit_report(tmp_path).passed


def test_the_report_protects_against_what_last_quarter_published(tmp_path):
    # Q3 solved against Q2's report: the persons added since Q2 (3 in all, 2 at EUS1, 1 at
    # EUS2) may not be worked out, so Q3 withholds what would give them away
    from research.report.kit.earlier import earlier_quarter

    quarter_folder(tmp_path, "2026Q2", {"total": 57, "EUS1": 40, "EUS2": 17})
    earlier = earlier_quarter(tmp_path / "2026Q2")
    assert earlier.links["completions:total:n"] == ("earlier:tables/completions:total:n", False)
    quarter_folder(tmp_path, "2026Q3", {"total": 60, "EUS1": 42, "EUS2": 18}, earlier=earlier)
    shown = pd.read_csv(tmp_path / "2026Q3" / "tables" / "completions.csv", dtype=str)
    assert ".." in set(shown["n"])
    result = audit_report(tmp_path)
    assert result.passed, [leak.line() for leak in result.leaks]


def test_a_figure_last_quarter_withheld_but_gave_away_counts_as_published(tmp_path):
    # Q2 withheld EUS2 and EAK (17 and 5: each may be 1 … 21), but Q3 shows EAK again (5,
    # unchanged) and so pins Q2's EUS2 to 17; Q3's EUS2 (18) would then show that 1 was
    # added: the report must see Q2's relations, not only its shown figures
    from research.report.kit.earlier import earlier_quarter

    before = {"total": 62, "EUS1": 40, "EUS2": 17, "EAK": 5}
    quarter_folder(tmp_path, "2026Q2", before, hidden={"EUS2", "EAK"})
    earlier = earlier_quarter(tmp_path / "2026Q2")
    after = {"total": 65, "EUS1": 42, "EUS2": 18, "EAK": 5}
    quarter_folder(tmp_path, "2026Q3", after, earlier=earlier)
    result = audit_report(tmp_path)
    assert result.passed, [leak.line() for leak in result.leaks]
    quarter_folder(tmp_path, "2026Q3", after)  # not solved against Q2: the audit finds it
    assert not audit_report(tmp_path).passed


def test_a_report_finds_the_previous_quarter_it_must_protect_against(tmp_path):
    from research.domain.period import Quarter
    from research.report.runner.run import parameters_for, with_previous

    ctx = SimpleNamespace(quarter=Quarter(2026, 3))
    assert with_previous(ctx, tmp_path, None) is ctx  # nothing published before
    quarter_folder(tmp_path, "2026Q2", {"total": 57, "EUS1": 40, "EUS2": 17})
    found = with_previous(_context(), tmp_path, None)
    assert found.earlier_dir == tmp_path / "2026Q2"
    assert parameters_for(found, None)["previous"] == str((tmp_path / "2026Q2").resolve())
    named = with_previous(_context(), tmp_path / "elsewhere", tmp_path / "2026Q2")
    assert named.earlier_dir == tmp_path / "2026Q2"  # --verify: the folder the manifest names


def test_a_skipped_quarter_still_protects_against_the_one_before_it(tmp_path):
    from research.report.runner.run import with_previous

    quarter_folder(tmp_path, "2026Q1", {"total": 57, "EUS1": 40, "EUS2": 17})
    (tmp_path / "2026Q2").mkdir()  # nothing published for Q2
    quarter_folder(tmp_path, "2026Q4", {"total": 70, "EUS1": 50, "EUS2": 20})  # later: unseen
    assert with_previous(_context(), tmp_path, None).earlier_dir == tmp_path / "2026Q1"


def _context():
    from research.domain.period import Quarter
    from research.report.kit.context import ReportContext

    return ReportContext(
        tables={},
        config=SimpleNamespace(),
        quarter=Quarter(2026, 3),
        lang="da",
        rule=RULE,
        data_date=None,
        db_path=None,
    )


def test_a_tiny_quarter_solved_as_one_when_sections_leave_nothing_to_withhold():
    from research.metrics.linked_disclosure import NoCellLeft

    total = table("a", {"total": 5})
    parts = table(
        "b",
        {"p1": 1, "p2": 4},
        links=[Link("a = b", Ref("a", "total", "n"), (Ref("b", "p1", "n"), Ref("b", "p2", "n")))],
    )
    by_section = Publication(RULE.min_cell)
    by_section.admit([total])  # shown, so fixed when the parts come
    with pytest.raises(NoCellLeft):
        by_section.admit([parts])
    as_one = Publication(RULE.min_cell)
    a, _ = as_one.admit([total, parts])
    assert a.as_data()["n"].tolist() == [".."]


def test_quarters_whose_figures_cannot_hold_together_are_not_linked(tmp_path):
    # Q3 withholds EUS1 and EUS2 but its total (50) is below what Q2 showed for them (40 + 17):
    # the data were corrected, so the quarters are audited apart, with a note saying so
    quarter_folder(tmp_path, "2026Q2", {"total": 57, "EUS1": 40, "EUS2": 17})
    quarter_folder(tmp_path, "2026Q3", {"total": 50, "EUS1": 30, "EUS2": 20}, hidden={"EUS1"})
    folder = tmp_path / "2026Q3" / "tables"
    shown = pd.read_csv(folder / "completions.csv", dtype=str)
    shown.loc[shown["key"] == "EUS2", "n"] = ".."  # as if both were withheld
    shown.to_csv(folder / "completions.csv", index=False)
    result = audit_report(tmp_path)
    assert result.passed, [leak.line() for leak in result.leaks]
    assert any("2026Q2 and 2026Q3 reports cannot both hold" in note for note in result.notes)
