"""Every subgroup contrast answered: the best available estimate, or how little the data say.

Why: the logit of section 1 needs five of each outcome in every cell, so mid-project most of
its contrasts are "too small" or "separation" and its forest plots are empty, although the same
lifts give a Firth-penalised estimate and a pooled one (:mod:`~research.evidence.pooling`).
A reader wants one answer per contrast with its source named. Per contrast, in this order:

1. ``logit``: the logit's own average marginal effect, where it was estimated (status ok).
2. ``firth``: the Firth-penalised AME of the same cells, where the logit met separation or did
   not converge, and the cells are large enough to estimate (the penalty only removes the
   infinite estimate; the data decide).
3. ``pooled``: the Firth AME shrunk toward the analysis's overall effect (hierarchical
   pooling), where the cells are too small for the logit: a small cell's own estimate is too
   noisy to show alone (docs/pooling.md: pooling halves the error of small subgroups).
4. ``none``: no finished lift in an arm, so nothing to estimate. The answer is then the
   minimum detectable effect (MDE) of the lifts started so far, once they have ended, and the
   quarter in which the subgroup is large enough on the planned trajectory.

Every row also carries the MDE (80 % power, 5 % level) at its arm sizes: finished lifts where
there are some in both arms (``mde_basis`` "finished"), lifts started otherwise ("started").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.evidence.pooling import minimum_detectable
from research.evidence.result import Status

__all__ = ["SOURCES", "subgroup_answers"]

SOURCES = ("logit", "firth", "pooled", "none")
"""The sources of an answer, best first (see module doc)."""

KEY = ["analysis", "subgroup", "level"]
_RETRY_WITH_FIRTH = {Status.SEPARATION, Status.NOT_CONVERGED, Status.FAILED}


def subgroup_answers(
    logit: pd.DataFrame, pooled: pd.DataFrame, started: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One answer per row of ``logit`` (section 1's rows, ``run_subgroup_analyses``).

    ``pooled`` are the rows of :func:`~research.evidence.pooling.pooled_subgroup_effects`
    (finished lifts, at least one per arm), ``started`` those of
    :func:`~research.evidence.competing.cif_contrasts` (every lift started, running ones
    included; one horizon is enough), for the arm sizes of contrasts without a finished lift
    in an arm. Adds ``source`` (:data:`SOURCES`), ``answer``, ``answer_ci_low``,
    ``answer_ci_high`` (missing for ``none``), ``answer_n_level``, ``answer_n_reference``,
    ``answer_events_level``, ``answer_events_reference`` (the finished lifts behind the
    answer), ``mde``, ``mde_basis``, ``mde_n_level``, ``mde_n_reference`` and ``base_rate``
    (the arm sizes and outcome rate the MDE is computed at).
    """
    out = logit.copy()
    firth = _by_key(pooled)
    begun = _by_key(started.drop_duplicates(KEY) if started is not None else None)
    rates = _analysis_rates(pooled)
    columns: dict[str, list] = {name: [] for name in _ADDED}
    for row in out.itertuples(index=False):
        key = (row.analysis, row.subgroup, row.level)
        cell = firth.loc[key] if key in firth.index else None
        status = Status(row.status)
        if status == Status.OK:
            source, estimate = "logit", (row.estimate, row.ci_low, row.ci_high)
        elif cell is not None and status in _RETRY_WITH_FIRTH and cell["status"] == Status.OK:
            source, estimate = "firth", (cell["estimate"], cell["ci_low"], cell["ci_high"])
        elif cell is not None and np.isfinite(cell["pooled_estimate"]):
            source = "pooled"
            estimate = (cell["pooled_estimate"], cell["pooled_ci_low"], cell["pooled_ci_high"])
        else:
            source, estimate = "none", (np.nan, np.nan, np.nan)
        counts = (
            tuple(int(cell[c]) for c in _COUNTS) if cell is not None else (pd.NA,) * len(_COUNTS)
        )
        if cell is not None:
            basis, n1, n0 = "finished", counts[0], counts[1]
            rate = (counts[2] + counts[3]) / (counts[0] + counts[1])
        elif key in begun.index:
            basis = "started"
            n1, n0 = (int(begun.loc[key, c]) for c in ("n_level", "n_reference"))
            rate = rates.get(row.analysis, 0.5)
        else:
            basis, n1, n0, rate = "", 0, 0, rates.get(row.analysis, 0.5)
        mde = float(minimum_detectable(n1, n0, rate)) if n1 and n0 else np.inf
        values = (source, *estimate, *counts, mde, basis, n1, n0, rate)
        for name, value in zip(_ADDED, values, strict=True):
            columns[name].append(value)
    for name, values in columns.items():
        out[name] = values
    for column in ("answer", "answer_ci_low", "answer_ci_high", "mde", "base_rate"):
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    for column in (*(f"answer_{c}" for c in _COUNTS), "mde_n_level", "mde_n_reference"):
        out[column] = out[column].astype("Int64")
    return out


_COUNTS = ("n_level", "n_reference", "events_level", "events_reference")
_ADDED = (
    "source",
    "answer",
    "answer_ci_low",
    "answer_ci_high",
    "answer_n_level",
    "answer_n_reference",
    "answer_events_level",
    "answer_events_reference",
    "mde",
    "mde_basis",
    "mde_n_level",
    "mde_n_reference",
    "base_rate",
)


def _by_key(frame: pd.DataFrame | None) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=KEY))
    return frame.set_index(KEY)


def _analysis_rates(pooled: pd.DataFrame) -> dict[str, float]:
    """Each analysis's outcome rate over its finished lifts (for a contrast without any)."""
    if pooled.empty:
        return {}
    totals = pooled.groupby("analysis")[list(_COUNTS)].sum()
    # each reference arm appears once per level: count it once
    reference = pooled.drop_duplicates(["analysis", "subgroup"]).groupby("analysis")
    n = totals["n_level"] + reference["n_reference"].sum()
    events = totals["events_level"] + reference["events_reference"].sum()
    return (events / n).to_dict()
