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

from research.config import ProgrammeConfig, load_programme_config, resolve_db_path
from research.domain.period import Quarter, last_complete_quarter
from research.errors import ResearchError, StoreError
from research.metrics.common import Tables
from research.report.kit.labels import check_lang
from research.store.connection import connect
from research.store.meta import data_origin
from research.store.read import data_date, read_tables, row_counts

if TYPE_CHECKING:
    from research.metrics.disclosure import DisclosureRule
    from research.report.kit.publication import Publication


class ReportError(ResearchError):
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

    @property
    def as_of(self) -> pd.Timestamp:
        """The quarter's last day: the date every figure in the report is read at."""
        return pd.Timestamp(self.quarter.end)

    @property
    def partner_name(self) -> str | None:
        for p in self.config.partners:
            if p.partner_id == self.partner:
                return p.name
        return None


def parse_quarter(text: str, config: ProgrammeConfig) -> Quarter:
    """A quarter inside the project period, or a ReportError saying what is wrong."""
    try:
        quarter = Quarter.parse(text)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    first = Quarter.containing(config.period.start)
    last = Quarter.containing(config.period.end)
    if not first <= quarter <= last:
        raise ReportError(
            f"quarter {quarter} is outside the project period {first}–{last} "
            f"({config.period.start:%d-%m-%Y} to {config.period.end:%d-%m-%Y})"
        )
    return quarter


def default_quarter(day: date, config: ProgrammeConfig) -> Quarter:
    """The last complete quarter of the data: the data date's own quarter if it is its last day.

    Clamped to the project period so a database with events after the project still reports.
    """
    quarter = Quarter.containing(day)
    if day != quarter.end:
        quarter = last_complete_quarter(day)
    last = Quarter.containing(config.period.end)
    first = Quarter.containing(config.period.start)
    if quarter < first:
        raise ReportError(
            f"the data end on {day:%d-%m-%Y}, before the first complete quarter of the project "
            f"({first}); give --quarter to report on an incomplete quarter"
        )
    return min(quarter, last)


def load_context(
    db: Path | str | None = None,
    quarter: str | None = None,
    lang: str = "da",
    *,
    min_cell: int | None = None,
    partner: str | None = None,
    config: Path | str | None = None,
    tables_dir: Path | str | None = None,
    shown_as: Path | None = None,
) -> ReportContext:
    """Read the store once (read-only) and check every parameter against it.

    Empty strings mean "not given", because papermill parameters cannot be None-typed safely.
    ``shown_as`` is the database to name in messages when ``db`` is a snapshot of it.
    """
    try:
        check_lang(lang)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    programme = load_programme_config(Path(config) if config else None)
    path = resolve_db_path(db or None)
    named = shown_as or path
    if not path.exists():
        raise StoreError(f"database {named} does not exist; run `research simulate` or import data")
    with connect(path, read_only=True) as con:
        counts = row_counts(con)
        day = data_date(con)
        tables = read_tables(con)
        origin = data_origin(con)
    if not any(counts.get(name, 0) for name in ("enrolments", "company_contacts", "workshops")):
        raise ReportError(
            f"database {named} holds no enrolments, contacts or workshops: nothing to report on; "
            "import the exports first (research import --kinds lists them)"
        )
    assert day is not None  # a database with enrolments has a data date
    from research.metrics.disclosure import DisclosureRule

    chosen = parse_quarter(quarter, programme) if quarter else default_quarter(day, programme)
    rule = DisclosureRule(min_cell=int(min_cell if min_cell else programme.min_cell))
    partner_id = partner or None
    scoped = tables
    if partner_id:
        known = [p.partner_id for p in programme.partners]
        if partner_id not in known:
            raise ReportError(
                f"unknown partner {partner_id!r}; the partners are {', '.join(known)}"
            )
        from research.report.kit.partner import filter_to_partner

        scoped = filter_to_partner(tables, partner_id)
    from research.report.kit.publication import Publication

    return ReportContext(
        tables=scoped,
        config=programme,
        quarter=chosen,
        lang=lang,
        rule=rule,
        data_date=day,
        db_path=path,
        partner=partner_id,
        tables_dir=Path(tables_dir) if tables_dir else None,
        programme_tables=tables,
        data_origin=origin,
        publication=Publication(rule.min_cell),
    )
