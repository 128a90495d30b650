"""`research check`: is the whole database consistent, complete and on time?"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from research.cli.common import DbOption, friendly_errors

if TYPE_CHECKING:
    from research.quality import CheckReport

DEFAULT_GRACE_DAYS = 90  # the same default as research.quality (checked by a test)


@friendly_errors
def check(
    db: DbOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Data date (YYYY-MM-DD); default: the latest event in the database."
        ),
    ] = None,
    grace_days: Annotated[
        int, typer.Option(help="Days after the expected end before a stop form is overdue.")
    ] = DEFAULT_GRACE_DAYS,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Validate the whole database; exit 1 when errors are found.

    Example: research check --db data/workbench.duckdb --json
    """
    from research.config import resolve_db_path
    from research.quality import check_database

    day = date.fromisoformat(as_of) if as_of else None
    report = check_database(resolve_db_path(db), day, grace_days)
    typer.echo(json.dumps(report.as_dict(), indent=2) if as_json else render(report))
    if not report.clean:
        raise typer.Exit(1)


def render(report: CheckReport) -> str:
    lines = [f"Data date: {report.as_of or 'no events yet'}"]
    lines.append("Rows: " + ", ".join(f"{k} {v}" for k, v in report.row_counts.items() if v))
    for f in report.findings:
        examples = f" (e.g. {', '.join(f.examples)})" if f.examples else ""
        lines.append(f"  {f.severity.upper():7} {f.count:6}  {f.description}{examples}")
    verdict = "clean" if report.clean else "NOT clean"
    lines.append(f"{report.errors} errors, {report.warnings} warnings: the database is {verdict}.")
    return "\n".join(lines)
