"""Last quarter's published figures, as this quarter's protection must take them into account.

Why: a reader keeps last quarter's report. A figure of a past quarter (a row of a quarterly
series) is the same in both reports, and a count of everyone so far (``cumulative``) grows by
the persons added in between — a group that must be 0 or at least ``min_cell`` like any other.
The report reads the previous quarter's ``publication.json`` and CSVs (what was published, not
the database) and the publication treats those figures as already shown (``Publication.earlier``),
so it withholds this quarter's cells where the difference would be small.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from research.report.kit.publication import PUBLICATION_FILE

Earlier = dict[str, tuple[float, bool]]
"""Cell id → (value last quarter published, True: the same figure now; False: cumulative)."""


def earlier_figures(tables_dir: Path | None) -> Earlier:
    """The shown figures of a previous quarter's tables folder that link to this quarter's:
    rows of a past quarter (the same figure) and cumulative person counts. Empty when there is
    no such folder or record."""
    from research.report.kit.audit import QUARTER_IN_KEY, _load_one, _Loaded

    if tables_dir is None or not (Path(tables_dir) / PUBLICATION_FILE).is_file():
        return {}
    loaded = _Loaded()
    _load_one(Path(tables_dir) / PUBLICATION_FILE, "", loaded)
    out: Earlier = {}
    for cid, (_, _, _, row, _, cumulative) in loaded.located.items():
        if cid not in loaded.published:
            continue
        if QUARTER_IN_KEY.search(row):
            out[cid] = (loaded.published[cid], True)
        elif cumulative and cid in loaded.persons:
            out[cid] = (loaded.published[cid], False)
    return out


def fingerprint(tables_dir: Path | None) -> str:
    """A hash of what the previous quarter published (its record and CSVs), for caches."""
    digest = hashlib.sha256()
    if tables_dir is not None and Path(tables_dir).is_dir():
        for path in sorted(Path(tables_dir).glob("*")):
            if path.is_file() and path.suffix in (".json", ".csv"):
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
