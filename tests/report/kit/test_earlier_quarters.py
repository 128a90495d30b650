"""The report protects against every earlier quarter published beside it, not only the last."""

from __future__ import annotations

import dataclasses

import pandas as pd

from research.metrics.disclosure import DisclosureRule
from research.metrics.linked_disclosure import Relation
from research.report.kit.audit import audit_report
from research.report.kit.earlier import (
    earlier_folders,
    earlier_quarter,
    latest_published_before,
    reaching,
)
from research.report.kit.formatting import ColumnFormat
from research.report.kit.links import margin
from research.report.kit.publication import Publication
from research.report.kit.publish import PublishedTable

RULE = DisclosureRule(min_cell=5)


def _table(name: str, values: dict[str, int], hidden=(), links=(), cumulative=()) -> PublishedTable:
    """A table of persons by key, ``hidden`` keys withheld."""
    data = pd.DataFrame({"key": list(values), "n": list(values.values())})
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    mask["n"] = data["key"].isin(set(hidden)).to_numpy()
    return PublishedTable(
        name=name,
        caption=name,
        data=data,
        columns={"n": ColumnFormat("number")},
        hidden=mask,
        person_counts=("n",),
        keys=("key",),
        rule=RULE,
        links=tuple(links),
        cumulative=tuple(cumulative),
    )


def completions(values: dict[str, int], hidden: set[str]) -> PublishedTable:
    """Completions ever (cumulative) by college, with their total."""
    parts = [k for k in values if k != "total"]
    link = margin("completions", "n", "total", parts, name="colleges add up")
    return _table("completions", values, hidden, [link], cumulative=("n",))


def publish(root, quarter: str, values: dict[str, int], hidden=(), earlier=None) -> None:
    pub = Publication(RULE.min_cell)
    pub.earlier = earlier
    for table in pub.admit([completions(values, set(hidden))]):
        table.write_csv(root / quarter / "tables")
    pub.write(root / quarter / "tables")


def shown(root, quarter: str) -> dict[str, str]:
    frame = pd.read_csv(root / quarter / "tables" / "completions.csv", dtype=str)
    return dict(zip(frame["key"], frame["n"], strict=True))


def test_a_quarter_two_back_is_protected_against(tmp_path):
    # Q1 showed 38 completions at EUS1. Q2 withheld EUS1 (40) and EUS2: against Q1 alone it
    # may be 38 … 45. Q3 shows EUS1 = 40 again: with Q1 that pins both the completions
    # added at EUS1 between Q1 and Q2 and those between Q2 and Q3 to 0 … 2. Read only Q2
    # (before: the quarter just before), Q2's EUS1 could be 1 … 56 and Q3 showed it
    publish(tmp_path, "2026Q1", {"total": 50, "EUS1": 38, "EUS2": 12})
    q1 = earlier_quarter(tmp_path / "2026Q1")
    publish(tmp_path, "2026Q2", {"total": 57, "EUS1": 40, "EUS2": 17}, {"EUS1", "EUS2"}, q1)
    assert audit_report(tmp_path).passed  # Q1 and Q2 together are safe

    q3 = {"total": 65, "EUS1": 40, "EUS2": 25}
    earlier = earlier_quarter(tmp_path / "2026Q2")
    assert earlier.quarters == ("2026Q1", "2026Q2")
    publish(tmp_path, "2026Q3", q3, (), earlier)
    assert ".." in shown(tmp_path, "2026Q3").values()
    result = audit_report(tmp_path)  # every quarter a reader holds
    assert result.passed, [leak.line() for leak in result.leaks]


def test_against_the_last_quarter_only_the_audit_of_all_quarters_fails(tmp_path):
    # the same three quarters, Q3 solved against Q2's folder alone (as before)
    publish(tmp_path, "2026Q1", {"total": 50, "EUS1": 38, "EUS2": 12})
    q1 = earlier_quarter(tmp_path / "2026Q1")
    publish(tmp_path, "2026Q2", {"total": 57, "EUS1": 40, "EUS2": 17}, {"EUS1", "EUS2"}, q1)
    alone = tmp_path / "alone"
    (alone / "2026Q2").parent.mkdir()
    (tmp_path / "2026Q2").rename(alone / "2026Q2")
    last_only = earlier_quarter(alone / "2026Q2")
    assert last_only.quarters == ("2026Q2",)
    (alone / "2026Q2").rename(tmp_path / "2026Q2")
    publish(tmp_path, "2026Q3", {"total": 65, "EUS1": 40, "EUS2": 25}, (), last_only)
    assert not audit_report(tmp_path).passed


def test_the_folders_read_are_every_earlier_quarter_that_published(tmp_path):
    for quarter in ("2025Q4", "2026Q1", "2026Q3"):
        publish(tmp_path, quarter, {"total": 50, "EUS1": 38, "EUS2": 12})
    (tmp_path / "2026Q2").mkdir()  # made but empty: nothing published
    (tmp_path / "notes").mkdir()
    names = [f.name for f in earlier_folders(tmp_path / "2026Q2")]
    assert names == ["2025Q4", "2026Q1"]  # never a later quarter
    assert latest_published_before(tmp_path, "2026Q3") == tmp_path / "2026Q1"
    assert latest_published_before(tmp_path, "2025Q4") is None
    assert [f.name for f in earlier_folders(tmp_path / "notes")] == []


def test_only_relations_a_figure_of_this_quarter_reaches_are_kept():
    relations = [
        Relation("a", (("x", 1), ("y", -1), ("z", -1))),  # x linked; y, z withheld
        Relation("b", (("z", 1), ("w", -1))),  # reached through z
        Relation("c", (("p", 1), ("q", -1))),  # withheld, but nothing reaches it
        Relation("d", (("s", 1), ("t", -1))),  # every figure shown
    ]
    kept = reaching(relations, known={"s", "t"}, start=["x"])
    assert [r.name for r in kept] == ["a", "b"]


def test_an_unrelated_table_of_an_earlier_quarter_is_left_out(tmp_path):
    publish(tmp_path, "2026Q1", {"total": 50, "EUS1": 38, "EUS2": 12})
    other = dataclasses.replace(
        completions({"total": 30, "A": 27, "B": 3}, {"A", "B"}), name="other", cumulative=()
    )
    other = dataclasses.replace(
        other, links=(margin("other", "n", "total", ["A", "B"], name="other adds up"),)
    )
    pub = Publication(RULE.min_cell)
    pub.tables = {"other": other}
    publish(tmp_path, "2026Q2", {"total": 57, "EUS1": 40, "EUS2": 17}, {"EUS1", "EUS2"})
    other.write_csv(tmp_path / "2026Q2" / "other")
    pub.write(tmp_path / "2026Q2" / "other")
    earlier = earlier_quarter(tmp_path / "2026Q2")
    names = " ".join(r.name for r in earlier.relations)
    assert "colleges add up" in names
    assert "other adds up" not in names  # not a cumulative count: nothing links it


def test_the_cache_key_changes_with_any_earlier_quarter(tmp_path):
    from research.report.kit.earlier import fingerprint

    publish(tmp_path, "2026Q1", {"total": 50, "EUS1": 38, "EUS2": 12})
    publish(tmp_path, "2026Q2", {"total": 57, "EUS1": 40, "EUS2": 17}, {"EUS1", "EUS2"})
    before = fingerprint(tmp_path / "2026Q2")
    publish(tmp_path, "2026Q1", {"total": 50, "EUS1": 37, "EUS2": 13})  # two quarters back
    changed = fingerprint(tmp_path / "2026Q2")
    assert changed != before
    publish(tmp_path, "2026Q3", {"total": 65, "EUS1": 40, "EUS2": 25})  # a later quarter
    assert fingerprint(tmp_path / "2026Q2") == changed  # is not read


def _publish_tables(root, quarter: str, tables, earlier=None) -> None:
    pub = Publication(RULE.min_cell)
    pub.earlier = earlier
    for table in pub.admit(tables):
        table.write_csv(root / quarter / "tables")
    pub.write(root / quarter / "tables")


def test_a_group_an_earlier_quarter_withheld_stays_protected_through_its_own_relations(
    tmp_path,
):
    # Q2 withheld X (44 = P + Q) and P (4, beside Q = 40). Q3 shows Q2's figure X again (a
    # past quarter's row): with Q2's own relation X = P + Q that proves P = 4. P is linked to
    # nothing of Q3, so the report must know it is a group of persons to protect.
    from research.report.kit.links import Link, Ref

    x, p, q = Ref("series", "x/2026Q2", "n"), Ref("parts", "P", "n"), Ref("parts", "Q", "n")
    x_parts = Link("X = P + Q", x, (p, q))
    u_parts = Link("U = X + V", Ref("all", "U", "n"), (x, Ref("all", "V", "n")))
    _publish_tables(
        tmp_path,
        "2026Q2",
        [
            _table("all", {"U": 60, "V": 16}, {"V"}, [u_parts]),
            _table("series", {"x/2026Q2": 44}, {"x/2026Q2"}),
            _table("parts", {"P": 4, "Q": 40}, {"P"}, [x_parts]),
        ],
    )
    earlier = earlier_quarter(tmp_path / "2026Q2")
    _publish_tables(
        tmp_path, "2026Q3", [_table("series", {"x/2026Q2": 44, "x/2026Q3": 50})], earlier
    )
    result = audit_report(tmp_path)
    assert result.passed, [leak.line() for leak in result.leaks]
