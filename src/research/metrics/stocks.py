"""Stocks: how many units are *present* on given days, not how many ever arrived.

Why: several figures the application and the funder read are "now" figures, not "ever" figures
(companies currently in a network, consultants still in the corps, lifts started and not
dropped, side-effect persons who have not since become participants). A unit is present from
the day it enters until it leaves; a unit with several spells (a person with two enrolments) is
present when any spell covers the day, and counts once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.metrics.disclosure import DisclosureRule, walk_chain


def present_on(
    ids: pd.Series,
    entered: pd.Series,
    left: pd.Series,
    days: np.ndarray | pd.DatetimeIndex,
    *,
    present_on_leaving_day: bool,
) -> np.ndarray:
    """Distinct ``ids`` with a spell covering each of ``days``.

    A spell covers day t when ``entered`` <= t and ``left`` is missing or after t (or on t, when
    ``present_on_leaving_day``: a membership that ends on a day still holds on that day, a
    course dropped on a day is no longer followed at its end).
    """
    ids = pd.Series(ids)
    # integer ids (the store's dense ranks) are compared as they are; others as text
    key = ids if pd.api.types.is_integer_dtype(ids.dtype) else ids.astype("string")
    codes, _ = pd.factorize(key, use_na_sentinel=False)
    start = pd.to_datetime(pd.Series(entered)).to_numpy(dtype="datetime64[ns]")
    stop = pd.to_datetime(pd.Series(left)).to_numpy(dtype="datetime64[ns]")
    wanted = pd.to_datetime(pd.Index(days)).to_numpy(dtype="datetime64[ns]")
    order = np.argsort(wanted, kind="stable")
    ordered = wanted[order]
    # Each spell covers a run of the sorted days: from the first day on or after its start to
    # the last day before (or on) its end. One pass over the spells for all days at once.
    first = np.where(np.isnat(start), len(ordered), np.searchsorted(ordered, start, "left"))
    side = "right" if present_on_leaving_day else "left"
    last = np.where(np.isnat(stop), len(ordered), np.searchsorted(ordered, stop, side))
    covers = first < last
    counts = np.zeros(len(ordered) + 1, dtype=np.int64)
    if covers.any():
        code, a, b = codes[covers], first[covers], last[covers]
        by = np.lexsort((a, code))
        code, a, b = code[by], a[by], b[by]
        # a unit counts once: merge the overlapping runs of each unit, then count the runs
        new_unit = np.r_[True, code[1:] != code[:-1]]
        reach = _running_max_by_group(b, new_unit)
        opens = new_unit | (a > np.r_[0, reach[:-1]])
        np.add.at(counts, a[opens], 1)
        np.add.at(counts, np.maximum.reduceat(b, np.flatnonzero(opens)), -1)
    present = np.cumsum(counts)[:-1]
    out = np.empty(len(ordered), dtype=np.int64)
    out[order] = present
    return out


def _running_max_by_group(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The running maximum of ``values`` that restarts where ``starts`` is true."""
    group = np.cumsum(starts) - 1
    # shift each group above all earlier ones, so one global running maximum restarts per group
    span = int(values.max()) + 1 if len(values) else 1
    shifted = values + group * span
    return np.maximum.accumulate(shifted) - group * span


def suppress_stock(values: pd.Series, rule: DisclosureRule, *, keep: str = "last") -> pd.Series:
    """Hidden flags for a stock series (which may fall as well as rise).

    The chain rule of ``disclosure.suppress_chain``, walked on absolute differences: a point is
    published only when it is not 1 … min_cell-1 itself and its distance to the previously
    published point is 0 or at least min_cell. A stock's change mixes arrivals and departures,
    so a small change is withheld like a small count of new persons. For a series that only
    grows this is exactly ``suppress_chain``.
    """
    if keep not in ("first", "last"):
        raise ValueError("keep must be 'first' or 'last'")
    counts = pd.Series(values).astype("int64").to_numpy()
    return walk_chain(values, counts, rule, keep=keep)
