"""The quarter-wide tables are the same whether the scopes are built one after the other or
side by side in forked workers (the report's parent process uses both cores for them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from research.report.kit.context import load_context
from research.report.kit.quarter import protection


def _as_compared(built: dict) -> dict:
    """Every table's shown values, withheld cells, links and zero rule, by scope and name."""
    out = {}
    for scope, sections in built.items():
        for section in sections:
            for t in section:
                hidden = None if t.hidden is None else t.hidden.to_numpy().tolist()
                out[(scope, t.name)] = (t.data.to_csv(), hidden, t.links, t.withholds_zeros)
    return out


@pytest.mark.e2e  # builds sections 1-4 for every scope twice (a report build)
def test_forked_scopes_equal_serial_ones(small_db, monkeypatch, tmp_path: Path):
    ctx = load_context(small_db, "2026Q3", "da")
    scopes = [None, *(p.partner_id for p in ctx.config.partners)]
    log = tmp_path / "built-in.txt"
    real = protection._scope_tables

    def recording(context, scope):
        with log.open("a") as f:  # a file: a forked worker's memory is not the test's
            f.write(f"{os.getpid()}\n")
        return real(context, scope)

    monkeypatch.setattr(protection, "_scope_tables", recording)
    monkeypatch.setattr(protection.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(protection.threading, "active_count", lambda: 1)
    side_by_side = protection._built_scopes(ctx, scopes)
    assert str(os.getpid()) not in log.read_text().split(), "nothing was built in a worker"
    log.unlink()
    monkeypatch.setattr(protection.os, "cpu_count", lambda: 1)
    one_by_one = protection._built_scopes(ctx, scopes)
    assert set(log.read_text().split()) == {str(os.getpid())}
    assert list(side_by_side) == scopes
    assert _as_compared(side_by_side) == _as_compared(one_by_one)


def test_a_partners_table_joins_the_quarter_with_its_links_and_its_checks_renamed():
    # a check (the job centres' sum, solved in a second pass) left with the programme's names
    # linked the programme's cells, so a partner's job centres went unprotected across
    # partners (seen at 2025Q2 made after 2025Q1, once fewer cells were withheld)
    import pandas as pd

    from research.metrics.disclosure import DisclosureRule
    from research.report.kit.formatting import ColumnFormat
    from research.report.kit.links import Ref, margin
    from research.report.kit.publish import PublishedTable

    data = pd.DataFrame({"key": ["total", "a", "b"], "n": [9, 4, 5]})
    table = PublishedTable(
        name="job_centres",
        caption="job centres",
        data=data,
        columns={"n": ColumnFormat("number")},
        person_counts=("n",),
        keys=("key",),
        rule=DisclosureRule(min_cell=5),
        links=(margin("job_centres", "n", "total", ["a", "b"], name="centres add up"),),
        checks=(margin("job_centres", "n", "total", ["a", "b"], name="centres = composition"),),
    )
    renamed = protection._renamed(table, "../EUS1/tables/")
    for link in (*renamed.links, *renamed.checks):
        assert link.name.startswith("../EUS1/tables/")
        assert link.total == Ref("../EUS1/tables/job_centres", "total", "n")
        assert {p.table for p in link.parts} == {"../EUS1/tables/job_centres"}
