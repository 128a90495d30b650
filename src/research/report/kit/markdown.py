"""Text as Markdown: escaped literal text and pipe tables.

Why in the kit: the progress report's outputs (for Quarto's PDF), the seminar slides and the
article's table files all write Markdown, and a researcher's ``*`` or ``|`` must come out as
written in every one of them.
"""

from __future__ import annotations

import re

import pandas as pd

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~^$@])")


def escape_markdown(text: str) -> str:
    """Text as literal markdown: a researcher's ``*`` or ``<`` must not become markup."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def markdown_table(frame: pd.DataFrame, caption: str) -> str:
    """A pipe table (GitHub/pandoc Markdown) with the caption above; text cells are escaped."""

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([f"Table: {cell(caption)}", "", header, rule, *body, ""])
