"""Danish CPR and CVR numbers: parse, validate, mask and make synthetic ones.

Why this module exists: CPR numbers arrive in the start forms and must be understood (birth
date, CPR sex) at import time, then pseudonymised and never shown in clear. Every function
here that has to say something about a CPR number in an error or a repr shows at most the
six birth-date digits (``010190-****``), never the sequence digits.

CPR rules (domain-facts.md §8.1):

* ``DDMMYY-SSSS``; digits 5-7 give the century (the 7th digit with the table below); digit
  10 is even for women and odd for men (a legal/CPR sex, not a certainty).

  ========  ============  ============  ============
  7th       YY 00-36      YY 37-57      YY 58-99
  ========  ============  ============  ============
  0-3       1900s         1900s         1900s
  4, 9      2000s         1900s         1900s
  5-8       2000s         2000s         1800s
  ========  ============  ============  ============

* The modulus-11 check (weights 4,3,2,7,6,5,4,3,2,1) held for every number issued before
  1 October 2007. Since then CPR-kontoret has issued fully valid numbers *without* it, so a
  failed check is recorded (``passes_modulus11=False``) and never rejected.

Synthetic (demo) CPR numbers: :func:`make_synthetic_cpr` makes numbers that deliberately
FAIL the modulus-11 check and are never dated 1 January. CPR-kontoret has so far issued its
numbers without the check mostly with birth date 1 January, so "fails modulus 11 and is not
1 January" makes a demo number easy to recognise (:func:`is_synthetic_cpr`). This is a
convention of this project, not a guarantee: CPR-kontoret may issue numbers without the check
on other dates, so such a number could in principle belong to a real person. Synthetic data
must therefore also be marked synthetic where it is stored; never rely on the number alone.

CPR-shaped text (:func:`find_cpr_shaped`): the one detector every import, message and output
uses to keep CPR numbers out of places they do not belong. A CPR-shaped value is ten digits
written ``DDMMYY-SSSS``, ``DDMMYYSSSS`` or with a space (or a non-breaking space or an en dash)
after the sixth digit, not glued to further digits, whose first six digits are a date that
can exist once the century is resolved from the 7th digit (the rule :func:`parse_cpr` uses).
Modulus 11 is deliberately ignored (real numbers issued since 2007 fail it). Why this rule
keeps false positives low: dates (``31-01-2026``, ``2026-01-31``, ``31.01.26``) and Danish
phone numbers (eight digits, ``+45 1234 5678``; ``+4512345678`` starts with "day" 45) never
have the 6+4 digit shape, and a ten-digit run such as an order number only counts when it
starts with a real day and month. Ten digits inside a pseudonym (``P`` + 32 hex digits) are
part of that id, not a CPR number. What it still catches on purpose: any account or order
number that happens to look like a date-headed ten-digit number; masking such a number by
mistake is the safe error.

CVR rules (domain-facts.md §8.2): 8 digits; weights 2,7,6,5,4,3,2,1 on all eight digits give
a sum divisible by 11. A valid check digit does not prove the company exists. Do not apply
this check to P-numbers (they were issued with the wrong weights).

Synthetic CVR numbers come from the block starting with ``99`` (see
:func:`make_synthetic_cvr`). The block only *looks* reserved (real numbers are issued in
sequence and are far from it) and is not officially reserved; the real marker is the
synthetic flag column in the generated data.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from research.domain.codes import Gender

__all__ = [
    "CPR_FULL_MASK",
    "SYNTHETIC_CVR_PREFIX",
    "CprInfo",
    "InvalidIdentifier",
    "contains_cpr_shaped",
    "cpr_passes_modulus11",
    "cvr_check_digit",
    "find_cpr_shaped",
    "is_synthetic_cpr",
    "is_valid_cvr",
    "make_synthetic_cpr",
    "make_synthetic_cvr",
    "mask_cpr",
    "mask_cpr_shaped",
    "normalise_cvr",
    "parse_cpr",
]

CPR_FULL_MASK = "******-****"
"""What is shown when not even the birth-date part of a CPR number can be recognised."""

SYNTHETIC_CVR_PREFIX = "99"
"""The first two digits of every synthetic CVR number (a convention of this project)."""

_CPR_RE = re.compile(r"([0-9]{6})[- ]?([0-9]{4})")
_CPR_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
_CPR_SHAPED = re.compile(r"(?<![0-9])([0-9]{6})[-\u2013 \u00a0]?([0-9]{4})(?![0-9])")
_PSEUDONYM = re.compile(r"(?<![0-9A-Za-z])P[0-9a-f]{32}(?![0-9A-Za-z])")
_CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
_CVR_RE = re.compile(r"[0-9]{8}")
_CVR_PER_BLOCK = 9  # of the ten possible 7th digits, at most one makes the check impossible
_CVR_BLOCKS = 10_000  # "99" + four running digits


class InvalidIdentifier(ValueError):
    """A CPR or CVR number that cannot be accepted.

    ``reason`` is a short English reason ("not 10 digits", "impossible date", ...) that
    callers can count or show. The message shows a CPR number only masked, so the exception
    can be logged safely.
    """

    def __init__(self, kind: str, reason: str, shown: str) -> None:
        self.kind = kind
        self.reason = reason
        self.shown = shown
        super().__init__(f"invalid {kind} number {shown}: {reason}")

    def __reduce__(self) -> tuple[type[InvalidIdentifier], tuple[str, str, str]]:
        return (type(self), (self.kind, self.reason, self.shown))  # picklable across processes


# --------------------------------------------------------------------------------------------
# CPR
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class CprInfo:
    """What a CPR number tells us. Its repr and str are masked so it can be printed or logged."""

    normalised: str
    birth_date: date
    gender: Gender
    passes_modulus11: bool

    @property
    def synthetic(self) -> bool:
        """Whether the number follows the demo convention (see :func:`is_synthetic_cpr`)."""
        return not self.passes_modulus11 and not _is_new_year(self.birth_date)

    @property
    def masked(self) -> str:
        """The number with the sequence digits hidden, e.g. ``010190-****``."""
        return mask_cpr(self.normalised)

    def __repr__(self) -> str:
        return f"CprInfo({self.masked})"

    def __str__(self) -> str:
        return self.masked


def mask_cpr(text: str) -> str:
    """Hide the sequence digits: ``010190-****`` if the text starts with six digits.

    Anything else becomes ``******-****``; the sequence digits are never returned.
    """
    head = text.strip()[:6] if isinstance(text, str) else ""
    if len(head) == 6 and head.isascii() and head.isdigit():
        return f"{head}-****"
    return CPR_FULL_MASK


DEMO_KEY = b"kompetenceloeft-demo-key--synthetic-data-only--not-secret"
"""The public pseudonymisation key for synthetic data only (the simulator, ``--demo-key``)."""


def pseudonymise(cpr_digits: str, key: bytes) -> str:
    """The person's pseudonym: HMAC-SHA256 of the ten CPR digits under ``key``, shortened to
    128 bits and prefixed ``P``. The same number and key always give the same id; without the
    key nobody can go back from the id to the number. Where the key comes from is
    configuration (``research.ingest.pseudonym.load_key``), not part of the rule."""
    digest = hmac.new(key, cpr_digits.encode("ascii"), hashlib.sha256).hexdigest()
    return "P" + digest[:32]


def _cpr_digits(text: str) -> str:
    """The ten digits of a CPR number written in one of the accepted forms."""
    if not isinstance(text, str):
        raise InvalidIdentifier("CPR", "not text", CPR_FULL_MASK)
    match = _CPR_RE.fullmatch(text.strip())
    if match is None:
        raise InvalidIdentifier("CPR", "not 10 digits", mask_cpr(text))
    return match.group(1) + match.group(2)


def _century_year(yy: int, seventh: int) -> int:
    """The full birth year from the two-digit year and the 7th digit (§8.1 table)."""
    if seventh <= 3:
        return 1900 + yy
    if seventh in (4, 9):
        return (2000 if yy <= 36 else 1900) + yy
    return (2000 if yy <= 57 else 1800) + yy


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False))


def cpr_passes_modulus11(digits: str) -> bool:
    """Whether a CPR number passes the old modulus-11 check (failing is allowed; see module).

    Accepts the same written forms as :func:`parse_cpr`.
    """
    normalised = _cpr_digits(digits)
    return _weighted(normalised, _CPR_WEIGHTS) % 11 == 0


def parse_cpr(text: str) -> CprInfo:
    """Parse ``DDMMYY-SSSS`` (hyphen, space or nothing between the parts).

    Raises :class:`InvalidIdentifier` for a wrong format or a date that cannot exist once the
    century is resolved. A failed modulus-11 check is not an error.
    """
    digits = _cpr_digits(text)
    day, month, yy, seventh = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    try:
        birth = date(_century_year(yy, seventh), month, day)
    except ValueError:
        raise InvalidIdentifier("CPR", "impossible date", mask_cpr(digits)) from None
    gender = Gender.FEMALE if int(digits[9]) % 2 == 0 else Gender.MALE
    return CprInfo(
        normalised=digits,
        birth_date=birth,
        gender=gender,
        passes_modulus11=_weighted(digits, _CPR_WEIGHTS) % 11 == 0,
    )


def _is_possible_cpr(digits: str) -> bool:
    """Whether ten digits carry a birth date that exists (the only test a real number passes)."""
    day, month, yy, seventh = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    try:
        date(_century_year(yy, seventh), month, day)
    except ValueError:
        return False
    return True


def find_cpr_shaped(text: object) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of CPR-shaped values in ``text`` (rule in the module docstring).

    Not text (a number, a date, None) gives the spans of its ``str()``; an int such as
    ``1505851234`` read from a spreadsheet is CPR-shaped too.
    """
    if text is None or isinstance(text, bool | date):
        return []
    if not isinstance(text, str):
        text = str(text)
    if len(text) < 10:
        return []
    spans = [
        m.span() for m in _CPR_SHAPED.finditer(text) if _is_possible_cpr(m.group(1) + m.group(2))
    ]
    if spans and "P" in text:
        ids = [m.span() for m in _PSEUDONYM.finditer(text)]
        spans = [s for s in spans if not any(a <= s[0] and s[1] <= b for a, b in ids)]
    return spans


def contains_cpr_shaped(text: object) -> bool:
    """Whether ``text`` holds a CPR-shaped value anywhere (see :func:`find_cpr_shaped`)."""
    return bool(find_cpr_shaped(text))


def mask_cpr_shaped(text: object, replacement: str | None = None) -> str:
    """``text`` with every CPR-shaped value masked.

    By default each value becomes its masked form (``150585-****``, as messages show a CPR
    number); give ``replacement`` (e.g. :data:`CPR_FULL_MASK`) to hide the birth date too, as
    stored free text does. Text without such a value comes back unchanged (as ``str``).
    """
    shown = "" if text is None else text if isinstance(text, str) else str(text)
    spans = find_cpr_shaped(shown)
    if not spans:
        return shown
    parts, last = [], 0
    for start, end in spans:
        parts += [shown[last:start], replacement or mask_cpr(shown[start:end])]
        last = end
    parts.append(shown[last:])
    return "".join(parts)


def _is_new_year(day: date) -> bool:
    return day.month == 1 and day.day == 1


def make_synthetic_cpr(birth_date: date, gender: Gender, serial: int) -> str:
    """A demo CPR number ``DDMMYY-SSSS`` for this birth date and sex that FAILS modulus 11.

    The 7th digit is chosen so that the century resolves to ``birth_date.year`` (any year
    the table can express, 1858-2057, which covers 1937-2036 for every digit choice), and the
    last digit has the parity of ``gender``. ``serial`` (0, 1, 2, ...) numbers the distinct
    possibilities for this date and sex, so callers can make many different people born on
    the same day. Raises ValueError for 1 January (reserved for real numbers without the
    check), a negative serial or an exhausted serial space (a few thousand per date and sex).
    """
    if _is_new_year(birth_date):
        raise ValueError("synthetic CPR numbers are never dated 1 January (see module docstring)")
    if serial < 0:
        raise ValueError(f"serial must be >= 0, got {serial}")
    sex = gender if isinstance(gender, Gender) else Gender.parse(gender)
    last_digits = (0, 2, 4, 6, 8) if sex is Gender.FEMALE else (1, 3, 5, 7, 9)
    year = birth_date.year
    yy = year % 100
    sevenths = [d for d in range(10) if _century_year(yy, d) == year]
    if not sevenths:
        raise ValueError(f"no CPR 7th digit expresses the birth year {year}")
    head = f"{birth_date.day:02d}{birth_date.month:02d}{yy:02d}"
    head_sum = _weighted(head, _CPR_WEIGHTS)
    count = 0
    for seventh in sevenths:
        for middle in range(100):
            partial = head_sum + 4 * seventh + 3 * (middle // 10) + 2 * (middle % 10)
            # the one last digit that would pass modulus 11 is not usable as a demo number
            usable = [d for d in last_digits if (partial + d) % 11 != 0]
            if serial < count + len(usable):
                return f"{head}-{seventh}{middle:02d}{usable[serial - count]}"
            count += len(usable)
    raise ValueError(
        f"serial {serial} exhausts the {count} synthetic CPR numbers for this date and sex"
    )


def is_synthetic_cpr(text: str) -> bool:
    """Whether a CPR number follows this project's demo convention.

    True when it parses, fails modulus 11 and is not dated 1 January. A convention, not a
    guarantee (see the module docstring); unparseable text gives False.
    """
    try:
        return parse_cpr(text).synthetic
    except InvalidIdentifier:
        return False


# --------------------------------------------------------------------------------------------
# CVR
# --------------------------------------------------------------------------------------------


def _shown_cvr(text: object) -> str:
    shown = repr(text)
    return shown if len(shown) <= 24 else shown[:21] + "...'"


def _cvr_digits(text: str) -> str:
    if not isinstance(text, str):
        raise InvalidIdentifier("CVR", "not text", _shown_cvr(text))
    body = text.strip().upper()
    if body.startswith("DK"):
        body = body[2:].lstrip(" -")
    body = "".join(body.split())  # internal spaces, incl. non-breaking ones from Excel
    if _CVR_RE.fullmatch(body) is None:
        raise InvalidIdentifier("CVR", "not 8 digits", _shown_cvr(text))
    return body


def normalise_cvr(text: str) -> str:
    """The 8 digits of a CVR number written with an optional ``DK``/``DK-``/``DK `` prefix.

    Internal spaces are removed. Raises :class:`InvalidIdentifier` for a wrong length or a
    failed modulus-11 check.
    """
    digits = _cvr_digits(text)
    if _weighted(digits, _CVR_WEIGHTS) % 11 != 0:
        raise InvalidIdentifier("CVR", "CVR modulus-11 check failed", _shown_cvr(text))
    return digits


def is_valid_cvr(text: str) -> bool:
    """Whether :func:`normalise_cvr` would accept the text (format and check digit only)."""
    try:
        normalise_cvr(text)
    except InvalidIdentifier:
        return False
    return True


def cvr_check_digit(first7: str) -> int | None:
    """The check digit for the first seven digits, or None when no digit can make it valid.

    Remainder 0 gives 0, remainder 1 gives None (such running numbers are never issued), any
    other remainder r gives 11 - r.
    """
    if not (isinstance(first7, str) and len(first7) == 7 and first7.isascii() and first7.isdigit()):
        raise InvalidIdentifier("CVR", "not 7 digits", _shown_cvr(first7))
    remainder = _weighted(first7, _CVR_WEIGHTS[:7]) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def make_synthetic_cvr(serial: int) -> str:
    """A valid CVR number from the ``99`` block, distinct for every ``serial``.

    Serial n picks running block ``99`` + ``n // 9`` (four digits) and, within it, the
    ``n % 9``-th 7th digit that admits a check digit. Valid serials are 0 to 89,999. The block
    is a convention that makes demo companies easy to spot; the generated data also marks
    them synthetic in a column, and that column is the real marker.
    """
    if not 0 <= serial < _CVR_BLOCKS * _CVR_PER_BLOCK:
        raise ValueError(
            f"serial must be between 0 and {_CVR_BLOCKS * _CVR_PER_BLOCK - 1}, got {serial}"
        )
    block, pick = divmod(serial, _CVR_PER_BLOCK)
    first6 = f"{SYNTHETIC_CVR_PREFIX}{block:04d}"
    usable = [d for d in range(10) if cvr_check_digit(f"{first6}{d}") is not None]
    first7 = f"{first6}{usable[pick]}"
    return f"{first7}{cvr_check_digit(first7)}"
