"""The programme's counting rules: who is a participant, who is unemployed, when a form is late.

Why: each rule was written out as a tuple in half a dozen modules (metrics, evidence, quality,
the simulator), so a change to the ESF reading could reach some counts and not others. They
live here once, as plain values of the codes in ``domain.codes``; every module asks this one.
"""

from __future__ import annotations

from collections.abc import Iterable

from research.domain.codes import EmploymentStatus, Purpose

__all__ = [
    "COUNTED_PURPOSES",
    "EMPLOYED",
    "FORM_GRACE_DAYS",
    "INACTIVE",
    "LIFT_PURPOSES",
    "UNEMPLOYED",
    "is_counted_participant",
]

LIFT_PURPOSES: tuple[str, ...] = (Purpose.SKILLED_LIFT.value, Purpose.ACADEMY_LIFT.value)
"""The lifts the targets count: unskilled → skilled (EUV) and skilled → academy level (AU)."""

COUNTED_PURPOSES: tuple[str, ...] = (*LIFT_PURPOSES, Purpose.PREPARATORY.value)
"""A person counts towards the participant targets (ESF: once) when at least one of their
enrolments has one of these purposes. Side-effect people (AMU courses, purpose
``side_effect``) are stored as participants only so that their enrolments have a participant to
point at; a person whose only enrolments are side effects is not counted."""

UNEMPLOYED: tuple[str, ...] = tuple(s.value for s in EmploymentStatus if s.is_unemployed)
"""Employment statuses at entry that are unemployed (ESF): unemployed and long-term unemployed."""

EMPLOYED: tuple[str, ...] = tuple(s.value for s in EmploymentStatus if s.is_employed)
"""Employment statuses at entry that are in work: employed and self-employed."""

INACTIVE: tuple[str, ...] = tuple(s.value for s in EmploymentStatus if s.is_inactive)
"""Employment statuses at entry outside the labour force."""

FORM_GRACE_DAYS = 90
"""An enrolment is overdue for a stop form this many days after its expected end."""


def is_counted_participant(purposes: Iterable[str]) -> bool:
    """Whether a person with enrolments of these purposes counts towards the targets."""
    return any(p in COUNTED_PURPOSES for p in purposes)
