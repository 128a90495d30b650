"""The article's evidence, section by section: what works for whom, in which context.

Why here: the estimators live in ``research.evidence``; this module turns their tidy results
into the article's tables and figures (English by default), each table through the same
``PublishedTable`` (disclosure control and one formatter) as the quarterly report, and writes
every table as Markdown, LaTeX and CSV and every figure as PDF, SVG and PNG (``show_article``).
Analyses run on the whole programme: a partner's data alone is too thin for them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from research.evidence import article
from research.evidence.answers import SOURCES
from research.evidence.article import ArticleData, run_article_analyses
from research.evidence.result import AnalysisResult, Status
from research.metrics.disclosure import DisclosureRule
from research.report.article import conversion
from research.report.article.columns import article_columns
from research.report.article.disclosure import (
    REPORT,
    add_report,
    primary,
    same_figures,
    sums_to_report,
)
from research.report.article.export import write_figure, write_table
from research.report.article.figure_files import figure_writer
from research.report.article.figures import (
    balance_plot,
    event_study_plot,
    forest_plot,
    overlap_plot,
    survival_plot,
)
from research.report.kit import blocks
from research.report.kit.charts import Figure
from research.report.kit.context import ReportContext
from research.report.kit.labels import tr
from research.report.kit.links import Follows, Ratio, Ref, with_and_without
from research.report.kit.magnitudes import Magnitude, magnitude_mask
from research.report.kit.publish import PublishedTable
from research.report.kit.section import Section, Text, publish_section, show
from research.report.kit.survival_disclosure import coarsen_curves

# The analyses and the words the article uses for them: (English, Danish), as the article is
# written in English; ``_analysis_title`` picks one.
ANALYSIS_TITLES = {
    "completion_prep_interaction": (
        "Preparatory course and completion, by the 02 requirement",
        "Forberedende forløb og gennemførelse, efter 02-kravet",
    ),
    "completion_by_route": (
        "Recruitment route and completion, employed and unemployed",
        "Rekrutteringsvej og gennemførelse, beskæftigede og ledige",
    ),
    "dropout_by_route": (
        "Recruitment route and dropout, employed and unemployed",
        "Rekrutteringsvej og frafald, beskæftigede og ledige",
    ),
    "completion_route_by_industry": (
        "One-to-one visits vs networks and completion, by industry",
        "Enkeltbesøg mod netværk og gennemførelse, efter branche",
    ),
    "completion_route_by_education": (
        "One-to-one visits vs networks and completion, by prior education",
        "Enkeltbesøg mod netværk og gennemførelse, efter uddannelsesbaggrund",
    ),
    "completion_route_by_college": (
        "One-to-one visits vs networks and completion, by college",
        "Enkeltbesøg mod netværk og gennemførelse, efter skole",
    ),
    "completion_long_term_by_age": (
        "Long-term unemployment and completion, by age band",
        "Langtidsledighed og gennemførelse, efter aldersgruppe",
    ),
}


def _analysis_title(ctx: ReportContext, key: str) -> str:
    """An analysis's title in the report's language (its key when it has none)."""
    en, da = ANALYSIS_TITLES.get(key, (key, key))
    return tr(ctx, da, en)


# --- 1. Completion and dropout by subgroup -------------------------------------------------------


Results = Mapping[str, AnalysisResult]
"""The article's analyses by the key the CMO register links to (``run_article_analyses``)."""


def _analysis(
    ctx: ReportContext, results: Results | None, key: str, run: Callable[..., Results]
) -> AnalysisResult:
    """The analysis ``key`` from ``results``, or run now when they do not hold it (a section
    built on its own, as the tests do)."""
    if results is not None and key in results:
        return results[key]
    return run(ArticleData(ctx))[key]


def subgroup_results(ctx: ReportContext, results: Results | None = None) -> pd.DataFrame:
    """Every subgroup analysis's rows in one table, in the order they were estimated."""
    from research.evidence.subgroups import DEFAULT_ANALYSES

    keys = [a.key for a in DEFAULT_ANALYSES]
    if results is None or not all(k in results for k in keys):
        results = article.subgroup_results(ArticleData(ctx))
    frames = [results[k].table for k in keys if k in results]
    return pd.concat(frames).sort_index() if frames else pd.DataFrame()


def subgroup_section(ctx: ReportContext, results: Results | None = None) -> Section:
    """Average marginal effects per subgroup, a forest plot per analysis, BH-adjusted p.

    Every contrast is answered (``research.evidence.answers``): the logit's estimate where it
    was estimable, else the Firth-penalised one (separation) or the pooled one (cells too
    small), each labelled with its source; a contrast without a finished lift in an arm gets
    the minimum detectable effect and the quarter it becomes large enough. So no forest plot
    is empty mid-project."""
    from research.evidence.answers import subgroup_answers

    logit = subgroup_results(ctx, results)
    title = tr(ctx, "1. Gennemførelse og frafald: for hvem", "1. Completion and dropout: for whom")
    intro = Text(
        tr(
            ctx,
            "Logistiske modeller med standardfejl klynget på virksomhed; effekten er den "
            "gennemsnitlige marginale effekt (procentpoint) inden for hver undergruppe. "
            "p-værdier er justeret med Benjamini–Hochberg inden for hver analyse. Hvor "
            "logitten ikke kan estimeres, vises Firth-estimatet (separation) eller det samlede "
            "estimat fra afsnit 1b (for få forløb), med kilden angivet; uden afsluttede forløb "
            "i en arm vises mindste påviselige effekt og kvartalet hvor gruppen er stor nok.",
            "Logistic models with company-clustered standard errors; the effect is the average "
            "marginal effect (percentage points) of the named level against the reference within "
            "each subgroup. p-values are adjusted with Benjamini–Hochberg within each analysis. "
            "Lifts still running at the data date are left out (see section 2 for them). "
            "Where the logit cannot estimate a contrast, the row shows the best available "
            "estimate with its source: the Firth-penalised logit where the logit met "
            "separation, the pooled estimate of section 1b where the cells are too small. A "
            "contrast with no finished lift in an arm shows the minimum detectable effect (80 % "
            "power) of the lifts started so far, once they have ended, and the quarter in which "
            "the subgroup is large enough on the planned trajectory.",
        )
    )
    items: list = [intro]
    if logit.empty:
        return Section(title, [intro, Text(tr(ctx, "Ingen data.", "No data."))])
    pooled = _analysis(ctx, results, "pooled_subgroup_effects", article.pooled_subgroup_effects)
    started = _analysis(ctx, results, "cumulative_incidence", article.cumulative_incidence)
    data = subgroup_answers(logit, pooled.table, started.table)
    data["outcome_label"] = data["outcome"].map(lambda o: _outcome_words(ctx, o))
    data["source_label"] = data["source"].map(lambda s: _source_words(ctx, s))
    data["effect_pp"] = data["answer"] * 100
    data["ci_low_pp"] = data["answer_ci_low"] * 100
    data["ci_high_pp"] = data["answer_ci_high"] * 100
    data["mde_pp"] = data["mde"].where(np.isfinite(data["mde"])) * 100
    data["large_enough_by"] = _large_enough_by(ctx, data)
    counts = ["n_level", "n_reference", "events_level", "events_reference"]
    mask = primary(data, counts, ctx.rule)
    for column in ("rate_level", "rate_reference"):
        mask[column] = mask["n_level"] | mask["n_reference"]
    # an unpooled estimate of a small arm gives its outcomes away (as in section 1b); the MDE
    # of a known rate gives the arm sizes away
    small = primary(data, ["answer_n_level", "answer_n_reference"], ctx.rule)
    own = data["source"].isin(["logit", "firth"]) & (
        small["answer_n_level"] | small["answer_n_reference"]
    )
    for column in ("effect_pp", "ci_low_pp", "ci_high_pp"):
        mask[column] = own
    sizes = primary(data, ["mde_n_level", "mde_n_reference"], ctx.rule)
    mask["mde_pp"] = sizes["mde_n_level"] | sizes["mde_n_reference"]
    keys = ("analysis", "subgroup", "level", "reference")
    table = PublishedTable(
        name=SUBGROUP_TABLE,
        caption=tr(
            ctx,
            "Gennemsnitlige marginale effekter på gennemførelse og frafald, efter undergruppe",
            "Average marginal effects on completion and dropout, by subgroup",
        ),
        data=data,
        columns=article_columns(
            data,
            (
                "label",
                "outcome_label",
                "n_level",
                "n_reference",
                "rate_level",
                "rate_reference",
                "status",
                "source_label",
                ("effect_pp", 1),
                ("ci_low_pp", 1),
                ("ci_high_pp", 1),
                ("p_adjusted", 3),
                ("mde_pp", 1),
                "large_enough_by",
            ),
        ),
        lang=ctx.lang,
        hidden=mask,
        person_counts=tuple(counts),
        keys=keys,
        rule=ctx.rule,
        links=tuple(_arm_links(SUBGROUP_TABLE, data, keys)),
        # a rate beside its arm's size is the number with the event: withheld together
        ratios=(
            Ratio("events_level", "n_level", "rate_level"),
            Ratio("events_reference", "n_reference", "rate_reference"),
        ),
        follows=(
            Follows("events_level", ("rate_level",)),
            Follows("events_reference", ("rate_reference",)),
            Follows("n_level", ("rate_level",)),
            Follows("n_reference", ("rate_reference",)),
        ),
    )
    items.append(table)
    shown_sources = [_source_words(ctx, s) for s in SOURCES if s != "none"]
    for analysis, rows in data.groupby("analysis", sort=False):
        en, da = ANALYSIS_TITLES.get(analysis, (analysis, analysis))
        label = rows["subgroup"].astype(str)
        if rows["level"].nunique() > 1:
            label = label + ": " + rows["level"].astype(str)
        hidden = mask.loc[rows.index, "effect_pp"]
        shown = rows.assign(
            plot_label=label,
            plot_estimate=rows["answer"].where(~hidden),
            plot_note=[
                tr(ctx, "skjult (diskretionering)", "withheld (disclosure control)")
                if withheld
                else tr(ctx, "intet afsluttet forløb i en arm", "no finished lift in an arm")
                for withheld in hidden
            ],
        )
        unanswered = [
            f"{name}: {_mde_words(ctx, row, mde_withheld)}"
            for name, row, mde_withheld, withheld in zip(
                label, rows.itertuples(), mask.loc[rows.index, "mde_pp"], hidden, strict=True
            )
            if row.source == "none" and not withheld
        ]
        items.append(
            _named(
                f"forest_{analysis}",
                forest_plot(
                    shown,
                    title=_forest_finding(ctx, shown, tr(ctx, da, en)),
                    data_date=ctx.as_of.date(),
                    label="plot_label",
                    estimate="plot_estimate",
                    low="answer_ci_low",
                    high="answer_ci_high",
                    source="source_label",
                    sources=shown_sources,
                    missing="plot_note",
                    note="; ".join(unanswered) or None,
                    x_label=tr(
                        ctx,
                        "Gennemsnitlig marginal effekt (procentpoint)",
                        "Average marginal effect (percentage points)",
                    ),
                    lang=ctx.lang,
                ),
            )
        )
    return Section(title, items)


def _source_words(ctx: ReportContext, source: str) -> str:
    """Where a row's answer comes from, in the reader's words (``answers.SOURCES``)."""
    words = {
        "logit": ("Logit", "Logit"),
        "firth": ("Firth (separation)", "Firth (separation)"),
        "pooled": ("Pooled (1b)", "Samlet (1b)"),
        "none": ("No estimate yet", "Intet estimat endnu"),
    }
    en, da = words.get(source, (source, source))
    return tr(ctx, da, en)


def _large_enough_by(ctx: ReportContext, data: pd.DataFrame) -> list[str]:
    """The quarter in which each row's arms reach a minimum detectable effect of
    ``RELEVANT_EFFECT`` on the planned participant trajectory ("now" if they already do)."""
    from research.evidence.pooling import RELEVANT_EFFECT, quarter_detectable

    trajectory = ctx.config.trajectory_for("participants")
    period = ctx.config.period
    today = ctx.as_of.date()
    out = []
    for n1, n0, rate, mde in zip(
        data["mde_n_level"], data["mde_n_reference"], data["base_rate"], data["mde"], strict=True
    ):
        if mde <= RELEVANT_EFFECT:
            out.append(tr(ctx, "nu", "now"))
            continue
        quarter = quarter_detectable(
            float(n1),
            float(n0),
            float(rate),
            today=today,
            quarters=period.quarters,
            planned_share=lambda day: trajectory.expected_share(period, day),
        )
        out.append(str(quarter) if quarter else tr(ctx, "ikke i projektet", "not in the project"))
    return out


def _mde_words(ctx: ReportContext, row, mde_withheld: bool) -> str:
    """A contrast without an estimate: how large an effect its arms could detect (where the
    table shows it) and when they will be large enough."""
    if not mde_withheld and np.isfinite(row.mde_pp):
        mde = f"MDE {row.mde_pp:.0f} pp"
    elif row.mde > 1:  # above 100 pp says no more than that the arms are tiny
        mde = tr(ctx, "ingen effekt kan påvises endnu", "no effect detectable yet")
    else:
        mde = tr(ctx, "MDE skjult", "MDE withheld")
    return tr(
        ctx,
        f"{mde}, stor nok: {row.large_enough_by}",
        f"{mde}, large enough: {row.large_enough_by}",
    )


SUBGROUP_TABLE = "subgroup_effects"
ARMS = (("n_level", "events_level"), ("n_reference", "events_reference"))


def _arm_links(name: str, data: pd.DataFrame, keys: tuple[str, ...]) -> list:
    """Each arm's lifts = those with the event + those without (a derived group), and the
    same arm in another row (the completion and the dropout row of a subgroup) is the same
    figure: the links a reader can use between the article's counts."""
    links = with_and_without(
        name, data, keys, [(n, events, f"{n} without the event") for n, events in ARMS]
    )
    arms = [(n, n) for n, _ in ARMS]
    return links + same_figures(
        name, data, keys, name, data, keys, arms, match=("subgroup", "level", "reference")
    )


def _outcome_words(ctx: ReportContext, outcome: str) -> str:
    """The outcome column's words: completion and dropout rows must not look like duplicates."""
    words = {"completed": ("Completion", "Gennemførelse"), "dropped_out": ("Dropout", "Frafald")}
    en, da = words.get(outcome, (outcome, outcome))
    return tr(ctx, da, en)


def _named(name: str, fig: Figure) -> Figure:
    """A stable file name for the figure (titles state findings and change every quarter)."""
    fig.set_gid(f"figure-{name}")
    return fig


def _forest_finding(ctx: ReportContext, shown: pd.DataFrame, name: str) -> str:
    """The title: what the logit contrasts show after adjustment, or how many contrasts the
    other sources answer where the logit answers none."""
    rows = shown[shown["source"] == "logit"]
    if rows.empty:
        answered = int(shown["plot_estimate"].notna().sum())
        if not answered:
            return tr(ctx, f"{name}: for få forløb endnu", f"{name}: too few lifts to estimate yet")
        return tr(
            ctx,
            f"{name}: {answered} af {len(shown)} kontraster estimeret af Firth eller samlet",
            f"{name}: {answered} of {len(shown)} contrasts estimated by Firth or pooling",
        )
    significant = rows[rows["significant_adjusted"].fillna(False).astype(bool)]
    if significant.empty:
        return tr(
            ctx,
            f"{name}: ingen undergruppe skiller sig ud efter justering",
            f"{name}: no subgroup differs after adjustment",
        )
    return tr(
        ctx,
        f"{name}: {len(significant)} af {len(rows)} kontraster er forskellige efter justering",
        f"{name}: {len(significant)} of {len(rows)} estimated contrasts differ after adjustment",
    )


# --- 2. Time to completion and dropout -----------------------------------------------------------


def survival_section(ctx: ReportContext, results: Results | None = None) -> Section:
    """Kaplan–Meier by EUV track, medians, a Cox model and its proportional-hazards check."""
    from research.evidence.frames import lift_frame
    from research.evidence.survival import cox_model, km_curves

    title = tr(ctx, "2. Tid til gennemførelse og frafald", "2. Time to completion and dropout")
    frame = lift_frame(ctx.tables, ctx.as_of, programme="euv")
    intro = Text(
        tr(
            ctx,
            "Kaplan–Meier-kurver efter EUV-spor, censureret på dataopgørelsesdatoen; Cox-modeller "
            "med standardfejl klynget på virksomhed og test af proportionale hazards.",
            "Kaplan–Meier curves by EUV track, censored at the data date; the competing exit is "
            "treated as censoring (cause-specific). Cox models with company-clustered errors; the "
            "proportional-hazards check is the Grambsch–Therneau test on Schoenfeld residuals.",
        )
    )
    if frame.empty:
        return Section(title, [intro, Text(tr(ctx, "Ingen data.", "No data."))])
    items: list = [intro]
    curves = km_curves(frame, event="completed", by="euv_track", min_cell=ctx.rule.min_cell)
    curves = coarsen_curves(curves, ctx.rule.min_cell)  # no drop shows fewer than min_cell events
    if not curves.empty:
        items.append(
            _named(
                "km_completion_by_track",
                survival_plot(
                    curves,
                    # what the curves show, not a finding: which tracks have enough
                    # completions to draw a drop depends on the quarter
                    title=tr(
                        ctx,
                        "EUV-forløb endnu ikke gennemført, efter spor",
                        "EUV lifts not yet completed, by track",
                    ),
                    data_date=ctx.as_of.date(),
                    x_label=tr(ctx, "Måneder siden start", "Months since start"),
                    y_label=tr(ctx, "Andel endnu ikke gennemført", "Share not yet completed"),
                    lang=ctx.lang,
                ),
            )
        )
    medians = _analysis(ctx, results, "euv_track_mix", article.euv_track_mix).table
    mask = primary(medians, ["n", "events", "censored"], ctx.rule)
    # a median time (and its interval) is one of the track's completion times: it describes
    # the track's lifts and rests on their completions, at least min_cell of them
    median = Magnitude("n", ("months", "ci_low", "ci_high"), kind="median", rests_on="events")
    items.append(
        PublishedTable(
            name="completion_medians",
            caption=tr(
                ctx,
                "Median antal måneder til gennemførelse efter EUV-spor (Kaplan–Meier)",
                "Median months to completion by EUV track (Kaplan–Meier)",
            ),
            data=medians,
            columns=article_columns(
                medians,
                ("group", "n", "events", ("months", 1), ("ci_low", 1), ("ci_high", 1), "status"),
            ),
            lang=ctx.lang,
            hidden=mask | magnitude_mask(medians, [median], ctx.rule.min_cell),
            person_counts=("n", "events", "censored"),
            keys=("group",),
            rule=ctx.rule,
            links=tuple(_median_links(ctx, medians)),
            follows=(median,),
        )
    )
    for event, name_en, name_da in (
        ("completed", "completion", "gennemførelse"),
        ("dropout", "dropout", "frafald"),
    ):
        cox = cox_model(frame, ["euv_track", "employment_group", "age_band"], event=event)
        if cox.status != Status.OK:
            items.append(
                Text(
                    tr(
                        ctx,
                        f"Cox-model for {name_da}: {cox.message}",
                        f"Cox model for {name_en}: {cox.message}",
                    )
                )
            )
            continue
        items.append(_cox_table(ctx, cox, event, name_en, name_da))
        items.append(_ph_table(ctx, cox, event, name_en, name_da))
    return Section(title, items)


def _median_links(ctx: ReportContext, medians: pd.DataFrame) -> list:
    """A track's lifts = completed + not completed; the tracks' lifts and completions add
    up to the report's EUV figures where they count the same (checked on the data)."""
    add_report(ctx)
    name, keys = "completion_medians", ("group",)
    links = with_and_without(name, medians, keys, [("n", "events", "not completed")])
    for column, indicator in (("n", "skilled_started_all"), ("events", "skilled_completed")):
        links += sums_to_report(
            ctx,
            name,
            medians,
            keys,
            column,
            Ref("progress", indicator, "achieved"),
            name=f"report {indicator} = the EUV tracks' {column}",
        )
    return links


def _cox_table(ctx, cox, event: str, name_en: str, name_da: str) -> PublishedTable:
    data = cox.hazard_ratios.copy()
    count_columns = [c for c in ("n", "events") if c in data.columns]
    # the caption's counts pass the same rule: lifts, those with the event and those without
    small = any(ctx.rule.is_sensitive(int(v)) for v in (cox.n, cox.events, cox.n - cox.events))
    n, events = ("..", "..") if small else (cox.n, cox.events)
    return PublishedTable(
        name=f"cox_{event}",
        caption=tr(
            ctx,
            f"Hazard ratioer for {name_da} (Cox; n = {n}, hændelser = {events})",
            f"Hazard ratios for {name_en} (Cox; n = {n}, events = {events})",
        ),
        data=data,
        columns=article_columns(
            data,
            (
                "factor",
                "level",
                "reference",
                ("hazard_ratio", 2),
                ("ci_low", 2),
                ("ci_high", 2),
                ("p_value", 3),
                "status",
            ),
        ),
        lang=ctx.lang,
        hidden=primary(data, count_columns, ctx.rule),
        person_counts=tuple(count_columns),
        rule=ctx.rule,
    )


def _ph_table(ctx, cox, event: str, name_en: str, name_da: str) -> PublishedTable:
    data = cox.ph.copy()
    return PublishedTable(
        name=f"ph_check_{event}",
        caption=tr(
            ctx,
            f"Test af proportionale hazards for {name_da} (Grambsch–Therneau)",
            f"Proportional-hazards check for {name_en} (Grambsch–Therneau)",
        ),
        data=data,
        columns=article_columns(
            data, ("term", ("rho", 3), ("statistic", 2), ("df", 0), ("p_value", 3), "ph_rejected")
        ),
        lang=ctx.lang,
        rule=ctx.rule,
    )


# --- 3. Network approach vs one-to-one visits ----------------------------------------------------


def conversion_section(ctx: ReportContext, results: Results | None = None) -> Section:
    """Company-level conversion by approach, and the rate ratio of participants per month."""
    from research.evidence.conversion import conversion_funnel

    title = tr(
        ctx, "3. Netværkstilgang mod enkeltbesøg", "3. Network approach vs one-to-one visits"
    )
    found = _analysis(ctx, results, "network_conversion", article.network_conversion)
    if found.detail is None:  # no company reached yet
        return Section(title, [Text(tr(ctx, "Ingen data.", "No data."))])
    companies, result = found.detail
    funnel = conversion_funnel(companies)
    add_report(ctx)
    funnel_table = conversion.funnel_table(
        funnel,
        caption=tr(
            ctx,
            "Virksomheder nået, med kompetenceplan og med deltagere, efter tilgang",
            "Companies reached, with a competence plan and with participants, by approach",
        ),
        lang=ctx.lang,
        rule=ctx.rule,
        links=conversion.conversion_links(
            ctx.tables, ctx.as_of, funnel, companies, _report_tables(ctx)
        ),
    )
    ratios = result.rate_ratios[result.rate_ratios["reported"]]
    model = str(result.dispersion["reported_model"].iloc[0]).replace("_", " ")
    ratio_table = PublishedTable(
        name="conversion_rate_ratios",
        caption=tr(
            ctx,
            "Deltagere pr. måned i kontakt: rate ratioer",
            f"Participants per month in contact: rate ratios ({model} model, chosen by an "
            "overdispersion test)",
        ),
        data=ratios,
        columns=article_columns(
            ratios, ("term", ("rate_ratio", 2), ("ci_low", 2), ("ci_high", 2), ("p_value", 4))
        ),
        lang=ctx.lang,
        keys=("model",),
        rule=ctx.rule,
    )
    return Section(title, [funnel_table, ratio_table])


def _report_tables(ctx: ReportContext) -> list[PublishedTable]:
    """The report's tables the article's publication holds (``add_report``)."""
    pub = ctx.publication
    return [] if pub is None else [pub.tables[name] for name in sorted(pub.background)]


# --- 4. Company-level effect with a comparison group -----------------------------------------


def company_effect_section(ctx: ReportContext, results: Results | None = None) -> Section:
    """Two-way fixed effects and an event study on the company panel, with the pre-trend test."""
    title = tr(
        ctx,
        "4. Virksomheder: øger deltagelse andelen af faglærte?",
        "4. Companies: does participation raise the share of skilled employees?",
    )
    found = _analysis(ctx, results, "skilled_share_did", article.skilled_share_did)
    if found.detail is None:
        return Section(title, [Text(tr(ctx, "Intet panel.", "No company panel imported."))])
    result = found.detail
    intro = Text(
        tr(
            ctx,
            "Andelen faglærte (procentpoint) i deltagende mod ikke-deltagende virksomheder, "
            "med to-vejs faste effekter og et event study (reference: året før deltagelse).",
            "Skilled share of employees (percentage points) in participating companies against "
            "never-participating companies, by year. The two-way fixed-effects estimate averages "
            "over years since participation; the event study shows the effect by year relative "
            "to the first participation (reference: the year before), and its leads test "
            "parallel trends. Standard errors clustered by company.",
        )
    )
    items: list = [intro]
    companies = ["n_treated_companies", "n_comparison_companies"]
    overall = result.overall
    items.append(
        PublishedTable(
            name="company_effect",
            caption=tr(
                ctx, "Effekt (faste effekter)", "Company-level effect (two-way fixed effects)"
            ),
            data=overall,
            columns=article_columns(
                overall,
                (
                    "estimand",
                    ("n_treated_companies", 0),
                    ("n_comparison_companies", 0),
                    ("estimate", 3),
                    ("std_error", 3),
                    ("ci_low", 3),
                    ("ci_high", 3),
                    ("p_value", 3),
                    "status",
                ),
            ),
            lang=ctx.lang,
            hidden=primary(overall, companies, ctx.rule),
            rule=ctx.rule,
        )
    )
    events = result.event_study
    if not events.empty:
        items.append(
            _named(
                "event_study_companies",
                event_study_plot(
                    events[events["status"].eq(Status.OK) | events["reference"].astype(bool)],
                    title=_pretrend_finding(ctx, result.pretrend),
                    data_date=ctx.as_of.date(),
                    x_label=tr(
                        ctx,
                        "År i forhold til første deltagelse",
                        "Years relative to first participation",
                    ),
                    y_label=tr(ctx, "Andel faglærte (pp)", "Skilled share (pp)"),
                    lang=ctx.lang,
                ),
            )
        )
        items.append(
            PublishedTable(
                name="company_event_study",
                caption=tr(ctx, "Event study-koefficienter", "Event-study coefficients"),
                data=events,
                columns=article_columns(
                    events,
                    (
                        ("relative_period", 0),
                        ("estimate", 3),
                        ("std_error", 3),
                        ("ci_low", 3),
                        ("ci_high", 3),
                        ("p_value", 3),
                        "status",
                    ),
                ),
                lang=ctx.lang,
                rule=ctx.rule,
            )
        )
    items.append(
        PublishedTable(
            name="company_pretrend",
            caption=tr(ctx, "Test for parallelle trends", "Pre-trend test"),
            data=result.pretrend,
            columns=article_columns(
                result.pretrend,
                (
                    "test",
                    ("statistic", 2, "F", "F"),
                    ("df_num", 0),
                    ("df_denom", 0),
                    ("p_value", 3),
                    "status",
                ),
            ),
            lang=ctx.lang,
            rule=ctx.rule,
        )
    )
    for warning in result.warnings:
        items.append(Text(warning))
    return Section(title, items)


def _pretrend_finding(ctx: ReportContext, pretrend: pd.DataFrame) -> str:
    p = pd.to_numeric(pretrend.get("p_value"), errors="coerce")
    if p is None or p.empty or not np.isfinite(p.iloc[0]):
        return tr(ctx, "Effekt efter år siden deltagelse", "Effect by year since participation")
    if p.iloc[0] < 0.05:
        return tr(
            ctx,
            f"Forskellige trends før deltagelse (p = {p.iloc[0]:.3f}): læs med forsigtighed",
            f"Trends differed before participation (p = {p.iloc[0]:.3f}): read with care",
        )
    return tr(
        ctx,
        f"Ingen tegn på forskellige trends før deltagelse (p = {p.iloc[0]:.2f})",
        f"No sign of different trends before participation (p = {p.iloc[0]:.2f})",
    )


# --- 4a. Staggered adoption: Gardner's two-stage DiD ---------------------------------------------


def staggered_section(ctx: ReportContext, results: Results | None = None) -> Section:
    """The company effect robust to staggered adoption: the two-stage DiD beside TWFE."""
    title = tr(
        ctx,
        "4a. Virksomheder der starter i forskellige år: totrins difference-in-differences",
        "4a. Companies joining in different years: two-stage difference in differences",
    )
    found = _analysis(ctx, results, "skilled_share_two_stage", article.skilled_share_two_stage)
    if found.status == Status.NO_DATA:
        return Section(title, [Text(tr(ctx, "Intet panel.", "No company panel imported."))])
    intro = Text(
        tr(
            ctx,
            "Totrinsestimatoren (Gardner) estimerer virksomheds- og årseffekter på år uden "
            "deltagelse og sammenligner deltagende år med det forventede; standardfejl ved "
            "bootstrap over virksomheder.",
            "Two-way fixed effects compare late joiners with early joiners whose effect is "
            "already under way. Gardner's two-stage estimator fits company and year effects on "
            "company-years before participation (and never-participating companies) only, "
            "imputes each participating company-year's share without participation, and "
            "averages the differences; standard errors by a company bootstrap.",
        )
    )
    if found.detail is None:  # the estimator refused the data: its reason in words
        return Section(title, [intro, Text(found.message)])
    result = found.detail
    event = result.event.copy()
    overall = found.table.assign(
        estimand=[tr(ctx, "ATT, alle deltagerår", "ATT, all participating years")]
    )
    companies_hidden = primary(overall, ["n_treated_companies"], ctx.rule)
    items: list = [
        intro,
        PublishedTable(
            name="company_effect_two_stage",
            caption=tr(
                ctx,
                "Effekt på andelen faglærte (pp), totrins DiD",
                "Company-level effect on the skilled share (pp), two-stage DiD",
            ),
            data=overall,
            columns=article_columns(
                overall,
                (
                    "estimand",
                    ("estimate", 2),
                    ("ci_low", 2),
                    ("ci_high", 2),
                    ("n_treated_companies", 0),
                ),
            ),
            lang=ctx.lang,
            hidden=companies_hidden,
            rule=ctx.rule,
        ),
        PublishedTable(
            name="company_event_two_stage",
            caption=tr(
                ctx,
                "Effekt efter år siden første deltagelse (totrins)",
                "Effect by years since first participation (two-stage; 3 = 3 or more)",
            ),
            data=event,
            columns=article_columns(
                event, (("relative_period", 0), ("estimate", 2), ("ci_low", 2), ("ci_high", 2))
            ),
            lang=ctx.lang,
            keys=("relative_period",),
            rule=ctx.rule,
        ),
    ]
    items += [Text(note) for note in result.notes]
    return Section(title, items)


# --- 5. Participant-level effect with a comparison group -------------------------------------


def participant_effect_section(ctx: ReportContext, results: Results | None = None) -> Section:
    """Employment six months after: participants against a comparison group, RA and IPW."""
    title = tr(
        ctx,
        "5. Ledige deltagere: beskæftigelse seks måneder efter",
        "5. Unemployed participants: employment six months after",
    )
    found = _analysis(ctx, results, "employment_6_months", article.employment_6_months)
    if found.detail is None:
        return Section(
            title, [Text(tr(ctx, "Ingen kontrolgruppe.", "No comparison group imported."))]
        )
    result = found.detail
    intro = Text(
        tr(
            ctx,
            "Ledige deltagere med kendt status efter seks måneder mod en sammenligningsgruppe; "
            "effekten er en forskel i beskæftigelsesandel (ATT som hovedresultat).",
            "Unemployed participants whose six-month status is known, against comparison "
            "individuals; the effect is a risk difference. Regression adjustment and inverse-"
            "probability weighting adjust for age, gender, education and long-term "
            "unemployment; the naive difference is shown for contrast. The headline estimand "
            "is the effect on participants (ATT).",
        )
    )
    items: list = [intro]
    people = ["n_treated", "n_comparison"]
    estimates = result.estimates
    counts = result.counts
    count_columns = ["n", "n_employed", "n_outcome_pending"]
    counts_hidden = primary(counts, count_columns, ctx.rule).assign(
        share_employed=lambda m: m["n_employed"] | m["n"]
    )
    items.append(
        PublishedTable(
            name="participant_effect",
            caption=tr(ctx, "Effekt på beskæftigelse", "Effect on employment six months after"),
            data=estimates,
            columns=article_columns(
                estimates,
                (
                    "method",
                    "estimand",
                    ("n_treated", 0),
                    ("n_comparison", 0),
                    ("estimate", 3),
                    ("std_error", 3),
                    ("ci_low", 3),
                    ("ci_high", 3),
                    ("p_value", 3),
                    "status",
                ),
            ),
            lang=ctx.lang,
            hidden=_unadjusted_withheld(ctx, estimates, counts, counts_hidden),
            person_counts=tuple(people),
            keys=("method", "estimand"),
            rule=ctx.rule,
            links=tuple(_participant_links(estimates, counts)),
        )
    )
    items.append(
        PublishedTable(
            name="participant_groups",
            caption=tr(ctx, "De to grupper", "The two groups"),
            data=counts,
            columns=article_columns(
                counts,
                (
                    ("group", None, "Group", "Gruppe"),
                    ("n", None, "Outcome known", "Kendt udfald"),
                    "n_employed",
                    "share_employed",
                    "n_outcome_pending",
                ),
            ),
            lang=ctx.lang,
            hidden=counts_hidden,
            person_counts=tuple(count_columns),
            keys=("group",),
            rule=ctx.rule,
            links=tuple(
                with_and_without(
                    "participant_groups", counts, ("group",), [("n", "n_employed", "not employed")]
                )
            ),
            follows=(Follows("n_employed", ("share_employed",)),),
        )
    )
    if not result.balance.empty:
        items.append(
            _named(
                "balance_participants",
                balance_plot(
                    result.balance,
                    title=tr(ctx, "Vægtningen afbalancerer", "Weighting balances the groups"),
                    data_date=ctx.as_of.date(),
                    lang=ctx.lang,
                ),
            )
        )
    if not result.overlap.empty:
        items.append(
            _named(
                "overlap_participants",
                overlap_plot(
                    result.overlap,
                    title=tr(ctx, "Hvor grupperne overlapper", "Where the groups overlap"),
                    data_date=ctx.as_of.date(),
                    lang=ctx.lang,
                ),
            )
        )
    if result.status != Status.OK and result.message:
        items.append(Text(result.message))
    return Section(title, items)


UNADJUSTED = "diff"
ESTIMATE_COLUMNS = ("estimate", "std_error", "ci_low", "ci_high", "p_value")


def _unadjusted_withheld(
    ctx: ReportContext, estimates: pd.DataFrame, counts: pd.DataFrame, counts_hidden: pd.DataFrame
) -> pd.DataFrame:
    """The arms' sizes by the rule, and the unadjusted difference withheld where a group's
    employed count is: beside the comparison group's rate and the arm's size, the raw
    difference in rates gives the participants' employed (and not employed) count away."""
    mask = primary(estimates, ["n_treated", "n_comparison"], ctx.rule)
    n = pd.to_numeric(counts["n"], errors="coerce").fillna(0).round().astype(int)
    employed = pd.to_numeric(counts["n_employed"], errors="coerce").fillna(0).round().astype(int)
    gives_away = counts_hidden["n_employed"].to_numpy(bool) | ctx.rule.sensitive(
        (n - employed).to_numpy()
    )
    if gives_away.any() and "method" in estimates:
        raw = estimates["method"].astype(str).eq(UNADJUSTED).to_numpy()
        for column in ESTIMATE_COLUMNS:
            if column in mask:
                mask[column] = mask[column].to_numpy(bool) | raw
    return mask


def _participant_links(estimates: pd.DataFrame, counts: pd.DataFrame) -> list:
    """Every estimate's arm sizes are the two groups' sizes in the table below."""
    from research.report.kit.links import same

    groups = {str(g): n for g, n in zip(counts["group"], counts["n"], strict=True)}
    links = []
    for key, row in zip(
        estimates["method"].astype(str) + "/" + estimates["estimand"].astype(str),
        estimates.itertuples(index=False),
        strict=True,
    ):
        for column, group in (("n_treated", "participant"), ("n_comparison", "comparison")):
            value = getattr(row, column)
            if group in groups and pd.notna(value) and int(value) == int(groups[group]):
                links.append(
                    same(
                        Ref("participant_effect", key, column),
                        Ref("participant_groups", group, "n"),
                        name=f"participant_effect {key} {column} = participant_groups {group}",
                    )
                )
    return links


# --- 1a. Every lift, running ones included: cumulative incidence ------------------------------


def _subgroup_label(rows: pd.DataFrame) -> pd.Series:
    label = rows["subgroup"].astype(str)
    if rows["level"].nunique() > 1:
        label = label + ": " + rows["level"].astype(str)
    return label


def _cif_counts_mask(data: pd.DataFrame, counts: list[str], rule: DisclosureRule) -> pd.DataFrame:
    """Counts below the threshold hidden, and the probabilities of an arm whose size is hidden
    (a CIF of a handful of lifts gives away who completed)."""
    mask = primary(data, counts, rule)
    for column, arm in (("cif_level_pct", "n_level"), ("cif_reference_pct", "n_reference")):
        if column in mask:
            mask[column] = mask[arm]
    return mask


CIF_TABLE = "cumulative_incidence_contrasts"


def cumulative_incidence_section(ctx: ReportContext, results: Results | None = None) -> Section:
    """Completion and dropout by subgroup from every lift, the running ones censored at the data
    date: Aalen–Johansen cumulative incidence at 12 and 24 months and its subgroup contrasts."""
    from research.evidence.competing import HORIZONS

    title = tr(
        ctx,
        "1a. Gennemførelse og frafald med igangværende forløb: kumuleret incidens",
        "1a. Completion and dropout with running lifts: cumulative incidence",
    )
    intro = Text(
        tr(
            ctx,
            "Alle forløb tæller, også de igangværende (censureret på opgørelsesdatoen). Den "
            "kumulerede incidens er sandsynligheden for at have gennemført (eller være faldet "
            "fra) inden for 12 og 24 måneder efter start, med den anden udgang som konkurrerende "
            "risiko (Aalen–Johansen). Kontrasten er niveauet minus referencen i hver undergruppe "
            "i procentpoint, ujusteret; standardfejl klynget på virksomhed.",
            "Every lift counts, including those still running (censored at the data date). "
            "The cumulative incidence is the probability of having completed (or dropped out) "
            "within 12 and 24 months of the start, with the other exit as a competing risk "
            "(Aalen–Johansen). The contrast is the named level minus the reference within each "
            "subgroup, in percentage points, unadjusted; standard errors by the infinitesimal "
            "jackknife clustered by company, t intervals. A horizon no lift in an arm has "
            "reached yet is named, not estimated.",
        )
    )
    found = _analysis(ctx, results, "cumulative_incidence", article.cumulative_incidence)
    results = found.table
    if results.empty:
        return Section(title, [intro, Text(tr(ctx, "Ingen data.", "No data."))])
    data = results.copy()
    data["outcome_label"] = data["outcome"].map(lambda o: _outcome_words(ctx, o))
    for column in ("estimate", "ci_low", "ci_high", "cif_level", "cif_reference"):
        data[f"{column}_pct"] = data[column] * 100
    data["contrast"] = (
        data["analysis"].map(lambda a: _analysis_title(ctx, a)) + ": " + _subgroup_label(data)
    )
    counts = ["n_level", "n_reference", "events_level", "events_reference"]
    cif_keys = ("analysis", "subgroup", "level", "reference", "horizon")
    table = PublishedTable(
        name=CIF_TABLE,
        caption=tr(
            ctx,
            "Kumuleret incidens af gennemførelse og frafald inden for 12 og 24 måneder, efter "
            "undergruppe: niveau minus reference (procentpoint)",
            "Cumulative incidence of completion and dropout within 12 and 24 months, by "
            "subgroup: level minus reference (percentage points)",
        ),
        data=data,
        columns=article_columns(
            data,
            (
                "contrast",
                "outcome_label",
                ("horizon", 0),
                "n_level",
                "n_reference",
                ("cif_level_pct", 1),
                ("cif_reference_pct", 1),
                ("estimate_pct", 1),
                ("ci_low_pct", 1),
                ("ci_high_pct", 1),
                "status",
            ),
        ),
        lang=ctx.lang,
        hidden=_cif_counts_mask(data, counts, ctx.rule),
        person_counts=tuple(counts),
        keys=cif_keys,
        rule=ctx.rule,
        # the same arms at 12 and 24 months, and in the completion and the dropout rows
        links=tuple(
            same_figures(
                CIF_TABLE,
                data,
                cif_keys,
                CIF_TABLE,
                data,
                cif_keys,
                [(n, n) for n, _ in ARMS],
                match=("subgroup", "level", "reference"),
            )
        ),
    )
    items: list = [intro, table]
    first = data[data["horizon"] == min(HORIZONS)]
    for analysis, rows in first.groupby("analysis", sort=False):
        en, da = ANALYSIS_TITLES.get(analysis, (analysis, analysis))
        shown = rows.assign(
            plot_label=_subgroup_label(rows),
            plot_note=rows["status"].map(lambda status: _cif_missing_words(ctx, status)),
        )
        estimated = int(shown["status"].eq(Status.OK).sum())
        items.append(
            _named(
                f"cif_forest_{analysis}",
                forest_plot(
                    shown,
                    title=tr(
                        ctx,
                        f"{da}: {estimated} af {len(shown)} kontraster efter 12 måneder",
                        f"{en}: {estimated} of {len(shown)} contrasts at 12 months",
                    ),
                    data_date=ctx.as_of.date(),
                    label="plot_label",
                    missing="plot_note",
                    x_label=tr(
                        ctx,
                        "Forskel i kumuleret incidens efter 12 måneder (procentpoint)",
                        "Difference in cumulative incidence at 12 months (percentage points)",
                    ),
                    lang=ctx.lang,
                ),
            )
        )
    return Section(title, items)


def _cif_missing_words(ctx: ReportContext, status: str) -> str:
    """Why a cumulative-incidence contrast has no point: a reader can tell waiting (follow-up)
    from smallness."""
    words = {
        Status.FOLLOW_UP_SHORT: (
            "intet forløb i en arm fulgt 12 måneder endnu",
            "no lift in an arm followed 12 months yet",
        ),
        Status.NO_EVENTS: ("ingen hændelser i en arm endnu", "no event in an arm yet"),
    }
    da, en = words.get(status, ("for lille til at estimere", "too small to estimate"))
    return tr(ctx, da, en)


# --- 1b. Every subgroup answered: Firth estimates pooled by empirical Bayes -------------------


def pooled_subgroup_section(ctx: ReportContext, results: Results | None = None) -> Section:
    """Every subgroup contrast with at least one person per arm: a Firth-penalised estimate,
    shrunk toward the analysis's overall effect by empirical Bayes, with the minimum
    detectable effect and the quarter the subgroup will be large enough on the plan."""
    from research.evidence.pooling import RELEVANT_EFFECT, quarter_detectable

    title = tr(
        ctx,
        "1b. Alle undergrupper: estimater der låner styrke",
        "1b. Every subgroup: estimates that borrow strength",
    )
    found = _analysis(ctx, results, "pooled_subgroup_effects", article.pooled_subgroup_effects)
    results = found.table
    intro = Text(
        tr(
            ctx,
            "Forløb med kendt udfald. Hver undergruppes effekt er fra en Firth-penaliseret "
            "logit, trukket mod analysens samlede effekt (empirisk Bayes), så små grupper låner "
            "styrke. Mindste påviselige effekt (80 % styrke) og kvartalet hvor gruppen er stor "
            "nok efter planen.",
            "Lifts with a known outcome. Each subgroup's average marginal effect comes from a "
            "Firth-penalised logit (finite under separation; adjusted as in section 1 where "
            "there are at least two of the rarer outcome per model term), then is shrunk toward "
            "the analysis's overall effect by empirical Bayes (REML random-effects), so small "
            "subgroups borrow strength and large effects in small groups are not taken at face "
            "value. The minimum detectable effect (80 % power, 5 % level) says how large an "
            f"effect today's numbers can detect; the last column gives the quarter in which, on "
            f"the planned trajectory, it reaches {RELEVANT_EFFECT:.0%}. Why this method: "
            "docs/pooling.md.",
        )
    )
    if results.empty:
        return Section(title, [intro, Text(tr(ctx, "Ingen data.", "No data."))])
    trajectory = ctx.config.trajectory_for("participants")
    period = ctx.config.period
    today = ctx.as_of.date()

    def planned(day) -> float:
        return trajectory.expected_share(period, day)

    data = results.copy()
    data["outcome_label"] = data["outcome"].map(lambda o: _outcome_words(ctx, o))
    base = (data["events_level"] + data["events_reference"]) / (
        data["n_level"] + data["n_reference"]
    )
    data["large_enough_by"] = [
        str(q) if q is not None else tr(ctx, "ikke i projektet", "not in the project")
        for q in (
            quarter_detectable(
                n1, n0, p, today=today, quarters=period.quarters, planned_share=planned
            )
            for n1, n0, p in zip(data["n_level"], data["n_reference"], base, strict=True)
        )
    ]
    data.loc[data["precise_enough"].astype(bool), "large_enough_by"] = tr(ctx, "nu", "now")
    for column in ("estimate", "pooled_estimate", "pooled_ci_low", "pooled_ci_high", "mde"):
        data[f"{column}_pp"] = data[column] * 100
    data["contrast"] = (
        data["analysis"].map(lambda a: _analysis_title(ctx, a)) + ": " + _subgroup_label(data)
    )
    counts = ["n_level", "n_reference", "events_level", "events_reference"]
    mask = primary(data, counts, ctx.rule)
    # A small arm's own estimate gives its outcomes away; the pooled one mixes in the others.
    mask["estimate_pp"] = mask["n_level"] | mask["n_reference"]
    mask["mde_pp"] = mask["estimate_pp"]  # the MDE of known rates gives the arm sizes away
    keys = ("analysis", "subgroup", "level", "reference")
    table = PublishedTable(
        name="pooled_subgroup_effects",
        caption=tr(
            ctx,
            "Effekter i undergrupper på gennemførelse og frafald, Firth-penaliseret og samlet "
            "(procentpoint)",
            "Subgroup effects on completion and dropout, Firth-penalised and pooled "
            "(percentage points)",
        ),
        data=data,
        columns=article_columns(
            data,
            (
                "contrast",
                "outcome_label",
                "n_level",
                "n_reference",
                ("estimate_pp", 1),
                ("pooled_estimate_pp", 1),
                ("pooled_ci_low_pp", 1),
                ("pooled_ci_high_pp", 1),
                ("shrinkage", 2),
                ("mde_pp", 1),
                "large_enough_by",
            ),
        ),
        lang=ctx.lang,
        hidden=mask,
        person_counts=tuple(counts),
        keys=keys,
        rule=ctx.rule,
        links=tuple(_pooled_links(ctx, data, keys)),
    )
    items: list = [intro, table]
    for analysis, rows in data.groupby("analysis", sort=False):
        en, da = ANALYSIS_TITLES.get(analysis, (analysis, analysis))
        shown = rows.assign(plot_label=_subgroup_label(rows))
        items.append(
            _named(
                f"pooled_forest_{analysis}",
                forest_plot(
                    shown,
                    title=tr(ctx, f"{da} (samlet)", f"{en} (pooled)"),
                    data_date=ctx.as_of.date(),
                    label="plot_label",
                    estimate="pooled_estimate",
                    low="pooled_ci_low",
                    high="pooled_ci_high",
                    x_label=tr(
                        ctx,
                        "Samlet gennemsnitlig marginal effekt (procentpoint)",
                        "Pooled average marginal effect (percentage points)",
                    ),
                    lang=ctx.lang,
                ),
            )
        )
    return Section(title, items)


def _pooled_links(ctx: ReportContext, data: pd.DataFrame, keys: tuple[str, ...]) -> list:
    """The same arms as section 1's table (where the counts agree) and as each other."""
    name = "pooled_subgroup_effects"
    arms = [(n, n) for n, _ in ARMS]
    links = same_figures(name, data, keys, name, data, keys, arms, match=keys[1:])
    section_1 = ctx.publication.tables.get(SUBGROUP_TABLE) if ctx.publication else None
    if section_1 is not None:
        links += same_figures(
            name,
            data,
            keys,
            SUBGROUP_TABLE,
            section_1.data,
            section_1.keys,
            arms,
            match=keys,
        )
    return links


# --- 7. RKV across the colleges (activity 1) ----------------------------------------------------


def rkv_section(ctx: ReportContext, results: Results | None = None) -> Section:
    """Do the colleges decide the same EUV track for similar people, and did they converge?"""
    title = tr(
        ctx,
        "7. RKV på tværs af skolerne: samme spor for ens personer?",
        "7. RKV across the colleges: the same track for similar people?",
    )
    intro = Text(
        tr(
            ctx,
            "Ordinal logit af det besluttede EUV-spor efter skole og halvår, justeret for "
            "beregnerens vejledende spor, alder, køn og uddannelse. Andelen af variationen der "
            "skyldes skolen, det justerede spormix og enighed med et regelbaseret spor.",
            "Ordinal logit of the decided EUV track (EUV3 < EUV2 < EUV1) on college by "
            "half-year, adjusted for the calculator's advisory track, age band, gender and "
            "prior education. A college's shift is on the latent (log-odds) scale against the "
            "first college; positive means shorter tracks for the same people. The share of "
            "variation due to the college is the latent-scale ICC. The adjusted track mix "
            "predicts every RKV of the half-year as if each college had made it. Agreement is "
            "with a rule-based advisory track (docs/rkv-standardisation.md says which EUV "
            "rules the forms allow).",
        )
    )
    result = _analysis(ctx, results, "rkv_standardisation", article.rkv_standardisation).detail
    if result.status != Status.OK:
        return Section(title, [intro, Text(result.message)])
    effects = result.effects.merge(result.icc, on="period", how="left")
    items: list = [intro]
    items.append(
        PublishedTable(
            name="rkv_college_effects",
            caption=tr(
                ctx,
                "Skolernes forskydning i det besluttede spor (log-odds) og andel af "
                "variationen der skyldes skolen, efter halvår",
                "College shifts in the decided track (log-odds, against the first college) "
                "and the share of variation due to the college, by half-year",
            ),
            data=effects,
            columns=article_columns(
                effects,
                (
                    "period",
                    "college",
                    ("estimate", 2, "Shift", "Forskydning"),
                    ("ci_low", 2),
                    ("ci_high", 2),
                    ("icc", 2),
                ),
            ),
            lang=ctx.lang,
            keys=("period", "college"),
            rule=ctx.rule,
        )
    )
    shifts = effects[~effects["reference"]].assign(
        plot_label=lambda d: d["period"].astype(str) + ": " + d["college"].astype(str)
    )
    items.append(
        _named(
            "rkv_college_shifts",
            forest_plot(
                shifts,
                title=tr(
                    ctx,
                    "Skolernes forskydning i det besluttede EUV-spor, efter halvår",
                    "College shifts in the decided EUV track, by half-year",
                ),
                data_date=ctx.as_of.date(),
                label="plot_label",
                scale=1.0,
                x_label=tr(
                    ctx,
                    "Forskydning (log-odds; > 0: kortere spor)",
                    "Shift on the latent scale (log-odds; > 0: shorter tracks)",
                ),
                lang=ctx.lang,
            ),
        )
    )
    mix = result.mix.copy()
    for column in ("share", "ci_low", "ci_high"):
        mix[f"{column}_pct"] = mix[column] * 100
    items.append(
        PublishedTable(
            name="rkv_adjusted_track_mix",
            caption=tr(
                ctx,
                "Justeret spormix: andelen hver skole ville placere på hvert spor (%)",
                "Adjusted track mix: the share each college would place on each track if it "
                "had made every RKV of the half-year (%)",
            ),
            data=mix,
            columns=article_columns(
                mix,
                (
                    "period",
                    "college",
                    "track",
                    ("share_pct", 1),
                    ("ci_low_pct", 1),
                    ("ci_high_pct", 1),
                ),
            ),
            lang=ctx.lang,
            keys=("period", "college", "track"),
            rule=ctx.rule,
        )
    )
    agreement = result.agreement.copy()
    agreement["share_pct"] = agreement["share"] * 100
    agreement["ci_low_pct"] = agreement["ci_low"] * 100
    agreement["ci_high_pct"] = agreement["ci_high"] * 100
    counts = ["n", "agree"]
    mask = primary(agreement, counts, ctx.rule)
    for column in ("share_pct", "ci_low_pct", "ci_high_pct"):
        mask[column] = mask["n"] | mask["agree"]
    keys = ("college", "half")
    add_report(ctx)
    report = ctx.publication.tables.get(REPORT + "rkv_agreement") if ctx.publication else None
    links = with_and_without("rkv_agreement", agreement, keys, [("n", "agree", "disagree")])
    if report is not None:  # the report's quality section shows the same counts
        links += same_figures(
            "rkv_agreement",
            agreement,
            keys,
            REPORT + "rkv_agreement",
            report.data,
            report.keys,
            [("n", "n"), ("agree", "agree")],
            match=keys,
        )
    items.append(
        PublishedTable(
            name="rkv_agreement",
            caption=tr(
                ctx,
                "Enighed mellem besluttet og regelbaseret vejledende spor, efter skole og halvår",
                "Agreement of the decided track with the rule-based advisory track, by college "
                "and half-year",
            ),
            data=agreement,
            columns=article_columns(
                agreement,
                (
                    "college",
                    "half",
                    ("n", None, "RKVs", "RKV'er"),
                    "agree",
                    ("share_pct", 1, "Agreement (%)", "Enighed"),
                    ("ci_low_pct", 1),
                    ("ci_high_pct", 1),
                ),
            ),
            lang=ctx.lang,
            hidden=mask,
            person_counts=tuple(counts),
            keys=keys,
            rule=ctx.rule,
            links=tuple(links),
            follows=(
                Follows("n", ("share_pct", "ci_low_pct", "ci_high_pct")),
                Follows("agree", ("share_pct", "ci_low_pct", "ci_high_pct")),
            ),
        )
    )
    return Section(title, items)


# --- 6. The context–mechanism–outcome register ---------------------------------------------------


def cmo_section(ctx: ReportContext, results: Results | None = None) -> Section:
    """The researchers' observations beside the results they are linked to.

    ``results`` are the article's analyses by the keys observations link to
    (``run_article_analyses``; run here when not given), so the register says the same
    whichever cells ran before it. An analysis that produced no rows is no evidence."""
    from research.evidence.cmo import cmo_register, link_evidence

    title = tr(
        ctx,
        "6. Kontekst, mekanisme og udfald: forskernes register",
        "6. Context, mechanism and outcome: the researchers' register",
    )
    register = cmo_register(ctx.tables, ctx.lang)
    if register.empty:
        return Section(title, [Text(tr(ctx, "Ingen observationer endnu.", "No observations yet."))])
    if results is None:
        results = run_article_analyses(ctx)
    evidence = {key: result.table.assign(analysis=key) for key, result in results.items()}
    linked = link_evidence(register, evidence)
    status = linked.groupby("observation_id", sort=False)["link_status"].first()
    words = {
        "linked": tr(ctx, "resultat i denne rapport", "result below / in this article"),
        "missing": tr(ctx, "intet sådant resultat endnu", "no such result yet"),
        "unlinked": tr(ctx, "ikke koblet", "not linked"),
    }
    data = register.copy()
    data["evidence"] = data["observation_id"].map(status).map(words)
    table = PublishedTable(
        name="cmo_register",
        caption=tr(ctx, "KMU-observationer", "Context–mechanism–outcome observations"),
        data=data,
        columns=article_columns(
            data,
            (
                "recorded_on",
                "context",
                "mechanism",
                "outcome",
                "status_label",
                "linked_metric",
                "evidence",
            ),
        ),
        lang=ctx.lang,
        keys=("observation_id",),
        rule=ctx.rule,
    )
    return Section(title, [table])


def show_front(ctx: ReportContext) -> None:
    """The evidence notebook's title block: what, which data, which date."""
    from IPython.display import display

    from research.report.kit.formatting import format_date

    title = tr(ctx, "Evidens til artiklen", "Evidence for the article")
    line = tr(
        ctx,
        f"{ctx.config.name}. Data pr. {format_date(ctx.as_of, 'da')}; hele projektet; "
        f"grupper under {ctx.rule.min_cell} personer vises ikke.",
        f"{ctx.config.name}. Data as of {format_date(ctx.as_of, 'en')}; whole programme; "
        f"groups below {ctx.rule.min_cell} persons withheld.",
    )
    data = {"text/html": f"<h1>{title}</h1><p>{line}</p>", "text/markdown": line}
    display(blocks.bundle_with(data, blocks.front(title, [line])), raw=True)


# --- output --------------------------------------------------------------------------------------


def show_article(ctx: ReportContext, section: Section) -> None:
    """Write the section's article files into ``ctx.tables_dir``, then display it (``show``
    also writes the CSVs and clears the figures, so the files come first; a second process
    draws the PDF and PNG files, ``wait_for_figure_files`` waits for them). The article's
    counts are protected jointly with what the quarter's report publishes (``add_report``)."""
    add_report(ctx)
    section = publish_section(ctx, section)
    folder: Path | None = ctx.tables_dir
    if folder is not None:
        for table in section.tables():
            write_table(table, folder)
        for item in section.items:
            if isinstance(item, Figure):
                name = (item.get_gid() or "figure").removeprefix("figure-")
                write_figure(item, name, folder / "figures", figure_writer())
    show(ctx, section, published=True)
