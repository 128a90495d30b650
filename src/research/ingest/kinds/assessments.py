"""Assessments of prior learning (RKV/IKV) and the education plans that follow them.

RKVs are a target of their own and decide the EUV track; they name a person by pseudonym
because many people are assessed before, or without, a start form.
"""

from __future__ import annotations

import pandas as pd

from research.domain.codes import EuvTrack, ProgrammeKind, RkvDocument, RkvType
from research.ingest import parsers as p
from research.ingest.kinds.base import Col, Context, ImportKind, cpr_column, frame
from research.ingest.kinds.organisation import records_with_partner
from research.ingest.kinds.participants import partner

# --- RKV results ---------------------------------------------------------------------------

RKV_COLUMNS = (
    Col("RKV-ID", "rkv_id", doc="The college's id for the assessment.", example="EUS1-RKV-0001"),
    cpr_column(),
    Col(
        "Skole",
        "partner_id",
        partner,
        doc="The partner that made the assessment (id or name from project.toml).",
        example="EUS1",
    ),
    Col(
        "RKV-type",
        "rkv_type",
        p.code(RkvType),
        doc=f"One of: {RkvType.allowed()}.",
        example="EUV-RKV",
    ),
    Col("Startdato", "started_on", p.parse_date, doc="First day of the RKV.", example="03-02-2025"),
    Col("Slutdato", "ended_on", p.parse_date, doc="Last day of the RKV.", example="05-02-2025"),
    Col(
        "Dage",
        "days",
        p.decimal(0, 10),
        required=False,
        blank_ok=True,
        doc="Length in days, 0 to 10 (decimal comma).",
        example="2,5",
    ),
    Col(
        "Måluddannelse",
        "target_education",
        doc="The education the assessment was made against.",
        example="Tømrer",
    ),
    Col(
        "Estimeret spor",
        "track_estimated",
        p.code(EuvTrack),
        required=False,
        blank_ok=True,
        doc="EUV1, EUV2 or EUV3 as estimated before the RKV (EUV-RKV only).",
        example="EUV2",
    ),
    Col(
        "Besluttet spor",
        "track_decided",
        p.code(EuvTrack),
        required=False,
        blank_ok=True,
        doc="EUV1, EUV2 or EUV3 as decided by the RKV (EUV-RKV only).",
        example="EUV1",
    ),
    Col(
        "Merit (uger)",
        "credit_weeks",
        p.decimal(0),
        required=False,
        blank_ok=True,
        aliases=("Merit",),
        doc="Credit given, in weeks (decimal comma).",
        example="12,5",
    ),
    Col(
        "Dokumenter",
        "documents",
        p.code_list(RkvDocument),
        required=False,
        blank_ok=True,
        doc=f"Documents issued, separated by commas: {RkvDocument.allowed()}.",
        example="Uddannelsesplan, Kompetencebevis",
    ),
)

TRACK_HEADERS = {"track_estimated": "Estimeret spor", "track_decided": "Besluttet spor"}


def build_rkv_results(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    for row, r in rows.iterrows():
        if r["rkv_type"] != RkvType.EUV.value:
            for field, header in TRACK_HEADERS.items():
                if r[field] is not None:
                    ctx.problem(row, header, "an EUV track is only for EUV-RKVs", r[field])
    records, index = records_with_partner(rows, ctx, RKV_COLUMNS, "Skole")
    for record in records:
        info = record.pop("cpr")
        record.update(
            person_id=ctx.person_id(info), birth_date=info.birth_date, gender=info.gender.value
        )
    return {"rkv_results": frame(records, index)}


RKV_RESULTS = ImportKind(
    name="rkv-results",
    title_da="RKV-resultater",
    description="Assessments of prior learning (RKV/IKV): type, dates, EUV track, credit, "
    "documents issued.",
    columns=RKV_COLUMNS,
    build=build_rkv_results,
    tables=("rkv_results",),
    aliases=("rkv", "rkv-resultater", "ikv"),
    notes="Birth date and CPR sex come from the CPR number, which is then pseudonymised. "
    "EUV tracks are given only for EUV-RKVs.",
)


# --- education plans -----------------------------------------------------------------------

EDUCATION_PLAN_COLUMNS = (
    Col(
        "Plan-ID", "plan_id", doc="The school's id for the education plan.", example="EUS1-UP-0001"
    ),
    cpr_column(),
    Col(
        "Skole",
        "partner_id",
        partner,
        doc="The college or academy that wrote the plan (id or name from project.toml).",
        example="EUS1",
    ),
    Col(
        "Uddannelsestype",
        "programme_kind",
        p.code(ProgrammeKind),
        doc=f"One of: {ProgrammeKind.allowed()}.",
        example="EUV",
    ),
    Col("Uddannelse", "education", doc="The education planned.", example="Tømrer"),
    Col(
        "Fag",
        "subjects",
        required=False,
        blank_ok=True,
        doc="Subjects or modules, free text.",
        example="Byggeteknik, dansk F",
    ),
    Col("Startdato", "start_on", p.parse_date, doc="Planned start.", example="03-03-2025"),
    Col(
        "Skoleperioder",
        "school_periods",
        required=False,
        blank_ok=True,
        doc="School periods, free text.",
        example="3.-28. marts 2025 og 5.-30. januar 2026",
    ),
    Col(
        "Forventet slutdato",
        "expected_end",
        p.parse_date,
        doc="Expected end of the education.",
        example="30-06-2026",
    ),
)


def build_education_plans(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    records, index = records_with_partner(rows, ctx, EDUCATION_PLAN_COLUMNS, "Skole")
    for record in records:
        record["person_id"] = ctx.person_id(record.pop("cpr"))
    return {"education_plans": frame(records, index)}


EDUCATION_PLANS = ImportKind(
    name="education-plans",
    title_da="Uddannelsesplaner",
    description="Individual education plans: programme, subjects, start, school periods, "
    "expected end.",
    columns=EDUCATION_PLAN_COLUMNS,
    build=build_education_plans,
    tables=("education_plans",),
    aliases=("uddannelsesplaner",),
    notes="The CPR number is pseudonymised at import; the plan is linked to the person's RKV and "
    "start forms through the pseudonym.",
)
