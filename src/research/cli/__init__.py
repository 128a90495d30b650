"""The `research` command: one subcommand per job, each a thin call into the library."""

from __future__ import annotations

import typer

from research.cli.audit import audit
from research.cli.check import check
from research.cli.documents import guides, plan, ws2
from research.cli.estimate import estimate
from research.cli.imports import import_
from research.cli.render import render
from research.cli.report import evidence, report
from research.cli.simulate import simulate

app = typer.Typer(
    help="Kompetenceløft Workbench: import, check, simulate and report on the programme.\n\n"
    "Example: research simulate && research check",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("import")(import_)
app.command("check")(check)
app.command("estimate")(estimate)
app.command("report")(report)
app.command("evidence")(evidence)
app.command("render")(render)
app.command("audit")(audit)
app.command("simulate")(simulate)
app.command("plan")(plan)
app.command("ws2")(ws2)
app.command("guides")(guides)
