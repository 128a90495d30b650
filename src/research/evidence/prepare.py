"""Checking an analysis frame before any model sees it, with messages a researcher can act on.

Why here and not in each estimator: every estimator needs the same checks (columns exist,
treatment is 0/1, enough rows, something varies) and should phrase them the same way. Rows with
a missing value in any used column are left out (listwise deletion) and counted in a warning,
so ``n`` in a result is always the number of rows the model saw.
"""

from __future__ import annotations

import warnings as python_warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pandas as pd

from research.errors import EstimationError

R = TypeVar("R")

FEW_CLUSTERS = 20  # below this, cluster-robust SEs are known to be too small
MAX_LISTED = 20  # column names and values shown in one message


@dataclass
class Prepared:
    """The rows and arrays one estimator works on, plus what was done to get them."""

    frame: pd.DataFrame
    y: np.ndarray
    t: np.ndarray
    x: pd.DataFrame  # covariates as float columns (categories as 0/1 dummies), no constant
    clusters: np.ndarray | None  # integer codes 0..G-1
    warnings: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.y)

    @property
    def n_clusters(self) -> int | None:
        return None if self.clusters is None else int(self.clusters.max() + 1)


def _listing(values: Sequence[object], limit: int = MAX_LISTED) -> str:
    shown = ", ".join(str(v) for v in values[:limit])
    more = len(values) - limit
    return shown + (f" (and {more} more)" if more > 0 else "")


def require_columns(df: pd.DataFrame, columns: Sequence[str]) -> None:
    """Every named column exists; otherwise name the missing ones and list those available."""
    if not isinstance(df, pd.DataFrame):
        raise EstimationError(f"expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in dict.fromkeys(columns) if c not in df.columns]
    if missing:
        names = ", ".join(f"'{c}'" for c in missing)
        noun = "column" if len(missing) == 1 else "columns"
        available = _listing([str(c) for c in df.columns]) or "none"
        raise EstimationError(f"{noun} {names} not in the data; available: {available}")


def require_distinct(roles: dict[str, str | None]) -> None:
    """A column plays one role only (an outcome cannot also be the treatment)."""
    seen: dict[str, str] = {}
    for role, column in roles.items():
        if column is None:
            continue
        if column in seen:
            raise EstimationError(f"column '{column}' is given as both {seen[column]} and {role}")
        seen[column] = role


def numeric(series: pd.Series, role: str) -> np.ndarray:
    """A column as floats; booleans become 0/1; text that is not a number is an error."""
    name = series.name
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float).to_numpy()
    if pd.api.types.is_numeric_dtype(series):
        return series.astype(float).to_numpy()
    converted = pd.to_numeric(series, errors="coerce")
    bad = series[converted.isna()]
    if len(bad):
        raise EstimationError(
            f"{role} '{name}' must be numeric; found values such as "
            f"{_listing([repr(v) for v in bad.unique()], limit=5)}"
        )
    return converted.astype(float).to_numpy()


def binary(series: pd.Series, role: str) -> np.ndarray:
    """A 0/1 column (booleans allowed) as floats; any other value is an error."""
    values = numeric(series, role)
    odd = np.unique(values[(values != 0) & (values != 1)])
    if len(odd):
        raise EstimationError(
            f"{role} '{series.name}' must be binary (0/1); found other values: "
            f"{_listing([f'{v:g}' for v in odd], limit=5)}"
        )
    return values


def require_variation(values: np.ndarray, name: str, role: str) -> None:
    """A treatment needs both groups; an outcome must not be constant."""
    if role == "treatment" and set(np.unique(values)) != {0.0, 1.0}:
        which = "treated (1)" if values.size and values[0] == 1 else "untreated (0)"
        raise EstimationError(
            f"treatment '{name}' has no variation: all {values.size} rows are {which}; "
            "need both treated and untreated rows"
        )
    if role != "treatment" and np.ptp(values) == 0:
        raise EstimationError(
            f"{role} '{name}' has no variation: every one of the {values.size} rows is "
            f"{values[0]:g}"
        )


def require_rows(n: int, needed: int, method: str, why: str = "") -> None:
    """At least ``needed`` complete rows."""
    if n < needed:
        reason = f" ({why})" if why else ""
        raise EstimationError(
            f"too few observations for {method}: {n} complete rows, need at least {needed}{reason}"
        )


def covariate_matrix(frame: pd.DataFrame, covariates: Sequence[str]) -> pd.DataFrame:
    """Covariates as float columns: numbers and booleans as they are, anything else (text,
    categories) as 0/1 dummies for every level but the first (sorted) one."""
    parts = []
    for name in covariates:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            parts.append(column.astype(float).rename(name).to_frame())
            continue
        levels = sorted(column.astype(str).unique())
        text = column.astype(str)
        dummies = {f"{name}[{level}]": (text == level).astype(float) for level in levels[1:]}
        parts.append(pd.DataFrame(dummies, index=frame.index))
    if not parts:
        return pd.DataFrame(index=frame.index)
    return pd.concat(parts, axis=1)


def drop_constant(x: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Leave out covariate columns that do not vary in the analysed rows, with a note."""
    constant = [c for c in x.columns if np.ptp(x[c].to_numpy()) == 0]
    if constant:
        notes.append(
            f"covariates without variation in the analysed rows were left out: {_listing(constant)}"
        )
    return x.drop(columns=constant)


def cluster_codes(series: pd.Series, notes: list[str]) -> np.ndarray:
    """Integer codes 0..G-1 for the clusters; at least two, with a note below FEW_CLUSTERS."""
    codes, uniques = pd.factorize(series, sort=True)
    g = len(uniques)
    if g < 2:
        raise EstimationError(
            f"cluster '{series.name}' has {g} cluster; cluster-robust standard errors need at "
            "least 2 (and 30 or more to be trusted)"
        )
    if g < FEW_CLUSTERS:
        notes.append(
            f"only {g} clusters in '{series.name}': cluster-robust standard errors tend to be "
            "too small with fewer than about 20-30 clusters"
        )
    return codes.astype(np.int64)


def complete_rows(
    df: pd.DataFrame, columns: Sequence[str], notes: list[str], carry: Sequence[str] = ()
) -> pd.DataFrame:
    """The rows with a value in every used column; the count left out goes into ``notes``.

    ``carry`` columns come along but may be missing (e.g. a first-treated period).
    """
    used = list(dict.fromkeys(columns))
    frame = df[list(dict.fromkeys([*used, *carry]))]
    keep = frame[used].notna().all(axis=1)
    dropped = int((~keep).sum())
    if dropped:
        notes.append(
            f"{dropped} of {len(frame)} rows with a missing value in {_listing(used)} were left out"
        )
    return frame[keep]


def prepare(
    df: pd.DataFrame,
    *,
    method: str,
    outcome: str,
    treatment: str,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    extra: Sequence[str] = (),
    binary_treatment: bool = True,
    binary_outcome: bool = False,
    min_rows: int = 4,
) -> Prepared:
    """Run the shared checks and return the complete rows as arrays.

    Raises ``EstimationError`` for a missing column, a column in two roles, a non-numeric
    outcome, a non-binary treatment (or outcome, when ``binary_outcome``), no variation, or
    fewer than ``min_rows`` complete rows.
    """
    covariates = list(covariates)
    require_columns(df, [outcome, treatment, *covariates, *extra] + ([cluster] if cluster else []))
    require_distinct({"outcome": outcome, "treatment": treatment})
    for name in covariates:
        if name in (outcome, treatment):
            role = "outcome" if name == outcome else "treatment"
            raise EstimationError(f"column '{name}' is given as both a covariate and the {role}")
    notes: list[str] = []
    used = [outcome, treatment, *covariates, *extra] + ([cluster] if cluster else [])
    frame = complete_rows(df, used, notes)
    require_rows(len(frame), min_rows, method)
    y = binary(frame[outcome], "outcome") if binary_outcome else numeric(frame[outcome], "outcome")
    t = (
        binary(frame[treatment], "treatment")
        if binary_treatment
        else numeric(frame[treatment], "treatment")
    )
    if binary_treatment:
        require_variation(t, treatment, "treatment")
    elif np.ptp(t) == 0:
        require_variation(t, treatment, "treatment variable")
    require_variation(y, outcome, "outcome")
    x = drop_constant(covariate_matrix(frame, covariates), notes)
    clusters = cluster_codes(frame[cluster], notes) if cluster else None
    return Prepared(frame, y, t, x, clusters, notes)


def require_group_sizes(t: np.ndarray, needed: int, method: str) -> None:
    """At least ``needed`` rows in each of the treated and untreated groups."""
    treated, untreated = int(t.sum()), int((1 - t).sum())
    if min(treated, untreated) < needed:
        raise EstimationError(
            f"too few observations for {method}: {treated} treated and {untreated} untreated "
            f"rows, need at least {needed} in each group"
        )


def require_identified(design: np.ndarray, column: int, what: str) -> None:
    """The ``column`` of ``design`` is not a linear combination of the other columns."""
    others = np.delete(design, column, axis=1)
    if others.shape[1] and np.linalg.matrix_rank(design) == np.linalg.matrix_rank(others):
        raise EstimationError(
            f"{what} is collinear with the covariates (or constant once they are accounted "
            "for); its effect cannot be separated from theirs"
        )


class FitProblem(Exception):
    """Raised by ``watch_fit`` when statsmodels reports a fit that cannot be trusted.

    ``kind`` is ``separation``, ``convergence`` or ``singular``.
    """

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


SEPARATION = (
    "perfect separation: the covariates (or the treatment) predict the binary {what} exactly "
    "for some rows, so the logit has no finite estimate; merge sparse categories, drop the "
    "covariate that separates, or use a linear model"
)
NO_CONVERGENCE = (
    "the {what} model did not converge, so no estimate is reported; check for extreme values "
    "or collinear covariates"
)
SINGULAR = (
    "the {what} model could not be solved (singular matrix): covariates are collinear or a "
    "category is too sparse"
)
CERTAIN = 1e-6  # a fitted probability this close to 0 or 1 means the data are separated


@contextmanager
def watch_fit(what: str) -> Iterator[None]:
    """Turn statsmodels' separation and convergence warnings (and errors) into ``FitProblem``.

    Used around every maximum-likelihood fit, so that a separated or non-converged model
    becomes a NaN result with a reason, never a crash and never a silently wrong number.
    """
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        HessianInversionWarning,
        PerfectSeparationError,
        PerfectSeparationWarning,
    )

    with python_warnings.catch_warnings(record=True) as caught:
        python_warnings.simplefilter("always")
        try:
            yield
        except PerfectSeparationError as exc:
            raise FitProblem(SEPARATION.format(what=what), "separation") from exc
        except np.linalg.LinAlgError as exc:
            raise FitProblem(SINGULAR.format(what=what), "singular") from exc
    kinds = {type(w.message) for w in caught}
    if PerfectSeparationWarning in kinds:
        raise FitProblem(SEPARATION.format(what=what), "separation")
    if ConvergenceWarning in kinds or HessianInversionWarning in kinds:
        raise FitProblem(NO_CONVERGENCE.format(what=what), "convergence")


def fit_binary(fit: Callable[[], R], what: str) -> R:
    """Run ``fit`` (a logit or binomial GLM) under ``watch_fit``.

    statsmodels reports complete separation by a continuous covariate only as a convergence
    failure; when the fitted probabilities of such a fit reach 0 or 1 (within 1e-6), the
    problem is reported as separation, which says what to do about it.
    """
    fitted: list[R] = []
    try:
        with watch_fit(what):
            fitted.append(fit())
    except FitProblem as problem:
        if problem.kind == "convergence" and fitted:
            with np.errstate(over="ignore"):
                p = np.asarray(fitted[0].predict(), dtype=float)
            if np.any((p < CERTAIN) | (p > 1 - CERTAIN)):
                raise FitProblem(SEPARATION.format(what=what), "separation") from None
        raise
    return fitted[0]
