"""Keeping CPR numbers out of everything an import stores except the pseudonym.

A CPR number belongs in the CPR column only, where it is pseudonymised. Found anywhere else
(rule: :func:`research.domain.identifiers.find_cpr_shaped`), it is handled by what the place
would do with it:

* a **file name** is stored in the import audit and shown in every message, and a column
  **name** is shown too: the file is refused in one line;
* an **identifier** (an enrolment, observation or plan id, a network id, ...) or a **coded
  value** (CVR, municipality, gender, dates, numbers) would be stored as given or means a
  number in the wrong column: the row is refused, with the number masked in the message;
* under the public **demo key**, a CPR number that is not one of this project's synthetic demo
  numbers (:func:`research.domain.identifiers.is_synthetic_cpr`: fails modulus 11 and is not
  dated 1 January) refuses its row: with the public key and the stored birth date anyone
  could recover a real number from its pseudonym in milliseconds;
* **free text** (names, a programme name, a CMO observation, a wish) is the researchers' own
  writing, where a number quoted by mistake should not cost the whole row: the number is
  replaced by ``******-****`` before anything is stored, and the import says how many cells
  it masked.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from research.domain.identifiers import (
    CPR_FULL_MASK,
    CprInfo,
    contains_cpr_shaped,
    mask_cpr_shaped,
)
from research.errors import InputFileError, RowProblem
from research.ingest.kinds.base import ImportKind
from research.ingest.readers import RawExport

__all__ = [
    "count_masked_free_text",
    "guard_cpr",
    "refuse_cpr_in_file_name",
    "refuse_real_cpr_under_demo_key",
]

_SEPARATOR = "\x1f"  # joins a column's cells for one fast scan; never a digit
_DIGITS = str.maketrans("0123456789", "##########")
_SIX_DIGITS = "######"


def refuse_cpr_in_file_name(path: Path) -> None:
    """Refuse a file whose name holds a CPR number (it would be stored and shown)."""
    if contains_cpr_shaped(path.name):
        raise InputFileError(
            f"the file name {mask_cpr_shaped(path.name)!r} holds a CPR number; file names are "
            "stored in the import audit and shown in messages, so rename the file and import again"
        )


def _suspects(cells: pd.Series) -> pd.Series:
    """The cells that hold CPR-shaped text; one fast scan of the whole column when none can
    (a CPR number needs six digits in a row, which dates, codes and names never have)."""
    text = cells.astype(str)
    joined = _SEPARATOR.join(text.tolist())
    if _SIX_DIGITS not in joined.translate(_DIGITS) or not contains_cpr_shaped(joined):
        return cells.iloc[0:0]
    return cells[text.map(contains_cpr_shaped)]


def guard_cpr(
    cells: pd.Series, header: str, file: str, problems: list[RowProblem], *, free_text: bool
) -> tuple[pd.Series, set[int]]:
    """The column's cells with CPR-shaped text masked (free text) or refused (anything else).

    Returns the cells to parse and the rows refused; a problem per refused cell is appended.
    """
    suspects = _suspects(cells)
    if suspects.empty:
        return cells, set()
    if free_text:
        cleaned = cells.copy()
        cleaned.loc[suspects.index] = [mask_cpr_shaped(str(c), CPR_FULL_MASK) for c in suspects]
        return cleaned, set()
    for row, cell in suspects.items():
        problems.append(
            RowProblem(
                file,
                int(row),
                header,
                mask_cpr_shaped(str(cell)),
                "looks like a CPR number; CPR numbers belong only in the CPR column "
                "(where they are pseudonymised), never in an id or another field",
            )
        )
    return cells, {int(r) for r in suspects.index}


def count_masked_free_text(
    kind: ImportKind, raw: RawExport, columns: dict[str, str], rejected: set[int]
) -> int:
    """How many free-text cells of the imported rows had CPR-shaped text masked."""
    kept = raw.frame.drop(index=list(rejected), errors="ignore")
    return sum(
        len(_suspects(kept[columns[c.field]]))
        for c in kind.columns
        if c.free_text and c.field in columns
    )


def refuse_real_cpr_under_demo_key(
    kind: ImportKind, parsed: pd.DataFrame, columns: dict[str, str], file: str
) -> list[RowProblem]:
    """A problem for every parsed CPR number that is not a synthetic demo number."""
    problems = []
    for col in kind.columns:
        if not col.personal or col.field not in columns:
            continue
        for row, info in parsed[col.field].items():
            if isinstance(info, CprInfo) and not info.synthetic:
                problems.append(
                    RowProblem(
                        file,
                        int(row),
                        columns[col.field],
                        info.masked,
                        "not a synthetic demo CPR number: the public demo key takes only the "
                        "synthetic example files; import real data with your own key "
                        "(RESEARCH_PSEUDONYM_KEY_FILE)",
                    )
                )
    return problems
