"""`research report`: the quarterly progress report, the main job of the workbench."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from research.cli.common import ConfigOption, DbOption, fail, friendly_errors

if TYPE_CHECKING:
    from research.report.runner.run import ReportResult


QuarterOption = Annotated[
    str | None,
    typer.Option(help="Quarter like 2026Q3 (default: the last complete quarter in the data)."),
]
OutOption = Annotated[Path, typer.Option(help="Folder the reports go into.")]
MinCellOption = Annotated[
    int | None,
    typer.Option(help="Disclosure threshold (default: the project's, 5; never below 3)."),
]


@friendly_errors
def report(
    quarter: QuarterOption = None,
    db: DbOption = None,
    lang: Annotated[str, typer.Option(help="Report language: da or en.")] = "da",
    partner: Annotated[
        str | None, typer.Option(help="One partner's own report (a partner id, e.g. EUS1).")
    ] = None,
    all_partners: Annotated[
        bool, typer.Option("--all-partners", help="One report per partner, in parallel.")
    ] = False,
    out: OutOption = Path("reports"),
    min_cell: MinCellOption = None,
    config: ConfigOption = None,
    quarto: Annotated[
        bool, typer.Option("--quarto", help="Also render with Quarto (HTML, A4 PDF, slides).")
    ] = False,
    evidence: Annotated[
        bool,
        typer.Option("--evidence", help="Also make the article's evidence (reports/<q>/article/)."),
    ] = False,
    verify: Annotated[
        Path | None,
        typer.Option(
            help="Re-run a published report folder from its manifest, compare its tables and "
            "check every file it lists; also a companies/ or networks/ folder (or one document).",
            show_default=False,
        ),
    ] = None,
    sample: Annotated[
        int,
        typer.Option(
            min=0,
            help="With --verify on a companies/ or networks/ folder: re-make this many "
            "documents, spread evenly over them (0: all); every file is checked either way.",
        ),
    ] = 20,
    rtol: Annotated[
        float,
        typer.Option(
            min=0.0,
            help="With --verify: let estimates (numbers written with a decimal point) differ "
            "by this much relative, e.g. 1e-6 across code versions; counts stay exact.",
        ),
    ] = 0.0,
) -> None:
    """Run the report notebooks with papermill into reports/<quarter>/ and render them to HTML.

    Disclosure control also reads what earlier quarters published under --out: the newest
    quarter folder before this one that holds a report (reports/2026Q2) and every earlier
    quarter folder beside it (their publication.json and CSVs only), so no figure differs
    from an earlier one by 1-4 persons.

    Example: research report --quarter 2026Q3 --lang en
    """
    if verify is not None:
        _verify(verify, sample, rtol)
        return
    if partner and all_partners:
        raise fail("give either --partner or --all-partners, not both", 2)
    _demo_database_if_missing(db, config)
    from research.report.kit.context import load_context

    if all_partners:
        from research.report.runner.batch import run_partner_reports

        ctx = load_context(db, quarter, lang, min_cell=min_cell, config=config)
        outcomes = run_partner_reports(
            [p.partner_id for p in ctx.config.partners],
            quarter=str(ctx.quarter),
            db=db,
            lang=lang,
            out=out,
            min_cell=min_cell,
            config=config,
        )
        failed = [o for o in outcomes if o.error]
        for outcome in outcomes:
            if outcome.error:
                typer.secho(f"{outcome.partner}: FAILED: {outcome.error}", err=True, fg="red")
            else:
                typer.echo(f"{outcome.partner}: {outcome.html}")
        typer.echo(f"{len(outcomes) - len(failed)} of {len(outcomes)} partner reports made.")
        if failed:
            raise typer.Exit(1)
        return

    from research.report.runner.run import run_report

    result = run_report(
        quarter, db, lang, partner=partner, out=out, min_cell=min_cell, config=config
    )
    _print(result)
    if evidence:
        from research.report.runner.run import run_evidence

        article = run_evidence(
            str(result.parameters["quarter"]), db, "en", out=out, min_cell=min_cell, config=config
        )
        _print(article)
    if quarto:
        _quarto(result.folder)


def _demo_database_if_missing(db: Path | None, config: Path | None) -> None:
    """No --db, no $RESEARCH_DB and no data/workbench.duckdb: build the demo programme first,
    so a newcomer's first report needs no other step. An explicit database is never invented."""
    from datetime import date

    from research import settings
    from research.config import DEFAULT_DB, load_programme_config

    if db is not None or settings.db_path() or DEFAULT_DB.exists():
        return
    from research.simulate import default_until, simulate

    programme = load_programme_config(config)
    typer.echo(f"No database yet: building the synthetic demo programme in {DEFAULT_DB} ...")
    DEFAULT_DB.parent.mkdir(parents=True, exist_ok=True)
    simulate(DEFAULT_DB, programme, until=default_until(date.today(), programme))


def _print(result: ReportResult) -> None:
    typer.echo(f"Report: {result.html}")
    handed = (result.html.with_suffix(".pdf"), result.folder / "seminar.pptx")
    shown = [p.name for p in handed if p.is_file()]
    if shown:
        typer.echo(f"  to hand on: {', '.join(shown)} in {result.folder}")
    where = result.tables[0].parent if result.tables else result.folder
    typer.echo(
        f"  {len(result.tables)} tables as CSV in {where}, "
        f"manifest {result.manifest.name}; {result.seconds:.1f} s"
    )


def _quarto(folder: Path) -> None:
    from research.report.runner import quarto

    quarto.render(folder)
    typer.echo(f"Quarto: rendered {folder}")


def _verify(folder: Path, sample: int, rtol: float = 0.0) -> None:
    from research.report.runner.verify import verify_report
    from research.report.runner.verify_documents import documents_folder

    if documents_folder(folder) is not None:
        _verify_documents(folder, sample)
        return
    result = verify_report(folder, rtol=rtol)
    if result.database_changed:
        then, now = (h[:12] for h in result.database_hashes)
        typer.echo(
            f"The database has changed since this report was made (content hash {then}… then, "
            f"{now}… now): the report cannot be reproduced from it, and differences in the "
            "tables are expected."
        )
    for difference in result.files:
        typer.echo(difference.describe())
    if result.identical and result.tolerated:
        typer.echo(
            f"Verified: {result.tables_compared} tables in {folder} are reproduced, every count "
            f"exactly and {len(result.tolerated)} estimates within {rtol:g} relative (largest "
            f"difference {max(result.tolerated):.1e}); every file is as published."
        )
        return
    if result.identical:
        typer.echo(
            f"Verified: {result.tables_compared} tables in {folder} are reproduced exactly, "
            "and every file is as published."
        )
        return
    for difference in result.differences[:50]:
        typer.echo(difference.describe())
    more = len(result.differences) - 50
    if more > 0:
        typer.echo(f"... and {more} more differences")
    parts = []
    if result.files:
        parts.append(f"{len(result.files)} files differ from the manifest")
    if result.differences:
        parts.append(f"{len(result.differences)} differences against the published tables")
    raise fail(f"{' and '.join(parts)} in {folder}")


def _verify_documents(folder: Path, sample: int) -> None:
    from research.report.runner.verify_documents import verify_documents

    result = verify_documents(folder, sample)
    if result.database_changed:
        then, now = (h[:12] for h in result.database_hashes)
        typer.echo(
            f"The database has changed since these documents were made (content hash {then}… "
            f"then, {now}… now): differences in what they show are expected."
        )
    for difference in result.files[:50]:
        typer.echo(difference.describe())
    for difference in result.differences[:50]:
        typer.echo(difference.describe())
    remade = f"{len(result.remade)} of {result.documents} documents"
    if result.identical and result.documents == 1:
        typer.echo(
            f"Verified: {result.remade[0]} in {result.folder}, re-made, shows exactly what was "
            "published, and every file is as published."
        )
        return
    if result.identical:
        typer.echo(
            f"Verified: {remade} in {result.folder} re-made show exactly what was published, "
            f"and every file of all {result.documents} is as published."
        )
        return
    parts = []
    if result.files:
        parts.append(f"{len(result.files)} files differ from their manifests")
    if result.differences:
        parts.append(f"{len(result.differences)} differences in the {remade} re-made")
    raise fail(f"{' and '.join(parts)} in {result.folder}")


@friendly_errors
def evidence(
    quarter: QuarterOption = None,
    db: DbOption = None,
    lang: Annotated[str, typer.Option(help="Language: en (the article) or da.")] = "en",
    out: OutOption = Path("reports"),
    min_cell: MinCellOption = None,
    config: ConfigOption = None,
) -> None:
    """The article's evidence: what works for whom, with tables (Markdown, LaTeX, CSV) and
    figures (PDF, SVG, PNG) in reports/<quarter>/article/.

    Example: research evidence --quarter 2027Q4
    """
    _demo_database_if_missing(db, config)
    from research.report.runner.run import run_evidence

    _print(run_evidence(quarter, db, lang, out=out, min_cell=min_cell, config=config))
