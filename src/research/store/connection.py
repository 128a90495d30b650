"""Opening the DuckDB store and keeping its schema current."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from research.errors import StoreError
from research.store.schema import LATEST_VERSION, MIGRATIONS

Connection = duckdb.DuckDBPyConnection


def connect(path: Path | str | None, *, read_only: bool = False) -> Connection:
    """Open (and migrate) the store; ``None`` gives an empty in-memory store.

    A read-only open of a file that does not exist yet returns an empty in-memory store, so
    that validation can run against "no data" without creating a file.
    """
    if path is None or (read_only and not Path(path).exists()):
        con = duckdb.connect(":memory:")
        migrate(con)
        return con
    path = Path(path)
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
    except (duckdb.Error, OSError) as exc:
        raise StoreError(f"cannot open database {path}: {_first_line(exc)}") from exc
    # No bars on the user's terminal; inside Jupyter without ipywidgets DuckDB refuses the
    # setting (and shows no bar anyway).
    with contextlib.suppress(duckdb.Error):
        con.execute("SET enable_progress_bar = false")
    version = schema_version(con)
    if version > LATEST_VERSION:
        con.close()
        raise StoreError(
            f"database {path} has schema version {version}, newer than this workbench "
            f"({LATEST_VERSION}); upgrade the workbench"
        )
    if version < LATEST_VERSION:
        if read_only:
            con.close()
            con = duckdb.connect(str(path))
            migrate(con)
            con.close()
            con = duckdb.connect(str(path), read_only=True)
        else:
            migrate(con)
    return con


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def schema_version(con: Connection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]


def migrate(con: Connection) -> int:
    """Apply every migration the database has not seen, each in its own transaction."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    current = schema_version(con)
    for version, description, ddl in MIGRATIONS:
        if version <= current:
            continue
        with transaction(con):
            con.execute(ddl)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)",
                [version, description, datetime.now()],
            )
    return schema_version(con)


@contextmanager
def transaction(con: Connection) -> Iterator[Connection]:
    """All or nothing: commit on success, roll back on any exception."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")
