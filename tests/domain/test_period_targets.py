"""Quarters, the project period, planned trajectories and traffic lights."""

from __future__ import annotations

from datetime import date

import pytest

from research.domain.period import ProjectPeriod, Quarter, last_complete_quarter, quarters_between
from research.domain.targets import Light, Thresholds, Trajectory


@pytest.mark.parametrize("text", ["2026Q3", "2026q3", "2026-Q3", "2026 K3", " 2026Q3 "])
def test_quarter_spellings(text):
    assert Quarter.parse(text) == Quarter(2026, 3)


@pytest.mark.parametrize("text", ["2026Q5", "Q3 2026", "2026", ""])
def test_bad_quarters(text):
    with pytest.raises(ValueError, match="2026Q3"):
        Quarter.parse(text)


def test_quarter_arithmetic():
    q = Quarter(2026, 4)
    assert (q.start, q.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert q.next() == Quarter(2027, 1) and Quarter(2027, 1).previous() == q
    assert Quarter(2024, 1).end == date(2024, 3, 31)
    assert len(quarters_between(Quarter(2025, 1), Quarter(2027, 4))) == 12
    assert q.label("da") == "4. kvt. 2026" and q.label("en") == "Q4 2026"


def test_last_complete_quarter():
    assert last_complete_quarter(date(2026, 11, 28)) == Quarter(2026, 3)
    assert last_complete_quarter(date(2026, 10, 1)) == Quarter(2026, 3)
    assert last_complete_quarter(date(2026, 1, 1)) == Quarter(2025, 4)


def test_elapsed_share_of_the_period():
    period = ProjectPeriod(date(2025, 1, 1), date(2025, 12, 31))
    assert period.elapsed_share(date(2024, 12, 31)) == 0
    assert period.elapsed_share(date(2025, 12, 31)) == 1
    assert period.elapsed_share(date(2025, 7, 2)) == pytest.approx(183 / 365)


def test_milestone_trajectory_interpolates_between_quarter_ends():
    period = ProjectPeriod(date(2025, 1, 1), date(2025, 12, 31))
    plan = Trajectory("milestones", {Quarter(2025, 2): 0.2})
    assert plan.expected_share(period, date(2025, 6, 30)) == pytest.approx(0.2)
    # Half-way (in days) from 30 Jun (0.2) to 31 Dec (1.0).
    middle = date(2025, 9, 30)
    share = (
        0.2
        + 0.8 * (middle - date(2025, 6, 30)).days / (date(2025, 12, 31) - date(2025, 6, 30)).days
    )
    assert plan.expected_share(period, middle) == pytest.approx(share)
    with pytest.raises(ValueError, match="rise"):
        Trajectory("milestones", {Quarter(2025, 1): 0.5, Quarter(2025, 2): 0.3})


@pytest.mark.parametrize(
    "achieved,expected,light",
    [
        (95, 100, Light.GREEN),
        (94, 100, Light.YELLOW),
        (80, 100, Light.YELLOW),
        (79, 100, Light.RED),
        (0, 0, Light.GREEN),
    ],
)
def test_traffic_light_thresholds(achieved, expected, light):
    assert Thresholds().light(achieved, expected) is light
