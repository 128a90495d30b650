"""Every export format the workbench imports, by name, in the order they are best imported.

Reference data comes first (companies, consultants, networks, statements, workshops), so that
every later file can point at what is already stored.
"""

from __future__ import annotations

from research.errors import InputFileError
from research.ingest.kinds.assessments import EDUCATION_PLANS, RKV_RESULTS
from research.ingest.kinds.base import ImportKind
from research.ingest.kinds.companies import COMPANIES
from research.ingest.kinds.organisation import (
    COMPETENCE_PLANS,
    CONSULTANTS,
    CONTACTS,
    EXTERNAL_PROJECTS,
    NETWORK_MEMBERS,
    NETWORKS,
)
from research.ingest.kinds.participants import START_FORMS, STOP_FORMS
from research.ingest.kinds.research import OBSERVATIONS
from research.ingest.kinds.workshops import (
    SURVEY_ANSWERS,
    SURVEY_STATEMENTS,
    WORKSHOPS,
    WS2_DECISIONS,
)

KINDS: dict[str, ImportKind] = {
    kind.name: kind
    for kind in (
        COMPANIES,
        CONSULTANTS,
        EXTERNAL_PROJECTS,
        NETWORKS,
        NETWORK_MEMBERS,
        CONTACTS,
        WORKSHOPS,
        SURVEY_STATEMENTS,
        SURVEY_ANSWERS,
        WS2_DECISIONS,
        COMPETENCE_PLANS,
        START_FORMS,
        STOP_FORMS,
        RKV_RESULTS,
        EDUCATION_PLANS,
        OBSERVATIONS,
    )
}


def find_kind(name: str) -> ImportKind:
    key = name.strip().casefold()
    for kind in KINDS.values():
        if key == kind.name or key in kind.aliases:
            return kind
    raise InputFileError(f"unknown import kind '{name}'; known kinds: {', '.join(KINDS)}")


__all__ = ["KINDS", "ImportKind", "find_kind"]
