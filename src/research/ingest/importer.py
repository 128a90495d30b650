"""Importing one export: read, check the columns, parse, validate, and write all or nothing.

Validation runs against a read-only view of the store, so a rejected file leaves the database
byte for byte as it was. Only a file that passes is written, in one transaction, with an audit
row saying what it changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path

import pandas as pd

from research.config import ProgrammeConfig
from research.domain.identifiers import contains_cpr_shaped, mask_cpr, mask_cpr_shaped
from research.errors import InputFileError, RowProblem, ValidationFailed
from research.ingest.cpr_guard import (
    count_masked_free_text,
    guard_cpr,
    refuse_cpr_in_file_name,
    refuse_real_cpr_under_demo_key,
)
from research.ingest.kinds import KINDS, ImportKind, find_kind
from research.ingest.kinds.base import Col, Context
from research.ingest.parsers import is_blank
from research.ingest.pseudonym import DEMO_KEY
from research.ingest.quarantine import write_quarantine
from research.ingest.readers import RawExport, read_export
from research.store import (
    Connection,
    WriteStats,
    connect,
    diff_counts,
    record_import,
    transaction,
    write_tables,
)
from research.store.meta import check_key, record_key, record_origin
from research.store.validate import Failure, check_references, check_rows


@dataclass
class ImportResult:
    kind: str
    file: Path
    rows_read: int
    stats: WriteStats
    per_table: dict[str, WriteStats]
    rejected: int = 0
    quarantine: Path | None = None
    dry_run: bool = False
    problems: list[RowProblem] = field(default_factory=list)
    masked: int = 0  # free-text cells whose CPR-shaped text was masked before storing
    sheet: str | None = None  # the .xlsx sheet that was read

    @property
    def changed_anything(self) -> bool:
        return self.stats.changes_anything and not self.dry_run


def import_file(
    kind_name: str,
    path: Path | str,
    db_path: Path | str,
    config: ProgrammeConfig,
    *,
    key: bytes | None,
    dry_run: bool = False,
    lenient: bool = False,
    demo: bool = False,
) -> ImportResult:
    """Import one export into the store at ``db_path``, all or nothing (``lenient``: the good rows).

    ``key`` pseudonymises CPR numbers (None for kinds without them) and must be the key the
    database's pseudonyms were made with. The data is recorded as synthetic when ``key`` is
    the public demo key or ``demo`` is true (the ``--demo-key`` flag for kinds without CPR
    numbers), and as real otherwise (:func:`research.store.meta.data_origin`).
    """
    kind = find_kind(kind_name)
    refuse_cpr_in_file_name(Path(path))
    raw = read_export(path)
    columns = match_columns(kind, raw)
    rows_read = raw.rows_read
    with connect(db_path, read_only=True) as con:
        if key is not None:
            check_key(con, key)
        frames, problems = prepare(kind, raw, columns, con, config, key)
        if problems and not lenient:
            raise ValidationFailed(
                problems,
                f"{raw.name}: rejected, {_count_rows(problems)} of {rows_read} rows have "
                f"problems ({len(problems)} in all); nothing was imported",
            )
        rejected: set[int] = set()
        found = problems
        while found:  # dropping a row can orphan another (e.g. its person), so go again
            if any(p.row is None for p in found):
                raise ValidationFailed(
                    problems, f"{raw.name}: rejected; a problem is not tied to a row"
                )
            rejected |= {p.row for p in found}
            frames, found = prepare(kind, raw.without(rejected), columns, con, config, key)
            problems += found
        per_table = {t: diff_counts(con, t, f) for t, f in frames.items() if t in kind.tables}
    stats = sum(per_table.values(), WriteStats())
    personal = {columns[c.field] for c in kind.columns if c.personal and c.field in columns}
    quarantine = write_quarantine(raw, personal, problems) if problems and not dry_run else None
    result = ImportResult(
        kind.name,
        raw.path,
        rows_read,
        stats,
        per_table,
        rejected=len(rejected),
        quarantine=quarantine,
        dry_run=dry_run,
        problems=problems,
        masked=count_masked_free_text(kind, raw, columns, rejected),
        sheet=raw.sheet,
    )
    if lenient and rejected and not set(raw.frame.index) - rejected:
        where = f" (see {quarantine})" if quarantine else ""
        raise ValidationFailed(
            problems,
            f"{raw.name}: rejected, every one of the {rows_read} rows has problems{where}; "
            "nothing was imported",
        )
    if dry_run or not stats.changes_anything:
        return result
    with connect(db_path) as con, transaction(con):
        if key is not None:
            check_key(con, key)  # again, under the write lock
            record_key(con, key)
        record_origin(
            con, "synthetic" if demo or key == DEMO_KEY else "real", f"import {kind.name}"
        )
        written = write_tables(con, frames)
        stats = sum((s for t, s in written.items() if t in kind.tables), WriteStats())
        record_import(
            con,
            kind=kind.name,
            file_name=raw.name,
            file_sha256=raw.sha256,
            rows_read=result.rows_read,
            stats=stats,
            rows_rejected=result.rejected,
        )
    return result


def match_columns(kind: ImportKind, raw: RawExport) -> dict[str, str]:
    """Map each template field to the file's header, or refuse the file in one clear line."""
    for number, header in enumerate(raw.headers, start=1):
        if contains_cpr_shaped(header):
            raise InputFileError(
                f"{raw.name}: the name of column {number} holds a CPR number "
                f"({mask_cpr_shaped(header)}); column names are stored and shown, so remove it"
            )
    present = {h.casefold(): h for h in raw.headers if h}
    found: dict[str, str] = {}
    missing = []
    for col in kind.columns:
        named = list(
            dict.fromkeys(present[n.casefold()] for n in col.names if n.casefold() in present)
        )
        if len(named) > 1:
            raise InputFileError(
                f"{raw.name}: columns '{named[0]}' and '{named[1]}' are both the column "
                f"'{col.header}' (accepted names: {', '.join(col.names)}); keep one of them"
            )
        header = named[0] if named else None
        if header is not None:
            found[col.field] = header
        elif col.required:
            missing.append(col.header)
    known = {h.casefold() for col in kind.columns for h in col.names}
    extra = [
        h
        for h in raw.headers
        if h and h.casefold() not in known and not (kind.extra_columns and kind.extra_columns(h))
    ]
    if missing or extra:
        hint = _better_kind(kind, raw)
        parts = []
        if missing:
            parts.append(f"missing required columns: {', '.join(missing)}")
        if extra:
            parts.append(f"unknown columns: {', '.join(extra)}")
        message = f"{raw.name}: not a '{kind.name}' file: {'; '.join(parts)}"
        if hint:
            message += f" (it looks like a '{hint}' file)"
        else:
            message += f". Expected columns: {', '.join(c.header for c in kind.columns)}"
        raise InputFileError(message)
    return found


def _better_kind(kind: ImportKind, raw: RawExport) -> str | None:
    headers = {h.casefold() for h in raw.headers}

    def score(candidate: ImportKind) -> float:
        names = [{n.casefold() for n in c.names} for c in candidate.columns if c.required]
        return sum(bool(n & headers) for n in names) / max(len(names), 1)

    best = max(KINDS.values(), key=score)
    return best.name if best is not kind and score(best) == 1.0 else None


def prepare(
    kind: ImportKind,
    raw: RawExport,
    columns: dict[str, str],
    con: Connection,
    config: ProgrammeConfig,
    key: bytes | None,
) -> tuple[dict[str, pd.DataFrame], list[RowProblem]]:
    """Parse every cell, build the table rows and validate them; collect every problem."""
    parsed, problems = parse_cells(kind, raw, columns)
    if key == DEMO_KEY:
        problems += refuse_real_cpr_under_demo_key(kind, parsed, columns, raw.name)
    problems = list(raw.problems) + problems
    context = Context(con=con, config=config, file_name=raw.name, key=key)
    bad = {p.row for p in problems}
    frames = kind.build(parsed[~parsed.index.isin(bad)], context)
    problems += context.problems
    frames.setdefault("partners", _partners_frame(config))
    failures: list[Failure] = []
    for table, table_frame in frames.items():
        failures += check_rows(table, table_frame)
        failures += check_references(con, table, table_frame, frames)
    problems += [_to_problem(kind, raw, columns, f) for f in failures]
    return frames, sorted(set(problems), key=_problem_order)


def parse_cells(
    kind: ImportKind, raw: RawExport, columns: dict[str, str]
) -> tuple[pd.DataFrame, list[RowProblem]]:
    problems: list[RowProblem] = []
    records: dict[str, list] = {}
    for col in kind.columns:
        header = columns.get(col.field)
        if not header:
            records[col.field] = [None] * len(raw.frame)
            continue
        cells = raw.frame[header]
        refused: set[int] = set()
        if not col.personal:
            cells, refused = guard_cpr(cells, header, raw.name, problems, free_text=col.free_text)
        records[col.field] = _parse_column(col, header, cells, refused, raw.name, problems)
    parsed = pd.DataFrame(records, index=raw.frame.index, dtype=object)
    extra = [h for h in raw.headers if h and kind.extra_columns and kind.extra_columns(h)]
    for header in extra:
        cells, refused = guard_cpr(raw.frame[header], header, raw.name, problems, free_text=False)
        parsed[f"extra:{header}"] = cells.where(~cells.index.isin(refused), "")
    return parsed, problems


def _parse_column(
    col: Col,
    header: str,
    cells: pd.Series,
    refused: set[int],
    file: str,
    problems: list[RowProblem],
) -> list[object]:
    """Each cell parsed, every problem located. A column holds few distinct values (codes,
    dates, places), so each is parsed once; CPR numbers are all different and not kept."""
    parsed: dict[tuple[type, object], tuple[object, str | None]] = {}
    out: list[object] = []
    for row, cell in cells.items():
        if row in refused:
            out.append(None)
            continue
        key = (type(cell), cell)
        found = None if col.personal else parsed.get(key)
        if found is None:
            found = _parse_cell(col, cell)
            if not col.personal:
                parsed[key] = found
        value, reason = found
        if reason is not None:
            shown = None if is_blank(cell) else mask_cpr(str(cell)) if col.personal else str(cell)
            problems.append(RowProblem(file, row, header, shown, reason))
        out.append(value)
    return out


def _parse_cell(col: Col, cell: object) -> tuple[object, str | None]:
    """``(value, None)``, or ``(None, reason)`` when the cell cannot be taken."""
    if is_blank(cell):
        return None, None if col.blank_ok else "a value is required"
    try:
        return col.parse(cell), None
    except ValueError as exc:
        return None, str(exc)


def _partners_frame(config: ProgrammeConfig) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"partner_id": p.partner_id, "name": p.name, "kind": p.kind.value}
            for p in config.partners
        ]
    )


def _to_problem(
    kind: ImportKind, raw: RawExport, columns: dict[str, str], f: Failure
) -> RowProblem:
    header = columns.get(f.column) or kind.header_for(f.column or "") or f.column
    row = int(f.index) if isinstance(f.index, Integral) and f.index in raw.frame.index else None
    value = None if f.value is None or pd.isna(f.value) else str(f.value)
    if header and any(c.personal and c.header == header for c in kind.columns):
        value = mask_cpr(value or "")
    return RowProblem(raw.name, row, header, value, f.reason)


def _problem_order(p: RowProblem) -> tuple:
    return (p.row or 0, p.column or "", p.reason)


def _count_rows(problems: list[RowProblem]) -> int:
    return len({p.row for p in problems if p.row is not None}) + sum(
        p.row is None for p in problems
    )
