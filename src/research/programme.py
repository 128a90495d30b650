"""The front door: one call that opens the programme's data for a researcher or a report.

Why: a report, a notebook in JupyterLab and a researcher's own script all need the same things
— the store's tables read once, the project configuration, the quarter, the data date and the
disclosure rule — checked the same way. ``open_programme()`` finds the database the way a
person expects (the argument, then ``$RESEARCH_DB``, then ``data/workbench.duckdb`` in the
working folder or any folder above it up to the repository root, so a kernel started in
``notebooks/`` finds it), and every wrong parameter stops here with one clear line.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from research.coerce import QuarterLike, as_path, as_quarter
from research.config import DEFAULT_DB, ProgrammeConfig, load_programme_config, resolve_db_path
from research.domain.period import Quarter, last_complete_quarter
from research.errors import ResearchError, StoreError

if TYPE_CHECKING:
    import pandas as pd

    from research.evidence.result import AnalysisResult
    from research.metrics.common import Tables
    from research.metrics.disclosure import DisclosureRule

_ROOT_MARKERS = ("pyproject.toml", ".git")


class ProgrammeError(ResearchError):
    """The programme cannot be opened with these parameters or this data."""


def find_database(db: Path | str | None = None, start: Path | None = None) -> Path:
    """The database to read: ``db``, else ``$RESEARCH_DB``, else ``data/workbench.duckdb``
    in ``start`` (the working folder) or the nearest folder above it, up to the repository
    root. When none exists the default path is returned, for the caller's message."""
    chosen = resolve_db_path(as_path(db, "db") if db else None)
    if chosen != DEFAULT_DB:  # given explicitly or by RESEARCH_DB: used as it is
        return chosen
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_DB
        if candidate.is_file():
            return candidate if folder != Path.cwd().resolve() else DEFAULT_DB
        if any((folder / marker).exists() for marker in _ROOT_MARKERS):
            break
    return DEFAULT_DB


def parse_quarter(text: QuarterLike, config: ProgrammeConfig) -> Quarter:
    """A quarter inside the project period, or a ProgrammeError saying what is wrong."""
    try:
        quarter = as_quarter(text)
    except ValueError as exc:
        raise ProgrammeError(str(exc)) from None
    first = Quarter.containing(config.period.start)
    last = Quarter.containing(config.period.end)
    if not first <= quarter <= last:
        raise ProgrammeError(
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
        raise ProgrammeError(
            f"the data end on {day:%d-%m-%Y}, before the first complete quarter of the project "
            f"({first}); give --quarter to report on an incomplete quarter"
        )
    return min(quarter, last)


@dataclass(frozen=True)
class Programme:
    """The programme's data at one quarter: what every metric and analysis reads.

    ``tables`` are the store's tables (one partner's share when ``partner`` is given;
    ``programme_tables`` are always the whole programme's). Numbers taken from here are not
    yet disclosure-protected: the report's tables apply ``rule`` before anything is shown.
    """

    tables: Tables = field(repr=False)
    config: ProgrammeConfig = field(repr=False)
    quarter: Quarter
    data_date: date
    rule: DisclosureRule
    db_path: Path
    partner: str | None = None
    data_origin: str = "real"  # research.store.meta.data_origin: synthetic, real or mixed
    programme_tables: Tables = field(default_factory=dict, repr=False)

    @property
    def as_of(self) -> pd.Timestamp:
        """The quarter's last day: the date every figure is read at."""
        import pandas as pd

        return pd.Timestamp(self.quarter.end)

    def progress(self) -> pd.DataFrame:
        """Progress against the targets at the quarter's end (``metrics.progress_table``)."""
        from research.metrics.progress import progress_table

        return progress_table(self.tables, self.config, self.quarter)

    def lifts(self, programme: str | None = None) -> pd.DataFrame:
        """One row per lift at the quarter's end, the frame the article's analyses read."""
        from research.evidence.frames import lift_frame

        if programme is None:
            return lift_frame(self.tables, self.as_of)
        return lift_frame(self.tables, self.as_of, programme=programme)

    def subgroup(self, key: str) -> AnalysisResult:
        """One of the article's subgroup analyses (``research.subgroup_analysis`` lists them)."""
        from research.evidence.subgroups import subgroup_result

        return subgroup_result(self.lifts(), key, min_cell=self.rule.min_cell)

    def summary(self) -> pd.DataFrame:
        """What was opened, as a small table: database, quarter, data date, rows per table."""
        import pandas as pd

        facts = {
            "database": str(self.db_path),
            "project": self.config.name,
            "quarter": str(self.quarter),
            "data date": self.data_date.isoformat(),
            "partner": self.partner or "whole programme",
            "data origin": self.data_origin,
            "disclosure": f"counts below {self.rule.min_cell} persons withheld",
        }
        counts = {f"rows: {name}": len(frame) for name, frame in self.tables.items() if len(frame)}
        return pd.DataFrame({"value": {**facts, **counts}}).rename_axis("")

    def _repr_html_(self) -> str:
        title = html.escape(f"{self.config.name}, {self.quarter}")
        return f"<p><strong>{title}</strong></p>" + self.summary().to_html()


def open_programme(
    db: Path | str | None = None,
    quarter: QuarterLike | None = None,
    config: Path | str | None = None,
    partner: str | None = None,
    *,
    min_cell: int | None = None,
    shown_as: Path | None = None,
) -> Programme:
    """Read the store once (read-only) and check every parameter against it.

    ``quarter`` is ``"2026Q3"`` or a Quarter (default: the last complete quarter in the data);
    ``db`` and ``config`` are paths or strings (default: see ``find_database`` and
    ``load_programme_config``). Empty strings mean "not given", as papermill passes them.
    ``shown_as`` is the database to name in messages when ``db`` is a snapshot of it.
    """
    from research.metrics.disclosure import DisclosureRule
    from research.store.connection import connect
    from research.store.meta import data_origin
    from research.store.read import data_date, read_tables, row_counts

    programme = load_programme_config(as_path(config, "config") if config else None)
    path = find_database(db or None)
    named = shown_as or path
    if not path.exists():
        raise StoreError(f"database {named} does not exist; run `research simulate` or import data")
    with connect(path, read_only=True) as con:
        counts = row_counts(con)
        day = data_date(con)
        tables = read_tables(con)
        origin = data_origin(con)
    if not any(counts.get(name, 0) for name in ("enrolments", "company_contacts", "workshops")):
        raise ProgrammeError(
            f"database {named} holds no enrolments, contacts or workshops: nothing to report on; "
            "import the exports first (research import --kinds lists them)"
        )
    assert day is not None  # a database with enrolments has a data date
    chosen = parse_quarter(quarter, programme) if quarter else default_quarter(day, programme)
    rule = DisclosureRule(min_cell=int(min_cell if min_cell else programme.min_cell))
    partner_id = partner or None
    scoped = tables
    if partner_id:
        known = [p.partner_id for p in programme.partners]
        if partner_id not in known:
            raise ProgrammeError(
                f"unknown partner {partner_id!r}; the partners are {', '.join(known)}"
            )
        from research.metrics.partner import filter_to_partner

        scoped = filter_to_partner(tables, partner_id)
    return Programme(
        tables=scoped,
        config=programme,
        quarter=chosen,
        data_date=day,
        rule=rule,
        db_path=path,
        partner=partner_id,
        data_origin=origin,
        programme_tables=tables,
    )
