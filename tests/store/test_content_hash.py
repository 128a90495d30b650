"""The content hash: kept beside a snapshot only for as long as the file is the same file."""

from __future__ import annotations

import shutil
from pathlib import Path

from research.ingest.importer import import_file
from research.store import connect
from research.store.content_hash import KEPT_SUFFIX, database_hash

EXAMPLES = Path(__file__).parents[2] / "src" / "research" / "ingest" / "examples"


def _store(path: Path) -> Path:
    from research.config import load_programme_config
    from research.ingest.pseudonym import DEMO_KEY

    import_file(
        "companies", EXAMPLES / "companies.csv", path, load_programme_config(), key=DEMO_KEY
    )
    return path


def test_a_kept_hash_is_the_hash_and_is_read_back_instead_of_hashing(tmp_path, monkeypatch):
    db = _store(tmp_path / "snapshot.duckdb")
    plain = database_hash(db)
    assert database_hash(db, keep=True) == plain
    assert (tmp_path / f"snapshot.duckdb{KEPT_SUFFIX}").is_file()
    monkeypatch.setattr("research.store.content_hash._hashed", lambda _p: "hashed again")
    assert database_hash(db) == plain


def test_a_changed_file_is_hashed_anew_and_a_plain_hash_keeps_nothing(tmp_path):
    db = _store(tmp_path / "snapshot.duckdb")
    kept = database_hash(db, keep=True)
    with connect(db) as con:
        con.execute("DELETE FROM companies")
    assert database_hash(db) != kept
    other = tmp_path / "other.duckdb"
    shutil.copy(db, other)
    database_hash(other)
    assert not (tmp_path / f"other.duckdb{KEPT_SUFFIX}").exists()
