"""Data quality: whole-database checks behind `research check` and the report's quality section."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from research.errors import StoreError
from research.quality.checks import DEFAULT_GRACE_DAYS, CheckReport, Finding, run_checks
from research.store import connect, data_date, read_tables


def check_database(
    db_path: Path | str, as_of: date | None = None, grace_days: int = DEFAULT_GRACE_DAYS
) -> CheckReport:
    if not Path(db_path).exists():
        raise StoreError(
            f"database {db_path} does not exist; create it with `research simulate` "
            "or `research import`"
        )
    with connect(db_path, read_only=True) as con:
        tables = read_tables(con)
        as_of = as_of or data_date(con)
    return run_checks(tables, as_of, grace_days)


__all__ = ["DEFAULT_GRACE_DAYS", "CheckReport", "Finding", "check_database", "run_checks"]
