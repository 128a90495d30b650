"""The demo's first quarter, whose quarter-wide protection never finished (issue 16).

2025Q1 is the programme's first quarter: one partner has a single participant, so its
composition cells are pinned through totals that sections 1-3 already published, and the
solver withheld the publication's zeros one per round of the whole attack (hundreds of rounds
of seconds each; over 12 CPU minutes unfinished). Bounded by rounds, never by time: with at
most ``ROUNDS`` rounds per ``protect`` call the old solver stopped with "did not converge".
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import pytest

from research.metrics import linked_disclosure
from research.report.kit import publication
from research.report.kit.context import load_context
from research.report.kit.quarter import protection
from research.simulate import simulate

pytestmark = pytest.mark.validation  # the scale-1 demo programme and seven scopes' tables

ROUNDS = 30  # each protect call of the demo's quarters needs at most a handful


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory, default_config) -> Path:
    """The demo database as `research simulate` makes it (seed 2025, scale 1, to 2026Q3)."""
    path = tmp_path_factory.mktemp("demo") / "workbench.duckdb"
    simulate(path, default_config, seed=2025, scale=1.0, until=date(2026, 9, 30))
    return path


def test_the_first_quarter_is_protected_in_a_bounded_number_of_rounds(demo_db, monkeypatch):
    calls: list[int] = []
    bounded = functools.partial(linked_disclosure.protect, max_rounds=ROUNDS)

    def counted(*args, **kwargs):
        calls.append(1)
        return bounded(*args, **kwargs)

    monkeypatch.setattr(publication, "protect", counted)
    monkeypatch.setattr(protection, "_cache_path", lambda _ctx: None)
    ctx = load_context(demo_db, "2025Q1", "da")
    solution = protection.quarter_solution(ctx)
    assert calls, "the quarter-wide protection ran no solver"
    programme = solution["scopes"][""]
    assert programme["preset"], "the first quarter's small groups are withheld"
    assert set(solution["scopes"]) == {"", *(p.partner_id for p in ctx.config.partners)}
