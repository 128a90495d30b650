"""What reading one consistent state of the store costs, and what an old database's upgrade costs.

For a database (default: ``data/workbench.duckdb``) prints the wall time of

* **snapshot**: the report's read-only copy (``store.snapshot.snapshot_database``: one read
  under DuckDB's shared lock, brought to the current schema), against a plain file copy;
* **content hash**: the manifest's hash over every table's rows;
* **old schema, read**: a read-only open of a database made by the previous workbench version
  (an upgraded copy in memory; the file is not touched);
* **old schema, upgrade**: the first writing open of it (backup copy, then the migrations).

Usage::

    .venv/bin/python bench/store_bench.py [--db data/workbench.duckdb] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.store.old_schema

from tests.store.old_schema import make_old_database

from research.store.connection import connect
from research.store.content_hash import database_hash
from research.store.snapshot import snapshot_database


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("data/workbench.duckdb"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source: Path = args.db
    size = source.stat().st_size / 2**20
    print(f"database {source} ({size:.1f} MiB), median of {args.repeat} runs")
    rows: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        current = folder / "current.duckdb"
        snapshot_database(source, current)  # the current schema, whatever the source's
        for run in range(args.repeat):
            target = folder / f"snapshot-{run}.duckdb"
            rows.setdefault("snapshot (COPY FROM DATABASE)", []).append(
                _timed(lambda t=target: snapshot_database(current, t))
            )
            plain = folder / f"plain-{run}.duckdb"
            rows.setdefault("plain file copy, for scale", []).append(
                _timed(lambda p=plain: shutil.copyfile(current, p))
            )
            rows.setdefault("content hash (manifest)", []).append(
                _timed(lambda: database_hash(current))
            )
            old = make_old_database(folder / f"old-{run}.duckdb", current)
            rows.setdefault("old schema, read-only open", []).append(
                _timed(lambda o=old: connect(o, read_only=True).close())
            )
            rows.setdefault("old schema, upgrade on write", []).append(
                _timed(lambda o=old: connect(o).close())
            )
    for name, seconds in rows.items():
        print(f"  {name:32} {statistics.median(seconds):6.2f} s")


if __name__ == "__main__":
    main()
