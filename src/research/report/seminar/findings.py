"""The article's findings that are ready to present, one seminar slide each, with intervals.

Why here and not in the deck: the seminar notebook calls the same estimators as the article's
evidence notebook (``research.evidence``), with the same disclosure threshold, so a slide can
never show a number the article would not; a finding is *ready* only when its estimator ran
(status ``ok``) on groups of at least ``min_cell``. The unadjusted difference is never a finding.
Each slide states the finding in its title and gives the interval and the design in its text,
with the method and the caveats in the speaker notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from research.evidence.result import Status
from research.report.kit.formatting import format_number
from research.report.kit.labels import tr
from research.report.kit.markdown import escape_markdown
from research.report.seminar.slides import Markdown, Slide, speaker_notes

if TYPE_CHECKING:
    from research.report.kit.context import ReportContext

OK = Status.OK
PREFERRED_PARTICIPANT_METHODS = ("ipw", "ra")  # ATT, in this order


@dataclass(frozen=True)
class Finding:
    """One result worth a slide: the statement, its estimate and interval, and how it was made."""

    key: str
    title: str
    estimate: str
    interval: str
    design: str
    notes: str

    def block(self) -> dict:
        return {
            "kind": "finding",
            "estimate": self.estimate,
            "interval": self.interval,
            "design": self.design,
        }


def _n(value: float, ctx: ReportContext, decimals: int) -> str:
    return format_number(value, ctx.lang, decimals)


def _interval(low: float, high: float, ctx: ReportContext, decimals: int) -> str:
    return tr(ctx, "95 %-konfidensinterval", "95% confidence interval") + (
        f" {_n(low, ctx, decimals)}–{_n(high, ctx, decimals)}"
    )


def network_finding(ctx: ReportContext) -> Finding | None:
    """Participants per month in contact: network approach against one-to-one visits."""
    from research.evidence.conversion import company_frame, conversion_models

    companies = company_frame(ctx.tables, ctx.as_of)
    if companies.empty or companies["approach"].nunique() < 2:
        return None
    ratios = conversion_models(companies).rate_ratios
    row = ratios[ratios["reported"].astype(bool) & (ratios["term"] == "approach[network]")]
    if row.empty or not pd.notna(row["ci_low"].iloc[0]):
        return None
    r = row.iloc[0]
    counts = companies["approach"].value_counts()
    if int(counts.min()) < ctx.rule.min_cell:
        return None
    ratio = _n(r["rate_ratio"], ctx, 1)
    return Finding(
        key="network_conversion",
        title=tr(
            ctx,
            f"Netværk giver {ratio} gange så mange deltagere pr. måned som enkeltbesøg",
            f"Networks bring {ratio} times as many participants per month as one-to-one visits",
        ),
        estimate=tr(ctx, f"Rate ratio {ratio}", f"Rate ratio {ratio}"),
        interval=_interval(r["ci_low"], r["ci_high"], ctx, 1),
        design=tr(
            ctx,
            f"{format_number(len(companies), ctx.lang)} virksomheder; deltagere pr. måned i "
            f"kontakt, justeret for virksomhedens størrelse ({r['model']}-model).",
            f"{format_number(len(companies), ctx.lang)} companies; participants per month in "
            f"contact, adjusted for company size ({r['model']} model).",
        ),
        notes=tr(
            ctx,
            "Artiklens analyse 3. Sammenligningen er ikke et lodtrækningsforsøg: virksomheder i "
            "netværk kan adskille sig fra dem, der fik enkeltbesøg.",
            "The article's analysis 3. Not a randomised comparison: companies in networks may "
            "differ from those visited one to one.",
        ),
    )


def company_finding(ctx: ReportContext) -> Finding | None:
    """The skilled share of employees in participating companies (two-way fixed effects)."""
    from research.evidence.company_effect import company_effect

    panel = ctx.tables.get("company_panel")
    if panel is None or panel.empty:
        return None
    overall = company_effect(ctx.tables, min_cell=ctx.rule.min_cell).overall
    if overall.empty or str(overall["status"].iloc[0]) != OK:
        return None
    r = overall.iloc[0]
    points = _n(r["estimate"], ctx, 1)
    return Finding(
        key="skilled_share_did",
        title=tr(
            ctx,
            f"Andelen faglærte stiger {points} procentpoint i deltagende virksomheder",
            f"The skilled share rises {points} percentage points in participating companies",
        ),
        estimate=tr(ctx, f"{points} procentpoint", f"{points} percentage points"),
        interval=_interval(r["ci_low"], r["ci_high"], ctx, 1),
        design=tr(
            ctx,
            f"{format_number(r['n_treated_companies'], ctx.lang)} deltagende mod "
            f"{format_number(r['n_comparison_companies'], ctx.lang)} ikke-deltagende "
            "virksomheder, år for år (to-vejs faste effekter).",
            f"{format_number(r['n_treated_companies'], ctx.lang)} participating against "
            f"{format_number(r['n_comparison_companies'], ctx.lang)} non-participating "
            "companies, year by year (two-way fixed effects).",
        ),
        notes=tr(
            ctx,
            "Artiklens analyse 4. Standardfejl klynget på virksomhed. Et gennemsnit over årene "
            "efter deltagelse; event study og test for parallelle trends står i artiklen.",
            "The article's analysis 4. Standard errors clustered by company. An average over the "
            "years after participation; the event study and the parallel-trends test are in the "
            "article.",
        ),
    )


def participant_finding(ctx: ReportContext) -> Finding | None:
    """Employment six months after, for unemployed participants against a comparison group."""
    from research.evidence.participant_effect import participant_effect, person_frame

    comparison = ctx.tables.get("comparison_individuals")
    if comparison is None or comparison.empty:
        return None
    estimates = participant_effect(
        person_frame(ctx.tables, ctx.as_of), min_cell=ctx.rule.min_cell
    ).estimates
    for method in PREFERRED_PARTICIPANT_METHODS:
        rows = estimates[
            (estimates["method"] == method)
            & estimates["estimand"].astype(str).str.startswith("ATT")
            & (estimates["status"] == OK)
        ]
        if rows.empty:
            continue
        r = rows.iloc[0]
        points = _n(100 * r["estimate"], ctx, 0)
        return Finding(
            key="employment_6_months",
            title=tr(
                ctx,
                f"Ledige deltagere er {points} procentpoint oftere i job seks måneder efter",
                f"Unemployed participants are {points} percentage points more often in work "
                "six months after",
            ),
            estimate=tr(ctx, f"{points} procentpoint", f"{points} percentage points"),
            interval=_interval(100 * r["ci_low"], 100 * r["ci_high"], ctx, 0),
            design=tr(
                ctx,
                f"{format_number(r['n_treated'], ctx.lang)} deltagere mod "
                f"{format_number(r['n_comparison'], ctx.lang)} i sammenligningsgruppen, "
                "justeret for alder, køn, uddannelse og langtidsledighed.",
                f"{format_number(r['n_treated'], ctx.lang)} participants against "
                f"{format_number(r['n_comparison'], ctx.lang)} in the comparison group, adjusted "
                "for age, gender, education and long-term unemployment.",
            ),
            notes=tr(
                ctx,
                f"Artiklens analyse 5 ({method.upper()}, effekt på deltagerne). Kun personer med "
                "kendt status efter seks måneder indgår.",
                f"The article's analysis 5 ({method.upper()}, effect on participants). Only "
                "persons whose six-month status is known are included.",
            ),
        )
    return None


FINDINGS: tuple[Callable[[ReportContext], Finding | None], ...] = (
    network_finding,
    company_finding,
    participant_finding,
)


def ready_findings(ctx: ReportContext) -> list[Finding]:
    """The findings whose estimates are ready; a partner's deck has none (the article is about
    the whole programme)."""
    if ctx.partner:
        return []
    return [f for f in (make(ctx) for make in FINDINGS) if f is not None]


def finding_view(finding: Finding) -> Markdown:
    e = escape_markdown
    text = f"**{e(finding.estimate)}** ({e(finding.interval)})\n\n{e(finding.design)}"
    return Markdown(text, finding.block())


def finding_slides(ctx: ReportContext) -> list[Slide]:
    """One slide per ready finding; one slide saying so when none is ready yet."""
    found = ready_findings(ctx)
    if not found:
        if ctx.partner:
            return []
        none = tr(
            ctx,
            "Ingen af artiklens resultater er klar endnu: grupperne er for små.",
            "None of the article's results is ready yet: the groups are too small.",
        )
        title = tr(ctx, "Resultater fra artiklen", "Findings from the article")
        return [Slide(title, (Markdown(escape_markdown(none)),), notes=speaker_notes(ctx))]
    return [Slide(f.title, (finding_view(f),), notes=speaker_notes(ctx, f.notes)) for f in found]
