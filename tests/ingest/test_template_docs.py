"""The import templates' documentation is generated from the kinds and kept up to date."""

from __future__ import annotations

import re
from pathlib import Path

from research.ingest.kinds import KINDS
from research.ingest.template_docs import (
    REGENERATE,
    example_path,
    render_import_docs,
    render_kinds_listing,
)

DOCS = Path(__file__).parents[2] / "docs" / "import-templates.md"


def test_committed_docs_match_the_code():
    rendered = render_import_docs()
    committed = DOCS.read_text(encoding="utf-8") if DOCS.is_file() else ""
    assert committed == rendered, (
        "docs/import-templates.md is out of date with the import kinds; regenerate it from the "
        f"repository root with:\n  {REGENERATE}"
    )


def test_docs_cover_every_kind_and_column():
    rendered = render_import_docs()
    for kind in KINDS.values():
        assert f"## {kind.title_da} (`{kind.name}`)" in rendered
        assert f"`src/research/ingest/examples/{kind.name}.csv`" in rendered
        for col in kind.columns:
            assert f"| `{col.header}`" in rendered


def test_docs_show_no_cpr_number():
    rendered = render_import_docs()
    assert not re.search(r"\d{6}-?\d{4}", rendered)
    assert "150585-****" in rendered  # the start-form example row, masked


def test_docs_explain_the_rules_of_the_game():
    rendered = render_import_docs()
    for phrase in (
        "`;`",
        "decimal comma",
        "dd-mm-åååå",
        "Windows-1252",
        ".xlsx",
        "`Ja`",
        "HMAC",
        "010190-****",
        "--lenient",
        "quarantine",
        "audit",
    ):
        assert phrase in rendered, phrase


def test_kinds_listing_has_one_line_per_kind():
    lines = render_kinds_listing().splitlines()
    assert len(lines) == len(KINDS)
    for line, kind in zip(lines, KINDS.values(), strict=True):
        assert line.startswith(kind.name + " ")
        assert kind.title_da in line
        assert line.endswith(f"[src/research/ingest/examples/{kind.name}.csv]")


def test_every_kind_has_its_example_file():
    for kind in KINDS.values():
        assert example_path(kind).is_file(), kind.name
