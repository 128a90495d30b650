"""Every check of ``store.tables`` is also a constraint of the store itself.

Why: the simulator writes its rows once and lets the store's constraints (and one anti-join per
reference) check them, instead of running pandera over every row first. That is only as strict
as before if each pandera check has its constraint: here every field check (required value,
code, minimum, maximum, length, type), every key and every rule across columns is broken on a
valid simulated row; pandera must flag the row and the store must refuse it.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from research.config import load_programme_config
from research.simulate.run import SimulationInvalid, _write_checked, build_frames
from research.store import connect, row_counts, transaction, write_tables
from research.store.tables import REFERENCES, TABLES
from research.store.validate import check_rows, dangling_references

pytestmark = pytest.mark.validation  # every check of every table (a representative is below)

REFUSED = (duckdb.Error, TypeError, ValueError)

# Rules across columns that are not "a date not before another": how to break each one.
_RULE_BREAKERS = {
    "exit_has_reason": {"exit_on": "2026-01-01", "exit_reason": None},
    "leaving_status_needs_exit": {
        "exit_on": None,
        "exit_reason": None,
        "status_on_leaving": "employed",
        "status_6_months": None,
    },
    "dont_know_xor_relevance": {"dont_know": True, "relevance": 3},
    "skilled_within_employees": {"employees": 10, "skilled_employees": 11},
}


@pytest.fixture(scope="module")
def valid_rows() -> dict[str, dict]:
    """One simulated row per table, the one with the fewest blanks (so rules can bite)."""
    frames = build_frames(load_programme_config(), scale=0.05)
    out = {}
    for name, frame in frames.items():
        best = frame.notna().sum(axis=1).idxmax()
        out[name] = frame.loc[best].to_dict()
    return out


def _breaks(table: str) -> list[tuple[str, dict]]:
    """(what is broken, the columns to change) for every check of ``table``."""
    spec = TABLES[table]
    cases: list[tuple[str, dict]] = []
    for f in spec.fields:
        if not f.nullable:
            cases.append((f"{f.name} required", {f.name: None}))
        if f.codes is not None:
            cases.append((f"{f.name} code", {f.name: "NOT-A-CODE"}))
        if f.min is not None:
            cases.append((f"{f.name} minimum", {f.name: f.min - 1}))
        if f.max is not None:
            cases.append((f"{f.name} maximum", {f.name: f.max + 1}))
        if f.length is not None:
            cases.append((f"{f.name} length", {f.name: "1" * (f.length + 1)}))
        if f.kind in ("int", "float", "date", "bool"):
            cases.append((f"{f.name} type", {f.name: "not a value"}))
    for rule in spec.rules:
        if "_not_before_" in rule.name:
            later, earlier = rule.name.split("_not_before_")
            cases.append((rule.name, {later: "2025-01-01", earlier: "2025-06-30"}))
        else:
            cases.append((rule.name, _RULE_BREAKERS[rule.name]))
    return cases


def _refused(table: str, row: dict) -> bool:
    con = connect(None)
    try:
        with transaction(con):
            write_tables(con, {table: pd.DataFrame([row])})
    except REFUSED:
        return True
    finally:
        con.close()
    return False


def _a_reference_catches(table: str, change: dict) -> bool:
    """A length check on a column that refers to a key with the same check: a value of another
    length matches no key, so the reference check (``dangling_references``) refuses it."""
    [(column, value)] = change.items() if len(change) == 1 else [(None, None)]
    parent = REFERENCES.get(table, {}).get(column)
    if parent is None or not isinstance(value, str):
        return False
    key = TABLES[parent].field(TABLES[parent].key[0])
    return key.length is not None and key.length != len(value)


def _broken(row: dict, change: dict) -> dict:
    out = dict(row)
    for column, value in change.items():
        is_date = isinstance(value, str) and value[:2] == "20" and TABLES_KIND.get(column) == "date"
        out[column] = pd.Timestamp(value) if is_date else value
    return out


TABLES_KIND = {f.name: f.kind for spec in TABLES.values() for f in spec.fields}


@pytest.mark.parametrize("table", list(TABLES))
def test_every_check_of_a_table_is_a_constraint_of_the_store(table, valid_rows):
    row = valid_rows[table]
    assert check_rows(table, pd.DataFrame([row])) == []
    assert not _refused(table, row)
    missed = []
    for what, change in _breaks(table):
        bad = _broken(row, change)
        assert check_rows(table, pd.DataFrame([bad])), f"{table}: {what} is not a violation"
        if not _refused(table, bad) and not _a_reference_catches(table, change):
            missed.append(what)
    assert missed == []


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return build_frames(load_programme_config(), scale=0.05)


def _simulated_write(frames: dict[str, pd.DataFrame]) -> None:
    con = connect(None)
    _write_checked(con, frames, seed=1, scale=0.05, until=dt.date(2027, 12, 31), broken=False)
    assert sum(row_counts(con).values()) == sum(len(f) for f in frames.values())


@pytest.mark.parametrize("table", list(TABLES))
def test_a_repeated_key_is_refused_and_named(table, frames):
    """Keys are not a constraint the upsert enforces (it keeps one row per key): the simulator
    compares what was stored with what it wrote, and pandera names the table."""
    repeated = pd.concat([frames[table], frames[table].iloc[[0]]], ignore_index=True)
    twice = frames | {table: repeated}
    with pytest.raises(SimulationInvalid, match=f"{table}.*the same key appears"):
        _simulated_write(twice)


@pytest.mark.unit
def test_a_code_and_a_rule_are_refused_by_the_store(valid_rows):
    """The representative in the quick tier: an unknown code, and an exit without a reason."""
    row = valid_rows["enrolments"]
    assert _refused("enrolments", _broken(row, {"purpose": "NOT-A-CODE"}))
    assert _refused("enrolments", _broken(row, _RULE_BREAKERS["exit_has_reason"]))
    assert not _refused("enrolments", row)


@pytest.mark.unit
def test_the_simulated_rows_are_written_whole_or_refused_with_the_row_named(frames):
    """The representatives of keys and references in the quick tier."""
    _simulated_write(frames)
    repeated = pd.concat([frames["enrolments"], frames["enrolments"][:1]], ignore_index=True)
    twice = frames | {"enrolments": repeated}
    with pytest.raises(SimulationInvalid, match=r"enrolments.*the same key appears"):
        _simulated_write(twice)
    orphan = frames["enrolments"].copy()
    orphan.loc[orphan.index[0], "participant_id"] = "nobody"
    with pytest.raises(SimulationInvalid, match=r"enrolments.*participant_id='nobody'.*unknown"):
        _simulated_write(frames | {"enrolments": orphan})


@pytest.mark.unit
def test_dangling_references_are_found_where_they_lie():
    con = connect(None)
    partners = pd.DataFrame([{"partner_id": "P1", "name": "Skole", "kind": "vocational_college"}])
    consultant = {
        "name": "X",
        "role": "consultant",
        "in_shared_concept": True,
        "joined_on": dt.date(2025, 1, 1),
    }
    consultants = pd.DataFrame(
        [
            {"consultant_id": "K1", "partner_id": "P1", **consultant},
            {"consultant_id": "K2", "partner_id": "P9", **consultant},
        ]
    )
    write_tables(con, {"partners": partners, "consultants": consultants})
    found = dangling_references(con)
    assert [(f.table, f.index, f.column, f.value) for f in found] == [
        ("consultants", "K2", "partner_id", "P9")
    ]
