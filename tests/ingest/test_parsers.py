"""Cells as Danish administrators type them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from research.domain.codes import EmploymentStatus, RkvDocument
from research.ingest import parsers as p


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("31-01-2026", date(2026, 1, 31)),
        ("31.01.2026", date(2026, 1, 31)),
        ("2026-01-31", date(2026, 1, 31)),
        (" 01-02-2025 ", date(2025, 2, 1)),
        (datetime(2025, 2, 1, 0, 0), date(2025, 2, 1)),
        (date(2025, 2, 1), date(2025, 2, 1)),
    ],
)
def test_dates(cell, expected):
    assert p.parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["31-02-2026", "2026-13-01", "januar", "1/2"])
def test_bad_dates_say_how_to_write_them(cell):
    with pytest.raises(ValueError, match="dd-mm-åååå"):
        p.parse_date(cell)


@pytest.mark.parametrize(
    "cell,expected",
    [("2,5", 2.5), ("1.234,5", 1234.5), ("3", 3.0), (4, 4.0), ("0,0", 0.0), ("1 234,5", 1234.5)],
)
def test_decimal_comma(cell, expected):
    assert p.decimal()(cell) == expected


@pytest.mark.parametrize("cell,expected", [("42", 42), ("1.234", 1234), (7.0, 7), ("-3", -3)])
def test_integers(cell, expected):
    assert p.integer()(cell) == expected


@pytest.mark.parametrize("cell", ["2,5", "mange", True, "1.23"])
def test_not_integers(cell):
    with pytest.raises(ValueError):
        p.integer()(cell)


def test_ranges():
    with pytest.raises(ValueError, match="at most 5"):
        p.integer(1, 5)("6")
    with pytest.raises(ValueError, match="at least 0"):
        p.decimal(0)("-0,5")


@pytest.mark.parametrize("cell,expected", [("Ja", True), ("nej", False), ("J", True), ("x", True)])
def test_booleans(cell, expected):
    assert p.boolean(cell) is expected


def test_codes_accept_code_label_or_alias_in_any_case():
    parse = p.code(EmploymentStatus)
    assert parse("beskæftiget") == "employed"
    assert parse("Employed") == "employed"
    assert parse("  Inaktiv,  ikke i uddannelse ") == "inactive_not_in_education"
    with pytest.raises(ValueError, match="allowed: Ledig, Langtidsledig"):
        parse("arbejdsløs")


def test_code_lists():
    assert p.code_list(RkvDocument)("Uddannelsesplan, Kompetencebevis") == (
        "education_plan,competence_certificate"
    )


@pytest.mark.parametrize("cell", ["DK-13748136", "13748136", "1374 8136", 13748136])
def test_cvr_forms(cell):
    assert p.cvr(cell) == "13748136"


@pytest.mark.parametrize(
    "cell,code", [("København", 101), ("101", 101), (217, 217), ("tårnby", 185)]
)
def test_municipalities(cell, code):
    assert p.municipality(cell) == code
