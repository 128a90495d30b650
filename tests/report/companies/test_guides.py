"""The Danish guides render through the report's HTML and PDF path and stay true to the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from research.cli import app
from research.report.kit.context import ReportError
from research.report.runner.guides import GUIDES, markdown_bundles, render_guide, render_guides

DOCS = Path(__file__).parents[3] / "docs"


@pytest.mark.e2e  # renders three guides to HTML and PDF
def test_every_guide_renders_to_html_and_pdf_with_its_screenshots(tmp_path: Path) -> None:
    made = render_guides(DOCS, tmp_path)
    assert [g.html.stem for g in made] == list(GUIDES)
    for guide in made:
        html = guide.html.read_text(encoding="utf-8")
        source = (DOCS / f"{guide.html.stem}.md").read_text(encoding="utf-8")
        title = source.splitlines()[0].removeprefix("# ")
        assert f"<h1>{title}</h1>" in html
        images = re.findall(r"^!\[", source, flags=re.M)
        assert html.count('src="data:image/png;base64,') == len(images)
        text = "".join(page.extract_text() for page in PdfReader(guide.pdf).pages)
        assert title.split(":")[0] in text


def test_the_guides_name_only_commands_that_exist() -> None:
    commands = {c.name for c in app.registered_commands}
    for name in GUIDES:
        text = (DOCS / f"{name}.md").read_text(encoding="utf-8")
        for used in re.findall(r"research (\w[\w-]*)", text):
            assert used in commands, f"{name}.md names `research {used}`"
    consultant = (DOCS / "guide-konsulent.md").read_text(encoding="utf-8")
    assert "make report\n.venv/bin/research plan --company" in consultant


def test_a_guide_without_a_title_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="must start with a '# title'"):
        markdown_bundles("Ingen titel her.\n", tmp_path)


def _pdf_text(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def test_code_in_a_guide_prints_as_code_not_as_a_list(tmp_path: Path) -> None:
    (tmp_path / "guide.md").write_text(
        "# Guide\n\nKør:\n\n```\nmake report\n.venv/bin/research plan --company 99000376\n```\n",
        encoding="utf-8",
    )
    guide = render_guide(tmp_path / "guide.md", tmp_path / "out")
    reader = PdfReader(guide.pdf)
    text = "".join(_pdf_text(guide.pdf))
    assert "make report" in text and "•" not in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Mono" in name for name in fonts), fonts  # typeset in a monospaced font


def test_a_large_screenshot_does_not_leave_the_page_above_it_empty(tmp_path: Path) -> None:
    """Text after a screenshot that does not fit under the text before it fills the page."""
    from PIL import Image

    Image.new("RGB", (1000, 1300), "white").save(tmp_path / "tall.png")
    intro = " ".join(["Indledende tekst om planen."] * 40)
    after = "Teksten efter billedet."
    (tmp_path / "guide.md").write_text(
        f"# Guide\n\n{intro}\n\n![Et højt skærmbillede](tall.png)\n\n{after}\n", encoding="utf-8"
    )
    guide = render_guide(tmp_path / "guide.md", tmp_path / "out")
    pages = _pdf_text(guide.pdf)
    assert len(pages) == 2 and after in pages[0]
