"""The user guides in ``docs/guide-*.md``, rendered to HTML and A4 PDF by the report's own path.

Why the report's path and not a Markdown tool: the guides then look like the documents they
explain (the same HTML template, the same Typst page with its header and page numbers), and
nothing outside the lock file is needed. Each guide is read as a small Markdown subset —
``#``/``##``/``###`` headings, paragraphs, ``-`` lists, fenced code (a ``code`` block, a
monospaced box in the PDF), ``![alt](image.png)`` screenshots (floating in the PDF, so a large
one does not leave a page half empty) — turned into the same display bundles a notebook cell
shows (HTML plus the JSON block), put into a notebook, and rendered by nbconvert's
``workbench`` template and by ``pdf.render_pdf``. A screenshot goes into the PDF as an SVG
that embeds the PNG.
"""

from __future__ import annotations

import base64
import html
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from research.report.kit.blocks import BLOCK_MIME, Block, front, heading, paragraph
from research.report.kit.context import ReportError

GUIDES = ("guide-projektleder", "guide-konsulent", "guide-forsker")
_IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<path>[^)\s]+)\)\s*$")
_INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)")


@dataclass(frozen=True)
class Guide:
    """One rendered guide."""

    html: Path
    pdf: Path


def _plain(text: str) -> str:
    """Inline Markdown as the PDF's plain text: code and bold as written, links by their text."""
    return _INLINE.sub(lambda m: m.group(1) or m.group(2) or m.group(3), text)


def _inline_html(text: str) -> str:
    out, last = [], 0
    for m in _INLINE.finditer(text):
        out.append(html.escape(text[last : m.start()]))
        if m.group(1):
            out.append(f"<code>{html.escape(m.group(1))}</code>")
        elif m.group(2):
            out.append(f"<strong>{html.escape(m.group(2))}</strong>")
        else:
            out.append(
                f'<a href="{html.escape(m.group(4), quote=True)}">{html.escape(m.group(3))}</a>'
            )
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ReportError("a guide's screenshot must be a PNG file")
    return struct.unpack(">II", data[16:24])


def _image_bundle(alt: str, path: Path) -> dict:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"{path}: cannot read the screenshot ({exc.strerror or exc})") from None
    width, height = _png_size(data)
    encoded = base64.b64encode(data).decode("ascii")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<image width="{width}" height="{height}" xlink:href="data:image/png;base64,{encoded}"/>'
        "</svg>"
    )
    shown = min(width, 720)
    block: Block = {
        "kind": "figure",
        "alt": alt,
        "width_in": shown / 96,
        "height_in": shown / 96 * height / width,
        "svg": svg,
        "png": encoded,
        "screenshot": True,  # the PDF frames it and floats it: no half-empty pages
    }
    img = (
        f'<figure class="research-figure"><img src="data:image/png;base64,{encoded}" '
        f'alt="{html.escape(alt, quote=True)}" width="{shown}" style="max-width:100%;height:auto;'
        'border:1px solid #ccc"></figure>'
    )
    return {"text/html": img, BLOCK_MIME: block}


def markdown_bundles(text: str, folder: Path) -> tuple[str, list[dict]]:
    """The guide's title and its display bundles, in order; images are read from ``folder``."""
    lines = text.splitlines()
    title, bundles = "", []
    paragraph_lines: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph_lines or items:
            body = " ".join(paragraph_lines)
            shown = f"<p>{_inline_html(body)}</p>" if body else ""
            if items:
                shown += "<ul>" + "".join(f"<li>{_inline_html(i)}</li>" for i in items) + "</ul>"
            block = paragraph(_plain(body), [_plain(i) for i in items])
            bundles.append({"text/html": shown, BLOCK_MIME: block})
            paragraph_lines.clear()
            items.clear()

    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if line.startswith("```"):
            flush()
            code = []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                code.append(lines[i])
                i += 1
            body = "\n".join(code)
            bundles.append(
                {
                    "text/html": f"<pre><code>{html.escape(body)}</code></pre>",
                    BLOCK_MIME: {"kind": "code", "text": body},
                }
            )
        elif m := re.match(r"^(#{1,3})\s+(.*)$", line):
            flush()
            level, words = len(m.group(1)), m.group(2).strip()
            if level == 1 and not title:
                title = words
            else:
                tag = f"h{level}"
                bundles.append(
                    {
                        "text/html": f"<{tag}>{_inline_html(words)}</{tag}>",
                        BLOCK_MIME: heading(_plain(words), 1 if level <= 2 else 2),
                    }
                )
        elif m := _IMAGE.match(line):
            flush()
            bundles.append(_image_bundle(m.group("alt"), folder / m.group("path")))
        elif line.startswith(("- ", "* ")):
            items.append(line[2:].strip())
        elif line.startswith("  ") and items and line.strip():
            items[-1] += " " + line.strip()
        elif not line.strip():
            flush()
        else:
            if items:
                flush()
            paragraph_lines.append(line.strip())
        i += 1
    flush()
    if not title:
        raise ReportError("a guide must start with a '# title' line")
    return title, bundles


def render_guide(source: Path, out: Path, *, mark: str | None = None) -> Guide:
    """``source`` (Markdown) as ``out/<name>.html`` and ``out/<name>.pdf``."""
    import nbformat

    from research.report.runner.pdf import render_pdf
    from research.report.runner.run import render_html

    title, bundles = markdown_bundles(source.read_text(encoding="utf-8"), source.parent)
    intro = {"text/html": f"<h1>{html.escape(title)}</h1>", BLOCK_MIME: front(title, [])}
    cells = []
    for bundle in [intro, *bundles]:
        cell = nbformat.v4.new_code_cell("")
        cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells)
    out.mkdir(parents=True, exist_ok=True)
    stem = source.stem
    notebook = out / f".{stem}.ipynb"
    nbformat.write(nb, notebook)
    try:
        html_path = render_html(notebook, out / f"{stem}.html", "da", title, mark=mark)
        blocks = [b[BLOCK_MIME] for b in [intro, *bundles]]
        pdf_path = render_pdf(blocks, out / f"{stem}.pdf", header=title, lang="da", mark=mark)
    finally:
        notebook.unlink(missing_ok=True)
    return Guide(html_path, pdf_path)


def render_guides(docs: Path, out: Path) -> list[Guide]:
    """Every guide in ``docs`` rendered into ``out``."""
    missing = [g for g in GUIDES if not (docs / f"{g}.md").is_file()]
    if missing:
        raise ReportError(f"cannot find {', '.join(missing)} in {docs}; run from the repository")
    return [render_guide(docs / f"{g}.md", out) for g in GUIDES]
