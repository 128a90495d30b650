"""One publication per report run: every published table, their links, and joint protection.

Why: a reader holds the whole quarter at once, so disclosure control must see it at once.
Every table a report shows passes through ``Publication.admit`` (``kit.section.show`` calls
it): the table's person counts become cells, its declared links (``kit.links``) become
equations, and ``metrics.linked_disclosure.protect`` withholds further cells until the
interval attack over *everything admitted so far* proves no group of 1 … min_cell−1 persons.
Figures already shown stay shown (they are fixed), so a later table adapts to earlier ones.

``write`` records the cells and relations in ``tables/publication.json`` next to
``index.json``; ``research audit`` reads that file and the CSVs alone — never the true counts —
and runs the same attack on the finished folder.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from research.metrics.linked_disclosure import Relation, protect
from research.report.kit.earlier import EarlierQuarter
from research.report.kit.links import Link, Ref
from research.report.kit.publish import PublishedTable

PUBLICATION_FILE = "publication.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Cell:
    """One figure of a published table, as disclosure control sees it."""

    ref: Ref
    value: float | None  # None: no number (e.g. not collected)
    hidden: bool
    persons: bool


def row_keys(table: PublishedTable) -> list[str]:
    """The key of each row: the ``keys`` values joined by ``/``, else the row's position."""
    if not table.keys:
        return [str(i) for i in range(len(table.data))]
    parts = table.data[list(table.keys)].astype(str).to_numpy()
    return ["/".join(row) for row in parts]


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(number) else number


def table_cells(table: PublishedTable, columns: Iterable[str] = ()) -> dict[str, Cell]:
    """The person-count cells of a table, and the other ``columns`` named by links."""
    keys = row_keys(table)
    mask = table._mask()
    person_rows = (
        table.data[table.person_rows].astype(bool).to_numpy()
        if table.person_rows
        else np.ones(len(table.data), dtype=bool)
    )
    wanted = list(dict.fromkeys([*table.person_counts, *columns]))
    out: dict[str, Cell] = {}
    for column in wanted:
        if column not in table.data.columns:
            continue
        is_person_column = column in table.person_counts
        values = table.data[column].to_numpy()  # numpy, not pandas, per cell: many thousands
        hidden = mask[column].to_numpy()
        for i, key in enumerate(keys):
            ref = Ref(table.name, key, column)
            out[ref.id] = Cell(
                ref,
                _number(values[i]),
                bool(hidden[i]),
                is_person_column and bool(person_rows[i]),
            )
    return out


def cumulative_cells(table: PublishedTable) -> dict[str, list[str]]:
    """Per ``cumulative`` column, the row keys whose count never falls between quarters."""
    keys = row_keys(table)
    rows = (
        table.data[table.cumulative_rows].astype(bool).to_numpy()
        if table.cumulative_rows
        else np.ones(len(keys), dtype=bool)
    )
    chosen = [key for key, ever in zip(keys, rows, strict=True) if ever]
    return {column: chosen for column in table.cumulative}


def _links(tables: Mapping[str, PublishedTable]) -> list[Link]:
    return [link for table in tables.values() for link in table.links]


def relations_of(links: Iterable[Link]) -> list[Relation]:
    """Each link as an equation ``total − Σ parts − rest = 0``."""
    out = []
    for link in links:
        terms = [(link.total.id, 1), *((p.id, -1) for p in link.parts)]
        if link.rest:
            terms.append((link.rest, -1))
        out.append(Relation(link.name, tuple(terms)))
    return out


class Publication:
    """Everything one report run has shown so far, protected jointly."""

    def __init__(self, min_cell: int) -> None:
        self.min_cell = min_cell
        self.tables: dict[str, PublishedTable] = {}
        self.preset: set[str] = set()  # cells withheld by the quarter-wide protection
        self.extra_links: list[Link] = []  # links to other reports' cells (partner sums)
        self.zero_tables: set[str] = set()  # tables the quarter-wide protection made withhold 0
        self.quarter_protected = False
        self.background: set[str] = set()  # tables another publication writes (``add_published``)
        self.earlier: EarlierQuarter | None = None  # last quarter's report (``kit.earlier``)
        self._cells: dict[str, tuple[PublishedTable, tuple[str, ...], dict[str, Cell]]] = {}
        # linked groups attacked so far, by their equations: a section's protection attacks
        # everything admitted before it, which is mostly unchanged (``linked_disclosure``)
        self._attacked: dict = {}

    def add_published(self, tables: Iterable[PublishedTable]) -> None:
        """Tables already published elsewhere in the quarter (named as this publication's
        folder sees them, e.g. ``../tables/progress``): their shown figures are fixed and their
        links known to the attacker, so what is admitted later is protected jointly with them,
        but they are not written to this publication's record (their own record holds them)."""
        for table in tables:
            self.tables[table.name] = table
            self.background.add(table.name)

    def links(self, tables: Mapping[str, PublishedTable] | None = None) -> list[Link]:
        """The tables' own links and the links to other reports of the quarter."""
        return _links(self.tables if tables is None else tables) + list(self.extra_links)

    def cells(self, tables: Mapping[str, PublishedTable] | None = None) -> dict[str, Cell]:
        tables = self.tables if tables is None else tables
        linked: dict[str, set[str]] = {}
        for link in _links(tables):
            for ref in (link.total, *link.parts):
                linked.setdefault(ref.table, set()).add(ref.column)
        out: dict[str, Cell] = {}
        for name, table in tables.items():
            out |= self._table_cells(table, tuple(sorted(linked.get(name, ()))))
        return out

    def _table_cells(self, table: PublishedTable, columns: tuple[str, ...]) -> dict[str, Cell]:
        """``table_cells``, kept while the same table object is asked for the same columns
        (a table is never changed, only replaced): each section's protection asks for every
        table admitted so far, twice."""
        kept = self._cells.get(table.name)
        if kept is not None and kept[0] is table and kept[1] == columns:
            return kept[2]
        cells = table_cells(table, columns)
        self._cells[table.name] = (table, columns, cells)
        return cells

    def admit(self, tables: Iterable[PublishedTable]) -> list[PublishedTable]:
        """Register ``tables`` and return them with whatever else must be withheld."""
        new = [
            dataclasses.replace(t, withholds_zeros=True)
            if t.name in self.zero_tables and not t.withholds_zeros
            else t
            for t in tables
        ]
        names = [t.name for t in new]
        if len(set(names)) != len(names):
            raise ValueError(f"two tables share a name: {names}")
        before = self.cells()
        fixed = {cid for cid, c in before.items() if not c.hidden and c.value is not None}
        every = {**self.tables, **{t.name: t for t in new}}
        cells = self.cells(every)
        links = self.links(every)
        values = {cid: round(c.value) for cid, c in cells.items() if c.value is not None}
        later = [link for t in every.values() for link in t.checks]
        persons = {cid for cid, c in cells.items() if c.persons}
        persons |= {
            link.rest
            for link in links + later
            if link.rest and cells.get(link.total.id, _UNKNOWN).persons
        }
        withheld = {cid for cid, c in cells.items() if c.hidden or cid in self.preset}
        zero_ok = {cid for cid, c in cells.items() if every[c.ref.table].withholds_zeros}
        earlier = self._earlier_relations(cells, values, fixed, persons, withheld)
        protection = protect(
            values,
            relations_of(links) + earlier,
            persons,
            self.min_cell,
            withheld=withheld,
            fixed=fixed,
            may_be_zero=zero_ok,
            groups={cid: c.ref.table for cid, c in cells.items()},
            cache=self._attacked,
        )
        zero_tables = set(protection.zeros_withheld_in)
        if later:  # then the checks, from that solution: more is withheld only where needed
            protection = protect(
                values,
                relations_of(links + later) + earlier,
                persons,
                self.min_cell,
                withheld=set(protection.withheld),
                fixed=fixed,
                may_be_zero=zero_ok | _zero_groups(cells, protection.zeros_withheld_in),
                groups={cid: c.ref.table for cid, c in cells.items()},
                cache=self._attacked,
            )
            zero_tables |= protection.zeros_withheld_in  # the first pass's zeros stay withheld
        admitted = [_withhold(t, protection.withheld, t.name in zero_tables) for t in new]
        self.tables |= {t.name: t for t in admitted}
        return admitted

    def _earlier_relations(
        self,
        cells: Mapping[str, Cell],
        values: dict[str, int],
        fixed: set[str],
        persons: set[str],
        withheld: set[str],
    ) -> list[Relation]:
        """Last quarter's report as already published — its shown figures fixed, its
        withheld ones unknown, its relations known — and each figure linked to this
        quarter's: the same figure, or (cumulative) this quarter's = last quarter's + the
        persons added since. A link the figures contradict (corrected data) is left out."""
        earlier = self.earlier
        if earlier is None:
            return []
        out = list(earlier.relations)
        values.update({c: round(v) for c, v in earlier.published.items()})
        fixed |= set(earlier.published)
        withheld |= earlier.at_least_one
        # every group an earlier quarter withheld stays protected, also one this quarter's
        # figures reach only through that quarter's own relations
        persons |= {c for c in earlier.persons if c not in earlier.published}
        for cid, (then_id, same_figure) in earlier.links.items():
            cell = cells.get(cid)
            if cell is None or cell.value is None:
                continue
            now, then = round(cell.value), earlier.published.get(then_id)
            if then is not None and (
                (same_figure and now != round(then)) or (not same_figure and now < round(then))
            ):
                continue
            if then_id in earlier.persons and then_id in earlier.withheld:
                persons.add(then_id)  # last quarter's withheld group, now linked to this one
            if same_figure:
                terms: tuple[tuple[str, int], ...] = ((cid, 1), (then_id, -1))
                name = f"{cid} as published last quarter"
            else:
                added = f"{cid}:added since last quarter"
                persons.add(added)
                terms = ((cid, 1), (then_id, -1), (added, -1))
                name = f"{cid} = last quarter's + the persons added since"
            out.append(Relation(name, terms))
        return out

    def as_json(self) -> dict[str, Any]:
        """What ``research audit`` needs: tables, cells, derived groups, relations (the tables
        published elsewhere are left to their own record; links to them stay, by name)."""
        own = {n: t for n, t in self.tables.items() if n not in self.background}
        cells = {cid: c for cid, c in self.cells().items() if c.ref.table in own}
        links = self.links(own) + [link for t in own.values() for link in t.checks]
        derived = sorted({link.rest for link in links if link.rest})
        every = self.cells()
        persons_rest = {
            link.rest for link in links if link.rest and every.get(link.total.id, _UNKNOWN).persons
        }
        return {
            "format": FORMAT_VERSION,
            "min_cell": self.min_cell,
            "tables": {
                name: {
                    "file": f"{name}.csv",
                    "keys": list(t.keys),
                    "zeros_published": not t.withholds_zeros,
                    "follows": [dataclasses.asdict(f) for f in t.follows],
                }
                | ({"ratios": [dataclasses.asdict(r) for r in t.ratios]} if t.ratios else {})
                | ({"cumulative": cumulative_cells(t)} if t.cumulative else {})
                for name, t in own.items()
            },
            "cells": [
                {
                    "id": cid,
                    "table": c.ref.table,
                    "row": c.ref.row,
                    "column": c.ref.column,
                    "persons": c.persons,
                }
                for cid, c in cells.items()
            ],
            "derived": [{"id": d, "persons": d in persons_rest} for d in derived],
            "relations": [
                {"name": r.name, "terms": [[cell, coeff] for cell, coeff in r.terms]}
                for r in relations_of(links)
            ],
        }

    def write(self, folder: Path) -> Path:
        """``folder/publication.json`` (rewritten whole after every section)."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / PUBLICATION_FILE
        text = json.dumps(self.as_json(), indent=1, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
        return path


_UNKNOWN = Cell(Ref("", "", ""), None, False, True)  # a linked cell not published (yet)


def _zero_groups(cells: Mapping[str, Cell], tables: Iterable[str]) -> set[str]:
    """The cells of the tables that now withhold zeros."""
    chosen = set(tables)
    return {cid for cid, c in cells.items() if c.ref.table in chosen}


def _withhold(
    table: PublishedTable, withheld: set[str] | frozenset[str], zeros: bool = False
) -> PublishedTable:
    """The table with ``withheld`` cells (and the shares that follow them) marked hidden;
    ``zeros``: some of them are 0, so the table must say it withholds zeros."""
    if zeros and not table.withholds_zeros:
        table = dataclasses.replace(table, withholds_zeros=True)
    keys = row_keys(table)
    mask = table._mask().reset_index(drop=True).copy()
    changed = False
    for column in mask.columns:
        flags = [Ref(table.name, key, column).id in withheld for key in keys]
        if any(flags) and not all(mask[column].to_numpy()[np.asarray(flags)]):
            mask[column] = mask[column].to_numpy() | np.asarray(flags)
            changed = True
    for follows in table.follows:
        if follows.count not in mask.columns:
            continue
        hidden = mask[follows.count].to_numpy(bool)
        if follows.previous_row:
            hidden = hidden | np.concatenate([[False], hidden[:-1]])
        for column in follows.columns:
            if (hidden & ~mask[column].to_numpy(bool)).any():
                mask[column] = mask[column].to_numpy(bool) | hidden
                changed = True
    if not changed:
        return table
    return dataclasses.replace(table, hidden=mask.set_axis(table.data.index))
