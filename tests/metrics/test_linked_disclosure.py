"""Linked-table disclosure control: the interval attack and joint secondary suppression."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.metrics.linked_disclosure import (
    InconsistentPublication,
    Relation,
    attack,
    protect,
    total_relation,
)


def test_a_part_withheld_alone_is_worked_out_from_its_total():
    relations = [total_relation("skilled", "skilled", ["H30", "H35"])]
    found = attack(relations, {"skilled": 40, "H35": 37}, ["H30"], 5, withheld_at_least_one=["H30"])
    assert [(f.cell, f.low, f.high, f.relations) for f in found] == [
        ("H30", 3.0, 3.0, ("skilled",))
    ]


def test_two_withheld_parts_of_a_public_total_still_leak_when_their_sum_is_small():
    # the trap of the "two per line" rule: 1 + 2 = 3 is provable
    relations = [total_relation("t", "total", ["a", "b", "c"])]
    found = attack(
        relations, {"total": 23, "c": 20}, ["a", "b"], 5, withheld_at_least_one=["a", "b"]
    )
    assert {f.cell for f in found} == {"a", "b"}
    assert all(f.high == 2 for f in found)


def test_a_derived_group_across_two_tables_is_found():
    # ESF CO05 (employed incl. self-employed) minus composition "employed" = 4 self-employed
    relations = [
        total_relation("CO05 = employed + self-employed", "CO05", ["employed", "self"]),
        total_relation("composition: status", "total", ["employed", "self", "unemployed"]),
    ]
    shown = {"CO05": 104, "employed": 100, "total": 150, "unemployed": 46}
    found = attack(relations, shown, ["self"], 5, withheld_at_least_one=["self"])
    assert [(f.cell, f.low, f.high) for f in found] == [("self", 4.0, 4.0)]
    assert set(found[0].relations) <= {r.name for r in relations}


def test_a_chain_difference_is_a_derived_cell():
    # funnel steps 57 and 55: 2 lost between them, although neither step is small
    relations = [total_relation("funnel", "s1", ["s2", "lost"])]
    found = attack(relations, {"s1": 57, "s2": 55}, ["lost"], 5)
    assert [(f.cell, f.high) for f in found] == [("lost", 2.0)]


def test_nobody_is_not_a_disclosure_and_an_open_interval_protects():
    relations = [total_relation("t", "total", ["a", "b"])]
    assert attack(relations, {"total": 7, "a": 7}, ["b"], 5) == []  # b is exactly 0
    found = attack(relations, {"total": 9}, ["a", "b"], 5, withheld_at_least_one=["a", "b"])
    assert found == []  # each of a, b may be 1 … 8: both can reach 5


def test_inconsistent_published_figures_are_refused():
    with pytest.raises(InconsistentPublication, match="t"):
        attack([total_relation("t", "total", ["a", "b"])], {"total": 9, "a": 3, "b": 3}, [], 5)


def test_integrality_is_used():
    # 2x = total − rest: the LP would allow x = 4.5 ≥ … but whole numbers keep x ≤ 4
    relations = [Relation("double", (("total", 1), ("x", -2), ("y", -1)))]
    found = attack(relations, {"total": 9}, ["x"], 5, withheld_at_least_one=["x", "y"])
    assert [(f.cell, f.high) for f in found] == [("x", 4.0)]


def test_protect_adds_the_smallest_complement_and_then_the_attack_passes():
    values = {"total": 40, "H30": 3, "H35": 30, "H40": 7}
    relations = [total_relation("skilled", "total", ["H30", "H35", "H40"])]
    result = protect(values, relations, values.keys(), 5)
    assert result.withheld == {"H30", "H40"}
    assert result.added == ("H40",)
    shown = {c: v for c, v in values.items() if c not in result.withheld}
    assert attack(relations, shown, result.withheld, 5, withheld_at_least_one=result.withheld) == []


def test_protect_works_across_tables_and_never_hides_zeros_or_fixed_cells():
    values = {"CO05": 104, "employed": 100, "self": 4, "total": 150, "unemployed": 46, "none": 0}
    relations = [
        total_relation("CO05", "CO05", ["employed", "self"]),
        total_relation("status", "total", ["employed", "self", "unemployed", "none"]),
    ]
    result = protect(values, relations, values.keys(), 5, fixed=["total"])
    assert "self" in result.withheld and "none" not in result.withheld
    assert "total" not in result.withheld
    shown = {c: v for c, v in values.items() if c not in result.withheld}
    assert attack(relations, shown, result.withheld, 5, withheld_at_least_one=result.withheld) == []


@st.composite
def linked_tables(draw):
    """Two one-way tables of the same population, one finer than the other, plus a funnel."""
    n_coarse = draw(st.integers(2, 4))
    fine: dict[str, int] = {}
    coarse: dict[str, int] = {}
    relations = []
    for i in range(n_coarse):
        parts = draw(st.lists(st.integers(0, 9), min_size=1, max_size=3))
        names = [f"fine{i}.{j}" for j in range(len(parts))]
        fine.update(zip(names, parts, strict=True))
        coarse[f"coarse{i}"] = sum(parts)
        relations.append(total_relation(f"coarse{i} = its fine groups", f"coarse{i}", names))
    total = sum(coarse.values())
    relations.append(total_relation("coarse table", "total", list(coarse)))
    steps = sorted(draw(st.lists(st.integers(0, total), min_size=2, max_size=4)), reverse=True)
    steps[0] = total
    funnel = {f"step{k}": v for k, v in enumerate(steps)}
    for k in range(len(steps) - 1):
        relations.append(total_relation(f"step {k}", f"step{k}", [f"step{k + 1}", f"lost{k}"]))
    values = {"total": total, **coarse, **fine, **funnel}
    return values, relations


@pytest.mark.validation  # a property check: 60 random linked tables, each attacked
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linked_tables(), st.sampled_from([3, 5]))
def test_whatever_protect_withholds_passes_the_attack(case, min_cell):
    values, relations = case
    everything = {c for r in relations for c in r.cells()} | set(values)
    result = protect(values, relations, everything, min_cell)
    shown = {c: v for c, v in values.items() if c not in result.withheld}
    assert not any(0 < v < min_cell for v in shown.values())
    targets = {c for r in relations for c in r.cells()} - set(shown)
    assert attack(relations, shown, targets, min_cell, withheld_at_least_one=result.withheld) == []
    assert not any(values[c] == 0 for c in result.withheld)


def test_a_zero_is_withheld_only_when_nothing_else_is_left_and_its_table_says_so():
    # a total of 7 published elsewhere (fixed) and four non-zero groups all withheld: with
    # zeros shown, each withheld group is 1 … 4; only withholding a zero (and saying that the
    # table's withheld cells may be 0) opens the intervals
    values = {"total": 7, "a": 2, "b": 2, "c": 1, "d": 2, "e": 0}
    groups = {c: "industry" for c in values} | {"total": "progress"}
    relations = [total_relation("industry", "total", ["a", "b", "c", "d", "e"])]
    result = protect(values, relations, values.keys(), 5, fixed=["total"], groups=groups)
    assert "e" in result.withheld
    assert result.zeros_withheld_in == {"industry"}
    shown = {c: v for c, v in values.items() if c not in result.withheld}
    assert attack(relations, shown, result.withheld, 5) == []


def _counting_milp(monkeypatch) -> list[int]:
    """Count the integer programmes the attack solves (a measure of work, not of time)."""
    import scipy.optimize

    calls: list[int] = []
    real = scipy.optimize.milp

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(scipy.optimize, "milp", counted)  # imported where it is used
    return calls


def test_a_large_linked_group_of_safe_cells_costs_one_programme_not_one_per_cell(monkeypatch):
    # 30 withheld parts of a published total of 300: each could hold 5 or more, so no finding,
    # and one whole solution proves that for all of them at once
    parts = [f"p{i}" for i in range(30)]
    relations = [total_relation("t", "total", parts)]
    calls = _counting_milp(monkeypatch)
    found = attack(relations, {"total": 300}, parts, 5, withheld_at_least_one=parts)
    assert found == []
    assert len(calls) <= 2


@pytest.mark.validation  # a property check over hundreds of generated cases
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linked_tables(), st.sampled_from([3, 5]), st.data())
def test_screening_finds_exactly_what_one_programme_per_cell_finds(case, min_cell, data):
    import research.metrics.linked_disclosure as module

    values, relations = case
    cells = sorted({c for r in relations for c in r.cells()})
    hidden = set(data.draw(st.lists(st.sampled_from(cells), unique=True, max_size=len(cells))))
    shown = {c: v for c, v in values.items() if c not in hidden}
    at_least_one = {c for c in hidden if values.get(c, 0) > 0}
    targets = set(cells) - set(shown)
    screened = attack(relations, shown, targets, min_cell, withheld_at_least_one=at_least_one)
    saved = module._SCREEN_FROM
    module._SCREEN_FROM = 10**9  # no screening: every target solved on its own
    try:
        one_by_one = attack(relations, shown, targets, min_cell, withheld_at_least_one=at_least_one)
    finally:
        module._SCREEN_FROM = saved
    assert screened == one_by_one
