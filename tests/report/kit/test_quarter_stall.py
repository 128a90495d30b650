"""The demo's first quarters, whose quarter-wide protection never finished (issues 16 and 10).

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
from research.report.runner.batch import run_partner_reports
from research.report.runner.run import run_report
from research.simulate import simulate

pytestmark = pytest.mark.validation  # the scale-1 demo programme and seven scopes' tables

ROUNDS = 30  # each protect call of the demo's quarters needs at most a handful
SECOND_QUARTER_ROUNDS = 10  # the old solver: 43 rounds to NoCellLeft, then over 71 more


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


@pytest.fixture(scope="module")
def first_quarter_published(demo_db, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2025Q1 as a reader holds it: the programme's report and every partner's."""
    out = tmp_path_factory.mktemp("reports")
    run_report("2025Q1", demo_db, "da", out=out)
    partners = [p.partner_id for p in load_context(demo_db, "2025Q1", "da").config.partners]
    outcomes = run_partner_reports(
        partners,
        quarter="2025Q1",
        db=demo_db,
        lang="da",
        out=out,
        min_cell=None,
        config=None,
        progress=False,
    )
    assert [o.error for o in outcomes if o.error] == []
    return out / "2025Q1"


def test_the_second_quarter_against_the_first_and_its_partners_takes_few_rounds(
    demo_db, first_quarter_published, monkeypatch
):
    # 2025Q2 made after 2025Q1 with its partner reports (issue 10): one linked group of about
    # 1,500 cells took one pick per round (2-3 s each), ended in NoCellLeft after ~43 rounds,
    # and the four-sections-as-one fallback was still at round ~71 when stopped. The
    # protection subproblem withholds a set per finding and round, and proves at once when
    # nothing can protect a group.
    rounds: list[int] = []
    real_attack = linked_disclosure.attack

    def counted_attack(*args, **kwargs):
        rounds.append(1)
        return real_attack(*args, **kwargs)

    monkeypatch.setattr(linked_disclosure, "attack", counted_attack)
    bounded = functools.partial(linked_disclosure.protect, max_rounds=SECOND_QUARTER_ROUNDS)
    monkeypatch.setattr(publication, "protect", bounded)
    monkeypatch.setattr(protection, "_cache_path", lambda _ctx: None)
    ctx = load_context(demo_db, "2025Q2", "da", previous=first_quarter_published)
    solution = protection.quarter_solution(ctx)
    assert rounds, "the quarter-wide protection attacked nothing"
    assert solution["scopes"][""]["preset"], "the second quarter's small groups are withheld"
    assert set(solution["scopes"]) == {"", *(p.partner_id for p in ctx.config.partners)}
