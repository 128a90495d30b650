"""Highest completed education (DST H-groups), ISCED bands and the EUD/EUV "02-krav".

Why: the programme's targets are defined by education level (unskilled -> skilled, skilled ->
academy level), the ESF indicators report participants by ISCED band (ISCED 1-2 in 2014-20,
0-2 in ESF+), and participants below the 02 requirement in Danish and maths are sent to VUC
courses first (domain-facts.md §5.1 and §7).
"""

from __future__ import annotations

import math

from research.domain.codes import Coded

__all__ = [
    "GRADES_7_STEP",
    "ISCED_BY_GROUP",
    "PASS_GRADE",
    "EducationGroup",
    "esf2014_band_for_isced",
    "esfplus_band_for_isced",
    "is_valid_grade",
    "meets_02_requirement",
    "parse_grade",
]

# The H-group -> ISCED 2011 level mapping is an INFERENCE (domain-facts.md, unverified item 8:
# DST only says DISCED levels are consistent with ISCED-P). It is a plain dict so configuration
# can override it; EducationGroup.isced and the band properties read it at call time.
# H10 is ISCED 1-2 and is stored as 2, the upper bound. H29 (vocational basic course only) is
# stored as 3 following the level of the programme; domain-facts.md suggests it may belong in
# the ISCED 1-2 band instead (set it to 2 to do that).
ISCED_BY_GROUP: dict[str, int | None] = {
    "H10": 2,
    "H15": 2,
    "H20": 3,
    "H29": 3,
    "H30": 3,
    "H35": 4,
    "H40": 5,
    "H50": 6,
    "H60": 6,
    "H70": 7,
    "H80": 8,
    "H90": None,
}


def esf2014_band_for_isced(isced: int | None) -> str | None:
    """ESF 2014-20 education band: "isced_1_2", "isced_3_4", "isced_5_8" or None if unknown.

    ISCED 0 is counted in the lowest band (an assumption: the 2014-20 indicator names 1-2).
    """
    if isced is None:
        return None
    if not 0 <= isced <= 8:
        raise ValueError(f"ISCED level must be 0-8, got {isced}")
    if isced <= 2:
        return "isced_1_2"
    if isced <= 4:
        return "isced_3_4"
    return "isced_5_8"


def esfplus_band_for_isced(isced: int | None) -> str | None:
    """ESF+ (2021-27) education band: "isced_0_2", "isced_3_4", "isced_5_8" or None."""
    band = esf2014_band_for_isced(isced)
    return "isced_0_2" if band == "isced_1_2" else band


class EducationGroup(Coded):
    """DST's main groups of highest completed education (HFAUDD), as in Statbank tables."""

    H10 = "H10", "Grundskole", "Primary and lower secondary school"
    H15 = "H15", "Forberedende uddannelser", "Preparatory education"
    H20 = "H20", "Gymnasiale uddannelser", "General upper secondary education", "Gymnasial"
    H29 = (
        "H29",
        "Erhvervsfaglige grundforløb",
        "Vocational basic course only",
        "Grundforløb",
    )
    H30 = "H30", "Erhvervsfaglige uddannelser", "Vocational education and training", "EUD"
    H35 = "H35", "Adgangsgivende uddannelsesforløb", "Access courses to higher education"
    H40 = (
        "H40",
        "Korte videregående uddannelser, KVU",
        "Short-cycle higher education",
        "KVU",
    )
    H50 = (
        "H50",
        "Mellemlange videregående uddannelser, MVU",
        "Medium-cycle higher education (professional bachelor)",
        "MVU",
    )
    H60 = "H60", "Bacheloruddannelser, BACH", "Bachelor's programmes", "BACH", "Bachelor"
    H70 = (
        "H70",
        "Lange videregående uddannelser, LVU",
        "Long-cycle higher education (master's)",
        "LVU",
    )
    H80 = "H80", "Ph.d. og forskeruddannelser", "PhD and research programmes", "Ph.d.", "PhD"
    H90 = "H90", "Uoplyst mv.", "Not stated", "Uoplyst"

    @classmethod
    def allowed(cls) -> str:
        """The codes: administrators know the DST groups by their H-numbers."""
        return ", ".join(m.value for m in cls)

    @property
    def isced(self) -> int | None:
        """ISCED 2011 level from :data:`ISCED_BY_GROUP` (an inference; None for H90)."""
        return ISCED_BY_GROUP.get(self.value)

    @property
    def esf2014_band(self) -> str | None:
        return esf2014_band_for_isced(self.isced)

    @property
    def esfplus_band(self) -> str | None:
        return esfplus_band_for_isced(self.isced)

    @property
    def is_unskilled(self) -> bool:
        """Ufaglært: no completed vocational (or higher) qualification."""
        return self.value in ("H10", "H15", "H20", "H29")

    @property
    def is_skilled(self) -> bool:
        """Faglært: completed vocational education (or an access course at that level)."""
        return self.value in ("H30", "H35")


# --------------------------------------------------------------------------------------------
# Grades and the 02 requirement
# --------------------------------------------------------------------------------------------

GRADES_7_STEP: tuple[int, ...] = (12, 10, 7, 4, 2, 0, -3)
"""The 7-trinsskala; "02" is stored as 2 and "00" as 0."""

PASS_GRADE = 2
"""02, the lowest passing grade and the threshold of the 02 requirement."""


def is_valid_grade(x: object) -> bool:
    """Whether ``x`` is one grade of the 7-trinsskala (an int, or a float with an int's value).

    Averages such as 5.5 are not single grades; booleans are not grades.
    """
    if isinstance(x, bool) or not isinstance(x, int | float):
        return False
    return x in GRADES_7_STEP


def parse_grade(text: str | int) -> int:
    """A grade written as on an exam certificate ("02", "00", "-3", "12") as an int."""
    try:
        grade = int(str(text).strip().replace("\u2212", "-"))  # also a typographic minus
    except ValueError:
        raise ValueError(f"not a grade on the 7-trinsskala: {text!r}") from None
    if grade not in GRADES_7_STEP:
        raise ValueError(f"not a grade on the 7-trinsskala: {text!r}")
    return grade


def _average_ok(average: float | None, subject: str) -> bool:
    if average is None:
        return False
    if isinstance(average, bool) or math.isnan(average) or not -3 <= average <= 12:
        raise ValueError(f"{subject} average must be between -3 and 12, got {average!r}")
    return average >= PASS_GRADE


def meets_02_requirement(
    danish: float | None,
    maths: float | None,
    fvu_reading_step4: bool = False,
    fvu_maths_step2: bool = False,
    avu_g_level: bool = False,
    exemption: bool = False,
) -> bool:
    """Whether a person meets the 02 requirement for EUD/EUV (domain-facts.md §7).

    The requirement is met subject by subject: Danish by an average of at least 02
    (``danish``: written and oral averaged) or FVU reading step 4; maths by an average of at
    least 02 (``maths``: the written grade) or FVU maths step 2. ``avu_g_level`` (Danish and
    maths passed at G level or higher, e.g. AVU) meets both. ``exemption`` covers an
    uddannelsesaftale, EUV1 or Danish and maths passed at a higher level in another youth
    education. None means no grade is known. Averages are compared unrounded.

    This accepts mixed evidence (e.g. a Danish grade and FVU maths), which the sourced
    per-subject equivalents allow; the [I] formula in §7 is the special case without mixing.
    """
    danish_ok = _average_ok(danish, "Danish") or fvu_reading_step4 or avu_g_level
    maths_ok = _average_ok(maths, "maths") or fvu_maths_step2 or avu_g_level
    return exemption or (danish_ok and maths_ok)
