"""Reading tables back as pandas frames with the dtypes the analyses expect."""

from __future__ import annotations

from datetime import date

import pandas as pd

from research.store.connection import Connection
from research.store.tables import TABLES


def read_table(con: Connection, table: str) -> pd.DataFrame:
    """A whole table, in key order, with dates, codes and nullable numbers typed."""
    spec = TABLES[table]
    keys = ", ".join(f'"{k}"' for k in spec.key)
    frame = con.execute(f'SELECT * FROM "{table}" ORDER BY {keys}').df()
    return spec.conform(frame).reset_index(drop=True)


def row_counts(con: Connection) -> dict[str, int]:
    return {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] for name in TABLES}


def query(con: Connection, sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """A read-only query for the metrics layer; SQL stays inside the store package."""
    return con.execute(sql, params or []).df()


# Dates that mark something happening; the latest of them is the data date.
EVENT_DATES: dict[str, tuple[str, ...]] = {
    "company_contacts": ("contact_date",),
    "workshops": ("held_on",),
    "survey_responses": ("answered_on",),
    "enrolments": ("started_on", "exit_on"),
    "rkv_results": ("ended_on",),
    "network_memberships": ("joined_on",),
}


def data_date(con: Connection) -> date | None:
    """The latest event recorded in the store: what "now" means for the data."""
    parts = [
        f'SELECT max("{column}") AS d FROM "{table}"'
        for table, columns in EVENT_DATES.items()
        for column in columns
    ]
    value = con.execute(f"SELECT max(d) FROM ({' UNION ALL '.join(parts)})").fetchall()[0][0]
    return value


def read_tables(con: Connection, names: list[str] | None = None) -> dict[str, pd.DataFrame]:
    return {name: read_table(con, name) for name in (names or list(TABLES))}
