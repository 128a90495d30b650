"""Fitting a table to an A4 page, as the PDF and the HTML report's print stylesheet both do."""

from __future__ import annotations

import pandas as pd

from research.report.kit import blocks
from research.report.kit.table_layout import LANDSCAPE_CHARS, PORTRAIT_CHARS, table_layout


def _table(columns: int, rows: int, width: int = 6, name: str = "t") -> dict:
    headers = [f"Kolonne{i:02d}" for i in range(columns)]
    frame = pd.DataFrame(
        [[f"r{r}c{c}".ljust(width, "x") for c in range(columns)] for r in range(rows)],
        columns=headers,
    )
    return blocks.table(frame, f"Tabel {name}", note="Note under tabellen.", name=name)


def test_table_layout_chooses_portrait_then_landscape_then_column_groups():
    narrow = _table(4, 3)
    assert not table_layout(narrow["columns"], narrow["rows"]).landscape
    wide = _table(12, 3, width=12)
    layout = table_layout(wide["columns"], wide["rows"])
    assert layout.landscape and len(layout.groups) == 1
    assert sum(w + 2 for w in [12] * 12) > PORTRAIT_CHARS
    very_wide = _table(30, 3, width=12)
    split = table_layout(very_wide["columns"], very_wide["rows"])
    assert split.landscape and len(split.groups) > 1
    assert all(group[0] == 0 for group in split.groups), "each part repeats the first column"
    assert sorted({i for g in split.groups for i in g}) == list(range(30))
    assert all(len(g) * 14 <= LANDSCAPE_CHARS for g in split.groups)
