"""The lift frame: one row per person's first counted lift, outcomes censored at the data date."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from research.evidence.frames import DAYS_PER_MONTH, age_band, data_date_of, lift_frame

D = pd.Timestamp
AS_OF = D("2026-01-31")


def _enrolment(eid, pid, purpose, kind, start, exit_on=None, reason=None, **extra) -> dict:
    return {
        "enrolment_id": eid,
        "participant_id": pid,
        "partner_id": extra.get("partner", "EUS1"),
        "programme_kind": kind,
        "purpose": purpose,
        "education": "Tømrer",
        "euv_track": extra.get("track", "EUV2" if kind == "euv" else None),
        "network_id": extra.get("network"),
        "started_on": D(start),
        "expected_end": D(start) + pd.Timedelta(days=700),
        "exit_on": D(exit_on) if exit_on else pd.NaT,
        "exit_reason": reason,
        "status_on_leaving": "employed" if exit_on else None,
        "status_6_months": None,
    }


@pytest.fixture
def tiny() -> dict[str, pd.DataFrame]:
    """Five people, worked out by hand (data date 31-01-2026):

    A  employed at 11111111, EUV 01-01-2025 → completed 02-07-2025: 182 days = 5.98 months.
    B  unemployed, no employer; preparatory course 01-01-2025 → completed 01-03-2025, EUV
       01-04-2025 → stop form dated 01-03-2026, after the data date: still running, censored
       at 31-01-2026 = 305 days = 10.02 months; prep = True.
    C  employed at 22222222; EUV 01-06-2025 → left for a job 29-09-2025 (120 days, a dropout:
       no qualification); a second lift (AU, 01-12-2025) is not a row (ESF: once, the first).
    D  only an AMU side-effect course: not a participant, not a row.
    E  EUV starting 01-03-2026, after the data date: not a row.
    """
    participants = pd.DataFrame(
        {
            "participant_id": ["A", "B", "C", "D", "E"],
            "birth_date": [
                D("1975-06-15"),
                D("1990-01-01"),
                D("1960-12-31"),
                D("1980-01-01"),
                D("1985-01-01"),
            ],
            "gender": ["male", "female", "female", "male", "male"],
            "employment_status": [
                "employed",
                "long_term_unemployed",
                "self_employed",
                "employed",
                "employed",
            ],
            "highest_education": ["H10", "H20", "H29", "H10", "H10"],
            "municipality_code": [101, 147, 151, 101, 101],
            "job_centre": ["Jobcenter København"] * 5,
            "cvr": ["11111111", None, "22222222", "11111111", "11111111"],
            "recruitment_route": ["network", "job_centre", "one_to_one_visit", "other", "network"],
            "meets_02_requirement": pd.array([True, False, None, None, True], dtype="boolean"),
            "foreign_background": [False] * 5,
            "disability": [False] * 5,
            "first_entry_on": [
                D("2025-01-01"),
                D("2025-01-01"),
                D("2025-06-01"),
                D("2025-02-01"),
                D("2026-03-01"),
            ],
            "synthetic": [True] * 5,
        }
    )
    enrolments = pd.DataFrame(
        [
            _enrolment(
                "e1",
                "A",
                "skilled_lift",
                "euv",
                "2025-01-01",
                "2025-07-02",
                "completed",
                network="NET01",
            ),
            _enrolment("e2", "B", "preparatory", "fvu", "2025-01-01", "2025-03-01", "completed"),
            _enrolment("e3", "B", "skilled_lift", "euv", "2025-04-01", "2026-03-01", "dropped_out"),
            _enrolment(
                "e4", "C", "skilled_lift", "euv", "2025-06-01", "2025-09-29", "left_for_job"
            ),
            _enrolment("e5", "C", "academy_lift", "au", "2025-12-01", partner="EAK"),
            _enrolment("e6", "D", "side_effect", "amu", "2025-02-01", "2025-02-05", "completed"),
            _enrolment("e7", "E", "skilled_lift", "euv", "2026-03-01"),
        ]
    )
    companies = pd.DataFrame(
        {
            "cvr": ["11111111", "22222222"],
            "name": ["Byg Demo ApS", "Pleje Demo A/S"],
            "db07": ["412000", "871000"],
            "industry_group": pd.array([3, 9], dtype="Int64"),
            "employees": pd.array([12, 150], dtype="Int64"),
            "size_band": ["small", "medium"],
            "municipality_code": [101, 151],
            "synthetic": [True, True],
        }
    )
    return {"participants": participants, "enrolments": enrolments, "companies": companies}


def test_one_row_per_persons_first_lift_started_by_the_data_date(tiny) -> None:
    frame = lift_frame(tiny, AS_OF)
    assert frame["participant_id"].tolist() == ["A", "B", "C"]
    assert frame["enrolment_id"].tolist() == ["e1", "e3", "e4"]  # C's AU lift is second


def test_outcomes_and_censoring_at_the_data_date_by_hand(tiny) -> None:
    frame = lift_frame(tiny, AS_OF).set_index("participant_id")
    assert frame["status"].tolist() == ["completed", "running", "dropped_out"]
    assert frame["time_months"].tolist() == pytest.approx(
        [182 / DAYS_PER_MONTH, 305 / DAYS_PER_MONTH, 120 / DAYS_PER_MONTH]
    )
    assert frame["event_completed"].tolist() == [1, 0, 0]
    assert frame["event_dropout"].tolist() == [0, 0, 1]  # left for a job: no qualification
    assert frame["outcome_known"].tolist() == [True, False, True]
    # B's stop form lies after the data date: not there yet
    assert pd.isna(frame.loc["B", "exit_on"]) and pd.isna(frame.loc["B", "exit_reason"])
    # a later data date sees B's dropout
    later = lift_frame(tiny, D("2026-06-30")).set_index("participant_id")
    assert later.loc["B", "status"] == "dropped_out"
    assert later.loc["B", "time_months"] == pytest.approx(334 / DAYS_PER_MONTH)


def test_context_covariates_by_hand(tiny) -> None:
    frame = lift_frame(tiny, AS_OF).set_index("participant_id")
    assert frame["prep"].tolist() == [False, True, False]
    assert frame["employment_group"].tolist() == ["employed", "unemployed", "employed"]
    assert frame["education_level"].tolist() == [2, 3, 3]  # ISCED of H10, H20, H29
    assert frame["age_at_entry"].tolist() == [49, 35, 64]  # A's birthday in June: not yet 50
    assert frame["age_band"].tolist() == ["40-49", "30-39", "50+"]
    assert frame["below_02"].tolist()[:2] == [False, True] and pd.isna(frame.loc["C", "below_02"])
    assert frame.loc["A", "industry_group"] == 3 and pd.isna(frame.loc["B", "industry_group"])
    assert frame["cluster_id"].tolist() == ["11111111", "person:B", "22222222"]
    assert frame["in_network"].tolist() == [True, False, False]
    assert frame["provider"].tolist() == ["EUS1", "EUS1", "EUS1"]


def test_programme_keeps_one_programme_after_choosing_the_first_lift(tiny) -> None:
    assert lift_frame(tiny, AS_OF, programme="au").empty  # C's AU lift is not their first
    assert len(lift_frame(tiny, AS_OF, programme="euv")) == 3


def test_the_default_data_date_is_the_latest_event(tiny) -> None:
    # the latest start or exit in the tables: E's start on 01-03-2026
    assert data_date_of(tiny) == D("2026-03-01")
    assert lift_frame(tiny)["as_of"].iloc[0] == D("2026-03-01")


def test_age_bands() -> None:
    ages = pd.Series([25, 29, 30, 49, 50, 64, None], dtype="Int64")
    assert age_band(ages).tolist()[:6] == ["<30", "<30", "30-39", "40-49", "50+", "50+"]
    assert pd.isna(age_band(ages).iloc[6])


def test_the_frame_counts_what_the_simulator_counts(small) -> None:
    """At the project end the frame's EUV/AU statuses equal the simulator's summary counts."""
    frame = lift_frame(small.tables)
    s = small.summary
    euv = frame[frame["programme"] == "euv"]["status"].value_counts()
    au = frame[frame["programme"] == "au"]["status"].value_counts()
    assert len(frame[frame["programme"] == "euv"]) == s.euv_started
    assert (euv["completed"], euv["running"]) == (s.euv_completed, s.euv_in_progress)
    assert (au["completed"], au["running"]) == (s.au_completed, s.au_in_progress)
    assert frame["participant_id"].is_unique
    assert frame["time_months"].ge(0).all()
    running = frame[frame["running"]]
    expected = (running["as_of"] - running["started_on"]).dt.days / DAYS_PER_MONTH
    assert np.allclose(running["time_months"], expected)


def test_the_default_data_date_is_the_stores(small) -> None:
    assert data_date_of(small.tables).date() == small.summary.until
