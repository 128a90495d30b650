"""How a table fits an A4 page: portrait, landscape, or split into column groups.

Why in the kit: the PDF prints a wide table on a landscape page, and the HTML report's print
stylesheet must give the same table a landscape page too (``section.print_class``), so both
take the decision from this one function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Rough width of one character of table text, in characters of text width: enough to choose a
# page orientation; Typst itself measures the real widths.
PORTRAIT_CHARS = 118  # 170 mm of 8.5 pt Libertinus Serif
LANDSCAPE_CHARS = 180  # 257 mm
TEXT_CAP = 40  # a text column's share of the width grows with its content up to this


@dataclass(frozen=True)
class TableLayout:
    """How one table is put on the page: orientation, font size and column groups."""

    landscape: bool
    size_pt: float
    groups: tuple[tuple[int, ...], ...]  # column indices per printed part
    widths: tuple[tuple[int, ...], ...]  # each group's column widths (Typst ``fr``)


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


def column_needs(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[tuple[int, int]]:
    """(the narrowest a column can be, the width it would like) in characters, per column.

    The narrowest is its longest word (text wraps between words, headers too); the width it
    would like is its longest cell on one line (at most ``TEXT_CAP``) or its header on two.
    """
    needs = []
    for i, header in enumerate(columns):
        cells = [str(r[i]) for r in rows]
        least = max([_longest_word(header), *(_longest_word(c) for c in cells)], default=1)
        liked = max([(len(header) + 1) // 2, *(len(c) for c in cells)], default=1)
        needs.append((max(least, 1), max(min(liked, TEXT_CAP), least, 1)))
    return needs


def fit_widths(needs: Sequence[tuple[int, int]], room: int) -> list[int] | None:
    """Column widths (characters) that fill ``room``: every column gets its narrowest, the rest
    is shared in proportion to what each would like beyond that; None when even the narrowest
    do not fit."""
    gap = 2  # cell padding, in characters
    least = [n + gap for n, _ in needs]
    liked = [w + gap for _, w in needs]
    if sum(least) > room:
        return None
    if sum(liked) <= room:
        return liked
    spare, wish = room - sum(least), sum(b - a for a, b in zip(least, liked, strict=True))
    return [a + (b - a) * spare // max(wish, 1) for a, b in zip(least, liked, strict=True)]


def table_layout(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> TableLayout:
    """Portrait if the table fits (wrapping text columns), else landscape, else split into
    column groups that each repeat the first column."""
    needs = column_needs(columns, rows)
    everything = tuple(range(len(columns)))
    for landscape, room in ((False, PORTRAIT_CHARS), (True, LANDSCAPE_CHARS)):
        widths = fit_widths(needs, room)
        if widths is not None:
            return TableLayout(landscape, 8.5, (everything,), (tuple(widths),))
    groups: list[tuple[int, ...]] = []
    current: list[int] = [0]
    for i in everything[1:]:
        if (
            fit_widths([needs[j] for j in [*current, i]], LANDSCAPE_CHARS) is None
            and len(current) > 1
        ):
            groups.append(tuple(current))
            current = [0]
        current.append(i)
    groups.append(tuple(current))
    widths = []
    for group in groups:
        fitted = fit_widths([needs[i] for i in group], LANDSCAPE_CHARS)
        widths.append(tuple(fitted or (needs[i][0] + 2 for i in group)))  # one huge column
    return TableLayout(True, 8, tuple(groups), tuple(widths))
