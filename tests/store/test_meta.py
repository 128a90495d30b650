"""What a database says about itself: the origin of its data and its key's fingerprint."""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from research.config import load_programme_config
from research.errors import PseudonymKeyError
from research.ingest.importer import import_file
from research.ingest.pseudonym import DEMO_KEY
from research.simulate import simulate
from research.store import connect
from research.store.meta import (
    check_key,
    data_origin,
    key_fingerprint,
    record_origin,
    recorded_fingerprint,
)
from research.store.schema import MIGRATIONS

EXAMPLES = Path(__file__).parents[2] / "src" / "research" / "ingest" / "examples"
CONFIG = load_programme_config()
OWN_KEY = b"k3Y-5ecret!9qZ#xw2Lp7-own-key"
OTHER_KEY = b"another-Secret-key-9f8e7d6c5b"


def origin(path: Path) -> str:
    with connect(path, read_only=True) as con:
        return data_origin(con)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_database_is_empty(tmp_path):
    path = tmp_path / "new.duckdb"
    with connect(path) as con:
        assert data_origin(con) == "empty"
        assert recorded_fingerprint(con) is None


@pytest.mark.e2e  # four whole imports into new stores
def test_demo_key_imports_are_synthetic_and_own_key_imports_real(tmp_path):
    demo = tmp_path / "demo.duckdb"
    import_file("companies", EXAMPLES / "companies.csv", demo, CONFIG, key=DEMO_KEY)
    import_file("start-forms", EXAMPLES / "start-forms.csv", demo, CONFIG, key=DEMO_KEY)
    assert origin(demo) == "synthetic"
    with connect(demo, read_only=True) as con:
        assert recorded_fingerprint(con) == key_fingerprint(DEMO_KEY)

    real = tmp_path / "real.duckdb"
    import_file("companies", EXAMPLES / "companies.csv", real, CONFIG, key=None)
    assert origin(real) == "real"
    import_file("start-forms", EXAMPLES / "start-forms.csv", real, CONFIG, key=OWN_KEY)
    assert origin(real) == "real"


def test_demo_flag_without_a_key_is_synthetic_and_both_are_mixed(tmp_path):
    path = tmp_path / "x.duckdb"
    import_file("companies", EXAMPLES / "companies.csv", path, CONFIG, key=None, demo=True)
    assert origin(path) == "synthetic"
    import_file("external-projects", EXAMPLES / "external-projects.csv", path, CONFIG, key=None)
    assert origin(path) == "mixed"


def test_a_dry_run_or_a_rejected_import_records_nothing(tmp_path):
    path = tmp_path / "x.duckdb"
    import_file("external-projects", EXAMPLES / "external-projects.csv", path, CONFIG, key=None)
    import_file("companies", EXAMPLES / "companies.csv", path, CONFIG, key=DEMO_KEY, dry_run=True)
    assert origin(path) == "real"


@pytest.mark.e2e  # simulates a programme into a new store
def test_the_simulator_records_synthetic_and_the_demo_key(tmp_path):
    path = tmp_path / "sim.duckdb"
    simulate(path, CONFIG, seed=7, scale=0.05)
    assert origin(path) == "synthetic"
    with connect(path, read_only=True) as con:
        assert recorded_fingerprint(con) == key_fingerprint(DEMO_KEY)
        with pytest.raises(PseudonymKeyError, match="another key"):
            check_key(con, OWN_KEY)
    # a real import into a simulated database is refused: its pseudonyms use another key
    before = sha(path)
    with pytest.raises(PseudonymKeyError, match="rotate the key"):
        import_file("start-forms", EXAMPLES / "start-forms.csv", path, CONFIG, key=OWN_KEY)
    assert sha(path) == before


@pytest.mark.e2e  # four whole imports into new stores
def test_another_key_is_refused_with_a_line_about_rotation(tmp_path):
    path = tmp_path / "own.duckdb"
    import_file("companies", EXAMPLES / "companies.csv", path, CONFIG, key=None)
    import_file("start-forms", EXAMPLES / "start-forms.csv", path, CONFIG, key=OWN_KEY)
    before = sha(path)
    for dry_run in (True, False):
        with pytest.raises(PseudonymKeyError) as exc:
            import_file(
                "stop-forms",
                EXAMPLES / "stop-forms.csv",
                path,
                CONFIG,
                key=OTHER_KEY,
                dry_run=dry_run,
            )
        message = str(exc.value)
        assert "\n" not in message
        assert "another key" in message and "rotate the key" in message
        assert key_fingerprint(OWN_KEY) in message and key_fingerprint(OTHER_KEY) in message
    assert sha(path) == before
    # the right key still works
    import_file("stop-forms", EXAMPLES / "stop-forms.csv", path, CONFIG, key=OWN_KEY)


@pytest.mark.e2e  # four whole imports into new stores
def test_the_fingerprint_reveals_nothing_of_the_key(tmp_path):
    path = tmp_path / "own.duckdb"
    import_file("companies", EXAMPLES / "companies.csv", path, CONFIG, key=None)
    import_file("start-forms", EXAMPLES / "start-forms.csv", path, CONFIG, key=OWN_KEY)
    content = path.read_bytes()
    assert OWN_KEY not in content and OWN_KEY.hex().encode() not in content
    fingerprint = key_fingerprint(OWN_KEY)
    assert len(fingerprint) == 16 and fingerprint != key_fingerprint(OTHER_KEY)
    assert fingerprint not in hashlib.sha256(OWN_KEY).hexdigest()


def _old_database(path: Path, *, synthetic: bool) -> None:
    """A database as the workbench made it before workbench_meta existed (schema 2)."""
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
        "description VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    for version, description, ddl in MIGRATIONS[:2]:
        con.execute(ddl)
        con.execute(
            "INSERT INTO schema_version VALUES (?, ?, ?)", [version, description, datetime.now()]
        )
    con.execute(
        "INSERT INTO companies VALUES ('99000015', 'Demo', '412000', 3, 10, NULL, 151, ?)",
        [synthetic],
    )
    con.close()


@pytest.mark.parametrize(("synthetic", "expected"), [(True, "synthetic"), (False, "real")])
def test_an_older_database_gets_its_origin_from_the_synthetic_flags(tmp_path, synthetic, expected):
    path = tmp_path / "old.duckdb"
    _old_database(path, synthetic=synthetic)
    raw = duckdb.connect(str(path), read_only=True)  # not migrated yet: read from the flags
    assert data_origin(raw) == expected
    raw.close()
    copy = tmp_path / "migrated.duckdb"
    shutil.copy(path, copy)
    with connect(copy) as con:  # migrated: the inference is recorded once
        assert data_origin(con) == expected
        record_origin(con, "real", "import companies")
        assert data_origin(con) == ("mixed" if synthetic else "real")
