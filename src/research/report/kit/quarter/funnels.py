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

from research.metrics.disclosure import TOTAL_LABEL, DisclosureRule, suppress_chain, suppress_series
from research.metrics.funnels import activity4_funnel, company_funnel, unemployed_funnel
from research.report.kit.charts import Figure, funnel_chart
from research.report.kit.context import ReportContext
from research.report.kit.formatting import ColumnFormat, format_percent
from research.report.kit.links import Follows, Link, chain
from research.report.kit.publish import PublishedTable
from research.report.kit.section import Chart, Section, Text
from research.report.kit.section_helpers import no_data, partner_names, shown_or_marker, tr

PERSON_STEPS: frozenset[str] = frozenset(
    {"employees_rkv", "employees_started", "employees_completed"}
)
"""Company-funnel steps that stand for persons (companies with such employees)."""

DERIVED = ("conversion", "conversion_low", "conversion_high")


def _paths(of_step: pd.Series) -> list[list[int]]:
    """Row positions of every root-to-leaf path of a funnel (a list of rows when it is linear)."""
    parents = [None if pd.isna(p) else int(p) - 1 for p in of_step]
    if not parents:
        return []
    children = {i for p in parents if p is not None for i in [p]}
    leaves = [i for i in range(len(parents)) if i not in children]
    paths = []
    for leaf in leaves:
        path, at = [], leaf
        while at is not None:
            path.append(at)
            at = parents[at]
        paths.append(path[::-1])
    return paths


def protect_funnel(
    frame: pd.DataFrame, rule: DisclosureRule, person_steps: Collection[str] | None
) -> pd.DataFrame:
    """The funnel with ``counts_persons``, ``n_hidden`` and ``conversion_hidden`` flags.

    ``person_steps`` None: every step counts persons. Person steps are protected as chains,
    one per path from the first step to a last one (a funnel whose steps nest in an earlier
    step, ``of_step``, is a small tree); a step hidden on one path stays hidden on all, which
    keeps every path's published differences at 0 or ≥ min_cell. Other steps are never hidden.
    A conversion is hidden with its step or its base step; ``share_of_first`` with its step or
    with the first step.
    """
    out = frame.reset_index(drop=True).copy()
    if "of_step" not in out.columns:
        out["of_step"] = pd.array([pd.NA, *range(1, len(out))], dtype="Int64")[: len(out)]
    if person_steps is None:
        persons = np.ones(len(out), dtype=bool)
    else:
        persons = out["key"].isin(list(person_steps)).to_numpy()
    hidden = np.zeros(len(out), dtype=bool)
    for path in _paths(out["of_step"]):
        rows = [i for i in path if persons[i]]
        if rows:
            chain = out["n"].iloc[rows].astype("int64")
            hidden[rows] |= suppress_chain(chain, rule, keep="first").to_numpy()
    parents = [None if pd.isna(p) else int(p) - 1 for p in out["of_step"]]
    before = np.array([True if p is None else hidden[p] for p in parents], dtype=bool)
    base = out["base"].astype("Float64").fillna(0).to_numpy(dtype=float)
    out["counts_persons"] = persons
    out["n_hidden"] = hidden
    out["conversion_hidden"] = hidden | before | ((base > 0) & (base < rule.min_cell))
    out["share_hidden"] = hidden | bool(hidden[0]) if len(out) else hidden
    return out


def _table(
    ctx: ReportContext,
    protected: pd.DataFrame,
    name: str,
    caption: str,
    note: str,
    keys: tuple[str, ...] = ("key",),
    extra_columns: dict[str, ColumnFormat] | None = None,
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
            **(extra_columns or {}),
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
        keys=keys,
        person_rows="counts_persons",
        note=note,
        rule=ctx.rule,
        links=tuple(funnel_links(name, data, keys)),
        follows=(
            Follows("n", DERIVED, previous_row=True),
            Follows("n", ("share_of_first",)),
        ),
    )


def funnel_links(name: str, data: pd.DataFrame, keys: tuple[str, ...]) -> list[Link]:
    """Each step is the step it nests in minus those lost: the previous step, or the one its
    ``of_step`` names (a funnel that branches, like the unemployed's exits), within each group
    of a funnel published per group (activity 4)."""
    groups = [k for k in keys if k != "key"]
    parts = data.groupby(groups, sort=False) if groups else [((), data)]
    links: list[Link] = []
    for group, part in parts:
        prefix = "/".join(str(g) for g in (group if isinstance(group, tuple) else (group,)))
        rows = [f"{prefix}/{k}" if prefix else str(k) for k in part["key"]]
        if "of_step" not in part:
            links += chain(name, "n", rows, name=name)
            continue
        by_step = dict(zip(part["step"].astype(int), rows, strict=True))
        for i, (row, of) in enumerate(zip(rows, part["of_step"], strict=True)):
            parent = by_step.get(int(of)) if pd.notna(of) else (rows[i - 1] if i else None)
            if parent is not None:
                links += chain(name, "n", [parent, row], name=name)
    return links


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


def _company_note(ctx: ReportContext, first_steps: str) -> str:
    return tr(
        ctx,
        f"Alle trin tæller virksomheder. Trin {first_steps} diskretioneres ikke. De sidste tre "
        "trin tæller virksomheder med mindst én medarbejder, der har fået RKV, er startet på "
        "eller har gennemført et løft; få sådanne virksomheder betyder få personer, så de "
        "beskyttes som persontal (kæderegel). ",
        f"Every step counts companies. Steps {first_steps} are not suppressed. The last three "
        "steps count companies with at least one employee who was assessed, started or "
        "completed a lift; few such companies means few persons, so they are protected as "
        "person counts (chain rule). ",
    ) + _conversion_note(ctx)


def company_funnel_items(ctx: ReportContext) -> list:
    """The company funnels (network path, one-to-one path): tables and a chart, or "no data"."""
    frame = company_funnel(ctx.tables, ctx.as_of)
    if not len(frame) or int(frame["n"].iloc[0]) == 0:
        return [no_data(ctx, "ingen virksomheder kontaktet endnu", "no companies contacted yet")]
    protected = protect_funnel(frame, ctx.rule, PERSON_STEPS)
    caption = tr(
        ctx,
        f"Virksomheder i netværk, fra første kontakt til gennemført løft, "
        f"{ctx.quarter.label('da')}",
        f"Companies on the network path, from first contact to a completed lift, "
        f"{ctx.quarter.label('en')}",
    )
    table = _table(ctx, protected, "funnel_companies", caption, _company_note(ctx, "1-5"))
    fallback = tr(ctx, "Virksomhedstragten (netværk)", "The company funnel (networks)")
    items: list = [table, Chart(table.name, _drawn(ctx, fallback))]
    visits = company_funnel(ctx.tables, ctx.as_of, path="visit")
    if len(visits) and int(visits["n"].iloc[0]) > 0:
        shielded = protect_funnel(visits, ctx.rule, PERSON_STEPS)
        items.append(
            _table(
                ctx,
                shielded,
                "funnel_companies_visits",
                tr(
                    ctx,
                    "Virksomheder besøgt en til en (ikke i netværk), fra besøg til gennemført "
                    f"løft, {ctx.quarter.label('da')}",
                    "Companies visited one to one (not in a network), from the visit to a "
                    f"completed lift, {ctx.quarter.label('en')}",
                ),
                _company_note(ctx, "1-2")
                + tr(
                    ctx,
                    " Virksomheder, der er kommet i et netværk, tælles kun i netværkstragten.",
                    " Companies that joined a network count in the network funnel only.",
                ),
            )
        )
    return items


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
        "Alle trin tæller personer og er beskyttet med kæderegel. Trin 5-8 følger alle, der "
        "startede (trin 1), ikke kun dem, der gennemførte: «I job ved ophør» og «I job 6 mdr. "
        "efter ophør» er ESF-indikatorerne CR04 og CR06 for de samme personer. ",
        "Every step counts persons and is protected by the chain rule. Steps 5-8 follow "
        "everyone who entered (step 1), not only those who completed: “In employment upon "
        "leaving” and “six months after leaving” are the ESF indicators CR04 and CR06 for the "
        "same persons. ",
    ) + _conversion_note(ctx)
    caption = tr(
        ctx,
        f"Ledige deltagere via jobcenter fra start til job, {ctx.quarter.label('da')}",
        f"Unemployed participants via job centres from start to a job, {ctx.quarter.label('en')}",
    )
    table = _table(ctx, protected, "funnel_unemployed", caption, note)
    fallback = tr(ctx, "Ledige deltagere", "Unemployed participants")
    return [table, Chart(table.name, _drawn(ctx, fallback))]


ACTIVITY4_DIMENSIONS = {
    "total": ("I alt", "Total"),
    "employment": ("Beskæftigelse ved start", "Employment at entry"),
    "partner": ("Partner", "Partner"),
}
EMPLOYMENT_LABELS = {
    "employed": ("Beskæftigede", "Employed"),
    "unemployed": ("Ledige", "Unemployed"),
    "inactive": ("Uden for arbejdsstyrken", "Inactive"),
    "unknown": ("Uden startskema (kun RKV/plan)", "No start form (RKV or plan only)"),
    "total": ("Alle", "Everyone"),
}


def _protect_step(
    out: pd.DataFrame, rows: np.ndarray, top: int, hidden: np.ndarray, rule: DisclosureRule
) -> None:
    """One step's groups with their total as a one-way table; already hidden cells stay."""
    counts = pd.Series(
        out["n"].iloc[rows].astype("int64").to_numpy(), index=out["group"].iloc[rows].to_numpy()
    )
    protected = suppress_series(counts, rule)
    hidden[rows] |= protected.mask.loc[list(counts.index)].to_numpy(bool)
    if bool(protected.mask[TOTAL_LABEL]):
        hidden[top] = True
    if hidden[rows].sum() == 1 and not hidden[top]:
        # a lone hidden group beside a published total: hide the smallest published one too
        others = [r for r in rows if not hidden[r]]
        if others:
            hidden[min(others, key=lambda r: int(out["n"].iloc[r]))] = True


def _rewalk_chain(values: np.ndarray, rows: np.ndarray, hidden: np.ndarray, rule) -> None:
    """Hide further steps of one chain until every gap between published steps is 0 or ≥ m."""
    last = None
    for r in rows:
        if hidden[r]:
            continue
        if last is not None and rule.is_sensitive(abs(last - int(values[r]))):
            hidden[r] = True
            continue
        last = int(values[r])


def protect_activity4(frame: pd.DataFrame, rule: DisclosureRule) -> pd.DataFrame:
    """Each group's funnel as a chain, and each step's groups as a one-way table.

    Within a dimension the groups partition the total at every step, so a step's groups with
    the total are protected with ``suppress_series`` (no lone hidden cell); each group's steps
    with the chain rule. The two are repeated until neither hides more.
    """
    parts = []
    for _, part in frame.groupby(["dimension", "group"], sort=False):
        parts.append(protect_funnel(part, rule, None))
    out = pd.concat(parts, ignore_index=True)
    hidden = out["n_hidden"].to_numpy(bool).copy()
    total = out["dimension"] == "total"
    while True:
        before = hidden.copy()
        for dimension in ("employment", "partner"):
            for key in out["key"].unique():
                rows = np.flatnonzero((out["dimension"] == dimension) & (out["key"] == key))
                top = np.flatnonzero(total & (out["key"] == key))
                if len(rows) and len(top):
                    _protect_step(out, rows, int(top[0]), hidden, rule)
        for idx in out.groupby(["dimension", "group"], sort=False).indices.values():
            _rewalk_chain(out["n"].to_numpy(dtype="int64"), np.asarray(idx), hidden, rule)
        if (hidden == before).all():
            break
    parents = out.groupby(["dimension", "group"], sort=False).cumcount().to_numpy()
    previous = np.concatenate([[True], hidden[:-1]])
    previous[parents == 0] = True
    base = out["base"].astype("Float64").fillna(0).to_numpy(dtype=float)
    out["n_hidden"] = hidden
    out["conversion_hidden"] = hidden | previous | ((base > 0) & (base < rule.min_cell))
    first_hidden = out.groupby(["dimension", "group"], sort=False)["n_hidden"].transform("first")
    out["share_hidden"] = hidden | first_hidden.to_numpy(bool)
    return out


def activity4_items(ctx: ReportContext) -> list:
    """Activity 4's person funnel per employment group and partner (table), or "no data"."""
    frame = activity4_funnel(ctx.tables, ctx.as_of)
    if not len(frame) or int(frame["n"].iloc[0]) == 0:
        return [no_data(ctx, "ingen rekrutterede endnu", "no one recruited yet")]
    protected = protect_activity4(frame, ctx.rule)
    pick = 0 if ctx.lang == "da" else 1
    partners = partner_names(ctx)
    protected["dimension_label"] = protected["dimension"].map(
        {k: v[pick] for k, v in ACTIVITY4_DIMENSIONS.items()}
    )
    protected["group_label"] = [
        EMPLOYMENT_LABELS[g][pick] if d in ("employment", "total") else partners.get(g, g)
        for d, g in zip(protected["dimension"], protected["group"], strict=True)
    ]
    table = _table(
        ctx,
        protected,
        "funnel_activity4",
        tr(
            ctx,
            "Aktivitet 4: personer fra rekruttering til gennemført løft, efter "
            f"beskæftigelse og partner, {ctx.quarter.label('da')}",
            "Activity 4: persons from recruitment to a completed lift, by employment and "
            f"partner, {ctx.quarter.label('en')}",
        ),
        tr(
            ctx,
            "Rekrutteret: startskema til et løft eller forberedende forløb, en RKV eller en "
            "uddannelsesplan. Partner: partneren for personens første RKV, ellers plan, ellers "
            "forløb. Grupperne i hver opdeling summer til «I alt» på hvert trin; hver gruppes "
            "trin er beskyttet med kæderegel og hvert trins grupper som en tabel med total. ",
            "Recruited: a start form for a lift or preparatory course, an RKV or an education "
            "plan. Partner: the partner of the person's first RKV, else plan, else enrolment. "
            "The groups of each breakdown add up to “Total” at every step; each group's steps "
            "are protected by the chain rule and each step's groups as a table with its "
            "total. ",
        )
        + _conversion_note(ctx),
        keys=("dimension", "group", "key"),
        extra_columns={
            "dimension_label": ColumnFormat("text", label_da="Opdelt efter", label_en="By"),
            "group_label": ColumnFormat("text", label_da="Gruppe", label_en="Group"),
        },
    )
    return [table]


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
    items: list = [
        intro,
        *company_funnel_items(ctx),
        *unemployed_funnel_items(ctx),
        *activity4_items(ctx),
    ]
    return Section(tr(ctx, "3. Tragte", "3. Funnels"), items)
