"""Multiple testing: Benjamini–Hochberg adjusted p-values on a tidy results table.

Why: a forest plot of many subgroups invites reading the smallest p-value as a finding. The
false discovery rate across the subgroups of one analysis is what a reviewer will ask about, so
every results table carries BH-adjusted p-values next to the raw ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["adjust_pvalues"]


def adjust_pvalues(
    results: pd.DataFrame,
    *,
    p_column: str = "p_value",
    by: Sequence[str] = (),
    method: str = "fdr_bh",
    alpha: float = 0.05,
    out_column: str = "p_adjusted",
) -> pd.DataFrame:
    """A copy of ``results`` with ``p_adjusted`` and ``significant_adjusted`` added.

    Each group of ``by`` (none: the whole table) is one family, adjusted by statsmodels'
    ``multipletests`` (default Benjamini–Hochberg, ``fdr_bh``). Rows whose p-value is missing
    (not estimated: too small, separation) are not part of any family and keep a missing
    adjusted p-value, so m counts only the tests actually made. ``significant_adjusted`` says
    whether the adjusted p-value is at most ``alpha`` (the FDR level); missing when untested.
    """
    from statsmodels.stats.multitest import multipletests

    out = results.copy()
    p = pd.to_numeric(out[p_column], errors="coerce").to_numpy(dtype=float)
    adjusted = np.full(len(out), np.nan)
    families = (
        out.groupby(list(by), sort=False, dropna=False).indices
        if by
        else {None: np.arange(len(out))}
    )
    for index in families.values():
        index = np.asarray(index)
        tested = index[np.isfinite(p[index])]
        if tested.size:
            adjusted[tested] = multipletests(p[tested], alpha=alpha, method=method)[1]
    out[out_column] = adjusted
    significant = pd.array(adjusted <= alpha, dtype="boolean")
    significant[~np.isfinite(adjusted)] = pd.NA
    out["significant_adjusted"] = significant
    return out
