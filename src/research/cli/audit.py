"""`research audit`: can anyone work out a small group from what a quarter published?"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from research.cli.common import fail, friendly_errors


@friendly_errors
def audit(
    report_dirs: Annotated[
        list[Path],
        typer.Argument(
            help="A finished report folder, e.g. reports/2026Q3 (partner sub-folders "
            "and article/ included); several quarter folders, or reports/ itself, are "
            "audited together, linked from quarter to quarter."
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
) -> None:
    """Attack the published files: exit 1 when a person count of 1-4 can be worked out.

    Reads every tables/publication.json under REPORT_DIR and the CSVs it names, and lists each
    withheld cell the published figures pin down (file, row, column, proved interval) and the
    relations that pin it. Never reads the database.

    Given several quarters (research audit reports/, or reports/2026Q2 reports/2026Q3), a
    figure of a past quarter is the same in every later report and a cumulative count grows by
    a group of persons that must not be small either.

    Example: research audit reports/2026Q3
    """
    from research.report.kit.audit import audit_report

    for report_dir in report_dirs:
        if not report_dir.is_dir():
            raise fail(f"{report_dir} is not a folder; give a report folder such as reports/2026Q3")
    result = audit_report(report_dirs if len(report_dirs) > 1 else report_dirs[0])
    if as_json:
        payload = {
            "passed": result.passed,
            "publications": [str(p) for p in result.publications],
            "withheld_checked": result.withheld_checked,
            "seconds": round(result.seconds, 3),
            "notes": list(result.notes),
            "leaks": [
                {
                    "file": leak.file,
                    "row": leak.row,
                    "key": leak.key,
                    "column": leak.column,
                    "reason": leak.reason,
                    "relations": list(leak.relations),
                }
                for leak in result.leaks
            ],
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for leak in result.leaks:
            typer.echo(leak.line())
        for note in result.notes:
            typer.echo(f"note: {note}")
        typer.echo(result.summary())
    if not result.passed:
        raise typer.Exit(1)
