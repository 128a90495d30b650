"""What a report section is: a heading, a few sentences and its tables and figures, in order.

Why: a notebook cell is then ``show(ctx, progress_summary(ctx))`` — the section builders are
plain functions the tests call directly, and ``show`` is the one place that displays and writes
the tables as CSV, so a table shown is always a table written.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from research.report.kit import blocks
from research.report.kit.charts import Figure, figure_html
from research.report.kit.figure_numbers import figure_table
from research.report.kit.magnitudes import check_magnitudes
from research.report.kit.markdown import markdown_table
from research.report.kit.publish import PublishedTable
from research.report.kit.spider import SpiderSvg

if TYPE_CHECKING:
    from research.report.kit.context import ReportContext


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


Item = PublishedTable | Figure | SpiderSvg | Text


@dataclass(frozen=True)
class Section:
    """One numbered part of the report."""

    title: str
    items: list[Item | Chart] = field(default_factory=list)
    data: list[PublishedTable] = field(default_factory=list)  # written as CSV, not shown

    def tables(self) -> list[PublishedTable]:
        """Every table of the section: shown ones first, then the data-only ones."""
        shown = [i for i in self.items if isinstance(i, PublishedTable)]
        return shown + list(self.data)

    def table(self, name: str) -> PublishedTable:
        """The section's table called ``name`` (its CSV's name)."""
        for table in self.tables():
            if table.name == name:
                return table
        names = ", ".join(t.name for t in self.tables()) or "none"
        raise KeyError(f"no table {name!r} in section {self.title!r}; its tables: {names}")

    def _repr_html_(self) -> str:
        """In Jupyter a section shows itself as the report shows it (each table protected on
        its own; the report's ``show`` also protects it jointly with the other sections)."""
        return section_html(self)


def item_html(item: Item) -> str:
    return item_bundle(item)["text/html"]


def section_html(section: Section) -> str:
    """The section as HTML; charts are drawn from its tables as they stand (not re-protected:
    ``publish_section`` first for that)."""
    tables = {t.name: t for t in section.tables()}
    parts = [f"<h2>{html.escape(section.title)}</h2>"]
    for item in section.items:
        drawn = item.draw(tables[item.table]) if isinstance(item, Chart) else item
        parts += [item_html(i) for i in (drawn if isinstance(drawn, list) else [drawn])]
    return "\n".join(parts)


def print_class(table_html: str, block: dict) -> str:
    """The table's HTML, classed ``research-wide`` when it needs a landscape page in print
    (the same decision as the PDF's), so the print CSS gives it one."""
    from research.report.kit.table_layout import table_layout

    if not table_layout(block["columns"], block["rows"]).landscape:
        return table_html
    return table_html.replace('class="research-table"', 'class="research-table research-wide"', 1)


def item_bundle(item: Item) -> dict[str, str]:
    """One notebook output with several representations: nbconvert's HTML export takes
    ``text/html``; Quarto's Typst PDF takes ``text/markdown`` and the block's figure; the PDF
    and the deck read the block (``blocks.BLOCK_MIME``). A figure is rendered once, as SVG
    with its text kept as text, and that one image serves the HTML, the PDF and Quarto."""
    if isinstance(item, Figure):
        block = blocks.figure(item)
        html_img = figure_html(item, svg=block["svg"])
        data = {"text/html": f'<figure class="research-figure">{html_img}</figure>'}
        return blocks.bundle_with(data, block)
    if isinstance(item, SpiderSvg):  # a figure written straight as SVG
        return blocks.bundle_with({"text/html": item.html()}, item.block())
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


@dataclass(frozen=True)
class Chart:
    """A figure drawn from one published table *after* the publication protected it, so the
    figure never shows a count the joint protection withholds (``publish_section``)."""

    table: str
    draw: Callable[[PublishedTable], Figure | Text | list[Figure]]


def publish_section(ctx: ReportContext, section: Section, *, draw: bool = True) -> Section:
    """The section after joint protection: its tables admitted to ``ctx.publication`` (which
    may withhold more cells, given everything shown before) and its charts drawn from them
    (``draw=False``: charts left out, for a caller that needs only the protected tables)."""
    if ctx.publication is None:
        admitted = {t.name: t for t in section.tables()}
    else:
        admitted = {t.name: t for t in ctx.publication.admit(section.tables())}
    for table in admitted.values():  # a mean or median rests on min_cell persons, or is withheld
        rule = table.rule or getattr(ctx, "rule", None)
        if rule is not None:
            check_magnitudes(table, rule.min_cell)

    drawn_numbers: list[PublishedTable] = []

    def final(item: Item | Chart) -> list[Item]:
        if isinstance(item, PublishedTable):
            return [admitted[item.name]]
        if isinstance(item, Chart):
            if not draw:
                return []
            drawn = item.draw(admitted[item.table])
            drawn = list(drawn) if isinstance(drawn, list) else [drawn]
            numbers = figure_table(
                [d for d in drawn if isinstance(d, Figure)], admitted[item.table], ctx.lang
            )
            if numbers is not None:
                drawn_numbers.append(numbers)
            return drawn
        return [item]

    items = [out for i in section.items for out in final(i)]
    if drawn_numbers and ctx.publication is not None:
        drawn_numbers = ctx.publication.admit(drawn_numbers)
    return Section(
        section.title,
        items,
        [admitted[t.name] for t in section.data] + drawn_numbers,
    )


def show(ctx: ReportContext, section: Section, *, published: bool = False) -> None:
    """Protect the section jointly with what was shown before, display it, and write its
    tables (and the publication's cells and relations) to ``ctx.tables_dir``.
    ``published``: the section already went through ``publish_section``."""
    from IPython.display import display

    if not published:
        section = publish_section(ctx, section)
    if ctx.tables_dir is not None:
        for table in section.tables():
            table.write_csv(ctx.tables_dir)
        if ctx.publication is not None:
            ctx.publication.write(ctx.tables_dir)
    title = html.escape(section.title)
    heading = {"text/html": f"<h2>{title}</h2>", "text/markdown": f"## {section.title}"}
    display(blocks.bundle_with(heading, blocks.heading(section.title)), raw=True)
    for item in section.items:
        display(item_bundle(item), raw=True)
        if isinstance(item, Figure):
            item.clear()  # free the memory; the image is already in the output
