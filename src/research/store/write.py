"""Writing validated rows: upserts that count what they change, and the import audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from research.store.connection import Connection
from research.store.tables import TABLES, WRITE_ORDER


@dataclass(frozen=True)
class WriteStats:
    added: int = 0
    changed: int = 0
    unchanged: int = 0

    def __add__(self, other: WriteStats) -> WriteStats:
        return WriteStats(
            self.added + other.added,
            self.changed + other.changed,
            self.unchanged + other.unchanged,
        )

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.changed)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categoricals as strings: DuckDB would otherwise see them as ENUM types."""
    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype("string")
    return out


def _refuse_dropped_codes(spec, frame: pd.DataFrame, conformed: pd.DataFrame) -> None:
    """A value outside a coded column's codes becomes blank in ``conform``; a blank the store
    allows would then hide it, so refuse it here (the importers' validation says where)."""
    for f in spec.fields:
        if f.codes is None or f.name not in frame:
            continue
        if conformed[f.name].isna().sum() != frame[f.name].isna().sum():
            raise ValueError(f"{spec.name}.{f.name}: a value that is not one of the codes")


class _Incoming:
    """A frame registered with DuckDB and cast to the table's column types."""

    def __init__(self, con: Connection, table: str, frame: pd.DataFrame) -> None:
        self.con, self.table, self.spec = con, table, TABLES[table]
        self.view = f"_incoming_{table}"
        conformed = self.spec.conform(frame)
        _refuse_dropped_codes(self.spec, frame, conformed)
        self.frame = _plain(conformed)

    def __enter__(self) -> _Incoming:
        self.con.register(self.view, self.frame)
        return self

    def __exit__(self, *exc: object) -> None:
        self.con.unregister(self.view)

    def sql(self) -> tuple[str, str, str]:
        """The typed incoming rows, the key join, and the "row differs" condition."""
        types = dict(
            self.con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = ?",
                [self.table],
            ).fetchall()
        )
        spec = self.spec
        cast = ", ".join(f'CAST(v."{c}" AS {types[c]}) AS "{c}"' for c in spec.columns)
        typed = f"SELECT {cast} FROM {self.view} v"
        join = " AND ".join(f't."{k}" = i."{k}"' for k in spec.key)
        others = [c for c in spec.columns if c not in spec.key]
        differs = " OR ".join(f't."{c}" IS DISTINCT FROM i."{c}"' for c in others) or "false"
        return typed, join, differs


def diff_counts(con: Connection, table: str, frame: pd.DataFrame) -> WriteStats:
    """What an upsert of ``frame`` would do; reads only, so it works on a read-only store."""
    if frame.empty:
        return WriteStats()
    with _Incoming(con, table, frame) as incoming:
        typed, join, differs = incoming.sql()
        first_key = f't."{incoming.spec.key[0]}"'
        added, changed, unchanged = con.execute(
            f"""
            WITH i AS ({typed})
            SELECT count(*) FILTER (WHERE {first_key} IS NULL),
                   count(*) FILTER (WHERE {first_key} IS NOT NULL AND ({differs})),
                   count(*) FILTER (WHERE {first_key} IS NOT NULL AND NOT ({differs}))
            FROM i LEFT JOIN "{table}" t ON {join}
            """
        ).fetchall()[0]
    return WriteStats(added, changed, unchanged)


def upsert(con: Connection, table: str, frame: pd.DataFrame) -> WriteStats:
    """Insert new rows, update changed ones, leave identical ones untouched."""
    if frame.empty:
        return WriteStats()
    empty = con.execute(f'SELECT NOT EXISTS (SELECT 1 FROM "{table}")').fetchall()[0][0]
    # Into an empty table every row is new: no need to compare them first (the simulator and
    # a first import write every table this way).
    stats = WriteStats(len(frame), 0, 0) if empty else diff_counts(con, table, frame)
    if not stats.changes_anything:
        return stats
    spec = TABLES[table]
    with _Incoming(con, table, frame) as incoming:
        typed, join, differs = incoming.sql()
        names = ", ".join(f'"{c}"' for c in spec.columns)
        keys = ", ".join(f'"{k}"' for k in spec.key)
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in spec.columns if c not in spec.key)
        action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        con.execute(
            f"""
            WITH i AS ({typed})
            INSERT INTO "{table}" ({names})
            SELECT i.* FROM i LEFT JOIN "{table}" t ON {join}
            WHERE t."{spec.key[0]}" IS NULL OR {differs}
            ON CONFLICT ({keys}) {action}
            """
        )
    return stats


def write_tables(con: Connection, frames: dict[str, pd.DataFrame]) -> dict[str, WriteStats]:
    """Upsert several tables, parents first. The caller owns the transaction."""
    return {name: upsert(con, name, frames[name]) for name in WRITE_ORDER if name in frames}


def record_import(
    con: Connection,
    *,
    kind: str,
    file_name: str,
    file_sha256: str,
    rows_read: int,
    stats: WriteStats,
    rows_rejected: int,
) -> None:
    con.execute(
        """
        INSERT INTO import_audit (imported_at, kind, file_name, file_sha256, rows_read,
                                  rows_added, rows_changed, rows_unchanged, rows_rejected)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            datetime.now(),
            kind,
            file_name,
            file_sha256,
            rows_read,
            stats.added,
            stats.changed,
            stats.unchanged,
            rows_rejected,
        ],
    )
