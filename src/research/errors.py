"""One root for every error the workbench raises on purpose.

The CLI turns a ``ResearchError`` into one clear line and a non-zero exit code; anything else is
a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from research.domain.identifiers import mask_cpr_shaped


class ResearchError(Exception):
    """Raised when the workbench refuses to go on, with a message meant for the user.

    Its text never shows a CPR number: anything CPR-shaped in it is masked (``150585-****``),
    whatever put it there (a header, a file name, a cell quoted in a reason).
    """

    exit_code = 1

    def __str__(self) -> str:
        return mask_cpr_shaped(super().__str__())


class ConfigError(ResearchError):
    """Raised when the project configuration or a setting is missing or invalid."""


class PseudonymKeyError(ConfigError):
    """Raised when no pseudonymisation key is available for CPR numbers."""


class ArgumentError(ResearchError, ValueError):
    """Raised when a value given to a public function (a quarter, a date, a path) cannot be read.

    Also a ``ValueError``, so callers that caught the old parse errors still catch it.
    """


class StoreError(ResearchError):
    """Raised when the database cannot be opened, migrated or written."""


class InputFileError(ResearchError):
    """Raised when a file is not what it claims to be (empty, binary, wrong kind, bad columns)."""


@dataclass(frozen=True)
class RowProblem:
    """One bad cell or row, located as the user sees it in a spreadsheet.

    ``value`` is safe to show: the CPR column's cells are masked before a problem is made, and
    any CPR-shaped text in any field (a CPR number typed into another column, or quoted in a
    reason) is masked here, so no caller can forget it.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str

    def __post_init__(self) -> None:
        for name in ("file", "column", "value", "reason"):
            text = getattr(self, name)
            if isinstance(text, str):
                object.__setattr__(self, name, mask_cpr_shaped(text))

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
