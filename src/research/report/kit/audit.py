"""The disclosure audit of a finished quarter: what can a reader work out from the files alone?

Why from the files: the audit must check what actually left the building, not what the code
meant to publish. It reads every ``publication.json`` under a report folder (the programme's,
each partner sub-folder's, the article's), the CSVs they describe, and attacks them with
``metrics.linked_disclosure.attack``: for every withheld (``..``) person cell and every group a
reader can derive (the rest of a total, the persons between two funnel steps) it computes the
interval the published figures prove. A cell fails when that interval lies within 1 …
min_cell−1 (see docs/disclosure.md). It also fails a shown person count of 1 … min_cell−1 and a
share shown where its count is withheld. It never reads the database.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from research.errors import ResearchError
from research.metrics.disclosure import MARKER
from research.metrics.linked_disclosure import InconsistentPublication, Relation, attack
from research.report.kit.publication import PUBLICATION_FILE

HEADER_ROWS = 1  # a CSV row number as a spreadsheet shows it: data row 0 is row 2


class AuditError(ResearchError):
    """The folder cannot be audited (no publication.json, unreadable files)."""


@dataclass(frozen=True)
class Leak:
    """One cell a reader can work out, or a number that should not have been shown."""

    file: str
    row: int | None  # spreadsheet row number; None for a derived group (in no file)
    key: str
    column: str
    reason: str
    relations: tuple[str, ...] = ()

    def line(self) -> str:
        where = f"{self.file}, row {self.row} ({self.key})" if self.row else self.file
        by = f"; from: {'; '.join(self.relations)}" if self.relations else ""
        return f"{where}, column {self.column}: {self.reason}{by}"


@dataclass(frozen=True)
class AuditResult:
    """What the audit looked at and what it found."""

    folder: Path
    publications: tuple[Path, ...]
    withheld_checked: int
    leaks: tuple[Leak, ...]
    seconds: float = field(default=0.0, compare=False)

    @property
    def passed(self) -> bool:
        return not self.leaks

    def summary(self) -> str:
        what = f"{len(self.publications)} publication(s), {self.withheld_checked} withheld groups"
        if self.passed:
            return (
                f"audit passed: {what} checked; no person count of 1 … min_cell−1 can be worked out"
            )
        return f"audit FAILED: {len(self.leaks)} cell(s) can be worked out ({what} checked)"


@dataclass
class _Loaded:
    published: dict[str, float] = field(default_factory=dict)
    withheld: set[str] = field(default_factory=set)
    at_least_one: set[str] = field(default_factory=set)  # withheld where zeros are published
    persons: set[str] = field(default_factory=set)
    places: dict[str, tuple[str, int | None, str, str]] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    leaks: list[Leak] = field(default_factory=list)
    min_cell: int = 0  # the strictest rule of the publications read


def find_publications(folder: Path) -> list[Path]:
    """Every ``publication.json`` under ``folder``, skipping hidden (build) folders below it."""
    found = []
    for path in sorted(folder.rglob(PUBLICATION_FILE)):
        parts = path.relative_to(folder).parts[:-1]
        if not any(p.startswith(".") for p in parts):
            found.append(path)
    return found


def _read_csv(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _value(text: str) -> float | str | None:
    """A number, the marker (withheld), or None (no number: not collected, undefined)."""
    text = text.strip()
    if text == MARKER:
        return MARKER
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _load_one(path: Path, root: Path, loaded: _Loaded) -> None:
    try:
        spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AuditError(f"{path}: cannot read the publication record: {exc}") from None
    loaded.min_cell = max(loaded.min_cell, int(spec.get("min_cell", 5)))
    folder = path.parent
    prefix = folder.relative_to(root).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    frames: dict[str, pd.DataFrame | None] = {}
    rows: dict[str, dict[str, int]] = {}
    for name, table in spec.get("tables", {}).items():
        frame = _read_csv(folder / table["file"])
        frames[name] = frame
        if frame is None:
            continue
        keys = table.get("keys") or []
        if keys and all(k in frame.columns for k in keys):
            labels = frame[keys].astype(str).agg("/".join, axis=1).tolist()
        else:
            labels = [str(i) for i in range(len(frame))]
        rows[name] = {label: i for i, label in enumerate(labels)}
        _check_follows(frame, table, f"{prefix}{table['file']}", labels, loaded)
    for cell in spec.get("cells", []):
        cid = prefix + cell["id"]
        table, key, column = cell["table"], cell["row"], cell["column"]
        file = f"{prefix}{spec['tables'].get(table, {}).get('file', table + '.csv')}"
        frame = frames.get(table)
        if frame is None or column not in frame.columns or key not in rows.get(table, {}):
            continue  # not in the files: unknown to a reader
        i = rows[table][key]
        loaded.places[cid] = (file, i + 1 + HEADER_ROWS, key, column)
        value = _value(frame[column].iloc[i])
        if cell.get("persons"):
            loaded.persons.add(cid)
        if value == MARKER:
            loaded.withheld.add(cid)
            if spec["tables"].get(table, {}).get("zeros_published", True):
                loaded.at_least_one.add(cid)
        elif isinstance(value, float):
            loaded.published[cid] = value
            if cell.get("persons") and 0 < value < loaded.min_cell:
                loaded.leaks.append(
                    Leak(file, i + 1 + HEADER_ROWS, key, column, f"shows {value:g} persons")
                )
    for group in spec.get("derived", []):
        cid = prefix + group["id"]
        if group.get("persons"):
            loaded.persons.add(cid)
        loaded.places.setdefault(cid, (f"{prefix}(derived)", None, group["id"], "persons"))
    for relation in spec.get("relations", []):
        terms = tuple((_global(prefix, c), int(k)) for c, k in relation["terms"])
        loaded.relations.append(Relation(f"{prefix}{relation['name']}", terms))


def _global(prefix: str, cell: str) -> str:
    """A cell id as the whole folder knows it; ``../`` refers to the parent publication."""
    while cell.startswith("../"):
        prefix = "/".join(prefix.rstrip("/").split("/")[:-1])
        prefix = prefix + "/" if prefix else ""
        cell = cell[3:]
    return prefix + cell


def _check_follows(
    frame: pd.DataFrame, table: dict[str, Any], file: str, labels: list[str], loaded: _Loaded
) -> None:
    for follows in table.get("follows", []):
        count = follows["count"]
        if count not in frame.columns:
            continue
        hidden = (frame[count].str.strip() == MARKER).to_numpy()
        if follows.get("previous_row"):
            hidden = hidden | pd.Series(hidden).shift(1, fill_value=False).to_numpy(bool)
        for column in follows["columns"]:
            if column not in frame.columns:
                continue
            shown = frame[column].str.strip().map(lambda t: t not in ("", MARKER)).to_numpy()
            for i in (hidden & shown).nonzero()[0]:
                loaded.leaks.append(
                    Leak(
                        file,
                        int(i) + 1 + HEADER_ROWS,
                        labels[i],
                        column,
                        f"shown although its count {count!r} is withheld",
                    )
                )


def audit_report(folder: Path | str) -> AuditResult:
    """Attack everything published under ``folder``; the result lists every leak found."""
    start = time.perf_counter()
    root = Path(folder)
    publications = find_publications(root)
    if not publications:
        raise AuditError(
            f"no {PUBLICATION_FILE} under {root}: give a report folder made by `research report` "
            "(e.g. reports/2026Q3)"
        )
    loaded = _Loaded()
    for path in publications:
        _load_one(path, root, loaded)
    targets = {c for c in loaded.persons if c not in loaded.published}
    leaks = list(loaded.leaks)
    try:
        findings = attack(
            loaded.relations,
            loaded.published,
            targets,
            loaded.min_cell,
            withheld_at_least_one=loaded.at_least_one,
        )
    except InconsistentPublication as exc:
        leaks.append(Leak(str(root), None, "", "", f"inconsistent: {exc}"))
        findings = []
    for finding in findings:
        file, row, key, column = loaded.places.get(finding.cell, ("?", None, finding.cell, "?"))
        leaks.append(
            Leak(
                file,
                row,
                key,
                column,
                f"withheld, but the published figures prove {finding.interval()} persons",
                finding.relations,
            )
        )
    return AuditResult(
        root,
        tuple(publications),
        len(targets),
        tuple(leaks),
        time.perf_counter() - start,
    )
