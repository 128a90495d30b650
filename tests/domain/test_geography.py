"""Municipalities and the time-versioned job-centre mapping (domain-facts.md §4)."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from research.domain.geography import (
    APPROX_POPULATION_2024,
    BORNHOLM_CODE,
    JOB_CENTRE_ASSIGNMENTS,
    LOW_EDUCATED_UNEMPLOYED_POOL,
    LOW_EDUCATED_UNEMPLOYED_POOL_BY_MUNICIPALITY,
    LOW_EDUCATED_UNEMPLOYED_TOTAL,
    MUNICIPALITIES,
    Municipality,
    UnknownMunicipality,
    job_centre_for,
    job_centres_on,
    low_educated_pool_on,
    municipality_by_code,
    municipality_by_name,
)

RAR_AREA = {
    "Albertslund", "Allerød", "Ballerup", "Brøndby", "Dragør", "Egedal", "Fredensborg",
    "Frederiksberg", "Frederikssund", "Furesø", "Gentofte", "Gribskov", "Glostrup", "Gladsaxe",
    "Halsnæs", "Helsingør", "Herlev", "Hillerød", "Hvidovre", "Høje-Taastrup", "Hørsholm",
    "Ishøj", "København", "Lyngby-Taarbæk", "Rudersdal", "Rødovre", "Tårnby", "Vallensbæk",
}  # fmt: skip


def test_the_29_municipalities() -> None:
    assert len(MUNICIPALITIES) == 29
    assert {m.name for m in MUNICIPALITIES} == RAR_AREA | {"Bornholm"}
    assert len({m.code for m in MUNICIPALITIES}) == 29
    assert municipality_by_code(BORNHOLM_CODE).name == "Bornholm"


@pytest.mark.parametrize(
    ("code", "name"),
    [(101, "København"), (147, "Frederiksberg"), (155, "Dragør"), (169, "Høje-Taastrup"),
     (173, "Lyngby-Taarbæk"), (183, "Ishøj"), (185, "Tårnby"), (187, "Vallensbæk"),
     (270, "Gribskov"), (400, "Bornholm")],
)  # fmt: skip
def test_municipality_by_code(code: int, name: str) -> None:
    assert municipality_by_code(code) == Municipality(code, name)


@pytest.mark.parametrize("code", [0, 100, 265, 851, -1])
def test_unknown_code(code: int) -> None:
    with pytest.raises(UnknownMunicipality, match="unknown municipality code"):
        municipality_by_code(code)
    with pytest.raises(ValueError):
        municipality_by_code(code)
    with pytest.raises(KeyError):
        job_centre_for(code, date(2020, 1, 1))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("København", 101),
        ("københavn", 101),
        ("Københavns Kommune", 101),
        ("KØBENHAVNS KOMMUNE", 101),
        ("Koebenhavn", 101),
        ("Copenhagen", 101),
        ("Frederiksberg Kommune", 147),
        ("Lyngby-Taarbæk", 173),
        ("Lyngby-Tårbæk", 173),
        ("lyngby taarbæk kommune", 173),
        ("Lyngby", 173),
        ("Høje-Taastrup", 169),
        ("Høje Tåstrup", 169),
        ("Hoeje-Taastrup", 169),
        ("Tårnby", 185),
        ("Taarnby", 185),
        ("  tårnby  ", 185),
        ("Dragør", 155),
        ("Dragoer", 155),
        ("Brøndby Kommune", 153),
        ("Halsnæs", 260),
        ("Halsnaes", 260),
        ("Bornholms Regionskommune", 400),
    ],
)
def test_municipality_name_tolerance(text: str, code: int) -> None:
    assert municipality_by_name(text).code == code


@pytest.mark.parametrize("text", ["Roskilde", "", "Jobcenter København", "Køge"])
def test_unknown_name(text: str) -> None:
    with pytest.raises(UnknownMunicipality, match="unknown municipality"):
        municipality_by_name(text)


def test_unknown_municipality_message_is_not_quoted() -> None:
    error = UnknownMunicipality("unknown municipality 'X'")
    assert str(error) == "unknown municipality 'X'"


@pytest.mark.parametrize(
    ("on", "count", "with_bornholm"),
    [
        (date(2007, 1, 1), 26, 27),
        (date(2019, 6, 1), 26, 27),
        (date(2021, 12, 31), 26, 27),
        (date(2022, 1, 1), 27, 28),
        (date(2025, 6, 1), 27, 28),
    ],
)
def test_job_centre_counts(on: date, count: int, with_bornholm: int) -> None:
    centres = job_centres_on(on)
    assert len(centres) == count
    assert len(set(centres)) == count
    assert "Jobcenter Bornholm" not in centres
    assert len(job_centres_on(on, include_bornholm=True)) == with_bornholm


@pytest.mark.parametrize("on", [date(2007, 1, 1), date(2015, 3, 1), date(2025, 6, 1)])
def test_dragoer_is_served_by_taarnby(on: date) -> None:
    assert job_centre_for(155, on) == "Jobcenter Tårnby"
    assert "Jobcenter Dragør" not in job_centres_on(on)


@pytest.mark.parametrize(
    ("on", "centre"),
    [
        (date(2010, 5, 1), "Jobcenter Vallensbæk"),
        (date(2021, 12, 31), "Jobcenter Vallensbæk"),
        (date(2022, 1, 1), "Jobcenter Ishøj"),
        (date(2025, 6, 1), "Jobcenter Ishøj"),
    ],
)
def test_ishoej_switch(on: date, centre: str) -> None:
    assert job_centre_for(183, on) == centre
    assert job_centre_for(187, on) == "Jobcenter Vallensbæk"


def test_other_municipalities_have_their_own_centre() -> None:
    for m in MUNICIPALITIES:
        if m.code not in (155, 183):
            assert job_centre_for(m.code, date(2020, 1, 1)) == f"Jobcenter {m.name}"


def test_no_centre_before_2007() -> None:
    with pytest.raises(ValueError, match="no job centre"):
        job_centre_for(101, date(2006, 12, 31))


def test_assignments_do_not_overlap() -> None:
    for m in MUNICIPALITIES:
        rows = sorted(
            (r for r in JOB_CENTRE_ASSIGNMENTS if r.municipality_code == m.code),
            key=lambda r: r.valid_from,
        )
        assert rows[0].valid_from == date(2007, 1, 1)
        assert rows[-1].valid_to is None
        for earlier, later in itertools.pairwise(rows):
            assert earlier.valid_to is not None and earlier.valid_to < later.valid_from


def test_pool_adds_up_to_the_application_total() -> None:
    assert LOW_EDUCATED_UNEMPLOYED_TOTAL == 13_600
    assert sum(LOW_EDUCATED_UNEMPLOYED_POOL.values()) == 13_600
    rar = [c for c in LOW_EDUCATED_UNEMPLOYED_POOL_BY_MUNICIPALITY if c != BORNHOLM_CODE]
    assert sum(LOW_EDUCATED_UNEMPLOYED_POOL_BY_MUNICIPALITY[c] for c in rar) == 13_600
    assert set(APPROX_POPULATION_2024) == {m.code for m in MUNICIPALITIES}


def test_pool_keys_are_the_26_centres() -> None:
    assert set(LOW_EDUCATED_UNEMPLOYED_POOL) == set(job_centres_on(date(2019, 6, 1)))
    assert all(v > 0 for v in LOW_EDUCATED_UNEMPLOYED_POOL.values())
    # Vallensbæk carries Ishøj before 2022; Tårnby always carries Dragør
    by_code = LOW_EDUCATED_UNEMPLOYED_POOL_BY_MUNICIPALITY
    assert LOW_EDUCATED_UNEMPLOYED_POOL["Jobcenter Vallensbæk"] == by_code[187] + by_code[183]
    assert LOW_EDUCATED_UNEMPLOYED_POOL["Jobcenter Tårnby"] == by_code[185] + by_code[155]


def test_pool_is_proportional_to_population() -> None:
    share = LOW_EDUCATED_UNEMPLOYED_POOL_BY_MUNICIPALITY[101] / 13_600
    population = APPROX_POPULATION_2024[101] / sum(
        p for c, p in APPROX_POPULATION_2024.items() if c != BORNHOLM_CODE
    )
    assert share == pytest.approx(population, abs=1e-3)


@pytest.mark.parametrize(
    ("on", "bornholm"),
    [(date(2019, 6, 1), False), (date(2025, 6, 1), False), (date(2025, 6, 1), True)],
)
def test_pool_on_date_matches_layout(on: date, bornholm: bool) -> None:
    pool = low_educated_pool_on(on, include_bornholm=bornholm)
    assert tuple(pool) == job_centres_on(on, include_bornholm=bornholm)
    expected = 13_600 + (LOW_EDUCATED_UNEMPLOYED_POOL_BY_MUNICIPALITY[400] if bornholm else 0)
    assert sum(pool.values()) == expected
