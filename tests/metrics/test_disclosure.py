"""Disclosure control (domain-facts.md §6): small cells hidden, and totals never give them away."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.config import load_programme_config
from research.errors import ConfigError
from research.metrics.disclosure import (
    MARKER,
    CellBounds,
    DisclosureRule,
    audit,
    protection_failures,
    suppress_chain,
    suppress_counts,
    suppress_rates,
    suppress_series,
    suppress_tidy,
)

T = "I alt"
RULE3, RULE5 = DisclosureRule(min_cell=3), DisclosureRule(min_cell=5)


def with_margins(table: pd.DataFrame) -> pd.DataFrame:
    full = table.copy()
    full[T] = full.sum(axis=1)
    full.loc[T] = full.sum(axis=0)
    return full


def hidden_cells(mask: pd.DataFrame | pd.Series) -> set:
    stacked = mask.stack() if isinstance(mask, pd.DataFrame) else mask
    return set(stacked[stacked].index)


# --------------------------------------------------------------------------------------------
# The rule


def test_rule_defaults_follow_danish_practice():
    rule = DisclosureRule()
    assert (rule.min_cell, rule.suppress_zeros, rule.lower_bound) == (5, False, 1)
    assert [rule.is_sensitive(n) for n in (0, 1, 4, 5)] == [False, True, True, False]
    assert DisclosureRule(suppress_zeros=True).is_sensitive(0)


@pytest.mark.parametrize("bad", [2, 0, -5])
def test_rule_refuses_thresholds_below_the_floor(bad):
    with pytest.raises(ConfigError, match="at least 3"):
        DisclosureRule(min_cell=bad)


@pytest.mark.parametrize("bad", [True, 5.0, "5"])
def test_rule_refuses_non_integer_thresholds(bad):
    with pytest.raises(ConfigError, match="whole number"):
        DisclosureRule(min_cell=bad)


def test_rule_from_the_built_in_config():
    assert DisclosureRule.from_config(load_programme_config()).min_cell == 5


# --------------------------------------------------------------------------------------------
# Hand-worked two-way tables
#
#            A    B    C | I alt
#     r1     2    9   14 |   25
#     r2     7    6   11 |   24
#     r3    12   10    4 |   26
#     I alt 21   25   29 |   75

TABLE = pd.DataFrame(
    [[2, 9, 14], [7, 6, 11], [12, 10, 4]], index=["r1", "r2", "r3"], columns=["A", "B", "C"]
)


def test_one_small_cell_and_its_complements_min_cell_3():
    # Only (r1, A) = 2 is sensitive. Row r1: the smallest other cell is (r1, B) = 9; column A:
    # (r2, A) = 7. Row r2 and column B now have one hidden cell each; (r2, B) = 6 closes both.
    # The rectangle: a + b = 25 - 14 = 11, a + c = 21 - 12 = 9, c + d = 24 - 11 = 13; with all
    # four ≥ 1 the reader only knows a ∈ [1, 8].
    result = suppress_counts(TABLE, RULE3)
    assert hidden_cells(result.mask) == {("r1", "A"), ("r1", "B"), ("r2", "A"), ("r2", "B")}
    bounds = {(b.row, b.col): (b.low, b.high) for b in audit(result, RULE3)}
    assert bounds == {
        ("r1", "A"): (1, 8),
        ("r1", "B"): (3, 10),
        ("r2", "A"): (1, 8),
        ("r2", "B"): (5, 12),
    }
    assert protection_failures(result) == []
    # totals stay right and are all published
    truth = with_margins(TABLE)
    assert result.values[T].tolist() == truth[T].tolist()
    assert result.values.loc[T].tolist() == truth.loc[T].tolist()
    assert result.values.at["r3", "C"] == 4  # 4 is fine when the threshold is 3


def test_min_cell_5_gives_a_different_pattern():
    # Now (r3, C) = 4 is sensitive too. Lines are closed in order: row r1 takes (r1, B) = 9,
    # row r3 takes (r3, B) = 10, column A takes (r2, A) = 7, column C takes (r2, C) = 11: a
    # six-cell cycle. With a = (r1, A): b = 11 - a, d = 8 + a, f = (r3, C) = 6 - a,
    # e = 9 + a, c = 9 - a, and every hidden cell ≥ 1 gives a ∈ [1, 5] and f ∈ [1, 5]: both
    # ranges reach 5, so the table cannot prove either group is small.
    result = suppress_counts(TABLE, RULE5)
    assert hidden_cells(result.mask) == {
        ("r1", "A"),
        ("r1", "B"),
        ("r2", "A"),
        ("r2", "C"),
        ("r3", "B"),
        ("r3", "C"),
    }
    bounds = {(b.row, b.col): (b.low, b.high) for b in audit(result, RULE5)}
    assert bounds[("r1", "A")] == (1, 5)
    assert bounds[("r3", "C")] == (1, 5)
    assert protection_failures(result) == []
    assert hidden_cells(result.mask) != hidden_cells(suppress_counts(TABLE, RULE3).mask)


#            A    B    C | I alt
#     r1     0   12   15 |   27
#     r2     3    8   20 |   31
#     r3     9   11    7 |   27
ZERO_TABLE = pd.DataFrame(
    [[0, 12, 15], [3, 8, 20], [9, 11, 7]], index=["r1", "r2", "r3"], columns=["A", "B", "C"]
)


def test_a_true_zero_is_published_and_never_used_as_a_complement():
    # (r2, A) = 3 is sensitive. Column A cannot use the 0 (a hidden cell is known to be ≥ 1,
    # so hiding a 0 would protect nothing and mislead), so it takes (r3, A) = 9; row r2 takes
    # (r2, B) = 8 and column B (r3, B) = 11.
    result = suppress_counts(ZERO_TABLE, RULE5)
    assert hidden_cells(result.mask) == {("r2", "A"), ("r2", "B"), ("r3", "A"), ("r3", "B")}
    assert result.values.at["r1", "A"] == 0
    assert result.display.at["r1", "A"] == "0"
    assert protection_failures(result) == []


def test_zeros_can_be_treated_as_sensitive():
    rule = DisclosureRule(min_cell=5, suppress_zeros=True)
    result = suppress_counts(ZERO_TABLE, rule)
    assert result.mask.at["r1", "A"]
    assert result.mask.at["r2", "A"]
    assert protection_failures(result) == []
    bounds = {(b.row, b.col): b for b in audit(result, rule)}
    assert bounds[("r1", "A")].low == 0  # a hidden cell may now be 0


def test_display_hides_primary_and_secondary_cells_alike():
    result = suppress_counts(TABLE, RULE5)
    shown = result.display.to_numpy()
    assert set(shown[result.mask.to_numpy()]) == {MARKER}
    assert shown[0, 2] == "14"
    assert "diskretioneret" in result.note
    assert "færre end 5" in result.note
    custom = suppress_counts(TABLE, RULE5, marker="x")
    assert set(custom.display.to_numpy()[custom.mask.to_numpy()]) == {"x"}


def test_values_are_int64_with_na_where_hidden():
    result = suppress_counts(TABLE, RULE5)
    assert all(str(dtype) == "Int64" for dtype in result.values.dtypes)
    assert result.values.isna().equals(result.mask)


def test_margins_false_hides_totals_from_the_output_but_still_protects_them():
    shown = suppress_counts(TABLE, RULE5, margins=False)
    full = suppress_counts(TABLE, RULE5)
    assert list(shown.values.index) == ["r1", "r2", "r3"]
    assert list(shown.values.columns) == ["A", "B", "C"]
    assert shown.mask.equals(full.mask.loc[["r1", "r2", "r3"], ["A", "B", "C"]])
    assert T in shown.known.index
    assert protection_failures(shown) == []


def test_a_small_total_is_hidden_and_its_line_protected():
    # Row r2 holds 1 + 2 + 0 = 3 persons: the row total is sensitive too, and the totals column
    # then needs a second hidden total so the grand total does not give it away.
    table = pd.DataFrame([[6, 8, 9], [1, 2, 0], [7, 5, 12]], columns=["A", "B", "C"])
    result = suppress_counts(table, RULE5)
    assert result.mask.at[1, T]
    assert result.mask[T].sum() >= 2
    assert protection_failures(result) == []


def test_nothing_sensitive_means_nothing_hidden():
    table = pd.DataFrame([[0, 5], [6, 30]])
    result = suppress_counts(table, RULE5)
    assert not result.mask.to_numpy().any()
    assert audit(result, RULE5) == []


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (pd.DataFrame([[1, -2]]), "whole numbers"),
        (pd.DataFrame([[1.5, 2]]), "whole numbers"),
        (pd.DataFrame([[1, None]]), "Uoplyst"),
        (pd.DataFrame([[1, 2]], columns=["A", T]), "already has"),
        (pd.DataFrame([[1, 2]], columns=["A", "A"]), "duplicate"),
    ],
)
def test_bad_tables_are_refused(table, message):
    with pytest.raises(ValueError, match=message):
        suppress_counts(table, RULE5)


# --------------------------------------------------------------------------------------------
# The audit on its own


def test_audit_shows_the_trap_of_two_small_cells_in_a_line():
    # Two hidden cells 1 and 2 satisfy "two per line", yet the row total says they hold 3
    # together: each is pinned to [1, 2], a derived group below the threshold. This is why the
    # criterion asks a sensitive cell's range to reach min_cell.
    published = pd.DataFrame(
        {"A": [pd.NA, pd.NA], "B": [pd.NA, pd.NA], "C": [30, 30], T: [33, 33]},
        index=["r1", T],
        dtype="Int64",
    )
    row_bounds = {b.col: (b.low, b.high) for b in audit(published, RULE5) if b.row == "r1"}
    assert row_bounds == {"A": (1, 2), "B": (1, 2)}


def test_audit_reports_unbounded_cells():
    published = pd.Series({"a": pd.NA, "b": 7, T: pd.NA}, dtype="Int64")
    bound, _total = audit(published, RULE5)
    assert bound == CellBounds("a", None, 1, math.inf)
    assert bound.width == math.inf


def test_audit_rejects_figures_that_do_not_add_up():
    published = pd.DataFrame(
        {"A": [pd.NA, 5, 8], "B": [6, 7, 13], T: [9, 13, 21]}, index=["r1", "r2", T]
    ).astype("Int64")
    published.loc["r2", T] = 11  # 5 + 7 is not 11
    with pytest.raises(ValueError, match="add up"):
        audit(published, RULE5)
    with pytest.raises(ValueError, match="inconsistent"):
        audit(pd.Series({"a": pd.NA, "b": 12, T: 11}, dtype="Int64"), RULE5)


# --------------------------------------------------------------------------------------------
# One-way tables


def test_one_small_band_forces_the_next_smallest():
    ages = pd.Series({"18-29": 12, "30-39": 3, "40-49": 25, "50-59": 9, "60+": 7})
    result = suppress_series(ages, RULE5)
    assert hidden_cells(result.mask) == {"30-39", "60+"}
    assert result.values[T] == 56
    assert result.display["30-39"] == result.display["60+"] == MARKER
    # 3 + 7 = 10 is published implicitly; each of the two lies in [1, 9]
    assert [(b.low, b.high) for b in audit(result, RULE5)] == [(1, 9), (1, 9)]


def test_two_small_bands_need_a_third_so_their_sum_is_not_small():
    counts = pd.Series({"a": 1, "b": 2, "c": 30, "d": 40})
    result = suppress_series(counts, RULE5)
    assert hidden_cells(result.mask) == {"a", "b", "c"}
    assert protection_failures(result) == []


def test_a_small_total_hides_everything():
    result = suppress_series(pd.Series({"a": 1, "b": 2, "c": 0}), RULE5)
    assert hidden_cells(result.mask) == {"a", "b", T}
    assert result.values["c"] == 0


def test_series_without_total_in_the_output():
    result = suppress_series(pd.Series({"a": 1, "b": 6, "c": 9}), RULE5, total=False)
    assert list(result.values.index) == ["a", "b", "c"]
    assert result.known[T] == 16


# --------------------------------------------------------------------------------------------
# Rates


def test_rates_from_few_persons_or_small_numerators_are_withheld():
    numerators = pd.Series({"a": 2, "b": 10, "c": 30, "d": 0, "e": 12})
    denominators = pd.Series({"a": 20, "b": 12, "c": 40, "d": 3, "e": 30})
    out = suppress_rates(numerators, denominators, RULE5)
    assert out.loc["a", "suppressed"]  # numerator 2 is a small group
    assert out.loc["b", "suppressed"]  # 12 - 10 = 2 did not: also a small group
    assert out.loc["d", "suppressed"]  # 3 persons
    assert pd.isna(out.loc["a", "rate"])
    assert out.loc["c", "rate"] == pytest.approx(0.75)
    assert out.loc[T, "denominator"] == 105
    published = out[~out["suppressed"]]
    assert (published["denominator"] >= 5).all()


def test_rates_need_aligned_inputs():
    with pytest.raises(ValueError, match="same index"):
        suppress_rates(pd.Series([1, 2]), pd.Series([5, 6], index=[1, 0]), RULE5)
    with pytest.raises(ValueError, match="larger"):
        suppress_rates(pd.Series([7]), pd.Series([6]), RULE5)


# --------------------------------------------------------------------------------------------
# Long tables


def test_tidy_one_key_per_stratum_with_total_rows_and_derived_columns():
    frame = pd.DataFrame(
        {
            "kvartal": ["2026Q1"] * 4 + ["2026Q2"] * 4,
            "køn": ["Kvinde", "Mand", "Uoplyst", T] * 2,
            "n": [12, 3, 0, 15, 20, 9, 6, 35],
            "gns_alder": [41.5, 38.0, None, 40.8, 44.1, 37.2, 50.5, 43.0],
        }
    )
    out = suppress_tidy(frame, RULE5, by=["køn"], strata=["kvartal"], derived=["gns_alder"])
    assert out["suppressed"].tolist() == [True, True, False, False] + [False] * 4
    assert out["n"].isna().tolist() == out["suppressed"].tolist()
    assert out["gns_alder"].isna().tolist()[:4] == [True, True, True, False]
    assert out.loc[3, "n"] == 15
    assert str(out["n"].dtype) == "Int64"


def test_tidy_two_keys_with_margins():
    frame = pd.DataFrame(
        {"a": ["x", "x", "y", "y", T, T], "b": ["p", "q"] * 3, "n": [2, 10, 8, 9, 10, 19]}
    )
    out = suppress_tidy(frame, RULE5, by=["a", "b"])
    assert out["suppressed"].tolist() == [True, True, True, True, False, False]


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"k": ["a", "b", T], "n": [3, 9, 13]}), "does not equal"),
        (pd.DataFrame({"k": ["a", "a"], "n": [3, 9]}), "duplicate"),
        (pd.DataFrame({"k": ["a", None], "n": [3, 9]}), "Uoplyst"),
    ],
)
def test_tidy_refuses_unclear_frames(frame, message):
    with pytest.raises(ValueError, match=message):
        suppress_tidy(frame, RULE5, by=["k"])


# --------------------------------------------------------------------------------------------
# Properties over random small tables

small_counts = st.one_of(st.integers(0, 6), st.integers(0, 30))
rules = st.builds(DisclosureRule, min_cell=st.sampled_from([3, 4, 5]), suppress_zeros=st.booleans())


@st.composite
def tables(draw) -> pd.DataFrame:
    n_rows, n_cols = draw(st.integers(2, 6)), draw(st.integers(2, 6))
    rows = draw(
        st.lists(
            st.lists(small_counts, min_size=n_cols, max_size=n_cols),
            min_size=n_rows,
            max_size=n_rows,
        )
    )
    return pd.DataFrame(
        rows, index=[f"r{i}" for i in range(n_rows)], columns=[f"k{j}" for j in range(n_cols)]
    )


@pytest.mark.validation  # 200 generated tables through the solver (about 9 s)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables(), rule=rules)
def test_random_tables_are_protected(table, rule):
    result = suppress_counts(table, rule)
    truth = with_margins(table).to_numpy()
    hidden = result.mask.to_numpy()
    sensitive = ((truth > 0) & (truth < rule.min_cell)) | ((truth == 0) & rule.suppress_zeros)
    # (a) every sensitive cell, totals included, is hidden; published zeros stay published
    assert hidden[sensitive].all()
    if not rule.suppress_zeros:
        assert not hidden[truth == 0].any()
    # (b) every published number is the truth, and the display says the same
    shown = result.values.to_numpy(dtype=float, na_value=np.nan)
    assert np.array_equal(np.isnan(shown), hidden)
    assert (shown[~hidden] == truth[~hidden]).all()
    assert (result.display.to_numpy()[~hidden] == truth[~hidden].astype(str)).all()
    # (c) from the published cells and totals alone, no hidden cell is determined, and no
    # sensitive cell can be proved smaller than the threshold
    where = {label: i for i, label in enumerate(result.values.index)}
    cols = {label: j for j, label in enumerate(result.values.columns)}
    for bound in audit(result, rule):
        value = truth[where[bound.row], cols[bound.col]]
        assert bound.low <= value <= bound.high
        assert bound.high > bound.low
        if sensitive[where[bound.row], cols[bound.col]]:
            assert bound.high >= rule.min_cell


@pytest.mark.validation  # a property check over 200 random tables
@settings(max_examples=200, deadline=None)
@given(counts=st.lists(small_counts, min_size=1, max_size=8), rule=rules)
def test_random_series_are_protected(counts, rule):
    series = pd.Series(counts, index=[f"g{i}" for i in range(len(counts))])
    result = suppress_series(series, rule)
    truth = np.append(counts, sum(counts))
    assert result.mask.to_numpy()[[rule.is_sensitive(int(n)) for n in truth]].all()
    assert protection_failures(result) == []


@pytest.mark.validation  # a property check over 200 random tables
@settings(max_examples=200, deadline=None)
@given(pairs=st.lists(st.tuples(small_counts, small_counts), min_size=1, max_size=6), rule=rules)
def test_no_rate_is_published_from_few_persons(pairs, rule):
    # (d) a published share rests on at least min_cell persons, and neither those who have the
    # outcome nor those who do not form a small group
    numerators = pd.Series([k for k, _ in pairs])
    denominators = pd.Series([k + rest for k, rest in pairs])
    out = suppress_rates(numerators, denominators, rule)
    published = out[out["rate"].notna()]
    all_num = np.append(numerators, numerators.sum())
    all_den = np.append(denominators, denominators.sum())
    for position in [out.index.get_loc(label) for label in published.index]:
        k, n = int(all_num[position]), int(all_den[position])
        assert n >= rule.min_cell
        assert not rule.is_sensitive(k)
        assert not rule.is_sensitive(n - k)
    assert out["rate"].isna()[out["suppressed"]].all()


def test_chain_hides_small_increments_and_keeps_the_latest_figure():
    # min_cell 5; cumulative 0, 3, 10, 12, 30. From the end: 30 published; 12 is 18 below:
    # published; 10 is only 2 below 12: hidden; 3 is small itself: hidden; 0 (nobody yet) is
    # 12 below 12: published. Readers learn 0 → 12 → 30, steps of 12 and 18.
    rule = DisclosureRule(min_cell=5)
    cumulative = pd.Series([0, 3, 10, 12, 30], index=list("abcde"))
    hidden = suppress_chain(cumulative, rule)
    assert hidden.tolist() == [False, True, True, False, False]


def test_chain_for_a_funnel_keeps_the_first_step():
    # a funnel 100 → 97 → 40 → 38 → 2: from the first step: 100; 97 (3 lost): hidden;
    # 40 (60 lost): published; 38 (2 lost): hidden; 2: small itself, hidden
    rule = DisclosureRule(min_cell=5)
    funnel = pd.Series([100, 97, 40, 38, 2])
    assert suppress_chain(funnel, rule, keep="first").tolist() == [False, True, False, True, True]


def test_chain_refuses_counts_that_go_up_and_down():
    with pytest.raises(ValueError, match="only grow or only shrink"):
        suppress_chain(pd.Series([1, 5, 3]), DisclosureRule())


@pytest.mark.validation  # a property check over hundreds of generated cases
@settings(max_examples=300, deadline=None)
@given(
    steps=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=10),
    rule=rules,
    keep=st.sampled_from(["first", "last"]),
)
def test_random_chains_reveal_no_small_group(steps, rule, keep):
    # whatever is published: no published point and no difference between published points
    # (what a reader can subtract) is a sensitive count
    chain = pd.Series(np.cumsum(steps))
    if keep == "first":
        chain = chain[::-1].reset_index(drop=True)
    hidden = suppress_chain(chain, rule, keep=keep)
    published = chain[~hidden].to_numpy()
    assert not any(rule.is_sensitive(int(v)) for v in published)
    for a, b in itertools.pairwise(published):
        assert not rule.is_sensitive(abs(int(a) - int(b)))
