"""The DuckDB store: the only package that speaks SQL."""

from research.store.connection import Connection, connect, migrate, schema_version, transaction
from research.store.read import query, read_table, row_counts
from research.store.tables import TABLES
from research.store.write import WriteStats, diff_counts, record_import, upsert, write_tables

__all__ = [
    "TABLES",
    "Connection",
    "WriteStats",
    "connect",
    "diff_counts",
    "migrate",
    "query",
    "read_table",
    "record_import",
    "row_counts",
    "schema_version",
    "transaction",
    "upsert",
    "write_tables",
]
