"""Sections 1 and 2: where the programme stands against every target, and how it got there.

Person counts go through chain suppression (``stocks.suppress_stock``, which is
``disclosure.suppress_chain`` for a series that only grows): a cumulative series reveals each
quarter's new persons by subtraction, so a quarter is published only when the change since the
last published quarter is 0 or at least ``min_cell``. Stock indicators (lifts started and not
dropped, side effects) can fall as well; the same rule applies to the size of the change. The
headline (this quarter's figure) is kept whenever it can be.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.domain.period import Quarter
from research.metrics.progress import INDICATORS, progress_series, progress_table
from research.metrics.stocks import suppress_stock
from research.report.kit.charts import Figure, cumulative_progress_chart
from research.report.kit.context import ReportContext
from research.report.kit.formatting import ColumnFormat, format_number
from research.report.kit.links import Link, Ref, same
from research.report.kit.publish import PublishedTable
from research.report.kit.section import Chart, Section, Text
from research.report.kit.section_helpers import tr

PERSON_INDICATORS: frozenset[str] = frozenset(
    {
        "participants",
        "participants_employed",
        "participants_unemployed",
        "rkv",
        "skilled_started",
        "skilled_started_all",
        "skilled_completed",
        "academy_started",
        "academy_started_all",
        "academy_completed",
        "side_effect_unskilled",
        "side_effect_skilled",
        "side_effect_other",
    }
)
"""Indicators that count programme participants (or their assessments): these are protected.
Companies, networks, workshops and the consultant corps are not persons in the data."""


def protected_series(ctx: ReportContext) -> pd.DataFrame:
    """``progress_series`` through the report's quarter with ``hidden`` flags per row.

    ``cumulative_hidden``: the cumulative figure is withheld (chain rule, person indicators
    only); ``new_hidden``: the quarter's new count is withheld, which it is whenever either
    end of the difference is.
    """
    series = progress_series(ctx.tables, ctx.config, ctx.quarter)
    series["cumulative_hidden"] = False
    series["new_hidden"] = False
    for key, rows in series.groupby("indicator", sort=False).groups.items():
        if key not in PERSON_INDICATORS:
            continue
        part = series.loc[rows, "cumulative"]
        hidden = suppress_stock(part, ctx.rule, keep="last").to_numpy()
        before = np.concatenate([[False], hidden[:-1]])  # the start (0 persons) is public
        series.loc[rows, "cumulative_hidden"] = hidden
        series.loc[rows, "new_hidden"] = hidden | before
    return series


def _with_previous_light(ctx: ReportContext, table: pd.DataFrame) -> pd.DataFrame:
    first = Quarter.containing(ctx.config.period.start)
    if ctx.quarter == first:
        table["light_previous"] = None
        return table
    previous = progress_table(ctx.tables, ctx.config, ctx.quarter.previous())
    table["light_previous"] = previous["light"].to_numpy()
    return table


def progress_summary_table(ctx: ReportContext, series: pd.DataFrame) -> PublishedTable:
    """The traffic-light table against every target (programme) or the partner's contribution."""
    table = progress_table(ctx.tables, ctx.config, ctx.quarter)
    table = _with_previous_light(ctx, table)
    table["label"] = table["label_da"] if ctx.lang == "da" else table["label_en"]
    table["counts_persons"] = table["indicator"].isin(PERSON_INDICATORS)
    # persons ever (not a stock): a later quarter's figure is this one plus those added since
    table["ever"] = table["counts_persons"] & ~table["indicator"].isin(STOCKS)
    now = series[series["quarter"] == str(ctx.quarter)].set_index("indicator")
    achieved_hidden = now.loc[table["indicator"], "cumulative_hidden"].to_numpy(dtype=bool)
    new_hidden = now.loc[table["indicator"], "new_hidden"].to_numpy(dtype=bool)
    derived_hidden = achieved_hidden  # shares and lights bound the hidden figure
    lights_hidden = achieved_hidden | now.loc[table["indicator"], "new_hidden"].to_numpy(bool)
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    mask["achieved"] = achieved_hidden
    mask["new_in_quarter"] = new_hidden
    mask["previous"] = new_hidden
    for column in ("share_of_target", "share_of_expected", "light", "p_reach_target"):
        mask[column] = derived_hidden
    mask["light_previous"] = lights_hidden
    for column in ("forecast", "forecast_low", "forecast_high"):
        mask[column] = derived_hidden
    name_column = ColumnFormat("text", label_da="Indikator", label_en="Indicator")
    if ctx.partner:
        programme = progress_table(ctx.programme_tables, ctx.config, ctx.quarter)
        table["share_of_programme"] = table["achieved"] / programme["achieved"].replace(0, np.nan)
        mask["share_of_programme"] = achieved_hidden
        columns = {
            "label": name_column,
            "achieved": ColumnFormat.labelled("achieved", "number"),
            "new_in_quarter": ColumnFormat.labelled("new_in_quarter", "number"),
            "share_of_programme": ColumnFormat(
                "percent", label_da="Andel af hele projektet", label_en="Share of the programme"
            ),
        }
        caption = tr(
            ctx,
            f"{ctx.partner_name}: bidrag til projektets indikatorer, {ctx.quarter.label('da')}",
            f"{ctx.partner_name}: contribution to the programme's indicators, "
            f"{ctx.quarter.label('en')}",
        )
    else:
        columns = {
            "label": name_column,
            "target": ColumnFormat.labelled("target", "number"),
            "achieved": ColumnFormat.labelled("achieved", "number"),
            "new_in_quarter": ColumnFormat.labelled("new_in_quarter", "number"),
            "expected": ColumnFormat.labelled("expected", "number"),
            "share_of_target": ColumnFormat.labelled("share_of_target", "percent", decimals=0),
            "light": ColumnFormat.labelled("status", "light"),
            "light_previous": ColumnFormat(
                "light", label_da="Status forrige kvartal", label_en="Status last quarter"
            ),
            "forecast": ColumnFormat(
                "number", label_da="Prognose ved slut", label_en="Forecast at the end"
            ),
            "forecast_low": ColumnFormat("number", label_da="nedre 95 %", label_en="lower 95%"),
            "forecast_high": ColumnFormat("number", label_da="øvre 95 %", label_en="upper 95%"),
            "p_reach_target": ColumnFormat.labelled("p_reach_target", "percent", decimals=0),
        }
        caption = tr(
            ctx,
            f"Status mod måltal ved udgangen af {ctx.quarter.label('da')}",
            f"Progress against targets at the end of {ctx.quarter.label('en')}",
        )
    name = summary_name(ctx)
    persons = list(table.loc[table["counts_persons"], "indicator"])
    now_links = [
        same(Ref(name, key, column), Ref(SERIES, f"{key}/{ctx.quarter}", of), name=f"{key} {of}")
        for key in persons
        for column, of in (("achieved", "cumulative"), ("new_in_quarter", "new"))
        if not (key in STOCKS and column == "new_in_quarter")
    ]
    if {"participants", *PARTS_OF_PARTICIPANTS} <= set(persons):
        now_links += [
            Link(
                f"{name} participants {column} = employed + unemployed + others",
                Ref(name, "participants", column),
                tuple(Ref(name, k, column) for k in PARTS_OF_PARTICIPANTS),
                rest=f"{name}:others:{column}",
            )
            for column in ("achieved", "new_in_quarter")
        ]
    return PublishedTable(
        name=name,
        caption=caption,
        data=table,
        columns=columns,
        lang=ctx.lang,
        hidden=mask,
        person_counts=("achieved", "new_in_quarter"),
        keys=("indicator",),
        person_rows="counts_persons",
        links=tuple(now_links),
        cumulative=("achieved",),  # persons ever: a later quarter adds to it (not the stocks)
        cumulative_rows="ever",
        withholds_zeros=True,  # a quarter's new persons are withheld with either end
        note=tr(
            ctx,
            "«Påbegyndt» er ansøgningens læsning: gennemført eller stadig i gang; alle "
            "påbegyndte inkl. frafald står på linjen under, uden måltal. Fra projektets "
            "afslutning er et måltal grønt, kun når det er nået, ellers rødt. Sideeffekter "
            "(AMU uden for formelle løft) står nederst og tælles ikke med i måltal. "
            "«Nu»-linjer er en bestand på kvartalets sidste dag; deres «nye» er ændringen.",
            "“Started” is the application's reading: completed or still in training; all "
            "starts including dropouts are on the line below, without a target. From the "
            "project's end a target is green only when it is reached, otherwise red. Side "
            "effects (AMU outside formal lifts) are listed last and never counted towards the "
            "targets. “Now” lines are a stock on the quarter's last day; their “new” is the "
            "change.",
        ),
        rule=ctx.rule,
    )


def series_table(ctx: ReportContext, series: pd.DataFrame) -> PublishedTable:
    """Every indicator per quarter: new, cumulative and planned — the charts as data."""
    labels = {i.key: (i.label_da if ctx.lang == "da" else i.label_en) for i in INDICATORS}
    data = series.assign(
        label=series["indicator"].map(labels),
        counts_persons=series["indicator"].isin(PERSON_INDICATORS),
    )
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    mask["cumulative"] = data["cumulative_hidden"].to_numpy(bool)
    mask["new"] = data["new_hidden"].to_numpy(bool)
    return PublishedTable(
        name=SERIES,
        caption=tr(
            ctx,
            "Udvikling pr. kvartal for hver indikator",
            "Each indicator quarter by quarter",
        ),
        data=data,
        columns={
            "indicator": ColumnFormat("text", label_da="Nøgle", label_en="Key"),
            "label": ColumnFormat("text", label_da="Indikator", label_en="Indicator"),
            "quarter": ColumnFormat.labelled("quarter"),
            "new": ColumnFormat.labelled("new_in_quarter", "number"),
            "cumulative": ColumnFormat.labelled("achieved", "number"),
            "planned": ColumnFormat.labelled("planned", "number"),
        },
        lang=ctx.lang,
        hidden=mask,
        person_counts=("new", "cumulative"),
        person_rows="counts_persons",
        keys=("indicator", "quarter"),
        links=tuple(series_links(data)),
        withholds_zeros=True,
        rule=ctx.rule,
    )


SERIES = "progress_series"
# Stocks (present on the day, may fall) have a signed "new"; the publication's attack models
# non-negative counts, so their chains are protected by ``suppress_stock`` (change sizes) and
# only their levels are linked.
STOCKS = frozenset(i.key for i in INDICATORS if i.stock is not None)
PARTS_OF_PARTICIPANTS = ("participants_employed", "participants_unemployed")


def summary_name(ctx: ReportContext) -> str:
    return "progress" if not ctx.partner else "partner_progress"


def series_links(data: pd.DataFrame) -> list[Link]:
    """A cumulative series: each quarter is the one before plus the quarter's new persons; and
    the participants are the employed plus the unemployed plus the rest (inactive)."""
    links: list[Link] = []
    persons = data[data["counts_persons"].astype(bool)]
    for key, rows in persons.groupby("indicator", sort=False):
        if key in STOCKS:
            continue  # a stock's "new" is a signed net change: its chain is protected apart
        quarters = [str(q) for q in rows["quarter"]]
        for i, quarter in enumerate(quarters):
            parts = [Ref(SERIES, f"{key}/{quarter}", "new")]
            if i:
                parts.insert(0, Ref(SERIES, f"{key}/{quarters[i - 1]}", "cumulative"))
            links.append(
                Link(
                    f"{key} {quarter}: before + new",
                    Ref(SERIES, f"{key}/{quarter}", "cumulative"),
                    tuple(parts),
                )
            )
    keys = set(persons["indicator"])
    if {"participants", *PARTS_OF_PARTICIPANTS} <= keys:
        for quarter in persons.loc[persons["indicator"] == "participants", "quarter"]:
            for column in ("cumulative", "new"):
                links.append(
                    Link(
                        f"participants {quarter} {column} = employed + unemployed + others",
                        Ref(SERIES, f"participants/{quarter}", column),
                        tuple(Ref(SERIES, f"{k}/{quarter}", column) for k in PARTS_OF_PARTICIPANTS),
                        rest=f"{SERIES}:others/{quarter}:{column}",
                    )
                )
    return links


def _chart_title(
    ctx: ReportContext, name: str, achieved, target, expected, hidden: bool, ended: bool = False
) -> str:
    lang = ctx.lang
    if hidden:
        return tr(
            ctx,
            f"{name}: for få til at vise endnu",
            f"{name}: too few to show yet",
        )
    got, goal = format_number(achieved, lang), format_number(target, lang)
    plan = format_number(expected, lang)
    if ended:
        return tr(
            ctx,
            f"{name}: {got} af {goal} – {'nået' if achieved >= target else 'ikke nået'}",
            f"{name}: {got} of {goal} – {'reached' if achieved >= target else 'missed'}",
        )
    if achieved >= expected:
        return tr(
            ctx,
            f"{name}: {got} af {goal} – foran planen ({plan})",
            f"{name}: {got} of {goal} – ahead of plan ({plan})",
        )
    return tr(
        ctx,
        f"{name}: {got} af {goal} – bagud i forhold til planen ({plan})",
        f"{name}: {got} of {goal} – behind plan ({plan})",
    )


def progress_charts(ctx: ReportContext, series: pd.DataFrame) -> list[Figure]:
    """One cumulative chart per target that counts, with the plan and the forecast range."""
    table = progress_table(ctx.tables, ctx.config, ctx.quarter).set_index("indicator")
    shown = series.copy()
    shown["cumulative"] = (
        shown["cumulative"].astype(object).where(~shown["cumulative_hidden"].astype(bool), None)
    )
    # the plan runs on to the end of the project; achieved stops at the report's quarter
    last = Quarter.containing(ctx.config.period.end)
    if ctx.quarter < last:
        future = progress_series(ctx.tables, ctx.config, last)
        future = future[future["quarter_end"] > ctx.as_of].assign(cumulative=None)
        shown = pd.concat([shown, future], ignore_index=True)
    figures = []
    for key, target in ctx.config.targets.items():
        if not target.counts_towards_targets or key not in table.index:
            continue
        row = table.loc[key]
        name = row["label_da"] if ctx.lang == "da" else row["label_en"]
        now = shown[(shown["indicator"] == key) & (shown["quarter"] == str(ctx.quarter))]
        hidden = bool(now["cumulative_hidden"].iloc[0])
        figures.append(
            cumulative_progress_chart(
                shown,
                key,
                name,
                target.value,
                None if hidden else _nan_to_none(row["forecast_low"]),
                None if hidden else _nan_to_none(row["forecast_high"]),
                ctx.lang,
                title=_chart_title(
                    ctx,
                    name,
                    row["achieved"],
                    target.value,
                    row["expected"],
                    hidden,
                    ended=ctx.quarter.end >= ctx.config.period.end,
                ),
                data_date=ctx.as_of.date(),
                forecast=None if hidden else _nan_to_none(row["forecast"]),
                project_end=ctx.config.period.end,
            )
        )
    return figures


def _nan_to_none(value) -> float | None:
    return None if pd.isna(value) else float(value)


def _headline(ctx: ReportContext, table: pd.DataFrame) -> Text:
    counted = table[table["counts_towards_targets"] & table["light"].notna()]
    lights = counted["light"].value_counts()
    green, yellow, red = (int(lights.get(k, 0)) for k in ("green", "yellow", "red"))
    date_text = ctx.as_of.strftime("%d-%m-%Y")
    if ctx.lang == "da":
        text = (
            f"Ved udgangen af {ctx.quarter.label('da')} (data pr. {date_text}) er {green} af "
            f"{len(counted)} måltal grønne, {yellow} gule og {red} røde. Grøn: mindst "
            f"{ctx.config.thresholds.green:.0%} af det forventede; gul: mindst "
            f"{ctx.config.thresholds.yellow:.0%}."
        ).replace("%", " %")
    else:
        text = (
            f"At the end of {ctx.quarter.label('en')} (data as of {date_text}), {green} of "
            f"{len(counted)} targets are green, {yellow} yellow and {red} red. Green: at least "
            f"{ctx.config.thresholds.green:.0%} of expected; yellow: at least "
            f"{ctx.config.thresholds.yellow:.0%}."
        )
    return Text(text)


def progress_summary(ctx: ReportContext) -> Section:
    """Section 1: the one-screen summary."""
    series = protected_series(ctx)
    table = progress_summary_table(ctx, series)
    items: list = [] if ctx.partner else [_headline(ctx, table.data)]
    items.append(table)
    return Section(tr(ctx, "1. Status mod måltal", "1. Progress against targets"), items)


def progress_over_time(ctx: ReportContext) -> Section:
    """Section 2: cumulative charts with plan and forecast, and the series as data."""
    series = protected_series(ctx)
    intro = Text(
        tr(
            ctx,
            "Opnået (fuld linje) mod det planlagte forløb (stiplet) og måltallet (prikket); den "
            "lodrette streg ved projektets afslutning er prognosens 95 %-interval.",
            "Achieved (solid) against the planned trajectory (dashed) and the target (dotted); "
            "the vertical bar at the end of the project is the forecast's 95% interval.",
        )
    )
    items: list = [intro]
    if not ctx.partner:
        items.append(
            Chart(SERIES, lambda table: progress_charts(ctx, _as_protected(series, table)))
        )
    title = tr(ctx, "2. Udvikling over tid", "2. Progress over time")
    return Section(title, items, data=[series_table(ctx, series)])


def _as_protected(series: pd.DataFrame, table: PublishedTable) -> pd.DataFrame:
    """The series with the hidden flags the publication gave its table."""
    mask = table._mask()
    return series.assign(
        cumulative_hidden=mask["cumulative"].to_numpy(bool),
        new_hidden=mask["new"].to_numpy(bool),
    )
