"""Progress against targets on a hand-made programme whose numbers can be checked by eye."""

from __future__ import annotations

import pandas as pd
import pytest

from research.config import load_programme_config
from research.domain.period import Quarter
from research.metrics.progress import INDICATORS, progress_series, progress_table
from tests.metrics.builders import empty_tables, enrol, person, table

CONFIG_TOML = """
[project]
name = "Test"
id = "T"
start = 2025-01-01
end = 2025-12-31
[targets.participants]
value = 8
[targets.participants_employed]
value = 4
[targets.skilled_completed]
value = 4
milestones = { "2025Q2" = 0.0, "2025Q3" = 0.5 }
[targets.consultants]
value = 2
[targets.side_effect_unskilled]
value = 10
counts_towards_targets = false
[[partners]]
id = "EUS1"
name = "Skole"
kind = "vocational_college"
"""


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "project.toml"
    path.write_text(CONFIG_TOML, "utf-8")
    return load_programme_config(path)


@pytest.fixture
def tables():
    empty = empty_tables()
    participants = table(
        "participants",
        [
            person("A", "employed"),
            person("B", "employed"),
            person("C", "unemployed"),
            person("D", "self_employed"),
            person("S", "employed"),  # only a side effect: never a participant in the targets
        ],
    )
    enrolments = table(
        "enrolments",
        [
            # A starts in Q1 and again in Q2: one participant, from Q1 (ESF once-only rule).
            enrol("e1", "A", "skilled_lift", "2025-02-01", "2025-08-15", "completed"),
            enrol("e2", "A", "preparatory", "2025-04-01", kind="fvu"),
            enrol("e3", "B", "skilled_lift", "2025-05-10", "2025-09-01", "dropped_out"),
            enrol("e4", "C", "skilled_lift", "2025-07-01", "2025-09-30", "completed"),
            enrol("e5", "D", "academy_lift", "2025-08-01", kind="au"),
            enrol("e6", "S", "side_effect", "2025-03-01", kind="amu"),
        ],
    )
    consultants = table(
        "consultants",
        [
            {
                "consultant_id": "K1",
                "name": "X",
                "partner_id": "EUS1",
                "role": "consultant",
                "in_shared_concept": True,
                "joined_on": "2025-01-15",
            },
            {
                "consultant_id": "K2",
                "name": "Y",
                "partner_id": "EUS1",
                "role": "leader",
                "in_shared_concept": False,
                "joined_on": "2025-01-15",
            },
        ],
    )
    return empty | {
        "participants": participants,
        "enrolments": enrolments,
        "consultants": consultants,
    }


def test_cumulative_and_new_by_quarter(tables, config):
    series = progress_series(tables, config, Quarter(2025, 3)).set_index(["indicator", "quarter"])
    # Participants: A (Q1), B (Q2), C and D (Q3); S is a side effect only.
    assert series.loc["participants", "cumulative"].tolist() == [1, 2, 4]
    assert series.loc["participants", "new"].tolist() == [1, 1, 2]
    # Employed at entry: A, B and D (self-employed counts as employed); C is unemployed.
    assert series.loc["participants_employed", "cumulative"].tolist() == [1, 2, 3]
    # Completions: A on 15 Aug and C on 30 Sep; B dropped out.
    assert series.loc["skilled_completed", "cumulative"].tolist() == [0, 0, 2]
    assert series.loc["side_effect_unskilled", "cumulative"].tolist() == [1, 1, 1]


def test_summary_row_against_the_plan(tables, config):
    table_ = progress_table(tables, config, Quarter(2025, 3)).set_index("indicator")
    row = table_.loc["participants"]
    # Linear plan over 2025: by 30 Sep 273 of 365 days → expected 8 · 273/365 = 5.98.
    assert row["expected"] == pytest.approx(8 * 273 / 365)
    assert row["achieved"] == 4 and row["new_in_quarter"] == 2 and row["previous"] == 2
    assert row["share_of_target"] == pytest.approx(0.5)
    # 4 / 5.98 = 0.67 < 0.80 → red.
    assert row["light"] == "red"
    # Completions follow their own milestones: 50 % of 4 by the end of Q3 → 2 expected, 2 done.
    done = table_.loc["skilled_completed"]
    assert done["expected"] == pytest.approx(2.0)
    assert done["light"] == "green"
    # Only one consultant is in the shared concept; a stock is not extrapolated.
    assert table_.loc["consultants", "achieved"] == 1
    assert pd.isna(table_.loc["consultants", "forecast"])
    # Side effects are shown but never lit up as a target.
    assert pd.isna(table_.loc["side_effect_unskilled", "light"])
    assert not table_.loc["side_effect_unskilled", "counts_towards_targets"]


def test_every_indicator_is_in_the_table(tables, config):
    table_ = progress_table(tables, config, Quarter(2025, 3))
    assert table_["indicator"].tolist() == [i.key for i in INDICATORS]
    assert table_["label_da"].str.len().gt(0).all()


def test_progress_table_takes_the_quarter_as_a_string(tables, config):
    # "2026Q3" typed in a notebook used to end in AttributeError: 'str' has no attribute 'end'
    by_string = progress_table(tables, config, "2025Q3")
    pd.testing.assert_frame_equal(by_string, progress_table(tables, config, Quarter(2025, 3)))
    assert len(progress_series(tables, config, "2025Q2")) > 0


def test_progress_table_refuses_a_wrong_quarter_in_one_line(tables, config):
    from research.errors import ResearchError

    with pytest.raises(ResearchError, match="quarter: '2025Q9' is not a quarter"):
        progress_table(tables, config, "2025Q9")


def test_shared_tables_count_once_and_give_the_same_series(tables, config, monkeypatch):
    """A ``SharedTables`` counts every quarter once; each quarter's series and table is the same
    as counted on its own."""
    from research.metrics import progress
    from research.metrics.common import SharedTables

    alone = {q: progress_series(tables, config, q) for q in ("2025Q1", "2025Q3", "2025Q4")}
    table_alone = progress_table(tables, config, "2025Q3")
    counted = []
    real = progress._series
    monkeypatch.setattr(progress, "_series", lambda *a: counted.append(a[2]) or real(*a))
    shared = SharedTables(tables)
    for quarter, series in alone.items():
        pd.testing.assert_frame_equal(progress_series(shared, config, quarter), series)
    pd.testing.assert_frame_equal(progress_table(shared, config, "2025Q3"), table_alone)
    assert [str(q) for q in counted] == ["2025Q4"]  # to the project's end, once
    # the caller may change what it got without changing the next answer
    got = progress_series(shared, config, "2025Q3")
    got["cumulative"] = -1
    pd.testing.assert_frame_equal(progress_series(shared, config, "2025Q3"), alone["2025Q3"])
