"""A consistent copy of the store, for a job that must read one state of the data throughout.

Why: a report runs for a minute in several processes (the runner and one kernel per notebook).
Reading the live database, an import in the middle would make one notebook see the old data
and the next the new. The copy is taken in one read of the database (under DuckDB's shared
lock, so no writer is half-way), brought to the current schema, and opened read-only by every
reader; the live database is only read, never upgraded.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import duckdb

from research.errors import StoreError
from research.store.connection import ensure_duckdb_file, migrate, open_duckdb

LOCK_WAIT_SECONDS = 30.0  # how long to wait for an import that holds the database


def snapshot_database(source: Path | str, target: Path | str) -> Path:
    """Copy ``source`` into the new file ``target`` at the current schema, read-only."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise StoreError(
            f"database {source} does not exist; run `research simulate` or import data"
        )
    ensure_duckdb_file(source)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            _copy(source, target)
            break
        except duckdb.IOException as exc:
            target.unlink(missing_ok=True)
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise StoreError(f"cannot read database {source}: {_first_line(exc)}") from None
            time.sleep(0.5)  # an import is writing: wait for it, then copy its result
        except duckdb.Error as exc:
            target.unlink(missing_ok=True)
            raise StoreError(f"cannot read database {source}: {_first_line(exc)}") from None
    os.chmod(target, stat.S_IRUSR | stat.S_IRGRP)
    return target


def _copy(source: Path, target: Path) -> None:
    with open_duckdb() as con:
        con.execute("ATTACH ? AS live (READ_ONLY)", [str(source)])
        con.execute("ATTACH ? AS snapshot", [str(target)])
        con.execute("COPY FROM DATABASE live TO snapshot")
        con.execute("DETACH live")
        con.execute("USE snapshot")
        migrate(con)  # an older workbench's database: the copy is upgraded, never the original
        con.execute("USE memory")
        con.execute("DETACH snapshot")


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
