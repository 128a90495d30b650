"""The progress series counted in the store equals the one pandas counts, cell for cell."""

from __future__ import annotations

import pandas as pd
import pytest

from research.config import load_programme_config
from research.metrics.progress import INDICATORS, progress_series, progress_table
from research.metrics.progress_store import COUNTS, progress_series_from_store
from research.simulate import simulate
from research.store import connect, read_tables, write_tables
from tests.metrics.test_progress import CONFIG_TOML
from tests.metrics.test_progress import tables as hand_made  # noqa: F401  (a fixture)


def test_every_indicator_has_its_sql():
    assert [i.key for i in INDICATORS] == list(COUNTS)
    assert {i.key for i in INDICATORS if i.stock is not None} == {
        key for key, count in COUNTS.items() if count.stock
    }


def test_the_hand_made_programme_counts_the_same_in_the_store(hand_made, tmp_path):  # noqa: F811
    path = tmp_path / "project.toml"
    path.write_text(CONFIG_TOML, "utf-8")
    config = load_programme_config(path)
    con = connect(None)
    write_tables(con, hand_made)
    for quarter in ("2025Q1", "2025Q3", "2025Q4"):
        pd.testing.assert_frame_equal(
            progress_series_from_store(con, config, quarter),
            progress_series(hand_made, config, quarter),
            check_exact=True,
        )


@pytest.mark.validation  # simulates a scale-1 programme
def test_a_simulated_programme_counts_the_same_in_the_store(tmp_path):
    config = load_programme_config()
    db = tmp_path / "demo.duckdb"
    simulate(db, config, seed=11, until="2026-09-30")
    with connect(db, read_only=True) as con:
        tables = read_tables(con)
        series = progress_series_from_store(con, config, "2027Q4")
        for quarter in ("2025Q2", "2026Q3"):
            pd.testing.assert_frame_equal(
                progress_series_from_store(con, config, quarter),
                progress_series(tables, config, quarter),
                check_exact=True,
            )
    pd.testing.assert_frame_equal(
        progress_table(None, config, "2026Q3", series=series),
        progress_table(tables, config, "2026Q3"),
        check_exact=True,
    )
