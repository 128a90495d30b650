"""The editable seminar deck (seminar.pptx), read back with python-pptx.

The deck the real runner writes for the small simulated programme must hold the slides the
seminar notebook showed, one message each, with alt text on every picture, the definitions and
the data date in the speaker notes, and no number the notebook withheld.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from research.report.kit.blocks import blocks_of
from research.report.kit.context import load_context
from research.report.runner.deck import render_deck
from research.report.seminar.findings import ready_findings
from research.report.seminar.slides import headline_numbers
from tests.report.executed import QUARTER, executed_report

pytestmark = pytest.mark.e2e  # the deck of an executed report (papermill)

CPR_LIKE = re.compile(r"(?<!\d)[0-3]\d[01]\d\d\d-?\d{4}(?!\d)")
MARK = "Syntetiske data — ikke projektets tal"


@pytest.fixture(scope="module")
def report(small_db: Path, tmp_path_factory: pytest.TempPathFactory):
    return executed_report(small_db, tmp_path_factory.mktemp("deck-reports"))


@pytest.fixture(scope="module")
def deck(report):
    return Presentation(str(report.folder / "seminar.pptx"))


@pytest.fixture(scope="module")
def slides(report) -> list[dict]:
    return [b for b in blocks_of(report.folder / "seminar.ipynb") if b["kind"] == "slide"]


def _texts(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def test_the_deck_has_the_notebooks_slides_in_order(deck, slides):
    assert len(deck.slides) == len(slides) >= 6
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles == [b["title"] for b in slides]
    assert titles[0].startswith("Kompetenceløft: status ved udgangen af 3. kvt. 2026")
    assert titles[1] == "Projektet i tal"


def test_progress_is_three_numbers_as_the_notebook_shows_them(deck, small_db):
    ctx = load_context(small_db, QUARTER, "da")
    text = _texts(deck.slides[1])
    numbers = headline_numbers(ctx)
    assert len(numbers) == 3
    for number in numbers:
        assert number.shown("da") in text and number.label in text


def test_every_picture_has_alt_text_and_every_slide_notes_with_the_data_date(deck):
    pictures = 0
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                pictures += 1
                assert shape._element.nvPicPr.cNvPr.get("descr", "").strip()
        notes = slide.notes_slide.notes_text_frame.text
        assert "Data pr. 30. september 2026" in notes
    assert pictures == 2, "the progress chart and the company funnel"


def test_the_headline_notes_define_the_numbers(deck):
    notes = deck.slides[1].notes_slide.notes_text_frame.text
    assert "Deltagere i alt: personer, én gang" in notes


def test_the_deck_shows_no_reprs_no_ids_and_no_cpr(deck):
    for slide in deck.slides:
        text = _texts(slide) + slide.notes_slide.notes_text_frame.text
        assert "<IPython" not in text and "object at 0x" not in text
        assert not CPR_LIKE.search(text)
        assert not re.search(r"P[0-9a-f]{32}", text)


def test_findings_that_are_ready_each_get_a_slide_with_their_interval(deck, small_db):
    ctx = load_context(small_db, QUARTER, "da")
    found = ready_findings(ctx)
    titles = [s.shapes.title.text for s in deck.slides]
    if not found:
        assert "Resultater fra artiklen" in titles
    for finding in found:
        slide = deck.slides[titles.index(finding.title)]
        assert finding.interval in _texts(slide)
        assert "95 %-konfidensinterval" in finding.interval


def test_the_mark_is_on_every_slide_only_when_given(slides, tmp_path):
    marked = Presentation(str(render_deck(slides, tmp_path / "m.pptx", footer="f", mark=MARK)))
    assert all(MARK in _texts(s) for s in marked.slides)
    plain = Presentation(str(render_deck(slides, tmp_path / "p.pptx", footer="f")))
    assert not any(MARK in _texts(s) for s in plain.slides)


def test_the_same_slides_give_the_same_deck_bytes(slides, tmp_path):
    import time
    from datetime import datetime

    when = datetime(2026, 9, 30)
    first = render_deck(slides, tmp_path / "a.pptx", footer="f", as_of=when).read_bytes()
    time.sleep(2.1)  # zip entries are dated to two seconds
    second = render_deck(slides, tmp_path / "b.pptx", footer="f", as_of=when).read_bytes()
    assert first == second
    assert Presentation(str(tmp_path / "a.pptx")).core_properties.created == when
