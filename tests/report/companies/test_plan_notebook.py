"""The company plan notebook runs its whole document in one cell after the setup."""

from __future__ import annotations

from pathlib import Path

import nbformat

NOTEBOOK = Path(__file__).parents[3] / "notebooks" / "company_plan.ipynb"


def test_the_plan_notebook_has_three_code_cells() -> None:
    """Parameters, setup, document: each further cell would cost a batch of a thousand plans
    about 5 s of kernel and client CPU, for nothing the reader sees."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 3
    assert "parameters" in code[0].metadata.get("tags", [])
    assert code[2].source.strip() == "parts.show_plan(view, lang)"
