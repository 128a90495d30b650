"""How a handed-out document shows a heading, a paragraph, a table or a figure in its notebook.

Why not ``kit.section.show``: a company plan is not a statistical publication, so its tables
do not go through the quarter's joint disclosure control or into ``tables/*.csv``, and its one
figure is embedded as SVG (no PNG to encode: about a fifth of a second saved per document,
which is most of the budget at a thousand documents). Each output still carries the same JSON
block (``blocks.BLOCK_MIME``) as the quarterly report's, so the PDF is typeset by the same
Typst path (``report.pdf``) from exactly what the notebook showed.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from research.report.kit import blocks
from research.report.kit.charts import Figure
from research.report.kit.formatting import MISSING, is_missing, to_html
from research.report.kit.spider import SpiderSvg

TableKind = str  # "text", "number", "percent", "date"


def _display(data: dict[str, Any], block: blocks.Block) -> None:
    from IPython.display import display

    display(blocks.bundle_with(data, block), raw=True)


def show_title(title: str, lines: Iterable[str]) -> None:
    """The document's title and the lines under it (who it is for, the data date); the PDF
    puts its table of contents under them."""
    lines = [str(line) for line in lines]
    body = "".join(f"<p class='research-front-line'>{html.escape(line)}</p>" for line in lines)
    data = {
        "text/html": f"<h1>{html.escape(title)}</h1>{body}",
        "text/markdown": f"# {title}\n\n" + "\n\n".join(lines),
    }
    _display(data, blocks.front(title, lines))


def show_heading(text: str, level: int = 2) -> None:
    """A part of the document (level 2, under the title) or a sub-part (3)."""
    tag = f"h{min(max(level, 1), 6)}"
    data = {"text/html": f"<{tag}>{html.escape(text)}</{tag}>", "text/markdown": f"## {text}"}
    _display(data, blocks.heading(text, 1 if level <= 2 else 2))


def show_text(text: str, items: Sequence[str] = (), *, caveat: bool = False) -> None:
    """A paragraph, an optional list under it; a caveat is drawn as a box."""
    body = f"<p>{html.escape(text)}</p>" if text else ""
    if items:
        body += "<ul>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in items) + "</ul>"
    if caveat:
        body = f'<aside class="caveat" role="note">{body}</aside>'
    markdown = text + ("\n\n" if text and items else "") + "\n".join(f"- {i}" for i in items)
    _display(
        {"text/html": body, "text/markdown": markdown},
        blocks.paragraph(text, [str(i) for i in items], caveat=caveat),
    )


def cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the text shown (missing as an en dash); the header is kept."""
    return pd.DataFrame(_texts(frame), columns=frame.columns, dtype=object)


def _texts(frame: pd.DataFrame) -> list[list[str]]:
    # a plain loop: ``DataFrame.map`` costs a millisecond a table, and a batch shows thousands
    return [
        [MISSING if is_missing(v) else str(v) for v in row]
        for row in frame.itertuples(index=False, name=None)
    ]


def table_block(
    frame: pd.DataFrame, caption: str, kinds: Sequence[TableKind], note: str = ""
) -> blocks.Block:
    """The PDF's description of a table of already formatted text cells."""
    return _table_block([str(c) for c in frame.columns], _texts(frame), caption, kinds, note)


def _table_block(
    columns: list[str], rows: list[list[str]], caption: str, kinds: Sequence[TableKind], note: str
) -> blocks.Block:
    return {
        "kind": "table",
        "name": "",
        "caption": caption,
        "note": note,
        "columns": columns,
        "kinds": list(kinds),
        "rows": rows,
    }


def show_table(
    frame: pd.DataFrame,
    caption: str,
    kinds: Sequence[TableKind],
    *,
    note: str = "",
    lang: str = "da",
) -> None:
    """A table whose cells are already formatted text (``formatting.format_*``)."""
    if len(kinds) != len(frame.columns):
        raise ValueError(f"{caption!r}: {len(frame.columns)} columns but {len(kinds)} kinds")
    rows = _texts(frame)
    shown = pd.DataFrame(rows, columns=frame.columns, dtype=object)
    shown.attrs["column_kinds"] = dict(zip(shown.columns, kinds, strict=True))
    _display(
        {"text/html": to_html(shown, caption, lang, note=note or None)},
        _table_block([str(c) for c in frame.columns], rows, caption, kinds, note),
    )


def show_svg(spider: SpiderSvg) -> None:
    """An SVG figure written by hand (``kit.spider``): an image in the HTML with its alt
    text, vectors in the PDF."""
    _display({"text/html": spider.html()}, spider.block())


def _svg_img(svg: str, alt: str, width_in: float) -> str:
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<figure class="research-figure"><img src="data:image/svg+xml;base64,{encoded}" '
        f'alt="{html.escape(alt, quote=True)}" width="{round(width_in * 96)}" '
        'style="max-width:100%;height:auto"></figure>'
    )


def show_figure(fig: Figure) -> None:
    """The figure as SVG, in the HTML (an ``<img>`` with its alt text) and in the PDF."""
    block = blocks.figure(fig)
    _display({"text/html": _svg_img(block["svg"], block["alt"], fig.get_figwidth())}, block)
    fig.clear()
