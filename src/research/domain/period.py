"""Quarters and the project period: the clock every progress figure is read against."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import total_ordering

_QUARTER = re.compile(r"^\s*(\d{4})\s*[-_ ]?\s*[QqKk]([1-4])\s*$")


@total_ordering
@dataclass(frozen=True)
class Quarter:
    """A calendar quarter such as 2026Q3 (Danish "2026K3" is accepted too)."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"quarter number must be 1-4, got {self.number}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER.match(str(text))
        if not match:
            raise ValueError(f"'{text}' is not a quarter; write it like 2026Q3")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def __lt__(self, other: Quarter) -> bool:
        return (self.year, self.number) < (other.year, other.number)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    def label(self, lang: str = "da") -> str:
        return f"{self.number}. kvt. {self.year}" if lang == "da" else f"Q{self.number} {self.year}"


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from first to last, both included."""
    out, q = [], first
    while q <= last:
        out.append(q)
        q = q.next()
    return out


def last_complete_quarter(today: date) -> Quarter:
    """The latest quarter that has fully ended before ``today``."""
    return Quarter.containing(today).previous()


@dataclass(frozen=True)
class ProjectPeriod:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"project period ends ({self.end}) before it starts ({self.start})")

    @property
    def quarters(self) -> list[Quarter]:
        return quarters_between(Quarter.containing(self.start), Quarter.containing(self.end))

    def contains(self, quarter: Quarter) -> bool:
        return quarter in self.quarters

    def elapsed_share(self, day: date) -> float:
        """Share of the period elapsed at the end of ``day`` (0 before, 1 after)."""
        total = (self.end - self.start).days + 1
        done = (min(max(day, self.start - timedelta(days=1)), self.end) - self.start).days + 1
        return max(0.0, min(1.0, done / total))
