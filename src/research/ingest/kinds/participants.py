"""Start and stop forms (deltagerstart- og ophørsskemaer): who took part, in what, how it ended."""

from __future__ import annotations

from datetime import date

import pandas as pd

from research.domain.codes import (
    EmploymentStatus,
    EuvTrack,
    ExitReason,
    Gender,
    LabourMarketStatus,
    ProgrammeKind,
    Purpose,
    RecruitmentRoute,
)
from research.domain.education import EducationGroup
from research.domain.geography import job_centre_for
from research.domain.identifiers import mask_cpr
from research.ingest import parsers as p
from research.ingest.kinds.base import Col, Context, ImportKind, cpr_column, frame, records

EUV_MIN_AGE = 25

DEFAULT_PURPOSE = {
    ProgrammeKind.EUV.value: Purpose.SKILLED_LIFT.value,
    ProgrammeKind.AU.value: Purpose.ACADEMY_LIFT.value,
    ProgrammeKind.AMU.value: Purpose.SIDE_EFFECT.value,
    ProgrammeKind.FVU.value: Purpose.PREPARATORY.value,
    ProgrammeKind.AVU.value: Purpose.PREPARATORY.value,
    ProgrammeKind.ACCESS_COURSE.value: Purpose.PREPARATORY.value,
}


def partner(value: object) -> str:
    """A partner's id or name; checked against the configured partners when rows are built."""
    return p.text(value)


START_COLUMNS = (
    Col(
        "Forløbs-ID",
        "enrolment_id",
        doc="The college's id for this enrolment.",
        example="EUS1-2025-0001",
    ),
    cpr_column(),
    Col(
        "Startdato",
        "started_on",
        p.parse_date,
        doc="First day of the education.",
        example="03-03-2025",
    ),
    Col(
        "Skole", "partner_id", partner, doc="Partner id or name from project.toml.", example="EUS1"
    ),
    Col(
        "Uddannelsestype",
        "programme_kind",
        p.code(ProgrammeKind),
        doc=f"One of: {ProgrammeKind.allowed()}.",
        example="EUV",
    ),
    Col(
        "Formål",
        "purpose",
        p.code(Purpose),
        required=False,
        blank_ok=True,
        doc=f"One of: {Purpose.allowed()}. Blank: EUV is a lift to skilled, AU to academy level, "
        "AMU a side effect, FVU/AVU/adgangskursus preparatory.",
        example="",
    ),
    Col(
        "Uddannelse",
        "education",
        doc="Name of the education or course.",
        example="Industrioperatør",
    ),
    Col(
        "EUV-spor",
        "euv_track",
        p.code(EuvTrack),
        required=False,
        blank_ok=True,
        doc="EUV1, EUV2 or EUV3 (EUV only), as decided by the RKV.",
        example="EUV1",
    ),
    Col(
        "Forventet slutdato",
        "expected_end",
        p.parse_date,
        required=False,
        blank_ok=True,
        doc="Expected end date from the education plan.",
        example="30-06-2026",
    ),
    Col(
        "Beskæftigelsesstatus",
        "employment_status",
        p.code(EmploymentStatus),
        doc=f"Status at entry (ESF): {EmploymentStatus.allowed()}.",
        example="Beskæftiget",
    ),
    Col(
        "Højest fuldførte uddannelse",
        "highest_education",
        p.code(EducationGroup),
        doc="DST group H10-H90 (code or Danish label).",
        example="H10",
    ),
    Col(
        "Bopælskommune",
        "municipality_code",
        p.municipality,
        doc="Kommune code or name.",
        example="København",
    ),
    Col(
        "CVR-nummer",
        "cvr",
        p.cvr,
        required=False,
        blank_ok=True,
        doc="Employer's CVR number; required for employed participants.",
        example="99000015",
    ),
    Col(
        "Rekrutteringsvej",
        "recruitment_route",
        p.code(RecruitmentRoute),
        doc=f"One of: {RecruitmentRoute.allowed()}.",
        example="Netværk",
    ),
    Col(
        "02-krav opfyldt",
        "meets_02_requirement",
        p.boolean,
        required=False,
        blank_ok=True,
        doc="Ja/Nej: the 02 requirement in Danish and maths is met by grades or equivalent "
        "exams (FVU, AVU G); exemptions (EUV1, training agreement) do not count here.",
        example="Ja",
    ),
    Col(
        "Netværks-ID",
        "network_id",
        required=False,
        blank_ok=True,
        doc="Network the participant came through.",
        example="NET01",
    ),
    Col(
        "Køn",
        "gender",
        p.code(Gender),
        required=False,
        blank_ok=True,
        doc="Kvinde/Mand; blank: from the CPR number.",
        example="",
    ),
    Col(
        "Udenlandsk baggrund",
        "foreign_background",
        p.boolean,
        required=False,
        blank_ok=True,
        doc="Ja/Nej (voluntary).",
        example="",
    ),
    Col(
        "Handicap",
        "disability",
        p.boolean,
        required=False,
        blank_ok=True,
        doc="Ja/Nej (voluntary).",
        example="",
    ),
)


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _partner_ids(ctx: Context) -> dict[str, str]:
    ids: dict[str, str] = {}
    for partner_ in ctx.config.partners:
        ids[partner_.partner_id.casefold()] = partner_.partner_id
        ids[partner_.name.casefold()] = partner_.partner_id
    return ids


def resolve_partner(ctx: Context, row: int, header: str, value: str | None) -> str | None:
    if value is None:
        return None
    found = _partner_ids(ctx).get(value.casefold())
    if found is None:
        known = ", ".join(x.partner_id for x in ctx.config.partners)
        ctx.problem(row, header, f"unknown partner; known: {known}", value)
    return found


EXIT_FIELDS = ("exit_on", "exit_reason", "status_on_leaving", "status_6_months")


def build_start_forms(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    # A corrected start form must not erase what a stop form has already recorded.
    ended = ctx.existing("enrolments").set_index("enrolment_id")[list(EXIT_FIELDS)]
    enrolments, enrolment_rows = [], []
    firsts: dict[str, tuple[date, int, dict]] = {}
    for row, r in records(rows):
        info = r["cpr"]
        person = ctx.person_id(info)
        started = r["started_on"]
        kind = r["programme_kind"]
        partner_id = resolve_partner(ctx, row, "Skole", r["partner_id"])
        if partner_id is None:
            continue  # reported once by resolve_partner
        if kind == ProgrammeKind.EUV.value and _age_on(info.birth_date, started) < EUV_MIN_AGE:
            ctx.problem(row, "Startdato", f"EUV requires age {EUV_MIN_AGE} or over at the start")
        if r["euv_track"] is not None and kind != ProgrammeKind.EUV.value:
            ctx.problem(row, "EUV-spor", "an EUV track is only for EUV enrolments", r["euv_track"])
        status = EmploymentStatus(r["employment_status"])
        if status is EmploymentStatus.EMPLOYED and r["cvr"] is None:
            ctx.problem(row, "CVR-nummer", "employed participants need their employer's CVR number")
        enrolments.append(
            {
                "enrolment_id": r["enrolment_id"],
                "participant_id": person,
                "partner_id": partner_id,
                "programme_kind": kind,
                "purpose": r["purpose"] or DEFAULT_PURPOSE[kind],
                "education": r["education"],
                "euv_track": r["euv_track"],
                "network_id": r["network_id"],
                "started_on": started,
                "expected_end": r["expected_end"],
            }
            | _exit_fields(ended, r["enrolment_id"])
        )
        enrolment_rows.append(row)
        participant = {
            "participant_id": person,
            "birth_date": info.birth_date,
            "gender": r["gender"] or info.gender.value,
            "employment_status": status.value,
            "highest_education": r["highest_education"],
            "municipality_code": r["municipality_code"],
            "job_centre": job_centre_for(r["municipality_code"], started),
            "cvr": r["cvr"],
            "recruitment_route": r["recruitment_route"],
            "meets_02_requirement": r["meets_02_requirement"],
            "foreign_background": r["foreign_background"],
            "disability": r["disability"],
            "first_entry_on": started,
            "synthetic": False,
        }
        if person not in firsts or started < firsts[person][0]:
            firsts[person] = (started, row, participant)
    existing = ctx.existing("participants").set_index("participant_id")["first_entry_on"]
    participants, participant_rows = [], []
    for person, (started, row, participant) in firsts.items():
        # ESF counts a person once, described as at their first entry into the operation.
        if person in existing.index and existing[person].date() < started:
            continue
        participants.append(participant)
        participant_rows.append(row)
    return {
        "participants": frame(participants, participant_rows),
        "enrolments": frame(enrolments, enrolment_rows),
    }


def _exit_fields(ended: pd.DataFrame, enrolment_id: str) -> dict:
    if enrolment_id not in ended.index:
        return {}
    return {k: (None if pd.isna(v) else v) for k, v in ended.loc[enrolment_id].items()}


STOP_COLUMNS = (
    Col(
        "Forløbs-ID", "enrolment_id", doc="The id used on the start form.", example="EUS1-2025-0001"
    ),
    cpr_column(),
    Col(
        "Slutdato", "exit_on", p.parse_date, doc="Last day in the education.", example="30-06-2026"
    ),
    Col(
        "Ophørsårsag",
        "exit_reason",
        p.code(ExitReason),
        doc=f"One of: {ExitReason.allowed()}.",
        example="Gennemført med bevis",
    ),
    Col(
        "Status ved ophør",
        "status_on_leaving",
        p.code(LabourMarketStatus),
        required=False,
        blank_ok=True,
        doc=f"Within 4 weeks of leaving: {LabourMarketStatus.allowed()}.",
        example="I beskæftigelse",
    ),
    Col(
        "Status 6 mdr. efter ophør",
        "status_6_months",
        p.code(LabourMarketStatus),
        required=False,
        blank_ok=True,
        doc="Six months after leaving, where known.",
        example="",
    ),
)


def build_stop_forms(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    existing = ctx.existing("enrolments").set_index("enrolment_id")
    out, out_rows = [], []
    for row, r in records(rows):
        if r["enrolment_id"] not in existing.index:
            ctx.problem(
                row,
                "Forløbs-ID",
                "no start form has been imported for this enrolment",
                r["enrolment_id"],
            )
            continue
        current = existing.loc[r["enrolment_id"]]
        if ctx.person_id(r["cpr"]) != current["participant_id"]:
            ctx.problem(
                row,
                "CPR-nummer",
                "does not match the CPR number on the start form",
                mask_cpr(r["cpr"].normalised),
            )
            continue
        record = {k: (None if pd.isna(v) else v) for k, v in current.items()}
        record.update(
            enrolment_id=r["enrolment_id"],
            exit_on=r["exit_on"],
            exit_reason=r["exit_reason"],
            status_on_leaving=r["status_on_leaving"],
            status_6_months=r["status_6_months"],
        )
        out.append(record)
        out_rows.append(row)
    return {"enrolments": frame(out, out_rows)}


START_FORMS = ImportKind(
    name="start-forms",
    title_da="Startskemaer",
    description="Participant start forms: one row per person and enrolment (creates participants).",
    columns=START_COLUMNS,
    build=build_start_forms,
    tables=("participants", "enrolments"),
    aliases=("startskema", "startskemaer"),
    notes="A person who starts several enrolments counts once, described as at the first entry.",
)

STOP_FORMS = ImportKind(
    name="stop-forms",
    title_da="Stopskemaer",
    description="Participant exit forms: how and when an enrolment ended, status on leaving.",
    columns=STOP_COLUMNS,
    build=build_stop_forms,
    tables=("enrolments",),
    aliases=("stopskema", "stopskemaer", "ophørsskema"),
    notes="Needs the enrolment's start form first.",
)
