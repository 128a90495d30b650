"""DB07 (Dansk Branchekode 2007) industry codes, sections and DST's 10-grouping (§5.2).

Why: companies get their DB07 code from CVR, and the project groups companies into networks
and clusters by industry. With small counts, DST's standard 10-grouping keeps tables above the
disclosure threshold.

DB07 is the Danish version of NACE Rev. 2: six digits, the first four the NACE class, the last
two a Danish subdivision. The first two digits (the NACE division) decide the section A-U.

Section titles A, B and F are sourced from DST; the others are the standard Danish NACE titles
from memory (domain-facts.md, unverified item 7). The 10-grouping is sourced. It folds T
(households as employers) into group 10 and U (extraterritorial organisations) into group 11
"Uoplyst aktivitet", as DST's standard groupings do (corroborated only by third-party code
that maps divisions 94-98 to "Andre serviceydelser mv." and 99 to "Uoplyst aktivitet").
"""

from __future__ import annotations

__all__ = [
    "COMMON_REGIONAL_INDUSTRIES",
    "DB07_SECTIONS",
    "DIVISIONS_BY_SECTION",
    "TEN_GROUPS",
    "TEN_GROUP_BY_SECTION",
    "UNKNOWN_TEN_GROUP",
    "section_for_db07",
    "ten_group_for_db07",
    "validate_db07",
]

DB07_SECTIONS: dict[str, str] = {
    "A": "Landbrug, jagt, skovbrug og fiskeri",
    "B": "Råstofindvinding",
    "C": "Fremstillingsvirksomhed",
    "D": "El-, gas- og fjernvarmeforsyning",
    "E": "Vandforsyning; kloakvæsen, affaldshåndtering og rensning af jord og grundvand",
    "F": "Bygge- og anlægsvirksomhed",
    "G": "Engroshandel og detailhandel; reparation af motorkøretøjer og motorcykler",
    "H": "Transport og godshåndtering",
    "I": "Overnatningsfaciliteter og restaurationsvirksomhed",
    "J": "Information og kommunikation",
    "K": "Pengeinstitut- og finansvirksomhed, forsikring",
    "L": "Fast ejendom",
    "M": "Liberale, videnskabelige og tekniske tjenesteydelser",
    "N": "Administrative tjenesteydelser og hjælpetjenester",
    "O": "Offentlig administration og forsvar; socialsikring",
    "P": "Undervisning",
    "Q": "Sundhedsvæsen og sociale foranstaltninger",
    "R": "Kultur, forlystelser og sport",
    "S": "Andre serviceydelser",
    "T": "Private husholdninger med ansat medhjælp; husholdningers produktion til eget brug",
    "U": "Ekstraterritoriale organisationer og organer",
}

TEN_GROUPS: dict[int, str] = {
    1: "Landbrug, skovbrug og fiskeri",
    2: "Industri, råstofindvinding og forsyningsvirksomhed",
    3: "Bygge og anlæg",
    4: "Handel og transport mv.",
    5: "Information og kommunikation",
    6: "Finansiering og forsikring",
    7: "Ejendomshandel og udlejning",
    8: "Erhvervsservice",
    9: "Offentlig administration, undervisning og sundhed",
    10: "Kultur, fritid og anden service",
    11: "Uoplyst aktivitet",
}

UNKNOWN_TEN_GROUP = 11

# fmt: off
TEN_GROUP_BY_SECTION: dict[str, int] = {
    "A": 1,
    "B": 2, "C": 2, "D": 2, "E": 2,
    "F": 3,
    "G": 4, "H": 4, "I": 4,
    "J": 5,
    "K": 6,
    "L": 7,
    "M": 8, "N": 8,
    "O": 9, "P": 9, "Q": 9,
    "R": 10, "S": 10, "T": 10,
    "U": UNKNOWN_TEN_GROUP,
}
# fmt: on


def _span(first: int, last: int) -> tuple[int, ...]:
    return tuple(range(first, last + 1))


# The 88 NACE Rev. 2 divisions (gaps such as 04, 34, 40, 44 do not exist).
DIVISIONS_BY_SECTION: dict[str, tuple[int, ...]] = {
    "A": _span(1, 3),
    "B": _span(5, 9),
    "C": _span(10, 33),
    "D": (35,),
    "E": _span(36, 39),
    "F": _span(41, 43),
    "G": _span(45, 47),
    "H": _span(49, 53),
    "I": _span(55, 56),
    "J": _span(58, 63),
    "K": _span(64, 66),
    "L": (68,),
    "M": _span(69, 75),
    "N": _span(77, 82),
    "O": (84,),
    "P": (85,),
    "Q": _span(86, 88),
    "R": _span(90, 93),
    "S": _span(94, 96),
    "T": _span(97, 98),
    "U": (99,),
}

_SECTION_BY_DIVISION: dict[int, str] = {
    division: section
    for section, divisions in DIVISIONS_BY_SECTION.items()
    for division in divisions
}


def _clean(code: str | int) -> str:
    """Digits of a code; an int is taken as a full 6-digit code whose leading zeros were lost."""
    if isinstance(code, bool):
        raise ValueError(f"DB07 code must be text or an integer, got {code!r}")
    if isinstance(code, int):
        if not 0 <= code <= 999_999:
            raise ValueError(f"DB07 code {code} has more than 6 digits")
        return f"{code:06d}"
    if not isinstance(code, str):
        raise ValueError(f"DB07 code must be text or an integer, got {code!r}")
    return "".join(code.split()).replace(".", "")


def _section_of_division(digits: str, original: str | int) -> str:
    section = _SECTION_BY_DIVISION.get(int(digits[:2]))
    if section is None:
        raise ValueError(
            f"DB07 code {original!r}: division {digits[:2]} does not exist in DB07/NACE Rev. 2"
        )
    return section


def validate_db07(code: str | int) -> str:
    """The 6-digit DB07 code, after removing dots and spaces ("41.20.00" -> "412000").

    Raises ValueError when it is not 6 digits or its division does not exist. An integer is
    zero-padded (a spreadsheet may have turned "011100" into 11100); keep codes as text.
    """
    digits = _clean(code)
    if not (len(digits) == 6 and digits.isascii() and digits.isdigit()):
        raise ValueError(f"DB07 code {code!r} must have exactly 6 digits")
    _section_of_division(digits, code)
    return digits


def section_for_db07(code: str | int) -> str:
    """The section letter A-U for a DB07/NACE code of 2 to 6 digits (dots and spaces allowed).

    Raises ValueError for other lengths, non-digits or a division that does not exist.
    """
    digits = _clean(code)
    if not (2 <= len(digits) <= 6 and digits.isascii() and digits.isdigit()):
        raise ValueError(f"DB07 code {code!r} must have 2 to 6 digits")
    return _section_of_division(digits, code)


def ten_group_for_db07(code: str | int | None) -> int:
    """DST's 10-grouping (1-10, or 11 "Uoplyst aktivitet") for a DB07 code.

    A missing, blank or unrecognisable code gives 11, as DST files unknown activity there; use
    :func:`validate_db07` at import if typos should be caught instead.
    """
    if code is None or (isinstance(code, str) and not code.strip()):
        return UNKNOWN_TEN_GROUP
    try:
        section = section_for_db07(code)
    except ValueError:
        return UNKNOWN_TEN_GROUP
    return TEN_GROUP_BY_SECTION[section]


# Real DB07 v3 codes common among Region Hovedstaden SMEs that employ many unskilled and
# skilled workers. Titles are from memory of DST's DB07 list and shortened; verify them against
# DST before publishing them. The simulator draws company industries from this list.
COMMON_REGIONAL_INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("412000", "Opførelse af bygninger"),
    ("432100", "El-installation"),
    ("432200", "VVS- og blikkenslagerforretninger"),
    ("433200", "Tømrer- og bygningssnedkervirksomhed"),
    ("433410", "Malerforretninger"),
    ("251100", "Fremstilling af metalkonstruktioner og dele heraf"),
    ("256200", "Maskinforarbejdning"),
    ("212000", "Fremstilling af farmaceutiske præparater"),
    ("331200", "Reparation af maskiner"),
    ("452010", "Almindelig reparation og vedligeholdelse af motorkøretøjer"),
    ("469000", "Ikke-specialiseret engroshandel"),
    ("471120", "Supermarkeder"),
    ("494100", "Vejgodstransport"),
    ("521000", "Oplagring"),
    ("532000", "Andre post- og kurertjenester"),
    ("551010", "Hoteller"),
    ("561010", "Restauranter"),
    ("562100", "Event catering"),
    ("620100", "Computerprogrammering"),
    ("620200", "Konsulentbistand vedrørende informationsteknologi"),
    ("692000", "Bogføring og revision; skatterådgivning"),
    ("782000", "Vikarbureauer"),
    ("812100", "Almindelig rengøring i bygninger"),
    ("813000", "Landskabspleje"),
    ("871000", "Plejehjem"),
    ("881000", "Sociale foranstaltninger uden institutionsophold for ældre og handicappede"),
)
