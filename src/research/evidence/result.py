"""One status vocabulary and one result type for every programme analysis.

Why: each analysis (subgroup effects, cumulative incidence, Cox, conversion, company and
participant effects, RKV) has its own container, but a reader asks the same things of all of
them: what was estimated, how precisely, on how many people in each group, and did it work. An
``AnalysisResult`` keeps the analysis's own table (every column it computed, for the article)
and answers those questions in one fixed shape, ``tidy()``, in the spirit of pyfixest's
``tidy()``. ``Status`` is the one list of the words a result row carries; it is a ``str``
enum, so the words stored, printed and written to CSV stay exactly what they were.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pandas as pd


class Status(StrEnum):
    """What happened to one estimate; the value is the word tables and CSV files show."""

    OK = "ok"
    TOO_SMALL = "too_small"  # fewer persons than the disclosure threshold, not estimated
    FAILED = "failed"  # the estimator raised; the message says why
    SEPARATION = "separation"  # (quasi-)perfect separation in a logit
    NOT_CONVERGED = "not_converged"  # the optimiser did not converge (subgroup logits)
    NO_DATA = "no_data"  # no rows in the population
    FOLLOW_UP_SHORT = "follow_up_short"  # no lift in an arm has been followed that long yet
    NO_EVENTS = "no_events"  # nobody had the event
    NOT_REACHED = "not_reached"  # a Kaplan–Meier median not reached yet
    # the participant-effect rows say why in words a reader can act on
    TOO_FEW_OUTCOMES = "too few known outcomes"
    NO_OVERLAP = "no overlap"
    NOT_SOLVABLE = "could not be solved"
    DID_NOT_CONVERGE = "did not converge"


TIDY_COLUMNS = (
    "analysis",
    "term",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
    "p_value",
    "n_level",
    "n_reference",
    "status",
    "message",
)
"""The fixed columns of ``AnalysisResult.tidy()``: ``n_level`` counts the group the term
names (participants, the contrasted level), ``n_reference`` the group it is compared with."""

_NUMBERS = ("estimate", "std_error", "ci_low", "ci_high", "p_value", "n_level", "n_reference")


@dataclass(frozen=True, eq=False)
class AnalysisResult:
    """One analysis's results: its own table, and the same rows in the fixed tidy shape.

    ``table`` holds every column the analysis computed (one row per term); ``term`` names the
    columns that together say what a row is (joined by ": "); ``columns`` maps a tidy column to
    the table's column where the names differ (``{"estimate": "hazard_ratio"}``). ``status`` and
    ``message`` describe the analysis as a whole (rows with their own ``status`` keep it);
    ``detail`` is the estimator's full result, for the article's figures.
    """

    analysis: str
    table: pd.DataFrame
    term: tuple[str, ...] = ("term",)
    columns: Mapping[str, str] = field(default_factory=dict)
    status: Status = Status.OK
    message: str = ""
    detail: Any = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        """True when the analysis ran and at least one row was estimated."""
        return self.status == Status.OK and bool((self.tidy()["status"] == Status.OK).any())

    def tidy(self) -> pd.DataFrame:
        """One row per term in the fixed columns ``TIDY_COLUMNS`` (NaN where not estimated).

        An analysis that produced no rows gives one row with its status and message, so the
        reason is never lost.
        """
        table = self.table
        if table.empty:
            if self.status == Status.OK:
                return pd.DataFrame({c: pd.Series(dtype=object) for c in TIDY_COLUMNS})
            row = dict.fromkeys(TIDY_COLUMNS, float("nan"))
            row.update(analysis=self.analysis, term="", status=str(self.status))
            row["message"] = self.message
            return pd.DataFrame([row], columns=list(TIDY_COLUMNS))
        out = pd.DataFrame(index=table.index)
        out["analysis"] = self.analysis
        terms = [c for c in self.term if c in table.columns]
        if terms:
            out["term"] = table[terms].astype(str).agg(": ".join, axis=1)
        else:
            out["term"] = self.analysis
        for name in _NUMBERS:
            source = self.columns.get(name, name)
            values = table[source] if source in table.columns else float("nan")
            out[name] = pd.to_numeric(values, errors="coerce")
        status = table["status"] if "status" in table.columns else str(self.status)
        out["status"] = pd.Series(status, index=table.index).astype(str)
        message = table["message"] if "message" in table.columns else self.message
        out["message"] = pd.Series(message, index=table.index).fillna("").astype(str)
        return out.reset_index(drop=True)[list(TIDY_COLUMNS)]

    def _repr_html_(self) -> str:
        head = f"<p><strong>{html.escape(self.analysis)}</strong>: {html.escape(str(self.status))}"
        if self.message:
            head += f" — {html.escape(self.message)}"
        return (
            head
            + "</p>"
            + self.tidy().to_html(index=False, na_rep="", float_format="{:.3g}".format)
        )


def results_tidy(results: Mapping[str, AnalysisResult]) -> pd.DataFrame:
    """Every result's tidy rows in one table, in the order given."""
    frames = [r.tidy() for r in results.values()]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in TIDY_COLUMNS})
    return pd.concat(frames, ignore_index=True)
