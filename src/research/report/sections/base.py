"""What a report section is: a heading, a few sentences and its tables and figures, in order.

Why: a notebook cell is then ``show(ctx, progress_summary(ctx))`` — the section builders are
plain functions the tests call directly, and ``show`` is the one place that displays and writes
the tables as CSV, so a table shown is always a table written.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from research.report import blocks
from research.report.article import markdown_table
from research.report.figures import figure_html, figure_png
from research.report.publish import PublishedTable

if TYPE_CHECKING:
    from research.report.context import ReportContext


@dataclass(frozen=True)
class Text:
    """A paragraph (or a short list when ``items`` is given) of plain text."""

    text: str
    items: tuple[str, ...] = ()
    kind: str = "p"  # "p" or "caveat" (drawn as a box)

    def html(self) -> str:
        body = f"<p>{html.escape(self.text)}</p>" if self.text else ""
        if self.items:
            body += "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in self.items) + "</ul>"
        if self.kind == "caveat":
            return f'<aside class="caveat" role="note">{body}</aside>'
        return body

    def _repr_html_(self) -> str:
        return self.html()

    def markdown(self) -> str:
        body = self.text + ("\n\n" if self.text and self.items else "")
        body += "\n".join(f"- {i}" for i in self.items)
        if self.kind == "caveat":
            return "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
        return body


Item = PublishedTable | Figure | Text


@dataclass(frozen=True)
class Section:
    """One numbered part of the report."""

    title: str
    items: list[Item] = field(default_factory=list)
    data: list[PublishedTable] = field(default_factory=list)  # written as CSV, not shown

    def tables(self) -> list[PublishedTable]:
        """Every table of the section: shown ones first, then the data-only ones."""
        return [i for i in self.items if isinstance(i, PublishedTable)] + list(self.data)


def item_html(item: Item) -> str:
    return item_bundle(item)["text/html"]


def section_html(section: Section) -> str:
    parts = [f"<h2>{html.escape(section.title)}</h2>"]
    parts += [item_html(i) for i in section.items]
    return "\n".join(parts)


def print_class(table_html: str, block: dict) -> str:
    """The table's HTML, classed ``research-wide`` when it needs a landscape page in print
    (the same decision as the PDF's), so the print CSS gives it one."""
    from research.report.pdf import table_layout

    if not table_layout(block["columns"], block["rows"]).landscape:
        return table_html
    return table_html.replace('class="research-table"', 'class="research-table research-wide"', 1)


def item_bundle(item: Item) -> dict[str, str]:
    """One notebook output with several representations: nbconvert's HTML export takes
    ``text/html``; Quarto's Typst PDF prefers ``text/markdown`` and ``image/png``; the PDF
    and the deck read the block (``blocks.BLOCK_MIME``)."""
    if isinstance(item, Figure):
        png = figure_png(item)
        html_img = figure_html(item, png=png)
        data = {
            "text/html": f'<figure class="research-figure">{html_img}</figure>',
            "image/png": png,
        }
        return blocks.bundle_with(data, blocks.figure(item))
    if isinstance(item, PublishedTable):
        shown = item.formatted()
        caption = item.caption + (f" {item.footnote()}" if item.footnote() else "")
        block = blocks.table(shown, item.caption, item.footnote(), item.name)
        data = {
            "text/html": print_class(item.html(), block),
            "text/markdown": markdown_table(shown, caption),
        }
        return blocks.bundle_with(data, block)
    data = {"text/html": item.html(), "text/markdown": item.markdown()}
    return blocks.bundle_with(
        data, blocks.paragraph(item.text, item.items, caveat=item.kind == "caveat")
    )


def show(ctx: ReportContext, section: Section) -> None:
    """Display the section in the notebook and write its tables to ``ctx.tables_dir``."""
    from IPython.display import display

    if ctx.tables_dir is not None:
        for table in section.tables():
            table.write_csv(ctx.tables_dir)
    title = html.escape(section.title)
    heading = {"text/html": f"<h2>{title}</h2>", "text/markdown": f"## {section.title}"}
    display(blocks.bundle_with(heading, blocks.heading(section.title)), raw=True)
    for item in section.items:
        display(item_bundle(item), raw=True)
        if isinstance(item, Figure):
            item.clear()  # free the memory; the image is already in the output
