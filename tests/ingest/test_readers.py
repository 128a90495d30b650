"""Reading exports as Danish systems write them."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from research.errors import InputFileError
from research.ingest.readers import read_export

HEADER = "Navn;Kommune;Beløb"


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "encoding,bom",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")],
    ids=["utf8", "utf8-bom", "windows-1252"],
)
def test_danish_letters_survive_every_encoding(tmp_path, encoding, bom):
    text = f"{HEADER}\nSøren Å;Tårnby;1.234,50\n"
    raw = read_export(write(tmp_path, "x.csv", bom + text.encode(encoding)))
    assert raw.headers == ["Navn", "Kommune", "Beløb"]
    assert raw.frame.loc[2].tolist() == ["Søren Å", "Tårnby", "1.234,50"]


def test_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path):
    raw = read_export(write(tmp_path, "x.csv", f"{HEADER}\na;b;1\n;;\nc;d;2\n".encode()))
    # Row 1 is the header; the blank row 3 is skipped but keeps its number.
    assert list(raw.frame.index) == [2, 4]


def test_truncated_row_is_a_located_problem(tmp_path):
    raw = read_export(write(tmp_path, "x.csv", f"{HEADER}\na;b;1\nc;d\n".encode()))
    assert [(p.row, p.reason.split(" (")[0]) for p in raw.problems] == [
        (3, "row has 2 fields but the header has 3")
    ]
    assert list(raw.frame.index) == [2]


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        (b"PK\x03\x04\x00\x00binary", "looks like a binary file"),
        (b"Navn;Navn\na;b\n", "column names appear twice: Navn"),
        (b";;\na;b;c\n", "the first row has no column names"),
    ],
)
def test_files_that_are_not_exports_get_one_clear_line(tmp_path, data, message):
    with pytest.raises(InputFileError, match=message) as info:
        read_export(write(tmp_path, "x.csv", data))
    assert "\n" not in str(info.value)


def test_unsupported_extension_and_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="unsupported file type"):
        read_export(write(tmp_path, "x.pdf", b"%PDF"))
    with pytest.raises(InputFileError, match="file not found"):
        read_export(tmp_path / "nope.csv")


def test_xlsx_first_sheet_with_typed_cells(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Navn", "Dato", "Antal"])
    sheet.append(["Ærø", date(2025, 3, 1), 7])
    sheet.append([None, None, None])
    sheet.append(["Øster", None, 2])
    path = tmp_path / "x.xlsx"
    book.save(path)
    raw = read_export(path)
    assert raw.headers == ["Navn", "Dato", "Antal"]
    assert raw.frame.loc[2].tolist() == ["Ærø", date(2025, 3, 1), 7]
    assert raw.frame.loc[4].tolist() == ["Øster", "", 2]


def test_broken_xlsx_is_one_line(tmp_path):
    with pytest.raises(InputFileError, match=r"not a readable \.xlsx workbook"):
        read_export(write(tmp_path, "x.xlsx", b"not a zip at all"))


cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters=';"\r\n'),
    max_size=12,
)


@pytest.mark.validation  # a property check over hundreds of generated cases
@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cell_text, min_size=3, max_size=3), min_size=1, max_size=8))
def test_fuzz_any_semicolon_table_round_trips(tmp_path_factory, rows):
    lines = [HEADER] + [";".join(r) for r in rows]
    path = tmp_path_factory.mktemp("fuzz") / "x.csv"
    path.write_bytes("\n".join(lines).encode("utf-8"))
    raw = read_export(path)
    kept = [[unicodedata.normalize("NFC", c) for c in r] for r in rows if any(c.strip() for c in r)]
    assert [list(v) for v in raw.frame.itertuples(index=False)] == kept


@pytest.mark.validation  # a property check over hundreds of generated cases
@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_arbitrary_bytes_never_crash(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "x.csv"
    path.write_bytes(data)
    try:
        read_export(path)
    except InputFileError as exc:
        assert "\n" not in str(exc)
