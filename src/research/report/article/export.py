"""Article material: every table as Markdown, LaTeX and CSV, every figure as PDF, SVG and PNG.

Why: the researchers paste tables into a manuscript (LaTeX or Word via Markdown) and send
figures to a journal in the format it wants; writing all formats from one object means the
numbers in the article, the appendix data and the seminar slides cannot drift apart. Tables
still pass disclosure control before they arrive here (``publish.PublishedTable``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from research.report.article.figure_files import FigureFileWriter
from research.report.kit.blocks import figure_svg
from research.report.kit.charts import Figure
from research.report.kit.markdown import markdown_table
from research.report.kit.publish import PublishedTable, write_data_csv

FIGURE_FORMATS = ("pdf", "svg", "png")


@dataclass(frozen=True)
class ArticleFiles:
    name: str
    paths: tuple[Path, ...]


_LATEX_SPECIAL = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
}


def _latex_escape(text: object) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def latex_table(frame: pd.DataFrame, caption: str, label: str) -> str:
    """A booktabs table via pandas' Styler (numbers right-aligned, text escaped)."""
    escaped = frame.map(_latex_escape)
    escaped.columns = [_latex_escape(c) for c in frame.columns]
    align = "l" + "r" * (len(frame.columns) - 1)
    return escaped.style.hide(axis="index").to_latex(
        caption=_latex_escape(caption),
        label=f"tab:{label}",
        column_format=align,
        hrules=True,
        position="htbp",
        position_float="centering",
    )


def write_table(table: PublishedTable, folder: Path) -> ArticleFiles:
    """``<name>.md``, ``<name>.tex`` (formatted as shown) and ``<name>.csv`` (as data)."""
    folder.mkdir(parents=True, exist_ok=True)
    shown = table.formatted()
    caption = table.caption + (f" {table.footnote()}" if table.footnote() else "")
    md = folder / f"{table.name}.md"
    md.write_text(markdown_table(shown, caption), encoding="utf-8")
    tex = folder / f"{table.name}.tex"
    tex.write_text(latex_table(shown, caption, table.name), encoding="utf-8")
    csv = folder / f"{table.name}.csv"
    write_data_csv(table, csv)
    return ArticleFiles(table.name, (md, tex, csv))


def write_figure(
    fig: Figure, name: str, folder: Path, writer: FigureFileWriter | None = None
) -> ArticleFiles:
    """The figure in every journal format, without timestamps so reruns give equal files.

    Each format is drawn once: the SVG is the one the article's page shows (text kept as
    text, so it is small, searchable and editable), drawn once for both; the PDF (the vector
    image for LaTeX) and the 300-dpi PNG are drawn by ``writer`` (``figure_files``: another
    process, while the notebook goes on), or here when none is given."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf, png = (writer or FigureFileWriter(background=False)).submit(fig, name, folder)
    svg = folder / f"{name}.svg"
    svg.write_text(figure_svg(fig), encoding="utf-8")
    return ArticleFiles(name, (pdf, svg, png))
