"""``present_on`` counts every day in one pass: the same numbers as asking day by day."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.metrics.stocks import present_on


def _day_by_day(ids, entered, left, days, *, present_on_leaving_day: bool) -> np.ndarray:
    """The definition, one day at a time (what ``present_on`` did before it went one-pass)."""
    key = pd.Series(ids).astype("string").to_numpy()
    start = pd.to_datetime(pd.Series(entered)).to_numpy(dtype="datetime64[ns]")
    stop = pd.to_datetime(pd.Series(left)).to_numpy(dtype="datetime64[ns]")
    out = []
    for day in pd.to_datetime(pd.Index(days)).to_numpy(dtype="datetime64[ns]"):
        still = stop >= day if present_on_leaving_day else stop > day
        covering = (start <= day) & (np.isnat(stop) | still)
        out.append(len(pd.unique(key[covering])))
    return np.asarray(out, dtype=np.int64)


def _spells(rng: np.random.Generator, n: int, units: int):
    base = np.datetime64("2025-01-01")
    start = base + rng.integers(0, 900, n).astype("timedelta64[D]")
    stop = start + rng.integers(0, 400, n).astype("timedelta64[D]")
    start = pd.Series(start).where(rng.random(n) > 0.05)  # a few unknown starts
    stop = pd.Series(stop).where(rng.random(n) > 0.4)  # many still present
    ids = pd.Series([f"u{i}" for i in rng.integers(0, units, n)], dtype="string")
    ids[rng.random(n) < 0.03] = pd.NA
    return ids, start, stop


@pytest.mark.parametrize("leaving_day", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_all_days_at_once_equal_day_by_day(seed, leaving_day):
    rng = np.random.default_rng(seed)
    ids, start, stop = _spells(rng, 400, units=60 if seed % 2 else 400)
    # quarter ends, unsorted and with a repeat, and days on which spells start and stop
    days = pd.to_datetime(
        ["2026-09-30", "2025-03-31", "2027-12-31", "2025-12-31", "2026-09-30", "2024-12-31"]
        + [str(d)[:10] for d in stop.dropna().iloc[:5]]
        + [str(d)[:10] for d in start.dropna().iloc[:5]]
    )
    got = present_on(ids, start, stop, days, present_on_leaving_day=leaving_day)
    want = _day_by_day(ids, start, stop, days, present_on_leaving_day=leaving_day)
    np.testing.assert_array_equal(got, want)


def test_a_unit_with_overlapping_and_touching_spells_counts_once():
    ids = pd.Series(["a", "a", "a", "b"])
    start = pd.to_datetime(pd.Series(["2025-01-01", "2025-02-01", "2025-06-01", "2025-05-01"]))
    stop = pd.to_datetime(pd.Series(["2025-03-01", "2025-06-01", None, "2025-05-02"]))
    days = pd.to_datetime(["2025-01-15", "2025-02-15", "2025-05-01", "2025-06-01", "2025-07-01"])
    for leaving_day in (True, False):
        got = present_on(ids, start, stop, days, present_on_leaving_day=leaving_day)
        want = _day_by_day(ids, start, stop, days, present_on_leaving_day=leaving_day)
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(
        present_on(ids, start, stop, days, present_on_leaving_day=False), [1, 1, 2, 1, 1]
    )


def test_no_spell_and_no_day():
    empty = pd.Series([], dtype="string")
    none = pd.Series([], dtype="datetime64[ns]")
    days = pd.to_datetime(["2025-03-31"])
    assert present_on(empty, none, none, days, present_on_leaving_day=True).tolist() == [0]
    ids = pd.Series(["a"])
    start = pd.to_datetime(pd.Series(["2025-01-01"]))
    assert present_on(ids, start, start, [], present_on_leaving_day=True).tolist() == []


def test_integer_ids_count_as_their_text_does():
    rng = np.random.default_rng(9)
    ids, start, stop = _spells(rng, 300, units=40)
    numbers = pd.Series(pd.factorize(ids, use_na_sentinel=False)[0], dtype=np.int64)
    days = pd.to_datetime(["2025-06-30", "2026-06-30", "2027-06-30"])
    for leaving_day in (True, False):
        np.testing.assert_array_equal(
            present_on(numbers, start, stop, days, present_on_leaving_day=leaving_day),
            present_on(ids, start, stop, days, present_on_leaving_day=leaving_day),
        )
