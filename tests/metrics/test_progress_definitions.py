"""The progress counts as the application defines them, on a few hand-made rows each.

Issue 10 §2, items 1-4 and 9: lifts "started" (completed or still in training), lights at the
end against the target, RKV per person, side effects only while not a participant, and "now"
beside "ever" for the consultant corps and the network members.
"""

from __future__ import annotations

import pandas as pd
import pytest

from research.config import load_programme_config
from research.domain.period import Quarter
from research.metrics.progress import progress_series, progress_table
from tests.metrics.builders import empty_tables, enrol, person, table

CONFIG_TOML = """
[project]
name = "Test"
id = "T"
start = 2025-01-01
end = 2025-12-31
[targets.skilled_started]
value = 3
[targets.skilled_completed]
value = 2
[targets.rkv]
value = 3
[targets.consultants]
value = 2
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


def _rkv(rkv_id: str, person_id: str, ended_on: str) -> dict:
    return {
        "rkv_id": rkv_id,
        "person_id": person_id,
        "birth_date": "1980-01-01",
        "gender": "female",
        "partner_id": "EUS1",
        "rkv_type": "euv",
        "started_on": ended_on,
        "ended_on": ended_on,
        "target_education": "Tømrer",
    }


def _consultant(cid: str, joined: str, left: str | None = None) -> dict:
    return {
        "consultant_id": cid,
        "name": cid,
        "partner_id": "EUS1",
        "role": "consultant",
        "in_shared_concept": True,
        "joined_on": joined,
        "left_on": left,
    }


@pytest.fixture
def tables():
    t = empty_tables()
    t["participants"] = table(
        "participants",
        [
            person("A"),
            person("B"),
            person("C"),
            person("D"),
            person("S1", education="H10"),  # side effect, later starts a lift
            person("S2", education="H30"),  # skilled side effect
            person("S3", education="H35"),  # skilled side effect (access course level)
            person("S4", education="H40"),  # higher education: neither side-effect target
            person("S5", education="H90"),  # unknown education
        ],
    )
    t["enrolments"] = table(
        "enrolments",
        [
            # A completes, B drops out, C leaves for a job, D is still in training.
            enrol("e1", "A", "skilled_lift", "2025-02-01", "2025-11-01", "completed"),
            enrol("e2", "B", "skilled_lift", "2025-02-01", "2025-08-01", "dropped_out"),
            enrol("e3", "C", "skilled_lift", "2025-05-01", "2025-10-01", "left_for_job"),
            enrol("e4", "D", "skilled_lift", "2025-05-01"),
            enrol("s1", "S1", "side_effect", "2025-02-01", kind="amu"),
            enrol("s1b", "S1", "skilled_lift", "2025-08-01"),
            enrol("s2", "S2", "side_effect", "2025-02-01", kind="amu"),
            enrol("s3", "S3", "side_effect", "2025-02-01", kind="amu"),
            enrol("s4", "S4", "side_effect", "2025-02-01", kind="amu"),
            enrol("s5", "S5", "side_effect", "2025-02-01", kind="amu"),
        ],
    )
    # Three RKV rows, but for two persons (X was assessed twice).
    t["rkv_results"] = table(
        "rkv_results",
        [
            _rkv("r1", "X", "2025-02-10"),
            _rkv("r2", "X", "2025-05-10"),
            _rkv("r3", "Y", "2025-05-10"),
        ],
    )
    t["consultants"] = table(
        "consultants",
        [_consultant("K1", "2025-01-10"), _consultant("K2", "2025-01-10", "2025-06-30")],
    )
    t["network_memberships"] = table(
        "network_memberships",
        [
            {"network_id": "N1", "cvr": "99000015", "joined_on": "2025-02-01"},
            {
                "network_id": "N1",
                "cvr": "99000023",
                "joined_on": "2025-02-01",
                "left_on": "2025-05-15",
            },
            # the same company in two networks counts once
            {"network_id": "N2", "cvr": "99000015", "joined_on": "2025-03-01"},
        ],
    )
    return t


def _series(tables, config, key: str) -> list[int]:
    series = progress_series(tables, config, Quarter(2025, 4)).set_index(["indicator", "quarter"])
    return series.loc[key, "cumulative"].tolist()


def test_started_means_completed_or_still_in_training(tables, config):
    # Q1: A, B. Q2: A, B, C, D. Q3: B dropped out (1 Aug); S1 started (1 Aug): A, C, D, S1.
    # Q4: C left for a job (1 Oct), A completed (counts for good): A, D, S1.
    assert _series(tables, config, "skilled_started") == [2, 4, 4, 3]
    # Beside it, every start including the dropouts: A, B (Q1), C, D (Q2), S1 (Q3).
    assert _series(tables, config, "skilled_started_all") == [2, 4, 5, 5]


def test_started_light_at_the_end_is_against_the_target(tables, config):
    row = progress_table(tables, config, Quarter(2025, 4)).set_index("indicator")
    # 3 of 3 at the end: reached.
    assert row.loc["skilled_started", "achieved"] == 3
    assert row.loc["skilled_started", "light"] == "green"
    assert row.loc["skilled_started_all", "achieved"] == 5
    assert pd.isna(row.loc["skilled_started_all", "light"])  # no target
    # 1 of 2 completions at the end: missed, whatever the thresholds would say of the plan.
    assert row.loc["skilled_completed", "achieved"] == 1
    assert row.loc["skilled_completed", "light"] == "red"


def test_a_near_miss_at_the_end_is_red_not_green(tables, config, tmp_path):
    # 2 of 3 RKV persons by the end: 67 % of the target. With green at 60 % of the plan the
    # trajectory rule would say green; at the end only the target counts.
    text = CONFIG_TOML + "[thresholds]\ngreen = 0.6\nyellow = 0.5\n"
    path = tmp_path / "lenient.toml"
    path.write_text(text, "utf-8")
    lenient = load_programme_config(path)
    before_end = progress_table(tables, lenient, Quarter(2025, 3)).set_index("indicator")
    at_end = progress_table(tables, lenient, Quarter(2025, 4)).set_index("indicator")
    assert before_end.loc["rkv", "light"] == "green"  # 2 of 2.25 planned by 30 Sep
    assert at_end.loc["rkv", "achieved"] == 2
    assert at_end.loc["rkv", "light"] == "red"


def test_rkv_counts_persons_not_result_rows(tables, config):
    # X in Q1 (first RKV), Y in Q2; X's second RKV adds nobody.
    assert _series(tables, config, "rkv") == [1, 2, 2, 2]


def test_side_effects_only_while_not_a_participant(tables, config):
    # S1 (H10) is a side effect from Q1 until the lift starts on 1 Aug (Q3).
    assert _series(tables, config, "side_effect_unskilled") == [1, 1, 0, 0]
    # Skilled is H30 and H35 only; H40 and H90 are shown apart.
    assert _series(tables, config, "side_effect_skilled") == [2, 2, 2, 2]
    assert _series(tables, config, "side_effect_other") == [2, 2, 2, 2]


def test_now_beside_ever_for_consultants_and_network_members(tables, config):
    # K2 left on 30 Jun: still there on that day, gone by the end of Q3.
    assert _series(tables, config, "consultants") == [2, 2, 2, 2]
    assert _series(tables, config, "consultants_current") == [2, 2, 1, 1]
    # 99000023 left its network on 15 May; 99000015 is in two networks but counts once.
    assert _series(tables, config, "companies_in_networks") == [2, 2, 2, 2]
    assert _series(tables, config, "companies_in_networks_current") == [2, 1, 1, 1]
