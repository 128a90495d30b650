"""Region Hovedstaden's municipalities and the job centres that serve them (domain-facts.md §4).

Why: participants are recruited through job centres, and reports count per job centre. The
application speaks of "26 job centres": the 28 municipalities of the RAR/RBR Hovedstaden area
minus Dragør (served by Jobcenter Tårnby) and minus Ishøj (served by Jobcenter Vallensbæk until
the end of 2021). From 2022 Ishøj runs its own job centre, so there are 27. Bornholm, the 29th
municipality of the region, has its own labour-market council and is left out unless asked for.
Because the answer depends on the date, the municipality -> job centre mapping is versioned
(``valid_from``/``valid_to``), never a plain dict.

The kommune codes are from memory (domain-facts.md, unverified item 9); verify them against
DST/DAGI before relying on them in register linkage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = [
    "APPROX_POPULATION_2024",
    "BORNHOLM_CODE",
    "JOB_CENTRE_ASSIGNMENTS",
    "LOW_EDUCATED_UNEMPLOYED_POOL",
    "LOW_EDUCATED_UNEMPLOYED_POOL_BY_MUNICIPALITY",
    "LOW_EDUCATED_UNEMPLOYED_TOTAL",
    "MUNICIPALITIES",
    "JobCentreAssignment",
    "Municipality",
    "UnknownMunicipality",
    "job_centre_for",
    "job_centres_on",
    "low_educated_pool_on",
    "municipality_by_code",
    "municipality_by_name",
]

BORNHOLM_CODE = 400
"""Bornholm belongs to Region Hovedstaden but not to the RAR Hovedstaden area."""


@dataclass(frozen=True)
class Municipality:
    """A kommune: its 3-digit kommune code and its everyday Danish name."""

    code: int
    name: str


MUNICIPALITIES: tuple[Municipality, ...] = (
    Municipality(101, "København"),
    Municipality(147, "Frederiksberg"),
    Municipality(151, "Ballerup"),
    Municipality(153, "Brøndby"),
    Municipality(155, "Dragør"),
    Municipality(157, "Gentofte"),
    Municipality(159, "Gladsaxe"),
    Municipality(161, "Glostrup"),
    Municipality(163, "Herlev"),
    Municipality(165, "Albertslund"),
    Municipality(167, "Hvidovre"),
    Municipality(169, "Høje-Taastrup"),
    Municipality(173, "Lyngby-Taarbæk"),
    Municipality(175, "Rødovre"),
    Municipality(183, "Ishøj"),
    Municipality(185, "Tårnby"),
    Municipality(187, "Vallensbæk"),
    Municipality(190, "Furesø"),
    Municipality(201, "Allerød"),
    Municipality(210, "Fredensborg"),
    Municipality(217, "Helsingør"),
    Municipality(219, "Hillerød"),
    Municipality(223, "Hørsholm"),
    Municipality(230, "Rudersdal"),
    Municipality(240, "Egedal"),
    Municipality(250, "Frederikssund"),
    Municipality(260, "Halsnæs"),
    Municipality(270, "Gribskov"),
    Municipality(BORNHOLM_CODE, "Bornholm"),
)

_BY_CODE: dict[int, Municipality] = {m.code: m for m in MUNICIPALITIES}


class UnknownMunicipality(ValueError, KeyError):
    """A municipality code or name that is not in Region Hovedstaden.

    A ValueError (bad input) that can also be caught as a KeyError (failed lookup).
    """

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


def municipality_by_code(code: int) -> Municipality:
    """The municipality with this kommune code; raises :class:`UnknownMunicipality`."""
    try:
        return _BY_CODE[int(code)]
    except (KeyError, ValueError, TypeError):
        known = ", ".join(str(c) for c in _BY_CODE)
        raise UnknownMunicipality(
            f"unknown municipality code {code!r} in Region Hovedstaden; known codes: {known}"
        ) from None


def _name_key(name: str) -> str:
    """Fold case, Danish letters (å/aa, æ/ae, ø/oe), hyphens, spaces and a trailing 'Kommune'."""
    key = " ".join(str(name).split()).casefold()
    for suffix in (" regionskommune", " kommune"):
        if key.endswith(suffix):
            key = key[: -len(suffix)]
    for danish, ascii_ in (("å", "aa"), ("æ", "ae"), ("ø", "oe")):
        key = key.replace(danish, ascii_)
    return "".join(ch for ch in key if ch.isalnum())


_NAME_ALIASES: dict[str, int] = {
    "koebenhavns": 101,
    "copenhagen": 101,
    "kbh": 101,
    "frederiksbergs": 147,
    "lyngby": 173,
    "kongenslyngby": 173,
    "taastrup": 169,
    "bornholms": BORNHOLM_CODE,
}
_BY_NAME: dict[str, int] = {_name_key(m.name): m.code for m in MUNICIPALITIES} | _NAME_ALIASES


def municipality_by_name(name: str) -> Municipality:
    """Find a municipality by name, tolerant of how an administrator writes it.

    Accepts any case, "Kommune" after the name ("Københavns Kommune"), ``aa`` for ``å``,
    ``ae``/``oe`` for ``æ``/``ø``, and missing hyphens ("Hoeje Taastrup", "Taarnby",
    "Lyngby-Tårbæk"). Raises :class:`UnknownMunicipality`.
    """
    code = _BY_NAME.get(_name_key(name))
    if code is None:
        known = ", ".join(m.name for m in MUNICIPALITIES)
        raise UnknownMunicipality(
            f"unknown municipality {name!r} in Region Hovedstaden; known: {known}"
        )
    return _BY_CODE[code]


@dataclass(frozen=True)
class JobCentreAssignment:
    """Which job centre serves a municipality, from ``valid_from`` to ``valid_to`` inclusive."""

    municipality_code: int
    job_centre: str
    valid_from: date
    valid_to: date | None = None

    def covers(self, on: date) -> bool:
        """Whether this assignment is in force on the given date."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


_JOB_CENTRES_START = date(2007, 1, 1)  # job centres were created with the 2007 reform
_ISHOEJ_OWN_CENTRE = date(2022, 1, 1)


def _build_assignments() -> tuple[JobCentreAssignment, ...]:
    rows: list[JobCentreAssignment] = []
    for m in MUNICIPALITIES:
        if m.code == 155:  # Dragør: Tårnby runs its employment services (since 2007)
            rows.append(JobCentreAssignment(m.code, "Jobcenter Tårnby", _JOB_CENTRES_START))
        elif m.code == 183:  # Ishøj: Vallensbæk until 2021, own job centre from 2022
            rows.append(
                JobCentreAssignment(
                    m.code, "Jobcenter Vallensbæk", _JOB_CENTRES_START, date(2021, 12, 31)
                )
            )
            rows.append(JobCentreAssignment(m.code, "Jobcenter Ishøj", _ISHOEJ_OWN_CENTRE))
        else:
            rows.append(JobCentreAssignment(m.code, f"Jobcenter {m.name}", _JOB_CENTRES_START))
    return tuple(rows)


JOB_CENTRE_ASSIGNMENTS: tuple[JobCentreAssignment, ...] = _build_assignments()


def job_centre_for(municipality_code: int, on: date) -> str:
    """The job centre serving a municipality on a date.

    Raises :class:`UnknownMunicipality` for a code outside the region, and ValueError for a
    date with no assignment (before the job centres existed in 2007).
    """
    municipality = municipality_by_code(municipality_code)
    for row in JOB_CENTRE_ASSIGNMENTS:
        if row.municipality_code == municipality.code and row.covers(on):
            return row.job_centre
    raise ValueError(f"no job centre is recorded for {municipality.name} on {on.isoformat()}")


def job_centres_on(on: date, include_bornholm: bool = False) -> tuple[str, ...]:
    """The distinct job centres in force on a date, in kommune-code order.

    26 before 2022 and 27 from 2022 (one more with Bornholm).
    """
    names: dict[str, None] = {}
    for m in MUNICIPALITIES:
        if m.code == BORNHOLM_CODE and not include_bornholm:
            continue
        names.setdefault(job_centre_for(m.code, on), None)
    return tuple(names)


# --------------------------------------------------------------------------------------------
# An illustrative pool of low-educated unemployed per job centre
# --------------------------------------------------------------------------------------------

LOW_EDUCATED_UNEMPLOYED_TOTAL = 10_800 + 2_800
"""Unemployed with at most primary school (≈10,800) or upper secondary (≈2,800) as their
highest education in the 26 job centres' area (the application, via DOMAIN.md)."""

# Approximate populations on 1 January 2024, rounded to the nearest 500, from memory of
# DST's FOLK1A; they are only used as allocation weights. Replace with Statistikbanken figures
# if the allocation ever matters.
APPROX_POPULATION_2024: dict[int, int] = {
    101: 660_000,  # København
    147: 105_000,  # Frederiksberg
    151: 52_500,  # Ballerup
    153: 39_500,  # Brøndby
    155: 14_500,  # Dragør
    157: 75_000,  # Gentofte
    159: 70_000,  # Gladsaxe
    161: 24_000,  # Glostrup
    163: 30_000,  # Herlev
    165: 28_000,  # Albertslund
    167: 54_500,  # Hvidovre
    169: 58_000,  # Høje-Taastrup
    173: 57_000,  # Lyngby-Taarbæk
    175: 41_000,  # Rødovre
    183: 24_000,  # Ishøj
    185: 44_000,  # Tårnby
    187: 17_000,  # Vallensbæk
    190: 41_500,  # Furesø
    201: 26_000,  # Allerød
    210: 41_000,  # Fredensborg
    217: 64_000,  # Helsingør
    219: 54_000,  # Hillerød
    223: 25_000,  # Hørsholm
    230: 57_000,  # Rudersdal
    240: 45_000,  # Egedal
    250: 46_000,  # Frederikssund
    260: 32_000,  # Halsnæs
    270: 41_500,  # Gribskov
    BORNHOLM_CODE: 39_500,  # Bornholm
}


def _largest_remainder(total: int, weights: dict[int, int]) -> dict[int, int]:
    """Split ``total`` in proportion to ``weights`` into integers that add up to ``total``."""
    weight_sum = sum(weights.values())
    exact = {k: total * w / weight_sum for k, w in weights.items()}
    shares = {k: int(v) for k, v in exact.items()}
    leftover = total - sum(shares.values())
    by_remainder = sorted(exact, key=lambda k: (-(exact[k] - shares[k]), k))
    for k in by_remainder[:leftover]:
        shares[k] += 1
    return shares


def _pool_by_municipality() -> dict[int, int]:
    rar_area = {c: p for c, p in APPROX_POPULATION_2024.items() if c != BORNHOLM_CODE}
    pool = _largest_remainder(LOW_EDUCATED_UNEMPLOYED_TOTAL, rar_area)
    rate = LOW_EDUCATED_UNEMPLOYED_TOTAL / sum(rar_area.values())
    pool[BORNHOLM_CODE] = round(APPROX_POPULATION_2024[BORNHOLM_CODE] * rate)
    return pool


LOW_EDUCATED_UNEMPLOYED_POOL_BY_MUNICIPALITY: dict[int, int] = _pool_by_municipality()
"""Illustrative pool per kommune code. The 28 RAR-area municipalities add up to exactly
``LOW_EDUCATED_UNEMPLOYED_TOTAL``; Bornholm gets the same rate per inhabitant on top."""


def low_educated_pool_on(on: date, include_bornholm: bool = False) -> dict[str, int]:
    """The illustrative pool per job centre, grouped by the job-centre layout on a date.

    The keys are exactly :func:`job_centres_on` for the same arguments.
    """
    pool: dict[str, int] = {}
    for m in MUNICIPALITIES:
        if m.code == BORNHOLM_CODE and not include_bornholm:
            continue
        centre = job_centre_for(m.code, on)
        pool[centre] = pool.get(centre, 0) + LOW_EDUCATED_UNEMPLOYED_POOL_BY_MUNICIPALITY[m.code]
    return pool


LOW_EDUCATED_UNEMPLOYED_POOL: dict[str, int] = low_educated_pool_on(date(2021, 12, 31))
"""Approximate unemployed with at most upper-secondary education, per job centre.

An ILLUSTRATIVE allocation, not official statistics: no sourced per-centre figure exists, so
the region total from the application (≈10,800 + 2,800 = 13,600) is spread over the 28
municipalities in proportion to their approximate 2024 population and summed per job centre.
It ignores that low-educated unemployment is concentrated in some municipalities (e.g. the
western suburbs). The simulator uses it to allocate job-centre recruitment in proportion.

Keyed by the 26 job centres the application counts (Ishøj inside Jobcenter Vallensbæk); use
:func:`low_educated_pool_on` for the 27-centre layout from 2022.
"""
