"""Design matrices for the programme's models: labelled factors, dummies, identifiable columns.

Why: the subgroup, survival and conversion models build their regressors the same way, and the
average marginal effects need counterfactual copies of the same matrix (a treatment switched
on or off), which is easiest when the columns are built here rather than by a formula parser.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = [
    "Factor",
    "dummies",
    "factor_labels",
    "factor_name",
    "identifiable_columns",
    "joint_labels",
]

Factor = str | tuple[str, ...]
"""A categorical regressor: one column, or a tuple of columns whose joint levels form one
factor (a tuple of two is the main effects plus their interaction, saturated)."""


def factor_labels(series: pd.Series) -> pd.Series:
    """A column's values as text labels: booleans become "yes"/"no", missing stays missing."""
    if pd.api.types.is_bool_dtype(series.dtype):
        values = series.astype("boolean")
        labels = values.map({True: "yes", False: "no"}, na_action="ignore")
        return labels.astype("string")
    values = series.astype("object")
    return values.where(series.notna()).map(str, na_action="ignore").astype("string")


def joint_labels(frame: pd.DataFrame, factor: Factor) -> pd.Series:
    """The factor's labels; for a tuple of columns, their labels joined by "|"."""
    if isinstance(factor, str):
        return factor_labels(frame[factor])
    parts = [factor_labels(frame[c]) for c in factor]
    out = parts[0]
    for part in parts[1:]:
        out = out + "|" + part
    return out.astype("string")


def factor_name(factor: Factor) -> str:
    """How a factor is named in column names and tables: "a" or "a*b"."""
    return factor if isinstance(factor, str) else "*".join(factor)


def dummies(
    labels: pd.Series, name: str, levels: Sequence[str], reference: str | None
) -> pd.DataFrame:
    """0/1 columns ``name[level]`` for each of ``levels`` except ``reference`` (None: keep all)."""
    values = labels.to_numpy(dtype=object)
    columns = {
        f"{name}[{level}]": (values == level).astype(float)
        for level in levels
        if level != reference
    }
    return pd.DataFrame(columns, index=labels.index)


def identifiable_columns(
    x: pd.DataFrame, *, implicit_constant: bool = False, tolerance: float = 1e-8
) -> list[str]:
    """The columns kept, in order, each only if it adds rank to those kept before it.

    Why: context factors are nested or collinear by design (employment status within the
    employed/unemployed subgroups, routes that only occur for some groups); keeping the earlier
    columns (the subgroup × treatment cells come first) keeps the effects of interest and drops
    the redundant adjustment columns instead of failing on a singular matrix.
    ``implicit_constant`` treats a constant as already in the model (a Cox model, whose
    partial likelihood ignores constants), so a full set of dummies loses one column.
    """
    kept: list[str] = []
    basis = np.ones((len(x), 1)) if implicit_constant else np.empty((len(x), 0))
    for column in x.columns:
        v = x[column].to_numpy(dtype=float)
        if not np.any(v):
            continue
        if basis.shape[1]:
            coef, *_ = np.linalg.lstsq(basis, v, rcond=None)
            residual = v - basis @ coef
        else:
            residual = v
        if np.linalg.norm(residual) > tolerance * np.linalg.norm(v):
            kept.append(column)
            basis = np.column_stack([basis, v])
    return kept
