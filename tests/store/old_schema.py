"""A database made at an older schema version, holding the rows of a current one."""

from __future__ import annotations

from pathlib import Path

from research.store.connection import migrate, open_duckdb, schema_version
from research.store.tables import WRITE_ORDER

# The last schema with FOREIGN KEY constraints (before migration 3): upgrading it from there runs
# every migration since, the foreign-key rebuild and the data-origin table included.
PREVIOUS_VERSION = 2


def make_old_database(path: Path, source: Path, version: int = PREVIOUS_VERSION) -> Path:
    """``path`` at schema ``version`` (as an older workbench made it) with ``source``'s rows."""
    con = open_duckdb(path)
    try:
        migrate(con, until=version)
        assert schema_version(con) == version
        names = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        tables = {row[0] for row in names}
        con.execute("ATTACH ? AS source (READ_ONLY)", [str(source)])
        for table in [*WRITE_ORDER, "import_audit"]:  # parents first: old schemas have FKs
            if table in tables:
                con.execute(f'INSERT INTO "{table}" SELECT * FROM source."{table}"')
        audits = con.execute("SELECT count(*) FROM import_audit").fetchall()[0][0]
        con.execute("SELECT nextval('import_audit_seq') FROM range(?)", [audits])
        con.execute("DETACH source")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path
