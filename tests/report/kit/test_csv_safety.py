"""Report tables written as CSV cannot run formulas in a spreadsheet or show a CPR number."""

from __future__ import annotations

import pandas as pd
import pytest

from research.csv_safety import csv_safe_cell
from research.report.article.export import write_table
from research.report.kit.formatting import ColumnFormat
from research.report.kit.publish import PublishedTable


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-5", "-5"),  # a spreadsheet reads it as the number it is
        ("-1.234,5", "-1.234,5"),
        ("+45", "+45"),
        ("Tømrer", "Tømrer"),
        ("..", ".."),
        ("se 150585-1234", "se ******-****"),
        (-3, -3),
        (-0.25, -0.25),
        (None, None),
    ],
)
def test_csv_safe_cell(cell, written):
    assert csv_safe_cell(cell) == written


def _table() -> PublishedTable:
    data = pd.DataFrame(
        {"group": ['=HYPERLINK("http://x")', "@SUM(1)", "ring 150585-1234"], "change": [-3, 2, 0]}
    )
    return PublishedTable(
        name="demo",
        caption="Demo",
        data=data,
        lang="en",
        columns={"group": ColumnFormat("text"), "change": ColumnFormat("number")},
    )


def test_report_tables_csv_is_safe(tmp_path):
    path = _table().write_csv(tmp_path / "tables")
    written = pd.read_csv(path, dtype=str)
    assert written["group"].tolist() == ['\'=HYPERLINK("http://x")', "'@SUM(1)", "ring ******-****"]
    assert written["change"].tolist() == ["-3", "2", "0"]  # numbers stay numbers


def test_article_csv_and_text_are_safe(tmp_path):
    files = write_table(_table(), tmp_path)
    csv = next(p for p in files.paths if p.suffix == ".csv")
    assert pd.read_csv(csv, dtype=str)["group"].tolist()[1] == "'@SUM(1)"
    for path in files.paths:
        assert "150585-1234" not in path.read_text("utf-8")
