"""The back test: re-make a published quarter from its manifest and compare the numbers.

Why: "same inputs give the same numbers" is a promise to the funder; this checks it for real
by running the notebooks again with the recorded parameters into a scratch folder and diffing
every indicator table cell by cell against what was published. It also checks that every file
the manifest lists is still the one published (its SHA-256), and says when the database no
longer holds the data the report read (its content hash differs), since then differences are
expected and are not the code's.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from research.report.kit.context import ReportError
from research.report.runner.manifest import file_hash, read_manifest
from research.report.runner.run import EVIDENCE_NOTEBOOK, TABLES, run_evidence, run_report
from research.store.content_hash import database_hash


@dataclass(frozen=True)
class Difference:
    table: str
    row: int | None
    column: str | None
    published: str | None
    now: str | None

    def describe(self) -> str:
        if self.row is None:
            return f"{self.table}: {self.published or 'missing'} → {self.now or 'missing'}"
        return (
            f"{self.table}, row {self.row + 1}, column {self.column}: "
            f"published {self.published!r}, now {self.now!r}"
        )


@dataclass(frozen=True)
class FileDifference:
    """A file the manifest lists that is no longer the one published."""

    path: str
    reason: str  # "missing" or "changed"

    def describe(self) -> str:
        if self.reason == "missing":
            return f"{self.path}: listed in the manifest but missing"
        return f"{self.path}: changed since it was published (SHA-256 differs from the manifest)"


@dataclass(frozen=True)
class Verification:
    folder: Path
    tables_compared: int
    differences: tuple[Difference, ...]
    database_changed: bool
    files: tuple[FileDifference, ...] = ()
    database_hashes: tuple[str, str] = ("", "")  # (when the report was made, now)
    tolerated: tuple[float, ...] = ()  # relative differences of estimates within ``rtol``

    @property
    def identical(self) -> bool:
        return not self.differences and not self.files


def check_files(folder: Path, manifest: dict) -> list[FileDifference]:
    """Every output the manifest lists, against its recorded SHA-256."""
    out = []
    for entry in manifest.get("outputs", []):
        path = folder / entry["path"]
        if not path.is_file():
            out.append(FileDifference(entry["path"], "missing"))
        elif file_hash(path) != entry["sha256"]:
            out.append(FileDifference(entry["path"], "changed"))
    return out


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _estimate(text: str) -> float | None:
    """The value of a cell that holds an estimate (a number written with a point or an
    exponent); None for counts, text and empty cells, which are always compared exactly."""
    if not any(c in text for c in ".eE") or text.strip().lower() in {"nan", "inf", "-inf"}:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def within(published: str, now: str, rtol: float) -> float | None:
    """The relative difference of two estimates when it is at most ``rtol``, else None."""
    a, b = _estimate(published), _estimate(now)
    if rtol <= 0 or a is None or b is None:
        return None
    scale = max(abs(a), abs(b))
    relative = 0.0 if scale == 0 else abs(a - b) / scale
    return relative if relative <= rtol else None


def compare_tables(
    published: Path, now: Path, rtol: float = 0.0
) -> tuple[int, list[Difference], list[float]]:
    """Cell-by-cell differences between two ``tables/`` folders (text as written), and the
    relative differences of the estimates let through by ``rtol`` (0: everything exact).
    Counts and text are compared exactly whatever ``rtol`` is."""
    old = {p.name: p for p in published.glob("*.csv")}
    new = {p.name: p for p in now.glob("*.csv")}
    differences = [
        Difference(
            name, None, None, "present" if name in old else None, "present" if name in new else None
        )
        for name in sorted(set(old) ^ set(new))
    ]
    tolerated: list[float] = []
    for name in sorted(set(old) & set(new)):
        a, b = _read(old[name]), _read(new[name])
        if list(a.columns) != list(b.columns) or len(a) != len(b):
            differences.append(
                Difference(
                    name, None, None, f"{a.shape} {list(a.columns)}", f"{b.shape} {list(b.columns)}"
                )
            )
            continue
        unequal = a.ne(b)
        for row, column in zip(*unequal.to_numpy().nonzero(), strict=True):
            then, now_text = a.iat[row, column], b.iat[row, column]
            relative = within(then, now_text, rtol)
            if relative is not None:
                tolerated.append(relative)
                continue
            differences.append(Difference(name, int(row), a.columns[column], then, now_text))
    return len(set(old) & set(new)), differences, tolerated


def verify_report(folder: Path | str, kernel: str | None = None, rtol: float = 0.0) -> Verification:
    """Re-run the report in ``folder`` from its manifest and diff its tables. ``rtol`` lets
    estimates (not counts) differ by that much relative, e.g. when a new version of the code
    fits a model in closed form where an older one iterated to a tolerance."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    params = manifest.get("parameters", {})
    db = Path(params.get("db") or manifest["database"]["path"])
    if not db.exists():
        raise ReportError(f"the database the report was made from, {db}, no longer exists")
    files = check_files(folder, manifest)
    published_hash, current_hash = manifest["database"]["content_sha256"], database_hash(db)
    evidence = f"{EVIDENCE_NOTEBOOK}.ipynb" in manifest.get("notebooks", [])
    with tempfile.TemporaryDirectory(prefix="research-verify-") as scratch:
        options = {
            "out": scratch,
            "min_cell": int(params["min_cell"]) if params.get("min_cell") else None,
            "config": params.get("config") or None,
            "kernel": kernel,
            "previous": params.get("previous") or None,
        }
        quarter, lang = params.get("quarter") or None, params.get("lang", "da")
        if evidence:  # the article's tables lie in its folder itself
            result = run_evidence(quarter, db, lang, **options)
            count, differences, tolerated = compare_tables(folder, result.folder, rtol)
        else:
            result = run_report(quarter, db, lang, partner=params.get("partner") or None, **options)
            count, differences, tolerated = compare_tables(
                folder / TABLES, result.folder / TABLES, rtol
            )
    return Verification(
        folder,
        count,
        tuple(differences),
        published_hash != current_hash,
        tuple(files),
        (published_hash, current_hash),
        tuple(tolerated),
    )
