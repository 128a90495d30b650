"""Opening the DuckDB store and keeping its schema current.

Every DuckDB connection of the workbench is made here (``open_duckdb``), so that none of them
ever downloads or loads an extension: a path that is not a DuckDB file would otherwise make
DuckDB fetch a scanner for it from the internet. A database at an older schema version is
upgraded only by a connection that writes, after a backup copy has been made next to it;
reading (``--dry-run``, ``research check``, a report, a rejected import) works on an upgraded
copy in memory and leaves the file as it was.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from research.errors import StoreError
from research.store.schema import LATEST_VERSION, MIGRATIONS

Connection = duckdb.DuckDBPyConnection

# Settings every connection starts with: nothing is fetched from the network or loaded behind
# the user's back (PyPI-installed DuckDB would otherwise install e.g. sqlite_scanner on demand).
SAFE_SETTINGS: dict[str, object] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}

_DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file
_SQLITE_MAGIC = b"SQLite format 3\x00"

log = logging.getLogger("research.store")


def open_duckdb(database: Path | str = ":memory:", *, read_only: bool = False) -> Connection:
    """The one place that calls ``duckdb.connect``: with extension auto-install/-load off."""
    return duckdb.connect(str(database), read_only=read_only, config=dict(SAFE_SETTINGS))


def connect(path: Path | str | None, *, read_only: bool = False) -> Connection:
    """Open the store; ``None`` gives an empty in-memory store.

    A read-only open of a file that does not exist yet returns an empty in-memory store, so
    that validation can run against "no data" without creating a file. A read-only open of a
    database at an older schema version returns an upgraded in-memory copy; a writable open
    backs the file up and upgrades it in place, and says so in one line (a log warning).
    """
    if path is None or (read_only and not Path(path).exists()):
        con = open_duckdb()
        migrate(con)
        return con
    path = Path(path)
    ensure_duckdb_file(path)
    con = _open(path, read_only)
    try:
        version = _workbench_version(con, path)
    except BaseException:
        con.close()
        raise
    if version == LATEST_VERSION:
        return con
    if version == 0:  # a new, empty file
        if read_only:
            con.close()
            return connect(None)
        migrate(con)
        return con
    if read_only:
        con.close()
        return _upgraded_copy(path)
    return _upgrade_in_place(con, path, version)


def ensure_duckdb_file(path: Path) -> None:
    """Refuse, in one line, a path that is a folder or a file of another kind (SQLite, text)."""
    if path.is_dir():
        raise StoreError(f"database {path} is a folder, not a DuckDB database file")
    if not path.exists():
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise StoreError(f"cannot open database {path}: {exc.strerror or exc}") from None
    if not head:
        return  # an empty file: DuckDB makes it a new database
    if head.startswith(_SQLITE_MAGIC):
        raise StoreError(f"database {path} is an SQLite file, not a DuckDB database file")
    if head[8:12] != _DUCKDB_MAGIC:
        raise StoreError(f"database {path} is not a DuckDB database file")


def _open(path: Path, read_only: bool) -> Connection:
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = open_duckdb(path, read_only=read_only)
    except (duckdb.Error, OSError) as exc:
        raise StoreError(f"cannot open database {path}: {_first_line(exc)}") from exc
    # No bars on the user's terminal; inside Jupyter without ipywidgets DuckDB refuses the
    # setting (and shows no bar anyway).
    with contextlib.suppress(duckdb.Error):
        con.execute("SET enable_progress_bar = false")
    return con


def _workbench_version(con: Connection, path: Path) -> int:
    version = schema_version(con)
    if version > LATEST_VERSION:
        raise StoreError(
            f"database {path} has schema version {version}, newer than this workbench "
            f"({LATEST_VERSION}); upgrade the workbench"
        )
    if version == 0 and con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()[0][0]:
        raise StoreError(f"database {path} is a DuckDB file but not a workbench database")
    return version


def _upgraded_copy(path: Path) -> Connection:
    """An in-memory copy of an old-schema database, upgraded; the file is only read."""
    con = open_duckdb()
    try:
        con.execute("ATTACH ? AS old_schema (READ_ONLY)", [str(path)])
        con.execute("COPY FROM DATABASE old_schema TO memory")
        con.execute("DETACH old_schema")
    except duckdb.Error as exc:
        con.close()
        raise StoreError(f"cannot read database {path}: {_first_line(exc)}") from exc
    migrate(con)
    return con


def _upgrade_in_place(con: Connection, path: Path, version: int) -> Connection:
    """Back the file up next to itself, then apply the missing migrations to it."""
    con.execute("CHECKPOINT")  # everything in the file itself, none of it in a .wal
    con.close()
    backup = backup_path(path, version)
    try:
        shutil.copyfile(path, backup)
    except OSError as exc:
        raise StoreError(
            f"database {path} needs an upgrade from schema version {version}, but the backup "
            f"copy {backup} could not be written: {exc.strerror or exc}"
        ) from None
    con = _open(path, read_only=False)
    migrate(con)
    log.warning(
        "upgraded database %s from schema version %s to %s; the old one is kept as %s",
        path,
        version,
        LATEST_VERSION,
        backup,
    )
    return con


def backup_path(path: Path, version: int) -> Path:
    """``<stem>.schema-v<version>-<time>.duckdb`` beside the database."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.schema-v{version}-{stamp}{path.suffix}")
    serial = 1
    while candidate.exists():
        serial += 1
        candidate = path.with_name(f"{path.stem}.schema-v{version}-{stamp}-{serial}{path.suffix}")
    return candidate


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def schema_version(con: Connection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]


def migrate(con: Connection, until: int = LATEST_VERSION) -> int:
    """Apply every migration up to ``until`` the database has not seen, each in its own
    transaction (``until`` below the latest is for tests that need an old database)."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "version INTEGER PRIMARY KEY, description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    current = schema_version(con)
    for version, description, ddl in MIGRATIONS:
        if version <= current or version > until:
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
