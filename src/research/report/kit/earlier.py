"""Every earlier quarter's published report, as this quarter's protection must take it into account.

Why: a reader keeps every report published so far, not only last quarter's. A figure of a past
quarter (a row of a quarterly series) is the same in every later report, and a count of
everyone so far (``cumulative``) grows by the persons added in between — a group that must be
0 or at least ``min_cell`` like any other, between any two quarters a reader holds. The report
reads what each earlier quarter published — every ``publication.json`` under the previous
quarter's folder and under each earlier quarter's folder beside it (``reports/2025Q4``,
``reports/2026Q1``, … when making ``reports/2026Q3`` with ``reports/2026Q2`` as the previous
one), and the CSVs they describe: what a reader holds, never the database. From each it takes
only what it published: its shown figures, what it withheld and every relation between them,
so a figure it withheld but let a reader work out counts as known too; the earlier quarters
are linked to each other as ``research audit reports/`` links them. The quarter-wide protection
treats all of it as already published (``Publication.earlier``) and withholds this quarter's
cells where a difference to the latest earlier figure would be small.

Cheaply: an earlier quarter's relations whose figures were all shown hold no unknown and are
dropped, and so is every group of relations that no figure of this quarter reaches (through
the earlier quarters' withheld cells): it cannot change this quarter's protection. What is left
grows with the figures that chain across quarters, not with the number of quarters' tables.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from research.metrics.linked_disclosure import Relation

PREFIX = "earlier:"
QUARTER_FOLDER = re.compile(r"^\d{4}Q[1-4]$")


@dataclass
class EarlierQuarter:
    """What the earlier quarters published, named ``earlier:<quarter>/<folder>/<table>:<row>:
    <column>`` (without ``<quarter>/`` when a single folder was read)."""

    published: dict[str, float] = field(default_factory=dict)
    withheld: set[str] = field(default_factory=set)  # cells shown as ..
    at_least_one: set[str] = field(default_factory=set)  # withheld where zeros are shown
    persons: set[str] = field(default_factory=set)
    relations: list[Relation] = field(default_factory=list)
    # this quarter's cell id (as the quarter-wide protection names it) → (earlier id, same)
    links: dict[str, tuple[str, bool]] = field(default_factory=dict)
    quarters: tuple[str, ...] = ()  # the quarter folders read, oldest first
    notes: tuple[str, ...] = ()  # earlier quarters that could not be linked to each other


def earlier_folders(folder: Path | None) -> list[Path]:
    """The folders a reader holds before this quarter: the previous quarter's ``folder`` and,
    when it is named like a quarter (``reports/2026Q2``), every quarter folder beside it up
    to it, oldest first; only those that publish something (hold a ``publication.json``)."""
    from research.report.kit.audit import find_publications

    if folder is None or not Path(folder).is_dir():
        return []
    folder = Path(folder)
    if not QUARTER_FOLDER.match(folder.name):
        candidates = [folder]
    else:
        candidates = sorted(
            p
            for p in folder.parent.iterdir()
            if p.is_dir() and QUARTER_FOLDER.match(p.name) and p.name <= folder.name
        )
    return [p for p in candidates if find_publications(p)]


def latest_published_before(out: Path, quarter: str) -> Path | None:
    """The newest quarter folder under ``out`` before ``quarter`` that publishes something:
    the ``previous`` a report of ``quarter`` protects against (with every earlier one)."""
    if not Path(out).is_dir():
        return None
    before = sorted(
        p
        for p in Path(out).iterdir()
        if p.is_dir() and QUARTER_FOLDER.match(p.name) and p.name < str(quarter)
    )
    for folder in reversed(before):
        if earlier_folders(folder)[-1:] == [folder]:
            return folder
    return None


def earlier_quarter(folder: Path | None) -> EarlierQuarter | None:
    """Every earlier quarter's report (programme, partners, deck, article) as a reader holds
    it, up to the previous quarter's ``folder``; None when nothing was published there."""
    from research.report.kit.audit import (
        QUARTER_IN_KEY,
        _across_quarters,
        _consistent_pairs,
        _load_one,
        _Loaded,
        find_publications,
    )

    folders = earlier_folders(folder)
    if not folders:
        return None
    many = len(folders) > 1  # one folder: its cells keep their names, as before
    loaded = _Loaded()
    for quarter in folders:
        base = f"{quarter.name}/" if many else ""
        for path in find_publications(quarter):
            relative = path.parent.relative_to(quarter).as_posix()
            _load_one(path, base + ("" if relative == "." else relative + "/"), loaded)

    def named(cell: str) -> str:
        return PREFIX + cell

    links: dict[str, tuple[str, bool]] = {}
    for cid, (place, _quarter, table, row, column, cumulative) in sorted(
        loaded.located.items(), key=lambda item: item[1][1]
    ):  # oldest quarter first, so the latest quarter's figure is the one linked
        scope = place.removesuffix("tables").strip("/")
        if place != "tables" and not place.endswith("/tables"):
            continue  # the deck and the article are not in the quarter-wide protection
        now = ("" if not scope else f"../{scope}/tables/") + f"{table}:{row}:{column}"
        if QUARTER_IN_KEY.search(row):
            links[now] = (named(cid), True)
        elif cumulative and cid in loaded.persons:
            links[now] = (named(cid), False)
    # between the earlier quarters: the same figure, and everyone so far + the persons added
    pairs = _across_quarters(loaded)
    across = [r for relations in pairs.values() for r in relations]
    start = [then.removeprefix(PREFIX) for then, _ in links.values()]
    kept = {id(r) for r in reaching(loaded.relations + across, set(loaded.published), start)}
    loaded.relations = [r for r in loaded.relations if id(r) in kept]
    pairs = {pair: [r for r in rs if id(r) in kept] for pair, rs in pairs.items()}
    notes: list[str] = []
    if any(pairs.values()):  # leave out a pair the published figures contradict
        loaded.relations += _consistent_pairs(
            loaded, {pair: rs for pair, rs in pairs.items() if rs}, notes
        )
    cells = {c for r in loaded.relations for c in r.cells()} | set(start)
    return EarlierQuarter(
        published={named(c): v for c, v in loaded.published.items() if c in cells},
        withheld={named(c) for c in loaded.withheld if c in cells},
        at_least_one={named(c) for c in loaded.at_least_one if c in cells},
        persons={named(c) for c in loaded.persons if c in cells},
        relations=[
            Relation(f"earlier: {r.name}", tuple((named(c), k) for c, k in r.terms))
            for r in loaded.relations
        ],
        links=links,
        quarters=tuple(f.name for f in folders),
        notes=tuple(notes),
    )


def reaching(relations: list[Relation], known: set[str], start: Iterable[str]) -> list[Relation]:
    """The relations a figure of this quarter can reach: those with an unknown cell, joined to
    a ``start`` cell through unknown cells (a relation of shown figures only tells nothing new,
    and a group of relations no start reaches cannot change this quarter's protection)."""
    by_cell: dict[str, list[int]] = {}
    for i, relation in enumerate(relations):
        for cell in relation.cells():
            if cell not in known:
                by_cell.setdefault(cell, []).append(i)
    kept: set[int] = set()
    frontier = [c for c in start if c in by_cell]
    seen = set(frontier)
    while frontier:
        cell = frontier.pop()
        for i in by_cell[cell]:
            if i in kept:
                continue
            kept.add(i)
            for other in relations[i].cells():
                if other in by_cell and other not in seen:
                    seen.add(other)
                    frontier.append(other)
    return [relations[i] for i in sorted(kept)]


def fingerprint(folder: Path | None) -> str:
    """A hash of what the earlier quarters published (records and CSVs), for caches."""
    digest = hashlib.sha256()
    for quarter in earlier_folders(folder):
        for path in sorted(quarter.rglob("*")):
            if path.is_file() and path.suffix in (".json", ".csv"):
                digest.update(f"{quarter.name}/{path.relative_to(quarter).as_posix()}".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
