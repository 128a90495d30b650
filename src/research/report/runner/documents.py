"""The documents people hand on, made from the executed notebooks: the A4 PDF and the deck.

Why one module: the runner makes each document (``write_pdf``, ``write_deck``; both at once:
``write_documents``) as soon as its notebook ran and before the results are moved into place,
so the PDF and the deck are published (and hashed in the manifest) together with the HTML, or
not at all. ``mark`` is the line drawn on every page and
slide when given (e.g. that the data are synthetic); it is passed straight to the renderers.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from research.report.kit.blocks import blocks_of
from research.report.kit.formatting import format_date
from research.report.runner.deck import render_deck
from research.report.runner.pdf import render_pdf

if TYPE_CHECKING:
    from research.report.kit.context import ReportContext

DECK_NOTEBOOK = "seminar"
DECK_FILE = "seminar.pptx"


def data_date_line(ctx: ReportContext) -> str:
    """'data pr. 30-09-2026' (or 'data as of …')."""
    return f"{'data pr.' if ctx.lang == 'da' else 'data as of'} {format_date(ctx.as_of, ctx.lang)}"


def header_line(title: str, ctx: ReportContext) -> str:
    """'Kvartalsrapport 3. kvt. 2026 · data pr. 30-09-2026': the PDF's running header."""
    return f"{title} · {data_date_line(ctx)}"


def write_documents(
    folder: Path,
    ctx: ReportContext,
    main: str,
    title: str,
    *,
    mark: str | None = None,
) -> list[Path]:
    """``<main>.pdf`` from ``<main>.ipynb``, and ``seminar.pptx`` when the seminar ran."""
    written = [write_pdf(folder, ctx, main, title, mark=mark)]
    deck = write_deck(folder, ctx, mark=mark)
    return written + ([deck] if deck else [])


def write_pdf(
    folder: Path, ctx: ReportContext, main: str, title: str, *, mark: str | None = None
) -> Path:
    """``<main>.pdf`` from the executed ``<main>.ipynb``."""
    folder = Path(folder)
    return render_pdf(
        blocks_of(folder / f"{main}.ipynb"),
        folder / f"{main}.pdf",
        header=header_line(title, ctx),
        lang=ctx.lang,
        mark=mark,
        as_of=ctx.as_of.date(),
    )


def write_deck(folder: Path, ctx: ReportContext, *, mark: str | None = None) -> Path | None:
    """``seminar.pptx`` from the executed seminar notebook, when it ran (else None)."""
    seminar = Path(folder) / f"{DECK_NOTEBOOK}.ipynb"
    if not seminar.is_file():
        return None
    footer = f"{ctx.config.name} · {ctx.quarter.label(ctx.lang)} · {data_date_line(ctx)}"
    return render_deck(
        blocks_of(seminar), Path(folder) / DECK_FILE, footer=footer, mark=mark, as_of=ctx.as_of
    )


def warm_up() -> None:
    """Import what rendering the documents needs (nbconvert, Typst and its fonts, python-pptx,
    the audit): about a second and a half the runner spends while the kernels run, instead of
    after them."""
    import pptx  # noqa: F401
    from nbconvert import HTMLExporter  # noqa: F401

    import research.report.kit.audit  # noqa: F401
    from research.report.runner.pdf import _compiler

    _compiler()
