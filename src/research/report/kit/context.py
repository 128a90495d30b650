"""Everything one report run reads, loaded once and checked before any notebook cell runs.

Why: the notebooks stay thin (parameters, one ``load_context`` call, sections), and every bad
parameter — a malformed quarter, a quarter outside the project, an empty database, an unknown
partner — fails here with one clear line instead of deep inside a cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from research.config import ProgrammeConfig
from research.domain.period import Quarter
from research.metrics.common import Tables
from research.programme import (  # noqa: F401  (parse_quarter, default_quarter: moved there)
    Programme,
    ProgrammeError,
    default_quarter,
    open_programme,
    parse_quarter,
)
from research.report.kit.labels import check_lang

if TYPE_CHECKING:
    from research.metrics.disclosure import DisclosureRule
    from research.report.kit.publication import Publication


class ReportError(ProgrammeError):
    """A report cannot be made with these parameters or this data."""


@dataclass(frozen=True)
class ReportContext:
    """The data, the configuration and the choices of one report."""

    tables: Tables
    config: ProgrammeConfig
    quarter: Quarter
    lang: str
    rule: DisclosureRule
    data_date: date
    db_path: Path | None
    partner: str | None = None
    tables_dir: Path | None = None
    programme_tables: Tables = field(default_factory=dict, repr=False)
    data_origin: str = "real"  # research.store.meta.data_origin: synthetic, real or mixed
    publication: Publication | None = field(default=None, repr=False, compare=False)
    # the previous quarter's report folder (reports/2026Q2): its published figures are taken
    # into account by the quarter's protection (``kit.earlier``); None: not published
    earlier_dir: Path | None = None

    @property
    def as_of(self) -> pd.Timestamp:
        """The quarter's last day: the date every figure in the report is read at."""
        return pd.Timestamp(self.quarter.end)

    def _repr_html_(self) -> str:
        """The context shows what it holds in Jupyter, not a long repr."""
        import html

        quarter = self.quarter.label(self.lang)
        where = self.partner_name or ("hele projektet" if self.lang == "da" else "whole programme")
        return (
            f"<p><strong>{html.escape(self.config.name)}</strong>, {html.escape(quarter)} "
            f"({html.escape(where)}); data {self.data_date.isoformat()}, "
            f"min. cell {self.rule.min_cell}, language {self.lang}</p>"
        )

    @property
    def partner_name(self) -> str | None:
        for p in self.config.partners:
            if p.partner_id == self.partner:
                return p.name
        return None


def load_context(
    db: Path | str | None = None,
    quarter: Quarter | str | None = None,
    lang: str = "da",
    *,
    min_cell: int | None = None,
    partner: str | None = None,
    config: Path | str | None = None,
    tables_dir: Path | str | None = None,
    shown_as: Path | None = None,
    previous: Path | str | None = None,
) -> ReportContext:
    """Read the store once (read-only) and check every parameter against it.

    Empty strings mean "not given", because papermill parameters cannot be None-typed safely.
    The data are opened by ``research.open_programme`` (which finds the database from the
    working folder upwards, so a notebook run in JupyterLab finds it). ``shown_as`` is the
    database to name in messages when ``db`` is a snapshot of it. ``previous``: the previous
    quarter's published report folder, protected against (empty or missing: none).
    """
    try:
        check_lang(lang)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    programme = open_programme(
        db, quarter or None, config, partner, min_cell=min_cell, shown_as=shown_as
    )
    earlier = Path(previous) if previous and Path(previous).is_dir() else None
    return report_context(programme, lang, tables_dir=tables_dir, earlier_dir=earlier)


def report_context(
    programme: Programme,
    lang: str = "da",
    *,
    tables_dir: Path | str | None = None,
    earlier_dir: Path | None = None,
) -> ReportContext:
    """The report's context for an opened programme: its language, where the tables are
    written, and the publication that protects the quarter's tables jointly."""
    from research.metrics.common import SharedTables
    from research.report.kit.publication import Publication

    return ReportContext(
        # shared: the report's sections derive the same frames (every quarter's stocks, the
        # participants' facts at the quarter's end) once, not once per section
        tables=SharedTables(programme.tables),
        config=programme.config,
        quarter=programme.quarter,
        lang=lang,
        rule=programme.rule,
        data_date=programme.data_date,
        db_path=programme.db_path,
        partner=programme.partner,
        tables_dir=Path(tables_dir) if tables_dir else None,
        programme_tables=programme.programme_tables,
        data_origin=programme.data_origin,
        publication=Publication(programme.rule.min_cell),
        earlier_dir=earlier_dir,
    )
