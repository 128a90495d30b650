"""An article figure is drawn once per format: the SVG file is the very SVG its page shows, and
the PDF and PNG a second process draws are those the notebook would have drawn."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from research.report.article import figures as EF
from research.report.article.export import write_figure
from research.report.article.figure_files import FigureFileWriter
from research.report.kit import blocks
from research.report.kit.context import ReportError
from research.report.kit.section import item_bundle


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    drawn: list[str] = []
    real = Figure.savefig

    def counted(self, fname, *args, **kwargs):
        drawn.append(kwargs.get("format") or Path(str(fname)).suffix.lstrip("."))
        return real(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", counted)
    return drawn


def _forest() -> Figure:
    frame = pd.DataFrame(
        {"label": ["A", "B"], "estimate": [0.1, -0.05], "ci_low": [0.0, -0.1], "ci_high": [0.2, 0]}
    )
    return EF.forest_plot(frame, title="A helps", data_date="2026-09-30")


def test_the_files_and_the_page_draw_each_format_once(renders, tmp_path):
    fig = _forest()
    files = write_figure(fig, "forest", tmp_path)
    bundle = item_bundle(fig)  # what show_article displays after writing the files
    assert sorted(renders) == ["pdf", "png", "svg"]
    svg = (tmp_path / "forest.svg").read_text(encoding="utf-8")
    assert svg == bundle[blocks.BLOCK_MIME]["svg"]
    embedded = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', bundle["text/html"])
    assert embedded and base64.b64decode(embedded.group(1)).decode() == svg
    assert "<text" in svg and "A helps" in svg  # text kept as text: searchable, editable
    assert [p.suffix for p in files.paths] == [".pdf", ".svg", ".png"]
    assert (tmp_path / "forest.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.e2e  # starts the worker process
def test_the_second_process_draws_the_same_files_as_the_notebook(tmp_path):
    """The PDF and PNG a worker draws from the pickled figure equal those drawn here, byte for
    byte, so handing them over changes nothing a journal receives."""
    here = write_figure(_forest(), "forest", tmp_path / "here")
    writer = FigureFileWriter(background=True)
    try:
        there = write_figure(_forest(), "forest", tmp_path / "there", writer)
        writer.wait()
    finally:
        writer.close()
    assert [p.name for p in there.paths] == [p.name for p in here.paths]
    for a, b in zip(here.paths, there.paths, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


@pytest.mark.e2e  # starts the worker process
def test_a_figure_the_second_process_cannot_draw_stops_the_notebook_by_name(tmp_path):
    broken = _forest()
    broken.axes[0].set_title(r"$\frac$")  # pickles, but no renderer can lay it out
    writer = FigureFileWriter(background=True)
    try:
        writer.submit(_forest(), "fine", tmp_path)
        writer.submit(broken, "broken", tmp_path)
        with pytest.raises(ReportError, match="'broken' could not be written as PDF and PNG"):
            writer.wait()
        writer.wait()  # reported once; what was left is done
    finally:
        writer.close()
    assert (tmp_path / "fine.png").read_bytes()[:4] == b"\x89PNG"


def test_with_one_core_the_notebook_draws_the_files_itself(renders, tmp_path):
    files = FigureFileWriter(background=False).submit(_forest(), "forest", tmp_path)
    assert sorted(renders) == ["pdf", "png"]  # already drawn when submit returns
    assert all(p.is_file() for p in files)
