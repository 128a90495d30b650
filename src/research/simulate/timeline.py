"""The clock of a simulated programme: ramp-up, the data date and how scale applies.

Why: an ESF project does not recruit evenly. Intake follows a Beta-shaped ramp-up over the
project period (slow first quarters, a peak, a tail), so a mid-project database shows a
programme in progress and the progress report has something to say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from research.config import ProgrammeConfig
from research.domain.period import ProjectPeriod, last_complete_quarter
from research.simulate.truth import POPULATIONS, RAMP_UP, Populations, RampUp

DAY = np.timedelta64(1, "D")


def d64(day: date) -> np.datetime64:
    return np.datetime64(day, "D")


def default_until(today: date, config: ProgrammeConfig) -> date:
    """The end of the last complete quarter before ``today``, clipped to the project period.

    The demo stops there, so the report shows a programme in progress.
    """
    end = last_complete_quarter(today).end
    return min(max(end, config.period.start), config.period.end)


@dataclass(frozen=True)
class Scale:
    """How ``--scale`` applies: people scale fully; companies, networks, consultants and
    contacts scale too, but only up to the synthetic CVR space (90,000 numbers shared by the
    company universe and the panel's comparison companies). Above that cap (scale 15 with the
    defaults) companies grow in size instead of number."""

    people: float
    organisations: float

    @classmethod
    def of(cls, scale: float, pops: Populations = POPULATIONS) -> Scale:
        if not scale > 0:
            raise ValueError(f"scale must be positive, got {scale}")
        per_unit = pops.company_universe + pops.panel_comparison_companies
        return cls(
            people=float(scale), organisations=min(float(scale), pops.max_synthetic_cvrs / per_unit)
        )

    def n(self, base: float) -> int:
        return round(base * self.people)

    def org(self, base: float, minimum: int = 1) -> int:
        return max(minimum, round(base * self.organisations))


def elapsed(period: ProjectPeriod, days: np.ndarray) -> np.ndarray:
    """Share of the period elapsed at each date (0 at the start, 1 at the end)."""
    total = (d64(period.end) - d64(period.start)) / DAY
    return np.clip((days - d64(period.start)) / DAY / total, 0.0, 1.0)


def intake_dates(
    rng: np.random.Generator, n: int, period: ProjectPeriod, ramp: RampUp = RAMP_UP
) -> np.ndarray:
    """Entry dates following the ramp-up, after the lead-in, within the period."""
    first = d64(period.start) + ramp.lead_in_days * DAY
    span = int((d64(period.end) - first) / DAY)
    t = rng.beta(ramp.alpha, ramp.beta, n)
    return first + np.minimum(np.floor(t * (span + 1)).astype(np.int64), span) * DAY


def network_dates(
    rng: np.random.Generator, n: int, period: ProjectPeriod, ramp: RampUp = RAMP_UP
) -> np.ndarray:
    """Network establishment dates: earlier than intake, within ``network_window``."""
    first = d64(period.start) + 21 * DAY
    span = int((d64(period.end) - first) / DAY * ramp.network_window)
    t = rng.beta(ramp.network_alpha, ramp.network_beta, n)
    return first + np.floor(t * span).astype(np.int64) * DAY


def expected_intake_share(day: date, period: ProjectPeriod, ramp: RampUp = RAMP_UP) -> float:
    """The expected share of the period's intake that has entered by the end of ``day``."""
    first = period.start + timedelta(days=ramp.lead_in_days)
    span = (period.end - first).days + 1
    t = ((day - first).days + 1) / span
    # the regularised incomplete beta function is the Beta CDF (what scipy.stats.beta.cdf
    # calls); scipy.special imports in a fraction of scipy.stats's second
    from scipy.special import betainc

    return float(betainc(ramp.alpha, ramp.beta, min(max(t, 0.0), 1.0)))


def uniform_days(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    """Whole-day offsets drawn uniformly from [low, high]."""
    return np.floor(rng.uniform(low, high + 1, n)).astype(np.int64) * DAY


def months(x: np.ndarray) -> np.ndarray:
    """A duration in months as whole days (30.44 days a month, at least one day)."""
    return np.maximum(np.round(np.asarray(x) * 30.44), 1).astype(np.int64) * DAY


def add_months(days: np.ndarray, n: int) -> np.ndarray:
    """The same day ``n`` calendar months later (end of month when the day does not exist)."""
    frame = np.asarray(days, dtype="datetime64[D]")
    month = frame.astype("datetime64[M]")
    offset = frame - month.astype("datetime64[D]")
    target = month + np.timedelta64(n, "M")
    length = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - target.astype(
        "datetime64[D]"
    )
    return target.astype("datetime64[D]") + np.minimum(offset, length - DAY)
