"""``research plan``: the company documents, one company, a network's members or all of them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from research.domain.identifiers import normalise_cvr
from research.report.companies.view import companies_with_plan
from research.report.kit.context import ReportContext, ReportError
from research.report.runner.handout_batch import BatchResult, DocumentKind, run_documents

COMPANY_PLAN = DocumentKind(
    notebook="company_plan",
    key_parameter="cvr",
    folder="companies",
    stem="plan",
    title_word="company plans",
)


def _selection(companies: Sequence[str], network: str | None) -> Any:
    def select(ctx: ReportContext) -> list[str]:
        known = set(ctx.tables["companies"]["cvr"])
        if companies:
            chosen = []
            for raw in companies:
                try:
                    cvr = normalise_cvr(raw)
                except ValueError as exc:
                    raise ReportError(f"--company {raw!r}: {exc}") from None
                if cvr not in known:
                    raise ReportError(f"--company {cvr}: no company with this CVR number")
                chosen.append(cvr)
            return chosen
        if network and network not in set(ctx.tables["networks"]["network_id"]):
            raise ReportError(f"--network {network!r}: no such network")
        return companies_with_plan(ctx.tables, ctx.as_of, network)

    return select


def run_company_plans(
    companies: Sequence[str] = (),
    *,
    network: str | None = None,
    quarter: str | None = None,
    db: Path | str | None = None,
    lang: str = "da",
    out: Path | str = "reports",
    config: Path | str | None = None,
    kernel: str | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> BatchResult:
    """The plans of ``companies`` (CVR numbers), or else of every company with a plan (in
    ``network`` when given), in ``<out>/<quarter>/companies/<CVR>/``."""
    return run_documents(
        COMPANY_PLAN,
        _selection(companies, network),
        quarter=quarter,
        db=db,
        lang=lang,
        out=out,
        config=config,
        kernel=kernel,
        workers=workers,
        progress=progress,
    )
