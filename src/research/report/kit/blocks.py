"""The report's content as data inside the executed notebook, for every renderer but nbconvert.

Why: the PDF, the seminar deck and the documents handed to Quarto must show exactly what the
notebook showed (the same protected numbers, the same words), without running a cell again and
without scraping HTML. So each displayed item also carries a small JSON description of itself
under a private MIME type: a heading, a paragraph, a table (its formatted cells, their
alignment, caption and note), a figure (SVG with text kept as text, its alt text) or a slide.
nbconvert and Quarto ignore MIME types they do not know; ``blocks_of`` reads them back.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from research.report.kit.formatting import MISSING, column_kinds, is_missing

if TYPE_CHECKING:  # matplotlib is imported by whoever draws, not by every reader of blocks
    from matplotlib.figure import Figure

BLOCK_MIME = "application/vnd.research.block+json"

Block = dict[str, Any]


def heading(text: str, level: int = 1) -> Block:
    """A numbered part of a document (level 1) or a sub-part."""
    return {"kind": "heading", "level": int(level), "text": str(text)}


def paragraph(text: str, items: Iterable[str] = (), *, caveat: bool = False) -> Block:
    """Plain text, with an optional list under it; a caveat is drawn as a box."""
    return {
        "kind": "text",
        "text": str(text),
        "items": [str(i) for i in items],
        "caveat": bool(caveat),
    }


def front(title: str, lines: Iterable[str]) -> Block:
    """The title block: the title and the lines under it (project, scope, data date)."""
    return {"kind": "front", "title": str(title), "lines": [str(line) for line in lines]}


def table(formatted: Any, caption: str, note: str | None = None, name: str = "") -> Block:
    """A formatted table (``PublishedTable.formatted()``): every cell as the text shown, and
    each column's kind (numbers are right-aligned, lights get their colour)."""
    kinds = column_kinds(formatted)
    columns = [str(c) for c in formatted.columns]
    rows = [
        [MISSING if is_missing(v) else str(v) for v in values]
        for values in formatted.itertuples(index=False, name=None)
    ]
    return {
        "kind": "table",
        "name": name,
        "caption": str(caption),
        "note": note or "",
        "columns": columns,
        "kinds": [kinds[c] for c in formatted.columns],
        "rows": rows,
    }


def figure_svg(fig: Figure) -> str:
    """The figure as SVG with its text kept as text (searchable, sharp at any size).

    Rendered once per figure and kept on it: the page (HTML, PDF, Quarto) and the article's
    figure file show the same image, and drawing is most of a figure's cost. So a figure is
    finished before it is first shown or written."""
    import matplotlib

    kept = getattr(fig, _SVG, None)
    if kept is not None:
        return kept
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "research"}):
        fig.savefig(buffer, format="svg", facecolor="white", metadata={"Date": None})
    setattr(fig, _SVG, buffer.getvalue())
    return buffer.getvalue()


_SVG = "_research_svg"  # where ``figure_svg`` keeps a figure's SVG


def figure(fig: Figure, png: str | None = None, *, svg: bool = True) -> Block:
    """A figure as SVG (for the PDF and the HTML), optionally its PNG (base64, for slides),
    and alt text. ``svg=False`` leaves the SVG out where no renderer reads it (the deck), so
    the figure is not drawn a second time."""
    from research.report.kit.charts import alt_text_of

    return {
        "kind": "figure",
        "alt": alt_text_of(fig) or "",
        "width_in": float(fig.get_figwidth()),
        "height_in": float(fig.get_figheight()),
        "svg": figure_svg(fig) if svg else "",
        "png": png or "",
    }


def bundle_with(data: dict[str, Any], block: Block) -> dict[str, Any]:
    """A display bundle with the block added under its MIME type."""
    return {**data, BLOCK_MIME: block}


def blocks_of(notebook: Path | Any) -> list[Block]:
    """Every block in an executed notebook, in the order shown (hidden cells skipped)."""
    import nbformat

    nb = notebook
    if isinstance(notebook, str | Path):
        nb = nbformat.read(notebook, as_version=4)
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "remove-cell" in cell.metadata.get("tags", []):
            continue
        for output in cell.get("outputs", []):
            block = output.get("data", {}).get(BLOCK_MIME)
            if isinstance(block, dict) and "kind" in block:
                found.append(dict(block))
    return found
