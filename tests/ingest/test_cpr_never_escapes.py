"""CPR numbers never escape: not from the quarantine, another column, a file name or free text."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from research.cli.check import render
from research.config import load_programme_config
from research.errors import InputFileError, ValidationFailed
from research.evidence.cmo import cmo_register
from research.ingest.importer import import_file
from research.ingest.pseudonym import DEMO_KEY
from research.quality.checks import CheckReport, Finding
from research.store import connect, read_table

BAD = Path(__file__).parents[1] / "data" / "bad"
EXAMPLES = Path(__file__).parents[2] / "src" / "research" / "ingest" / "examples"
CONFIG = load_programme_config()
# the number planted in the wrong places, in any of its written forms
PLANTED = re.compile(r"241272.?1236")


def run(kind: str, path: Path, db: Path, **options):
    return import_file(kind, path, db, CONFIG, key=DEMO_KEY, **options)


@pytest.fixture
def companies_db(tmp_path) -> Path:
    """A store with the example companies only (start forms then add new people)."""
    path = tmp_path / "companies.duckdb"
    run("companies", EXAMPLES / "companies.csv", path)
    return path


def in_clear(text: str, number: str) -> bool:
    return re.search(number[:6] + r".?" + number[7:], text) is not None


def test_quarantine_masks_the_cpr_column_under_an_alias_in_any_case(companies_db, tmp_path):
    bad = tmp_path / "start.csv"
    shutil.copy(BAD / "start-forms" / "cpr-column-alias.csv", bad)
    result = run("start-forms", bad, companies_db, lenient=True)
    assert result.rejected == 1
    text = result.quarantine.read_text("utf-8-sig")
    assert "021179-****" in text
    assert not in_clear(text, "021179-0003")


def test_cpr_in_another_column_refuses_the_row_and_is_masked(companies_db, tmp_path):
    bad = tmp_path / "start.csv"
    shutil.copy(BAD / "start-forms" / "cpr-in-other-columns.csv", bad)
    with pytest.raises(ValidationFailed) as exc:
        run("start-forms", bad, companies_db)
    report = exc.value.report()
    assert not PLANTED.search(report)
    refused = {(p.row, p.column) for p in exc.value.problems if "CPR number" in p.reason}
    assert refused == {
        (3, "CVR-nummer"),
        (4, "Bopælskommune"),
        (5, "Køn"),
        (6, "Forløbs-ID"),
    }
    masked = [p.value for p in exc.value.problems if "CPR number" in p.reason]
    assert all(v.endswith("241272-****") for v in masked)

    result = run("start-forms", bad, companies_db, lenient=True)
    assert not PLANTED.search(result.quarantine.read_text("utf-8-sig"))
    assert result.rejected == 4 and result.masked == 1
    with connect(companies_db, read_only=True) as con:
        enrolments = read_table(con, "enrolments").set_index("enrolment_id")
    assert enrolments.loc["EUS1-2025-0206", "education"] == "Tømrer (se ******-****)"
    assert not PLANTED.search(companies_db.read_bytes().decode("latin-1"))


def test_cpr_in_a_file_name_is_refused(example_db, tmp_path):
    named = tmp_path / "startskema 150585-0002.csv"
    shutil.copy(EXAMPLES / "start-forms.csv", named)
    before = hashlib.sha256(example_db.read_bytes()).hexdigest()
    with pytest.raises(InputFileError) as exc:
        run("start-forms", named, example_db)
    assert "file name" in str(exc.value) and "150585-****" in str(exc.value)
    assert not in_clear(str(exc.value), "150585-0002")
    assert hashlib.sha256(example_db.read_bytes()).hexdigest() == before


def test_cpr_in_a_column_name_is_refused(example_db, tmp_path):
    bad = tmp_path / "answers.csv"
    text = (EXAMPLES / "survey-answers.csv").read_text("utf-8")
    bad.write_text(text.replace("U05 FVU før uddannelse", "U05 spørg 241272-1236"), "utf-8")
    with pytest.raises(InputFileError, match="column 10") as exc:
        run("survey-answers", bad, example_db)
    assert not PLANTED.search(str(exc.value))


def test_cpr_in_free_text_is_masked_and_in_an_id_refused(example_db, tmp_path):
    bad = tmp_path / "observations.csv"
    shutil.copy(BAD / "observations" / "cpr-in-text.csv", bad)
    result = run("observations", bad, example_db, lenient=True)
    assert result.rejected == 1  # the observation whose id holds the number
    assert result.masked == 2  # source and context of the other
    assert not PLANTED.search(result.quarantine.read_text("utf-8-sig"))
    with connect(example_db, read_only=True) as con:
        tables = {"cmo_observations": read_table(con, "cmo_observations")}
    stored = tables["cmo_observations"].set_index("observation_id").loc["CMO-101"]
    assert stored["source"] == "Interview med ******-****"
    register = cmo_register(tables)
    assert not PLANTED.search(register.to_csv())
    assert not PLANTED.search(example_db.read_bytes().decode("latin-1"))


def test_outputs_scrub_a_cpr_number_an_older_database_holds():
    old = pd.DataFrame(
        {
            "observation_id": ["CMO-1"],
            "recorded_on": [pd.Timestamp("2025-04-02")],
            "researcher": ["ÅN"],
            "source": ["Interview med 2412721236"],
            "context": ["x"],
            "mechanism_resource": ["y"],
            "mechanism_reasoning": ["z"],
            "outcome": ["241272-1236 fik job"],
            "status": ["supported"],
            "linked_metric": [None],
            "network_id": [None],
        }
    )
    assert not PLANTED.search(cmo_register({"cmo_observations": old}).to_csv())
    report = CheckReport(None, (Finding("r", "error", "ids", 1, ("EUS1-241272-1236",)),))
    assert not PLANTED.search(render(report))
