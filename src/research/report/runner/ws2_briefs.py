"""``research ws2``: the workshop-2 briefs, for one network or all of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from research.report.kit.context import ReportContext, ReportError
from research.report.networks.view import networks_with_members
from research.report.runner.handout_batch import BatchResult, DocumentKind, run_documents

WS2_BRIEF = DocumentKind(
    notebook="ws2_brief",
    key_parameter="network",
    folder="networks",
    stem="ws2",
    title_word="workshop-2 briefs",
)


def _selection(networks: Sequence[str]) -> Callable[[ReportContext], list[str]]:
    def select(ctx: ReportContext) -> list[str]:
        if not networks:
            return networks_with_members(ctx.tables, ctx.as_of)
        known = set(ctx.tables["networks"]["network_id"])
        for network in networks:
            if network not in known:
                raise ReportError(f"--network {network!r}: no such network")
        return list(networks)

    return select


def run_ws2_briefs(
    networks: Sequence[str] = (),
    *,
    quarter: str | None = None,
    db: Path | str | None = None,
    lang: str = "da",
    out: Path | str = "reports",
    config: Path | str | None = None,
    kernel: str | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> BatchResult:
    """The briefs of ``networks`` (every network when empty) in
    ``<out>/<quarter>/networks/<ID>/``."""
    return run_documents(
        WS2_BRIEF,
        _selection(networks),
        quarter=quarter,
        db=db,
        lang=lang,
        out=out,
        config=config,
        kernel=kernel,
        workers=workers,
        progress=progress,
    )
