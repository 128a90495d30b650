"""Section 3: how far companies and unemployed participants get, step by step.

Both funnels come from ``metrics.funnels`` as of the quarter's last day and are nested: a unit
counts at a step only if it reached every step before it, and the conversion is "of those who
got this far, how many went on" (Wilson 95 % interval).

Disclosure. A funnel is a chain of nested counts, so consecutive published steps reveal the
units lost between them. Person steps are protected with ``suppress_chain(keep="first")``: a
step is published only when it is not 1 … min_cell-1 and its distance to the previously
published person step is 0 or at least min_cell. The unemployed funnel counts persons
throughout. The company funnel counts companies in steps 1-5 (published as they are) and
companies *with employees* assessed, started or completed in steps 6-8: few such companies
means few persons, so those three steps are protected as person counts, as a chain of their own.
A conversion (and its interval) is shown only when both its counts are published and its
denominator is not 1 … min_cell-1 (persons or companies: a rate of so few says little; with a
denominator of 0 there is no rate, shown as a dash).
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from research.metrics.disclosure import DisclosureRule, suppress_chain
from research.metrics.funnels import company_funnel, unemployed_funnel
from research.report.context import ReportContext
from research.report.figures import funnel_chart
from research.report.formatting import ColumnFormat, format_percent
from research.report.links import Follows, chain
from research.report.publish import PublishedTable
from research.report.sections.base import Chart, Section, Text
from research.report.sections.helpers import no_data, shown_or_marker, tr

PERSON_STEPS: frozenset[str] = frozenset(
    {"employees_rkv", "employees_started", "employees_completed"}
)
"""Company-funnel steps that stand for persons (companies with such employees)."""

DERIVED = ("conversion", "conversion_low", "conversion_high")


def protect_funnel(
    frame: pd.DataFrame, rule: DisclosureRule, person_steps: Collection[str] | None
) -> pd.DataFrame:
    """The funnel with ``counts_persons``, ``n_hidden`` and ``conversion_hidden`` flags.

    ``person_steps`` None: every step counts persons. Person steps form one chain (they are
    consecutive and nested); other steps are never hidden. ``share_of_first`` is hidden with
    its step or with the first step.
    """
    out = frame.copy()
    if person_steps is None:
        persons = np.ones(len(out), dtype=bool)
    else:
        persons = out["key"].isin(list(person_steps)).to_numpy()
    hidden = np.zeros(len(out), dtype=bool)
    rows = np.flatnonzero(persons)
    if len(rows):
        chain = out["n"].iloc[rows].astype("int64")
        hidden[rows] = suppress_chain(chain, rule, keep="first").to_numpy()
    before = np.concatenate([[True], hidden[:-1]])  # the first step has no conversion
    base = out["base"].astype("Float64").fillna(0).to_numpy(dtype=float)
    out["counts_persons"] = persons
    out["n_hidden"] = hidden
    out["conversion_hidden"] = hidden | before | ((base > 0) & (base < rule.min_cell))
    out["share_hidden"] = hidden | bool(hidden[0]) if len(out) else hidden
    return out


def _table(
    ctx: ReportContext, protected: pd.DataFrame, name: str, caption: str, note: str
) -> PublishedTable:
    data = protected.assign(
        label=protected["label_da"] if ctx.lang == "da" else protected["label_en"]
    )
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    mask["n"] = data["n_hidden"].to_numpy(bool)
    for column in DERIVED:
        mask[column] = data["conversion_hidden"].to_numpy(bool)
    mask["share_of_first"] = data["share_hidden"].to_numpy(bool)
    return PublishedTable(
        name=name,
        caption=caption,
        data=data,
        columns={
            "label": ColumnFormat.labelled("step", "text"),
            "n": ColumnFormat.labelled("count", "number"),
            "conversion": ColumnFormat.labelled("conversion", "percent", decimals=0),
            "conversion_low": ColumnFormat.labelled("lower_95", "percent", decimals=0),
            "conversion_high": ColumnFormat.labelled("upper_95", "percent", decimals=0),
            "share_of_first": ColumnFormat.labelled("share_of_first", "percent", decimals=0),
        },
        lang=ctx.lang,
        hidden=mask,
        person_counts=("n",),
        keys=("key",),
        person_rows="counts_persons",
        note=note,
        rule=ctx.rule,
        links=tuple(chain(name, "n", [str(k) for k in data["key"]], name=name)),
        follows=(
            Follows("n", DERIVED, previous_row=True),
            Follows("n", ("share_of_first",)),
        ),
    )


def _drawn(ctx: ReportContext, fallback: str) -> Callable[[PublishedTable], Figure]:
    """The chart, drawn from the table as the publication protected it."""

    def draw(table: PublishedTable) -> Figure:
        mask = table._mask()
        protected = table.data.assign(
            n_hidden=mask["n"].to_numpy(bool),
            conversion_hidden=mask["conversion"].to_numpy(bool),
        )
        return _chart(ctx, protected, fallback)

    return draw


def _chart_title(ctx: ReportContext, protected: pd.DataFrame, fallback: str) -> str:
    """The step where most are lost (lowest published conversion), as the finding."""
    shown = protected[~protected["conversion_hidden"]].dropna(subset=["conversion"])
    if shown.empty:
        return fallback
    worst = shown.loc[shown["conversion"].astype(float).idxmin()]
    step = worst["label_da"] if ctx.lang == "da" else worst["label_en"]
    pct = format_percent(float(worst["conversion"]), ctx.lang, 0)
    return tr(
        ctx,
        f"{fallback}: flest falder fra ved «{step}», hvor {pct} af forrige trin går videre",
        f"{fallback}: most are lost at ‘{step}’, where {pct} of the previous step go on",
    )


def _chart(ctx: ReportContext, protected: pd.DataFrame, fallback: str) -> Figure:
    frame = protected.assign(
        n=shown_or_marker(protected["n"], protected["n_hidden"]),
        conversion=protected["conversion"]
        .astype(object)
        .where(~protected["conversion_hidden"].to_numpy(bool), None),
    )
    return funnel_chart(
        frame,
        ctx.lang,
        title=_chart_title(ctx, protected, fallback),
        data_date=ctx.as_of.date(),
    )


def _conversion_note(ctx: ReportContext) -> str:
    n = ctx.rule.min_cell
    return tr(
        ctx,
        "Tragten er indlejret: en enhed tælles kun på et trin, hvis den også nåede alle "
        "tidligere trin. «Videre fra forrige trin» vises med 95 %-interval (Wilson), når begge "
        f"tal er offentliggjort og grundlaget er mindst {n}.",
        "The funnel is nested: a unit counts at a step only if it also reached every earlier "
        "step. The conversion from the previous step is shown with its 95% interval (Wilson) "
        f"when both counts are published and the base is at least {n}.",
    )


def company_funnel_items(ctx: ReportContext) -> list:
    """The company funnel's table and chart, or a "no data" text."""
    frame = company_funnel(ctx.tables, ctx.as_of)
    if not len(frame) or int(frame["n"].iloc[0]) == 0:
        return [no_data(ctx, "ingen virksomheder kontaktet endnu", "no companies contacted yet")]
    protected = protect_funnel(frame, ctx.rule, PERSON_STEPS)
    note = tr(
        ctx,
        "Trin 1-5 tæller virksomheder og diskretioneres ikke. Trin 6-8 tæller virksomheder med "
        "medarbejdere, der har fået RKV, er startet eller har gennemført, og beskyttes som "
        "persontal (kæderegel). ",
        "Steps 1-5 count companies and are not suppressed. Steps 6-8 count companies with "
        "employees who were assessed, started or completed, and are protected as person counts "
        "(chain rule). ",
    ) + _conversion_note(ctx)
    caption = tr(
        ctx,
        f"Virksomheder fra første kontakt til gennemført løft, {ctx.quarter.label('da')}",
        f"Companies from first contact to a completed lift, {ctx.quarter.label('en')}",
    )
    table = _table(ctx, protected, "funnel_companies", caption, note)
    fallback = tr(ctx, "Virksomhedstragten", "The company funnel")
    return [table, Chart(table.name, _drawn(ctx, fallback))]


def unemployed_funnel_items(ctx: ReportContext) -> list:
    """The unemployed participants' funnel (via job centres): table and chart, or "no data"."""
    frame = unemployed_funnel(ctx.tables, ctx.as_of)
    if not len(frame) or int(frame["n"].iloc[0]) == 0:
        return [
            no_data(
                ctx,
                "ingen ledige deltagere via jobcenter endnu",
                "no unemployed participants via job centres yet",
            )
        ]
    protected = protect_funnel(frame, ctx.rule, None)
    note = tr(
        ctx,
        "Alle trin tæller personer og er beskyttet med kæderegel. ",
        "Every step counts persons and is protected by the chain rule. ",
    ) + _conversion_note(ctx)
    caption = tr(
        ctx,
        f"Ledige deltagere via jobcenter fra start til job, {ctx.quarter.label('da')}",
        f"Unemployed participants via job centres from start to a job, {ctx.quarter.label('en')}",
    )
    table = _table(ctx, protected, "funnel_unemployed", caption, note)
    fallback = tr(ctx, "Ledige deltagere", "Unemployed participants")
    return [table, Chart(table.name, _drawn(ctx, fallback))]


def funnels(ctx: ReportContext) -> Section:
    """Section 3: the company funnel and the unemployed participants' funnel."""
    intro = Text(
        tr(
            ctx,
            "Hvor langt når virksomheder og ledige deltagere, trin for trin, ved kvartalets "
            "udgang? Trinnene er indlejrede, så hver procent er andelen af dem, der nåede "
            "trinnet før.",
            "How far do companies and unemployed participants get, step by step, by the end of "
            "the quarter? The steps are nested, so each percentage is the share of those who "
            "reached the step before.",
        )
    )
    items: list = [intro, *company_funnel_items(ctx), *unemployed_funnel_items(ctx)]
    return Section(tr(ctx, "3. Tragte", "3. Funnels"), items)
