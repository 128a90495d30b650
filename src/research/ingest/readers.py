"""Reading exports as Danish systems write them, without guessing at the values.

Every cell comes back as the text (or, from Excel, the typed value) the user sees, indexed by
the row number a spreadsheet shows, so that every later message can point at it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from research.errors import InputFileError, RowProblem

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class RawExport:
    """One export file: its cells as strings (or Excel values), rows numbered as shown."""

    path: Path
    sha256: str
    headers: list[str]
    frame: pd.DataFrame  # object dtype; index = spreadsheet row number (header is row 1)
    problems: list[RowProblem]  # rows that could not even be split into cells

    @property
    def name(self) -> str:
        return self.path.name

    def without(self, rows: set[int]) -> RawExport:
        """The same export less some rows, for a second pass after rejecting them."""
        kept = [p for p in self.problems if p.row not in rows]
        return replace(
            self, frame=self.frame.drop(index=list(rows), errors="ignore"), problems=kept
        )


def read_export(path: Path | str) -> RawExport:
    """Read a ``.csv`` (``;``, UTF-8 with or without BOM, or Windows-1252) or an ``.xlsx``."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise InputFileError(f"{path.name}: the file is empty")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        headers, rows = _read_xlsx(path, data)
        problems: list[RowProblem] = []
    elif path.suffix.lower() in (".csv", ".txt", ""):
        headers, rows, problems = _read_csv(path, data)
    else:
        raise InputFileError(
            f"{path.name}: unsupported file type '{path.suffix}'; use .csv (semicolon) or .xlsx"
        )
    headers = [" ".join(str(h or "").split()) for h in headers]
    if not any(headers):
        raise InputFileError(f"{path.name}: the first row has no column names")
    duplicates = sorted({h for h in headers if h and headers.count(h) > 1})
    if duplicates:
        raise InputFileError(f"{path.name}: column names appear twice: {', '.join(duplicates)}")
    frame = pd.DataFrame(
        [cells for _, cells in rows], index=[n for n, _ in rows], columns=headers, dtype=object
    )
    frame.index.name = "row"
    return RawExport(path, digest, headers, frame, problems)


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:SNIFF_BYTES]:
        raise InputFileError(
            f"{path.name}: looks like a binary file, not a CSV export"
            " (if it is an Excel file, give it the .xlsx extension)"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _read_csv(
    path: Path, data: bytes
) -> tuple[list[str], list[tuple[int, list]], list[RowProblem]]:
    try:
        text = _decode(path, data)
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path.name}: not readable as UTF-8 or Windows-1252 text") from exc
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        records = list(reader)
    except csv.Error as exc:
        raise InputFileError(f"{path.name}: not a readable CSV file ({exc})") from exc
    if not records:
        raise InputFileError(f"{path.name}: the file is empty")
    headers, body = records[0], records[1:]
    rows: list[tuple[int, list]] = []
    problems: list[RowProblem] = []
    for offset, cells in enumerate(body):
        number = offset + 2
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(headers):
            problems.append(
                RowProblem(
                    path.name,
                    number,
                    None,
                    None,
                    f"row has {len(cells)} fields but the header has {len(headers)}"
                    " (a truncated file or a stray separator)",
                )
            )
            continue
        rows.append((number, cells))
    return headers, rows, problems


def _read_xlsx(path: Path, data: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputFileError(f"{path.name}: not a readable .xlsx workbook") from exc
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    book.close()
    if not values:
        raise InputFileError(f"{path.name}: the first sheet is empty")
    headers = [str(h) if h is not None else "" for h in values[0]]
    rows = []
    for offset, cells in enumerate(values[1:]):
        cells = list(cells) + [None] * (len(headers) - len(cells))
        cells = [_excel_cell(c) for c in cells[: len(headers)]]
        if any(c != "" for c in cells):
            rows.append((offset + 2, cells))
    return headers, rows


def _excel_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date | int | float | bool):
        return value
    return str(value)
