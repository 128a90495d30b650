"""The runner finds the repository's notebooks from any working folder (the package moved)."""

from __future__ import annotations

from pathlib import Path

import pytest

from research.report.runner.run import MAIN_NOTEBOOK, NOTEBOOKS_ENV, notebooks_dir

REPOSITORY = Path(__file__).resolve().parents[3]


def test_notebooks_found_from_another_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(NOTEBOOKS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    found = notebooks_dir()
    assert found.resolve() == REPOSITORY / "notebooks"
    assert (found / f"{MAIN_NOTEBOOK}.ipynb").is_file()
