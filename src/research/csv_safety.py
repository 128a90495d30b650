"""Cells that are safe to open in a spreadsheet: no formula runs, no CPR number shows.

Why: quarantine files and the report's ``tables/*.csv`` are opened in Excel or LibreOffice by
people who did not write them. A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return can be run as a formula (CSV injection), so such text gets a leading
apostrophe, which spreadsheets show as text. Numbers stay numbers: a value that is an int or
a float, or text that is just a number (``-5``, ``-1.234,5``, ``+45``), is written unchanged,
because a spreadsheet reads it as that number and runs nothing. Every text cell also passes
the shared CPR detector, so a CPR number never reaches a file in clear (``******-****``).
"""

from __future__ import annotations

import re

import pandas as pd

from research.domain.identifiers import CPR_FULL_MASK, mask_cpr_shaped

__all__ = ["FORMULA_STARTS", "csv_safe_cell", "csv_safe_frame"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make a spreadsheet treat a cell as a formula (or hide one after it)."""

_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)*(?:[eE][+-]?[0-9]+)?")


def csv_safe_cell(value: object) -> object:
    """``value`` as it may be written to a CSV: text neutralised and CPR-masked, numbers as is."""
    if not isinstance(value, str):
        return value
    text = mask_cpr_shaped(value, CPR_FULL_MASK)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) passed through
    :func:`csv_safe_cell`; numeric columns are left alone."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or isinstance(out[column].dtype, pd.StringDtype):
            out[column] = out[column].map(csv_safe_cell, na_action="ignore")
    out.columns = [csv_safe_cell(c) for c in out.columns]
    return out
