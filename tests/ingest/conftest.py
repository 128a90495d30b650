"""Shared fixtures for the import tests: a store holding every example file, copied per test."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from research.config import load_programme_config
from research.errors import ValidationFailed
from research.ingest.importer import import_file
from research.ingest.pseudonym import DEMO_KEY

BAD_DIR = Path(__file__).parents[1] / "data" / "bad"

Problem = tuple[str, int | None, str | None, str | None, str]


@pytest.fixture
def example_db(tmp_path: Path, examples_store: Path) -> Path:
    """A private copy of the store holding every example file."""
    path = tmp_path / "store.duckdb"
    shutil.copyfile(examples_store, path)
    return path


@pytest.fixture
def reject() -> Callable[[str, Path, Path], list[Problem]]:
    """Import a file that must be rejected whole; return its problems as plain tuples.

    Also checks that the database file is byte for byte as it was.
    """

    def run(kind: str, path: Path, db: Path) -> list[Problem]:
        before = hashlib.sha256(db.read_bytes()).hexdigest()
        with pytest.raises(ValidationFailed) as exc:
            import_file(kind, path, db, load_programme_config(), key=DEMO_KEY)
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
        assert "nothing was imported" in exc.value.summary
        return [(p.file, p.row, p.column, p.value, p.reason) for p in exc.value.problems]

    return run
