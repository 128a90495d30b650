"""The hash of a database's content: equal data, equal hash, whatever DuckDB did to its file.

Why in the store: it reads every table with SQL, which only the store does. A report's
manifest records it (so ``research report --verify`` can say whether the data changed), and
the quarter-wide protection keys its cache on it.

Hashing writes every row as text, which at scale 100 takes seconds of CPU, and a report asks
for its snapshot's hash in the runner and again in every notebook's kernel. So a job that
hashes its own read-only snapshot keeps the hash beside it (``keep=True``), tied to the file's
identity (device, inode, size, modification time); later callers read it instead of hashing
again, and a file that changed in any of those is hashed anew.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from research.store.connection import connect
from research.store.tables import TABLES

KEPT_SUFFIX = ".content-sha256.json"


def database_hash(path: Path, *, keep: bool = False) -> str:
    """SHA-256 over every table's rows in key order (CSV text): equal data, equal hash.
    ``keep``: also write it beside ``path`` for later callers (for a job's own snapshot)."""
    path = Path(path)
    kept = _kept(path)
    if kept is not None:
        return kept
    digest = _hashed(path)
    if keep:
        record = {"file": _identity(path), "sha256": digest}
        sidecar = _sidecar(path)
        temporary = sidecar.with_name(f"{sidecar.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(record), encoding="utf-8")
        os.replace(temporary, sidecar)
    return digest


def _hashed(path: Path) -> str:
    digest = hashlib.sha256()
    with connect(path, read_only=True) as con:
        for name, spec in TABLES.items():
            keys = ", ".join(f'"{k}"' for k in spec.key)
            frame = con.execute(f'SELECT * FROM "{name}" ORDER BY {keys}').df()
            digest.update(name.encode())
            digest.update(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return digest.hexdigest()


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + KEPT_SUFFIX)


def _identity(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns]


def _kept(path: Path) -> str | None:
    """The kept hash, when there is one and the file is still the one it was taken of."""
    try:
        record = json.loads(_sidecar(path).read_text(encoding="utf-8"))
        if record["file"] == _identity(path):
            return str(record["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None
