"""Small pieces of SQL text that the families counted in the store share.

Why: the values come from the code's own vocabularies (``domain.rules``) and the as-of date, so
they are written into the query text; quoting and the day's literal are done here once.
"""

from __future__ import annotations

import pandas as pd

AS_OF = "$day"
"""Where a query's text names the as-of day; :func:`on_day` writes the date in."""

_NO_DAY = pd.Timestamp("9999-12-31")


def text(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def in_list(values: tuple[str, ...]) -> str:
    """A SQL list of string literals, for ``column IN (...)``."""
    return "(" + ", ".join(text(v) for v in values) + ")"


def on_day(sql: str, as_of) -> str:
    """``sql`` with :data:`AS_OF` as the day of ``as_of`` (None: a day after every stored date,
    so every dated row counts and an undated one does not). Stored dates are whole days, so
    ``date <= as_of`` is the same test whatever time of day ``as_of`` carries."""
    day = _NO_DAY if as_of is None else pd.Timestamp(as_of)
    return sql.replace(AS_OF, f"DATE '{day.date().isoformat()}'")
