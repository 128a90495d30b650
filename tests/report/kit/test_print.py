"""progress.html on A4 paper: wide tables print whole (checked on the CSS and the classes the
runner writes; the look was checked by printing with headless Chromium, which CI does not have)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from research.report.kit.blocks import blocks_of
from research.report.kit.table_layout import table_layout
from tests.report.executed import executed_report

pytestmark = pytest.mark.e2e  # an executed report's HTML (papermill)


@pytest.fixture(scope="module")
def report(small_db: Path, tmp_path_factory: pytest.TempPathFactory):
    return executed_report(small_db, tmp_path_factory.mktemp("print-reports"))


@pytest.fixture(scope="module")
def page(report) -> str:
    return report.html.read_text(encoding="utf-8")


def _print_css(page: str) -> str:
    rules = re.search(r"@media print \{(.*?)\n  \}", page, re.S)
    assert rules, "the report has print rules"
    return rules.group(1)


def test_print_rules_remove_the_scroll_box_and_the_equal_columns(page):
    css = _print_css(page)
    assert re.search(r"\.jp-OutputArea-output,[^{]*\{[^}]*overflow: visible !important", css)
    assert "table-layout: auto" in css and "hyphens: auto" in css
    assert "display: table-header-group" in css, "header rows repeat on every printed page"
    assert "table.research-table { break-inside: avoid" not in css, "long tables may break"


def test_wide_tables_get_landscape_pages_in_print(report, page):
    assert "@page wide { size: A4 landscape;" in page
    assert "table.research-wide { page: wide; }" in _print_css(page)
    tables = [b for b in blocks_of(report.folder / "progress.ipynb") if b["kind"] == "table"]
    wide = [t for t in tables if table_layout(t["columns"], t["rows"]).landscape]
    assert wide, "the status table is too wide for a portrait page"
    assert page.count('class="research-table research-wide"') == len(wide)
