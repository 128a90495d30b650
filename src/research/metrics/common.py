"""Small pieces every metric shares: quarters of dates, and proportions with intervals."""

from __future__ import annotations

from collections.abc import Callable, Hashable

import numpy as np
import pandas as pd

from research.domain.period import Quarter

Tables = dict[str, pd.DataFrame]


class SharedTables(dict):
    """The tables, plus frames several steps of one metric derive from them, each made once
    per call (the participant facts cost most at scale 100)."""

    def __init__(self, tables: Tables) -> None:
        super().__init__(tables)
        self.made: dict[Hashable, pd.DataFrame] = {}


def once(t: Tables, key: Hashable, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``make()``, kept on ``t`` under ``key`` when ``t`` is a ``SharedTables``."""
    if not isinstance(t, SharedTables):
        return make()
    if key not in t.made:
        t.made[key] = make()
    return t.made[key]


CONFIDENCE = 0.95


def quarter_of(dates: pd.Series) -> pd.Series:
    """'2026Q3' for each date (missing stays missing); the date decides the quarter."""
    stamps = pd.to_datetime(dates)
    codes = stamps.dt.year * 4 + stamps.dt.quarter - 1
    names = {code: f"{int(code) // 4}Q{int(code) % 4 + 1}" for code in pd.unique(codes.dropna())}
    return codes.map(names).astype("string")


def quarter_end(quarter: Quarter | str) -> pd.Timestamp:
    """The quarter's last day; a string that is not a quarter is an ``ArgumentError``."""
    from research.coerce import as_quarter

    return pd.Timestamp(as_quarter(quarter).end)


def wilson_interval(
    successes: np.ndarray | pd.Series | int,
    trials: np.ndarray | pd.Series | int,
    confidence: float = CONFIDENCE,
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval: honest near 0 % and 100 % and for small groups; NaN for n = 0."""
    from statsmodels.stats.proportion import proportion_confint  # heavy: only when needed

    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    safe = np.where(n > 0, n, 1.0)
    low, high = proportion_confint(np.minimum(k, safe), safe, alpha=1 - confidence, method="wilson")
    low = np.where(n > 0, low, np.nan)
    high = np.where(n > 0, high, np.nan)
    return low, high
