"""The hash of a database's content: equal data, equal hash, whatever DuckDB did to its file.

Why in the store: it reads every table with SQL, which only the store does. A report's
manifest records it (so ``research report --verify`` can say whether the data changed), and
the quarter-wide protection keys its cache on it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from research.store.connection import connect
from research.store.tables import TABLES


def database_hash(path: Path) -> str:
    """SHA-256 over every table's rows in key order (CSV text): equal data, equal hash."""
    digest = hashlib.sha256()
    with connect(path, read_only=True) as con:
        for name, spec in TABLES.items():
            keys = ", ".join(f'"{k}"' for k in spec.key)
            frame = con.execute(f'SELECT * FROM "{name}" ORDER BY {keys}').df()
            digest.update(name.encode())
            digest.update(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return digest.hexdigest()
