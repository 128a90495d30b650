"""`research import KIND FILE`: bring one export into the store, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from research.cli.common import ConfigOption, DbOption, fail, friendly_errors

if TYPE_CHECKING:
    from research.ingest.importer import ImportResult


@friendly_errors
def import_(
    kind: Annotated[str | None, typer.Argument(help="What the file is; see --kinds.")] = None,
    file: Annotated[
        Path | None, typer.Argument(help="A .csv (;-separated) or .xlsx export.")
    ] = None,
    db: DbOption = None,
    config: ConfigOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and report, write nothing.")
    ] = False,
    lenient: Annotated[
        bool,
        typer.Option(
            "--lenient",
            help="Import the good rows; write the bad ones with reasons to FILE.quarantine.csv.",
        ),
    ] = False,
    demo_key: Annotated[
        bool,
        typer.Option(
            "--demo-key",
            help="Pseudonymise with the public demo key: for synthetic example files only.",
        ),
    ] = False,
    kinds: Annotated[
        bool, typer.Option("--kinds", help="List every import kind and its example file.")
    ] = False,
) -> None:
    """Import one export file. A file with any bad row is rejected whole; the database is unchanged.

    Example: research import companies src/research/ingest/examples/companies.csv --demo-key
    """
    # The library is imported here, not at the top, so that `research --help` stays quick.
    from research.config import load_programme_config, resolve_db_path
    from research.ingest.importer import import_file
    from research.ingest.kinds import find_kind
    from research.ingest.pseudonym import load_key
    from research.ingest.template_docs import render_kinds_listing

    if kinds:
        typer.echo(render_kinds_listing())
        return
    if kind is None or file is None:
        raise fail("give a KIND and a FILE (see `research import --kinds`)", 2)
    key = load_key(demo=demo_key) if find_kind(kind).has_personal_data() else None
    if demo_key:
        typer.secho("note: demo key in use — for synthetic data only", err=True, fg="yellow")
    result = import_file(
        kind,
        file,
        resolve_db_path(db),
        load_programme_config(config),
        key=key,
        dry_run=dry_run,
        lenient=lenient,
        demo=demo_key,
    )
    typer.echo(describe(result))


def describe(result: ImportResult) -> str:
    s = result.stats
    verb = "would add" if result.dry_run else "added"
    source = f"sheet '{result.sheet}', {result.kind}" if result.sheet else result.kind
    line = (
        f"{result.file.name} ({source}): {result.rows_read} rows read; "
        f"{verb} {s.added}, {'would change' if result.dry_run else 'changed'} {s.changed}, "
        f"unchanged {s.unchanged}"
    )
    if result.masked:
        line += f"; a CPR-shaped number masked in {result.masked} free-text cells"
    if result.rejected:
        line += f"; {result.rejected} rows rejected"
        if result.quarantine:
            line += f" (see {result.quarantine})"
        for problem in result.problems:
            line += f"\n  {problem}"
    if result.dry_run:
        line += "\n(dry run: nothing was written)"
    elif not s.changes_anything:
        line += "\n(nothing new: the database is unchanged)"
    return line
