"""The seminar deck as an editable PowerPoint file, from the slides the seminar notebook showed.

Why python-pptx: presenters here open PowerPoint (or Keynote, LibreOffice, Google Slides, which
all read .pptx) and change a slide the night before; a revealjs page or a PDF cannot be edited.
The deck is built from the slide blocks in the executed ``seminar.ipynb`` (``blocks.BLOCK_MIME``),
so it shows exactly the disclosure-protected numbers the notebook showed. One message per slide:
the title states it; charts are pictures with their alt text (read by screen readers), and the
definitions and the data date are in the speaker notes.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from research.report.kit.blocks import Block
from research.report.kit.charts import BLUE, TEXT_GREY, VERMILION

SLIDE_WIDTH_IN = 13.333  # 16:9
SLIDE_HEIGHT_IN = 7.5
MARGIN_IN = 0.6
TITLE_TOP_IN = 0.35
BODY_TOP_IN = 1.55
FOOTER_HEIGHT_IN = 0.4
INK = "1B1B1B"
FIXED_DATE = datetime(2000, 1, 1)  # when no data date is given: still the same bytes each time
FONT = "Calibri"  # in every Office installation; LibreOffice substitutes Carlito


def _rgb(hex_colour: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _textbox(slide: Any, left: float, top: float, width: float, height: float) -> Any:
    from pptx.util import Inches

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    return frame


def _run(paragraph: Any, text: str, size: float, *, bold: bool = False, colour: str = INK) -> Any:
    from pptx.util import Pt

    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run.font.color.rgb = _rgb(colour)
    return run


def _set_title(slide: Any, text: str, size: float) -> None:
    """The slide's title placeholder (PowerPoint's outline and screen readers use it)."""
    from pptx.util import Inches

    title = slide.shapes.title
    title.left, title.top = Inches(MARGIN_IN), Inches(TITLE_TOP_IN)
    title.width = Inches(SLIDE_WIDTH_IN - 2 * MARGIN_IN)
    title.height = Inches(BODY_TOP_IN - TITLE_TOP_IN - 0.15)
    frame = title.text_frame
    frame.word_wrap = True
    frame.clear()
    paragraph = frame.paragraphs[0]
    _run(paragraph, text, size, bold=True, colour=BLUE)


def _body_size(text_length: int) -> float:
    """A font size that keeps a slide's text on the slide (no auto-fit in python-pptx)."""
    if text_length <= 250:
        return 24
    if text_length <= 450:
        return 20
    if text_length <= 700:
        return 17
    return 14


def _numbers(slide: Any, block: Block, top: float) -> None:
    numbers = block.get("numbers", [])
    width = (SLIDE_WIDTH_IN - 2 * MARGIN_IN) / max(len(numbers), 1)
    for i, number in enumerate(numbers):
        frame = _textbox(slide, MARGIN_IN + i * width, top + 0.4, width - 0.2, 3.2)
        _run(frame.paragraphs[0], number["value"], 60, bold=True, colour=BLUE)
        _run(frame.add_paragraph(), number["label"], 22)
        if number.get("sub"):
            _run(frame.add_paragraph(), number["sub"], 16, colour=TEXT_GREY)
    if block.get("note"):
        frame = _textbox(slide, MARGIN_IN, 5.6, SLIDE_WIDTH_IN - 2 * MARGIN_IN, 0.8)
        _run(frame.paragraphs[0], block["note"], 14, colour=TEXT_GREY)


def _picture(slide: Any, block: Block, top: float) -> None:
    """The chart as a picture as large as the slide allows, with its alt text."""
    from pptx.util import Inches

    png = base64.b64decode(block["png"])
    room_w = SLIDE_WIDTH_IN - 2 * MARGIN_IN
    room_h = SLIDE_HEIGHT_IN - top - FOOTER_HEIGHT_IN - 0.1
    w, h = float(block.get("width_in") or 6.3), float(block.get("height_in") or 3.9)
    scale = min(room_w / w, room_h / h)
    left = (SLIDE_WIDTH_IN - w * scale) / 2
    picture = slide.shapes.add_picture(
        io.BytesIO(png), Inches(left), Inches(top), Inches(w * scale), Inches(h * scale)
    )
    picture._element.nvPicPr.cNvPr.set("descr", block.get("alt", ""))  # alt text


def _story(slide: Any, block: Block, top: float) -> None:
    rows = block.get("rows", [])
    size = _body_size(sum(len(label) + len(text) for label, text in rows))
    frame = _textbox(slide, MARGIN_IN, top, SLIDE_WIDTH_IN - 2 * MARGIN_IN, 4.9)
    first = True
    for label, text in rows:
        paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        _run(paragraph, f"{label}: ", size, bold=True, colour=BLUE)
        _run(paragraph, text, size)
        paragraph.space_after = _points(size * 0.6)
    if block.get("recorded"):
        _run(frame.add_paragraph(), block["recorded"], 14, colour=TEXT_GREY)


def _points(value: float) -> Any:
    from pptx.util import Pt

    return Pt(value)


def _finding(slide: Any, block: Block, top: float) -> None:
    frame = _textbox(slide, MARGIN_IN, top + 0.3, SLIDE_WIDTH_IN - 2 * MARGIN_IN, 4.5)
    _run(frame.paragraphs[0], block["estimate"], 44, bold=True, colour=BLUE)
    _run(frame.add_paragraph(), block["interval"], 26)
    paragraph = frame.add_paragraph()
    paragraph.space_before = _points(18)
    _run(paragraph, block["design"], 20, colour=TEXT_GREY)


def _text(slide: Any, block: Block, top: float, size: float | None = None) -> None:
    text = block.get("text", "")
    items = block.get("items", [])
    chosen = size or _body_size(len(text) + sum(len(i) for i in items))
    frame = _textbox(slide, MARGIN_IN, top, SLIDE_WIDTH_IN - 2 * MARGIN_IN, 4.8)
    _run(frame.paragraphs[0], text, chosen)
    for item in items:
        _run(frame.add_paragraph(), f"• {item}", chosen)


def draw_mark(slide: Any, mark: str | None, footer: str) -> None:
    """The footer line on every slide, and ``mark`` (e.g. that the data are synthetic) when
    given: the one place a slide mark is drawn."""
    top = SLIDE_HEIGHT_IN - FOOTER_HEIGHT_IN
    frame = _textbox(slide, MARGIN_IN, top, SLIDE_WIDTH_IN - 2 * MARGIN_IN, FOOTER_HEIGHT_IN)
    paragraph = frame.paragraphs[0]
    if mark:
        _run(paragraph, f"{mark}   ", 12, bold=True, colour=VERMILION)
    _run(paragraph, footer, 11, colour=TEXT_GREY)


def _slide(prs: Any, block: Block, footer: str, mark: str | None) -> None:
    title_slide = int(block.get("level", 2)) == 1
    layout = prs.slide_layouts[0 if title_slide else 5]  # "Title Slide", "Title Only"
    slide = prs.slides.add_slide(layout)
    items = block.get("items", [])
    if title_slide:
        from pptx.util import Inches

        _set_title(slide, block["title"], 40)
        slide.shapes.title.top, slide.shapes.title.height = Inches(2.0), Inches(2.2)
        subtitle = " ".join(i.get("text", "") for i in items if i.get("kind") == "text")
        placeholder = slide.placeholders[1]
        placeholder.left, placeholder.top = Inches(MARGIN_IN), Inches(4.4)
        placeholder.width = Inches(SLIDE_WIDTH_IN - 2 * MARGIN_IN)
        placeholder.height = Inches(1.0)
        placeholder.text_frame.clear()
        _run(placeholder.text_frame.paragraphs[0], subtitle, 24, colour=TEXT_GREY)
    else:
        _set_title(slide, block["title"], 30 if len(block["title"]) <= 70 else 24)
        for item in items:
            kind = item.get("kind")
            if kind == "numbers":
                _numbers(slide, item, BODY_TOP_IN)
            elif kind == "figure" and item.get("png"):
                _picture(slide, item, BODY_TOP_IN)
            elif kind == "story":
                _story(slide, item, BODY_TOP_IN + 0.2)
            elif kind == "finding":
                _finding(slide, item, BODY_TOP_IN)
            elif kind == "text":
                _text(slide, item, BODY_TOP_IN + 0.3)
    draw_mark(slide, mark, footer)
    if block.get("notes"):
        slide.notes_slide.notes_text_frame.text = block["notes"]


def render_deck(
    slides: Sequence[Block],
    target: Path,
    *,
    footer: str,
    mark: str | None = None,
    as_of: datetime | None = None,
) -> Path:
    """Write the slide blocks as a 16:9 PowerPoint deck to ``target`` (whole or not at all),
    dated ``as_of`` (the data date): the same slides always give the same bytes."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_WIDTH_IN), Inches(SLIDE_HEIGHT_IN)
    for block in slides:
        if block.get("kind") == "slide":
            _slide(prs, block, footer, mark)
    when = as_of or FIXED_DATE
    prs.core_properties.created = prs.core_properties.modified = when
    prs.core_properties.last_printed = when
    prs.core_properties.revision = 1
    target = Path(target)
    partial = target.with_name(f".{target.name}.partial")
    buffer = io.BytesIO()
    prs.save(buffer)
    partial.write_bytes(_fixed_zip_times(buffer.getvalue()))
    partial.replace(target)
    return target


def _fixed_zip_times(pptx: bytes) -> bytes:
    """The same package with every member dated 1980-01-01 (zip's epoch) instead of now."""
    import zipfile

    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(pptx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
