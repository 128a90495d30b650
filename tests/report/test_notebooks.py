"""The committed notebooks are thin and clean: no outputs, the papermill parameters cell."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))
PARAMETERS = ("quarter", "db", "lang", "min_cell", "partner", "config", "tables_dir")


def test_there_are_notebooks():
    assert any(p.name == "progress.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs; clear them before commit"
            assert cell.execution_count is None, f"{path.name}: execution counts left in"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_is_the_tagged_parameters_cell(path: Path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert "parameters" in first.metadata.get("tags", [])
    names = [line.split("=")[0].strip() for line in first.source.splitlines() if "=" in line]
    assert tuple(names) == PARAMETERS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cells_are_thin(path: Path):
    # thin: calls into the library and display, no function or class definitions, no loops
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            stripped = line.strip()
            assert not stripped.startswith(("def ", "class ", "for ", "while ")), (
                f"{path.name}: logic belongs in the library, not the notebook: {stripped}"
            )
