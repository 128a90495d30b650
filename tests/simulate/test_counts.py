"""Headline counts against the application's targets, at the end and mid-project."""

from __future__ import annotations

from datetime import date

import pytest

from research.simulate import default_until, expected_intake_share
from research.store import connect, read_table
from tests.simulate.conftest import MID


def _within(value: float, target: float, tolerance: float) -> bool:
    return abs(value - target) <= tolerance * target


@pytest.mark.validation  # counts a whole scale-1 programme (a large-scale check)
def test_end_counts_match_the_targets(end_db, config) -> None:
    _, s = end_db
    t = {k: v.value for k, v in config.targets.items()}
    assert s.participants_total == t["participants"]
    assert s.participants_employed == t["participants_employed"]
    assert s.participants_unemployed == t["participants_unemployed"]
    assert _within(s.rkvs, t["rkv"], 0.05)
    assert _within(s.euv_completed, t["skilled_completed"], 0.12)
    assert _within(s.euv_in_progress, t["skilled_started"] - t["skilled_completed"], 0.12)
    assert s.euv_completed + s.euv_in_progress < s.euv_started  # some drop out
    assert _within(s.au_completed, t["academy_completed"], 0.35)
    assert _within(s.au_in_progress, t["academy_started"] - t["academy_completed"], 0.5)
    assert s.side_effect_unskilled == t["side_effect_unskilled"]
    assert s.side_effect_skilled == t["side_effect_skilled"]
    assert s.consultants_in_shared_concept == t["consultants"]
    assert 25 <= s.networks <= 35
    # about 3,500 contacts a year over three years
    assert 9_500 <= s.rows["company_contacts"] <= 11_500


@pytest.mark.validation  # reads a whole scale-1 programme (a large-scale check)
def test_summary_counts_agree_with_the_database(end_db) -> None:
    path, s = end_db
    with connect(path, read_only=True) as con:
        for table, n in s.rows.items():
            assert con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0] == n, table
        e = read_table(con, "enrolments")
    euv = e[(e["programme_kind"] == "euv") & (e["purpose"] == "skilled_lift")]
    assert (euv["exit_reason"] == "completed").sum() == s.euv_completed
    assert s.as_dict()["until"] == "2027-12-31"


@pytest.mark.validation  # two whole scale-1 programmes (a large-scale check)
def test_mid_project_counts_follow_the_ramp_up(mid_db, end_db, config) -> None:
    _, mid = mid_db
    _, end = end_db
    for key in ("participants_total", "rkvs", "euv_started", "euv_completed", "networks"):
        assert getattr(mid, key) < getattr(end, key), key
    expected = expected_intake_share(MID, config.period)
    assert 0.2 < expected < 0.6
    assert mid.participants_total / end.participants_total == pytest.approx(expected, abs=0.05)


def test_the_ramp_up_is_slow_at_first_and_has_a_tail(config) -> None:
    period = config.period
    first_quarter = expected_intake_share(date(2025, 3, 31), period)
    first_year = expected_intake_share(date(2025, 12, 31), period)
    last_quarter = 1 - expected_intake_share(date(2027, 9, 30), period)
    assert first_quarter < 0.03
    assert first_year < period.elapsed_share(date(2025, 12, 31))  # below the linear path
    assert 0.01 < last_quarter < 0.08


def test_default_until_is_the_last_complete_quarter(config) -> None:
    assert default_until(date(2026, 11, 28), config) == date(2026, 9, 30)
    assert default_until(date(2026, 10, 1), config) == date(2026, 9, 30)
    assert default_until(date(2030, 5, 1), config) == config.period.end
    assert default_until(date(2024, 2, 1), config) == config.period.start
