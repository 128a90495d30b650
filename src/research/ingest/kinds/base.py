"""What an import kind declares: its template's columns and how its rows become table rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from research.config import ProgrammeConfig
from research.domain.identifiers import CprInfo, InvalidIdentifier, parse_cpr
from research.errors import PseudonymKeyError, RowProblem
from research.ingest import parsers
from research.ingest.pseudonym import pseudonymise
from research.store import Connection, read_table


@dataclass(frozen=True)
class Col:
    """One column of an import template."""

    header: str
    field: str
    parse: parsers.Parser = parsers.text
    required: bool = True  # the column must be in the file
    blank_ok: bool = False  # a cell may be empty
    aliases: tuple[str, ...] = ()
    doc: str = ""
    example: str = ""
    personal: bool = False  # a CPR number: never shown, only masked

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    @property
    def identifier(self) -> bool:
        """An id that is stored as given (``*_id``): a CPR number in it refuses the row."""
        return self.field.endswith("_id")

    @property
    def free_text(self) -> bool:
        """Plain text a person wrote (not an id, not a code): a CPR number in it is masked."""
        return self.parse is parsers.text and not self.identifier and not self.personal


def cpr_column(header: str = "CPR-nummer") -> Col:
    return Col(
        header,
        "cpr",
        _parse_cpr,
        aliases=("CPR", "CPR nr.", "Personnummer"),
        doc="The person's CPR number (DDMMÅÅ-XXXX). Pseudonymised at import, never stored.",
        example="150585-1234",
        personal=True,
    )


def _parse_cpr(value: object) -> CprInfo:
    try:
        return parse_cpr(str(value))
    except InvalidIdentifier as exc:
        raise ValueError(f"not a valid CPR number ({exc.reason})") from None


@dataclass
class Context:
    """What a kind's builder may use besides its own rows."""

    con: Connection
    config: ProgrammeConfig
    file_name: str
    key: bytes | None
    problems: list[RowProblem] = field(default_factory=list)

    def person_id(self, info: CprInfo) -> str:
        if self.key is None:
            raise PseudonymKeyError(
                "no pseudonymisation key: set RESEARCH_PSEUDONYM_KEY or "
                "RESEARCH_PSEUDONYM_KEY_FILE (a file outside the repository); "
                "for the synthetic example files only, pass --demo-key"
            )
        return pseudonymise(info.normalised, self.key)

    def existing(self, table: str) -> pd.DataFrame:
        return read_table(self.con, table)

    def problem(self, row: int | None, column: str | None, reason: str, value=None) -> None:
        shown = None if value is None else str(value)
        self.problems.append(RowProblem(self.file_name, row, column, shown, reason))


Builder = Callable[[pd.DataFrame, Context], dict[str, pd.DataFrame]]


@dataclass(frozen=True)
class ImportKind:
    """An export format: its columns, the tables it fills, and where its example lives."""

    name: str
    title_da: str
    description: str
    columns: tuple[Col, ...]
    build: Builder
    tables: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    # Extra columns the template allows by pattern (e.g. one column per survey statement).
    extra_columns: Callable[[str], bool] | None = None
    notes: str = ""

    @property
    def example_file(self) -> str:
        return f"{self.name}.csv"

    def header_for(self, field_name: str) -> str | None:
        for col in self.columns:
            if col.field == field_name:
                return col.header
        return None

    def has_personal_data(self) -> bool:
        return any(col.personal for col in self.columns)


def records(rows: pd.DataFrame) -> Iterator[tuple[int, dict]]:
    """``(row number, {field: value})`` for each row: what ``iterrows`` gives, without making
    a Series per row (which took most of a large import's time)."""
    names = list(rows.columns)
    values = rows.itertuples(index=False, name=None)
    return zip(rows.index, (dict(zip(names, v, strict=True)) for v in values), strict=True)


def frame(rows: list[dict], index: list[int]) -> pd.DataFrame:
    """A table frame whose index is the spreadsheet row each record came from."""
    out = pd.DataFrame(rows, index=pd.Index(index, name="row"))
    return out
