"""Education groups, ISCED bands, grades and the 02 requirement (domain-facts.md §5.1, §7)."""

from __future__ import annotations

import math

import pytest

from research.domain.codes import Coded
from research.domain.education import (
    GRADES_7_STEP,
    ISCED_BY_GROUP,
    EducationGroup,
    esf2014_band_for_isced,
    esfplus_band_for_isced,
    is_valid_grade,
    meets_02_requirement,
    parse_grade,
)

G = EducationGroup


@pytest.mark.parametrize(
    ("group", "isced", "esf2014", "esfplus", "unskilled", "skilled"),
    [
        (G.H10, 2, "isced_1_2", "isced_0_2", True, False),
        (G.H15, 2, "isced_1_2", "isced_0_2", True, False),
        (G.H20, 3, "isced_3_4", "isced_3_4", True, False),
        (G.H29, 3, "isced_3_4", "isced_3_4", True, False),
        (G.H30, 3, "isced_3_4", "isced_3_4", False, True),
        (G.H35, 4, "isced_3_4", "isced_3_4", False, True),
        (G.H40, 5, "isced_5_8", "isced_5_8", False, False),
        (G.H50, 6, "isced_5_8", "isced_5_8", False, False),
        (G.H60, 6, "isced_5_8", "isced_5_8", False, False),
        (G.H70, 7, "isced_5_8", "isced_5_8", False, False),
        (G.H80, 8, "isced_5_8", "isced_5_8", False, False),
        (G.H90, None, None, None, False, False),
    ],
)
def test_group_table(
    group: EducationGroup,
    isced: int | None,
    esf2014: str | None,
    esfplus: str | None,
    unskilled: bool,
    skilled: bool,
) -> None:
    assert group.isced == isced
    assert group.esf2014_band == esf2014
    assert group.esfplus_band == esfplus
    assert group.is_unskilled is unskilled
    assert group.is_skilled is skilled


def test_group_is_coded() -> None:
    assert issubclass(EducationGroup, Coded)
    assert [g.value for g in EducationGroup] == list(ISCED_BY_GROUP)
    assert G.H10 == "H10"
    assert G.H10.da == "Grundskole"
    assert G.H30.en == "Vocational education and training"


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("H10", G.H10),
        ("h10", G.H10),
        ("Grundskole", G.H10),
        ("grundskole", G.H10),
        ("Erhvervsfaglige uddannelser", G.H30),
        ("EUD", G.H30),
        ("KVU", G.H40),
        ("Korte videregående uddannelser, KVU", G.H40),
        ("Bachelor's programmes", G.H60),
        ("Uoplyst", G.H90),
    ],
)
def test_parse(text: str, group: EducationGroup) -> None:
    assert EducationGroup.parse(text) is group


def test_isced_mapping_can_be_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(ISCED_BY_GROUP, "H29", 2)
    assert G.H29.isced == 2
    assert G.H29.esf2014_band == "isced_1_2"
    assert G.H29.esfplus_band == "isced_0_2"


@pytest.mark.parametrize(
    ("isced", "esf2014", "esfplus"),
    [(0, "isced_1_2", "isced_0_2"), (1, "isced_1_2", "isced_0_2"), (2, "isced_1_2", "isced_0_2"),
     (3, "isced_3_4", "isced_3_4"), (4, "isced_3_4", "isced_3_4"), (5, "isced_5_8", "isced_5_8"),
     (8, "isced_5_8", "isced_5_8"), (None, None, None)],
)  # fmt: skip
def test_bands_for_isced(isced: int | None, esf2014: str | None, esfplus: str | None) -> None:
    assert esf2014_band_for_isced(isced) == esf2014
    assert esfplus_band_for_isced(isced) == esfplus


@pytest.mark.parametrize("isced", [-1, 9])
def test_band_rejects_impossible_level(isced: int) -> None:
    with pytest.raises(ValueError):
        esf2014_band_for_isced(isced)


# --------------------------------------------------------------------------------------------
# Grades
# --------------------------------------------------------------------------------------------


def test_grades() -> None:
    assert GRADES_7_STEP == (12, 10, 7, 4, 2, 0, -3)


@pytest.mark.parametrize(
    ("x", "valid"),
    [(12, True), (10, True), (7, True), (4, True), (2, True), (0, True), (-3, True),
     (7.0, True), (2.0, True), (1, False), (3, False), (13, False), (5.5, False),
     (-2, False), (True, False), (False, False), ("02", False), (None, False)],
)  # fmt: skip
def test_is_valid_grade(x: object, valid: bool) -> None:
    assert is_valid_grade(x) is valid


@pytest.mark.parametrize(
    ("text", "grade"),
    [("02", 2), ("00", 0), ("-3", -3), ("\u22123", -3), (" 12 ", 12), (7, 7)],
)
def test_parse_grade(text: str | int, grade: int) -> None:
    assert parse_grade(text) == grade


@pytest.mark.parametrize("text", ["", "11", "B", "2.5", "13"])
def test_parse_grade_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="7-trinsskala"):
        parse_grade(text)


# --------------------------------------------------------------------------------------------
# The 02 requirement: a truth table
# --------------------------------------------------------------------------------------------

# columns: danish, maths, fvu_reading_step4, fvu_maths_step2, avu_g_level, exemption, expected
TRUTH_TABLE = [
    # grades alone
    (2.0, 2.0, False, False, False, False, True),
    (7.0, 4.0, False, False, False, False, True),
    (12.0, 12.0, False, False, False, False, True),
    (1.9, 2.0, False, False, False, False, False),
    (2.0, 1.99, False, False, False, False, False),
    (0.0, 12.0, False, False, False, False, False),
    (12.0, -3.0, False, False, False, False, False),
    (-3.0, -3.0, False, False, False, False, False),
    (None, None, False, False, False, False, False),
    (7.0, None, False, False, False, False, False),
    (None, 7.0, False, False, False, False, False),
    # FVU: both steps needed when there are no grades
    (None, None, True, True, False, False, True),
    (None, None, True, False, False, False, False),
    (None, None, False, True, False, False, False),
    (0.0, 0.0, True, True, False, False, True),
    # per-subject mixing of a grade and FVU
    (4.0, None, False, True, False, False, True),
    (None, 4.0, True, False, False, False, True),
    (1.0, 4.0, False, True, False, False, False),
    # AVU at G level covers both subjects
    (None, None, False, False, True, False, True),
    (-3.0, 0.0, False, False, True, False, True),
    # exemption (uddannelsesaftale, EUV1, higher youth education) overrides everything
    (None, None, False, False, False, True, True),
    (-3.0, -3.0, False, False, False, True, True),
]


@pytest.mark.parametrize(
    ("danish", "maths", "fvu_read", "fvu_maths", "avu_g", "exemption", "expected"), TRUTH_TABLE
)
def test_02_requirement(
    danish: float | None,
    maths: float | None,
    fvu_read: bool,
    fvu_maths: bool,
    avu_g: bool,
    exemption: bool,
    expected: bool,
) -> None:
    result = meets_02_requirement(
        danish,
        maths,
        fvu_reading_step4=fvu_read,
        fvu_maths_step2=fvu_maths,
        avu_g_level=avu_g,
        exemption=exemption,
    )
    assert result is expected


def test_02_requirement_defaults() -> None:
    assert meets_02_requirement(2, 2) is True
    assert meets_02_requirement(2, 0) is False


@pytest.mark.parametrize(("danish", "maths"), [(13.0, 4.0), (4.0, -3.5), (math.nan, 4.0)])
def test_02_requirement_rejects_impossible_averages(danish: float, maths: float) -> None:
    with pytest.raises(ValueError, match="between -3 and 12"):
        meets_02_requirement(danish, maths)
