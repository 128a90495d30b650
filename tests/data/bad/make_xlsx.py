"""Write the hostile .xlsx files under tests/data/bad/companies/ (run once; the files are kept).

.venv/bin/python tests/data/bad/make_xlsx.py
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent / "companies"
EXAMPLE = Path(__file__).parents[3] / "src" / "research" / "ingest" / "examples" / "companies.csv"


def rows() -> list[list[object]]:
    with EXAMPLE.open(encoding="utf-8") as handle:
        table = list(csv.reader(handle, delimiter=";"))
    return [table[0]] + [[int(r[0]), r[1], r[2], int(r[3]), r[4], r[5]] for r in table[1:]]


def book_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plain() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "Virksomheder"
    for row in rows():
        sheet.append(row)
    return book


def rewrite_sheet(data: bytes, change) -> bytes:
    """The workbook with sheet1's XML changed by ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode("utf-8")).encode("utf-8")
            target.writestr(item, content)
    return out.getvalue()


def main() -> None:
    good = book_bytes(plain())
    (HERE / "cut-off.xlsx").write_bytes(good[: len(good) * 2 // 3])
    # a readable zip whose sheet ends in the middle of a row (a copy stopped half way)
    cut = rewrite_sheet(good, lambda xml: xml[: xml.index('<row r="3"') + 40])
    (HERE / "cut-off-sheet.xlsx").write_bytes(cut)

    far = plain()
    far.active["XFD1048576"] = "x"
    (HERE / "far-cell.xlsx").write_bytes(book_bytes(far))

    # the file says its data ends at F2, but there are four companies (rows 2-5)
    small = rewrite_sheet(
        good, lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:F2"', xml)
    )
    (HERE / "small-dimension.xlsx").write_bytes(small)

    hidden = Workbook()
    old = hidden.active
    old.title = "Gammel"
    old.append(["CVR-nummer", "Navn", "Branchekode", "Antal ansatte", "Kommune", "Syntetisk"])
    old.append([99000015, "Forældet navn", "412000", 1, "Ballerup", "Ja"])
    old.sheet_state = "hidden"
    visible = hidden.create_sheet("Virksomheder")
    for row in rows():
        visible.append(row)
    hidden.active = 1
    (HERE / "hidden-first-sheet.xlsx").write_bytes(book_bytes(hidden))

    formula = plain()
    formula.active["D3"] = "=100+30"  # openpyxl saves formulas without a result, as scripts do
    (HERE / "formula-without-result.xlsx").write_bytes(book_bytes(formula))


if __name__ == "__main__":
    main()
