"""One result type for every generic estimator, and the inference that turns a SE into an interval.

Why one type: a reviewer asks the same five things of every number (what was estimated, how
uncertain, on how many rows and clusters, under which options, and what went wrong), so every
estimator answers them in the same fields and the CLI, the tables and the coverage study read
them in one way.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from research.evidence.result import Status

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Estimate:
    """A treatment effect with its standard error, interval and the conditions it rests on.

    ``options`` names the estimand, the standard-error type and the reference distribution of
    the interval (``inference``: ``normal`` or ``t(df)``), and any option the caller chose.
    ``n`` counts the rows used (after listwise deletion); ``n_clusters`` is ``None`` unless the
    standard error is cluster-robust. When the model could not be estimated (perfect
    separation, no convergence) the numbers are NaN and ``warnings`` says why.
    """

    method: str
    options: dict[str, Any]
    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int
    n_clusters: int | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the estimate and its standard error are finite numbers."""
        return math.isfinite(self.estimate) and math.isfinite(self.std_error)

    def covers(self, value: float) -> bool:
        """Whether the interval contains ``value`` (False when the estimate failed)."""
        return self.ok and self.ci_low <= value <= self.ci_high

    def table_fields(self) -> dict[str, Any]:
        """The columns a results table shows for this estimate (status "ok" or "failed")."""
        return {
            "estimate": self.estimate,
            "std_error": self.std_error,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
            "se_type": str(self.options.get("se_type", "")),
            "inference": str(self.options.get("inference", "")),
            "status": Status.OK if self.ok else Status.FAILED,
            "message": "; ".join(self.warnings),
        }

    def tidy(self) -> pd.DataFrame:
        """The estimate as one row in ``AnalysisResult``'s fixed tidy columns (the term is the
        method; the groups' sizes are not known to a generic estimator, only ``n``)."""
        from research.evidence.result import AnalysisResult

        row = {**self.table_fields(), "term": self.method}
        return AnalysisResult(self.method, pd.DataFrame([row])).tidy()

    def _repr_html_(self) -> str:
        fields = {k: plain(v) for k, v in self.to_dict().items() if k != "options"}
        options = ", ".join(f"{k}={plain(v)}" for k, v in self.options.items())
        rows = "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(_shown(v))}</td></tr>"
            for k, v in {**fields, "options": options}.items()
        )
        return f'<table class="research-estimate">{rows}</table>'

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values: NaN becomes None, numpy scalars become Python numbers."""
        return {
            "method": self.method,
            "options": {k: plain(v) for k, v in self.options.items()},
            "estimate": plain(self.estimate),
            "std_error": plain(self.std_error),
            "ci_low": plain(self.ci_low),
            "ci_high": plain(self.ci_high),
            "p_value": plain(self.p_value),
            "n": int(self.n),
            "n_clusters": None if self.n_clusters is None else int(self.n_clusters),
            "warnings": list(self.warnings),
        }


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)


def plain(value: Any) -> Any:
    """A value as JSON can hold it: NaN and infinities become None, numpy scalars Python ones."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def failed(
    method: str,
    options: dict[str, Any],
    n: int,
    n_clusters: int | None,
    warnings: list[str] | tuple[str, ...],
) -> Estimate:
    """An estimate that could not be computed: NaN numbers, the reason in ``warnings``."""
    nan = float("nan")
    return Estimate(method, options, nan, nan, nan, nan, nan, n, n_clusters, tuple(warnings))


def interval(
    estimate: float, std_error: float, df: float | None = None, confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """(ci_low, ci_high, two-sided p) from a normal (``df`` None) or t reference distribution."""
    from scipy import stats

    dist = stats.norm if df is None else stats.t(df)
    if not (math.isfinite(std_error) and std_error > 0):
        nan = float("nan")
        return nan, nan, nan
    z = float(dist.ppf(0.5 + confidence / 2))
    p = float(2 * dist.sf(abs(estimate / std_error)))
    return estimate - z * std_error, estimate + z * std_error, p


def influence_std_error(
    psi: np.ndarray, clusters: np.ndarray | None
) -> tuple[float, float | None, int | None]:
    """Sandwich SE of an estimator from its influence values (``estimate - truth ≈ sum(psi)``).

    Without clusters: sqrt(sum psi_i²), the HC0 / M-estimation sandwich, with a normal
    reference. With clusters: psi summed within each cluster, times G/(G-1) (CR1, as Stata
    does for M-estimators), with a t(G-1) reference. Returns (SE, df or None, G or None).
    """
    psi = np.asarray(psi, dtype=float)
    if clusters is None:
        return float(np.sqrt(np.sum(psi**2))), None, None
    sums = np.bincount(clusters, weights=psi)
    g = len(sums)
    variance = g / (g - 1) * float(np.sum(sums**2))
    return float(np.sqrt(variance)), float(g - 1), g


def inference_label(df: float | None) -> str:
    """How the interval was made, for ``options["inference"]``."""
    return "normal" if df is None else f"t({int(df)})"
