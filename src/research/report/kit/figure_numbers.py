"""The numbers a chart writes on itself (bar labels), read back from the drawn figure.

Why from the figure: a chart must never show what its table withholds, and the only proof is
the picture itself. After the publication has protected a section, each chart drawn from a
table is read back: every count written on it must be a figure the table shows. The labels
become a small table of their own (``tables/figures/<table>.csv``), each linked as the same
figure to the table's cell, so ``research audit`` sees every number a chart shows as a
published cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from research.report.kit.charts import Figure
from research.report.kit.formatting import ColumnFormat
from research.report.kit.links import Ref, same
from research.report.kit.publication import row_keys, table_cells
from research.report.kit.publish import PublishedTable

FOLDER = "figures"  # beside the tables: tables/figures/<table>.csv
# a count as the formatter writes it: 7, 1.234 (da) or 1,234 (en); "13,7" or "45 %" are not
_COUNT = re.compile(r"^(\d{1,3}(?:[.,]\d{3})+|\d+)$")


class ChartShowsWithheld(ValueError):
    """A chart writes a number its table does not show (a bug in the chart)."""


def drawn_counts(fig: Figure) -> list[int]:
    """The counts written inside the axes (bar labels, annotations), in drawing order."""
    out = []
    for ax in fig.axes:
        for text in ax.texts:
            token = text.get_text().strip().split(" ")[0]
            if _COUNT.match(token):
                out.append(int(re.sub(r"[.,]", "", token)))
    return out


def figure_table(
    figures: Iterable[Figure], table: PublishedTable, lang: str
) -> PublishedTable | None:
    """The counts drawn on ``figures`` as a table linked to the cells of ``table`` they show;
    raises ``ChartShowsWithheld`` for a count that is no shown figure of the table."""
    cells = table_cells(table, [c for c in table.columns if c not in table.keys])
    shown: dict[int, list] = {}
    for cell in cells.values():
        if not cell.hidden and cell.value is not None and float(cell.value).is_integer():
            shown.setdefault(int(cell.value), []).append(cell)
    order = dict(enumerate(row_keys(table)))
    rows, links = [], []
    name = f"{FOLDER}/{table.name}"
    for f, fig in enumerate(figures):
        for i, value in enumerate(drawn_counts(fig)):
            # the bar of the i-th row first (a funnel draws its steps in order), then any
            matches = sorted(
                shown.get(value, []),
                key=lambda c: (c.ref.row != order.get(i), not c.persons, c.ref.id),
            )
            if not matches:
                raise ChartShowsWithheld(
                    f"a chart of {table.name} writes {value}, which the table does not show"
                )
            cell = matches[0]
            key = f"{f}/{i}"
            rows.append((key, value, cell.persons, cell.ref.row, cell.ref.column))
            links.append(
                same(Ref(name, key, "value"), cell.ref, name=f"{name} {key} = {cell.ref.id}")
            )
    if not rows:
        return None
    data = pd.DataFrame(rows, columns=["key", "value", "counts_persons", "row", "column"])
    data["value"] = data["value"].astype("Int64")
    return PublishedTable(
        name=name,
        caption=f"The numbers written on the charts of {table.name}",
        data=data,
        columns={
            "row": ColumnFormat("text"),
            "column": ColumnFormat("text"),
            "value": ColumnFormat("number"),
        },
        lang=lang,
        person_counts=("value",),
        person_rows="counts_persons",
        keys=("key",),
        links=tuple(links),
        rule=table.rule,
    )
