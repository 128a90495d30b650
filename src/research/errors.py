"""One root for every error the workbench raises on purpose.

The CLI turns a ``ResearchError`` into one clear line and a non-zero exit code; anything else is
a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class ResearchError(Exception):
    """Raised when the workbench refuses to go on, with a message meant for the user."""

    exit_code = 1


class ConfigError(ResearchError):
    """Raised when the project configuration or a setting is missing or invalid."""


class PseudonymKeyError(ConfigError):
    """Raised when no pseudonymisation key is available for CPR numbers."""


class StoreError(ResearchError):
    """Raised when the database cannot be opened, migrated or written."""


class InputFileError(ResearchError):
    """Raised when a file is not what it claims to be (empty, binary, wrong kind, bad columns)."""


@dataclass(frozen=True)
class RowProblem:
    """One bad cell or row, located as the user sees it in a spreadsheet.

    ``value`` is already safe to show: CPR numbers are masked before a problem is made.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        shown = "" if self.value is None else f" (value: {self.value!r})"
        return f"{where}: {self.reason}{shown}"


class ValidationFailed(ResearchError):
    """Raised when rows fail validation; carries every problem, not just the first."""

    def __init__(self, problems: list[RowProblem], summary: str) -> None:
        self.problems = problems
        self.summary = summary
        super().__init__(summary)

    def __reduce__(self):  # keep picklable for parallel runs
        return (type(self), (self.problems, self.summary))

    def report(self, limit: int | None = None) -> str:
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [self.summary, *(f"  {p}" for p in shown)]
        if limit is not None and len(self.problems) > limit:
            lines.append(f"  … and {len(self.problems) - limit} more")
        return "\n".join(lines)


class EstimationError(ResearchError):
    """Raised when data cannot support the estimate asked for (columns, values, too few rows)."""
