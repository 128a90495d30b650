"""What each stored table holds, as pandera schemas and pandas dtypes.

Every writer (the importers and the simulator) validates its rows against these schemas before
anything reaches DuckDB, and every reader gets the same dtypes back: dates as datetimes, codes
as categoricals (ordered where the order means something).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pandas as pd

from research.domain.codes import (
    CmoStatus,
    Coded,
    ContactKind,
    EmploymentStatus,
    EuvTrack,
    ExitReason,
    Gender,
    InstitutionType,
    LabourMarketStatus,
    PartnerKind,
    ProgrammeKind,
    Purpose,
    RecruitmentRoute,
    RkvType,
    SizeBand,
    WorkshopKind,
    Ws2Decision,
)
from research.domain.education import EducationGroup

if TYPE_CHECKING:  # pandera costs most of a second to import: only those who validate pay it
    import pandera.pandas as pa

Kind = Literal["str", "int", "float", "bool", "date"]

_DTYPES: dict[str, str] = {
    "str": "string",
    "int": "Int64",
    "float": "Float64",
    "bool": "boolean",
    "date": "datetime64[ns]",
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind = "str"
    nullable: bool = False
    codes: type[Coded] | None = None
    ordered: bool = False
    min: float | None = None
    max: float | None = None
    length: int | None = None

    def checks(self) -> list[pa.Check]:
        import pandera.pandas as pa

        out: list[pa.Check] = []
        if self.codes is not None:
            out.append(
                pa.Check.isin(self.codes.codes(), error=f"must be one of {self.codes.allowed()}")
            )
        if self.min is not None:
            out.append(pa.Check.ge(self.min, error=f"must be at least {self.min:g}"))
        if self.max is not None:
            out.append(pa.Check.le(self.max, error=f"must be at most {self.max:g}"))
        if self.length is not None:
            out.append(
                pa.Check.str_length(
                    self.length, self.length, error=f"must have {self.length} characters"
                )
            )
        return out


RowCheck = Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class RowRule:
    """A rule across columns; ``columns`` are where a failure is reported."""

    name: str
    message: str
    columns: tuple[str, ...]
    test: RowCheck


@dataclass(frozen=True)
class TableSpec:
    name: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    rules: tuple[RowRule, ...] = field(default=())

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def pandera_schema(self) -> pa.DataFrameSchema:
        import pandera.pandas as pa

        columns = {
            f.name: pa.Column(_DTYPES[f.kind], checks=f.checks(), nullable=f.nullable, coerce=True)
            for f in self.fields
        }
        checks = [pa.Check(rule.test, name=rule.name, error=rule.message) for rule in self.rules]
        return pa.DataFrameSchema(
            columns, checks=checks, unique=list(self.key), strict=True, name=self.name
        )

    def complete(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The table's columns in order, missing optional ones as blanks; values untouched."""
        return frame.reindex(columns=self.columns)

    def conform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Give a frame this table's column order and dtypes (codes become categoricals)."""
        out = pd.DataFrame(index=frame.index)
        for f in self.fields:
            series = frame[f.name] if f.name in frame else pd.Series(pd.NA, index=frame.index)
            if f.codes is not None:
                categories = pd.CategoricalDtype(f.codes.codes(), ordered=f.ordered)
                text = series.astype("string")
                # a code outside the list becomes missing (the write refuses it), said here
                # rather than left to a cast pandas is deprecating
                text = text.where(text.isin(categories.categories) | text.isna())
                out[f.name] = text.astype(categories)
            elif f.kind == "date":
                out[f.name] = pd.to_datetime(series).astype("datetime64[ns]")
            else:
                out[f.name] = series.astype(_DTYPES[f.kind])
        return out


def _not_before(later: str, earlier: str) -> RowCheck:
    def test(df: pd.DataFrame) -> pd.Series:
        return df[later].isna() | df[earlier].isna() | (df[later] >= df[earlier])

    return test


def _order_rule(later: str, earlier: str, message: str) -> RowRule:
    return RowRule(f"{later}_not_before_{earlier}", message, (later,), _not_before(later, earlier))


def _exit_has_reason(df: pd.DataFrame) -> pd.Series:
    return df["exit_on"].isna() == df["exit_reason"].isna()


def _leaving_status_needs_exit(df: pd.DataFrame) -> pd.Series:
    return df["exit_on"].notna() | df["status_on_leaving"].isna()


def _dont_know_xor_relevance(df: pd.DataFrame) -> pd.Series:
    return df["dont_know"].astype(bool) == df["relevance"].isna()


_S = Field
TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "partners",
            (_S("partner_id"), _S("name"), _S("kind", codes=PartnerKind)),
            ("partner_id",),
        ),
        TableSpec(
            "external_projects",
            (_S("project_id"), _S("name"), _S("owner", nullable=True)),
            ("project_id",),
        ),
        TableSpec(
            "consultants",
            (
                _S("consultant_id"),
                _S("name"),
                _S("partner_id"),
                _S("role"),
                _S("in_shared_concept", "bool"),
                _S("joined_on", "date"),
                _S("left_on", "date", nullable=True),
            ),
            ("consultant_id",),
            (_order_rule("left_on", "joined_on", "leaving date is before joining date"),),
        ),
        TableSpec(
            "companies",
            (
                _S("cvr", length=8),
                _S("name"),
                _S("db07", length=6),
                _S("industry_group", "int", min=1, max=11),
                _S("employees", "int", nullable=True, min=0),
                _S("size_band", nullable=True, codes=SizeBand, ordered=True),
                _S("municipality_code", "int"),
                _S("synthetic", "bool"),
            ),
            ("cvr",),
        ),
        TableSpec(
            "networks",
            (
                _S("network_id"),
                _S("name"),
                _S("industry_group", "int", min=1, max=11),
                _S("theme"),
                _S("partner_id"),
                _S("established_on", "date"),
            ),
            ("network_id",),
        ),
        TableSpec(
            "network_memberships",
            (
                _S("network_id"),
                _S("cvr", length=8),
                _S("joined_on", "date"),
                _S("left_on", "date", nullable=True),
            ),
            ("network_id", "cvr"),
            (_order_rule("left_on", "joined_on", "leaving date is before joining date"),),
        ),
        TableSpec(
            "company_contacts",
            (
                _S("contact_id"),
                _S("contact_date", "date"),
                _S("cvr", length=8),
                _S("institution"),
                _S("institution_type", codes=InstitutionType),
                _S("kind", codes=ContactKind),
                _S("own_project", "bool"),
                _S("consultant_id", nullable=True),
                _S("external_project_id", nullable=True),
                _S("network_id", nullable=True),
            ),
            ("contact_id",),
        ),
        TableSpec(
            "workshops",
            (
                _S("workshop_id"),
                _S("network_id"),
                _S("kind", codes=WorkshopKind, ordered=True),
                _S("held_on", "date"),
            ),
            ("workshop_id",),
        ),
        TableSpec(
            "workshop_attendance",
            (_S("workshop_id"), _S("cvr", length=8), _S("attendees", "int", min=1)),
            ("workshop_id", "cvr"),
        ),
        TableSpec(
            "survey_statements",
            (_S("statement_id"), _S("network_id"), _S("theme"), _S("text")),
            ("statement_id",),
        ),
        TableSpec(
            "survey_responses",
            (
                _S("response_id"),
                _S("network_id"),
                _S("cvr", length=8),
                _S("answered_on", "date"),
                _S("own_need", nullable=True),
            ),
            ("response_id",),
        ),
        TableSpec(
            "survey_answers",
            (
                _S("response_id"),
                _S("statement_id"),
                _S("relevance", "int", nullable=True, min=1, max=5),
                _S("dont_know", "bool"),
            ),
            ("response_id", "statement_id"),
            (
                RowRule(
                    "dont_know_xor_relevance",
                    "give a relevance 1-5 or 'Ved ikke', not both",
                    ("relevance",),
                    _dont_know_xor_relevance,
                ),
            ),
        ),
        TableSpec(
            "ws2_decisions",
            (
                _S("decision_id"),
                _S("workshop_id"),
                _S("statement_id", nullable=True),
                _S("decision", codes=Ws2Decision),
                _S("offer", nullable=True),
            ),
            ("decision_id",),
        ),
        TableSpec(
            "competence_plans",
            (
                _S("cvr", length=8),
                _S("subject_area"),
                _S("plan_date", "date"),
                _S("current_level", "int", min=1, max=5),
                _S("required_level", "int", min=1, max=5),
                _S("employees_concerned", "int", nullable=True, min=0),
            ),
            ("cvr", "subject_area", "plan_date"),
        ),
        TableSpec(
            "participants",
            (
                _S("participant_id"),
                _S("birth_date", "date"),
                _S("gender", codes=Gender),
                _S("employment_status", codes=EmploymentStatus),
                _S("highest_education", codes=EducationGroup, ordered=True),
                _S("municipality_code", "int"),
                _S("job_centre"),
                _S("cvr", nullable=True, length=8),
                _S("recruitment_route", codes=RecruitmentRoute),
                _S("meets_02_requirement", "bool", nullable=True),
                _S("foreign_background", "bool", nullable=True),
                _S("disability", "bool", nullable=True),
                _S("first_entry_on", "date"),
                _S("synthetic", "bool"),
            ),
            ("participant_id",),
        ),
        TableSpec(
            "enrolments",
            (
                _S("enrolment_id"),
                _S("participant_id"),
                _S("partner_id"),
                _S("programme_kind", codes=ProgrammeKind),
                _S("purpose", codes=Purpose),
                _S("education"),
                _S("euv_track", nullable=True, codes=EuvTrack, ordered=True),
                _S("network_id", nullable=True),
                _S("started_on", "date"),
                _S("expected_end", "date", nullable=True),
                _S("exit_on", "date", nullable=True),
                _S("exit_reason", nullable=True, codes=ExitReason),
                _S("status_on_leaving", nullable=True, codes=LabourMarketStatus),
                _S("status_6_months", nullable=True, codes=LabourMarketStatus),
            ),
            ("enrolment_id",),
            (
                _order_rule("exit_on", "started_on", "exit date is before start date"),
                _order_rule("expected_end", "started_on", "expected end is before start date"),
                RowRule(
                    "exit_has_reason",
                    "an exit date needs an exit reason and an exit reason needs an exit date",
                    ("exit_reason",),
                    _exit_has_reason,
                ),
                RowRule(
                    "leaving_status_needs_exit",
                    "status upon leaving given without an exit date",
                    ("status_on_leaving",),
                    _leaving_status_needs_exit,
                ),
            ),
        ),
        TableSpec(
            "rkv_results",
            (
                _S("rkv_id"),
                _S("person_id"),
                _S("birth_date", "date"),
                _S("gender", codes=Gender),
                _S("partner_id"),
                _S("rkv_type", codes=RkvType),
                _S("started_on", "date"),
                _S("ended_on", "date"),
                _S("days", "float", nullable=True, min=0, max=10),
                _S("target_education"),
                _S("track_estimated", nullable=True, codes=EuvTrack, ordered=True),
                _S("track_decided", nullable=True, codes=EuvTrack, ordered=True),
                _S("credit_weeks", "float", nullable=True, min=0),
                _S("documents", nullable=True),
            ),
            ("rkv_id",),
            (_order_rule("ended_on", "started_on", "end date is before start date"),),
        ),
        TableSpec(
            "education_plans",
            (
                _S("plan_id"),
                _S("person_id"),
                _S("partner_id"),
                _S("programme_kind", codes=ProgrammeKind),
                _S("education"),
                _S("subjects", nullable=True),
                _S("start_on", "date"),
                _S("school_periods", nullable=True),
                _S("expected_end", "date"),
            ),
            ("plan_id",),
            (_order_rule("expected_end", "start_on", "expected end is before start date"),),
        ),
        TableSpec(
            "cmo_observations",
            (
                _S("observation_id"),
                _S("recorded_on", "date"),
                _S("researcher"),
                _S("source"),
                _S("context"),
                _S("mechanism_resource"),
                _S("mechanism_reasoning"),
                _S("outcome"),
                _S("status", codes=CmoStatus),
                _S("linked_metric", nullable=True),
                _S("network_id", nullable=True),
            ),
            ("observation_id",),
        ),
        TableSpec(
            "company_panel",
            (
                _S("cvr", length=8),
                _S("year", "int", min=2000, max=2100),
                _S("db07", length=6),
                _S("employees", "int", min=1),
                _S("skilled_employees", "int", min=0),
                _S("participating", "bool"),
                _S("first_participation_year", "int", nullable=True),
                _S("synthetic", "bool"),
            ),
            ("cvr", "year"),
            (
                RowRule(
                    "skilled_within_employees",
                    "more skilled employees than employees",
                    ("skilled_employees",),
                    lambda df: df["skilled_employees"] <= df["employees"],
                ),
            ),
        ),
        TableSpec(
            "comparison_individuals",
            (
                _S("person_id"),
                _S("reference_date", "date"),
                _S("birth_date", "date"),
                _S("gender", codes=Gender),
                _S("employment_status", codes=EmploymentStatus),
                _S("highest_education", codes=EducationGroup, ordered=True),
                _S("municipality_code", "int"),
                _S("employed_6_months", "bool"),
                _S("synthetic", "bool"),
            ),
            ("person_id",),
        ),
    )
}

# Which stored column points at which table's key: checked before writing, so that a bad
# reference is reported with its file row instead of as a database error.
REFERENCES: dict[str, dict[str, str]] = {
    "consultants": {"partner_id": "partners"},
    "networks": {"partner_id": "partners"},
    "network_memberships": {"network_id": "networks", "cvr": "companies"},
    "company_contacts": {
        "cvr": "companies",
        "consultant_id": "consultants",
        "external_project_id": "external_projects",
        "network_id": "networks",
    },
    "workshops": {"network_id": "networks"},
    "workshop_attendance": {"workshop_id": "workshops", "cvr": "companies"},
    "survey_statements": {"network_id": "networks"},
    "survey_responses": {"network_id": "networks", "cvr": "companies"},
    "survey_answers": {"response_id": "survey_responses", "statement_id": "survey_statements"},
    "ws2_decisions": {"workshop_id": "workshops", "statement_id": "survey_statements"},
    "competence_plans": {"cvr": "companies"},
    "participants": {"cvr": "companies"},
    "enrolments": {
        "participant_id": "participants",
        "partner_id": "partners",
        "network_id": "networks",
    },
    "rkv_results": {"partner_id": "partners"},
    "education_plans": {"partner_id": "partners"},
    "cmo_observations": {"network_id": "networks"},
}

# Parents before children: the order rows are written in.
WRITE_ORDER: tuple[str, ...] = tuple(TABLES)


def as_stored(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Each frame as ``read_table`` would give it back from a store: in key order, with the
    table's columns and dtypes. For analyses of simulated frames that skip the write and read
    round trip (tested on its own), which costs seconds."""
    out = {}
    for name, frame in frames.items():
        spec = TABLES[name]
        ordered = frame.sort_values(list(spec.key), kind="stable").reset_index(drop=True)
        out[name] = spec.conform(ordered).reset_index(drop=True)
    return out
