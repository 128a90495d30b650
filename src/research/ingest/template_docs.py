"""The import templates' documentation, rendered from the kinds themselves.

Generating the page from the same declarations the importer uses means the documentation
cannot drift from what is accepted; a test fails when the committed page is out of date.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from research.domain.identifiers import mask_cpr
from research.ingest.kinds import KINDS, ImportKind
from research.ingest.parsers import is_blank
from research.ingest.readers import read_export

EXAMPLES_DIR = Path(__file__).parent / "examples"
EXAMPLES_IN_REPO = "src/research/ingest/examples"
DOCS_FILE = "docs/import-templates.md"
REGENERATE = (
    'python -c "from pathlib import Path; '
    "from research.ingest.template_docs import render_import_docs; "
    f"Path('{DOCS_FILE}').write_text(render_import_docs(), encoding='utf-8')\""
)

PREAMBLE = f"""\
# Import templates (importskabeloner)

<!-- Generated from the code by research.ingest.template_docs; do not edit by hand.
Regenerate with: {REGENERATE} -->

Every export the workbench reads has a template: the columns below, with Danish names as an
administrator would write them. Import a file with

    research import KIND FILE

and list the kinds with `research import --kinds`. The example files are synthetic and import
with the public demo key: `research import companies {EXAMPLES_IN_REPO}/companies.csv --demo-key`.

## How files are read

- **CSV as Danish systems write it**: `;` as separator, decimal comma (`2,5`, `1.234,5`),
  dates as `dd-mm-åååå` (also `dd.mm.åååå`, `dd/mm/åååå` and `åååå-mm-dd`), encoded as UTF-8
  with or without BOM, or Windows-1252 (only when no letter in the file is UTF-8; a stray
  byte that is not UTF-8 rejects its row). An Excel workbook (`.xlsx`) works too: the first
  visible sheet is read, with the column names in row 1.
- **Columns** are found by name, in any order and in any case; the names in parentheses are
  accepted as well. Optional columns may be left out. A column the template does not know
  rejects the file, so that a misspelt column is never silently ignored.
- **Rows** are numbered as the spreadsheet shows them: the column names are row 1.
- **Yes/no** cells take `Ja` or `Nej` (also `J`/`N`, `1`/`0`, `X` for yes).
- **Codes** accept the code, its Danish label or its English label, in any case: `Beskæftiget`
  and `employed` are the same.
- **CPR numbers** (`DDMMÅÅ-XXXX`, with or without the hyphen) are pseudonymised at import with a
  keyed HMAC (SHA-256) and never stored, logged or shown: only the pseudonym, the birth date
  and the CPR sex are kept. The key comes from `RESEARCH_PSEUDONYM_KEY` or a file named by
  `RESEARCH_PSEUDONYM_KEY_FILE`, kept outside the repository. In messages and quarantine files a
  CPR number is masked as `010190-****`. A CPR number in another column, an id or a file name
  rejects the row or the file; in free text it is stored as `******-****`. The example files
  use synthetic numbers that fail the modulus-11 check and are never dated 1 January, with the
  public `--demo-key`, which takes no other numbers; never use that key for real data.
- **All or nothing**: every cell, every rule across columns and rows, and every reference to
  data already imported (a company, a network, a workshop ...) is checked first. By default one
  problem rejects the whole file: nothing is written, and every problem is listed with its
  file, row and column. With `--lenient` the good rows are imported and the bad ones are written,
  with their reasons, to `FILE.quarantine.csv` next to the input. `--dry-run` checks only.
- **Re-import is safe**: importing the same file again changes nothing. A newer version of a row
  (the same id) updates the stored row, and every import that changes something leaves an audit
  row (what was added, changed, unchanged and rejected). An import never deletes rows.

## Import order

Later files point at what earlier files created, so import in this order:

{{order}}
"""


def example_path(kind: ImportKind) -> Path:
    """Where the kind's example file lives in the installed package."""
    return EXAMPLES_DIR / kind.example_file


def example_in_repo(kind: ImportKind) -> str:
    return f"{EXAMPLES_IN_REPO}/{kind.example_file}"


def render_kinds_listing() -> str:
    """One line per kind, for ``research import --kinds``."""
    width = max(len(k.name) for k in KINDS.values())
    title_width = max(len(k.title_da) for k in KINDS.values())
    return "\n".join(
        f"{k.name:<{width}}  {k.title_da:<{title_width}}  {k.description}  [{example_in_repo(k)}]"
        for k in KINDS.values()
    )


def render_import_docs() -> str:
    """The whole Markdown page for ``docs/import-templates.md``."""
    order = "\n".join(
        f"{n}. `{k.name}` ({k.title_da})" for n, k in enumerate(KINDS.values(), start=1)
    )
    sections = [PREAMBLE.format(order=order)]
    sections += [_render_kind(kind) for kind in KINDS.values()]
    return "\n".join(sections).rstrip("\n") + "\n"


def _render_kind(kind: ImportKind) -> str:
    lines = [
        f"## {kind.title_da} (`{kind.name}`)",
        "",
        kind.description,
        "",
        f"- Command: `research import {kind.name} FILE`",
    ]
    if kind.aliases:
        lines.append(f"- Also called: {', '.join(f'`{a}`' for a in kind.aliases)}")
    lines += [
        f"- Example file: `{example_in_repo(kind)}`",
        f"- Fills: {', '.join(f'`{t}`' for t in kind.tables)}",
        "",
    ]
    if kind.notes:
        lines += [kind.notes, ""]
    lines += [
        "| Column | Required column | Blank allowed | Meaning | Example |",
        "|---|---|---|---|---|",
    ]
    for col in kind.columns:
        header = f"`{col.header}`"
        if col.aliases:
            header += " (" + ", ".join(f"`{a}`" for a in col.aliases) + ")"
        example = mask_cpr(col.example) if col.personal and col.example else col.example
        cells = [
            header,
            "yes" if col.required else "no",
            "yes" if col.blank_ok else "no",
            col.doc,
            f"`{example}`" if example else "",
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", "An example row from the example file:", "", "```csv", *_example_row(kind)]
    lines += ["```", ""]
    return "\n".join(lines)


def _example_row(kind: ImportKind) -> list[str]:
    """The example file's header and first row, CPR numbers masked."""
    raw = read_export(example_path(kind))
    personal = {n.casefold() for c in kind.columns if c.personal for n in c.names}
    first = raw.frame.iloc[0]
    cells = [
        mask_cpr(str(v)) if h.casefold() in personal and not is_blank(v) else str(v)
        for h, v in zip(raw.headers, first, strict=True)
    ]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(raw.headers)
    writer.writerow(cells)
    return out.getvalue().rstrip("\n").split("\n")


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")
