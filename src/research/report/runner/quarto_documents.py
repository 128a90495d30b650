"""The exact notebooks handed to Quarto: one scratch copy per format, made for that format.

Why: a real Quarto (1.7) rendered the executed notebooks as they were and showed the text/plain
fallback ``<IPython.core.display.HTML object>``, set the title in quotes, laid out HTML tables
in equal narrow columns and ran the title slide into the next one. So Quarto is never handed
the published notebook. Each format gets a copy in which

- the title (and the deck's subtitle) is YAML front matter in a first raw cell, as Quarto reads
  it, so it is a real title, never a quoted string;
- every output has a representation the format can use, and no output is left with only
  ``text/plain`` (such outputs are dropped, as are streams);
- the Typst PDF gets Markdown pipe tables whose separator dashes carry the column widths
  (pandoc turns them into relative widths) and numbers right-aligned, instead of HTML;
- HTML formats get the HTML, and the deck's markdown is padded with blank lines so each ``##``
  heading starts its own slide (pandoc needs a blank line before a heading).

The blocks (``blocks.BLOCK_MIME``) say what each output is; they are removed from the copies.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from research.report.kit.blocks import BLOCK_MIME, Block
from research.report.kit.table_layout import column_needs

PLAIN = "text/plain"
MARKDOWN = "text/markdown"
HTML = "text/html"
PNG = "image/png"
SVG = "image/svg+xml"
TYPST_PREAMBLE = (
    "```{=typst}\n#show table: set text(size: 8pt)\n#show table: set par(justify: false)\n```"
)


def front_matter(meta: dict[str, Any]) -> str:
    """YAML front matter (``---`` … ``---``): strings are quoted only where YAML needs it."""
    import yaml

    body = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{body}---"


def _escape_cell(value: Any) -> str:
    from research.report.kit.markdown import escape_markdown

    return escape_markdown(str(value)) or " "


def markdown_table(block: Block) -> str:
    """A pipe table whose separator dashes are proportional to the columns' content, so pandoc
    gives each column a width from its content; numbers right-aligned; caption below."""
    columns, rows = block["columns"], block["rows"]
    kinds = block.get("kinds") or ["text"] * len(columns)
    needs = column_needs(columns, rows)
    dashes = []
    for (_, liked), kind in zip(needs, kinds, strict=True):
        rule = "-" * max(3, liked)
        dashes.append(rule[:-1] + ":" if kind in ("number", "percent") else rule)
    lines = [
        "| " + " | ".join(_escape_cell(c) for c in columns) + " |",
        "|" + "|".join(dashes) + "|",
        *("| " + " | ".join(_escape_cell(v) for v in row) + " |" for row in rows),
    ]
    caption = block["caption"] + (f" {block['note']}" if block.get("note") else "")
    return "\n".join([*lines, "", f": {_escape_cell(caption)}", ""])


def block_markdown(block: Block) -> str | None:
    """Markdown for one block in the Typst PDF (None: the block is not shown there)."""
    from research.report.kit.markdown import escape_markdown

    kind = block.get("kind")
    if kind == "heading":
        return f"{'#' * int(block.get('level', 1))} {escape_markdown(block['text'])}"
    if kind == "table":
        return markdown_table(block)
    if kind == "front":
        return "\n\n".join(escape_markdown(line) for line in block.get("lines", []))
    if kind == "text":
        body = escape_markdown(block.get("text", ""))
        items = "\n".join(f"- {escape_markdown(i)}" for i in block.get("items", []))
        text = "\n\n".join(p for p in (body, items) if p)
        if block.get("caveat"):
            return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())
        return text
    return None


def _padded(text: str) -> str:
    return f"\n\n{text.strip()}\n\n"


def _output_for(output: dict, fmt: str) -> dict | None:
    """The output as this format should get it, or None to leave it out."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return None  # streams (warnings, prints) and errors are not report content
    data = dict(output.get("data", {}))
    block = data.pop(BLOCK_MIME, None)
    if fmt == "pdf" and isinstance(block, dict):
        if block.get("kind") == "figure":
            if PNG in data:
                data = {PNG: data[PNG]}
            else:  # rendered once, as SVG, which Typst draws as vectors
                data = {SVG: block["svg"]} if block.get("svg") else {}
        else:
            markdown = block_markdown(block)
            data = {MARKDOWN: _padded(markdown)} if markdown else {}
    elif fmt == "pdf":
        data.pop(HTML, None)
    elif isinstance(block, dict) and block.get("kind") == "front":
        data = {MARKDOWN: _padded(block_markdown(block) or "")}  # the title is front matter
    elif HTML in data:
        data.pop(MARKDOWN, None)
    if MARKDOWN in data:
        data[MARKDOWN] = _padded(str(data[MARKDOWN]))
    if set(data) - {PLAIN}:
        data.pop(PLAIN, None)
    else:
        return None  # text/plain only: an object's repr, never content
    kept = copy.deepcopy(output)
    kept["data"] = data
    kept.get("metadata", {}).pop(BLOCK_MIME, None)
    return kept


def _title_slide(cell: Any) -> Block | None:
    for output in cell.get("outputs", []):
        block = output.get("data", {}).get(BLOCK_MIME)
        if isinstance(block, dict) and block.get("kind") == "slide":
            return block if int(block.get("level", 2)) == 1 else None
    return None


def prepare_for_format(nb: Any, fmt: str, title: str | None) -> Any:
    """A copy of an executed notebook as Quarto should get it for ``fmt`` (html, pdf,
    revealjs), with the title as front matter."""
    import nbformat

    out = copy.deepcopy(nb)
    meta: dict[str, Any] = {}
    cells = []
    for cell in out.cells:
        if cell.cell_type == "markdown" and "remove-cell" in cell.metadata.get("tags", []):
            continue  # the notebook's notes for analysts, never part of a document
        if cell.cell_type == "code":
            slide = _title_slide(cell) if fmt == "revealjs" else None
            if slide is not None:  # the deck's title slide is Quarto's own, from front matter
                meta["title"] = slide["title"]
                subtitle = " ".join(i.get("text", "") for i in slide.get("items", []))
                if subtitle.strip():
                    meta["subtitle"] = subtitle.strip()
                cell.outputs = []
            else:
                kept = (_output_for(o, fmt) for o in cell.get("outputs", []))
                cell.outputs = [o for o in kept if o is not None]
        cells.append(cell)
    if title and "title" not in meta:
        meta["title"] = title
    if fmt == "pdf":
        meta["toc"] = True
        meta["toc-depth"] = 1
    head = [nbformat.v4.new_raw_cell(front_matter(meta))] if meta else []
    if fmt == "pdf":
        head.append(nbformat.v4.new_markdown_cell(TYPST_PREAMBLE))
    for cell, name in zip(head, ("quarto-front-matter", "quarto-typst-preamble"), strict=False):
        cell["id"] = name
    out.cells = head + cells
    return out


def plain_only_outputs(nb: Any) -> list[str]:
    """Outputs that would reach Quarto with nothing but text/plain (an object's repr)."""
    found = []
    for number, cell in enumerate(nb.cells, start=1):
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is not None and set(data) <= {PLAIN}:
                found.append(f"cell {number}: {str(data.get(PLAIN, ''))[:60]}")
    return found


def write_handed_notebook(source: Path, target: Path, fmt: str, title: str | None) -> Path:
    """Write the copy of ``source`` that Quarto gets for ``fmt`` to ``target``."""
    import nbformat

    nb = nbformat.read(source, as_version=4)
    nbformat.write(prepare_for_format(nb, fmt, title), target)
    return target
