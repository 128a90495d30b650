"""Consultants, external projects, networks, members, contacts and competence supply plans."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from research.config import load_programme_config
from research.ingest.importer import import_file
from research.ingest.kinds.organisation import industry_group, role
from research.store import connect, read_table

BAD = Path(__file__).parents[1] / "data" / "bad"
PARTNER_ERROR = "unknown partner; known: LEAD, EUS1, EUS2, EUS3, EAK, VH"
DATE_ERROR = "not a date; write it as dd-mm-åååå, e.g. 31-01-2026"
GROUP_ERROR = "not a DST 10-group; write its number 1-11 or its Danish name"
DUPLICATE = "the same key appears on more than one row"


def table(db: Path, name: str, key: str):
    with connect(db, read_only=True) as con:
        return read_table(con, name).set_index(key)


def test_consultants_from_the_example(example_db):
    consultants = table(example_db, "consultants", "consultant_id")
    assert len(consultants) == 6
    assert consultants.loc["K02", "partner_id"] == "EUS2"  # given by name: Erhvervsskole Syd
    assert consultants.loc["K02", "role"] == "leader"
    assert consultants.loc["K01", "name"] == "Søren Ærø"
    assert not consultants.loc["K03", "in_shared_concept"]
    assert consultants.loc["K03", "left_on"] == dt.datetime(2025, 12, 31)
    assert consultants["in_shared_concept"].sum() == 5


def test_networks_and_members_from_the_example(example_db):
    networks = table(example_db, "networks", "network_id")
    # by name, by number, and by a name with commas in it
    assert networks["industry_group"].to_dict() == {"NET01": 3, "NET02": 4, "NET03": 9}
    assert networks.loc["NET03", "partner_id"] == "EUS3"
    with connect(example_db, read_only=True) as con:
        members = read_table(con, "network_memberships")
    assert len(members) == 5
    left = members.dropna(subset=["left_on"])
    assert list(zip(left["network_id"], left["cvr"], strict=True)) == [("NET02", "99000058")]


def test_contacts_own_project_is_stored_as_no_external_project(example_db):
    contacts = table(example_db, "company_contacts", "contact_id")
    projects = contacts["external_project_id"]
    own = contacts["own_project"]
    assert projects.isna()["KT-0001"]  # written as KOMPETENCELOEFT, this project's own id
    assert own["KT-0001"]
    assert projects.isna()["KT-0002"] and own["KT-0002"]  # blank, but by our consultant K01
    assert not own["KT-0003"] and not own["KT-0004"]  # other projects
    assert projects.isna()["KT-0007"] and not own["KT-0007"]  # a job centre's ordinary visit
    assert projects["KT-0003"] == "VEU-KBH"
    assert contacts.loc["KT-0003", "kind"] == "one_to_one_visit"  # "Besøg" is an alias
    assert contacts.loc["KT-0004", "institution_type"] == "employment"
    assert contacts.loc["KT-0005", "network_id"] == "NET02"


def test_competence_plan_update_is_counted_and_audited(example_db, tmp_path):
    examples = Path(__file__).parents[2] / "src" / "research" / "ingest" / "examples"
    newer = tmp_path / "kompetenceplaner.csv"
    text = (examples / "competence-plans.csv").read_text("utf-8")
    newer.write_text(text.replace("Tømrerfaget;01-04-2025;2;4;6", "Tømrerfaget;01-04-2025;3;4;6"))
    result = import_file("kompetenceplaner", newer, example_db, load_programme_config(), key=None)
    assert (result.stats.added, result.stats.changed, result.stats.unchanged) == (0, 1, 5)
    with connect(example_db, read_only=True) as con:
        audit = con.execute(
            "SELECT kind, file_name, rows_changed FROM import_audit ORDER BY audit_id DESC LIMIT 1"
        ).fetchall()
    assert audit == [("competence-plans", "kompetenceplaner.csv", 1)]


def test_networks_from_excel_with_typed_cells(example_db, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Netværks-ID", "Navn", "Branchegruppe", "Tema", "Partner", "Oprettet"])
    sheet.append(["NET04", "Rådgivning Øst", 8, "Ledelse", "EAK", dt.datetime(2025, 9, 1)])
    path = tmp_path / "netværk.xlsx"
    book.save(path)
    result = import_file("netværk", path, example_db, load_programme_config(), key=None)
    assert result.stats.added == 1
    assert table(example_db, "networks", "network_id").loc["NET04", "industry_group"] == 8


@pytest.mark.parametrize(
    "value,expected",
    [(3, 3), (3.0, 3), ("11", 11), ("Bygge og anlæg", 3), ("bygge  OG anlæg", 3)],
)
def test_industry_group_by_number_or_name(value, expected):
    assert industry_group(value) == expected


@pytest.mark.parametrize("value", ["0", "12", "3,5", 2.5, "Byggeri"])
def test_industry_group_rejects(value):
    with pytest.raises(ValueError, match="not a DST 10-group"):
        industry_group(value)


def test_role_in_danish_or_english():
    assert [role(v) for v in ("Leder", "KONSULENT", "consultant")] == [
        "leader",
        "consultant",
        "consultant",
    ]
    with pytest.raises(ValueError, match="allowed: Leder, Konsulent"):
        role("Chef")


CASES = {
    ("consultants", "bad-values.csv"): [
        (2, "Partner", "EUS9", PARTNER_ERROR),
        (3, "Fælles koncept", "Måske", "write Ja or Nej"),
        (3, "Rolle", "Chef", "unknown value; allowed: Leder, Konsulent"),
        (4, "Slutdato", None, "leaving date is before joining date"),
        (5, "Startdato", "31-02-2025", DATE_ERROR),
    ],
    ("external-projects", "duplicate-id.csv"): [
        (2, "Projekt-ID", None, DUPLICATE),
        (3, "Projekt-ID", None, DUPLICATE),
        (4, "Projekt-ID", None, "a value is required"),
    ],
    ("networks", "bad-values.csv"): [
        (2, "Branchegruppe", "12", GROUP_ERROR),
        (3, "Branchegruppe", "Bygge", GROUP_ERROR),
        (4, "Partner", "Erhvervsskole Øst", PARTNER_ERROR),
        (5, "Oprettet", "2025-13-01", DATE_ERROR),
    ],
    ("network-members", "unknown-references.csv"): [
        (2, "CVR-nummer", "99000066", "unknown companies reference"),
        (3, "Netværks-ID", "NET99", "unknown networks reference"),
        (4, "Udmeldt", None, "leaving date is before joining date"),
        (5, "CVR-nummer", "12345678", "not a valid CVR number (CVR modulus-11 check failed)"),
    ],
    ("network-members", "duplicate-member.csv"): [
        (2, "CVR-nummer", None, DUPLICATE),
        (3, "CVR-nummer", None, DUPLICATE),
    ],
    ("contacts", "bad-values.csv"): [
        (
            2,
            "Institutionstype",
            "Kommune",
            "unknown value; allowed: Uddannelse, Erhvervsfremme, Beskæftigelse",
        ),
        (
            3,
            "Kontaktform",
            "Telefon",
            "unknown value; allowed: Virksomhedsbesøg, Netværksarrangement, Workshop",
        ),
        (4, "Projekt", "UKENDT-PROJEKT", "unknown external_projects reference"),
        (5, "Konsulent-ID", "K99", "unknown consultants reference"),
        (6, "CVR-nummer", "99000066", "unknown companies reference"),
    ],
    ("competence-plans", "bad-values.csv"): [
        (2, "Krævet niveau", "6", "must be at most 5"),
        (3, "Dato", None, DUPLICATE),
        (4, "Dato", None, DUPLICATE),
        (5, "Nuværende niveau", "0", "must be at least 1"),
        (6, "Antal medarbejdere", "-1", "must be at least 0"),
    ],
}


@pytest.mark.parametrize("kind,name", list(CASES), ids=["/".join(c) for c in CASES])
def test_bad_files_are_rejected_whole(example_db, reject, kind, name):
    found = reject(kind, BAD / kind / name, example_db)
    assert found == [(name, *problem) for problem in CASES[kind, name]]
