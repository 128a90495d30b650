"""Workshops, survey statements, the wide e-survey export and WS2 decisions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from research.config import load_programme_config
from research.errors import InputFileError, ValidationFailed
from research.ingest.importer import import_file
from research.ingest.kinds.workshops import is_statement_column, relevance, statement_in_header
from research.store import connect, read_table

BAD = Path(__file__).parents[1] / "data" / "bad"
DUPLICATE = "the same key appears on more than one row"
RELEVANCE_ERROR = "write a relevance 1-5 or 'Ved ikke'"


def read(db: Path, name: str):
    with connect(db, read_only=True) as con:
        return read_table(con, name)


def run(kind: str, path: Path, db: Path, **options):
    return import_file(kind, path, db, load_programme_config(), key=None, **options)


def test_workshops_from_the_example(example_db):
    workshops = read(example_db, "workshops").set_index("workshop_id")
    assert workshops["kind"].to_dict() == {
        "WS-NET01-1": "WS1",
        "WS-NET01-2": "WS2",
        "WS-NET02-1": "WS1",
        "WS-NET02-2": "WS2",
    }
    attendance = read(example_db, "workshop_attendance")
    assert len(attendance) == 6
    assert attendance["attendees"].sum() == 10


def test_survey_answers_from_the_wide_export(example_db):
    answers = read(example_db, "survey_answers")
    got = {
        (r.response_id, r.statement_id): ("?" if r.dont_know else int(r.relevance))
        for r in answers.itertuples()
    }
    # blank cells are not answers; "Ved ikke" and "ved ikke" are don't-know
    assert got == {
        ("S-0001", "U01"): 5,
        ("S-0001", "U02"): 4,
        ("S-0001", "U03"): "?",
        ("S-0002", "U04"): 5,
        ("S-0002", "U05"): 3,
        ("S-0003", "U04"): 2,
        ("S-0003", "U05"): "?",
    }
    responses = read(example_db, "survey_responses").set_index("response_id")
    assert responses["own_need"].isna()["S-0002"]
    assert responses.loc["S-0003", "own_need"] == "Hygiejnekursus for køkkenpersonalet"


def test_a_changed_answer_updates_it(example_db, tmp_path):
    path = tmp_path / "svar.csv"
    lines = [
        "Svar-ID;Netværks-ID;CVR-nummer;Besvaret;Eget behov;u04;U05 FVU",
        "S-0002;NET02;99000023;07-05-2025;;VI;3",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("e-survey", path, example_db)
    assert result.per_table["survey_answers"].changed == 1
    assert result.per_table["survey_responses"].unchanged == 1
    answers = read(example_db, "survey_answers").set_index(["response_id", "statement_id"])
    assert answers.loc[("S-0002", "U04"), "dont_know"]


def test_ws2_decisions_from_the_example(example_db):
    decisions = read(example_db, "ws2_decisions").set_index("decision_id")
    assert decisions.loc["B-0001", "decision"] == "recruitment_referral"
    assert decisions["statement_id"].isna()["B-0005"]
    assert len(decisions) == 5


@pytest.mark.parametrize(
    "header,statement",
    [
        ("U01", "U01"),
        ("U01 Vi mangler svejsere", "U01"),
        ("U01: Vi mangler svejsere", "U01"),
        ("NET01-U03 Ledelse", "NET01-U03"),
        ("Besvaret", None),
        ("Eget behov", None),
        ("Udsagn om ledelse", None),
    ],
)
def test_statement_in_header(header, statement):
    assert statement_in_header(header) == statement


def test_template_columns_are_never_statement_columns():
    assert not is_statement_column("Svar-ID")
    assert is_statement_column("U07 Truckcertifikat")


@pytest.mark.parametrize(
    "cell,expected", [("1", 1), ("5", 5), (4, 4), (3.0, 3), ("Ved ikke", None), ("VI", None)]
)
def test_relevance(cell, expected):
    assert relevance(cell) == expected


@pytest.mark.parametrize("cell", ["0", "6", "7", "2,5", "måske", True])
def test_relevance_rejects(cell):
    with pytest.raises(ValueError, match="1-5 or 'Ved ikke'"):
        relevance(cell)


CASES = {
    ("workshops", "disagreeing-rows.csv"): [
        (3, "Type", "WS2", "the other rows of workshop WS-NET03-1 say WS1"),
        (4, "Dato", "04-09-2025", "the other rows of workshop WS-NET03-1 say 03-09-2025"),
    ],
    ("workshops", "bad-values.csv"): [
        (2, "CVR-nummer", None, DUPLICATE),
        (3, "CVR-nummer", None, DUPLICATE),
        (4, "Antal deltagere", "0", "must be at least 1"),
        (5, "Netværks-ID", "NET09", "unknown networks reference"),
        (6, "Type", "WS3", "unknown value; allowed: WS1 (behov), WS2 (beslutning)"),
    ],
    ("survey-statements", "bad-values.csv"): [
        (2, "Udsagns-ID", "Udsagn 1", "a statement id is one word with a digit in it, e.g. U01"),
        (3, "Netværks-ID", "NET99", "unknown networks reference"),
        (4, "Tema", None, "a value is required"),
        (5, "Udsagns-ID", None, DUPLICATE),
        (6, "Udsagns-ID", None, DUPLICATE),
    ],
    ("survey-answers", "bad-cells.csv"): [
        (2, "U01 Vi mangler faglærte tømrere", "7", RELEVANCE_ERROR),
        (3, "U01 Vi mangler faglærte tømrere", "2,5", RELEVANCE_ERROR),
        (3, "U03", "måske", RELEVANCE_ERROR),
    ],
    ("survey-answers", "other-network.csv"): [
        (2, "U01", "4", "statement U01 belongs to network NET01, not NET02"),
    ],
    ("survey-answers", "unknown-statement.csv"): [
        (2, "U99 Ukendt udsagn", "2", "no such statement has been imported"),
    ],
    ("survey-answers", "duplicate-column.csv"): [
        (None, "U04 Automatiske lagre", None, "statement U04 also has column 'U04'"),
    ],
    ("survey-answers", "duplicate-response.csv"): [
        (2, "Svar-ID", None, DUPLICATE),
        (3, "Svar-ID", None, DUPLICATE),
    ],
    ("ws2-decisions", "bad-values.csv"): [
        (2, "Workshop-ID", "WS-NET01-1", "decisions are made at a WS2 workshop; this one is a WS1"),
        (3, "Udsagns-ID", "U04", "the statement belongs to network NET02, the workshop to NET01"),
        (4, "Workshop-ID", "WS-NET09-2", "unknown workshops reference"),
        (5, "Udsagns-ID", "U99", "unknown survey_statements reference"),
        (
            6,
            "Beslutning",
            "Luk netværket",
            "unknown value; allowed: Tilpas tilbud, Brug eksisterende tilbud, "
            "Henvis til rekrutteringsservice",
        ),
    ],
}


@pytest.mark.parametrize("kind,name", list(CASES), ids=["/".join(c) for c in CASES])
def test_bad_files_are_rejected_whole(example_db, reject, kind, name):
    found = reject(kind, BAD / kind / name, example_db)
    assert found == [(name, *problem) for problem in CASES[kind, name]]


def test_an_unknown_survey_column_refuses_the_file(example_db):
    with pytest.raises(InputFileError, match="unknown columns: Bemærkning"):
        run("survey-answers", BAD / "survey-answers" / "unknown-column.csv", example_db)


def test_lenient_keeps_the_workshop_and_quarantines_disagreeing_rows(example_db, tmp_path):
    path = tmp_path / "workshops.csv"
    shutil.copy(BAD / "workshops" / "disagreeing-rows.csv", path)
    result = run("workshops", path, example_db, lenient=True)
    assert result.rejected == 2
    assert (result.per_table["workshops"].added, result.per_table["workshop_attendance"].added) == (
        1,
        1,
    )
    held = read(example_db, "workshops").set_index("workshop_id").loc["WS-NET03-1"]
    assert (held["kind"], held["held_on"].strftime("%d-%m-%Y")) == ("WS1", "03-09-2025")
    rows = [line.split(";")[0] for line in result.quarantine.read_text("utf-8-sig").splitlines()]
    assert rows == ["Række", "3", "4"]


def test_a_file_level_survey_problem_is_not_imported_even_when_lenient(example_db, tmp_path):
    path = tmp_path / "survey.csv"
    shutil.copy(BAD / "survey-answers" / "duplicate-column.csv", path)
    with pytest.raises(ValidationFailed, match="not tied to a row"):
        run("survey-answers", path, example_db, lenient=True)
