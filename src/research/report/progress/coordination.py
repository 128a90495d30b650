"""Section 5: are companies run over by many institutions, and do visits lead anywhere?

Figures from ``metrics.coordination`` on the shared contact log up to the quarter's last day:
institutions per contacted company per quarter, one-to-one visits with no result within 180
days, the companies this project shares with each external project, and the mix of the
project's own contacts.

Disclosure: everything here counts companies, visits or contacts, never persons, so counts are
published as they are. A mean or percentage is withheld ("..") when it rests on fewer than
min_cell companies (for the contact mix: fewer than min_cell companies contacted in the
quarter) — the same threshold as for persons, so one rule holds throughout the report.
"""

from __future__ import annotations

import pandas as pd

from research.domain.codes import ContactKind, InstitutionType
from research.metrics.common import quarter_of
from research.metrics.coordination import (
    contact_mix,
    external_overlap,
    fruitless_visits,
    institutions_per_company,
    own_contacts,
)
from research.report.kit.charts import Figure, line_chart
from research.report.kit.context import ReportContext
from research.report.kit.formatting import (
    ColumnFormat,
    format_number,
    format_percent,
    format_quarter,
)
from research.report.kit.publish import PublishedTable
from research.report.kit.section import Section, Text
from research.report.kit.section_helpers import (
    CompanyTable,
    min_cell_note,
    no_data,
    shown_or_marker,
    too_few,
    tr,
    until,
)

THRESHOLD = 3  # "contacted by 3 or more institutions in the quarter"
WINDOW_DAYS = 180


def _contacts(ctx: ReportContext) -> pd.DataFrame:
    return until(ctx.tables["company_contacts"], "contact_date", ctx)


def _upto(frame: pd.DataFrame, ctx: ReportContext) -> pd.DataFrame:
    return frame[frame["quarter"].astype(str) <= str(ctx.quarter)].reset_index(drop=True)


def _mask(data: pd.DataFrame, hidden, columns: tuple[str, ...]) -> pd.DataFrame:
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    for column in columns:
        mask[column] = hidden
    return mask


def _companies_note(ctx: ReportContext) -> str:
    return min_cell_note(ctx, "virksomheder", "companies")


def institutions_table(ctx: ReportContext) -> PublishedTable:
    frame = _upto(institutions_per_company(_contacts(ctx), threshold=THRESHOLD), ctx)
    hidden = too_few(frame["n"], ctx.rule)
    derived = (
        "mean_institutions",
        "median_institutions",
        "share_at_threshold",
        "ci_low",
        "ci_high",
    )
    return CompanyTable(
        name="institutions_per_company",
        caption=tr(
            ctx,
            "Institutioner pr. kontaktet virksomhed, pr. kvartal",
            "Institutions per contacted company, by quarter",
        ),
        data=frame,
        columns={
            "quarter": ColumnFormat.labelled("quarter"),
            "n": ColumnFormat(
                "number", label_da="Virksomheder kontaktet", label_en="Companies contacted"
            ),
            "contacts": ColumnFormat("number", label_da="Kontakter", label_en="Contacts"),
            "mean_institutions": ColumnFormat(
                "number", 2, label_da="Institutioner (gns.)", label_en="Institutions (mean)"
            ),
            "median_institutions": ColumnFormat(
                "number", 1, label_da="Institutioner (median)", label_en="Institutions (median)"
            ),
            "companies_at_threshold": ColumnFormat(
                "number",
                label_da=f"Kontaktet af {THRESHOLD}+",
                label_en=f"Contacted by {THRESHOLD}+",
            ),
            "share_at_threshold": ColumnFormat(
                "percent", label_da=f"Andel {THRESHOLD}+", label_en=f"Share {THRESHOLD}+"
            ),
            "ci_low": ColumnFormat.labelled("lower_95", "percent"),
            "ci_high": ColumnFormat.labelled("upper_95", "percent"),
        },
        lang=ctx.lang,
        hidden=_mask(frame, hidden, derived),
        note=tr(
            ctx,
            "Alle kontakter i den fælles log (projektet, jobcentre, andre projekter og "
            "institutioner); institutioner skelnes på navn. ",
            "Every contact in the shared log (this project, job centres, other projects and "
            "institutions); institutions are told apart by name. ",
        )
        + _companies_note(ctx),
        rule=ctx.rule,
    )


def _trend(first: float, last: float) -> tuple[str, str]:
    if abs(last - first) < 1e-9:
        return "uændret", "unchanged"
    return ("steget", "up") if last > first else ("faldet", "down")


def institution_charts(ctx: ReportContext, table: PublishedTable) -> list[Figure | Text]:
    """The mean number of institutions and the share contacted by 3+, quarter by quarter."""
    data = table.data
    hidden = table.hidden["mean_institutions"].to_numpy(bool)
    shown = data[~hidden]
    if shown.empty:
        return [no_data(ctx, "for få kontaktede virksomheder", "too few companies contacted")]
    first, last = shown.iloc[0], shown.iloc[-1]
    q0, q1 = (format_quarter(q, ctx.lang) for q in (first["quarter"], last["quarter"]))
    m0, m1 = (
        format_number(v, ctx.lang, 2)
        for v in (first["mean_institutions"], last["mean_institutions"])
    )
    if len(shown) == 1:
        mean_title = tr(
            ctx,
            f"Institutioner pr. kontaktet virksomhed i {q1}: {m1}",
            f"Institutions per contacted company in {q1}: {m1}",
        )
    else:
        da, en = _trend(first["mean_institutions"], last["mean_institutions"])
        mean_title = tr(
            ctx,
            f"Institutioner pr. kontaktet virksomhed er {da} fra {m0} ({q0}) til {m1} ({q1})",
            f"Institutions per contacted company went {en} from {m0} ({q0}) to {m1} ({q1})",
        )
    s0, s1 = (
        format_percent(v, ctx.lang)
        for v in (first["share_at_threshold"], last["share_at_threshold"])
    )
    if len(shown) == 1:
        share_title = tr(
            ctx,
            f"Andelen kontaktet af {THRESHOLD}+ institutioner i {q1}: {s1}",
            f"The share contacted by {THRESHOLD}+ institutions in {q1}: {s1}",
        )
    else:
        da, en = _trend(first["share_at_threshold"], last["share_at_threshold"])
        share_title = tr(
            ctx,
            f"Andelen kontaktet af {THRESHOLD}+ institutioner er {da} fra {s0} ({q0}) til {s1} "
            f"({q1})",
            f"The share contacted by {THRESHOLD}+ institutions went {en} from {s0} ({q0}) to "
            f"{s1} ({q1})",
        )
    frame = data.assign(
        mean=shown_or_marker(data["mean_institutions"], hidden),
        share=shown_or_marker(data["share_at_threshold"], hidden),
    )
    quarter_word = tr(ctx, "Kvartal", "Quarter")
    return [
        line_chart(
            frame,
            "quarter",
            "mean",
            lang=ctx.lang,
            title=mean_title,
            data_date=ctx.as_of.date(),
            decimals=2,
            x_label=quarter_word,
            y_label=tr(ctx, "Institutioner pr. virksomhed", "Institutions per company"),
        ),
        line_chart(
            frame,
            "quarter",
            "share",
            lang=ctx.lang,
            title=share_title,
            data_date=ctx.as_of.date(),
            kind="percent",
            x_label=quarter_word,
            y_label=tr(ctx, f"Andel kontaktet af {THRESHOLD}+", f"Share contacted by {THRESHOLD}+"),
        ),
    ]


def fruitless_table(ctx: ReportContext) -> PublishedTable:
    t = ctx.tables
    frame = fruitless_visits(
        _contacts(ctx),
        t["enrolments"],
        t["participants"],
        t["competence_plans"],
        t["network_memberships"],
        window_days=WINDOW_DAYS,
        as_of=ctx.as_of,
    )
    frame = _upto(frame, ctx)
    hidden = too_few(frame["n"], ctx.rule)
    return CompanyTable(
        name="fruitless_visits",
        caption=tr(
            ctx,
            f"Virksomhedsbesøg uden resultat inden for {WINDOW_DAYS} dage",
            f"One-to-one visits with no result within {WINDOW_DAYS} days",
        ),
        data=frame,
        columns={
            "quarter": ColumnFormat.labelled("quarter"),
            "visits": ColumnFormat("number", label_da="Besøg", label_en="Visits"),
            "fruitless_visits": ColumnFormat(
                "number", label_da="Uden resultat", label_en="No result"
            ),
            "share_fruitless": ColumnFormat.labelled("share", "percent"),
            "ci_low": ColumnFormat.labelled("lower_95", "percent"),
            "ci_high": ColumnFormat.labelled("upper_95", "percent"),
            "visits_window_open": ColumnFormat(
                "number", label_da="Besøg, vindue ikke lukket", label_en="Visits, window open"
            ),
        },
        lang=ctx.lang,
        hidden=_mask(frame, hidden, ("share_fruitless", "ci_low", "ci_high")),
        note=tr(
            ctx,
            "Projektets egne besøg. Et besøg har resultat, hvis virksomheden inden for "
            f"{WINDOW_DAYS} dage kommer i netværk, får en kompetenceforsyningsplan, eller en "
            "medarbejder starter på et forløb. Besøg, hvis vindue ikke er lukket ved kvartalets "
            "udgang, tælles kun i sidste kolonne. ",
            "The project's own visits. A visit has a result when, within "
            f"{WINDOW_DAYS} days, the company joins a network, gets a competence supply plan, "
            "or an employee starts an enrolment. Visits whose window has not closed by the end "
            "of the quarter are only counted in the last column. ",
        )
        + min_cell_note(ctx, "virksomheder", "companies", "besøg", "visits"),
        rule=ctx.rule,
    )


def overlap_table(ctx: ReportContext) -> tuple[PublishedTable, PublishedTable]:
    """This quarter's overlap per external project (shown) and the whole series (data)."""
    frame = external_overlap(_contacts(ctx), ctx.tables["external_projects"])
    frame = _upto(frame, ctx) if len(frame) else frame
    scopes = {
        "quarter": tr(ctx, "I kvartalet", "In the quarter"),
        "cumulative": tr(ctx, "Fra start", "Since the start"),
    }
    frame = frame.assign(scope_label=frame["scope"].map(scopes))
    columns = {
        "project_name": ColumnFormat("text", label_da="Andet projekt", label_en="Other project"),
        "scope_label": ColumnFormat("text", label_da="Periode", label_en="Period"),
        "n": ColumnFormat(
            "number", label_da="Kontaktet af projektet", label_en="Contacted by this project"
        ),
        "external_companies": ColumnFormat(
            "number", label_da="Kontaktet af det andet", label_en="Contacted by the other"
        ),
        "companies_both": ColumnFormat("number", label_da="Begge", label_en="Both"),
        "share_both": ColumnFormat(
            "percent", label_da="Andel af projektets", label_en="Share of this project's"
        ),
        "ci_low": ColumnFormat.labelled("lower_95", "percent"),
        "ci_high": ColumnFormat.labelled("upper_95", "percent"),
    }
    note = tr(
        ctx,
        "Virksomheder, som både dette projekt og det andet projekt har kontaktet. ",
        "Companies contacted both by this project and by the other project. ",
    ) + _companies_note(ctx)

    def table(data: pd.DataFrame, name: str, caption: str, cols: dict) -> PublishedTable:
        data = data.reset_index(drop=True)
        hidden = too_few(data["n"], ctx.rule)
        return CompanyTable(
            name=name,
            caption=caption,
            data=data,
            columns=cols,
            lang=ctx.lang,
            hidden=_mask(data, hidden, ("share_both", "ci_low", "ci_high")),
            keys=("project_id", "scope"),
            note=note,
            rule=ctx.rule,
        )

    now = frame[frame["quarter"].astype(str) == str(ctx.quarter)]
    shown = table(
        now,
        "external_overlap",
        tr(
            ctx,
            f"Fælles virksomheder med andre projekter, {ctx.quarter.label('da')}",
            f"Companies shared with other projects, {ctx.quarter.label('en')}",
        ),
        columns,
    )
    series = table(
        frame,
        "external_overlap_series",
        tr(ctx, "Fælles virksomheder pr. kvartal", "Shared companies by quarter"),
        {"quarter": ColumnFormat.labelled("quarter"), **columns},
    )
    return shown, series


def _companies_per_quarter(contacts: pd.DataFrame) -> pd.Series:
    own = own_contacts(contacts)
    return own.groupby(quarter_of(own["contact_date"]), observed=True)["cvr"].nunique()


def contact_mix_tables(ctx: ReportContext) -> tuple[PublishedTable, PublishedTable]:
    """The project's own contacts by kind and institution type: this quarter, and every one."""
    contacts = _contacts(ctx)
    frame = contact_mix(contacts)
    frame = _upto(frame, ctx) if len(frame) else frame
    labels = {m.value: m.label(ctx.lang) for m in (*ContactKind, *InstitutionType)}
    dims = {
        "kind": tr(ctx, "Kontaktform", "Kind of contact"),
        "institution_type": tr(ctx, "Institutionstype", "Institution type"),
    }
    companies = frame["quarter"].astype(str).map(_companies_per_quarter(contacts)).fillna(0)
    frame = frame.assign(
        dimension_label=frame["dimension"].map(dims),
        category_label=frame["category"].map(labels).fillna(frame["category"]),
        quarter_companies=companies.astype("int64"),
    )
    columns = {
        "dimension_label": ColumnFormat("text", label_da="Opdelt efter", label_en="By"),
        "category_label": ColumnFormat("text", label_da="Gruppe", label_en="Group"),
        "contacts": ColumnFormat("number", label_da="Kontakter", label_en="Contacts"),
        "share": ColumnFormat.labelled("share", "percent"),
        "n": ColumnFormat("number", label_da="Virksomheder", label_en="Companies"),
    }

    def table(data: pd.DataFrame, name: str, caption: str, cols: dict) -> PublishedTable:
        data = data.reset_index(drop=True)
        hidden = too_few(data["quarter_companies"], ctx.rule)
        return CompanyTable(
            name=name,
            caption=caption,
            data=data,
            columns=cols,
            lang=ctx.lang,
            hidden=_mask(data, hidden, ("share",)),
            keys=("dimension", "category"),
            note=min_cell_note(
                ctx,
                "virksomheder kontaktet i kvartalet",
                "companies contacted in the quarter",
                "kontakter og virksomheder",
                "contacts and companies",
            ),
            rule=ctx.rule,
        )

    now = frame[frame["quarter"].astype(str) == str(ctx.quarter)]
    shown = table(
        now,
        "contact_mix",
        tr(
            ctx,
            f"Projektets egne kontakter, {ctx.quarter.label('da')}",
            f"The project's own contacts, {ctx.quarter.label('en')}",
        ),
        columns,
    )
    series = table(
        frame,
        "contact_mix_series",
        tr(ctx, "Projektets egne kontakter pr. kvartal", "The project's own contacts by quarter"),
        {"quarter": ColumnFormat.labelled("quarter"), **columns},
    )
    return shown, series


def coordination(ctx: ReportContext) -> Section:
    """Section 5: institutions per company, fruitless visits, overlap and the contact mix."""
    title = tr(ctx, "5. Koordination", "5. Coordination")
    if _contacts(ctx).empty:
        return Section(title, [no_data(ctx, "ingen virksomhedskontakter", "no company contacts")])
    institutions = institutions_table(ctx)
    overlap, overlap_series = overlap_table(ctx)
    mix, mix_series = contact_mix_tables(ctx)
    intro = Text(
        tr(
            ctx,
            "Bliver virksomhederne kontaktet af færre institutioner, og fører projektets besøg "
            "til noget? Tallene tæller virksomheder, besøg og kontakter, ikke personer.",
            "Are companies contacted by fewer institutions, and do the project's visits lead "
            "anywhere? The figures count companies, visits and contacts, not persons.",
        )
    )
    items: list = [intro, institutions, *institution_charts(ctx, institutions)]
    items.append(fruitless_table(ctx))
    if len(overlap.data):
        items.append(overlap)
    else:
        items.append(no_data(ctx, "ingen fælles virksomheder at opgøre", "no overlap to show"))
    if len(mix.data):
        items.append(mix)
    else:
        items.append(no_data(ctx, "ingen egne kontakter i kvartalet", "no own contacts"))
    return Section(title, items, data=[overlap_series, mix_series])
