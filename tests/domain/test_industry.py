"""DB07 sections, DST's 10-grouping and code validation (domain-facts.md §5.2)."""

from __future__ import annotations

import pytest

from research.domain.industry import (
    COMMON_REGIONAL_INDUSTRIES,
    DB07_SECTIONS,
    DIVISIONS_BY_SECTION,
    TEN_GROUP_BY_SECTION,
    TEN_GROUPS,
    section_for_db07,
    ten_group_for_db07,
    validate_db07,
)


def test_tables_are_complete() -> None:
    assert list(DB07_SECTIONS) == [chr(c) for c in range(ord("A"), ord("U") + 1)]
    assert set(TEN_GROUPS) == set(range(1, 12))
    assert TEN_GROUPS[4] == "Handel og transport mv."
    assert TEN_GROUPS[11] == "Uoplyst aktivitet"
    assert set(TEN_GROUP_BY_SECTION) == set(DB07_SECTIONS)
    assert sum(len(d) for d in DIVISIONS_BY_SECTION.values()) == 88  # NACE Rev. 2 divisions


@pytest.mark.parametrize(
    ("code", "section", "group"),
    [
        ("011100", "A", 1),
        ("031100", "A", 1),
        ("061000", "B", 2),
        ("101100", "C", 2),
        ("251100", "C", 2),
        ("332000", "C", 2),
        ("351100", "D", 2),
        ("381100", "E", 2),
        ("412000", "F", 3),
        ("432100", "F", 3),
        ("452010", "G", 4),
        ("471120", "G", 4),
        ("494100", "H", 4),
        ("532000", "H", 4),
        ("551010", "I", 4),
        ("561010", "I", 4),
        ("620100", "J", 5),
        ("641900", "K", 6),
        ("682040", "L", 7),
        ("692000", "M", 8),
        ("812100", "N", 8),
        ("841100", "O", 9),
        ("852000", "P", 9),
        ("871000", "Q", 9),
        ("881000", "Q", 9),
        ("900100", "R", 10),
        ("960200", "S", 10),
        ("970000", "T", 10),
        ("990000", "U", 11),
    ],
)
def test_section_and_ten_group(code: str, section: str, group: int) -> None:
    assert section_for_db07(code) == section
    assert ten_group_for_db07(code) == group


@pytest.mark.parametrize(
    ("code", "section"),
    [("41", "F"), ("412", "F"), ("4120", "F"), ("41200", "F"), ("41.20.00", "F"),
     ("41 20 00", "F"), (" 01.11 ", "A"), (11100, "A"), (412000, "F")],
)  # fmt: skip
def test_section_accepts_2_to_6_digits(code: str | int, section: str) -> None:
    assert section_for_db07(code) == section


@pytest.mark.parametrize("code", ["4", "4120001", "", "abc", "04", "340000", "400000", "44", "00"])
def test_section_rejects(code: str) -> None:
    with pytest.raises(ValueError):
        section_for_db07(code)


@pytest.mark.parametrize("code", [None, "", "  ", "abc", "000000", "040000", "4"])
def test_unknown_is_group_11(code: str | None) -> None:
    assert ten_group_for_db07(code) == 11


@pytest.mark.parametrize(
    ("code", "expected"),
    [("412000", "412000"), ("41.20.00", "412000"), (" 4120 00 ", "412000"), (11100, "011100")],
)
def test_validate_db07(code: str | int, expected: str) -> None:
    assert validate_db07(code) == expected


@pytest.mark.parametrize(
    ("code", "match"),
    [
        ("41200", "exactly 6 digits"),
        ("4120000", "exactly 6 digits"),
        ("41-20-00", "exactly 6 digits"),
        ("4120a0", "exactly 6 digits"),
        ("340000", "division 34 does not exist"),
        ("000000", "division 00 does not exist"),
        (1_000_000, "more than 6 digits"),
        (True, "text or an integer"),
    ],
)
def test_validate_db07_rejects(code: str | int, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        validate_db07(code)


def test_common_regional_industries() -> None:
    codes = [code for code, _ in COMMON_REGIONAL_INDUSTRIES]
    assert 18 <= len(codes) <= 30
    assert len(set(codes)) == len(codes)
    assert all(validate_db07(code) == code for code in codes)
    assert all(text.strip() for _, text in COMMON_REGIONAL_INDUSTRIES)
    sections = {section_for_db07(code) for code in codes}
    assert {"C", "F", "G", "H", "I", "J", "N", "Q"} <= sections
