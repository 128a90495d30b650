"""Each figure of the report is drawn once: the SVG serves the HTML, the PDF and Quarto, and
the seminar deck's PNG serves its slides (drawing a figure is most of a report's run time)."""

from __future__ import annotations

import base64
import re

import pytest
from matplotlib.figure import Figure

from research.report.kit import blocks
from research.report.kit.charts import finish, new_figure
from research.report.kit.section import item_bundle
from research.report.seminar.slides import figure_view


def _figure() -> Figure:
    fig, ax = new_figure("half")
    ax.bar(["a", "b"], [3, 5])
    return finish(fig, ax, title="B is larger", data_date="2026-09-30", alt_text="Two bars.")


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    drawn: list[str] = []
    real = Figure.savefig

    def counted(self, fname, *args, **kwargs):
        drawn.append(kwargs.get("format", ""))
        return real(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", counted)
    return drawn


def test_a_report_figure_is_drawn_once_and_the_html_shows_that_svg(renders):
    bundle = item_bundle(_figure())
    assert renders == ["svg"]
    block = bundle[blocks.BLOCK_MIME]
    embedded = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', bundle["text/html"])
    assert embedded and base64.b64decode(embedded.group(1)).decode() == block["svg"]
    assert 'alt="Two bars."' in bundle["text/html"]


def test_a_seminar_figure_is_drawn_once_as_the_png_the_deck_reads(renders):
    view = figure_view(_figure())
    assert renders == ["png"]
    assert view.block["png"] and not view.block["svg"]
