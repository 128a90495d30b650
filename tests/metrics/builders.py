"""Hand-made store tables for metric tests, with exactly the dtypes `read_table` returns."""

from __future__ import annotations

import pandas as pd

from research.store import TABLES


def table(name: str, rows: list[dict] | None = None) -> pd.DataFrame:
    return TABLES[name].conform(pd.DataFrame(rows or [], columns=TABLES[name].columns))


def empty_tables() -> dict[str, pd.DataFrame]:
    return {name: table(name) for name in TABLES}


def person(pid: str, status: str = "employed", education: str = "H10", **extra) -> dict:
    return {
        "participant_id": pid,
        "birth_date": "1980-01-01",
        "gender": "female",
        "employment_status": status,
        "highest_education": education,
        "municipality_code": 101,
        "job_centre": "Jobcenter København",
        "recruitment_route": "network",
        "first_entry_on": "2025-01-01",
        "synthetic": True,
    } | extra


def enrol(eid, pid, purpose, start, exit_on=None, reason=None, kind="euv", **extra) -> dict:
    return {
        "enrolment_id": eid,
        "participant_id": pid,
        "partner_id": "EUS1",
        "programme_kind": kind,
        "purpose": purpose,
        "education": "Tømrer",
        "started_on": start,
        "exit_on": exit_on,
        "exit_reason": reason,
    } | extra
