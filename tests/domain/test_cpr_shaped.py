"""The one detector for CPR-shaped text: what it catches, and the look-alikes it leaves alone."""

from __future__ import annotations

import pytest

from research.domain.identifiers import (
    CPR_FULL_MASK,
    contains_cpr_shaped,
    find_cpr_shaped,
    mask_cpr_shaped,
)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("150585-1234", "150585-****"),
        ("1505851234", "150585-****"),
        ("150585 1234", "150585-****"),
        ("150585\u00a01234", "150585-****"),  # Excel's non-breaking space
        ("150585\u20131234", "150585-****"),  # an en dash typed by a word processor
        ("Ring til 150585-1234 om RKV", "Ring til 150585-**** om RKV"),
        ("EUS1-150585-1234", "EUS1-150585-****"),
        ("startskema_1505851234.csv", "startskema_150585-****.csv"),
        ("a 150585-1234 og 020304-5678", "a 150585-**** og 020304-****"),
        ("010165-1234", "010165-****"),  # a 1 January number without modulus 11 is real
        ("290200-4123", "290200-****"),  # 29 February 2000
    ],
)
def test_cpr_shaped_values_are_found_and_masked(text: str, masked: str) -> None:
    assert contains_cpr_shaped(text)
    assert mask_cpr_shaped(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "31-01-2026",  # dates in every form the exports use
        "2026-01-31",
        "31.01.26",
        "03-03-2025 til 30-06-2026",
        "+45 1234 5678",  # Danish phone numbers: 8 digits
        "+4512345678",  # 45 is no day
        "12 34 56 78",
        "1234567890",  # 12/34 is no date
        "3102991234",  # 31 February
        "12150585-1234",  # glued to more digits: not a CPR number
        "150585-12345",
        "99000015",  # a CVR number
        "EUS1-2025-0001",
        "P0123456789abcdef0123456789abcdef",  # a pseudonym
        "P00000000000000000000001505851234",  # ten digits inside a pseudonym
        "",
        None,
    ],
)
def test_look_alikes_are_left_alone(text: str | None) -> None:
    assert not contains_cpr_shaped(text)
    assert mask_cpr_shaped(text) == ("" if text is None else text)


def test_a_number_from_a_spreadsheet_is_checked_as_text() -> None:
    assert contains_cpr_shaped(1505851234)
    assert not contains_cpr_shaped(12345678)


def test_stored_text_can_hide_the_birth_date_too() -> None:
    assert mask_cpr_shaped("ring 150585-1234", CPR_FULL_MASK) == f"ring {CPR_FULL_MASK}"


def test_spans_point_at_the_number() -> None:
    text = "CPR: 1505851234."
    ((start, end),) = find_cpr_shaped(text)
    assert text[start:end] == "1505851234"
