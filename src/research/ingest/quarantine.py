"""The quarantine file `--lenient` writes next to the input: rejected rows with their reasons.

Why a module: the file is written where the user's export lies, a folder others may write to,
and it is opened in a spreadsheet. So the CPR column is masked whatever it is called, any
CPR-shaped text elsewhere is masked, no cell can run as a formula, and the file is written to
a fresh temporary file (``O_EXCL``, never through a link) and renamed into place, so a
symbolic link planted at either name is replaced, never followed.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Collection
from pathlib import Path

from research.csv_safety import csv_safe_cell
from research.domain.identifiers import mask_cpr
from research.errors import RowProblem
from research.ingest.parsers import is_blank
from research.ingest.readers import RawExport

__all__ = ["quarantine_path", "write_quarantine"]


def quarantine_path(source: Path) -> Path:
    """``FILE.quarantine.csv`` beside ``FILE.ext``."""
    return source.with_name(f"{source.stem}.quarantine.csv")


def write_quarantine(
    raw: RawExport, personal_headers: Collection[str], problems: list[RowProblem]
) -> Path:
    """Write the rejected rows with their reasons; return the file's path.

    ``personal_headers`` are the file's own names of its CPR columns (an alias or another
    letter case included): their cells are masked to ``DDMMYY-****``.
    """
    target = quarantine_path(raw.path)
    by_row: dict[int | None, list[str]] = {}
    for p in problems:
        by_row.setdefault(p.row, []).append(f"{p.column}: {p.reason}" if p.column else p.reason)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow([csv_safe_cell(c) for c in ("Række", "Fejl", *raw.headers)])
            for row, reasons in sorted(by_row.items(), key=lambda item: item[0] or 0):
                cells = (
                    list(raw.frame.loc[row]) if row in raw.frame.index else [""] * len(raw.headers)
                )
                shown = [
                    mask_cpr(str(c)) if h in personal_headers and not is_blank(c) else c
                    for h, c in zip(raw.headers, cells, strict=True)
                ]
                writer.writerow(
                    [row or "", csv_safe_cell(" | ".join(reasons)), *map(csv_safe_cell, shown)]
                )
        os.replace(tmp, target)  # replaces a link planted at the target; never writes through it
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return target
