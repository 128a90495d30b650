"""Stores that tests in several folders read: built once per test process, copied to change.

Importing every example file is about three seconds; the import and store tests both need
that store, so it is made here once rather than once per folder.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from research.config import load_programme_config
from research.ingest.importer import import_file
from research.ingest.kinds import KINDS
from research.ingest.pseudonym import DEMO_KEY
from research.store import Connection, connect, read_tables, write_tables

EXAMPLES_DIR = Path(__file__).parents[1] / "src" / "research" / "ingest" / "examples"


@pytest.fixture(scope="session")
def examples_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example file imported once, in the documented order (read-only template)."""
    path = tmp_path_factory.mktemp("examples") / "examples.duckdb"
    config = load_programme_config()
    for name in KINDS:
        import_file(name, EXAMPLES_DIR / f"{name}.csv", path, config, key=DEMO_KEY)
    return path


def in_memory_store(tables: dict[str, pd.DataFrame]) -> tuple[Connection, dict[str, pd.DataFrame]]:
    """The tables in a store in memory, and as the store gives them back (in key order: what
    a pandas metric family reads in a report), to compare a family counted in the store with
    its pandas version."""
    con = connect(None)
    write_tables(con, tables)
    return con, read_tables(con, list(tables))
