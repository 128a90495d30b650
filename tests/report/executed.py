"""One executed report folder shared by the Quarto and seminar tests (papermill runs once).

The folder is made by the real runner, so these tests also check the contract with it: both
notebooks executed with the parameters cell, and the Quarto preparation applied before the
manifest. Tests that change files work on a copy (``copy_report``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from research.report.runner.run import ReportResult, run_report

QUARTER = "2026Q3"
_MADE: dict[str, ReportResult] = {}


def executed_report(db: Path, out: Path) -> ReportResult:
    """The Danish programme report for 2026Q3 on ``db``, made once per test session."""
    key = str(db)
    if key not in _MADE:
        _MADE[key] = run_report(QUARTER, db, "da", out=out)
    return _MADE[key]


def copy_report(report: ReportResult, target: Path) -> Path:
    """A private copy of the report folder (without partner sub-folders)."""
    return Path(shutil.copytree(report.folder, target / report.folder.name))
