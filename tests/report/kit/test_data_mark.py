"""Outputs made from synthetic data say so on every page, slide and data file (issue 12 §5)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from research.report.kit.context import load_context
from research.report.kit.data_mark import MARKS, data_mark, stamp_table_index
from research.report.runner.run import render_html
from research.store.connection import connect
from research.store.meta import record_origin
from tests.report.executed import executed_report

SYNTHETIC_DA = MARKS["synthetic"]["da"]


def test_the_mark_follows_the_origin_and_the_language():
    assert data_mark("synthetic", "da") == "Syntetiske data — ikke projektets tal"
    assert data_mark("synthetic", "en") == "Synthetic data — not the project's figures"
    assert "Blandede data" in data_mark("mixed", "da")
    assert data_mark("real", "da") is None
    assert data_mark("empty", "en") is None


def test_every_table_entry_says_what_the_data_are(tmp_path: Path):
    (tmp_path / "index.json").write_text(json.dumps({"a": {"file": "a.csv"}, "b": {}}))
    stamp_table_index(tmp_path, "synthetic", SYNTHETIC_DA)
    index = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert all(
        e["data_origin"] == "synthetic" and e["mark"] == SYNTHETIC_DA for e in index.values()
    )


def test_the_context_reads_the_origin_from_the_database(small_db: Path, tmp_path: Path):
    assert load_context(small_db, "2026Q3").data_origin == "synthetic"
    mixed = Path(shutil.copy(small_db, tmp_path / "mixed.duckdb"))
    with connect(mixed) as con:
        record_origin(con, "real", "import start-forms")
    assert load_context(mixed, "2026Q3").data_origin == "mixed"


@pytest.fixture(scope="module")
def report(small_db: Path, tmp_path_factory: pytest.TempPathFactory):
    return executed_report(small_db, tmp_path_factory.mktemp("mark-reports"))


@pytest.mark.e2e
def test_the_synthetic_report_is_marked_everywhere(report):
    from pptx import Presentation
    from pypdf import PdfReader

    folder = report.folder
    html = (folder / "progress.html").read_text(encoding="utf-8")
    assert f'<div class="research-mark" role="note">{SYNTHETIC_DA}</div>' in html
    assert f'@top-center {{ content: "{SYNTHETIC_DA}"' in html  # on every printed page
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["data_origin"] == "synthetic"
    index = json.loads((folder / "tables" / "index.json").read_text(encoding="utf-8"))
    assert index and all(entry["mark"] == SYNTHETIC_DA for entry in index.values())
    pages = [p.extract_text() or "" for p in PdfReader(folder / "progress.pdf").pages]
    assert pages and all(SYNTHETIC_DA in page for page in pages)
    slides = Presentation(str(folder / "seminar.pptx")).slides
    texts = [
        " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in slides
    ]
    assert texts and all(SYNTHETIC_DA in text for text in texts)


@pytest.mark.e2e
def test_real_data_carry_no_mark(report, tmp_path: Path):
    target = render_html(report.folder / "progress.ipynb", tmp_path / "p.html", "da", "T")
    html = target.read_text(encoding="utf-8")
    assert "research-mark" in html  # the style is there ...
    assert '<div class="research-mark"' not in html and "@top-center" not in html  # ... no mark
