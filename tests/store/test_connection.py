"""Opening the store: never an extension download, one line for a path that is not a
workbench database, and an old schema upgraded only by a write, after a backup."""

from __future__ import annotations

import hashlib
import logging
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from research.cli import app
from research.config import load_programme_config
from research.errors import StoreError, ValidationFailed
from research.ingest.importer import import_file
from research.store.connection import connect, open_duckdb, schema_version
from research.store.read import read_table
from research.store.schema import LATEST_VERSION
from tests.store.old_schema import PREVIOUS_VERSION, make_old_database

EXAMPLES = Path(__file__).parents[2] / "src" / "research" / "ingest" / "examples"
BAD = Path(__file__).parents[1] / "data" / "bad"
CONFIG = load_programme_config()
runner = CliRunner()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def current_store(examples_store: Path) -> Path:
    """The example data in a database of this workbench version."""
    return examples_store


@pytest.fixture(scope="module")
def old_template(tmp_path_factory: pytest.TempPathFactory, current_store: Path) -> Path:
    """The example data in a database made by the previous workbench version (read-only)."""
    return make_old_database(tmp_path_factory.mktemp("old") / "old.duckdb", current_store)


@pytest.fixture
def old_db(tmp_path: Path, old_template: Path) -> Path:
    """A private copy of the old database, alone in its folder (backups land beside it)."""
    path = tmp_path / "old.duckdb"
    shutil.copyfile(old_template, path)
    return path


def _settings(con) -> tuple:
    return con.execute(
        "SELECT current_setting('autoinstall_known_extensions'), "
        "current_setting('autoload_known_extensions')"
    ).fetchall()[0]


def test_every_connection_has_extension_autoinstall_and_autoload_off(tmp_path):
    for con in (open_duckdb(), connect(None), connect(tmp_path / "new.duckdb")):
        assert _settings(con) == (False, False)
        con.close()
    with connect(tmp_path / "new.duckdb", read_only=True) as con:
        assert _settings(con) == (False, False)


def test_no_duckdb_connect_outside_the_store_connection_module():
    source = Path(__file__).parents[2] / "src" / "research"
    offenders = [
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if "duckdb.connect(" in path.read_text(encoding="utf-8")
        and path.relative_to(source).as_posix() != "store/connection.py"
    ]
    assert offenders == []


def _sqlite_file(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    return path


def test_an_sqlite_file_never_makes_duckdb_fetch_an_extension(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # where DuckDB would install sqlite_scanner
    db = _sqlite_file(tmp_path / "workbench.duckdb")
    for read_only in (True, False):
        with pytest.raises(StoreError, match="is an SQLite file, not a DuckDB database file"):
            connect(db, read_only=read_only)
    assert not (home / ".duckdb").exists(), "DuckDB tried to install an extension"


def _not_a_workbench_database(kind: str, tmp_path: Path) -> Path:
    path = tmp_path / "workbench.duckdb"
    if kind == "sqlite":
        _sqlite_file(path)
    elif kind == "text":
        path.write_text("CVR-nummer;Navn\n", encoding="utf-8")
    elif kind == "folder":
        path.mkdir()
    else:  # a DuckDB database of something else
        con = open_duckdb(path)
        con.execute("CREATE TABLE sales (x INTEGER)")
        con.close()
    return path


NOT_A_WORKBENCH = ["sqlite", "text", "folder", "other-duckdb"]


@pytest.mark.parametrize("kind", NOT_A_WORKBENCH)
@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["import", "companies", str(EXAMPLES / "companies.csv"), "--dry-run"],
        ["import", "companies", str(EXAMPLES / "companies.csv")],
        ["report"],
    ],
    ids=["check", "import-dry-run", "import", "report"],
)
def test_a_path_that_is_not_a_workbench_database_gets_one_line(kind, command, tmp_path):
    db = _not_a_workbench_database(kind, tmp_path)
    before = None if db.is_dir() else sha(db)
    result = runner.invoke(app, [*command, "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    assert str(db) in lines[0]
    assert "Traceback" not in result.output
    if before is not None:
        assert sha(db) == before


@pytest.mark.e2e  # a whole old-schema store through a command (unit keeps backup-then-upgrade)
def test_check_does_not_upgrade_an_old_database(old_db):
    before = sha(old_db)
    result = runner.invoke(app, ["check", "--db", str(old_db)])
    assert result.exit_code == 0, result.output
    assert "the database is clean" in result.output
    assert sha(old_db) == before
    assert not list(old_db.parent.glob("*.schema-v*"))


@pytest.mark.e2e  # a whole old-schema store through a command (unit keeps backup-then-upgrade)
def test_dry_run_does_not_upgrade_an_old_database(old_db, tmp_path):
    corrected = tmp_path / "networks.csv"
    text = (EXAMPLES / "networks.csv").read_text("utf-8")
    corrected.write_text(text.replace("Lager og logistik Vest", "Lager og logistik"), "utf-8")
    before = sha(old_db)
    result = import_file("networks", corrected, old_db, CONFIG, key=None, dry_run=True)
    assert result.stats.changed == 1
    assert sha(old_db) == before
    assert not list(tmp_path.glob("*.schema-v*"))


@pytest.mark.e2e  # a whole old-schema store through a command (unit keeps backup-then-upgrade)
def test_a_rejected_import_does_not_upgrade_an_old_database(old_db):
    before = sha(old_db)
    with pytest.raises(ValidationFailed):
        import_file("companies", BAD / "companies" / "bad-values.csv", old_db, CONFIG, key=None)
    assert sha(old_db) == before
    assert not list(old_db.parent.glob("*.schema-v*"))


@pytest.mark.e2e  # a whole old-schema store through a command (unit keeps backup-then-upgrade)
def test_the_report_context_does_not_upgrade_an_old_database(old_db):
    from research.report.kit.context import load_context

    before = sha(old_db)
    ctx = load_context(old_db, "2025Q4")
    assert len(ctx.tables["enrolments"]) == 5
    assert sha(old_db) == before


def test_a_write_backs_up_then_upgrades_and_says_so(old_db, tmp_path, caplog):
    original = old_db.read_bytes()
    corrected = tmp_path / "companies.csv"
    text = (EXAMPLES / "companies.csv").read_text("utf-8")
    corrected.write_text(text.replace("Demo Byg ApS", "Demo Byg og Anlæg ApS"), "utf-8")
    with caplog.at_level(logging.WARNING, logger="research.store"):
        result = import_file("companies", corrected, old_db, CONFIG, key=None)
    assert result.stats.changed == 1
    backups = list(tmp_path.glob(f"old.schema-v{PREVIOUS_VERSION}-*.duckdb"))
    assert len(backups) == 1 and backups[0].read_bytes() == original
    messages = [r.getMessage() for r in caplog.records if r.name == "research.store"]
    assert len(messages) == 1 and "\n" not in messages[0]
    assert f"from schema version {PREVIOUS_VERSION} to {LATEST_VERSION}" in messages[0]
    assert str(backups[0]) in messages[0]
    with connect(old_db, read_only=True) as con:
        assert schema_version(con) == LATEST_VERSION
        names = read_table(con, "companies").set_index("cvr")["name"]
    assert names["99000015"] == "Demo Byg og Anlæg ApS"


@pytest.mark.e2e  # a whole old-schema store through a command (unit keeps backup-then-upgrade)
def test_a_copy_of_an_old_database_reads_like_the_current_one(old_db, current_store):
    with connect(old_db, read_only=True) as old, connect(current_store, read_only=True) as new:
        for table in ("participants", "enrolments", "survey_answers"):
            assert read_table(old, table).equals(read_table(new, table))


@pytest.mark.e2e  # a whole old-schema store through a command (unit keeps backup-then-upgrade)
def test_an_unreadable_backup_location_refuses_the_upgrade(old_db, monkeypatch):
    def no_space(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", no_space)
    before = sha(old_db)
    with pytest.raises(StoreError, match=r"backup copy .* could not be written"):
        connect(old_db)
    assert sha(old_db) == before


def _constraints(con) -> list[tuple]:
    return sorted(
        con.execute(
            "SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() "
            "WHERE database_name = current_database()"
        ).fetchall()
    )


def test_an_upgraded_database_has_the_constraints_of_a_new_one_without_foreign_keys(
    old_db, tmp_path
):
    with open_duckdb(old_db, read_only=True) as con:
        assert any(c[1] == "FOREIGN KEY" for c in _constraints(con))  # an older workbench's
    with connect(old_db) as upgraded, connect(tmp_path / "new.duckdb") as new:
        assert _constraints(upgraded) == _constraints(new)
        assert not [c for c in _constraints(upgraded) if c[1] == "FOREIGN KEY"]
        assert any(c[1] == "CHECK" for c in _constraints(upgraded))


@pytest.mark.e2e  # a whole old-schema store through a command (unit keeps backup-then-upgrade)
def test_a_corrected_network_in_an_old_database_is_stored_after_the_upgrade(old_db, tmp_path):
    corrected = tmp_path / "networks.csv"
    text = (EXAMPLES / "networks.csv").read_text("utf-8")
    corrected.write_text(text.replace("Lager og logistik Vest", "Lager og logistik"), "utf-8")
    result = import_file("networks", corrected, old_db, CONFIG, key=None)
    assert result.stats.changed == 1
    with connect(old_db, read_only=True) as con:
        networks = read_table(con, "networks").set_index("network_id")["name"]
        workshops = read_table(con, "workshops")
    assert networks["NET02"] == "Lager og logistik"
    assert (workshops["network_id"] == "NET02").any()  # what points at it is still there
