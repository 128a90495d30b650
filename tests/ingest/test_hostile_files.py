"""Hostile or damaged files: one clear line or a located row, never a silent wrong import."""

from __future__ import annotations

import hashlib
import io
import re
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest

from research.config import load_programme_config
from research.errors import InputFileError, ValidationFailed
from research.ingest.importer import import_file
from research.ingest.pseudonym import DEMO_KEY
from research.store import connect, read_table

BAD = Path(__file__).parents[1] / "data" / "bad" / "companies"
EXAMPLES = Path(__file__).parents[2] / "src" / "research" / "ingest" / "examples"
CONFIG = load_programme_config()


def run(kind: str, path: Path, db: Path, **options):
    return import_file(kind, path, db, CONFIG, key=DEMO_KEY, **options)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def companies(db: Path) -> dict[str, str]:
    with connect(db, read_only=True) as con:
        table = read_table(con, "companies")
    return dict(zip(table["cvr"], table["name"], strict=True))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("duplicate-name-case.csv", "columns 'Navn' and 'NAVN' are the same column"),
        ("duplicate-name-alias.csv", "columns 'CVR-nummer' and 'CVR' are both the column"),
        (
            "unnamed-column.csv",
            r"column G has data but no name in the first row \(first in row 3",
        ),
        ("cut-off.xlsx", r"not a readable \.xlsx workbook"),
        ("cut-off-sheet.xlsx", "the workbook is damaged or cut off"),
        ("far-cell.xlsx", "cell XFD1048576 lies beyond column SR"),
        ("formula-without-result.xlsx", "cell D3 holds a formula without a saved result"),
    ],
)
def test_one_clear_line_and_nothing_written(tmp_path, name, message):
    db = tmp_path / "x.duckdb"
    run("companies", EXAMPLES / "companies.csv", db)
    before = sha(db)
    started = time.perf_counter()
    with pytest.raises(InputFileError, match=message) as exc:
        run("companies", BAD / name, db)
    assert time.perf_counter() - started < 60  # bounded work (the far cell took minutes)
    assert "\n" not in str(exc.value) and str(exc.value).startswith(name)
    assert sha(db) == before


def test_a_stray_windows_1252_byte_rejects_its_row_not_the_encoding(tmp_path):
    db = tmp_path / "x.duckdb"
    with pytest.raises(ValidationFailed) as exc:
        run("companies", BAD / "stray-cp1252-byte.csv", db)
    (problem,) = exc.value.problems
    assert (problem.row, problem.column) == (3, "Navn")
    assert "0xF8" in problem.reason and "not UTF-8" in problem.reason
    result = run("companies", BAD / "stray-cp1252-byte.csv", db, lenient=True)
    assert result.rejected == 1
    names = companies(db)
    assert names == {"99000015": "Søren Byg ApS", "99000031": "Demo Plejecenter"}
    assert not any("Ã" in n for n in names.values())


def test_a_whole_windows_1252_file_is_still_read(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes((EXAMPLES / "companies.csv").read_text("utf-8").encode("cp1252"))
    db = tmp_path / "x.duckdb"
    run("companies", path, db)
    assert companies(db)["99000023"] == "Demo Logistik A/S"
    assert companies(db)["99000058"] == "Demo Café & Køkken"


def test_a_stray_quote_that_swallows_rows_is_reported_with_its_row(tmp_path):
    with pytest.raises(ValidationFailed) as exc:
        run("companies", BAD / "stray-quote.csv", tmp_path / "x.duckdb")
    (problem,) = exc.value.problems
    assert problem.row == 2 and "runs over lines 2-4" in problem.reason
    assert "1 of 3 rows" in exc.value.summary


def test_decomposed_letters_are_the_same_key(tmp_path):
    db = tmp_path / "x.duckdb"
    text = (EXAMPLES / "networks.csv").read_text("utf-8").replace("NET01", "NETØ1")
    composed, decomposed = tmp_path / "nfc.csv", tmp_path / "nfd.csv"
    composed.write_text(unicodedata.normalize("NFC", text), "utf-8")
    decomposed.write_text(unicodedata.normalize("NFD", text), "utf-8")
    assert composed.read_bytes() != decomposed.read_bytes()
    run("networks", composed, db)
    again = run("networks", decomposed, db)
    assert again.stats.added == 0 and not again.stats.changed
    with connect(db, read_only=True) as con:
        ids = read_table(con, "networks")["network_id"].tolist()
    assert ids.count(unicodedata.normalize("NFC", "NETØ1")) == 1 and len(ids) == len(set(ids))


def test_the_real_extent_is_read_when_the_stated_dimension_is_smaller(tmp_path):
    db = tmp_path / "x.duckdb"
    result = run("companies", BAD / "small-dimension.xlsx", db)
    assert result.rows_read == 4 and len(companies(db)) == 4


def test_the_first_visible_sheet_is_read_and_named(tmp_path):
    db = tmp_path / "x.duckdb"
    result = run("companies", BAD / "hidden-first-sheet.xlsx", db)
    assert result.sheet == "Virksomheder"
    assert companies(db)["99000015"] == "Demo Byg ApS"  # not the hidden sheet's old name
    from research.cli.imports import describe

    assert "sheet 'Virksomheder'" in describe(result)


def test_a_formula_with_a_saved_result_gives_the_result(tmp_path):
    source = zipfile.ZipFile(BAD / "formula-without-result.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode("utf-8")
                xml = re.sub(
                    r"(<c r=\"D3\"[^>]*><f>[^<]*</f>)(<v\s*/>|<v></v>)?", r"\1<v>130</v>", xml
                )
                content = xml.encode("utf-8")
            target.writestr(item, content)
    path = tmp_path / "saved.xlsx"
    path.write_bytes(out.getvalue())
    db = tmp_path / "x.duckdb"
    run("companies", path, db)
    with connect(db, read_only=True) as con:
        table = read_table(con, "companies").set_index("cvr")
    assert table.loc["99000023", "employees"] == 130
