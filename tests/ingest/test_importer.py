"""Importing exports: all or nothing, every problem located, no CPR number anywhere."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from research.config import load_programme_config
from research.errors import InputFileError, PseudonymKeyError, ValidationFailed
from research.ingest.importer import import_file
from research.ingest.pseudonym import DEMO_KEY, pseudonymise
from research.store import connect, read_table

EXAMPLES = Path(__file__).parents[2] / "src" / "research" / "ingest" / "examples"
BAD = Path(__file__).parents[1] / "data" / "bad"
CONFIG = load_programme_config()


def run(kind: str, path: Path, db: Path, **options):
    options.setdefault("key", DEMO_KEY)
    return import_file(kind, path, db, CONFIG, **options)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def companies_and_starts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example companies and start forms, imported once (read-only template)."""
    path = tmp_path_factory.mktemp("importer") / "store.duckdb"
    run("companies", EXAMPLES / "companies.csv", path)
    run("start-forms", EXAMPLES / "start-forms.csv", path)
    return path


@pytest.fixture
def db(tmp_path, companies_and_starts: Path) -> Path:
    """A private copy of a store holding the example companies and start forms."""
    path = tmp_path / "store.duckdb"
    shutil.copyfile(companies_and_starts, path)
    return path


def problems(exc: pytest.ExceptionInfo) -> list[tuple]:
    return [(p.row, p.column, p.reason) for p in exc.value.problems]


def test_example_start_forms_create_participants_once(db):
    with connect(db, read_only=True) as con:
        participants = read_table(con, "participants")
        enrolments = read_table(con, "enrolments")
    # Five enrolments, four people: 021179-0003 starts both EUV and FVU on the same day.
    assert len(enrolments) == 5
    assert len(participants) == 4
    person = pseudonymise("0211790003", DEMO_KEY)
    row = participants.set_index("participant_id").loc[person]
    assert str(row["birth_date"].date()) == "1979-11-02"
    assert row["gender"] == "male"  # last digit 3 is odd
    assert row["job_centre"] == "Jobcenter Høje-Taastrup"
    by_id = enrolments.set_index("enrolment_id")
    assert by_id.loc["EUS1-2025-0001", "purpose"] == "skilled_lift"  # EUV by default
    assert by_id.loc["EUS2-2025-0003", "purpose"] == "preparatory"  # FVU by default


def test_same_file_twice_changes_nothing_byte_for_byte(db):
    before = sha(db)
    result = run("start-forms", EXAMPLES / "start-forms.csv", db)
    assert (result.stats.added, result.stats.changed) == (0, 0)
    assert sha(db) == before


def test_stop_forms_then_start_forms_again_keep_the_exit(db):
    run("stop-forms", EXAMPLES / "stop-forms.csv", db)
    result = run("start-forms", EXAMPLES / "start-forms.csv", db)
    assert (result.stats.added, result.stats.changed) == (0, 0)
    with connect(db, read_only=True) as con:
        exits = read_table(con, "enrolments").set_index("enrolment_id")["exit_reason"]
    assert exits["EUS3-2025-0005"] == "dropped_out"


def test_newer_version_updates_and_leaves_an_audit_row(db, tmp_path):
    newer = tmp_path / "companies-v2.csv"
    text = (EXAMPLES / "companies.csv").read_text("utf-8").replace(";42;", ";55;")
    newer.write_text(text, "utf-8")
    result = run("companies", newer, db)
    assert (result.stats.added, result.stats.changed, result.stats.unchanged) == (0, 1, 3)
    with connect(db, read_only=True) as con:
        audit = con.execute(
            "SELECT kind, file_name, file_sha256, rows_changed FROM import_audit ORDER BY audit_id"
        ).fetchall()
        employees = read_table(con, "companies").set_index("cvr")["employees"]
    assert audit[-1] == ("companies", "companies-v2.csv", sha(newer), 1)
    assert employees["99000015"] == 55


@pytest.mark.parametrize(
    "kind,name,expected",
    [
        (
            "companies",
            "bad-values.csv",
            [
                (3, "CVR-nummer", "not a valid CVR number (CVR modulus-11 check failed)"),
                (4, "Antal ansatte", "not a whole number"),
                (
                    4,
                    "Branchekode",
                    "not a DB07 industry code (DB07 code '9999' must have exactly 6 digits)",
                ),
                (4, "Kommune", "not a municipality in Region Hovedstaden"),
            ],
        ),
        (
            "companies",
            "duplicate-cvr.csv",
            [
                (2, "CVR-nummer", "the same key appears on more than one row"),
                (3, "CVR-nummer", "the same key appears on more than one row"),
            ],
        ),
        (
            "companies",
            "truncated.csv",
            [
                (
                    3,
                    None,
                    "row has 3 fields but the header has 6 (a truncated file or a stray separator)",
                )
            ],
        ),
        (
            "stop-forms",
            "bad-values.csv",
            [
                (2, "Forløbs-ID", "no start form has been imported for this enrolment"),
                (3, "CPR-nummer", "does not match the CPR number on the start form"),
                (4, "Slutdato", "exit date is before start date"),
            ],
        ),
    ],
)
def test_bad_files_are_rejected_whole_with_every_problem(db, kind, name, expected):
    before = sha(db)
    with pytest.raises(ValidationFailed) as exc:
        run(kind, BAD / kind / name, db)
    assert problems(exc) == expected
    assert all(p.file == name for p in exc.value.problems)
    assert "nothing was imported" in exc.value.summary
    assert sha(db) == before


def test_bad_start_forms_report_every_cell_and_domain_rule(db):
    before = sha(db)
    with pytest.raises(ValidationFailed) as exc:
        run("start-forms", BAD / "start-forms" / "bad-values.csv", db)
    found = problems(exc)
    assert (3, "CPR-nummer", "not a valid CPR number (impossible date)") in found
    # 020304-4001: born 2004 (7th digit 4, year 04), 20 years old at the start.
    assert (4, "Startdato", "EUV requires age 25 or over at the start") in found
    row5 = {column for row, column, _ in found if row == 5}
    assert row5 == {
        "02-krav opfyldt",
        "Bopælskommune",
        "CVR-nummer",
        "EUV-spor",
        "Højest fuldførte uddannelse",
        "Rekrutteringsvej",
        "Startdato",
        "Uddannelsestype",
    }
    assert (6, "CVR-nummer", "employed participants need their employer's CVR number") in found
    assert (6, "EUV-spor", "an EUV track is only for EUV enrolments") in found
    assert exc.value.summary.startswith("bad-values.csv: rejected, 4 of 5 rows have problems")
    assert sha(db) == before


def test_no_cpr_number_in_messages_quarantine_or_database(db, tmp_path):
    bad = tmp_path / "bad.csv"
    shutil.copy(BAD / "start-forms" / "bad-values.csv", bad)
    with pytest.raises(ValidationFailed) as exc:
        run("start-forms", bad, db)
    cpr = re.compile(r"\d{6}-?\d{4}")
    assert not cpr.search(exc.value.report())
    result = run("start-forms", bad, db, lenient=True)
    assert not cpr.search(result.quarantine.read_text("utf-8-sig"))
    run("stop-forms", EXAMPLES / "stop-forms.csv", db)
    content = db.read_bytes()
    for number in ("150585", "021179", "080390", "120472"):
        for sequence in ("0002", "0003", "0005", "0007"):
            assert f"{number}-{sequence}".encode() not in content
            assert f"{number}{sequence}".encode() not in content


def test_lenient_imports_good_rows_and_quarantines_the_rest(db, tmp_path):
    bad = tmp_path / "start.csv"
    text = (BAD / "start-forms" / "bad-values.csv").read_text("utf-8")
    bad.write_text(text.replace("EUS1-2025-0001;150585-0002", "EUS1-2025-0099;150585-0002"))
    result = run("start-forms", bad, db, lenient=True)
    assert result.rejected == 4
    assert result.stats.added == 1  # the one good row's enrolment; the person exists
    lines = result.quarantine.read_text("utf-8-sig").splitlines()
    assert lines[0].startswith("Række;Fejl;Forløbs-ID;CPR-nummer")
    assert [line.split(";")[0] for line in lines[1:]] == ["3", "4", "5", "6"]


def test_dry_run_reports_without_writing(tmp_path):
    db = tmp_path / "store.duckdb"
    result = run("companies", EXAMPLES / "companies.csv", db, dry_run=True)
    assert result.stats.added == 4
    assert not db.exists()


def test_wrong_kind_and_missing_columns_are_one_line(db):
    with pytest.raises(InputFileError, match=r"\(it looks like a 'stop-forms' file\)$"):
        run("start-forms", EXAMPLES / "stop-forms.csv", db)
    with pytest.raises(InputFileError) as exc:
        run("start-forms", BAD / "start-forms" / "missing-columns.csv", db)
    assert "missing required columns: Uddannelsestype, Beskæftigelsesstatus" in str(exc.value)


@pytest.mark.parametrize("name", ["binary.csv", "empty.csv"])
def test_not_an_export(db, name):
    before = sha(db)
    with pytest.raises(InputFileError):
        run("companies", BAD / "companies" / name, db)
    assert sha(db) == before


def test_personal_data_needs_a_key(tmp_path):
    with pytest.raises(PseudonymKeyError, match="RESEARCH_PSEUDONYM_KEY"):
        run("companies", EXAMPLES / "companies.csv", tmp_path / "x.duckdb")
        run("start-forms", EXAMPLES / "start-forms.csv", tmp_path / "x.duckdb", key=None)


def test_unknown_kind(tmp_path):
    with pytest.raises(InputFileError, match="unknown import kind 'invoices'"):
        run("invoices", EXAMPLES / "companies.csv", tmp_path / "x.duckdb")


def test_danish_alias_for_a_kind(tmp_path):
    result = run("virksomheder", EXAMPLES / "companies.csv", tmp_path / "x.duckdb")
    assert result.kind == "companies"
