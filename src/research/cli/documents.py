"""`research plan` and `research ws2`: the documents handed to companies and to workshop 2."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from research.cli.common import ConfigOption, DbOption, fail, friendly_errors

if TYPE_CHECKING:
    from research.report.runner.handout_batch import BatchResult

QuarterOption = Annotated[
    str | None,
    typer.Option(help="Quarter like 2026Q3 (default: the last complete quarter in the data)."),
]
LangOption = Annotated[str, typer.Option(help="Language: da or en.")]
OutOption = Annotated[Path, typer.Option(help="Folder the reports go into.")]
WorkersOption = Annotated[
    int | None,
    typer.Option(help="Parallel workers, each with one kernel (default: one per core).", min=1),
]


def _summary(result: BatchResult, what: str) -> None:
    """Where the documents went, how fast, and every failure in one line each."""
    typer.echo(
        f"{result.written} {what} in {result.folder} "
        f"({result.seconds:.0f} s, {result.documents_per_second():.1f} per second, "
        f"{result.workers} worker(s))"
    )
    for outcome in result.failed:
        typer.secho(f"failed: {outcome.key}: {outcome.error}", err=True, fg=typer.colors.RED)
    if result.failed:
        raise fail(
            f"{len(result.failed)} of {len(result.outcomes)} {what} failed; the others were "
            "published, and each failed one keeps its last good folder and a <key>.failed.ipynb"
        )


@friendly_errors
def plan(
    company: Annotated[
        list[str] | None,
        typer.Option("--company", help="A company's CVR number (repeat for several)."),
    ] = None,
    all_companies: Annotated[
        bool,
        typer.Option("--all-companies", help="Every company with a competence supply plan."),
    ] = False,
    network: Annotated[
        str | None, typer.Option(help="With --all-companies: only this network's members.")
    ] = None,
    quarter: QuarterOption = None,
    db: DbOption = None,
    lang: LangOption = "da",
    out: OutOption = Path("reports"),
    config: ConfigOption = None,
    workers: WorkersOption = None,
) -> None:
    """Each company's competence supply plan (HTML and A4 PDF) for the talk with the company.

    Writes reports/<quarter>/companies/<CVR>/plan.{html,pdf,ipynb} and a manifest.

    Example: research plan --company 99000376
    """
    from research.report.runner.company_plans import run_company_plans

    if bool(company) == all_companies:
        raise fail("give --company CVR (one or more) or --all-companies, not both")
    if network and not all_companies:
        raise fail("--network goes with --all-companies")
    result = run_company_plans(
        company or (),
        network=network,
        quarter=quarter,
        db=db,
        lang=lang,
        out=out,
        config=config,
        workers=workers,
    )
    _summary(result, "company plans")
    if len(result.outcomes) == 1 and not result.failed:
        typer.echo(result.folder / result.outcomes[0].key / "plan.html")


@friendly_errors
def ws2(
    network: Annotated[
        list[str] | None,
        typer.Option("--network", help="A network id, e.g. NET001 (repeat for several)."),
    ] = None,
    all_networks: Annotated[
        bool, typer.Option("--all-networks", help="Every network established by the quarter.")
    ] = False,
    quarter: QuarterOption = None,
    db: DbOption = None,
    lang: LangOption = "da",
    out: OutOption = Path("reports"),
    config: ConfigOption = None,
    workers: WorkersOption = None,
) -> None:
    """The brief for a network's workshop 2 (HTML and A4 PDF): survey, spider, decision sheet.

    Writes reports/<quarter>/networks/<ID>/ws2.{html,pdf,ipynb} and a manifest. Decisions
    imported with `research import ws2-decisions` appear in the next brief.

    Example: research ws2 --network NET001
    """
    from research.report.runner.ws2_briefs import run_ws2_briefs

    if bool(network) == all_networks:
        raise fail("give --network ID (one or more) or --all-networks, not both")
    result = run_ws2_briefs(
        network or (),
        quarter=quarter,
        db=db,
        lang=lang,
        out=out,
        config=config,
        workers=workers,
    )
    _summary(result, "workshop-2 briefs")
    if len(result.outcomes) == 1 and not result.failed:
        typer.echo(result.folder / result.outcomes[0].key / "ws2.html")


@friendly_errors
def guides(
    docs: Annotated[Path, typer.Option(help="The folder with guide-*.md.")] = Path("docs"),
    out: Annotated[Path, typer.Option(help="Where the HTML and PDF go.")] = Path("reports/guides"),
) -> None:
    """The Danish user guides (project manager, consultant, researcher) as HTML and A4 PDF.

    Example: research guides --out reports/guides
    """
    from research.report.runner.guides import render_guides

    for guide in render_guides(docs, out):
        typer.echo(f"{guide.html}  {guide.pdf}")
