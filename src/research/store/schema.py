"""The database schema, as an ordered list of migrations.

A migration is only ever appended, never edited once released: ``migrate`` applies the ones a
database has not seen and records each in ``schema_version``.
"""

from __future__ import annotations

import re

from research.domain.codes import (
    CmoStatus,
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


def _in(column: str, codes: type) -> str:
    allowed = ", ".join(f"'{c}'" for c in codes.codes())
    return f"CHECK ({column} IN ({allowed}))"


def _in_nullable(column: str, codes: type) -> str:
    allowed = ", ".join(f"'{c}'" for c in codes.codes())
    return f"CHECK ({column} IS NULL OR {column} IN ({allowed}))"


_V1 = f"""
CREATE TABLE partners (
    partner_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL {_in("kind", PartnerKind)}
);
CREATE TABLE external_projects (
    project_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    owner VARCHAR
);
CREATE TABLE consultants (
    consultant_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    partner_id VARCHAR NOT NULL REFERENCES partners (partner_id),
    role VARCHAR NOT NULL CHECK (role IN ('leader', 'consultant')),
    in_shared_concept BOOLEAN NOT NULL,
    joined_on DATE NOT NULL,
    left_on DATE,
    CHECK (left_on IS NULL OR left_on >= joined_on)
);
CREATE TABLE companies (
    cvr VARCHAR PRIMARY KEY CHECK (length(cvr) = 8),
    name VARCHAR NOT NULL,
    db07 VARCHAR NOT NULL CHECK (length(db07) = 6),
    industry_group SMALLINT NOT NULL CHECK (industry_group BETWEEN 1 AND 11),
    employees INTEGER CHECK (employees IS NULL OR employees >= 0),
    size_band VARCHAR {_in_nullable("size_band", SizeBand)},
    municipality_code SMALLINT NOT NULL,
    synthetic BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE networks (
    network_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    industry_group SMALLINT NOT NULL CHECK (industry_group BETWEEN 1 AND 11),
    theme VARCHAR NOT NULL,
    partner_id VARCHAR NOT NULL REFERENCES partners (partner_id),
    established_on DATE NOT NULL
);
CREATE TABLE network_memberships (
    network_id VARCHAR NOT NULL REFERENCES networks (network_id),
    cvr VARCHAR NOT NULL REFERENCES companies (cvr),
    joined_on DATE NOT NULL,
    left_on DATE,
    PRIMARY KEY (network_id, cvr),
    CHECK (left_on IS NULL OR left_on >= joined_on)
);
CREATE TABLE company_contacts (
    contact_id VARCHAR PRIMARY KEY,
    contact_date DATE NOT NULL,
    cvr VARCHAR NOT NULL REFERENCES companies (cvr),
    institution VARCHAR NOT NULL,
    institution_type VARCHAR NOT NULL {_in("institution_type", InstitutionType)},
    kind VARCHAR NOT NULL {_in("kind", ContactKind)},
    own_project BOOLEAN NOT NULL,
    consultant_id VARCHAR REFERENCES consultants (consultant_id),
    external_project_id VARCHAR REFERENCES external_projects (project_id),
    network_id VARCHAR REFERENCES networks (network_id),
    CHECK (NOT (own_project AND external_project_id IS NOT NULL))
);
CREATE TABLE workshops (
    workshop_id VARCHAR PRIMARY KEY,
    network_id VARCHAR NOT NULL REFERENCES networks (network_id),
    kind VARCHAR NOT NULL {_in("kind", WorkshopKind)},
    held_on DATE NOT NULL
);
CREATE TABLE workshop_attendance (
    workshop_id VARCHAR NOT NULL REFERENCES workshops (workshop_id),
    cvr VARCHAR NOT NULL REFERENCES companies (cvr),
    attendees SMALLINT NOT NULL CHECK (attendees > 0),
    PRIMARY KEY (workshop_id, cvr)
);
CREATE TABLE survey_statements (
    statement_id VARCHAR PRIMARY KEY,
    network_id VARCHAR NOT NULL REFERENCES networks (network_id),
    theme VARCHAR NOT NULL,
    text VARCHAR NOT NULL
);
CREATE TABLE survey_responses (
    response_id VARCHAR PRIMARY KEY,
    network_id VARCHAR NOT NULL REFERENCES networks (network_id),
    cvr VARCHAR NOT NULL REFERENCES companies (cvr),
    answered_on DATE NOT NULL,
    own_need VARCHAR
);
CREATE TABLE survey_answers (
    response_id VARCHAR NOT NULL REFERENCES survey_responses (response_id),
    statement_id VARCHAR NOT NULL REFERENCES survey_statements (statement_id),
    relevance SMALLINT CHECK (relevance IS NULL OR relevance BETWEEN 1 AND 5),
    dont_know BOOLEAN NOT NULL,
    PRIMARY KEY (response_id, statement_id),
    CHECK (dont_know = (relevance IS NULL))
);
CREATE TABLE ws2_decisions (
    decision_id VARCHAR PRIMARY KEY,
    workshop_id VARCHAR NOT NULL REFERENCES workshops (workshop_id),
    statement_id VARCHAR REFERENCES survey_statements (statement_id),
    decision VARCHAR NOT NULL {_in("decision", Ws2Decision)},
    offer VARCHAR
);
CREATE TABLE competence_plans (
    cvr VARCHAR NOT NULL REFERENCES companies (cvr),
    subject_area VARCHAR NOT NULL,
    plan_date DATE NOT NULL,
    current_level SMALLINT NOT NULL CHECK (current_level BETWEEN 1 AND 5),
    required_level SMALLINT NOT NULL CHECK (required_level BETWEEN 1 AND 5),
    employees_concerned INTEGER CHECK (employees_concerned IS NULL OR employees_concerned >= 0),
    PRIMARY KEY (cvr, subject_area, plan_date)
);
CREATE TABLE participants (
    participant_id VARCHAR PRIMARY KEY,
    birth_date DATE NOT NULL,
    gender VARCHAR NOT NULL {_in("gender", Gender)},
    employment_status VARCHAR NOT NULL {_in("employment_status", EmploymentStatus)},
    highest_education VARCHAR NOT NULL {_in("highest_education", EducationGroup)},
    municipality_code SMALLINT NOT NULL,
    job_centre VARCHAR NOT NULL,
    cvr VARCHAR REFERENCES companies (cvr),
    recruitment_route VARCHAR NOT NULL {_in("recruitment_route", RecruitmentRoute)},
    meets_02_requirement BOOLEAN,
    foreign_background BOOLEAN,
    disability BOOLEAN,
    first_entry_on DATE NOT NULL,
    synthetic BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE enrolments (
    enrolment_id VARCHAR PRIMARY KEY,
    participant_id VARCHAR NOT NULL REFERENCES participants (participant_id),
    partner_id VARCHAR NOT NULL REFERENCES partners (partner_id),
    programme_kind VARCHAR NOT NULL {_in("programme_kind", ProgrammeKind)},
    purpose VARCHAR NOT NULL {_in("purpose", Purpose)},
    education VARCHAR NOT NULL,
    euv_track VARCHAR {_in_nullable("euv_track", EuvTrack)},
    network_id VARCHAR REFERENCES networks (network_id),
    started_on DATE NOT NULL,
    expected_end DATE,
    exit_on DATE,
    exit_reason VARCHAR {_in_nullable("exit_reason", ExitReason)},
    status_on_leaving VARCHAR {_in_nullable("status_on_leaving", LabourMarketStatus)},
    status_6_months VARCHAR {_in_nullable("status_6_months", LabourMarketStatus)},
    CHECK (expected_end IS NULL OR expected_end >= started_on),
    CHECK (exit_on IS NULL OR exit_on >= started_on),
    CHECK ((exit_on IS NULL) = (exit_reason IS NULL)),
    CHECK (exit_on IS NOT NULL OR status_on_leaving IS NULL)
);
-- RKVs and education plans name a person by pseudonym, not a participant: many people are
-- assessed before, or without, a start form.
CREATE TABLE rkv_results (
    rkv_id VARCHAR PRIMARY KEY,
    person_id VARCHAR NOT NULL,
    birth_date DATE NOT NULL,
    gender VARCHAR NOT NULL {_in("gender", Gender)},
    partner_id VARCHAR NOT NULL REFERENCES partners (partner_id),
    rkv_type VARCHAR NOT NULL {_in("rkv_type", RkvType)},
    started_on DATE NOT NULL,
    ended_on DATE NOT NULL,
    days DOUBLE CHECK (days IS NULL OR days BETWEEN 0 AND 10),
    target_education VARCHAR NOT NULL,
    track_estimated VARCHAR {_in_nullable("track_estimated", EuvTrack)},
    track_decided VARCHAR {_in_nullable("track_decided", EuvTrack)},
    credit_weeks DOUBLE CHECK (credit_weeks IS NULL OR credit_weeks >= 0),
    documents VARCHAR,
    CHECK (ended_on >= started_on)
);
CREATE TABLE education_plans (
    plan_id VARCHAR PRIMARY KEY,
    person_id VARCHAR NOT NULL,
    partner_id VARCHAR NOT NULL REFERENCES partners (partner_id),
    programme_kind VARCHAR NOT NULL {_in("programme_kind", ProgrammeKind)},
    education VARCHAR NOT NULL,
    subjects VARCHAR,
    start_on DATE NOT NULL,
    school_periods VARCHAR,
    expected_end DATE NOT NULL,
    CHECK (expected_end >= start_on)
);
CREATE TABLE cmo_observations (
    observation_id VARCHAR PRIMARY KEY,
    recorded_on DATE NOT NULL,
    researcher VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    context VARCHAR NOT NULL,
    mechanism_resource VARCHAR NOT NULL,
    mechanism_reasoning VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    status VARCHAR NOT NULL {_in("status", CmoStatus)},
    linked_metric VARCHAR,
    network_id VARCHAR REFERENCES networks (network_id)
);
CREATE SEQUENCE import_audit_seq START 1;
CREATE TABLE import_audit (
    audit_id INTEGER PRIMARY KEY DEFAULT nextval('import_audit_seq'),
    imported_at TIMESTAMP NOT NULL,
    kind VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    rows_read INTEGER NOT NULL,
    rows_added INTEGER NOT NULL,
    rows_changed INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL
);
"""

# Comparison data for the evidence: companies and people outside the programme. Comparison
# companies are not in ``companies`` (they are never contacted), so the panel has no reference.
_V2 = f"""
CREATE TABLE company_panel (
    cvr VARCHAR NOT NULL CHECK (length(cvr) = 8),
    year SMALLINT NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    db07 VARCHAR NOT NULL CHECK (length(db07) = 6),
    employees INTEGER NOT NULL CHECK (employees > 0),
    skilled_employees INTEGER NOT NULL CHECK (skilled_employees >= 0),
    participating BOOLEAN NOT NULL,
    first_participation_year SMALLINT,
    synthetic BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (cvr, year),
    CHECK (skilled_employees <= employees),
    CHECK (participating = (first_participation_year IS NOT NULL))
);
CREATE TABLE comparison_individuals (
    person_id VARCHAR PRIMARY KEY,
    reference_date DATE NOT NULL,
    birth_date DATE NOT NULL,
    gender VARCHAR NOT NULL {_in("gender", Gender)},
    employment_status VARCHAR NOT NULL {_in("employment_status", EmploymentStatus)},
    highest_education VARCHAR NOT NULL {_in("highest_education", EducationGroup)},
    municipality_code SMALLINT NOT NULL,
    employed_6_months BOOLEAN NOT NULL,
    synthetic BOOLEAN NOT NULL DEFAULT false
);
"""

_REFERENCES_CLAUSE = re.compile(r"\s+REFERENCES\s+\w+\s*\(\w+\)")


def _without_foreign_keys(ddl: str) -> str:
    """Rebuild every table of ``ddl`` that holds a FOREIGN KEY, the same but without it.

    Why: DuckDB updates a row of a table with an index on a non-key column (which every
    FOREIGN KEY column gets) by delete and insert, and refuses that delete while another table
    points at the row, so a corrected network, consultant, workshop, statement, response or
    participant could not be stored. References are checked instead before every write
    (``store.validate.check_references``) and over the whole store by ``research check``.
    DuckDB cannot drop a constraint, so each table is copied, the old ones dropped (children
    first) and the copies renamed.
    """
    tables = [
        (name, body)
        for name, body in re.findall(r"CREATE TABLE (\w+) \((.*?)\n\);", ddl, re.S)
        if _REFERENCES_CLAUSE.search(body)
    ]
    steps = [
        f"CREATE TABLE {name}__rebuilt ({_REFERENCES_CLAUSE.sub('', body)}\n);\n"
        f"INSERT INTO {name}__rebuilt SELECT * FROM {name};"
        for name, body in tables
    ]
    steps += [f"DROP TABLE {name};" for name, _ in reversed(tables)]
    steps += [f"ALTER TABLE {name}__rebuilt RENAME TO {name};" for name, _ in tables]
    return "\n".join(steps)


_V3 = _without_foreign_keys(_V1)


# What a database is made of, said by the database itself: the origin of its data (synthetic,
# real or both) and the fingerprint of the pseudonymisation key (never the key). A database
# made before this table existed gets its origin from the synthetic flags (see research.store
# .meta, which holds the same rule for a database not migrated yet).
LEGACY_ORIGIN_SQL = """
SELECT 'origin.synthetic' AS name FROM (SELECT 1) WHERE
    EXISTS (SELECT 1 FROM participants WHERE synthetic)
    OR EXISTS (SELECT 1 FROM companies WHERE synthetic)
    OR EXISTS (SELECT 1 FROM company_panel WHERE synthetic)
    OR EXISTS (SELECT 1 FROM comparison_individuals WHERE synthetic)
    OR EXISTS (SELECT 1 FROM import_audit WHERE kind = 'simulate')
UNION ALL
SELECT 'origin.real' AS name FROM (SELECT 1) WHERE
    EXISTS (SELECT 1 FROM participants WHERE NOT synthetic)
    OR EXISTS (SELECT 1 FROM companies WHERE NOT synthetic)
    OR EXISTS (SELECT 1 FROM company_panel WHERE NOT synthetic)
    OR EXISTS (SELECT 1 FROM comparison_individuals WHERE NOT synthetic)
"""

_V4 = f"""
CREATE TABLE workbench_meta (
    name VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO workbench_meta
SELECT name, 'inferred from the synthetic flags of a database made before workbench_meta',
       now()::TIMESTAMP
FROM ({LEGACY_ORIGIN_SQL});
"""

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "programme, participants, enrolments, surveys, contacts, audit", _V1),
    (2, "comparison data: company panel and comparison individuals", _V2),
    (3, "no FOREIGN KEY constraints: references are checked before writing", _V3),
    (4, "workbench_meta: data origin and key fingerprint", _V4),
]

LATEST_VERSION = MIGRATIONS[-1][0]
