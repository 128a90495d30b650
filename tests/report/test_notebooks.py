"""The committed notebooks are thin and clean: no outputs, the papermill parameters cell."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))
PARAMETERS = ("quarter", "db", "lang", "min_cell", "partner", "config", "tables_dir", "previous")
# the handed-out documents (one per company or network) have parameters of their own
HANDOUTS = {"company_plan.ipynb": "cvr", "ws2_brief.ipynb": "network"}
REPORT_NOTEBOOKS = [p for p in NOTEBOOKS if p.name not in HANDOUTS]


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


@pytest.mark.parametrize("path", REPORT_NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_is_the_tagged_parameters_cell(path: Path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert "parameters" in first.metadata.get("tags", [])
    names = [line.split("=")[0].strip() for line in first.source.splitlines() if "=" in line]
    assert tuple(names) == PARAMETERS


@pytest.mark.parametrize("path", sorted(HANDOUTS), ids=str)
def test_a_handout_has_one_tagged_parameters_cell_naming_its_subject(path: str):
    nb = nbformat.read(NOTEBOOKS[0].parent / path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    names = [line.split("=")[0].strip() for line in tagged[0].source.splitlines() if "=" in line]
    assert names[0] == HANDOUTS[path] and "quarter" in names and "db" in names


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


SECTION_CALL = re.compile(r"\b(\w+)\((?:ctx|seminar\.|\w+\(ctx)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_section_cell_is_introduced_by_a_note_naming_its_builder(path: Path):
    # a reader in JupyterLab sees what a cell shows and which function builds it; the notes
    # are tagged remove-cell so no report, PDF, deck or Quarto document shows them
    nb = nbformat.read(path, as_version=4)
    notes = [c for c in nb.cells if c.cell_type == "markdown"]
    assert notes and notes[0].source.startswith("# "), f"{path.name}: no title note"
    for cell in notes:
        assert "remove-cell" in cell.metadata.get("tags", []), f"{path.name}: untagged note"
    hidden = {"parameters", "remove-cell"}  # the parameters, and setup a document never shows
    code = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and not hidden & set(c.metadata.get("tags", []))
    ]
    for i in code:
        before = nb.cells[i - 1]
        assert before.cell_type == "markdown", f"{path.name}: no note before {nb.cells[i].source}"
        builders = [
            name
            for name in SECTION_CALL.findall(nb.cells[i].source)
            if name not in {"show", "show_article", "show_slide", "show_slides", "load_context"}
        ]
        for name in builders:
            assert f"`{name}" in before.source or f".{name}`" in before.source, (
                f"{path.name}: the note before {name}(...) does not name it"
            )


def test_the_starter_notebook_is_committed_clean_and_short():
    start = NOTEBOOKS[0].parent / "explore" / "start.ipynb"
    nb = nbformat.read(start, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    # the progress table and one subgroup estimate in at most five lines
    lines = [line for c in code[:3] for line in c.source.splitlines() if line.strip()]
    assert len(lines) <= 5 and "progress()" in lines[-2] and "subgroup(" in lines[-1]
