"""Quarters, dates and paths as a researcher types them, read once at every public boundary.

Why: in a notebook people write ``"2026Q3"``, ``"2026-09-30"`` or ``"data/workbench.duckdb"``;
a function that assumed a ``Quarter`` then crashed deep inside with an ``AttributeError``.
Each public function passes its argument through one of these, so a good string just works and
a wrong one stops with one line that names the argument and says how to write it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from os import PathLike
from pathlib import Path

from research.domain.period import Quarter
from research.errors import ArgumentError

QuarterLike = Quarter | str
DateLike = date | str
PathLikeArg = Path | str | PathLike[str]

_DANISH_DATE = re.compile(r"^\s*(\d{1,2})[-./](\d{1,2})[-./](\d{4})\s*$")


def as_quarter(value: QuarterLike | date, name: str = "quarter") -> Quarter:
    """A ``Quarter`` from a Quarter, ``"2026Q3"`` (``"2026K3"``), or a date inside it."""
    if isinstance(value, Quarter):
        return value
    if isinstance(value, date):  # datetime and pandas.Timestamp are dates too
        return Quarter.containing(value)
    if isinstance(value, str):
        try:
            return Quarter.parse(value)
        except ValueError:
            pass
    raise ArgumentError(f"{name}: {value!r} is not a quarter; write it like '2026Q3'")


def as_date(value: DateLike, name: str = "date") -> date:
    """A ``date`` from a date, an ISO date (``"2026-09-30"``) or a Danish one (``"30-09-2026"``).

    A datetime or ``pandas.Timestamp`` keeps only its day.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        match = _DANISH_DATE.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                pass
    raise ArgumentError(
        f"{name}: {value!r} is not a date; write it like '2026-09-30' (or '30-09-2026')"
    )


def as_path(value: PathLikeArg, name: str = "path") -> Path:
    """A ``Path`` from a Path or a non-empty string (``~`` expanded)."""
    if isinstance(value, Path):
        return value.expanduser()
    if isinstance(value, str | PathLike):
        text = str(value)
        if text.strip():
            return Path(text).expanduser()
    raise ArgumentError(f"{name}: {value!r} is not a file path")
