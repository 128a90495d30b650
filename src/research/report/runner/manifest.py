"""What a report was made from, so that a published quarter can be re-made and checked.

Why: a quarterly figure that the funder has read must be reproducible months later. The
manifest records the database's content as the report read it (a hash over every table's rows
of the run's snapshot, which unlike the file's bytes does not change when DuckDB reorganises
its file), the code version, the parameters, the package versions and a hash of every output.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
PACKAGES = (
    "research",
    "duckdb",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "pandera",
    "papermill",
    "nbconvert",
    "nbformat",
    "ipykernel",
)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def code_version() -> dict[str, Any]:
    """The git commit of the working tree the package runs from, or else the package version."""
    version = metadata.version("research")
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=10
        )
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return {"package_version": version, "git_commit": None, "git_dirty": None}
    if commit.returncode != 0:
        return {"package_version": version, "git_commit": None, "git_dirty": None}
    return {
        "package_version": version,
        "git_commit": commit.stdout.strip(),
        "git_dirty": bool(status.stdout.strip()),
    }


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def outputs(folder: Path, written: list[str] | None = None) -> list[dict[str, Any]]:
    """Every file this run wrote under ``folder`` (the top-level names in ``written``; None:
    all) except the manifest, with its size and SHA-256. Partner reports and the article in
    sub-folders have manifests of their own."""
    top = set(written) if written is not None else None
    return [
        {
            "path": path.relative_to(folder).as_posix(),
            "bytes": path.stat().st_size,
            "sha256": file_hash(path),
        }
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and path.name != MANIFEST
        and (top is None or path.relative_to(folder).parts[0] in top)
    ]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_manifest(
    folder: Path,
    *,
    parameters: dict[str, Any],
    database: Path,
    database_content_hash: str,
    snapshot_taken: str,
    started: str,
    data_origin: str = "real",
    notebooks: list[str],
    written: list[str] | None = None,
) -> Path:
    """``folder/manifest.json``. The report read a snapshot of ``database`` taken at
    ``snapshot_taken``; ``database_content_hash`` is that snapshot's, so it describes exactly
    the data the report shows, whatever happened to the database since."""
    manifest = {
        "manifest_version": 2,
        "parameters": parameters,
        "database": {
            "path": str(database),
            "content_sha256": database_content_hash,
            "snapshot_taken": snapshot_taken,
            # research.store.meta.data_origin: "synthetic" or "mixed" outputs carry a mark
            "data_origin": data_origin,
        },
        "code": code_version(),
        "packages": package_versions(),
        "notebooks": notebooks,
        "started": started,
        "finished": now(),
        "outputs": outputs(folder, written),
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_outputs(folder: Path) -> list[str]:
    """The paths a folder's manifest lists as its outputs; none when it has no readable one."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return [str(o["path"]) for o in manifest.get("outputs", [])]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []


def read_manifest(folder: Path) -> dict[str, Any]:
    from research.report.kit.context import ReportError

    path = folder / MANIFEST
    if not path.is_file():
        raise ReportError(
            f"{folder} has no {MANIFEST}: is it a report folder made by `research report`?"
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
