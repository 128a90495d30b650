"""The report's head: what it is, for whom, which quarter and which data."""

from __future__ import annotations

import html

from research.report.kit import blocks
from research.report.kit.context import ReportContext
from research.report.kit.formatting import format_date
from research.report.kit.markdown import escape_markdown


def front_lines(ctx: ReportContext) -> tuple[str, list[str]]:
    """The title and the lines under it: project, scope and data date."""
    lang = ctx.lang
    scope = ctx.partner_name or ctx.partner
    if lang == "da":
        title = f"Kvartalsrapport {ctx.quarter.label('da')}"
        lines = [
            ctx.config.name,
            f"Partner: {scope}" if scope else "Hele projektet",
            f"Data opgjort pr. {format_date(ctx.as_of, 'da')} "
            f"(seneste registrering {format_date(ctx.data_date, 'da')})",
        ]
    else:
        title = f"Quarterly report {ctx.quarter.label('en')}"
        lines = [
            ctx.config.name,
            f"Partner: {scope}" if scope else "The whole programme",
            f"Figures as of {format_date(ctx.as_of, 'en')} "
            f"(latest record {format_date(ctx.data_date, 'en')})",
        ]
    return title, lines


def front_matter(ctx: ReportContext) -> str:
    """The title block as HTML: project, quarter, scope and data date."""
    title, lines = front_lines(ctx)
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return f'<header class="report-front"><h1>{html.escape(title)}</h1>{body}</header>'


def show_front(ctx: ReportContext) -> None:
    """The title block with a markdown form (so no renderer falls back to an object's repr)
    and its block (the PDF's title page)."""
    from IPython.display import display

    title, lines = front_lines(ctx)
    data = {
        "text/html": front_matter(ctx),
        "text/markdown": "\n\n".join(escape_markdown(line) for line in lines),
    }
    display(blocks.bundle_with(data, blocks.front(title, lines)), raw=True)
