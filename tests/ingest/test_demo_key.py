"""The public demo key takes only the synthetic demo files it was made for."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from research.config import load_programme_config
from research.errors import ValidationFailed
from research.ingest.importer import import_file
from research.ingest.pseudonym import DEMO_KEY

BAD = Path(__file__).parents[1] / "data" / "bad"
EXAMPLES = Path(__file__).parents[2] / "src" / "research" / "ingest" / "examples"
CONFIG = load_programme_config()
OWN_KEY = b"k3Y-5ecret!9qZ#xw2Lp7-own-key"


@pytest.fixture
def companies_db(tmp_path) -> Path:
    path = tmp_path / "companies.duckdb"
    import_file("companies", EXAMPLES / "companies.csv", path, CONFIG, key=None)
    return path


def test_demo_key_refuses_numbers_that_are_not_synthetic(companies_db, tmp_path):
    bad = tmp_path / "start.csv"
    shutil.copy(BAD / "start-forms" / "real-cpr-numbers.csv", bad)
    with pytest.raises(ValidationFailed) as exc:
        import_file("start-forms", bad, companies_db, CONFIG, key=DEMO_KEY)
    refused = [(p.row, p.value) for p in exc.value.problems]
    # a number that passes modulus 11, and a 1 January number without it: both can be real
    assert refused == [(3, "150384-****"), (4, "010165-****")]
    assert all("synthetic demo CPR number" in p.reason for p in exc.value.problems)
    assert not re.search(r"150384.?1009|010165.?1234", exc.value.report())


def test_own_key_takes_the_same_file(tmp_path):
    db = tmp_path / "own.duckdb"
    import_file("companies", EXAMPLES / "companies.csv", db, CONFIG, key=None)
    bad = tmp_path / "start.csv"
    shutil.copy(BAD / "start-forms" / "real-cpr-numbers.csv", bad)
    result = import_file("start-forms", bad, db, CONFIG, key=OWN_KEY)
    assert result.stats.added == 6  # three people and their three enrolments
