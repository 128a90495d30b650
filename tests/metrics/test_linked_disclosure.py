"""Linked-table disclosure control: the interval attack and joint secondary suppression."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.metrics.linked_disclosure import (
    InconsistentPublication,
    NoCellLeft,
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


def _counting_programmes(monkeypatch) -> list[int]:
    """Count the linear and integer programmes the attack solves (work, not time)."""
    import research.metrics.linked_disclosure as module

    calls: list[int] = []
    real = module._Model.optimise

    def counted(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(module._Model, "optimise", counted)
    return calls


def test_a_large_linked_group_of_safe_cells_costs_one_programme_not_one_per_cell(monkeypatch):
    # 30 withheld parts of a published total of 300: each could hold 5 or more, so no finding,
    # and one whole solution proves that for all of them at once
    parts = [f"p{i}" for i in range(30)]
    relations = [total_relation("t", "total", parts)]
    calls = _counting_programmes(monkeypatch)
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


def _reference_attack(relations, shown, targets, min_cell, at_least_one):
    """The attack as SciPy's ``milp`` and ``linprog`` compute it, one programme per bound and
    one per set of binding relations, on each linked group (the code before HiGHS was called
    directly): what the fast path must find exactly."""
    import math

    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    import research.metrics.linked_disclosure as module

    system = module._reduce(relations, shown)
    lower_all = np.array([1.0 if u in at_least_one else 0.0 for u in system.unknowns])
    found = []
    for cells, rows in module._components(system):
        chosen = sorted(system.unknowns[k] for k in cells if system.unknowns[k] in targets)
        if not chosen or not rows:
            continue
        local = {k: i for i, k in enumerate(cells)}
        a = np.zeros((len(rows), len(cells)))
        b = np.array([system.rows[r][2] for r in rows])
        for i, r in enumerate(rows):
            for k, c in system.rows[r][1].items():
                a[i, local[k]] = c
        lower = lower_all[cells]
        names = [system.rows[r][0] for r in rows]

        def bound(i, sign, a=a, b=b, lower=lower):
            c = np.zeros(a.shape[1])
            c[i] = -sign
            res = milp(
                c,
                constraints=[LinearConstraint(a, b, b)],
                integrality=np.ones(a.shape[1]),
                bounds=Bounds(lower, np.full(a.shape[1], np.inf)),
            )
            return math.inf if res.status != 0 else float(np.round(res.x[i], 6))

        for name in chosen:
            i = local[system.unknowns.index(name)]
            high = bound(i, 1.0)
            if high < 0.5 or high >= min_cell - 1e-6:
                continue
            c = np.zeros(a.shape[1])
            c[i] = -1.0
            lp = linprog(c, A_eq=a, b_eq=b, bounds=[(v, None) for v in lower], method="highs")
            duals = lp.eqlin.marginals
            used = [n for n, d in zip(names, duals, strict=True) if abs(d) > 1e-6]
            relations_used = tuple(dict.fromkeys(used)) or tuple(dict.fromkeys(names))
            found.append((name, bound(i, -1.0), high, relations_used))
    return found


@pytest.mark.validation  # a property check: 80 random linked tables, each attacked twice
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(linked_tables(), st.sampled_from([3, 5]), st.data())
def test_the_attack_finds_exactly_what_scipys_milp_and_linprog_find(case, min_cell, data):
    # the model is passed to HiGHS once per linked group and the linear relaxation is tried
    # first: same intervals and same binding relations as one SciPy call per programme
    values, relations = case
    cells = sorted({c for r in relations for c in r.cells()})
    hidden = set(data.draw(st.lists(st.sampled_from(cells), unique=True, max_size=len(cells))))
    shown = {c: v for c, v in values.items() if c not in hidden}
    at_least_one = {c for c in hidden if values.get(c, 0) > 0}
    targets = set(cells) - set(shown)
    fast = attack(relations, shown, targets, min_cell, withheld_at_least_one=at_least_one)
    assert [(f.cell, f.low, f.high, f.relations) for f in fast] == _reference_attack(
        relations, shown, targets, min_cell, at_least_one
    )


def test_without_lows_the_findings_are_the_same_but_for_the_lower_bound():
    relations = [total_relation("skilled", "skilled", ["H30", "H35"])]
    shown = {"skilled": 40, "H35": 37}
    full = attack(relations, shown, ["H30"], 5, withheld_at_least_one=["H30"])
    quick = attack(relations, shown, ["H30"], 5, withheld_at_least_one=["H30"], lows=False)
    assert [(f.cell, f.high, f.relations) for f in quick] == [
        (f.cell, f.high, f.relations) for f in full
    ]
    assert all(math.isnan(f.low) for f in quick)


def test_a_group_once_proved_safe_is_not_attacked_again(monkeypatch):
    # protect withholds more each round, which only widens intervals: what reached min_cell
    # once still does, so the second attack solves nothing for it
    relations = [total_relation("t", "total", ["a", "b"])]
    safe: set[str] = set()
    assert (
        attack(relations, {"total": 20}, ["a", "b"], 5, withheld_at_least_one="ab", safe=safe) == []
    )
    assert safe == {"a", "b"}
    calls = _counting_programmes(monkeypatch)
    assert (
        attack(relations, {"total": 20}, ["a", "b"], 5, withheld_at_least_one="ab", safe=safe) == []
    )
    assert calls == []


def test_a_group_nothing_can_protect_stops_at_once_instead_of_withholding_everything_else():
    # the 2025Q1 stall: a total fixed by an earlier section and its other part fixed pin a
    # sensitive cell, so nothing in its linked group is left to withhold. Withholding figures
    # elsewhere cannot widen its interval; it used to withhold them one per round (each round
    # re-attacking the whole publication) until none were left, thousands of rounds on a real
    # quarter. Bounded by rounds, not time: 3 rounds were far from enough before.
    values = {"total": 12, "small": 2, "big": 10}
    relations = [total_relation("pinned", "total", ["small", "big"])]
    for i in range(40):  # unrelated tables with cells that could be withheld
        values |= {f"t{i}": 30 + i, f"x{i}": 10 + i, f"y{i}": 20}
        relations.append(total_relation(f"other {i}", f"t{i}", [f"x{i}", f"y{i}"]))
    with pytest.raises(NoCellLeft, match="small"):
        protect(values, relations, values.keys(), 5, fixed=["total", "big"], max_rounds=3)


def test_a_cache_kept_across_calls_skips_unchanged_groups_and_only_those(monkeypatch):
    # a publication protects section after section, each time attacking everything admitted
    # so far: a linked group with the very same equations is not attacked again, but one
    # whose published figures changed is (its right-hand side is part of the key)
    relations = [total_relation("t", "total", ["a", "b"]), total_relation("u", "sum", ["c", "d"])]
    cache: dict = {}
    first = attack(relations, {"total": 7, "a": 3, "sum": 20}, ["b", "c", "d"], 5, cache=cache)
    assert [f.cell for f in first] == ["b"]
    calls = _counting_programmes(monkeypatch)
    again = attack(relations, {"total": 7, "a": 3, "sum": 20}, ["b", "c", "d"], 5, cache=cache)
    assert again == first and calls == []
    moved = attack(relations, {"total": 9, "a": 3, "sum": 20}, ["b", "c", "d"], 5, cache=cache)
    assert moved == [] and calls  # total 9 − 3 = 6 persons: b is safe now, and solved anew
    protection = protect(
        {"total": 7, "a": 3, "b": 4, "sum": 20, "c": 12, "d": 8},
        relations,
        ["a", "b", "c", "d"],
        5,
        cache=cache,
    )
    assert (
        protection.withheld
        == protect(
            {"total": 7, "a": 3, "b": 4, "sum": 20, "c": 12, "d": 8},
            relations,
            ["a", "b", "c", "d"],
            5,
        ).withheld
    )
