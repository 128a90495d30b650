"""A table whose zeros the first pass of ``Publication.admit`` withholds says so, whatever the
second pass (the ``checks`` links) adds: else a reader, and the next report's solver, take its
withheld cells for at least 1 each, which the figures contradict (the demo's 2025Q1 report
stopped on "no table is consistent with the published figures")."""

from __future__ import annotations

import dataclasses

from research.report.kit.audit import audit_report
from research.report.kit.links import Link, Ref
from research.report.kit.publication import Publication
from tests.report.kit.test_audit import RULE, table


def test_zeros_withheld_by_the_first_pass_are_declared_after_the_checks(tmp_path):
    publication = Publication(RULE.min_cell)
    (progress,) = publication.admit([table("progress", {"total": 7})])  # published: fixed
    parts = {"a": 2, "b": 2, "c": 1, "d": 2, "e": 0}
    industry = table(
        "industry",
        parts,
        links=[
            Link(
                "industry adds up",
                Ref("progress", "total", "n"),
                tuple(Ref("industry", key, "n") for key in parts),
            )
        ],
    )
    check = Link("industry a as itself", Ref("industry", "a", "n"), (Ref("industry", "a", "n"),))
    (admitted,) = publication.admit([dataclasses.replace(industry, checks=(check,))])
    assert admitted._mask()["n"].all()  # the four small groups and the zero
    assert admitted.withholds_zeros
    for t in (progress, admitted):
        t.write_csv(tmp_path / "tables")
    publication.write(tmp_path / "tables")
    result = audit_report(tmp_path)
    assert result.passed, [leak.line() for leak in result.leaks]
