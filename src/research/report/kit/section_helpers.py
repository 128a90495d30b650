"""Small pieces sections 3-9 share: language choice, "no data" text, dates up to the quarter.

Why: every section must speak Danish or English, say "Ingen data" rather than crash on an empty
partner scope or an early quarter, and read the store as it stood at the end of the report
quarter (later rows exist when a past quarter is re-made), so those three habits live here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.metrics.disclosure import MARKER, DisclosureRule
from research.report.kit.context import ReportContext
from research.report.kit.labels import label, tr
from research.report.kit.publish import PublishedTable
from research.report.kit.section import Text


def no_data(ctx: ReportContext, what_da: str = "", what_en: str = "") -> Text:
    """A short "Ingen data" paragraph instead of a table or figure that has nothing to show."""
    base = label("no_data", ctx.lang)
    what = tr(ctx, what_da, what_en)
    return Text(f"{base}: {what}." if what else f"{base}.")


def until(frame: pd.DataFrame, column: str, ctx: ReportContext) -> pd.DataFrame:
    """Rows dated on or before the quarter's last day (missing dates are dropped)."""
    return frame[frame[column] <= ctx.as_of].reset_index(drop=True)


def in_quarter(dates: pd.Series, ctx: ReportContext) -> pd.Series:
    """True for dates inside the report quarter."""
    start = pd.Timestamp(ctx.quarter.start)
    return ((dates >= start) & (dates <= ctx.as_of)).fillna(False).astype(bool)


def partner_names(ctx: ReportContext) -> dict[str, str]:
    return {p.partner_id: p.name for p in ctx.config.partners}


def too_few(counts: Iterable, rule: DisclosureRule) -> np.ndarray:
    """True where a statistic rests on 1 … ``min_cell``-1 units (0 units: no statistic at all).

    Used for companies, visits, contacts and survey answers, which are not persons: their counts
    are shown, but a mean or a percentage of so few says too little and comes too close to
    single companies. It is ``suppress_tidy``'s rule for a derived figure in a one-row stratum
    (count below ``min_cell``), without building a table per row.
    """
    values = pd.Series(list(counts), dtype="Float64").fillna(0).to_numpy(dtype=float)
    return (values > 0) & (values < rule.min_cell)


def shown_or_marker(values: pd.Series, hidden: Iterable[bool]) -> pd.Series:
    """Values for a chart: the disclosure marker where withheld, so the figure writes ".."."""
    flags = np.asarray(list(hidden), dtype=bool)
    out = values.astype(object).copy()
    out[flags] = MARKER
    return out


def min_cell_note(
    ctx: ReportContext,
    unit_da: str,
    unit_en: str,
    counted_da: str | None = None,
    counted_en: str | None = None,
) -> str:
    """The note for tables of companies (visits, contacts): why nothing is suppressed.

    ``unit`` is what the threshold counts; ``counted`` what the table counts (default: unit).
    """
    n = ctx.rule.min_cell
    return tr(
        ctx,
        f"Tallene tæller {counted_da or unit_da}, ikke personer, og antal vises, som de er. Her "
        f"står «{MARKER}» for gennemsnit og andele, der hviler på færre end {n} {unit_da}: så "
        "få siger for lidt og kommer for tæt på den enkelte virksomhed.",
        f"The figures count {counted_en or unit_en}, not persons, and counts are shown as they "
        f"are. Here “{MARKER}” marks means and percentages resting on fewer than {n} {unit_en}: "
        "so few say too little and come too close to single companies.",
    )


@dataclass(frozen=True, eq=False)
class CompanyTable(PublishedTable):
    """A published table of companies, visits, contacts or survey answers — never persons.

    Its ``..`` marks statistics resting on too few units (see ``min_cell_note``), so the
    person-suppression footnote ``PublishedTable`` adds would misdescribe it; the table's own
    note says what the marker means.
    """

    def footnote(self) -> str | None:
        return self.note or None
