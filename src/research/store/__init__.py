"""The DuckDB store: the only package that speaks SQL."""

from research.store.connection import (
    Connection,
    connect,
    migrate,
    open_duckdb,
    schema_version,
    transaction,
)
from research.store.read import data_date, query, read_table, read_tables, row_counts
from research.store.tables import TABLES
from research.store.write import WriteStats, diff_counts, record_import, upsert, write_tables

__all__ = [
    "TABLES",
    "Connection",
    "WriteStats",
    "connect",
    "data_date",
    "diff_counts",
    "migrate",
    "open_duckdb",
    "query",
    "read_table",
    "read_tables",
    "record_import",
    "row_counts",
    "schema_version",
    "transaction",
    "upsert",
    "write_tables",
]
