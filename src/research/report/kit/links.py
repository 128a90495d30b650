"""How a published table says which of its figures are linked to other figures.

Why declared on the table: disclosure control must know every relation a reader can use
(totals and their parts, funnel steps, the same figure in two places), and the one who knows
them is the code that builds the table. A table lists its links once; the publication
(``kit.publication``) turns them into equations, protects the quarter jointly and writes
them to ``publication.json`` so ``research audit`` can attack the finished files.

A cell is named by table, row key and column (``Ref``). A row key is the table's ``keys``
values joined by ``/`` (e.g. ``employment_status/employed``), or the row's position when the
table has no keys.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Ref:
    """One cell of a published table."""

    table: str
    row: str
    column: str

    @property
    def id(self) -> str:
        return f"{self.table}:{self.row}:{self.column}"


@dataclass(frozen=True)
class Link:
    """``total = Σ parts``, plus an unpublished group ``rest`` when the parts leave some out.

    ``rest`` names a group that is never shown but that a reader can work out as the
    difference (the persons lost between two funnel steps, the self-employed that ESF counts
    and the composition table does not); it is protected like a withheld person cell.
    """

    name: str
    total: Ref
    parts: tuple[Ref, ...]
    rest: str | None = None


@dataclass(frozen=True)
class Follows:
    """Columns (shares, rates, means) withheld wherever the count ``count`` is withheld."""

    count: str
    columns: tuple[str, ...]
    previous_row: bool = False  # also when the row before is withheld (a conversion)


@dataclass(frozen=True)
class Ratio:
    """A share shown beside its denominator publishes its numerator: ``numerator`` =
    ``share`` × ``denominator`` (rounded), even when the numerator's column is not written.

    Why declared: the audit must see the counts a reader can multiply back out (a completion
    rate beside the number of lifts is the number completed), so it derives the numerator
    from the files and attacks it like any other person cell.
    """

    numerator: str
    denominator: str
    share: str


def margin(
    table: str,
    column: str,
    total_row: str,
    part_rows: Sequence[str],
    *,
    name: str,
    rest: str | None = None,
) -> Link:
    """A total row and the rows that add up to it, within one column of one table."""
    return Link(
        name,
        Ref(table, total_row, column),
        tuple(Ref(table, r, column) for r in part_rows),
        rest,
    )


def chain(table: str, column: str, rows: Sequence[str], *, name: str) -> list[Link]:
    """Nested steps (a funnel, a cumulative series): each step is the next plus those lost."""
    return [
        Link(
            f"{name}: {before} → {after}",
            Ref(table, before, column),
            (Ref(table, after, column),),
            rest=f"{table}:{before}→{after}:{column}",
        )
        for before, after in itertools.pairwise(rows)
    ]


def same(a: Ref, b: Ref, *, name: str) -> Link:
    """The same figure in two places."""
    return Link(name, a, (b,))


def row_keys(data: pd.DataFrame, keys: Sequence[str]) -> list[str]:
    """Row keys as ``kit.publication.row_keys`` names them."""
    if not keys:
        return [str(i) for i in range(len(data))]
    return ["/".join(row) for row in data[list(keys)].astype(str).to_numpy()]


def whole(value: object) -> int | None:
    """A count as a whole number, or None when it is missing."""
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return None if pd.isna(number) else round(float(number))


def with_and_without(
    table: str,
    data: pd.DataFrame,
    keys: Sequence[str],
    pairs: Iterable[tuple[str, str, str]],
) -> list[Link]:
    """Per row: ``total = part + the rest`` (lifts = with the event + without; RKVs = agree +
    disagree). The rest is never shown but a reader can subtract: it is a derived person group.
    ``pairs``: (total column, part column, words for the rest)."""
    links = []
    for i, key in enumerate(row_keys(data, keys)):
        for total, part, rest in pairs:
            if whole(data[total].iloc[i]) is None or whole(data[part].iloc[i]) is None:
                continue
            links.append(
                Link(
                    f"{table} {key}: {total} = {part} + {rest}",
                    Ref(table, key, total),
                    (Ref(table, key, part),),
                    rest=f"{table}:{key}:{rest}",
                )
            )
    return links
