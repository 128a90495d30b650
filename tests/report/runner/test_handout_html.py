"""A handed-out document's HTML is nbconvert's page, made without re-parsing it."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from research.report.companies import companies_with_plan, company_view, parts
from research.report.kit.context import load_context
from research.report.runner.handout_html import handout_exporter
from tests.report.captured import capture

__all__ = ["capture"]


def _notebook(bundles: list[dict]) -> nbformat.NotebookNode:
    """A company plan as the batch leaves it: parameters, a hidden note, the shown parts."""
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("A note", metadata={"tags": ["remove-cell"]}),
            nbformat.v4.new_code_cell('cvr = ""', metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("parts.show_plan(view)"),
        ]
    )
    nb.cells[2].outputs = [nbformat.v4.new_output("display_data", data=b) for b in bundles]
    nb.metadata.update(title="Plan", workbench_mark="SYNTETISKE DATA")
    return nb


@pytest.fixture(scope="module")
def ctx(small_db: Path):
    return load_context(small_db)


@pytest.mark.e2e  # renders a company plan through nbconvert's whole path and through ours
def test_the_page_is_nbconverts_page_element_for_element(ctx, capture) -> None:
    shown = capture()
    cvr = companies_with_plan(ctx.tables, ctx.as_of)[0]
    parts.show_plan(company_view(ctx.tables, cvr, ctx.as_of), "da")
    nb = _notebook(list(shown))
    fast, _ = handout_exporter().from_notebook_node(nb)
    stock, _ = handout_exporter(HTMLExporter).from_notebook_node(nb)
    # nbconvert's page is BeautifulSoup's serialisation; parsing ours must give the same page
    assert str(BeautifulSoup(fast, features="html.parser")) == stock
    assert fast.count('tabindex="0"') == len(shown) > 5
    assert "A note" not in fast and 'cvr = ""' not in fast


def test_an_image_without_alt_text_gets_nbconverts_stock_text() -> None:
    bundle = {"text/html": '<p>Figur</p><img src="data:image/png;base64,AAAA">'}
    nb = _notebook([bundle])
    fast, _ = handout_exporter().from_notebook_node(nb)
    stock, _ = handout_exporter(HTMLExporter).from_notebook_node(nb)
    assert fast == stock
    assert 'alt="No description has been provided for this image"' in fast
