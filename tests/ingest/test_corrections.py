"""A corrected export of any kind updates its record, leaves an audit row and keeps whatever
points at the record; a reference to a record that does not exist is still refused.

The cases are made from the kinds' own column declarations (and the example files' extra
columns), so a new kind or column is covered without touching this file.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from research.config import load_programme_config
from research.domain.identifiers import make_synthetic_cvr
from research.errors import ValidationFailed
from research.ingest.kinds import KINDS, ImportKind
from research.ingest.kinds.base import Col
from research.ingest.parsers import is_blank
from research.ingest.pseudonym import DEMO_KEY
from research.quality import run_checks
from research.quality.checks import reference_rules
from research.store import connect, read_table
from research.store.tables import REFERENCES, TABLES
from tests.shared_stores import EXAMPLES_DIR

CONFIG = load_programme_config()
# The shared store of every example file is imported with the demo key, so corrections are too
# (a store refuses a second key); what a correction changes does not depend on the key.
KEY = DEMO_KEY
CORRECTED_ROW = 0  # the first data row (spreadsheet row 2)


def _import(kind: str, path: Path, db: Path, **options):
    from research.ingest.importer import import_file

    return import_file(kind, path, db, CONFIG, key=KEY, **options)


@pytest.fixture
def store(examples_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    path.write_bytes(examples_store.read_bytes())
    return path


def _read_example(kind: ImportKind) -> tuple[list[str], list[list[str]]]:
    text = (EXAMPLES_DIR / kind.example_file).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _key_fields(kind: ImportKind) -> set[str]:
    return {k for table in kind.tables for k in TABLES[table].key}


def _correctable(kind: ImportKind) -> list[str]:
    """Every header of the example file but the record's identity (its key and a CPR number,
    which names the person: a different one is another person's record, not a correction)."""
    header, _ = _read_example(kind)
    declared = {c.header: c for c in kind.columns}
    keys = _key_fields(kind)
    return [
        h
        for h in header
        if h not in declared or not (declared[h].field in keys or declared[h].personal)
    ]


# A survey response's network is fixed by the statements its answer columns name (each belongs
# to one network), so it cannot be corrected on its own: that correction changes the answers too.
TIED_TO_OTHER_COLUMNS = {("survey-answers", "Netværks-ID")}

CASES = [
    (name, header)
    for name, kind in KINDS.items()
    for header in _correctable(kind)
    if (name, header) not in TIED_TO_OTHER_COLUMNS
]


def _same_record_rows(
    kind: ImportKind, header: list[str], rows: list[list[str]], first: int
) -> list[int]:
    """The rows of one record: those sharing row ``first``'s key in the kind's first table."""
    fields = {c.field: c.header for c in kind.columns}
    table = next(t for t in kind.tables if set(TABLES[t].key) <= set(fields))
    key = [fields[k] for k in TABLES[table].key]
    where = [header.index(h) for h in key]
    return [i for i, row in enumerate(rows) if all(row[j] == rows[first][j] for j in where)]


def _codes_of(parse) -> list[str]:
    for cell in getattr(parse, "__closure__", None) or ():
        value = cell.cell_contents
        if isinstance(value, type) and hasattr(value, "codes"):
            return [member.da for member in value]
    return []


def _candidates(col: Col | None, current: str, others: list[str]) -> list[str]:
    """Other values to try for a cell, most natural first: the column's other values in the
    example file, then alternatives by the column's type, then an edited text."""
    out = [v for v in others if v != current]
    if col is not None:
        out += _codes_of(col.parse)
    if current and current[:2].isdigit() and current.count("-") == 2:
        day = date(int(current[6:]), int(current[3:5]), int(current[:2]))
        out += [(day + timedelta(days=d)).strftime("%d-%m-%Y") for d in (1, -1, 7, 30)]
    number = current.replace(",", ".")
    if number.replace(".", "", 1).isdigit():
        value = float(number)
        out += [f"{value + step:g}".replace(".", ",") for step in (1, -1, 0.5)]
    out += ["Ja", "Nej", "Leder", "Konsulent", "Ved ikke", "1", "2", "3", "4", "5"]
    out += ["Gladsaxe", "Rettet tekst"]
    out.append(f"{current} (rettet)" if current else "Rettet")
    return [v for v in dict.fromkeys(out) if v != current]


def _snapshot(db: Path) -> dict[str, pd.DataFrame]:
    """Every table as stored, in key order."""
    with connect(db, read_only=True) as con:
        tables = {
            name: con.execute(f'SELECT * FROM "{name}" ORDER BY {", ".join(spec.key)}').df()
            for name, spec in TABLES.items()
        }
        tables["import_audit"] = con.execute("SELECT * FROM import_audit ORDER BY audit_id").df()
    return tables


def _referenced_keys(kind: ImportKind, col: Col | None, store: Path) -> list[str]:
    """For a column that points at another table: the keys stored there."""
    parents = {REFERENCES.get(t, {}).get(col.field) for t in kind.tables} - {None} if col else set()
    with connect(store, read_only=True) as con:
        return [
            str(v) for p in sorted(parents) for v in read_table(con, p)[TABLES[p].key[0]].tolist()
        ]


def _parses(col: Col | None, value: str) -> bool:
    if col is None or is_blank(value):
        return True
    try:
        col.parse(value)
    except ValueError:
        return False
    return True


def _correct(kind: ImportKind, header_name: str, store: Path, tmp_path: Path):
    """Import a copy of the example with one column of one record changed to a value the
    validator accepts and that changes the stored record (the first record first; a rejected
    file leaves the store as it was, so the next value is tried on the same store)."""
    header, rows = _read_example(kind)
    column = header.index(header_name)
    col = next((c for c in kind.columns if c.header == header_name), None)
    others = [row[column] for row in rows if not is_blank(row[column])]
    others += _referenced_keys(kind, col, store)
    tried = []
    for first in range(len(rows)):
        record = _same_record_rows(kind, header, rows, first)
        current = rows[first][column]
        for value in (v for v in _candidates(col, current, others) if _parses(col, v)):
            changed = [list(row) for row in rows]
            for i in record:
                changed[i][column] = value
            path = _write(tmp_path / kind.example_file, header, changed)
            try:
                result = _import(kind.name, path, store)
            except ValidationFailed as exc:
                tried.append(f"row {first + 2} {value!r}: {exc.problems[0].reason}")
                continue
            if result.stats.changes_anything:
                return path, value, result
            tried.append(f"row {first + 2} {value!r}: changes nothing")
    pytest.fail(f"no valid correction found for {kind.name} '{header_name}': {tried}")


# The unit tier corrects the first column of three kinds that between them have a person, a
# record other records point at, and a record of several rows; every other column of every
# kind (a store copy and an import apiece, about a second each) runs in the validation tier,
# which CI runs.
QUICK_KINDS = ("start-forms", "network-members", "survey-answers")


def _quick_tier_first_columns(cases: list[tuple[str, str]]) -> list:
    seen: set[str] = set()
    params = []
    for kind_name, header in cases:
        quick = kind_name in QUICK_KINDS and kind_name not in seen
        seen.add(kind_name)
        marks = () if quick else (pytest.mark.validation,)
        params.append(pytest.param(kind_name, header, id=f"{kind_name}:{header}", marks=marks))
    return params


@pytest.mark.parametrize(("kind_name", "header"), _quick_tier_first_columns(CASES))
def test_a_correction_of_any_column_updates_audits_and_keeps_children(
    kind_name, header, store, tmp_path
):
    kind = KINDS[kind_name]
    before = _snapshot(store)

    path, value, result = _correct(kind, header, store, tmp_path)

    after = _snapshot(store)
    assert result.stats.changed >= 1 and result.stats.added == 0
    # The update is applied: the record's column now holds the corrected value.
    field = next((c.field for c in kind.columns if c.header == header), None)
    holding = [t for t in kind.tables if field in TABLES[t].columns]
    assert field is None or holding, f"{kind.name} '{header}' is not stored in {kind.tables}"
    for table in holding or kind.tables:
        assert len(after[table]) == len(before[table]), table
    if holding:
        reached = any(not after[t][field].equals(before[t][field]) for t in holding)
        assert reached, f"{header} = {value!r} did not reach {holding}"
    else:
        assert any(not after[t].equals(before[t]) for t in kind.tables)
    # An audit row says what the import changed.
    audit = after["import_audit"]
    assert len(audit) == len(before["import_audit"]) + 1
    last = audit.iloc[-1]
    assert (last["kind"], last["file_name"]) == (kind.name, path.name)
    assert last["rows_changed"] == result.stats.changed >= 1
    # Everything else is as it was, and every reference still finds its record.
    for table, frame in before.items():
        if table not in kind.tables and table != "import_audit":
            assert after[table].equals(frame), f"{table} changed by a {kind.name} correction"
    report = run_checks({t: f for t, f in after.items() if t in TABLES}, None)
    reference = {r.name for r in reference_rules()} | {
        "enrolment_unknown_participant",
        "participant_unknown_company",
        "contact_unknown_company",
        "answer_unknown_statement",
    }
    assert [f for f in report.findings if f.rule in reference] == []


def _unknown_value(col: Col, store: Path) -> str:
    if col.parse.__name__ == "cvr":
        with connect(store, read_only=True) as con:
            known = set(read_table(con, "companies")["cvr"])
        return next(c for c in map(make_synthetic_cvr, range(500, 600)) if c not in known)
    return "UKENDT-9"


def _points_elsewhere(kind: ImportKind, col: Col) -> bool:
    """The column refers to a record another import kind brings (not one in the same file)."""
    return any(
        REFERENCES.get(table, {}).get(col.field) not in (None, *kind.tables)
        for table in kind.tables
    )


REFERENCE_CASES = [
    (name, col.header)
    for name, kind in KINDS.items()
    for col in kind.columns
    if _points_elsewhere(kind, col) and not col.personal
]


# Each case imports a whole file that must be refused: the unit tier keeps one per kind of
# record pointed at (a company, a network, a partner, a workshop), the validation tier all.
QUICK_REFERENCE_CASES = {
    ("start-forms", "CVR-nummer"),
    ("workshops", "Netværks-ID"),
    ("consultants", "Partner"),
    ("ws2-decisions", "Workshop-ID"),
}


@pytest.mark.parametrize(
    ("kind_name", "header"),
    [
        pytest.param(
            kind,
            header,
            id=f"{kind}:{header}",
            marks=() if (kind, header) in QUICK_REFERENCE_CASES else (pytest.mark.validation,),
        )
        for kind, header in REFERENCE_CASES
    ],
)
def test_a_reference_to_a_missing_record_is_still_refused_with_its_place(
    kind_name, header, store, tmp_path
):
    kind = KINDS[kind_name]
    head, rows = _read_example(kind)
    col = next(c for c in kind.columns if c.header == header)
    rows[CORRECTED_ROW][head.index(header)] = _unknown_value(col, store)
    path = _write(tmp_path / kind.example_file, head, rows)
    before = store.read_bytes()
    with pytest.raises(ValidationFailed) as caught:
        _import(kind.name, path, store)
    assert store.read_bytes() == before
    located = [(p.file, p.row, p.column) for p in caught.value.problems if "unknown" in p.reason]
    assert (path.name, CORRECTED_ROW + 2, header) in located, caught.value.report()


REFERENCE_COLUMNS = [
    (child, column, parent)
    for child, columns in REFERENCES.items()
    for column, parent in columns.items()
]


# `research check` on a whole store is about 0.4 s: the unit tier plants three kinds of
# dangling reference (a person's, a company's, a network's), the validation tier every one.
QUICK_REFERENCES = {
    ("enrolments", "participant_id"),
    ("participants", "cvr"),
    ("workshops", "network_id"),
}


@pytest.mark.parametrize(
    ("child", "column", "parent"),
    [
        pytest.param(
            child,
            column,
            parent,
            id=f"{child}.{column}",
            marks=() if (child, column) in QUICK_REFERENCES else (pytest.mark.validation,),
        )
        for child, column, parent in REFERENCE_COLUMNS
    ],
)
def test_research_check_finds_every_kind_of_dangling_reference(child, column, parent, store):
    """The store has no FOREIGN KEYs, so `research check` is where a reference that points at
    nothing (written by hand, or by an older workbench) must show."""
    from research.quality import check_database

    with connect(store) as con:
        con.execute(
            f'UPDATE "{child}" SET "{column}" = \'UKENDT-9\' WHERE rowid = '
            f'(SELECT rowid FROM "{child}" ORDER BY "{column}" IS NULL, rowid LIMIT 1)'
        )  # a row that has the reference if any does (others may forbid it, e.g. own projects)
    report = check_database(store)
    found = [f for f in report.findings if f.severity == "error" and f.count == 1]
    assert any(f.rule.endswith(f"_unknown_{column}") or "unknown" in f.rule for f in found), found
    assert not report.clean
