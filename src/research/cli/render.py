"""`research render`: a made report folder through Quarto (HTML, A4 PDF, seminar slides)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from research.cli.common import fail, friendly_errors


@friendly_errors
def render(
    report_dir: Annotated[
        Path, typer.Argument(help="A report folder made by `research report`, e.g. reports/2026Q3.")
    ],
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Comma-separated formats: html, pdf, revealjs (default: all whose notebook "
            "exists).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Render a made report with Quarto (A4 PDF, HTML, seminar slides); no cell runs again.

    Results go to REPORT_DIR/quarto/. Needs the Quarto CLI; the report itself never does.

    Example: research render reports/2026Q3 --to pdf,revealjs
    """
    from research.report.runner import quarto

    if not report_dir.is_dir():
        raise fail(f"{report_dir} is not a folder; give a report folder such as reports/2026Q3")
    formats = quarto.parse_formats(to) if to else None
    for path in quarto.render(report_dir, formats):
        typer.echo(f"Quarto: {path}")
