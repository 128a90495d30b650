"""Section 7: side effects — AMU courses and single subjects, kept apart from the targets.

The application says side effects are tracked but never counted towards the targets, so they
get their own section, and every caption says so. Figures from ``metrics.composition.
side_effects``: persons with a side-effect course started by a quarter's last day who are not
counted participants on that day (someone who later starts a lift moves out), once each,
unskilled (H10/H15/H20/H29), skilled (H30/H35) or other (higher or unknown education).

Disclosure, as in sections 1-2: each group's series (a stock, which can fall) is protected with
``stocks.suppress_stock(keep="last")``; a quarter's change is hidden when either end of it is.
The total is the sum of the three groups, so it is published only where all are (otherwise the
total minus the others would give one away).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.metrics.composition import side_effects
from research.metrics.disclosure import DisclosureRule
from research.metrics.population import SIDE_EFFECT_GROUPS
from research.metrics.stocks import suppress_stock
from research.report.kit.charts import Figure, line_chart
from research.report.kit.context import ReportContext
from research.report.kit.formatting import ColumnFormat, format_number
from research.report.kit.links import Link, Ref, margin, same
from research.report.kit.publish import PublishedTable
from research.report.kit.section import Chart, Section, Text
from research.report.kit.section_helpers import no_data, shown_or_marker, tr

GROUPS = SIDE_EFFECT_GROUPS


def protect_side_effects(frame: pd.DataFrame, rule: DisclosureRule) -> pd.DataFrame:
    """``side_effects`` output with ``cumulative_hidden`` and ``new_hidden`` per row."""
    out = frame.reset_index(drop=True).copy()
    out["cumulative_hidden"] = False
    out["new_hidden"] = False
    for group in GROUPS:
        rows = out.index[out["group"] == group]
        if not len(rows):
            continue
        hidden = suppress_stock(out.loc[rows, "n"].astype("int64"), rule, keep="last").to_numpy()
        before = np.concatenate([[False], hidden[:-1]])  # the start (0 persons) is public
        out.loc[rows, "cumulative_hidden"] = hidden
        out.loc[rows, "new_hidden"] = hidden | before
    flags = (
        out[out["group"].isin(GROUPS)]
        .groupby("quarter", sort=False)[["cumulative_hidden", "new_hidden"]]
        .any()
    )
    total = out["group"] == "total"
    for column in ("cumulative_hidden", "new_hidden"):
        out.loc[total, column] = out.loc[total, "quarter"].map(flags[column]).fillna(False)
    out["cumulative_hidden"] = out["cumulative_hidden"].astype(bool)
    out["new_hidden"] = out["new_hidden"].astype(bool)
    return out


def side_effect_links(ctx: ReportContext, name: str, data: pd.DataFrame) -> list[Link]:
    """At each quarter's end the groups add up to the total; each level is the progress
    table's side-effect line (this quarter) and its series' (every quarter); the quarter's
    table is the series' last quarter. Only levels are linked: the "change" of a stock can be
    negative, and the attack models counts ≥ 0 (``suppress_stock`` protects the changes)."""
    from research.report.kit.quarter.targets import SERIES, summary_name

    links: list[Link] = []
    present = set(zip(data["group"].astype(str), data["quarter"].astype(str), strict=True))
    for quarter in dict.fromkeys(data["quarter"].astype(str)):
        parts = [f"{g}/{quarter}" for g in GROUPS if (g, quarter) in present]
        if ("total", quarter) in present and parts:
            links.append(
                margin(name, "n", f"total/{quarter}", parts, name=f"{name} {quarter} adds up")
            )
        for group in GROUPS:
            if (group, quarter) not in present:
                continue
            row = f"{group}/{quarter}"
            links.append(
                same(
                    Ref(name, row, "n"),
                    Ref(SERIES, f"side_effect_{group}/{quarter}", "cumulative"),
                    name=f"side effects {row} = progress series",
                )
            )
            if quarter == str(ctx.quarter):
                links.append(
                    same(
                        Ref(name, row, "n"),
                        Ref(summary_name(ctx), f"side_effect_{group}", "achieved"),
                        name=f"side effects {row} = progress",
                    )
                )
    return links


def _table(ctx: ReportContext, data: pd.DataFrame, name: str, caption: str) -> PublishedTable:
    data = data.reset_index(drop=True).assign(
        label=lambda d: d["label_da"] if ctx.lang == "da" else d["label_en"]
    )
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    mask["n"] = data["cumulative_hidden"].to_numpy(bool)
    mask["new"] = data["new_hidden"].to_numpy(bool)
    return PublishedTable(
        name=name,
        caption=caption,
        data=data,
        columns={
            "quarter": ColumnFormat.labelled("quarter"),
            "label": ColumnFormat("text", label_da="Gruppe", label_en="Group"),
            "new": ColumnFormat(
                "number", label_da="Ændring i kvartalet", label_en="Change in the quarter"
            ),
            "n": ColumnFormat(
                "number", label_da="Ved kvartalets udgang", label_en="At the quarter's end"
            ),
        },
        lang=ctx.lang,
        hidden=mask,
        person_counts=("new", "n"),
        keys=("group", "quarter"),
        links=tuple(side_effect_links(ctx, name, data)),
        note=tr(
            ctx,
            "Personer med et kursus som sideeffekt, der ikke er deltagere på kvartalets sidste "
            "dag: den, der senere starter på et løft, flytter ud af sideeffekterne. Faglærte er "
            "H30/H35; videregående eller uoplyst uddannelse står for sig. Sideeffekter tælles "
            "ikke med i måltallene.",
            "Persons with a side-effect course who are not participants on the quarter's last "
            "day: someone who later starts a lift moves out of the side effects. Skilled is "
            "H30/H35; higher or unknown education is shown apart. Side effects are never "
            "counted towards the targets.",
        ),
        rule=ctx.rule,
    )


def _chart(ctx: ReportContext, protected: pd.DataFrame) -> Figure | None:
    groups = protected[protected["group"].isin(GROUPS)].reset_index(drop=True)
    if groups["cumulative_hidden"].all():
        return None
    labels = {
        "unskilled": tr(ctx, "Ufaglærte", "Unskilled"),
        "skilled": tr(ctx, "Faglærte", "Skilled"),
        "other": tr(ctx, "Videregående/uoplyst", "Higher/unknown"),
    }
    frame = groups.assign(
        series=groups["group"].map(labels),
        value=shown_or_marker(groups["n"], groups["cumulative_hidden"]),
    )
    now = protected[(protected["quarter"] == str(ctx.quarter)) & (protected["group"] == "total")]
    if len(now) and not bool(now["cumulative_hidden"].iloc[0]):
        total = format_number(int(now["n"].iloc[0]), ctx.lang)
        title = tr(
            ctx,
            f"{total} personer er sideeffekter ved kvartalets udgang – uden for måltallene",
            f"{total} persons are side effects at the quarter's end – outside the targets",
        )
    else:
        title = tr(
            ctx,
            "Personer med sideeffekter ved hvert kvartals udgang – uden for måltallene",
            "Persons with side effects at each quarter's end – outside the targets",
        )
    return line_chart(
        frame,
        "quarter",
        "value",
        "series",
        ctx.lang,
        title=title,
        data_date=ctx.as_of.date(),
        x_label=tr(ctx, "Kvartal", "Quarter"),
        y_label=tr(ctx, "Personer ved kvartalets udgang", "Persons at the quarter's end"),
    )


def side_effects_section(ctx: ReportContext) -> Section:
    """Section 7: side effects in the quarter and over time, apart from the targets."""
    title = tr(ctx, "7. Sideeffekter", "7. Side effects")
    intro = Text(
        tr(
            ctx,
            "Sideeffekter er ufaglærte, der tager AMU-kurser eller enkeltfag, og faglærte, der "
            "får specialiserede kompetencer. De følges, men tælles ikke med i måltallene, og "
            "vises derfor her for sig.",
            "Side effects are unskilled people taking AMU courses or single subjects and "
            "skilled people gaining specialised competences. They are followed but never "
            "counted towards the targets, so they are shown here on their own.",
        )
    )
    t = ctx.tables
    frame = side_effects(t["participants"], t["enrolments"], ctx.as_of)
    if frame.empty:
        return Section(
            title, [intro, no_data(ctx, "ingen sideeffekter endnu", "no side effects yet")]
        )
    protected = protect_side_effects(frame, ctx.rule)
    now = protected[protected["quarter"] == str(ctx.quarter)]
    quarter = ctx.quarter.label(ctx.lang)
    table = _table(
        ctx,
        now,
        "side_effects",
        tr(
            ctx,
            f"Sideeffekter i {quarter} (tælles ikke med i måltal)",
            f"Side effects in {quarter} (not counted towards targets)",
        ),
    )
    series = _table(
        ctx,
        protected,
        "side_effects_series",
        tr(
            ctx,
            "Sideeffekter pr. kvartal (tælles ikke med i måltal)",
            "Side effects by quarter (not counted towards targets)",
        ),
    )
    items: list = [intro, table, Chart(series.name, lambda shown: _drawn(ctx, shown))]
    return Section(title, items, data=[series])


def _drawn(ctx: ReportContext, series: PublishedTable) -> list[Figure]:
    """The chart from the series as the publication left it: a level it withholds (jointly
    with the progress table) is not drawn either."""
    mask = series._mask().reset_index(drop=True)
    protected = series.data.reset_index(drop=True).assign(
        cumulative_hidden=mask["n"].to_numpy(bool)
    )
    chart = _chart(ctx, protected)
    return [] if chart is None else [chart]
