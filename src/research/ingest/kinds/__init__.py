"""Every export format the workbench imports, by name."""

from __future__ import annotations

from research.errors import InputFileError
from research.ingest.kinds.base import ImportKind
from research.ingest.kinds.companies import COMPANIES
from research.ingest.kinds.participants import START_FORMS, STOP_FORMS

KINDS: dict[str, ImportKind] = {
    kind.name: kind
    for kind in (
        COMPANIES,
        START_FORMS,
        STOP_FORMS,
    )
}


def find_kind(name: str) -> ImportKind:
    key = name.strip().casefold()
    for kind in KINDS.values():
        if key == kind.name or key in kind.aliases:
            return kind
    raise InputFileError(f"unknown import kind '{name}'; known kinds: {', '.join(KINDS)}")


__all__ = ["KINDS", "ImportKind", "find_kind"]
