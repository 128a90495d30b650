"""Turning one cell of a Danish export into a typed value, or a reason why not.

Each parser takes the cell as read (text, or a value from Excel) and returns the value or raises
``ValueError`` with a reason a person can act on. Blank cells never reach a parser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from research.domain.codes import Coded
from research.domain.geography import municipality_by_code, municipality_by_name
from research.domain.identifiers import InvalidIdentifier, normalise_cvr

Parser = Callable[[object], object]

_DATE_FORMATS = ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%y")
_TRUE = {"ja", "j", "yes", "y", "true", "sand", "1", "x"}
_FALSE = {"nej", "n", "no", "false", "falsk", "0"}


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object) -> str:
    return " ".join(str(value).split())


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError("not a date; write it as dd-mm-åååå, e.g. 31-01-2026")


def _number_text(value: object) -> str:
    raw = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if "," in raw:  # Danish: 1.234,5
        raw = raw.replace(".", "").replace(",", ".")
    return raw


def integer(minimum: int | None = None, maximum: int | None = None) -> Parser:
    def parse(value: object) -> int:
        if isinstance(value, bool):
            raise ValueError("not a whole number")
        if isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            raw = _number_text(value)
            if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", raw):  # 1.234 as a thousands separator
                raw = raw.replace(".", "")
            if not re.fullmatch(r"-?\d+", raw):
                raise ValueError("not a whole number")
            number = int(raw)
        _in_range(number, minimum, maximum)
        return number

    return parse


def decimal(minimum: float | None = None, maximum: float | None = None) -> Parser:
    def parse(value: object) -> float:
        if isinstance(value, bool):
            raise ValueError("not a number")
        if isinstance(value, int | float):
            number = float(value)
        else:
            raw = _number_text(value)
            if not re.fullmatch(r"-?\d+(\.\d+)?", raw):
                raise ValueError("not a number; use a decimal comma, e.g. 2,5")
            number = float(raw)
        _in_range(number, minimum, maximum)
        return number

    return parse


def _in_range(number: float, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and number < minimum:
        raise ValueError(f"must be at least {minimum:g}")
    if maximum is not None and number > maximum:
        raise ValueError(f"must be at most {maximum:g}")


def boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    key = str(value).strip().casefold()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError("write Ja or Nej")


def code(codes: type[Coded]) -> Parser:
    def parse(value: object) -> str:
        try:
            return codes.parse(str(value)).value
        except ValueError:
            raise ValueError(f"unknown value; allowed: {codes.allowed()}") from None

    return parse


def code_list(codes: type[Coded]) -> Parser:
    """Several codes in one cell, separated by commas or plus signs."""

    def parse(value: object) -> str:
        parts = [p for p in re.split(r"[,+/]", str(value)) if p.strip()]
        return ",".join(code(codes)(p) for p in parts)

    return parse


def cvr(value: object) -> str:
    raw = str(int(value)) if isinstance(value, int | float) else str(value)
    try:
        return normalise_cvr(raw)
    except InvalidIdentifier as exc:
        raise ValueError(f"not a valid CVR number ({exc.reason})") from None


def municipality(value: object) -> int:
    """A kommune code (101) or name (København) in Region Hovedstaden."""
    raw = str(int(value)) if isinstance(value, int | float) else str(value).strip()
    try:
        if raw.isdigit():
            return municipality_by_code(int(raw)).code
        return municipality_by_name(raw).code
    except (KeyError, ValueError):
        raise ValueError("not a municipality in Region Hovedstaden") from None


def one_of(choices: dict[str, str]) -> Parser:
    """A small closed list given as {accepted text: stored value}."""
    folded = {k.casefold(): v for k, v in choices.items()}

    def parse(value: object) -> str:
        key = " ".join(str(value).split()).casefold()
        if key not in folded:
            raise ValueError(f"unknown value; allowed: {', '.join(choices)}")
        return folded[key]

    return parse
