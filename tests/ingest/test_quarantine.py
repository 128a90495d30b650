"""The quarantine file: safe to open in a spreadsheet, never written through a planted link, and
a --lenient import that keeps no row fails."""

from __future__ import annotations

import csv
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


def run(kind: str, path: Path, db: Path, **options):
    return import_file(kind, path, db, CONFIG, key=DEMO_KEY, **options)


@pytest.fixture
def companies_db(tmp_path) -> Path:
    path = tmp_path / "companies.duckdb"
    run("companies", EXAMPLES / "companies.csv", path)
    return path


def quarantined_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def test_no_cell_of_the_quarantine_runs_as_a_formula(companies_db, tmp_path):
    bad = tmp_path / "start.csv"
    shutil.copy(BAD / "start-forms" / "formulas.csv", bad)
    with pytest.raises(ValidationFailed):  # every row is bad, so even --lenient fails
        run("start-forms", bad, companies_db, lenient=True)
    rows = quarantined_rows(tmp_path / "start.quarantine.csv")
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert [c for c in cells if c.startswith("-")] == ["-5"]  # a plain number stays a number
    assert rows[0]["Uddannelse"].startswith("'=HYPERLINK(")
    assert rows[1]["Uddannelse"] == "'@SUM(1+1)"
    assert rows[1]["Rekrutteringsvej"] == "'+cmd|calc"
    assert rows[1]["02-krav opfyldt"] == "'-2+3"


def test_lenient_that_keeps_no_row_fails_and_says_so(companies_db, tmp_path):
    bad = tmp_path / "start.csv"
    shutil.copy(BAD / "start-forms" / "formulas.csv", bad)
    with pytest.raises(ValidationFailed) as exc:
        run("start-forms", bad, companies_db, lenient=True)
    assert "every one of the 2 rows" in exc.value.summary
    assert "nothing was imported" in exc.value.summary
    assert (tmp_path / "start.quarantine.csv").exists()


def test_lenient_that_keeps_no_row_exits_non_zero(companies_db, tmp_path):
    from typer.testing import CliRunner

    from research.cli import app

    bad = tmp_path / "start.csv"
    shutil.copy(BAD / "start-forms" / "formulas.csv", bad)
    result = CliRunner().invoke(
        app,
        ["import", "start-forms", str(bad), "--db", str(companies_db), "--demo-key", "--lenient"],
    )
    assert result.exit_code != 0


@pytest.mark.parametrize("planted", ["start.quarantine.csv", "start.quarantine.tmp"])
def test_a_link_planted_next_to_the_input_is_never_followed(companies_db, tmp_path, planted):
    bad = tmp_path / "start.csv"
    shutil.copy(BAD / "start-forms" / "cpr-column-alias.csv", bad)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", "utf-8")
    (tmp_path / planted).symlink_to(victim)
    result = run("start-forms", bad, companies_db, lenient=True)
    assert victim.read_text("utf-8") == "keep me"
    assert result.quarantine == tmp_path / "start.quarantine.csv"
    assert not result.quarantine.is_symlink()
    assert quarantined_rows(result.quarantine)[0]["Række"] == "3"
    assert not list(tmp_path.glob(".start.quarantine.*"))  # no temporary file left behind
