"""What reading every earlier quarter costs the report's protection, and what the pruning saves.

A report protects against every quarter published before it (``kit.earlier``): it reads each
earlier quarter's ``publication.json`` files and CSVs and keeps only the relations a figure of
the new quarter can reach. This prints, for a reports folder holding several quarters, per
"previous" quarter: the quarters read, the relations loaded and kept, the cells kept, the
links to the new quarter, and the CPU time of ``earlier_quarter`` (process time, so a busy
machine inflates it less than wall time).

Usage (make the quarters first, in order, with ``research report --out DIR``)::

    .venv/bin/python bench/earlier_bench.py /tmp/reports
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from research.report.kit.audit import _load_one, _Loaded, find_publications
from research.report.kit.earlier import QUARTER_FOLDER, earlier_folders, earlier_quarter


def _loaded_relations(folders: list[Path]) -> int:
    loaded = _Loaded()
    for quarter in folders:
        for path in find_publications(quarter):
            relative = path.parent.relative_to(quarter).as_posix()
            prefix = f"{quarter.name}/" + ("" if relative == "." else relative + "/")
            _load_one(path, prefix, loaded)
    return len(loaded.relations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=Path, help="a folder of quarter folders (2026Q1, ...)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    quarters = sorted(p for p in args.reports.iterdir() if QUARTER_FOLDER.match(p.name))
    print("previous  read  relations loaded  kept  cells kept  links  CPU s (median)")
    for previous in quarters:
        folders = earlier_folders(previous)
        if not folders:
            continue
        seconds = []
        earlier = None
        for _ in range(args.repeat):
            start = time.process_time()
            earlier = earlier_quarter(previous)
            seconds.append(time.process_time() - start)
        assert earlier is not None
        cells = len(earlier.published) + len(earlier.withheld - set(earlier.published))
        print(
            f"{previous.name}  {len(folders):>4}  {_loaded_relations(folders):>16}  "
            f"{len(earlier.relations):>4}  {cells:>10}  {len(earlier.links):>5}  "
            f"{sorted(seconds)[len(seconds) // 2]:.2f}"
        )


if __name__ == "__main__":
    main()
