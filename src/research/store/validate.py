"""Checking rows against a table's schema and its references before they are written."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from research.store.connection import Connection
from research.store.tables import REFERENCES, TABLES


@dataclass(frozen=True)
class Failure:
    """One failed check on one row (``index`` is the frame's index label) or on the table."""

    table: str
    index: object | None
    column: str | None
    value: object | None
    reason: str


def check_rows(table: str, frame: pd.DataFrame) -> list[Failure]:
    """Every schema failure in ``frame`` (types, ranges, codes, keys, cross-column rules)."""
    import pandera.errors as pa_errors  # imported by those who validate, not by every reader

    spec = TABLES[table]
    try:
        spec.pandera_schema().validate(spec.complete(frame), lazy=True)
    except pa_errors.SchemaErrors as exc:
        return _failures(table, exc.failure_cases, spec)
    return []


def _failures(table: str, cases: pd.DataFrame, spec) -> list[Failure]:
    # pandera names a wide check by its error text in failure cases, so look up both.
    rules = {rule.name: rule for rule in spec.rules} | {rule.message: rule for rule in spec.rules}
    out: list[Failure] = []
    for case in cases.to_dict("records"):
        check = str(case.get("check"))
        index = case.get("index")
        index = None if pd.isna(index) else index
        column = case.get("column")
        value = case.get("failure_case")
        if check in rules:
            rule = rules[check]
            out.append(Failure(table, index, rule.columns[0], None, rule.message))
        elif check == "multiple_fields_uniqueness" or check == "field_uniqueness":
            reason = "the same key appears on more than one row"
            out.append(Failure(table, index, spec.key[-1], None, reason))
        elif check == "not_nullable":
            out.append(Failure(table, index, column, None, "a value is required"))
        elif check.startswith("coerce_dtype") or check.startswith("dtype"):
            out.append(Failure(table, index, column, value, f"wrong type ({check})"))
        elif check == "column_in_dataframe":
            out.append(Failure(table, None, str(value), None, "column is missing"))
        elif check == "column_in_schema":
            out.append(Failure(table, None, str(value), None, "unexpected column"))
        else:
            reason = _check_reason(spec, column, check)
            out.append(Failure(table, index, column, value, reason))
    return list(dict.fromkeys(out))


def _check_reason(spec, column, check: str) -> str:
    if column in spec.columns:
        for candidate in spec.field(column).checks():
            if candidate.name == check or str(candidate) == check or candidate.error == check:
                return candidate.error
    return check


def check_references(
    con: Connection, table: str, frame: pd.DataFrame, pending: dict[str, pd.DataFrame]
) -> list[Failure]:
    """Values that point at nothing: neither in the store nor among rows about to be written."""
    out: list[Failure] = []
    for column, parent in REFERENCES.get(table, {}).items():
        if column not in frame:
            continue
        key = TABLES[parent].key[0]
        known = pd.Index(
            [row[0] for row in con.execute(f'SELECT "{key}" FROM "{parent}"').fetchall()],
            dtype=object,
        )
        if parent in pending and key in pending[parent]:
            known = known.append(pd.Index(pending[parent][key].dropna().astype(str), dtype=object))
        values = frame[column]
        present = values.notna()
        dangling = present & ~values.astype("string").isin(known)
        for index, value in values[dangling].items():
            out.append(Failure(table, index, column, value, f"unknown {parent} reference"))
    return out


def dangling_references(con: Connection, tables: list[str] | None = None) -> list[Failure]:
    """Stored values that point at nothing, found by one anti-join per reference in SQL.

    Why: a writer that has put many rows into the store at once (the simulator) checks them
    where they lie, in one vectorised pass per reference, instead of looking each chunk's
    values up in pandas. ``index`` is the offending row's key; at most 20 are listed per
    reference, which is enough to find the bug.
    """
    out: list[Failure] = []
    for table, columns in REFERENCES.items():
        if tables is not None and table not in tables:
            continue
        key = ", ".join(f'c."{k}"' for k in TABLES[table].key)
        for column, parent in columns.items():
            parent_key = TABLES[parent].key[0]
            known = f'SELECT 1 FROM "{parent}" p WHERE p."{parent_key}" = c."{column}"'
            rows = con.execute(
                f'SELECT {key}, c."{column}" FROM "{table}" c '
                f'WHERE c."{column}" IS NOT NULL AND NOT EXISTS ({known}) LIMIT 20'
            ).fetchall()
            for *row_key, value in rows:
                index = row_key[0] if len(row_key) == 1 else tuple(row_key)
                out.append(Failure(table, index, column, value, f"unknown {parent} reference"))
    return out
