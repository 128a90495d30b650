"""Last quarter's published report, as this quarter's protection must take it into account.

Why: a reader keeps last quarter's report. A figure of a past quarter (a row of a quarterly
series) is the same in both reports, and a count of everyone so far (``cumulative``) grows by
the persons added in between — a group that must be 0 or at least ``min_cell`` like any other.
The report reads what the previous quarter published (every ``publication.json`` under its
folder and the CSVs: what a reader holds, never the database): its shown figures, what it
withheld and every relation between them, so a figure it withheld but let a reader work out
counts as known too. The quarter-wide protection treats all of it as already published
(``Publication.earlier``) and withholds this quarter's cells where a difference would be small.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from research.metrics.linked_disclosure import Relation

PREFIX = "earlier:"


@dataclass
class EarlierQuarter:
    """What the previous quarter published, named ``earlier:<folder>/<table>:<row>:<column>``."""

    published: dict[str, float] = field(default_factory=dict)
    withheld: set[str] = field(default_factory=set)  # cells shown as ..
    at_least_one: set[str] = field(default_factory=set)  # withheld where zeros are shown
    persons: set[str] = field(default_factory=set)
    relations: list[Relation] = field(default_factory=list)
    # this quarter's cell id (as the quarter-wide protection names it) → (earlier id, same)
    links: dict[str, tuple[str, bool]] = field(default_factory=dict)


def earlier_quarter(folder: Path | None) -> EarlierQuarter | None:
    """The previous quarter's report folder (programme, partners, deck, article) as a reader
    holds it; None when nothing was published there."""
    from research.report.kit.audit import QUARTER_IN_KEY, _load_one, _Loaded, find_publications

    if folder is None or not Path(folder).is_dir():
        return None
    paths = find_publications(Path(folder))
    if not paths:
        return None
    loaded = _Loaded()
    for path in paths:
        relative = path.parent.relative_to(folder).as_posix()
        _load_one(path, "" if relative == "." else relative + "/", loaded)

    def named(cell: str) -> str:
        return PREFIX + cell

    out = EarlierQuarter(
        published={named(c): v for c, v in loaded.published.items()},
        withheld={named(c) for c in loaded.withheld},
        at_least_one={named(c) for c in loaded.at_least_one},
        persons={named(c) for c in loaded.persons},
        relations=[
            Relation(f"last quarter: {r.name}", tuple((named(c), k) for c, k in r.terms))
            for r in loaded.relations
        ],
    )
    for cid, (place, _, table, row, column, cumulative) in loaded.located.items():
        scope = place.removesuffix("tables").strip("/")
        if place != "tables" and not place.endswith("/tables"):
            continue  # the deck and the article are not in the quarter-wide protection
        now = ("" if not scope else f"../{scope}/tables/") + f"{table}:{row}:{column}"
        if QUARTER_IN_KEY.search(row):
            out.links[now] = (named(cid), True)
        elif cumulative and cid in loaded.persons:
            out.links[now] = (named(cid), False)
    return out


def fingerprint(folder: Path | None) -> str:
    """A hash of what the previous quarter published (records and CSVs), for caches."""
    digest = hashlib.sha256()
    if folder is not None and Path(folder).is_dir():
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and path.suffix in (".json", ".csv"):
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
