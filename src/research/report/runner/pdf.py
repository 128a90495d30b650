"""The A4 PDF of a report, typeset by Typst from the notebook's blocks (no Quarto needed).

Why Typst through its PyPI binding (``typst``): the wheel embeds the whole compiler, so the PDF
is made on every machine from the lock file alone, in about a second; it lays tables out with
content-sized columns, repeats their header rows across pages, hyphenates Danish, builds the
table of contents, and embeds SVG figures as vectors. (fpdf2 and reportlab would need a table
and hyphenation engine written here; WeasyPrint needs Pango from the system.)

Every piece of text reaches Typst as a string literal (``typst_string``), never as markup, so a
name with ``#``, ``$``, ``*``, ``_``, ``@``, ``<`` or ``[`` is printed as written.

Tables are fitted to the page by ``table_layout``: every column gets at least its longest word,
and the rest of the width is shared in proportion to what each column's content would like; a
table too wide for a portrait page gets a landscape page, and one too wide even for that is
split into column groups, each repeating the first column.
"""

from __future__ import annotations

import functools
import re
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from research.report.kit.blocks import Block
from research.report.kit.formatting import LIGHT_COLOURS, LIGHT_SYMBOLS
from research.report.kit.table_layout import table_layout

TEXT_WIDTH_MM = 170
PAGE_HEIGHT_MM = 235  # the text height of a portrait page, less a heading
FIGURE_HEIGHT_MM = 110
MIN_FIGURE_SCALE = 0.8
BODY_FONT = "Libertinus Serif"  # embedded in the typst wheel
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class PdfError(RuntimeError):
    """Raised when Typst cannot make the PDF (a bug here, never the reader's data)."""


def typst_string(text: Any) -> str:
    """``text`` as a Typst string literal: in markup ``#"…"`` prints it exactly as written."""
    value = _CONTROL.sub(" ", str(text))
    value = value.replace("\\", "\\\\").replace('"', '\\"')
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{value}"'


def _content(text: Any) -> str:
    return f"[#{typst_string(text)}]"


# --- tables ---------------------------------------------------------------------------------------


def _cell(text: str, kind: str) -> str:
    if kind == "light" and text[:1] in LIGHT_SYMBOLS.values():
        key = next(k for k, s in LIGHT_SYMBOLS.items() if s == text[0])
        colour = LIGHT_COLOURS[key]
        shape = f'text(fill: rgb("{colour}"), stroke: 0.25pt + black, {typst_string(text[0])})'
        return f"[#{shape}#{typst_string(text[1:])}]"
    # a plain string, which a table shows as written: the same page as ``[#"…"]``, with one
    # content block fewer for Typst to evaluate per cell (an eighth of a company plan's PDF)
    return typst_string(text)


def table_source(block: Block) -> tuple[bool, str]:
    """One table (its caption, the table in one or more column groups, and its note), and
    whether it needs a landscape page."""
    columns, rows = block["columns"], block["rows"]
    kinds = block.get("kinds") or ["text"] * len(columns)
    layout = table_layout(columns, rows)
    parts = []
    for n, (group, group_widths) in enumerate(
        zip(layout.groups, layout.widths, strict=True), start=1
    ):
        caption = block["caption"]
        if len(layout.groups) > 1:
            caption += f" ({n}/{len(layout.groups)})"
        aligns = ", ".join("right" if kinds[i] in ("number", "percent") else "left" for i in group)
        header = ", ".join(f'text(weight: "bold", {typst_string(columns[i])})' for i in group)
        body = ",\n    ".join(
            ", ".join(_cell(str(row[i]), kinds[i]) for i in group) for row in rows
        )
        widths = ", ".join(f"{w}fr" for w in group_widths)
        parts.append(
            f"#research-table({typst_string(caption)}, {layout.size_pt}pt,\n"
            f"  columns: ({widths},), align: ({aligns},),\n"
            f"  header: ({header},),\n"
            f"  cells: ({body}{',' if body else ''}))"
        )
    if block.get("note"):
        parts.append(f"#research-note({typst_string(block['note'])})")
    return layout.landscape, "\n".join(parts)


# --- the document ---------------------------------------------------------------------------------

PREAMBLE = r"""
#let research-table(caption, size, columns: (), align: (), header: (), cells: ()) = block(
  width: 100%, above: 1.2em, below: 0.4em, breakable: true, {
    block(sticky: true, below: 0.5em, text(weight: "bold", size: 9.5pt, caption))
    set text(size: size)
    set par(justify: false, leading: 0.45em)
    table(
      columns: columns,
      align: align,
      inset: (x: 3pt, y: 2.6pt),
      stroke: (x, y) => if y == 0 { (bottom: 0.8pt) } else { (bottom: 0.3pt + luma(205)) },
      table.header(..header),
      ..cells,
    )
  },
)
#let research-note(body) = block(above: 0.3em, below: 1em, text(size: 8pt, fill: luma(60), body))
#let research-code(body) = block(
  width: 100%, above: 0.8em, below: 1em, inset: (x: 6pt, y: 5pt), radius: 2pt,
  fill: luma(244), stroke: 0.4pt + luma(200),
  text(size: 8.5pt, raw(body, block: true)),
)
#let research-caveat(body) = block(
  width: 100%, inset: 8pt, fill: rgb("#f4f7fa"),
  stroke: (left: 3pt + rgb("#0072b2")), body,
)
"""


def _typst_date(as_of: date | None) -> str:
    if as_of is None:
        return "none"
    return f"datetime(year: {as_of.year}, month: {as_of.month}, day: {as_of.day})"


def page_setup(header: str, lang: str, mark: str | None = None, as_of: date | None = None) -> str:
    """A4 pages with the header (quarter, data date), page numbers, and ``mark`` drawn on every
    page when given (e.g. that the data are synthetic): the one place a page mark is drawn."""
    background = "none"
    if mark:
        background = (
            f'rotate(-35deg, text(size: 34pt, fill: rgb(213, 94, 0, 45), weight: "bold", '
            f"{typst_string(mark)}))"
        )
        header_mark = f'text(fill: rgb("#D55E00"), weight: "bold", {typst_string(mark)})'
    else:
        header_mark = "none"
    page_word = "Side" if lang == "da" else "Page"
    return f"""
#set document(title: {typst_string(header)}, date: {_typst_date(as_of)})
#set page(
  paper: "a4",
  margin: (x: 20mm, top: 24mm, bottom: 20mm),
  header: {{
    set text(size: 8pt, fill: luma(70))
    grid(columns: (1fr, auto), {header_mark}, {typst_string(header)})
    line(length: 100%, stroke: 0.4pt + luma(180))
  }},
  footer: context align(center, text(size: 8pt, fill: luma(70),
    [#{typst_string(page_word)} #counter(page).display("1 / 1", both: true)])),
  background: {background},
)
#set text(lang: {typst_string(lang)}, font: {typst_string(BODY_FONT)}, size: 10pt,
  hyphenate: true)
#set par(justify: true)
#show heading.where(level: 1): it => block(above: 1.6em, below: 0.8em,
  text(size: 14pt, weight: "bold", it.body))
#show heading.where(level: 2): it => block(above: 1.2em, below: 0.6em,
  text(size: 11.5pt, weight: "bold", it.body))
"""


def figure_size_mm(width_in: float, height_in: float) -> tuple[float, float]:
    """The printed size: full size when it fits; tall figures (spider charts) shrunk to about
    110 mm high so two share a page, but never below 80 % (their text stays readable)."""
    width, height = width_in * 25.4, height_in * 25.4
    scale = min(1.0, TEXT_WIDTH_MM / width, max(FIGURE_HEIGHT_MM / height, MIN_FIGURE_SCALE))
    scale = min(scale, PAGE_HEIGHT_MM / height)
    return width * scale, height * scale


def _figure_source(block: Block, file: str) -> str:
    """A figure where it stands. A ``screenshot`` (in a guide) is framed like the HTML's and
    floats to the top or bottom of the page, or of the next one: the text goes on filling the
    page instead of leaving it half empty when the screenshot does not fit under it."""
    width, _ = figure_size_mm(
        float(block.get("width_in") or 6.3), float(block.get("height_in") or 3.9)
    )
    image = f"image({typst_string(file)}, width: {width:.1f}mm, alt: {typst_string(block['alt'])})"
    if block.get("screenshot"):
        framed = f"block(breakable: false, stroke: 0.5pt + luma(190), {image})"
        return f"#place(auto, float: true, clearance: 1.5em, {framed})"
    return f"#block(breakable: false, above: 1em, below: 1em, {image})"


def _text_source(block: Block) -> str:
    parts = [f"#{typst_string(block['text'])}"] if block.get("text") else []
    if block.get("items"):
        items = ", ".join(_content(i) for i in block["items"])
        parts.append(f"#list({items},)")
    body = "\n\n".join(parts)
    return f"#research-caveat[{body}]" if block.get("caveat") else body


def _front_source(block: Block, contents_title: str) -> str:
    lines = "".join(f"#{typst_string(line)} \\\n" for line in block["lines"])
    return (
        f'#block(below: 1.2em, text(size: 20pt, weight: "bold", {typst_string(block["title"])}))\n'
        f"#block(below: 1.5em)[{lines}]\n"
        f"#outline(title: {typst_string(contents_title)}, depth: 1)\n"
    )


def document_source(
    blocks: Sequence[Block],
    *,
    header: str,
    lang: str,
    mark: str | None = None,
    as_of: date | None = None,
) -> str:
    """The whole Typst document; the n-th figure is read from ``figure-<n>.svg``. The PDF's
    date is ``as_of`` (the data date), so the same data give the same bytes.

    Landscape tables that follow each other share landscape pages, and the heading and text
    that introduce them go with them, so no portrait page is left with a heading alone.
    """
    contents = "Indhold" if lang == "da" else "Contents"
    segments: list[tuple[bool, list[str]]] = [(False, [])]
    intro: list[str] = []  # heading and text since the last table or figure
    figures = 0
    for block in blocks:
        kind = block.get("kind")
        if kind == "table":
            landscape, source = table_source(block)
        elif kind == "figure":
            figures += 1
            landscape, source = False, _figure_source(block, f"figure-{figures}.svg")
        elif kind == "front":
            landscape, source = False, _front_source(block, contents)
        elif kind == "heading":
            landscape = False
            source = f"#heading(level: {block['level']}, {typst_string(block['text'])})"
        elif kind == "text":
            landscape, source = False, _text_source(block)
        elif kind == "code":
            landscape, source = False, f"#research-code({typst_string(block['text'])})"
        else:
            continue
        flipped, parts = segments[-1]
        if landscape and not flipped:
            moved = intro if parts[len(parts) - len(intro) :] == intro else []
            del parts[len(parts) - len(moved) :]
            segments.append((True, [*moved]))
        elif not landscape and flipped and kind in ("table", "figure", "heading"):
            segments.append((False, []))
        segments[-1][1].append(source)
        intro = [*intro, source] if kind in ("heading", "text") else []
    body = []
    for flipped, parts in segments:
        if not parts:
            continue
        text = "\n\n".join(parts)
        body.append(f"#page(flipped: true)[\n{text}\n]" if flipped else text)
    return "\n\n".join([PREAMBLE, page_setup(header, lang, mark, as_of), *body]) + "\n"


def _font_paths() -> list[str]:
    import matplotlib

    bundled = Path(matplotlib.get_data_path()) / "fonts" / "ttf"  # the figures' DejaVu Sans
    return [str(bundled)]


@functools.lru_cache(maxsize=1)
def _compiler() -> Any:
    """One Typst compiler per process: it finds and loads the fonts once, which is most of a
    short document's typesetting time (0.27 s against 0.07 s for a company plan); the PDF's
    bytes are the same."""
    import typst

    return typst.Compiler(font_paths=_font_paths())


def render_pdf(
    blocks: Sequence[Block],
    target: Path,
    *,
    header: str,
    lang: str,
    mark: str | None = None,
    as_of: date | None = None,
) -> Path:
    """Typeset ``blocks`` into the PDF ``target`` (written whole or not at all), dated
    ``as_of`` (or undated): the same blocks always give the same bytes."""
    target = Path(target)
    with tempfile.TemporaryDirectory(prefix="research-pdf-") as scratch:
        folder = Path(scratch)
        n = 0
        for block in blocks:
            if block.get("kind") == "figure":
                n += 1
                (folder / f"figure-{n}.svg").write_text(block["svg"], encoding="utf-8")
        source = document_source(blocks, header=header, lang=lang, mark=mark, as_of=as_of)
        main = folder / "main.typ"
        main.write_text(source, encoding="utf-8")
        try:
            pdf = _compiler().compile(input=str(main), root=str(folder))
        except Exception as exc:  # TypstError carries the source position: one line is enough
            raise PdfError(f"Typst could not make {target.name}: {_first(exc)}") from None
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(pdf)
        partial.replace(target)
    return target


def _first(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
