"""CPR and CVR rules from domain-facts.md §8, and the synthetic-number conventions."""

from __future__ import annotations

import pickle
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from research.domain.codes import Gender
from research.domain.identifiers import (
    CPR_FULL_MASK,
    SYNTHETIC_CVR_PREFIX,
    CprInfo,
    InvalidIdentifier,
    cpr_passes_modulus11,
    cvr_check_digit,
    is_synthetic_cpr,
    is_valid_cvr,
    make_synthetic_cpr,
    make_synthetic_cvr,
    mask_cpr,
    normalise_cvr,
    parse_cpr,
)

# --------------------------------------------------------------------------------------------
# CPR: format and century
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [
        # 7th digit 0-3: always the 1900s
        ("010100-0123", 1900),
        ("010136-1123", 1936),
        ("010137-2123", 1937),
        ("010157-3123", 1957),
        ("010158-0123", 1958),
        ("010199-3123", 1999),
        # 7th digit 4 or 9: 2000s up to YY 36, 1900s from YY 37
        ("010100-4123", 2000),
        ("010136-4123", 2036),
        ("010137-4123", 1937),
        ("010157-9123", 1957),
        ("010158-4123", 1958),
        ("010199-9123", 1999),
        ("010136-9123", 2036),
        # 7th digit 5-8: 2000s up to YY 57, 1800s from YY 58
        ("010100-5123", 2000),
        ("010136-6123", 2036),
        ("010137-7123", 2037),
        ("010157-8123", 2057),
        ("010158-5123", 1858),
        ("010199-8123", 1899),
    ],
)
def test_century_table(text: str, year: int) -> None:
    assert parse_cpr(text).birth_date == date(year, 1, 1)


@pytest.mark.parametrize(
    "text",
    ["150384-1235", "1503841235", " 150384-1235 ", "150384 1235", "\t1503841235\n"],
)
def test_accepted_forms(text: str) -> None:
    info = parse_cpr(text)
    assert info.normalised == "1503841235"
    assert info.birth_date == date(1984, 3, 15)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "15038-41235",
        "150384--1235",
        "150384-12355",
        "15038412",
        "150384/1235",
        "abcdef-ghij",
        "15O384-1235",
        "１５０３８４-１２３５",  # full-width digits are not ASCII digits
    ],
)
def test_wrong_format_is_rejected(text: str) -> None:
    with pytest.raises(InvalidIdentifier) as excinfo:
        parse_cpr(text)
    assert excinfo.value.reason == "not 10 digits"
    assert excinfo.value.kind == "CPR"


def test_exception_pickles() -> None:
    with pytest.raises(InvalidIdentifier) as excinfo:
        parse_cpr("310290-7865")
    copy = pickle.loads(pickle.dumps(excinfo.value))
    assert (copy.kind, copy.reason, str(copy)) == ("CPR", "impossible date", str(excinfo.value))
    assert "7865" not in str(copy)


def test_non_text_is_rejected() -> None:
    with pytest.raises(InvalidIdentifier):
        parse_cpr(1503841235)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "310290-1234",  # 31 February
        "300290-1234",
        "290221-4123",  # 2021 is not a leap year
        "290200-0123",  # 1900 was not a leap year
        "320190-1234",
        "000190-1234",
        "011390-1234",
        "010090-1234",
    ],
)
def test_impossible_dates(text: str) -> None:
    with pytest.raises(InvalidIdentifier) as excinfo:
        parse_cpr(text)
    assert excinfo.value.reason == "impossible date"


def test_leap_day_in_leap_year() -> None:
    assert parse_cpr("290200-4123").birth_date == date(2000, 2, 29)
    assert parse_cpr("290200-5123").birth_date == date(2000, 2, 29)
    assert parse_cpr("290296-1234").birth_date == date(1996, 2, 29)


@pytest.mark.parametrize(
    ("last", "gender"),
    [(0, Gender.FEMALE), (2, Gender.FEMALE), (4, Gender.FEMALE), (6, Gender.FEMALE),
     (8, Gender.FEMALE), (1, Gender.MALE), (3, Gender.MALE), (5, Gender.MALE),
     (7, Gender.MALE), (9, Gender.MALE)],
)  # fmt: skip
def test_gender_from_last_digit(last: int, gender: Gender) -> None:
    assert parse_cpr(f"150384-123{last}").gender is gender


# --------------------------------------------------------------------------------------------
# CPR: modulus 11
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "passes"),
    [
        ("070761-0018", True),  # 0*4+7*3+0*2+7*7+6*6+1*5+0*4+0*3+1*2+8*1 = 121 = 11*11
        ("070761-0026", True),
        ("070761-0019", False),
        ("070761-0010", False),
        ("150384-1235", False),
    ],
)
def test_modulus11(text: str, passes: bool) -> None:
    assert cpr_passes_modulus11(text) is passes
    assert parse_cpr(text).passes_modulus11 is passes


def test_failed_modulus11_is_still_accepted() -> None:
    info = parse_cpr("010165-1234")  # a 1 January number without the check, as CPR issues
    assert info.passes_modulus11 is False
    assert info.birth_date == date(1965, 1, 1)


def test_modulus11_needs_a_cpr_shape() -> None:
    with pytest.raises(InvalidIdentifier):
        cpr_passes_modulus11("12345")


# --------------------------------------------------------------------------------------------
# CPR: masking never leaks the sequence digits
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("010190-1234", "010190-****"),
        ("0101901234", "010190-****"),
        ("  010190 1234 ", "010190-****"),
        ("310290-9876", "310290-****"),
        ("01019", CPR_FULL_MASK),
        ("ab0190-1234", CPR_FULL_MASK),
        ("", CPR_FULL_MASK),
    ],
)
def test_mask_cpr(text: str, masked: str) -> None:
    assert mask_cpr(text) == masked


def test_mask_of_non_text() -> None:
    assert mask_cpr(None) == CPR_FULL_MASK  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["150384-7925", "2307655678", "120301-4986"])
def test_info_repr_and_str_are_masked(text: str) -> None:
    info = parse_cpr(text)
    sequence = info.normalised[6:]
    for shown in (str(info), repr(info), f"{info}", f"{info!r}", str([info])):
        assert sequence not in shown
        assert info.normalised not in shown
        assert info.normalised[:6] + "-" + sequence not in shown
    assert str(info) == info.normalised[:6] + "-****"


def test_info_is_frozen() -> None:
    info = parse_cpr("150384-1235")
    with pytest.raises(AttributeError):
        info.normalised = "0000000000"  # type: ignore[misc]
    assert isinstance(info, CprInfo)


@pytest.mark.parametrize(
    "text",
    ["310290-7865", "3102907865", "290221-4789", "150384-78655", "150384-786", "1503847865 x"],
)
def test_exception_message_never_contains_the_number(text: str) -> None:
    with pytest.raises(InvalidIdentifier) as excinfo:
        parse_cpr(text)
    digits = "".join(ch for ch in text if ch.isdigit())
    for shown in (str(excinfo.value), repr(excinfo.value), *map(str, excinfo.value.args)):
        assert digits[6:10] not in shown
        assert digits not in shown


# --------------------------------------------------------------------------------------------
# Synthetic CPR numbers
# --------------------------------------------------------------------------------------------

_birth_dates = st.dates(min_value=date(1940, 1, 1), max_value=date(2000, 12, 31)).filter(
    lambda d: (d.month, d.day) != (1, 1)
)


@given(birth=_birth_dates, gender=st.sampled_from(Gender), serial=st.integers(0, 2_000))
def test_synthetic_cpr_round_trips(birth: date, gender: Gender, serial: int) -> None:
    number = make_synthetic_cpr(birth, gender, serial)
    assert len(number) == 11 and number[6] == "-"
    info = parse_cpr(number)
    assert info.birth_date == birth
    assert info.gender is gender
    assert info.passes_modulus11 is False
    assert is_synthetic_cpr(number)


@given(
    birth=_birth_dates,
    gender=st.sampled_from(Gender),
    serials=st.lists(st.integers(0, 2_000), min_size=2, max_size=2, unique=True),
)
def test_distinct_serials_give_distinct_numbers(
    birth: date, gender: Gender, serials: list[int]
) -> None:
    first, second = (make_synthetic_cpr(birth, gender, s) for s in serials)
    assert first != second


@pytest.mark.parametrize(
    ("birth", "gender"),
    [(date(1999, 12, 31), Gender.FEMALE),
     *(pytest.param(b, g, marks=pytest.mark.validation)  # each enumerates ~2,500 numbers
       for b, g in [(date(1937, 6, 1), Gender.MALE), (date(2000, 2, 29), Gender.FEMALE),
                    (date(2036, 7, 15), Gender.MALE)])],
)  # fmt: skip
def test_serial_space_is_distinct_and_bounded(birth: date, gender: Gender) -> None:
    numbers = []
    serial = 0
    while True:
        try:
            numbers.append(make_synthetic_cpr(birth, gender, serial))
        except ValueError:
            break
        serial += 1
    assert 2_000 < len(numbers) < 3_000  # six possible 7th digits x 100 x ~4.5 last digits
    assert len(set(numbers)) == len(numbers)
    assert all(parse_cpr(n).birth_date == birth for n in numbers)
    assert not any(cpr_passes_modulus11(n) for n in numbers)


def test_synthetic_cpr_never_on_new_year() -> None:
    with pytest.raises(ValueError, match="1 January"):
        make_synthetic_cpr(date(1980, 1, 1), Gender.FEMALE, 0)


def test_synthetic_cpr_rejects_negative_serial() -> None:
    with pytest.raises(ValueError):
        make_synthetic_cpr(date(1980, 5, 2), Gender.FEMALE, -1)


def test_synthetic_cpr_accepts_gender_text() -> None:
    assert parse_cpr(make_synthetic_cpr(date(1980, 5, 2), "K", 3)).gender is Gender.FEMALE  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "synthetic"),
    [
        ("070761-0018", False),  # passes modulus 11
        ("010165-1234", False),  # fails, but 1 January: how CPR issues real ones
        ("150384-1235", True),  # fails and not 1 January
        ("310290-1234", False),  # not a date
        ("garbage", False),
    ],
)
def test_is_synthetic_cpr(text: str, synthetic: bool) -> None:
    assert is_synthetic_cpr(text) is synthetic


# --------------------------------------------------------------------------------------------
# CVR
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13748136", "13748136"),
        ("24256790", "24256790"),
        ("DK13748136", "13748136"),
        ("DK-13748136", "13748136"),
        ("DK 13748136", "13748136"),
        ("dk 1374 8136", "13748136"),
        (" 13 74 81 36 ", "13748136"),
        ("DK\u00a013748136", "13748136"),
    ],
)
def test_normalise_cvr(text: str, expected: str) -> None:
    assert normalise_cvr(text) == expected
    assert is_valid_cvr(text)


def test_worked_example_check_digit() -> None:
    # 1*2 + 3*7 + 7*6 + 4*5 + 8*4 + 1*3 + 3*2 = 126; 126 mod 11 = 5; 11 - 5 = 6
    assert cvr_check_digit("1374813") == 6
    assert cvr_check_digit("2425679") == 0


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("13748137", "CVR modulus-11 check failed"),
        ("13748126", "CVR modulus-11 check failed"),
        ("24256791", "CVR modulus-11 check failed"),
        ("1374813", "not 8 digits"),
        ("137481360", "not 8 digits"),
        ("DK1374813X", "not 8 digits"),
        ("", "not 8 digits"),
        ("SE13748136", "not 8 digits"),
    ],
)
def test_invalid_cvr(text: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as excinfo:
        normalise_cvr(text)
    assert excinfo.value.reason == reason
    assert excinfo.value.kind == "CVR"
    assert not is_valid_cvr(text)


@pytest.mark.parametrize(
    ("first7", "check"),
    [("0000000", 0), ("0000006", None), ("0000005", 1), ("1000000", 9)],
)
def test_check_digit_remainders(first7: str, check: int | None) -> None:
    assert cvr_check_digit(first7) == check
    if check is not None:
        assert is_valid_cvr(f"{first7}{check}")
    else:  # remainder 1: no digit completes it
        assert not any(is_valid_cvr(f"{first7}{d}") for d in range(10))


def test_check_digit_needs_seven_digits() -> None:
    with pytest.raises(InvalidIdentifier):
        cvr_check_digit("123456")


@given(st.integers(0, 89_999))
def test_synthetic_cvr_is_valid_and_in_block(serial: int) -> None:
    number = make_synthetic_cvr(serial)
    assert number.startswith(SYNTHETIC_CVR_PREFIX)
    assert normalise_cvr(number) == number


def test_synthetic_cvr_serials_are_distinct() -> None:
    numbers = [make_synthetic_cvr(s) for s in range(5_000)]
    assert len(set(numbers)) == len(numbers)
    assert make_synthetic_cvr(89_999) not in numbers


@pytest.mark.parametrize("serial", [-1, 90_000])
def test_synthetic_cvr_serial_range(serial: int) -> None:
    with pytest.raises(ValueError):
        make_synthetic_cvr(serial)
