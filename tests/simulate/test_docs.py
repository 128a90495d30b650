"""docs/simulation.md shows exactly the values in truth.py."""

from __future__ import annotations

from pathlib import Path

from research.simulate.truth import (
    COMPLETION,
    EMPLOYMENT,
    PANEL,
    is_counted_participant,
    truth_markdown,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "simulation.md"


def test_generated_tables_match_truth() -> None:
    text = DOC.read_text(encoding="utf-8")
    begin, end = "<!-- truth:begin -->\n", "<!-- truth:end -->"
    block = text[text.index(begin) + len(begin) : text.index(end)]
    assert block == truth_markdown(), "regenerate the tables: see docs/simulation.md"


def test_formulas_in_the_text_use_the_true_values() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert f"η = {COMPLETION.intercept:g} + route" in text
    assert f"{COMPLETION.prep_x_below_02:g}·prep·below02" in text
    assert f"recovers τ = {EMPLOYMENT.tau:g}" in text
    assert f"{PANEL.effect_pp_per_year:g}·(t − F_i + 1)" in text


def test_side_effect_only_people_are_not_counted() -> None:
    assert not is_counted_participant({"side_effect"})
    assert is_counted_participant({"side_effect", "preparatory"})


def test_fixed_lists_have_the_documented_sizes() -> None:
    from research.simulate.catalogue import CMO_OBSERVATIONS
    from research.simulate.organisation import EXTERNAL_PROJECTS
    from research.simulate.truth import POPULATIONS

    assert len(EXTERNAL_PROJECTS) == POPULATIONS.external_projects
    assert len(CMO_OBSERVATIONS) == POPULATIONS.cmo_observations
