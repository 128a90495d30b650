"""Writing into an empty table skips the row-by-row comparison an upsert makes otherwise."""

from __future__ import annotations

from pathlib import Path

from research.config import load_programme_config
from research.ingest.importer import import_file
from research.ingest.pseudonym import DEMO_KEY
from research.store.connection import connect
from research.store.read import read_table

EXAMPLES = Path(__file__).parents[2] / "src" / "research" / "ingest" / "examples"


def test_an_empty_table_is_filled_without_comparing_and_a_full_one_is_compared(
    tmp_path, monkeypatch
):
    import research.store.write as write

    compared: list[str] = []
    real = write.diff_counts

    def counted(con, table, frame):
        compared.append(table)
        return real(con, table, frame)

    monkeypatch.setattr(write, "diff_counts", counted)
    path = tmp_path / "store.duckdb"
    config = load_programme_config()
    import_file("companies", EXAMPLES / "companies.csv", path, config, key=DEMO_KEY)
    assert compared == []
    with connect(path, read_only=True) as con:
        first = read_table(con, "companies")
    assert len(first) > 0
    import_file("companies", EXAMPLES / "companies.csv", path, config, key=DEMO_KEY)
    with connect(path, read_only=True) as con:
        assert read_table(con, "companies").equals(first)  # the same file again: no change
