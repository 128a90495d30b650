"""The A4 PDF: Typst from the notebook's blocks, read back with pypdf (text per page).

The renderer is tested on made-up blocks (escaping, wide and long tables, the page mark) and
on the PDF the real runner writes for the small simulated programme.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from research.report.kit import blocks
from research.report.kit.blocks import blocks_of
from research.report.runner.pdf import render_pdf, typst_string
from tests.report.executed import executed_report

CPR_LIKE = re.compile(r"(?<!\d)[0-3]\d[01]\d\d\d-?\d{4}(?!\d)")
TRICKY = 'Hansen #1 & $5 *stjerne* _under_ @mention <label> [klamme] \\back "citat" = - + / ~'


def _pages(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


def _squeeze(text: str) -> str:
    """Text without hyphens (Typst's hyphenation reads back as soft hyphens) and whitespace,
    so a header wrapped over lines can be found."""
    return re.sub(r"[\s\u00ad-]+", "", text)


def _table(columns: int, rows: int, width: int = 6, name: str = "t") -> dict:
    headers = [f"Kolonne{i:02d}" for i in range(columns)]
    frame = pd.DataFrame(
        [[f"r{r}c{c}".ljust(width, "x") for c in range(columns)] for r in range(rows)],
        columns=headers,
    )
    return blocks.table(frame, f"Tabel {name}", note="Note under tabellen.", name=name)


def _render(tmp_path: Path, content: list[dict], mark: str | None = None) -> Path:
    return render_pdf(
        content, tmp_path / "out.pdf", header="Test · data pr. 30-09-2026", lang="da", mark=mark
    )


def test_a_typst_string_escapes_what_typst_would_read(tmp_path):
    assert typst_string('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    pdf = _render(
        tmp_path,
        [
            blocks.front(TRICKY, [TRICKY]),
            blocks.heading(TRICKY),
            blocks.paragraph(TRICKY, [TRICKY]),
            blocks.table(pd.DataFrame({TRICKY: [TRICKY]}), TRICKY, note=TRICKY),
        ],
    )
    text = "\n".join(_pages(pdf))
    for word in ("#1", "$5", "*stjerne*", "_under_", "@mention", "<label>", "[klamme]", '"citat"'):
        assert text.count(word) >= 5, word


def test_every_column_of_a_wide_table_is_on_the_page(tmp_path):
    pdf = _render(tmp_path, [blocks.heading("Bred"), _table(30, 5, width=12, name="bred")])
    pages = [_squeeze(p) for p in _pages(pdf)]
    for i in range(30):
        assert any(f"Kolonne{i:02d}" in p for p in pages), i
    for page in pages:
        if "Tabelbred" in page:
            assert "Kolonne00" in page


@pytest.mark.e2e  # renders a PDF of many pages
def test_header_rows_repeat_on_every_page_of_a_long_table(tmp_path):
    pdf = _render(tmp_path, [_table(5, 240, name="lang")])
    pages = _pages(pdf)
    assert len(pages) > 2
    for page in pages:
        assert "Kolonne00" in page and "Kolonne04" in page


@pytest.mark.e2e  # renders a PDF of many pages
def test_the_mark_is_drawn_on_every_page(tmp_path):
    mark = "Syntetiske data — ikke projektets tal"
    pdf = _render(tmp_path, [_table(30, 120, width=12, name="m")], mark=mark)
    pages = _pages(pdf)
    assert len(pages) > 2
    assert all(_squeeze(mark) in _squeeze(p) for p in pages)
    unmarked = _pages(_render(tmp_path, [_table(3, 3)]))
    assert not any(_squeeze(mark) in _squeeze(p) for p in unmarked)


@pytest.mark.e2e  # renders a PDF of many pages
def test_pages_are_a4_and_numbered(tmp_path):
    pdf = _render(tmp_path, [_table(5, 240, name="lang")])
    reader = PdfReader(pdf)
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)
    n = len(reader.pages)
    assert all(f"Side {i} / {n}" in (p.extract_text() or "") for i, p in enumerate(reader.pages, 1))


# --- the report's PDF ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(small_db: Path, tmp_path_factory: pytest.TempPathFactory):
    return executed_report(small_db, tmp_path_factory.mktemp("pdf-reports"))


@pytest.fixture(scope="module")
def pages(report) -> list[str]:
    return _pages(report.folder / "progress.pdf")


@pytest.mark.e2e
def test_the_report_pdf_is_written_and_hashed(report):
    import json

    manifest = json.loads((report.folder / "manifest.json").read_text(encoding="utf-8"))
    assert "progress.pdf" in json.dumps(manifest)


@pytest.mark.e2e
def test_the_report_pdf_is_short_and_shows_no_object_reprs(pages):
    assert 3 <= len(pages) <= 25
    text = "\n".join(pages)
    assert "<IPython" not in text and "object at 0x" not in text
    assert not CPR_LIKE.search(text)
    assert "Kvartalsrapport 3. kvt. 2026" in pages[0]
    assert "Indhold" in pages[0]
    assert all("data pr. 30. september 2026" in p for p in pages), "the header is on every page"


@pytest.mark.e2e
def test_every_table_is_on_the_page_with_its_last_column(report, pages):
    squeezed = [_squeeze(p) for p in pages]
    tables = [b for b in blocks_of(report.folder / "progress.ipynb") if b["kind"] == "table"]
    assert tables
    for table in tables:
        caption = _squeeze(table["caption"])[:40]
        on = [i for i, p in enumerate(squeezed) if caption in p]
        assert on, f"{table['name']}: caption not found"
        last = _squeeze(table["columns"][-1])
        assert last in squeezed[on[0]], f"{table['name']}: last column {last} not on its page"
        if table["rows"]:
            assert (
                _squeeze(table["rows"][0][-1])
                in squeezed[on[0]] + squeezed[min(on[0] + 1, len(squeezed) - 1)]
            )


@pytest.mark.e2e
def test_every_section_heading_is_in_the_pdf(report, pages):
    text = _squeeze("\n".join(pages))
    headings = [b for b in blocks_of(report.folder / "progress.ipynb") if b["kind"] == "heading"]
    assert len(headings) >= 8
    for heading in headings:
        assert _squeeze(heading["text"]) in text


def _text_outside_the_page(pdf: Path) -> list[tuple[int, str]]:
    """Text that starts outside its page's box (a column cut off at the right edge)."""
    outside = []
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        width = float(page.mediabox.width)
        height = float(page.mediabox.height)

        def visit(text, cm, tm, font, size, number=number, width=width, height=height):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and not (0 <= x < width - 5 and 0 <= y <= height):
                outside.append((number, text.strip()))

        page.extract_text(visitor_text=visit)
    return outside


@pytest.mark.e2e
def test_no_text_of_the_report_lies_outside_its_page(report):
    assert _text_outside_the_page(report.folder / "progress.pdf") == []


def test_the_page_check_sees_a_table_running_off_the_page(tmp_path):
    from research.report.runner import pdf as pdf_module

    wide = _table(30, 3, width=12, name="ud")
    source = pdf_module.document_source([wide], header="x", lang="da")
    assert "flipped: true" in source
    # the same table forced onto one portrait page with natural widths runs off it
    forced = source.replace("#page(flipped: true)[", "#block[").replace("fr,", "em,")
    forced = re.sub(r"(\d+)fr\)", r"\1em)", forced)
    main = tmp_path / "main.typ"
    main.write_text(forced, encoding="utf-8")
    import typst

    (tmp_path / "off.pdf").write_bytes(typst.compile(str(main)))
    assert _text_outside_the_page(tmp_path / "off.pdf")


@pytest.mark.e2e  # renders a PDF of many pages
def test_the_same_blocks_give_the_same_pdf_bytes_dated_by_the_data(tmp_path):
    import time
    from datetime import date

    content = [blocks.heading("Samme"), _table(5, 40, name="samme")]
    first = render_pdf(content, tmp_path / "a.pdf", header="h", lang="da", as_of=date(2026, 9, 30))
    time.sleep(1.1)  # a timestamp from the clock would now differ
    second = render_pdf(content, tmp_path / "b.pdf", header="h", lang="da", as_of=date(2026, 9, 30))
    assert first.read_bytes() == second.read_bytes()
    assert PdfReader(first).metadata.creation_date.date() == date(2026, 9, 30)
