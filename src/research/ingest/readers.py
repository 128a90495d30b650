"""Reading exports as Danish systems write them, without guessing at the values.

Every cell comes back as the text (or, from Excel, the typed value) the user sees, indexed by
the row number a spreadsheet shows, so that every later message can point at it.

Hostile or damaged files get one clear line (or a located row problem), never a silent wrong
import:

* Text is NFC-normalised, so a name or key typed with decomposed letters (``Ø`` as ``O`` +
  combining stroke, as macOS may write it) is the same value as the composed one.
* Encoding: UTF-8 (with or without BOM) unless the file has no valid UTF-8 letter at all, in
  which case it is Windows-1252. A UTF-8 file with a stray byte that is not UTF-8 is still
  read as UTF-8, and the row holding the byte is rejected naming its column, so "BjÃ¸rn" is
  never stored.
* A CSV cell that runs over several lines means a quote mark without its partner swallowed the
  rows after it: that row is rejected with the lines it covers.
* Column names are compared as the importer compares them (case and spacing ignored), so
  ``Navn`` and ``NAVN`` are one name used twice: refused, naming both. A column with data but
  no name is refused, naming the column and the first row with data.
* ``.xlsx``: the first *visible* sheet is read (and named in the result), its real extent is
  read rather than the dimension the file states, the work is bounded (at most
  ``MAX_COLUMNS`` columns), formulas without a saved result are refused naming the cell, and a
  damaged or cut-off workbook is one line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from research.errors import InputFileError, RowProblem

SNIFF_BYTES = 8192
MAX_COLUMNS = 512
"""The widest sheet or CSV read (the widest template has a few dozen columns)."""
_BOM = b"\xef\xbb\xbf"
_STRAY_BYTE = re.compile("[\udc80-\udcff]")  # a byte that was not UTF-8 (surrogateescape)
_UTF8_LETTER = re.compile("[^\x00-\x7f\udc80-\udcff]")  # a non-ASCII letter decoded as UTF-8


@dataclass(frozen=True)
class RawExport:
    """One export file: its cells as strings (or Excel values), rows numbered as shown."""

    path: Path
    sha256: str
    headers: list[str]
    frame: pd.DataFrame  # object dtype; index = spreadsheet row number (header is row 1)
    problems: list[RowProblem]  # rows that could not even be split into cells
    sheet: str | None = None  # the .xlsx sheet that was read (None for a CSV)
    swallowed_lines: int = 0  # CSV lines inside rows that ran over several lines

    @property
    def rows_read(self) -> int:
        """Data rows as the file's lines count them (a row that swallowed others counts them)."""
        return len(self.frame) + len(self.problems) + self.swallowed_lines

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
    sheet = None
    swallowed = 0
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        headers, rows, sheet = _read_xlsx(path, data)
        problems: list[RowProblem] = []
    elif path.suffix.lower() in (".csv", ".txt", ""):
        headers, rows, problems, swallowed = _read_csv(path, data)
    else:
        raise InputFileError(
            f"{path.name}: unsupported file type '{path.suffix}'; use .csv (semicolon) or .xlsx"
        )
    headers = [" ".join(_nfc(str(h or "")).split()) for h in headers]
    if not any(headers):
        raise InputFileError(f"{path.name}: the first row has no column names")
    _refuse_duplicate_names(path, headers)
    _refuse_unnamed_data(path, headers, rows)
    frame = pd.DataFrame(
        [cells for _, cells in rows], index=[n for n, _ in rows], columns=headers, dtype=object
    )
    frame.index.name = "row"
    return RawExport(path, digest, headers, frame, problems, sheet, swallowed)


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def column_letter(number: int) -> str:
    """``1`` -> ``A``, ``27`` -> ``AA``: how a spreadsheet names the column."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _refuse_duplicate_names(path: Path, headers: list[str]) -> None:
    seen: dict[str, str] = {}
    for header in headers:
        if not header:
            continue
        same = seen.setdefault(header.casefold(), header)
        if same is not header:
            if same == header:
                raise InputFileError(f"{path.name}: column names appear twice: {header}")
            raise InputFileError(
                f"{path.name}: columns '{same}' and '{header}' are the same column (names are "
                "compared without regard to case or spacing); keep one of them"
            )


def _refuse_unnamed_data(path: Path, headers: list[str], rows: list[tuple[int, list]]) -> None:
    for index, header in enumerate(headers):
        if header:
            continue
        for number, cells in rows:
            cell = cells[index]
            if cell is not None and str(cell).strip():
                raise InputFileError(
                    f"{path.name}: column {column_letter(index + 1)} has data but no name in "
                    f"the first row (first in row {number}); name the column or delete it"
                )


def _decode(path: Path, data: bytes) -> str:
    """UTF-8, unless no letter in the file is UTF-8: then Windows-1252 (see module docstring).

    A UTF-8 file with stray bytes comes back with each such byte as a lone surrogate
    (``surrogateescape``), so the rows holding one can be rejected by name.
    """
    if b"\x00" in data[:SNIFF_BYTES]:
        raise InputFileError(
            f"{path.name}: looks like a binary file, not a CSV export"
            " (if it is an Excel file, give it the .xlsx extension)"
        )
    has_bom = data.startswith(_BOM)
    body = data[len(_BOM) :] if has_bom else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("utf-8", errors="surrogateescape")
    if has_bom or _UTF8_LETTER.search(text):
        return text
    try:
        return data.decode("cp1252", errors="strict")
    except UnicodeDecodeError:
        raise InputFileError(
            f"{path.name}: not readable as UTF-8 or Windows-1252 text; save it as CSV UTF-8"
        ) from None


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _read_csv(
    path: Path, data: bytes
) -> tuple[list[str], list[tuple[int, list]], list[RowProblem], int]:
    text = _nfc(_decode(path, data))
    first_line = text.split("\n", 1)[0]
    stray = _STRAY_BYTE.search(text) is not None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        headers = next(reader, None)
        if headers is None:
            raise InputFileError(f"{path.name}: the file is empty")
        if stray and any(_STRAY_BYTE.search(h) for h in headers):
            raise InputFileError(
                f"{path.name}: the first row holds a byte that is not UTF-8 in a file that is "
                "otherwise UTF-8; save the file as CSV UTF-8"
            )
        if len(headers) > MAX_COLUMNS:
            raise InputFileError(
                f"{path.name}: the first row has {len(headers)} columns; at most {MAX_COLUMNS} "
                "are read"
            )
        rows: list[tuple[int, list]] = []
        problems: list[RowProblem] = []
        swallowed = 0
        shared = _SharedText(len(headers))
        line = reader.line_num
        for number, cells in enumerate(reader, start=2):
            first, line = line + 1, reader.line_num
            swallowed += line - first
            if not any(c.strip() for c in cells):
                continue
            problem = _row_problem(path, number, headers, cells, first, line, stray)
            if problem is None:
                rows.append((number, shared(cells)))
            else:
                problems.append(problem)
    except csv.Error as exc:
        raise InputFileError(
            f"{path.name}: not a readable CSV file (line {reader.line_num}: {exc})"
        ) from None
    return headers, rows, problems, swallowed


class _SharedText:
    """One string object per distinct value of a column, instead of one per cell.

    A million-row export repeats its dates, codes and places on every row; sharing them takes
    the file's text from about a gigabyte of separate strings to little more than its unique
    values. A column with more than ``MAX_DISTINCT`` values (ids, CPR numbers) is left alone,
    so the lookup tables stay small.
    """

    MAX_DISTINCT = 10_000

    def __init__(self, width: int) -> None:
        self.seen: list[dict[str, str] | None] = [{} for _ in range(width)]

    def __call__(self, cells: list[str]) -> list[str]:
        if len(cells) != len(self.seen):
            return cells
        out = []
        for index, cell in enumerate(cells):
            seen = self.seen[index]
            if seen is None:
                out.append(cell)
                continue
            out.append(seen.setdefault(cell, cell))
            if len(seen) > self.MAX_DISTINCT:
                self.seen[index] = None
        return out


def _row_problem(
    path: Path,
    number: int,
    headers: list[str],
    cells: list[str],
    first: int,
    last: int,
    stray: bool,
) -> RowProblem | None:
    """Why a CSV row cannot be taken as it is, or None."""
    if last > first:
        column = next((i for i, c in enumerate(cells) if "\n" in c or "\r" in c), None)
        return RowProblem(
            path.name,
            number,
            _header_at(headers, column),
            None,
            f'the row runs over lines {first}-{last} of the file: a quote mark (") without '
            "its partner swallows the rows after it; fix the quote (a line break inside a cell "
            "is not allowed in a CSV export: remove it or send the file as .xlsx)",
        )
    if len(cells) != len(headers):
        return RowProblem(
            path.name,
            number,
            None,
            None,
            f"row has {len(cells)} fields but the header has {len(headers)}"
            " (a truncated file or a stray separator)",
        )
    if stray:
        for index, cell in enumerate(cells):
            if match := _STRAY_BYTE.search(cell):
                byte = ord(match.group()) - 0xDC00
                return RowProblem(
                    path.name,
                    number,
                    _header_at(headers, index),
                    cell.encode("utf-8", "surrogateescape").decode("utf-8", "replace"),
                    f"holds the byte 0x{byte:02X}, which is not UTF-8, in a file that is "
                    "otherwise UTF-8; fix the letter and save the file as CSV UTF-8",
                )
    return None


def _header_at(headers: list[str], index: int | None) -> str | None:
    if index is None or index >= len(headers):
        return None
    return " ".join(_nfc(headers[index]).split()) or column_letter(index + 1)


def _read_xlsx(path: Path, data: bytes) -> tuple[list[str], list[tuple[int, list]], str]:
    """The first visible sheet's cells, its real extent, formulas by their saved results."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged zip or XML
        raise InputFileError(
            f"{path.name}: not a readable .xlsx workbook ({type(exc).__name__})"
        ) from None
    try:
        sheet = next((ws for ws in book.worksheets if ws.sheet_state == "visible"), None)
        if sheet is None:
            raise InputFileError(f"{path.name}: the workbook has no visible sheet")
        values, formulas = _sheet_cells(path, sheet)
        title = sheet.title
    except InputFileError:
        raise
    except Exception as exc:
        raise InputFileError(
            f"{path.name}: the workbook is damaged or cut off ({type(exc).__name__}); open it "
            "in Excel and save it again"
        ) from None
    finally:
        book.close()
    if formulas:
        _fill_saved_results(path, data, title, values, formulas)
    if not values:
        raise InputFileError(f"{path.name}: sheet '{title}' is empty")
    first = min(values)
    header_cells = values.pop(first)
    width = max(header_cells) if header_cells else 0
    headers = [str(header_cells.get(c) or "") for c in range(1, width + 1)]
    rows = []
    for number in sorted(values):
        cells = values[number]
        if max(cells) > width:
            column = max(cells)
            raise InputFileError(
                f"{path.name}: sheet '{title}', cell {column_letter(column)}{number} has data "
                "but its column has no name in the first row; name the column or delete it"
            )
        row = [_excel_cell(cells.get(c)) for c in range(1, width + 1)]
        if any(c != "" for c in row):
            rows.append((number, row))  # the row number the sheet shows
    return headers, rows, title


def _sheet_cells(path: Path, sheet) -> tuple[dict[int, dict[int, object]], list[tuple[int, int]]]:
    """Non-empty cells by row and column, read from the cells themselves (not the dimension the
    file states), and the cells holding formulas."""
    sheet.reset_dimensions()  # the stated dimension may be smaller (or larger) than the data
    values: dict[int, dict[int, object]] = {}
    formulas: list[tuple[int, int]] = []
    for cells in sheet.iter_rows():  # no max_col: missing rows come back empty, at no cost
        for cell in cells:
            value = cell.value
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if cell.column > MAX_COLUMNS:
                raise InputFileError(
                    f"{path.name}: sheet '{sheet.title}', cell {cell.coordinate} lies beyond "
                    f"column {column_letter(MAX_COLUMNS)}; at most {MAX_COLUMNS} columns are "
                    "read, so delete what is out there"
                )
            if cell.data_type == "f":
                formulas.append((cell.row, cell.column))
            values.setdefault(cell.row, {})[cell.column] = (
                _nfc(value) if isinstance(value, str) else value
            )
    return values, formulas


def _fill_saved_results(
    path: Path,
    data: bytes,
    title: str,
    values: dict[int, dict[int, object]],
    formulas: list[tuple[int, int]],
) -> None:
    """Replace each formula by the result Excel saved with it; refuse one saved without."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book[title]
        sheet.reset_dimensions()
        wanted = set(formulas)
        rows = {r for r, _ in formulas}
        for cells in sheet.iter_rows(min_row=min(rows), max_row=max(rows)):
            for cell in cells:
                key = (getattr(cell, "row", None), getattr(cell, "column", None))
                if key in wanted:
                    values[key[0]][key[1]] = cell.value
                    wanted.discard(key)
    finally:
        book.close()
    for row, column in sorted(formulas):
        if values[row][column] is None:
            raise InputFileError(
                f"{path.name}: sheet '{title}', cell {column_letter(column)}{row} holds a "
                "formula without a saved result (the file was not saved by Excel); open it in "
                "Excel and save it, or paste the values"
            )


def _excel_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date | int | float | bool):
        return value
    return str(value)
