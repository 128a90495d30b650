"""A table as it leaves the library: protected numbers, one formatter, and the same numbers as CSV.

Why: a report must not be able to show a table that skipped disclosure control or the Danish
formatter. A ``PublishedTable`` is built only from already-protected data (``hidden`` marks what
disclosure control withheld), renders itself in notebooks (``_repr_html_``), and writes the very
numbers it shows to ``tables/<name>.csv`` so the indicators exist as data, not only as pictures.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from research.csv_safety import csv_safe_frame
from research.domain.identifiers import CPR_FULL_MASK, mask_cpr_shaped
from research.metrics.disclosure import MARKER, DisclosureRule
from research.report.kit.formatting import ColumnFormat, format_table, to_html
from research.report.kit.labels import check_lang
from research.report.kit.links import Follows, Link, Ratio

TABLE_INDEX = "index.json"


@dataclass(frozen=True, eq=False)
class PublishedTable:
    """One report table.

    ``data`` holds the published values (protected already); ``hidden`` is a boolean frame of
    the same shape (or None) marking cells withheld by disclosure control, shown as ``..`` and
    written as ``..`` in the CSV. ``person_counts`` names the columns that count persons, so a
    test (and a reader) can check that none of them shows a group below the threshold.
    ``person_rows`` names a boolean column marking the rows those columns count persons in, for
    tables that mix persons with companies or workshops (None: every row).
    ``keys`` are stable identifying columns (e.g. an indicator's key) written to the CSV before
    the shown columns but not shown, so the data can be joined and compared across quarters.
    ``links`` declare how its cells relate to each other and to other tables' cells (totals,
    funnel steps, the same figure elsewhere) and ``follows`` which shares are withheld with
    their count; the publication (``kit.publication``) protects the quarter jointly with them.
    """

    name: str
    caption: str
    data: pd.DataFrame
    columns: dict[str, ColumnFormat]
    lang: str = "da"
    hidden: pd.DataFrame | None = None
    person_counts: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    person_rows: str | None = None
    note: str | None = None
    rule: DisclosureRule | None = field(default=None, repr=False)
    links: tuple[Link, ...] = field(default=(), repr=False)
    follows: tuple[Follows, ...] = field(default=(), repr=False)
    withholds_zeros: bool = False  # True: a withheld cell may be 0 (e.g. a chain's new persons)
    ratios: tuple[Ratio, ...] = field(default=(), repr=False)  # shares that publish numerators
    # links solved in a second pass: the protection first solves with ``links``, then
    # withholds more only where these still give a group away (so what the first pass chose
    # stays as it was wherever it already suffices); recorded for the audit like links
    checks: tuple[Link, ...] = field(default=(), repr=False)
    # person-count columns that count everyone ever (never fall from one quarter to the next),
    # so a later quarter's figure minus this one is a group of persons (``research audit``)
    cumulative: tuple[str, ...] = field(default=(), repr=False)
    cumulative_rows: str | None = None  # a bool column: the rows ``cumulative`` holds for

    def __post_init__(self) -> None:
        check_lang(self.lang)
        wanted = (*self.columns, *self.person_counts, *self.keys, *self._flag(), *self.cumulative)
        wanted += (self.cumulative_rows,) if self.cumulative_rows else ()
        missing = [c for c in wanted if c not in self.data.columns]
        if missing:
            raise KeyError(f"table {self.name}: columns not in the data: {', '.join(missing)}")
        if self.hidden is not None and (
            list(self.hidden.columns) != list(self.data.columns)
            or len(self.hidden) != len(self.data)
        ):
            raise ValueError(f"table {self.name}: the hidden mask must match the data's shape")

    def _flag(self) -> tuple[str, ...]:
        return (self.person_rows,) if self.person_rows else ()

    def _mask(self) -> pd.DataFrame:
        if self.hidden is None:
            return pd.DataFrame(False, index=self.data.index, columns=self.data.columns)
        return self.hidden.set_axis(self.data.index).astype(bool)

    def formatted(self) -> pd.DataFrame:
        """Display strings: the Danish (or English) formatter, with ``..`` where withheld."""
        shown = format_table(self.data.reset_index(drop=True), self.columns, self.lang)
        mask = self._mask().reset_index(drop=True)
        for name, fmt in self.columns.items():
            header = fmt.header(name, self.lang)
            shown.loc[mask[name].to_numpy(), header] = MARKER
        # researchers' free text can quote a CPR number by mistake: never show one
        return shown.map(_without_cpr)

    def footnote(self) -> str | None:
        parts = [p for p in (self.note,) if p]
        if self.hidden is not None and bool(self._mask().to_numpy().any()) and self.rule:
            parts.append(self.rule.note(MARKER) if self.lang == "da" else _note_en(self.rule))
        return " ".join(parts) or None

    def html(self) -> str:
        return to_html(self.formatted(), self.caption, self.lang, note=self.footnote())

    def _repr_html_(self) -> str:
        return self.html()

    def written_columns(self) -> list[str]:
        """The CSV's columns: keys and the row flag first, then the shown columns."""
        extra = [k for k in (*self.keys, *self._flag()) if k not in self.columns]
        return [*extra, *self.columns]

    def as_data(self) -> pd.DataFrame:
        """The numbers as data: keys, then the shown columns under their own names, ``..`` where
        withheld."""
        names = self.written_columns()
        frame = self.data[names].astype(object).copy()
        mask = self._mask()[names]
        return frame.mask(mask.to_numpy(), MARKER)

    def write_csv(self, folder: Path) -> Path:
        """``folder/<name>.csv`` (UTF-8, comma, decimal point) and its entry in ``index.json``."""
        path = folder / f"{self.name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_data_csv(self, path)
        _record(folder, self)
        return path


def write_data_csv(table: PublishedTable, path: Path) -> None:
    """The table's data as CSV, safe to open in a spreadsheet (no live formulas, no CPR)."""
    csv_safe_frame(table.as_data()).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _without_cpr(cell: object) -> object:
    return mask_cpr_shaped(cell, CPR_FULL_MASK) if isinstance(cell, str) else cell


def _note_en(rule: DisclosureRule) -> str:
    return (
        f"{MARKER}: withheld (fewer than {rule.min_cell} persons, or hidden so that other "
        "figures cannot be worked out)"
    )


def _record(folder: Path, table: PublishedTable) -> None:
    """Keep ``index.json``: each table's caption and person-count columns, for checks."""
    index_path = folder / TABLE_INDEX
    index: dict[str, Any] = {}
    if index_path.exists():
        index = json.loads(index_path.read_text(encoding="utf-8"))
    index[table.name] = {
        "caption": table.caption,
        "file": f"{table.name}.csv",
        # only what is written can be checked: counts used for hiding but not shown stay out
        "person_counts": [c for c in table.person_counts if c in table.written_columns()],
        "person_rows": table.person_rows,
        "min_cell": table.rule.min_cell if table.rule else None,
    }
    index_path.write_text(json.dumps(index, indent=2, ensure_ascii=False) + "\n", "utf-8")


def hidden_frame(data: pd.DataFrame, flags: dict[str, Iterable[bool]]) -> pd.DataFrame:
    """A mask for ``data`` with the given columns' flags and False elsewhere."""
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    for column, values in flags.items():
        mask[column] = list(values)
    return mask
