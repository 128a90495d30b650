"""RKV results and education plans: people by pseudonym, CPR numbers never kept."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from research.config import load_programme_config
from research.errors import PseudonymKeyError
from research.ingest.importer import import_file
from research.ingest.pseudonym import DEMO_KEY, pseudonymise
from research.store import connect, read_table

BAD = Path(__file__).parents[1] / "data" / "bad"
EXAMPLES = Path(__file__).parents[2] / "src" / "research" / "ingest" / "examples"
PARTNER_ERROR = "unknown partner; known: LEAD, EUS1, EUS2, EUS3, EAK, VH"


def read(db: Path, name: str, key: str):
    with connect(db, read_only=True) as con:
        return read_table(con, name).set_index(key)


def test_rkv_results_from_the_example(example_db):
    rkv = read(example_db, "rkv_results", "rkv_id")
    first = rkv.loc["EUS1-RKV-0001"]
    assert first["person_id"] == pseudonymise("1505850002", DEMO_KEY)
    assert first["birth_date"] == dt.datetime(1985, 5, 15)
    assert first["gender"] == "female"
    assert (first["track_estimated"], first["track_decided"]) == ("EUV2", "EUV1")
    assert (first["days"], first["credit_weeks"]) == (2.5, 12.5)
    assert first["documents"] == "education_plan,competence_certificate"
    ikv = rkv.loc["EUS2-IKV-0005"]
    assert (ikv["rkv_type"], ikv["partner_id"]) == ("amu_ikv", "EUS2")  # partner by name
    assert rkv["track_decided"].isna()["EUS2-IKV-0005"]


def test_one_person_links_start_form_rkv_and_education_plan(example_db):
    participants = read(example_db, "participants", "participant_id")
    plans = read(example_db, "education_plans", "plan_id")
    rkv = read(example_db, "rkv_results", "rkv_id")
    person = rkv.loc["EUS2-RKV-0002", "person_id"]
    assert person in participants.index
    assert set(plans.index[plans["person_id"] == person]) == {"EUS2-UP-0002", "EUS2-UP-0003"}
    assert plans.loc["EAK-UP-0004", "programme_kind"] == "au"  # "Akademiuddannelse"


def test_no_cpr_number_is_stored(example_db):
    content = example_db.read_bytes()
    for kind in ("rkv-results", "education-plans"):
        text = (EXAMPLES / f"{kind}.csv").read_text("utf-8")
        for number in set(re.findall(r"(\d{6})-(\d{4})", text)):
            assert "-".join(number).encode() not in content
            assert "".join(number).encode() not in content


def test_rkv_results_need_a_key(example_db):
    with pytest.raises(PseudonymKeyError):
        import_file(
            "rkv", EXAMPLES / "rkv-results.csv", example_db, load_programme_config(), key=None
        )


CASES = {
    ("rkv-results", "bad-values.csv"): [
        (2, "Besluttet spor", "EUV2", "an EUV track is only for EUV-RKVs"),
        (3, "CPR-nummer", "140988-****", "not a valid CPR number (not 10 digits)"),
        (4, "CPR-nummer", "310288-****", "not a valid CPR number (impossible date)"),
        (5, "Dage", "12", "must be at most 10"),
        (
            5,
            "Dokumenter",
            "Eksamensbevis",
            "unknown value; allowed: Uddannelsesplan, Kompetencebevis, Uddannelsesbevis, "
            "Adgangsbevis",
        ),
        (5, "Estimeret spor", "EUV4", "unknown value; allowed: EUV1, EUV2, EUV3"),
        (5, "Merit (uger)", "-1", "must be at least 0"),
        (6, "Slutdato", None, "end date is before start date"),
        (7, "Skole", "EUS9", PARTNER_ERROR),
    ],
    ("education-plans", "bad-values.csv"): [
        (
            2,
            "Uddannelsestype",
            "Gymnasium",
            "unknown value; allowed: EUV, AMU, Akademiuddannelse, FVU, AVU, Adgangskursus",
        ),
        (3, "Forventet slutdato", None, "expected end is before start date"),
        (4, "CPR-nummer", "******-****", "not a valid CPR number (not 10 digits)"),
        (5, "Uddannelse", None, "a value is required"),
    ],
}


@pytest.mark.parametrize("kind,name", list(CASES), ids=["/".join(c) for c in CASES])
def test_bad_files_are_rejected_whole(example_db, reject, kind, name):
    found = reject(kind, BAD / kind / name, example_db)
    assert found == [(name, *problem) for problem in CASES[kind, name]]
    cpr = re.compile(r"\d{6}-?\d{3,4}")
    assert not any(cpr.search(str(problem)) for problem in found)
