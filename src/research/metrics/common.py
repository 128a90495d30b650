"""Small pieces every metric shares: quarters of dates, and proportions with intervals."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from research.domain.period import Quarter

Tables = dict[str, pd.DataFrame]
Made = TypeVar("Made")


class SharedTables(dict):
    """The tables, plus frames several steps of one metric derive from them, each made once
    per call (the participant facts cost most at scale 100)."""

    def __init__(self, tables: Tables) -> None:
        super().__init__(tables)
        self.made: dict[Hashable, Any] = {}


def once(t: Tables, key: Hashable, make: Callable[[], Made]) -> Made:
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
    """Wilson score interval: honest near 0 % and 100 % and for small groups; NaN for n = 0.

    Closed form, in statsmodels' ``proportion_confint(method="wilson")`` order of operations
    (so the same floats), without importing statsmodels (about 1.5 s) for a few lines of
    arithmetic; ``scipy.special`` (a fifth of that) gives the normal quantile."""
    from scipy.special import ndtri  # imported when needed: importing the metrics stays quick

    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    safe = np.where(n > 0, n, 1.0)
    share = np.minimum(k, safe) / safe
    crit = -ndtri((1 - confidence) / 2.0)  # scipy.stats.norm.isf, as statsmodels uses
    crit2 = crit**2
    denom = 1 + crit2 / safe
    center = (share + crit2 / (2 * safe)) / denom
    dist = crit * np.sqrt(share * (1.0 - share) / safe + crit2 / (4.0 * safe**2))
    dist /= denom
    low = np.clip(center - dist, 0, 1)  # inside [0, 1] in theory; rounding could step out
    high = np.clip(center + dist, 0, 1)
    low = np.where(n > 0, low, np.nan)
    high = np.where(n > 0, high, np.nan)
    return low, high
