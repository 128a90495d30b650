"""The disclosure audit of a finished quarter: what can a reader work out from the files alone?

Why from the files: the audit must check what actually left the building, not what the code
meant to publish. It reads every ``publication.json`` under a report folder (the programme's,
each partner sub-folder's, the article's), the CSVs they describe, and attacks them with
``metrics.linked_disclosure.attack``: for every withheld (``..``) person cell and every group a
reader can derive (the rest of a total, the persons between two funnel steps) it computes the
interval the published figures prove. A cell fails when that interval lies within 1 …
min_cell−1 (see docs/disclosure.md). It also fails a shown person count of 1 … min_cell−1 and a
share shown where its count is withheld. It never reads the database.

What a reader holds is more than one folder: every quarter published so far. Given several
quarter folders (``research audit reports/``), the audit links them: a figure of a past quarter
(a row of a quarterly series) is the same figure in every later report, and a cumulative count
(``cumulative`` columns: participants ever, completions ever) of a later quarter is the earlier
one plus the persons added in between, a group that must not be pinned to 1 … min_cell−1
either. Before a report is published, ``audit_report(build, into=quarter_folder, under=...)``
audits the build as it will sit in its quarter's folder, beside what that folder keeps.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from research.errors import ResearchError
from research.metrics.disclosure import MARKER
from research.metrics.linked_disclosure import InconsistentPublication, Relation, attack
from research.report.kit.publication import PUBLICATION_FILE

HEADER_ROWS = 1  # a CSV row number as a spreadsheet shows it: data row 0 is row 2
QUARTER = re.compile(r"^\d{4}Q[1-4]$")
QUARTER_IN_KEY = re.compile(r"(?:^|/)(\d{4}Q[1-4])(?:/|$)")


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
        if self.row:
            where = f"{self.file}, row {self.row} ({self.key})"
        else:
            where = f"{self.file} ({self.key})" if self.key else self.file
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
    notes: tuple[str, ...] = ()  # what could not be checked, and why

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
    # cell id → (place within its quarter's folder, quarter, table, row, column, cumulative)
    located: dict[str, tuple[str, str, str, str, str, bool]] = field(default_factory=dict)


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


def _load_one(path: Path, prefix: str, loaded: _Loaded) -> None:
    """Read one publication record and its CSVs; ``prefix`` is its folder as the reader's
    whole holding names it (``""``, ``EUS1/tables/``, ``2026Q2/article/``)."""
    try:
        spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AuditError(f"{path}: cannot read the publication record: {exc}") from None
    loaded.min_cell = max(loaded.min_cell, int(spec.get("min_cell", 5)))
    folder = path.parent
    quarter, place = _quarter_of(prefix)
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
        _derive_numerators(frame, table)
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
        cumulative = key in spec["tables"].get(table, {}).get("cumulative", {}).get(column, [])
        loaded.located[cid] = (place, quarter, table, key, column, cumulative)
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


def _quarter_of(prefix: str) -> tuple[str, str]:
    """The quarter a publication belongs to (the folder named like ``2026Q3`` on its path)
    and its place within that quarter's folder; ("", prefix) when no folder names a quarter."""
    parts = [p for p in prefix.split("/") if p]
    for i in range(len(parts) - 1, -1, -1):
        if QUARTER.match(parts[i]):
            return parts[i], "/".join(parts[i + 1 :])
    return "", "/".join(parts)


def _derive_numerators(frame: pd.DataFrame, table: dict[str, Any]) -> None:
    """Add each declared numerator a reader multiplies out (share × denominator) as a column,
    so the attack sees the counts a shown rate gives away."""
    for ratio in table.get("ratios", []):
        numerator, denominator, share = ratio["numerator"], ratio["denominator"], ratio["share"]
        if numerator in frame.columns or not {denominator, share} <= set(frame.columns):
            continue

        def multiply(pair: tuple[str, str]) -> str:
            rate, base = (_value(t) for t in pair)
            if MARKER in (rate, base):
                return MARKER
            if isinstance(rate, float) and isinstance(base, float):
                return f"{round(rate * base):d}"
            return ""

        frame[numerator] = [multiply(p) for p in zip(frame[share], frame[denominator], strict=True)]


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


def _sources(folders: Sequence[Path], into: Path | None, under: str) -> list[tuple[Path, str]]:
    """Every publication record the reader will hold, each with its folder's name in the
    holding. ``into``: the build in ``folders[0]`` will sit at ``into/under``, beside what
    ``into`` keeps (its other sub-folders; what the build replaces is left out)."""
    found: list[tuple[Path, str]] = []
    many = len(folders) > 1
    for folder in folders:
        base = f"{folder.resolve().name}/" if many else ""
        if into is not None:
            base = f"{under.strip('/')}/" if under.strip("/") else ""
        for path in find_publications(folder):
            relative = path.parent.relative_to(folder).as_posix()
            found.append((path, base + ("" if relative == "." else relative + "/")))
    if into is not None and into.is_dir():
        replaced = (
            {f"{under.strip('/')}/"}
            if under.strip("/")
            else {f"{item.name}/" for item in folders[0].iterdir()}
        )
        for path in find_publications(into):
            relative = path.parent.relative_to(into).as_posix() + "/"
            if not any(relative.startswith(r) for r in replaced):
                found.append((path, relative))
    return found


def _across_quarters(loaded: _Loaded) -> dict[tuple[str, str], list[Relation]]:
    """Relations between the quarters held, by pair of quarters: a past quarter's figure is
    the same in every later report; a cumulative count grows by a derived group of persons.
    Relations the published figures contradict outright (the data were corrected in between)
    are left out: a reader cannot rely on them either."""
    by_place: dict[tuple[str, str, str, str], dict[str, str]] = {}
    for cid, (place, quarter, table, row, column, _) in loaded.located.items():
        if quarter:
            by_place.setdefault((place, table, row, column), {})[quarter] = cid
    pairs: dict[tuple[str, str], list[Relation]] = {}
    for (place, table, row, column), per_quarter in by_place.items():
        for before, after in itertools.pairwise(sorted(per_quarter)):
            a, b = per_quarter[before], per_quarter[after]
            va, vb = loaded.published.get(a), loaded.published.get(b)
            named = QUARTER_IN_KEY.search(row)
            where = f"{place}/{table}" if place else table
            if named and named.group(1) <= before:
                if va is not None and vb is not None and va != vb:
                    continue
                name = f"{where} {row} {column}: the same in the {before} and {after} reports"
                relation = Relation(name, ((b, 1), (a, -1)))
            elif loaded.located[b][5] and b in loaded.persons:
                if va is not None and vb is not None and vb < va:
                    continue
                added = f"{after}/{where}:{row}:{column}:added since {before}"
                name = f"{where} {row} {column}: {after} = {before} + persons added since"
                relation = Relation(name, ((b, 1), (a, -1), (added, -1)))
                loaded.persons.add(added)
                loaded.places[added] = (f"{after}/{where} (derived)", None, row, column)
            else:
                continue
            pairs.setdefault((before, after), []).append(relation)
    return pairs


def _consistent_pairs(
    loaded: _Loaded, pairs: dict[tuple[str, str], list[Relation]], notes: list[str]
) -> list[Relation]:
    """The relations of the pairs of quarters whose published figures can all hold together;
    a pair that cannot (data corrected between the reports, or reports of two databases in
    one folder) is left out with a note, as a reader could not rely on its links either."""
    kept = []
    for (before, after), relations in sorted(pairs.items()):
        cells = {c for r in relations for c in r.cells()}
        try:
            attack(
                loaded.relations + relations,
                loaded.published,
                {c for c in cells if c not in loaded.published},
                loaded.min_cell,
                withheld_at_least_one=loaded.at_least_one,
            )
        except InconsistentPublication:
            notes.append(
                f"the {before} and {after} reports cannot both hold with the links between "
                "them (data corrected in between, or reports of two databases in one folder): "
                "not linked"
            )
            continue
        kept += relations
    return kept


def audit_report(
    folder: Path | str | Sequence[Path | str],
    *,
    into: Path | str | None = None,
    under: str = "",
) -> AuditResult:
    """Attack everything published under ``folder`` (one folder, or several read together:
    the quarters a reader holds); the result lists every leak found. ``into``/``under``:
    audit a build as it will sit at ``into/under`` beside what ``into`` already publishes."""
    start = time.perf_counter()
    folders = [Path(f) for f in ([folder] if isinstance(folder, str | Path) else folder)]
    root = folders[0]
    sources = _sources(folders, Path(into) if into is not None else None, under)
    if not any(Path(f) in path.parents for f in folders for path, _ in sources):
        raise AuditError(
            f"no {PUBLICATION_FILE} under {', '.join(map(str, folders))}: give a report folder "
            "made by `research report` (e.g. reports/2026Q3)"
        )
    loaded = _Loaded()
    for path, prefix in sources:
        _load_one(path, prefix, loaded)
    notes: list[str] = []
    pairs = _across_quarters(loaded)
    if pairs:
        loaded.relations += _consistent_pairs(loaded, pairs, notes)
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
        tuple(path for path, _ in sources),
        len(targets),
        tuple(leaks),
        time.perf_counter() - start,
        tuple(notes),
    )
