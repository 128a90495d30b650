"""Targets (måltal), the planned trajectory and traffic-light thresholds, as plain values.

The numbers themselves live in the project's TOML configuration; this module only says what
they mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import pairwise

from research.domain.period import ProjectPeriod, Quarter


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True)
class Target:
    """One måltal: what is counted, the value to reach by the end of the period.

    ``trajectory`` overrides the project-wide planned path for this target (completions, for
    instance, come late: nobody finishes an EUV in the first months).
    """

    key: str
    value: float
    label_da: str
    label_en: str
    counts_towards_targets: bool = True
    trajectory: Trajectory | None = None

    def label(self, lang: str = "da") -> str:
        return self.label_da if lang == "da" else self.label_en


@dataclass(frozen=True)
class Thresholds:
    """Achieved as a share of expected-by-now: at or above ``green`` is green, and so on."""

    green: float = 0.95
    yellow: float = 0.80

    def __post_init__(self) -> None:
        if not 0 < self.yellow <= self.green:
            raise ValueError("thresholds must satisfy 0 < yellow <= green")

    def final_light(self, achieved: float, target: float) -> Light:
        """At and after the project's end: a target is reached (green) or missed (red).

        Why: the thresholds allow for a trajectory's uncertainty while work goes on; once the
        period is over there is no trajectory left, and 484 of 500 is a missed target.
        """
        return Light.GREEN if achieved >= target else Light.RED

    def light(self, achieved: float, expected: float) -> Light:
        if expected <= 0:
            return Light.GREEN
        ratio = achieved / expected
        if ratio >= self.green:
            return Light.GREEN
        return Light.YELLOW if ratio >= self.yellow else Light.RED


@dataclass(frozen=True)
class Trajectory:
    """The planned path to a target: linear in time, or cumulative shares per quarter.

    ``milestones`` maps a quarter to the share of the target planned by its end; quarters in
    between are interpolated linearly, and the share is 1 at the end of the period.
    """

    kind: str = "linear"
    milestones: dict[Quarter, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in ("linear", "milestones"):
            raise ValueError(f"trajectory must be 'linear' or 'milestones', got {self.kind!r}")
        if self.kind == "milestones" and not self.milestones:
            raise ValueError("a 'milestones' trajectory needs at least one milestone")
        shares = [self.milestones[q] for q in sorted(self.milestones)]
        if any(not 0 <= s <= 1 for s in shares) or shares != sorted(shares):
            raise ValueError("milestone shares must rise from 0 to 1 over the quarters")

    def expected_share(self, period: ProjectPeriod, day: date) -> float:
        if self.kind == "linear":
            return period.elapsed_share(day)
        points = [(period.start, 0.0)]
        points += [(q.end, s) for q, s in sorted(self.milestones.items())]
        points.append((period.end, 1.0))
        if day <= period.start:
            return 0.0
        for (d0, s0), (d1, s1) in pairwise(points):
            if day <= d1:
                span = (d1 - d0).days or 1
                return s0 + (s1 - s0) * (day - d0).days / span
        return 1.0
