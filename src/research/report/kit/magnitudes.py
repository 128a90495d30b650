"""Means and medians of persons' values: the threshold rule for magnitudes, and its check.

Why: the disclosure rule says no figure may describe fewer than ``min_cell`` persons. A count is
one kind of figure; a mean, a median (or a bound of its interval) of persons' values is another:
the median time to completion of 3 lifts is one of those 3 persons' own completion time. The
rule statistical offices apply to such magnitudes (the threshold rule of the ESSnet *Handbook
on Statistical Disclosure Control*; research data centres state it as "every result rests on at
least 5 distinct units") is the count rule again: a mean or median is shown only where it rests
on at least ``min_cell`` persons. A mean also adds up: shown beside its count, it publishes the
group's total (mean × n), so it is withheld wherever its count is (also where the count is
withheld only to protect another figure), and a total's mean and its parts' means must not give
away the mean of a left-over group of 1 … min_cell−1 persons. A median does not add up: it is
withheld with the count of the group it describes (a track's lifts) and rests on the persons
whose values it takes (the track's completions, for a median time to completion), who must be at
least ``min_cell`` — whether or not that count is shown.

A table declares each magnitude as a ``Magnitude`` among its ``follows``: the columns, the count
they are withheld with, and the persons they rest on (and, for a mean over a total and its
parts, those rows). So the publication withholds the magnitude wherever its count is withheld,
the record ``publication.json`` lists it for ``research audit`` (a magnitude shown beside its
withheld count fails it), ``magnitude_mask`` withholds one resting on too few persons, and
``check_magnitudes`` refuses a table that would still show one — run on every table the
publication admits (``kit.section.publish_section``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.errors import ResearchError
from research.report.kit.links import Follows, Link, margin, row_keys, whole
from research.report.kit.publish import PublishedTable

KINDS = ("mean", "median")


class MagnitudeDisclosure(ResearchError):
    """A mean or median would be shown although it describes fewer than ``min_cell`` persons."""


@dataclass(frozen=True)
class Magnitude(Follows):
    """``columns`` (a mean or median of persons' values, and its interval's bounds) are
    withheld with the count ``count`` of the same row and rest on the persons counted in
    ``rests_on`` (default: ``count``), who must be at least ``min_cell``.

    ``kind``: "mean" (rests on its own count: it adds up) or "median". ``parts`` (means only):
    (total row, part rows) — the total's persons are the parts' and a rest; shown means of
    both publish the rest's total.
    """

    kind: str = "median"
    parts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rests_on: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"a magnitude is a mean or a median, not {self.kind!r}")
        if self.parts and self.kind != "mean":
            raise ValueError("only a mean adds up over parts")
        if self.kind == "mean" and self.rests_on not in (None, self.count):
            raise ValueError("a mean rests on the count it is withheld with")

    @property
    def persons(self) -> str:
        """The count of the persons the magnitude rests on."""
        return self.rests_on or self.count

    def links(self, table: str) -> list[Link]:
        """The counts' relations behind ``parts``: total = parts + the rest (a derived group),
        so the joint protection keeps the rest at 0 or at least ``min_cell`` persons."""
        return [
            margin(
                table,
                self.count,
                total,
                list(rows),
                name=f"{table} {total}: {self.count} = its parts + the rest",
                rest=f"{table}:{total}:{self.count} not in its parts",
            )
            for total, rows in self.parts
        ]


def magnitudes_of(table: PublishedTable) -> list[Magnitude]:
    """The magnitudes a table declares (among its ``follows``)."""
    return [f for f in table.follows if isinstance(f, Magnitude)]


def magnitude_mask(
    data: pd.DataFrame, magnitudes: Iterable[Magnitude], min_cell: int
) -> pd.DataFrame:
    """The threshold rule on magnitudes: each value is withheld where the persons it rests
    on are fewer than ``min_cell`` (or not counted); a cell with no value (a median not
    reached) stays empty. Combine with the table's own mask."""
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    for magnitude in magnitudes:
        counts = pd.to_numeric(data[magnitude.persons], errors="coerce")
        few = (counts.isna() | (counts < min_cell)).to_numpy(bool)
        for column in magnitude.columns:
            value = pd.to_numeric(data[column], errors="coerce").notna().to_numpy(bool)
            mask[column] = mask[column].to_numpy(bool) | (few & value)
    return mask


def check_magnitudes(table: PublishedTable, min_cell: int) -> None:
    """Refuse (one line: table, row, column, reason) a shown mean or median that rests on a
    missing or withheld count, on fewer than ``min_cell`` persons, or — for a mean over a
    total and its parts — whose shown neighbours give away the mean of 1 … min_cell−1 persons.
    Checked on the true counts, after protection."""
    found = list(_problems(table, min_cell))
    if found:
        raise MagnitudeDisclosure(found[0])


def _problems(table: PublishedTable, min_cell: int) -> Iterable[str]:
    data = table.data.reset_index(drop=True)
    mask = table._mask().reset_index(drop=True)
    keys = row_keys(data, table.keys)
    for magnitude in magnitudes_of(table):
        counts = [whole(v) for v in data[magnitude.count]]
        persons = [whole(v) for v in data[magnitude.persons]]
        count_hidden = mask[magnitude.count].to_numpy(bool)
        for column in magnitude.columns:
            shown = _shown(data, mask, column)
            for i in np.flatnonzero(shown):
                n = persons[i]
                where = f"{table.name}, row {keys[i]}, column {column}"
                if n is None:
                    yield f"{where}: a {magnitude.kind} shown without its persons' count"
                elif count_hidden[i]:
                    yield f"{where}: a {magnitude.kind} shown although its count is withheld"
                elif n < min_cell:
                    yield f"{where}: a {magnitude.kind} of {n} persons (fewer than {min_cell})"
            yield from _left_over(table.name, magnitude, column, keys, counts, shown, min_cell)


def _shown(data: pd.DataFrame, mask: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return ~np.isnan(values) & ~mask[column].to_numpy(bool)


def _left_over(
    name: str,
    magnitude: Magnitude,
    column: str,
    keys: list[str],
    counts: list[int | None],
    shown: np.ndarray,
    min_cell: int,
) -> Iterable[str]:
    """A total's shown mean minus its parts' shown means (each times its count) is the sum of
    the persons left over: there must be none, or at least ``min_cell`` of them."""
    at = {key: i for i, key in enumerate(keys)}
    for total, rows in magnitude.parts:
        if total not in at or not shown[at[total]] or counts[at[total]] is None:
            continue
        known = [at[r] for r in rows if r in at and shown[at[r]] and counts[at[r]] is not None]
        if not known:
            continue
        left = int(counts[at[total]] or 0) - sum(int(counts[i] or 0) for i in known)
        if 0 < left < min_cell:
            yield (
                f"{name}, row {total}, column {column}: its mean beside its parts' gives away "
                f"the mean of {left} persons (fewer than {min_cell})"
            )
