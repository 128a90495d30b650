"""Reading tables back as pandas frames with the dtypes the analyses expect."""

from __future__ import annotations

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


def query(con: Connection, sql: str, params: list | None = None) -> pd.DataFrame:
    """A read-only query for the metrics layer; SQL stays inside the store package."""
    return con.execute(sql, params or []).df()
