"""The bulk identifier code follows the domain's synthetic CPR and CVR rules exactly."""

from __future__ import annotations

from datetime import date

import numpy as np

from research.domain.codes import Gender
from research.domain.identifiers import (
    is_synthetic_cpr,
    is_valid_cvr,
    make_synthetic_cpr,
    make_synthetic_cvr,
)
from research.ingest.pseudonym import DEMO_KEY, pseudonymise
from research.simulate.ids import (
    cpr_text,
    pseudonyms,
    serial_within,
    synthetic_cpr_numbers,
    synthetic_cvrs,
)


def _births(rng: np.random.Generator, n: int) -> np.ndarray:
    days = np.datetime64("1940-01-01") + rng.integers(0, 365 * 70, n).astype("timedelta64[D]")
    new_year = days == days.astype("datetime64[Y]").astype("datetime64[D]")
    return np.where(new_year, days + np.timedelta64(1, "D"), days)


def test_vectorised_cpr_numbers_equal_make_synthetic_cpr() -> None:
    rng = np.random.default_rng(3)
    births = _births(rng, 600)
    female = rng.random(600) < 0.5
    serial = rng.integers(0, 2_000, 600)
    numbers = cpr_text(synthetic_cpr_numbers(births, female, serial))
    for b, f, s, got in zip(births, female, serial, numbers, strict=True):
        want = make_synthetic_cpr(
            b.astype(date), Gender.FEMALE if f else Gender.MALE, int(s)
        ).replace("-", "")
        assert got == want
        assert is_synthetic_cpr(got)


def test_many_people_share_a_birth_date() -> None:
    """Scale 1,000 puts a few hundred people on one birth date and sex; all stay distinct."""
    births = np.full(1_500, np.datetime64("1980-06-15"))
    female = np.zeros(1_500, dtype=bool)
    numbers = cpr_text(synthetic_cpr_numbers(births, female, serial_within(births, female)))
    assert len(set(numbers)) == 1_500
    assert all(is_synthetic_cpr(x) and int(x[-1]) % 2 == 1 for x in numbers[::50])


def test_pseudonyms_are_the_demo_key_pseudonyms_of_the_synthetic_numbers() -> None:
    births = np.array(["1975-03-02", "1975-03-02", "1990-12-31"], dtype="datetime64[D]")
    female = np.array([True, True, False])
    got = pseudonyms(births, female)
    want = [
        pseudonymise(
            make_synthetic_cpr(date(1975, 3, 2), Gender.FEMALE, 0).replace("-", ""), DEMO_KEY
        ),
        pseudonymise(
            make_synthetic_cpr(date(1975, 3, 2), Gender.FEMALE, 1).replace("-", ""), DEMO_KEY
        ),
        pseudonymise(
            make_synthetic_cpr(date(1990, 12, 31), Gender.MALE, 0).replace("-", ""), DEMO_KEY
        ),
    ]
    assert list(got) == want


def test_vectorised_cvr_numbers_equal_make_synthetic_cvr() -> None:
    serials = np.concatenate([np.arange(200), np.arange(89_800, 90_000), [45_678]])
    for serial, cvr in zip(serials, synthetic_cvrs(serials), strict=True):
        assert cvr == make_synthetic_cvr(int(serial))
        assert is_valid_cvr(cvr)
