"""The action researchers' context-mechanism-outcome register."""

from __future__ import annotations

from pathlib import Path

import pytest

from research.config import load_programme_config
from research.ingest.importer import import_file
from research.store import connect, read_table

BAD = Path(__file__).parents[1] / "data" / "bad"
EXAMPLES = Path(__file__).parents[2] / "src" / "research" / "ingest" / "examples"
DUPLICATE = "the same key appears on more than one row"


def observations(db: Path):
    with connect(db, read_only=True) as con:
        return read_table(con, "cmo_observations").set_index("observation_id")


def test_observations_from_the_example(example_db):
    found = observations(example_db)
    assert found["status"].to_dict() == {
        "CMO-001": "hypothesised",
        "CMO-002": "hypothesised",
        "CMO-003": "supported",
    }
    assert found.loc["CMO-001", "mechanism_reasoning"].startswith("Lederne ser")
    assert found.loc["CMO-001", "researcher"] == "ÅN"
    assert found["network_id"].isna()["CMO-003"]


def test_a_refined_observation_replaces_the_earlier_version(example_db, tmp_path):
    newer = tmp_path / "observationer.csv"
    text = (EXAMPLES / "observations.csv").read_text("utf-8")
    newer.write_text(text.replace(";Hypotese;rkv;NET01", ";Forfinet;rkv;NET01"), "utf-8")
    result = import_file("cmo", newer, example_db, load_programme_config(), key=None)
    assert (result.stats.added, result.stats.changed, result.stats.unchanged) == (0, 1, 2)
    assert observations(example_db).loc["CMO-001", "status"] == "refined"
    with connect(example_db, read_only=True) as con:
        audit = con.execute(
            "SELECT kind, rows_changed FROM import_audit ORDER BY audit_id DESC LIMIT 1"
        ).fetchall()
    assert audit == [("observations", 1)]


def test_bad_observations_are_rejected_whole(example_db, reject):
    found = reject("observations", BAD / "observations" / "bad-values.csv", example_db)
    statuses = "Hypotese, Understøttet, Afkræftet, Forfinet"
    assert [problem[1:] for problem in found] == [
        (2, "Status", "Bekræftet", f"unknown value; allowed: {statuses}"),
        (3, "Netværks-ID", "NET99", "unknown networks reference"),
        (4, "Observations-ID", None, DUPLICATE),
        (5, "Observations-ID", None, DUPLICATE),
        (6, "Kontekst", None, "a value is required"),
    ]
    assert {problem[0] for problem in found} == {"bad-values.csv"}


@pytest.mark.parametrize("name", ["observationer", "cmo", "observations"])
def test_kind_names(name, tmp_path):
    # observations need no other data unless they name a network
    path = tmp_path / "obs.csv"
    text = (EXAMPLES / "observations.csv").read_text("utf-8")
    path.write_text(text.replace(";NET01\n", ";\n").replace(";NET02\n", ";\n"), "utf-8")
    result = import_file(name, path, tmp_path / "x.duckdb", load_programme_config(), key=None)
    assert (result.kind, result.stats.added) == ("observations", 3)
