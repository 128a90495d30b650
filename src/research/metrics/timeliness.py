"""Completeness and timeliness of the start and stop forms, per partner: problems per form.

Why: every ESF figure rests on the forms the partners send in; a stop form that never comes
keeps a finished learner "active", and a start form without education or the 02 answer leaves a
participant out of indicators. The project manager needs to see which partner lags.

The store keeps no date of receipt for a form, so timeliness is read from the state of the data
on ``as_of`` (rows dated later are ignored): "was the form there, complete, this long after it
was due?" Re-running an old quarter uses forms that may have arrived after it ended.

Unit: an enrolment (one start form; after the exit, one stop form) of any purpose, side-effect
courses included, started by ``as_of``; grouped by the enrolment's partner. Each measure counts
the enrolments with one problem (``numerator``) out of **all** the partner's enrolments
(``denominator``, the same for every measure); ``eligible`` says how many could have the
problem at all. The common base is deliberate: a base such as "employed participants' forms"
or "exits" is itself a count of persons with a characteristic, and publishing it per partner
beside the participants' composition would let small groups be worked out.

* ``stop_form_incomplete``: ended at least ``days_after_exit`` days before ``as_of`` (eligible)
  and the stop form lacks the exit reason or the status on leaving. The status on leaving
  describes the four weeks after the exit, so the default of 60 days gives a month to send it.
* ``stop_form_overdue``: expected end + ``grace_days`` before ``as_of`` and no exit recorded by
  ``as_of`` — the ``missing_stop_form`` rule of ``research check`` (eligible: ended by
  ``as_of``, or past the expected end + grace).
* ``start_education_unknown``: the participant's highest completed education is H90 (not
  stated); eligible: every enrolment.
* ``start_employer_missing``: the participant was employed at entry and has no employer CVR
  number; eligible: enrolments of participants employed at entry.
* ``start_02_missing``: an EUV enrolment whose participant has no answer to the 02 requirement
  (Danish and maths); eligible: EUV enrolments.
* ``start_track_missing``: an EUV enrolment with no EUV track; eligible: EUV enrolments.
* ``start_expected_end_missing``: no expected end date; eligible: every enrolment.
* ``start_foreign_background_unanswered`` and ``start_disability_unanswered``: the participant
  did not answer these voluntary questions (ESF CO15/CO16 count only recorded answers);
  eligible: every enrolment.

Employment status, gender, birth date and recruitment route are mandatory at import, so they
are never missing in the store and are not measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from research.domain.rules import FORM_GRACE_DAYS as DEFAULT_GRACE_DAYS

DAYS_AFTER_EXIT = 60
UNKNOWN_EDUCATION = "H90"
EMPLOYED = "employed"
EUV = "euv"


@dataclass(frozen=True)
class Measure:
    key: str
    label_da: str
    label_en: str
    form: str  # "start" or "stop"


MEASURES: tuple[Measure, ...] = (
    Measure(
        "stop_form_incomplete",
        "Ophørsskema ufuldstændigt {days} dage efter ophør",
        "Stop form incomplete {days} days after the exit",
        "stop",
    ),
    Measure(
        "stop_form_overdue",
        "Ophørsskema mangler (forventet slut + {grace} dage passeret)",
        "Stop form overdue (expected end + {grace} days passed)",
        "stop",
    ),
    Measure(
        "start_education_unknown",
        "Startskema: uddannelse uoplyst (H90)",
        "Start form: education not stated (H90)",
        "start",
    ),
    Measure(
        "start_employer_missing",
        "Startskema: beskæftiget uden CVR-nummer",
        "Start form: employed without a CVR number",
        "start",
    ),
    Measure(
        "start_02_missing",
        "Startskema (EUV): 02-krav ikke besvaret",
        "Start form (EUV): 02 requirement not answered",
        "start",
    ),
    Measure(
        "start_track_missing",
        "Startskema (EUV): EUV-spor mangler",
        "Start form (EUV): EUV track missing",
        "start",
    ),
    Measure(
        "start_expected_end_missing",
        "Startskema: forventet slutdato mangler",
        "Start form: expected end date missing",
        "start",
    ),
    Measure(
        "start_foreign_background_unanswered",
        "Startskema: udenlandsk baggrund ikke besvaret (frivillig)",
        "Start form: foreign background not answered (voluntary)",
        "start",
    ),
    Measure(
        "start_disability_unanswered",
        "Startskema: handicap ikke besvaret (frivillig)",
        "Start form: disability not answered (voluntary)",
        "start",
    ),
)

COLUMNS = [
    "measure",
    "form",
    "label_da",
    "label_en",
    "partner_id",
    "numerator",
    "denominator",
    "eligible",
]


def _flags(
    participants: pd.DataFrame,
    enrolments: pd.DataFrame,
    stamp: pd.Timestamp,
    days_after_exit: int,
    grace_days: int,
) -> tuple[pd.DataFrame, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """The enrolments started by ``stamp`` and, per measure, (eligible, with the problem)."""
    started = enrolments[enrolments["started_on"] <= stamp]
    people = participants.set_index("participant_id")
    e = started.join(
        people[
            [
                "highest_education",
                "employment_status",
                "cvr",
                "meets_02_requirement",
                "foreign_background",
                "disability",
            ]
        ],
        on="participant_id",
    ).reset_index(drop=True)
    exited = (e["exit_on"].notna() & (e["exit_on"] <= stamp)).to_numpy(bool)
    settled = (
        (e["exit_on"] + pd.Timedelta(days=days_after_exit) <= stamp).fillna(False).to_numpy(bool)
    )
    complete = (e["exit_reason"].notna() & e["status_on_leaving"].notna()).to_numpy(bool)
    past_end = (
        (e["expected_end"] + pd.Timedelta(days=grace_days) < stamp).fillna(False).to_numpy(bool)
    )
    everyone = np.ones(len(e), dtype=bool)
    employed = (e["employment_status"].astype(str) == EMPLOYED).to_numpy(bool)
    euv = (e["programme_kind"].astype(str) == EUV).to_numpy(bool)
    flags = {
        "stop_form_incomplete": (settled, ~complete),
        "stop_form_overdue": (exited | past_end, ~exited),
        "start_education_unknown": (
            everyone,
            (e["highest_education"].astype(str) == UNKNOWN_EDUCATION).to_numpy(bool),
        ),
        "start_employer_missing": (employed, e["cvr"].isna().to_numpy(bool)),
        "start_02_missing": (euv, e["meets_02_requirement"].isna().to_numpy(bool)),
        "start_track_missing": (euv, e["euv_track"].isna().to_numpy(bool)),
        "start_expected_end_missing": (everyone, e["expected_end"].isna().to_numpy(bool)),
        "start_foreign_background_unanswered": (
            everyone,
            e["foreign_background"].isna().to_numpy(bool),
        ),
        "start_disability_unanswered": (everyone, e["disability"].isna().to_numpy(bool)),
    }
    return e, flags


def form_timeliness(
    participants: pd.DataFrame,
    enrolments: pd.DataFrame,
    as_of: pd.Timestamp | date | str,
    *,
    days_after_exit: int = DAYS_AFTER_EXIT,
    grace_days: int = DEFAULT_GRACE_DAYS,
) -> pd.DataFrame:
    """Every measure of the module docstring per partner: ``numerator`` of ``denominator``.

    One row per measure (in :data:`MEASURES` order) and partner with an enrolment started by
    ``as_of`` (partners sorted by id), zeros included. ``numerator``: enrolments with the
    problem; ``denominator``: all the partner's enrolments started by ``as_of``; ``eligible``:
    those that could have the problem; ``rate`` = numerator / denominator (NaN for none).
    Labels carry the day limits.
    """
    stamp = pd.Timestamp(as_of)
    e, flags = _flags(participants, enrolments, stamp, days_after_exit, grace_days)
    partners = sorted(e["partner_id"].astype(str).unique())
    partner = e["partner_id"].astype(str).to_numpy()
    rows = []
    for measure in MEASURES:
        eligible, problem = flags[measure.key]
        for pid in partners:
            mine = partner == pid
            rows.append(
                {
                    "measure": measure.key,
                    "form": measure.form,
                    "label_da": measure.label_da.format(days=days_after_exit, grace=grace_days),
                    "label_en": measure.label_en.format(days=days_after_exit, grace=grace_days),
                    "partner_id": pid,
                    "numerator": int((mine & eligible & problem).sum()),
                    "denominator": int(mine.sum()),
                    "eligible": int((mine & eligible).sum()),
                }
            )
    out = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("numerator", "denominator", "eligible"):
        out[column] = out[column].astype("int64")
    den = out["denominator"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = np.where(den > 0, out["numerator"] / np.where(den > 0, den, 1.0), np.nan)
    return out
