"""Every example file imports, in the documented order, into an empty store."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from research.config import load_programme_config
from research.domain.identifiers import is_synthetic_cpr
from research.ingest.importer import import_file
from research.ingest.kinds import KINDS
from research.ingest.pseudonym import DEMO_KEY
from research.store import connect, row_counts

EXAMPLES = Path(__file__).parents[2] / "src" / "research" / "ingest" / "examples"
ORDER = [
    "companies",
    "consultants",
    "external-projects",
    "networks",
    "network-members",
    "contacts",
    "workshops",
    "survey-statements",
    "survey-answers",
    "ws2-decisions",
    "competence-plans",
    "start-forms",
    "stop-forms",
    "rkv-results",
    "education-plans",
    "observations",
]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(kind: str) -> tuple[list[str], list[list[str]]]:
    with (EXAMPLES / f"{kind}.csv").open(encoding="utf-8", newline="") as handle:
        header, *body = list(csv.reader(handle, delimiter=";"))
    return header, body


def test_kinds_are_registered_in_import_order():
    assert list(KINDS) == ORDER


@pytest.mark.e2e  # imports every example file twice into a new store (the whole intake)
def test_every_example_imports_into_an_empty_store_and_again_changes_nothing(tmp_path):
    db = tmp_path / "store.duckdb"
    config = load_programme_config()
    for kind in ORDER:
        result = import_file(kind, EXAMPLES / f"{kind}.csv", db, config, key=DEMO_KEY)
        assert result.problems == [], kind
        assert result.stats.added + result.stats.changed > 0, kind
    with connect(db, read_only=True) as con:
        counts = row_counts(con)
        audits = con.execute("SELECT count(*) FROM import_audit").fetchall()[0][0]
    assert audits == len(ORDER)
    for kind in KINDS.values():
        for table in kind.tables:
            assert counts[table] > 0, table
    before = sha(db)
    for kind in ORDER:
        result = import_file(kind, EXAMPLES / f"{kind}.csv", db, config, key=DEMO_KEY)
        assert (result.stats.added, result.stats.changed) == (0, 0), kind
    assert sha(db) == before


@pytest.mark.parametrize("kind", ORDER)
def test_example_file_shows_every_template_column(kind):
    header, body = rows(kind)
    template = KINDS[kind]
    assert header[: len(template.columns)] == [c.header for c in template.columns]
    extra = header[len(template.columns) :]
    if extra:  # the survey export's statement columns
        assert template.extra_columns is not None
        assert all(template.extra_columns(h) for h in extra)
    assert 3 <= len(body) <= 8
    assert all(len(row) == len(header) for row in body)


@pytest.mark.parametrize("kind", [k for k in ORDER if KINDS[k].has_personal_data()])
def test_example_cpr_numbers_are_synthetic(kind):
    header, body = rows(kind)
    column = header.index("CPR-nummer")
    assert all(is_synthetic_cpr(row[column]) for row in body)


def test_examples_use_danish_letters():
    text = "".join((EXAMPLES / f"{kind}.csv").read_text("utf-8") for kind in ORDER)
    assert set("æøåÆØÅ") <= set(text)
