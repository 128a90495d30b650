"""Section 6: the company networks active in the quarter: survey highlights and competence gaps.

**Active in the quarter**: a network in scope with at least one of, dated inside the report
quarter: a workshop held (``workshops.held_on``), a survey response given
(``survey_responses.answered_on``), or a membership change (``network_memberships.joined_on``
or ``left_on``). A network that only exists, with nothing happening, is not reported on.

Survey figures (``metrics.survey``) use the responses given by the quarter's last day; the
competence figures (``metrics.competence``) each member company's latest plan by that day.

Disclosure: respondents and plans are companies, so counts are shown. A mean, share or alpha
is withheld ("..") when it rests on 1 … min_cell-1 answers or companies (``suppress_tidy``'s
rule for derived figures, each statement its own stratum), so no single company's rating or
plan can be read off. Ranked needs consider only statements rated by at least min_cell
companies, and a competence spider draws only subject areas with at least min_cell plans.
"""

from __future__ import annotations

import pandas as pd

from research.metrics.competence import gaps_by_network
from research.metrics.disclosure import DisclosureRule
from research.metrics.survey import (
    ranked_needs,
    response_rate,
    statement_results,
    theme_reliability,
)
from research.report.kit.charts import (
    BLUE,
    DEFAULT_SOURCE,
    VERMILION,
    radar_alt_text,
    source_line,
)
from research.report.kit.context import ReportContext
from research.report.kit.formatting import ColumnFormat, format_number
from research.report.kit.labels import label as word
from research.report.kit.publish import PublishedTable
from research.report.kit.section import Section, Text
from research.report.kit.section_helpers import (
    CompanyTable,
    in_quarter,
    min_cell_note,
    no_data,
    partner_names,
    too_few,
    tr,
    until,
)
from research.report.kit.spider import Series, SpiderSvg, spider_svg

TOP_NEEDS = 3
MIN_SPOKES = 3


def active_networks(ctx: ReportContext) -> pd.DataFrame:
    """Networks active in the quarter (see the module docstring), with what happened in it.

    Columns: ``network_id``, ``name``, ``partner_id``, ``members`` (companies in the network
    on the quarter's last day: joined by then, not left before), ``workshops``,
    ``responses``, ``joined`` and ``left`` (events in the quarter).
    """
    t = ctx.tables
    networks = t["networks"]
    workshops = t["workshops"][in_quarter(t["workshops"]["held_on"], ctx)]
    responses = t["survey_responses"][in_quarter(t["survey_responses"]["answered_on"], ctx)]
    memberships = t["network_memberships"]
    joined = memberships[in_quarter(memberships["joined_on"], ctx)]
    left = memberships[in_quarter(memberships["left_on"], ctx)]
    on_day = (memberships["joined_on"] <= ctx.as_of) & (
        memberships["left_on"].isna() | (memberships["left_on"] >= ctx.as_of)
    )

    def count(frame: pd.DataFrame) -> pd.Series:
        return frame.groupby("network_id", observed=True).size()

    out = networks[["network_id", "name", "partner_id"]].copy()
    for column, frame in (
        ("members", memberships[on_day]),
        ("workshops", workshops),
        ("responses", responses),
        ("joined", joined),
        ("left", left),
    ):
        out[column] = out["network_id"].map(count(frame)).fillna(0).astype("int64")
    active = out[["workshops", "responses", "joined", "left"]].sum(axis=1) > 0
    return out[active].sort_values("network_id").reset_index(drop=True)


def withheld(frame: pd.DataFrame, count: str, rule: DisclosureRule) -> pd.Series:
    """True where a statistic of ``frame``'s row rests on 1 … ``min_cell``-1 answers or plans.

    Statements, themes and subject areas overlap (one company answers many), so each row is
    its own one-cell table: ``suppress_tidy`` with the row as stratum withholds exactly the
    derived figures whose count is below ``min_cell`` (tests check the two agree). A count of 0
    has no statistic at all, shown as a dash.
    """
    return pd.Series(too_few(frame[count], rule), index=frame.index, dtype=bool)


def _mask(data: pd.DataFrame, flags: dict[str, pd.Series]) -> pd.DataFrame:
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    for column, values in flags.items():
        mask[column] = values.to_numpy(bool)
    return mask


def _names(ctx: ReportContext, frame: pd.DataFrame) -> pd.Series:
    names = ctx.tables["networks"].set_index("network_id")["name"]
    return frame["network_id"].map(names).astype(str)


def active_table(ctx: ReportContext, active: pd.DataFrame) -> PublishedTable:
    partners = partner_names(ctx)
    data = active.assign(partner=active["partner_id"].map(partners).fillna(active["partner_id"]))
    return CompanyTable(
        name="networks_active",
        caption=tr(
            ctx,
            f"Netværk med aktivitet i {ctx.quarter.label('da')}",
            f"Networks active in {ctx.quarter.label('en')}",
        ),
        data=data,
        columns={
            "name": ColumnFormat.labelled("network", "text"),
            "partner": ColumnFormat("text", label_da="Partner", label_en="Partner"),
            "members": ColumnFormat(
                "number", label_da="Medlemmer ved kvartalets udgang", label_en="Members at end"
            ),
            "workshops": ColumnFormat("number", label_da="Workshops", label_en="Workshops"),
            "responses": ColumnFormat(
                "number", label_da="Survey-besvarelser", label_en="Survey responses"
            ),
            "joined": ColumnFormat("number", label_da="Nye medlemmer", label_en="Joined"),
            "left": ColumnFormat("number", label_da="Udmeldt", label_en="Left"),
        },
        lang=ctx.lang,
        keys=("network_id",),
        note=tr(
            ctx,
            "Aktiv: mindst én workshop, survey-besvarelse eller ind- eller udmeldelse i "
            "kvartalet. Tallene tæller virksomheder og workshops, ikke personer.",
            "Active: at least one workshop, survey response, or member joining or leaving in "
            "the quarter. The figures count companies and workshops, not persons.",
        ),
        rule=ctx.rule,
    )


def _survey_inputs(ctx: ReportContext, ids: set) -> tuple[pd.DataFrame, pd.DataFrame]:
    responses = until(ctx.tables["survey_responses"], "answered_on", ctx)
    answers = ctx.tables["survey_answers"]
    answers = answers[answers["response_id"].isin(set(responses["response_id"]))]
    statements = ctx.tables["survey_statements"]
    statements = statements[statements["network_id"].isin(ids)].reset_index(drop=True)
    return answers.reset_index(drop=True), statements


def response_table(ctx: ReportContext, ids: set) -> PublishedTable:
    t = ctx.tables
    responses = until(t["survey_responses"], "answered_on", ctx)
    memberships = until(t["network_memberships"], "joined_on", ctx)
    frame = response_rate(responses, memberships, t["networks"])
    frame = frame[frame["network_id"].isin(ids) & frame["first_response_on"].notna()]
    frame = frame.reset_index(drop=True)
    hidden = pd.Series(too_few(frame["n"], ctx.rule), index=frame.index)
    return CompanyTable(
        name="survey_response",
        caption=tr(
            ctx, "Svarprocent i e-surveyen, aktive netværk", "E-survey response, active networks"
        ),
        data=frame,
        columns={
            "network_name": ColumnFormat.labelled("network", "text"),
            "n": ColumnFormat("number", label_da="Inviteret", label_en="Invited"),
            "responded": ColumnFormat("number", label_da="Svaret", label_en="Responded"),
            "response_rate": ColumnFormat("percent", label_da="Svarprocent", label_en="Rate"),
            "ci_low": ColumnFormat.labelled("lower_95", "percent"),
            "ci_high": ColumnFormat.labelled("upper_95", "percent"),
        },
        lang=ctx.lang,
        hidden=_mask(frame, {c: hidden for c in ("response_rate", "ci_low", "ci_high")}),
        keys=("network_id",),
        note=tr(
            ctx,
            "Inviteret: medlemmer den dag, netværkets første besvarelse blev givet. ",
            "Invited: members on the day the network's first response was given. ",
        )
        + min_cell_note(ctx, "virksomheder", "companies"),
        rule=ctx.rule,
    )


def statements_table(ctx: ReportContext, ids: set) -> PublishedTable:
    """Every statement of the active networks (data): mean relevance and shares, withheld when
    fewer than min_cell companies answered."""
    answers, statements = _survey_inputs(ctx, ids)
    frame = statement_results(answers, statements)
    frame.insert(0, "network_name", _names(ctx, frame))
    rated = withheld(frame, "n_rating", ctx.rule)
    answering = withheld(frame, "n", ctx.rule)
    flags = {c: rated for c in ("mean_relevance", "share_high", "ci_low", "ci_high")}
    return CompanyTable(
        name="survey_statements",
        caption=tr(
            ctx, "Udsagn i e-surveyen, aktive netværk", "E-survey statements, active networks"
        ),
        data=frame,
        columns={
            "network_name": ColumnFormat.labelled("network", "text"),
            "theme": ColumnFormat("text", label_da="Tema", label_en="Theme"),
            "text": ColumnFormat("text", label_da="Udsagn", label_en="Statement"),
            "n": ColumnFormat("number", label_da="Svar", label_en="Answers"),
            "n_rating": ColumnFormat("number", label_da="Med vurdering", label_en="Rated"),
            "mean_relevance": ColumnFormat.labelled("mean_relevance", "number", decimals=1),
            "share_high": ColumnFormat.labelled("share_high", "percent"),
            "ci_low": ColumnFormat.labelled("lower_95", "percent"),
            "ci_high": ColumnFormat.labelled("upper_95", "percent"),
            "share_dont_know": ColumnFormat("percent", label_da="Ved ikke", label_en="Don't know"),
        },
        lang=ctx.lang,
        hidden=_mask(frame, flags | {"share_dont_know": answering}),
        keys=("network_id", "statement_id"),
        note=min_cell_note(ctx, "besvarelser", "responses"),
        rule=ctx.rule,
    )


def needs_table(ctx: ReportContext, ids: set) -> PublishedTable:
    """Each active network's most relevant needs among statements rated by ≥ min_cell."""
    answers, statements = _survey_inputs(ctx, ids)
    ranked = ranked_needs(answers, statements)
    enough = ranked[(ranked["n_rating"] >= ctx.rule.min_cell) & ranked["rank"].notna()]
    top = enough.groupby("network_id", observed=True, sort=True).head(TOP_NEEDS).copy()
    top["position"] = top.groupby("network_id", observed=True).cumcount() + 1
    top.insert(0, "network_name", _names(ctx, top))
    top = top.reset_index(drop=True)
    return CompanyTable(
        name="survey_needs",
        caption=tr(
            ctx,
            f"De {TOP_NEEDS} mest relevante behov pr. aktivt netværk",
            f"The {TOP_NEEDS} most relevant needs per active network",
        ),
        data=top,
        columns={
            "network_name": ColumnFormat.labelled("network", "text"),
            "position": ColumnFormat("number", label_da="Nr.", label_en="No."),
            "text": ColumnFormat("text", label_da="Udsagn", label_en="Statement"),
            "theme": ColumnFormat("text", label_da="Tema", label_en="Theme"),
            "mean_relevance": ColumnFormat.labelled("mean_relevance", "number", decimals=1),
            "share_high": ColumnFormat.labelled("share_high", "percent"),
            "n_rating": ColumnFormat("number", label_da="Med vurdering", label_en="Rated"),
        },
        lang=ctx.lang,
        keys=("network_id", "statement_id"),
        note=tr(
            ctx,
            "Rangeret efter gennemsnitlig relevans (1-5), derefter andel 4-5; kun udsagn "
            f"vurderet af mindst {ctx.rule.min_cell} virksomheder.",
            "Ranked by mean relevance (1-5), then the share rating 4-5; only statements rated "
            f"by at least {ctx.rule.min_cell} companies.",
        ),
        rule=ctx.rule,
    )


def reliability_table(ctx: ReportContext, ids: set) -> PublishedTable:
    """Cronbach's alpha per theme (data), withheld below min_cell complete responses."""
    answers, statements = _survey_inputs(ctx, ids)
    frame = theme_reliability(answers, statements)
    frame.insert(0, "network_name", _names(ctx, frame))
    hidden = withheld(frame, "n", ctx.rule)
    return CompanyTable(
        name="survey_reliability",
        caption=tr(
            ctx,
            "Temaernes reliabilitet (Cronbachs alfa), aktive netværk",
            "Reliability of the themes (Cronbach's alpha), active networks",
        ),
        data=frame,
        columns={
            "network_name": ColumnFormat.labelled("network", "text"),
            "theme": ColumnFormat("text", label_da="Tema", label_en="Theme"),
            "k": ColumnFormat("number", label_da="Udsagn", label_en="Statements"),
            "n": ColumnFormat("number", label_da="Fuldstændige svar", label_en="Complete answers"),
            "alpha": ColumnFormat("number", 2, label_da="Alfa", label_en="Alpha"),
            "ci_low": ColumnFormat("number", 2, label_da="nedre 95 %", label_en="lower 95%"),
            "ci_high": ColumnFormat("number", 2, label_da="øvre 95 %", label_en="upper 95%"),
        },
        lang=ctx.lang,
        hidden=_mask(frame, {c: hidden for c in ("alpha", "ci_low", "ci_high")}),
        keys=("network_id",),
        note=min_cell_note(ctx, "besvarelser", "responses"),
        rule=ctx.rule,
    )


def network_gaps(ctx: ReportContext) -> pd.DataFrame:
    """``gaps_by_network`` at the quarter's last day (members and latest plans by then)."""
    t = ctx.tables
    return gaps_by_network(t["competence_plans"], t["network_memberships"], ctx.as_of)


def gaps_table(ctx: ReportContext, gaps: pd.DataFrame, ids: set) -> PublishedTable:
    """Competence levels and gaps per active network and subject area (data)."""
    frame = gaps[gaps["network_id"].isin(ids)].reset_index(drop=True)
    frame.insert(0, "network_name", _names(ctx, frame))
    hidden = withheld(frame, "n", ctx.rule)
    derived = (
        "mean_current",
        "mean_required",
        "mean_gap",
        "companies_with_gap",
        "share_with_gap",
        "ci_low",
        "ci_high",
    )
    return CompanyTable(
        name="competence_gaps",
        caption=tr(
            ctx,
            "Kompetenceniveau og -gab pr. netværk og fagområde (seneste plan)",
            "Competence levels and gaps per network and subject area (latest plan)",
        ),
        data=frame,
        columns={
            "network_name": ColumnFormat.labelled("network", "text"),
            "subject_area": ColumnFormat.labelled("subject_area", "text"),
            "n": ColumnFormat("number", label_da="Virksomheder", label_en="Companies"),
            "mean_current": ColumnFormat.labelled("current_level", "number", decimals=1),
            "mean_required": ColumnFormat.labelled("required_level", "number", decimals=1),
            "mean_gap": ColumnFormat("number", 1, label_da="Gab (gns.)", label_en="Gap (mean)"),
            "companies_with_gap": ColumnFormat(
                "number", label_da="Virksomheder med gab", label_en="Companies with a gap"
            ),
            "share_with_gap": ColumnFormat.labelled("share", "percent"),
            "ci_low": ColumnFormat.labelled("lower_95", "percent"),
            "ci_high": ColumnFormat.labelled("upper_95", "percent"),
        },
        lang=ctx.lang,
        hidden=_mask(frame, {c: hidden for c in derived}),
        keys=("network_id",),
        note=tr(
            ctx,
            "Medlemsvirksomheder ved kvartalets udgang med en plan for fagområdet (seneste "
            "plan). Gab = krævet minus nuværende niveau, mindst 0. Antallet med gab vises ikke, "
            "når andelen er tilbageholdt. ",
            "Member companies at the end of the quarter with a plan for the subject area "
            "(latest plan). Gap = required minus current level, at least 0. The number with a "
            "gap is withheld with the share. ",
        )
        + min_cell_note(ctx, "virksomheder", "companies"),
        rule=ctx.rule,
    )


def spider(ctx: ReportContext, gaps: pd.DataFrame, network_id: str, name: str) -> SpiderSvg | Text:
    """The competence spider of one network, on subject areas with ≥ min_cell plans.

    ``gaps`` is ``gaps_by_network`` at the quarter's end; one network's rows, sorted by subject
    area, are exactly ``competence.radar_data`` (computed once here, not once per network).
    """
    columns = ["network_id", "subject_area", "mean_current", "mean_required", "n"]
    frame = gaps.loc[gaps["network_id"] == network_id, columns].sort_values("subject_area")
    frame = frame[frame["n"] >= ctx.rule.min_cell].reset_index(drop=True)
    if len(frame) < MIN_SPOKES:
        return Text(
            tr(
                ctx,
                f"{name}: intet kompetencespind – færre end {MIN_SPOKES} fagområder har planer "
                f"fra mindst {ctx.rule.min_cell} medlemsvirksomheder.",
                f"{name}: no competence spider – fewer than {MIN_SPOKES} subject areas have "
                f"plans from at least {ctx.rule.min_cell} member companies.",
            )
        )
    widths = frame["mean_required"] - frame["mean_current"]
    widest = frame.loc[widths.idxmax()]
    gap = format_number(float(widths.max()), ctx.lang, 1)
    title = tr(
        ctx,
        f"{name}: størst gab i «{widest['subject_area']}» ({gap} niveauer)",
        f"{name}: widest gap in ‘{widest['subject_area']}’ ({gap} levels)",
    )
    areas = frame["subject_area"].astype(str).tolist()
    now = frame["mean_current"].astype(float).to_numpy()
    need = frame["mean_required"].astype(float).to_numpy()
    # written straight as SVG (``kit.spider``, as in the company plans): a matplotlib polar
    # figure cost about a tenth of a second each to lay out and draw, fourteen times a report
    series = [
        Series(word("current_level", ctx.lang), now.tolist(), BLUE, "", "circle", fill=True),
        Series(word("required_level", ctx.lang), need.tolist(), VERMILION, "6 4", "square"),
    ]
    return spider_svg(
        areas,
        series,
        title=title,
        source_line=source_line(DEFAULT_SOURCE, ctx.as_of.date(), ctx.lang),
        alt=radar_alt_text(areas, now, need, ctx.lang),
        lang=ctx.lang,
    )


def networks(ctx: ReportContext) -> Section:
    """Section 6: active networks, survey highlights and competence spiders."""
    title = tr(ctx, "6. Netværk", "6. Networks")
    if ctx.tables["networks"].empty:
        return Section(title, [no_data(ctx, "ingen netværk", "no networks")])
    active = active_networks(ctx)
    if active.empty:
        return Section(
            title,
            [
                no_data(
                    ctx,
                    "ingen netværk var aktive i kvartalet",
                    "no network was active in the quarter",
                )
            ],
        )
    ids = set(active["network_id"])
    n = len(active)
    intro = Text(
        tr(
            ctx,
            f"{n} netværk var {'aktivt' if n == 1 else 'aktive'} i kvartalet (workshop, "
            "survey-besvarelse eller ind- eller udmeldelse). Survey og kompetenceplaner er "
            "opgjort ved kvartalets udgang; alle udsagn, temaernes reliabilitet og alle "
            "fagområder ligger som data.",
            f"{n} {'network was' if n == 1 else 'networks were'} active in the quarter (a "
            "workshop, survey response, or member joining or leaving). Survey and competence "
            "plans are read at the end of the quarter; every statement, the themes' reliability "
            "and every subject area are included as data.",
        )
    )
    items: list = [intro, active_table(ctx, active)]
    responses = response_table(ctx, ids)
    needs = needs_table(ctx, ids)
    items.append(
        responses if len(responses.data) else no_data(ctx, "ingen survey-svar", "no survey answers")
    )
    if len(needs.data):
        items.append(needs)
    gaps = network_gaps(ctx)
    for row in active.itertuples(index=False):
        items.append(spider(ctx, gaps, row.network_id, row.name))
    data = [statements_table(ctx, ids), reliability_table(ctx, ids), gaps_table(ctx, gaps, ids)]
    return Section(title, items, data=data)
