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
    key = pd.Series(ids).astype("string").to_numpy()
    start = pd.to_datetime(pd.Series(entered)).to_numpy(dtype="datetime64[ns]")
    stop = pd.to_datetime(pd.Series(left)).to_numpy(dtype="datetime64[ns]")
    open_ended = np.isnat(stop)
    out = []
    for day in pd.to_datetime(pd.Index(days)).to_numpy(dtype="datetime64[ns]"):
        still = stop >= day if present_on_leaving_day else stop > day
        covering = (start <= day) & (open_ended | still)
        out.append(len(pd.unique(key[covering])))
    return np.asarray(out, dtype=np.int64)


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
