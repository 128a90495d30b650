"""The seminar deck: a few big numbers, two charts and the action researchers' success stories.

Why a module: ``notebooks/seminar.ipynb`` stays a list of ``show_slide(...)`` calls, and the
choices a public audience depends on are tested here: every person count goes through the same
chain suppression as the quarterly report (``kit.quarter.targets.protected_series``), so the deck
never shows a number the report withholds, and no count below ``ctx.rule.min_cell`` ever
appears; the stories are the researchers' own text, with participant ids and CPR-like strings
removed.

Each slide's heading output also carries the whole slide as a block (``blocks.BLOCK_MIME``):
its title, its items and its speaker notes (definitions and the data date), from which
``runner.deck`` builds the editable PowerPoint deck, so the deck shows exactly these numbers.

Slides are made for Quarto revealjs and still read as a page in nbconvert: each slide is a
markdown ``##`` heading (a cell with ``#| output: asis`` puts it into the document as a real
heading, so it starts a slide) followed by HTML or markdown content.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from research.domain.identifiers import mask_cpr_shaped
from research.report.kit import blocks
from research.report.kit.charts import Figure, cumulative_progress_chart, figure_html, funnel_chart
from research.report.kit.formatting import format_date, format_number, format_percent
from research.report.kit.labels import label as word
from research.report.kit.labels import tr
from research.report.kit.markdown import escape_markdown
from research.report.kit.publish import PublishedTable

if TYPE_CHECKING:
    from research.report.kit.context import ReportContext

HEADLINE_KEYS: tuple[str, ...] = ("participants", "skilled_completed", "academy_completed")
"""Progress in three numbers: participants, and lifts completed to skilled (EUV) and to academy
level (AU), each against its target."""
NOTE_KEYS: tuple[str, ...] = ("skilled_started", "academy_started", "companies_in_networks")
"""The numbers behind the three, said in the speaker notes rather than shown."""
CHART_KEY = "participants"
STORY_LIMIT = 3
WITHHELD = ".."
_PARTICIPANT_ID = re.compile(r"\bP[0-9a-f]{32}\b")
_REDACTED = "[…]"


# --- what a slide is ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Markdown:
    """Markdown only: Quarto puts it into the document as it stands (headings start slides)."""

    text: str
    block: dict[str, Any] | None = field(default=None, compare=False)

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:  # the text/plain fallback: readable, and no second copy
        return self.text


@dataclass(frozen=True)
class Html:
    """HTML for revealjs and nbconvert, with a markdown fallback for other Quarto formats."""

    html: str
    markdown: str
    block: dict[str, Any] | None = field(default=None, compare=False)

    def _repr_html_(self) -> str:
        return self.html

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:  # the text/plain fallback: no second copy of an embedded image
        return self.markdown


@dataclass(frozen=True)
class Slide:
    """One slide: a heading (level 1 is a section title slide) and what is shown under it."""

    title: str
    items: tuple[Any, ...] = ()
    level: int = 2
    notes: str = ""  # speaker notes: definitions, the data date

    def heading(self) -> Markdown:
        return Markdown(f"{'#' * self.level} {escape_markdown(self.title)}")

    def block(self) -> dict[str, Any]:
        """The whole slide as data, for the PowerPoint deck."""
        items = [getattr(i, "block", None) for i in self.items]
        return {
            "kind": "slide",
            "title": self.title,
            "level": self.level,
            "items": [
                b if b else blocks.paragraph(getattr(i, "markdown", getattr(i, "text", "")))
                for i, b in zip(self.items, items, strict=True)
            ],
            "notes": self.notes,
        }


def figure_view(fig: Figure) -> Html:
    """A finished figure as an embedded image with its alt text; the figure is then freed."""
    from research.report.kit.charts import figure_png

    png = figure_png(fig)
    img = figure_html(fig, png=png)
    alt = getattr(fig, "alt_text", "") or ""
    block = blocks.figure(fig, png=png, svg=False)  # the deck reads the PNG: one render
    fig.clear()
    return Html(f'<figure class="research-figure">{img}</figure>', escape_markdown(alt), block)


def show_slide(slide: Slide) -> None:
    """Display the heading and then each item, as separate outputs (the heading stays markdown)."""
    from IPython.display import display

    heading = slide.heading()
    display({"text/markdown": heading.text, blocks.BLOCK_MIME: slide.block()}, raw=True)
    for item in slide.items:
        display(item)


def show_slides(slides: Iterable[Slide]) -> None:
    """Several slides from one cell (the stories)."""
    for slide in slides:
        show_slide(slide)


# --- the big numbers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """One big number; ``value`` is None when disclosure control withholds it."""

    key: str
    label: str
    value: int | None
    target: float | None
    counts_persons: bool

    def shown(self, lang: str) -> str:
        return WITHHELD if self.value is None else format_number(self.value, lang)

    def against_target(self, lang: str) -> str:
        """'af måltal 2.000 (62 %)', or '' without a target or when the value is withheld."""
        if self.target is None or self.value is None or not self.target:
            return ""
        share = format_percent(self.value / self.target, lang, 0)
        return word("of_target", lang).format(target=format_number(self.target, lang), share=share)


def _indicator_labels(lang: str) -> dict[str, str]:
    from research.metrics.progress import INDICATORS

    return {i.key: (i.label_da if lang == "da" else i.label_en) for i in INDICATORS}


def report_tables(ctx: ReportContext) -> dict[str, PublishedTable]:
    """The report's sections 1-3 as its publication protects them.

    The deck runs in its own kernel, so it admits the same sections in the same order to its
    own publication: the joint protection is deterministic, so the deck withholds exactly what
    the report withholds (``research audit`` checks that it does).
    """
    from research.report.kit.quarter.funnels import funnels
    from research.report.kit.quarter.targets import SERIES, progress_over_time, progress_summary
    from research.report.kit.section import publish_section

    publication = ctx.publication
    if publication is None or publication.min_cell != ctx.rule.min_cell:
        from research.report.kit.publication import Publication

        publication = Publication(ctx.rule.min_cell)
        ctx = replace(ctx, publication=publication)
    if SERIES not in publication.tables:
        for build in (progress_summary, progress_over_time, funnels):
            publish_section(ctx, build(ctx), draw=False)
    return dict(publication.tables)


def seminar_series(ctx: ReportContext) -> pd.DataFrame:
    """The report's protected progress series (as sections 1 and 2 publish it)."""
    from research.report.kit.quarter.targets import SERIES, protected_series

    series = protected_series(ctx)
    mask = report_tables(ctx)[SERIES]._mask()
    return series.assign(
        cumulative_hidden=mask["cumulative"].to_numpy(bool),
        new_hidden=mask["new"].to_numpy(bool),
    )


def headline_numbers(
    ctx: ReportContext,
    series: pd.DataFrame | None = None,
    keys: Sequence[str] = HEADLINE_KEYS,
) -> list[Headline]:
    """The headline indicators at the end of the report's quarter, protected for disclosure.

    A person count is withheld when the report's chain suppression hides it, and in any case
    when it is a sensitive count under ``ctx.rule``. Targets are the programme's, so a partner's
    deck shows its numbers without them.
    """
    from research.report.kit.quarter.targets import PERSON_INDICATORS

    series = seminar_series(ctx) if series is None else series
    now = series[series["quarter"] == str(ctx.quarter)].set_index("indicator")
    labels = _indicator_labels(ctx.lang)
    out = []
    for key in keys:
        if key not in now.index:
            continue
        row = now.loc[key]
        persons = key in PERSON_INDICATORS
        value: int | None = int(row["cumulative"])
        if persons and (bool(row["cumulative_hidden"]) or ctx.rule.is_sensitive(value)):
            value = None
        target = ctx.config.targets.get(key)
        out.append(
            Headline(
                key=key,
                label=labels.get(key, key),
                value=value,
                target=float(target.value) if target and not ctx.partner else None,
                counts_persons=persons,
            )
        )
    return out


DECK_TABLE = "deck_numbers"


def deck_numbers(ctx: ReportContext, series: pd.DataFrame | None = None) -> PublishedTable:
    """Every number the deck shows (headlines and the company funnel's steps) as a table that
    says which report cell each one is, so ``research audit`` checks the deck with the report."""
    from research.report.kit.formatting import ColumnFormat
    from research.report.kit.links import Ref, same
    from research.report.kit.quarter.targets import summary_name

    series = seminar_series(ctx) if series is None else series
    now = series[series["quarter"] == str(ctx.quarter)].set_index("indicator")
    rows, links = [], []
    report = f"../{TABLES_FOLDER}/"
    protected = report_tables(ctx)
    for h in headline_numbers(ctx, series):
        key = f"headline/{h.key}"
        rows.append(
            (key, h.label, int(now.at[h.key, "cumulative"]), h.value is None, h.counts_persons)
        )
        if h.counts_persons:
            links.append(
                same(
                    Ref(DECK_TABLE, key, "value"),
                    Ref(report + summary_name(ctx), h.key, "achieved"),
                    name=f"deck {h.key} = report",
                )
            )
    funnel = protected.get("funnel_companies")
    if funnel is not None:
        mask = funnel._mask()["n"].to_numpy(bool)
        for i, row in funnel.data.reset_index(drop=True).iterrows():
            key = f"funnel/{row['key']}"
            rows.append(
                (key, str(row["label"]), int(row["n"]), bool(mask[i]), bool(row["counts_persons"]))
            )
            if row["counts_persons"]:
                links.append(
                    same(
                        Ref(DECK_TABLE, key, "value"),
                        Ref(report + "funnel_companies", str(row["key"]), "n"),
                        name=f"deck funnel {row['key']} = report",
                    )
                )
    data = pd.DataFrame(rows, columns=["key", "label", "value", "hidden", "counts_persons"])
    data["value"] = data["value"].astype("Int64")
    hidden = pd.DataFrame(False, index=data.index, columns=data.columns)
    hidden["value"] = data["hidden"].to_numpy(bool)
    return PublishedTable(
        name=DECK_TABLE,
        caption="The seminar deck's numbers",
        data=data,
        columns={"label": ColumnFormat("text"), "value": ColumnFormat("number")},
        lang=ctx.lang,
        hidden=hidden,
        person_counts=("value",),
        person_rows="counts_persons",
        keys=("key",),
        links=tuple(links),
        rule=ctx.rule,
        # a deck number is its report cell: where the report's table may withhold a 0, a
        # reader may not assume the deck's withheld twin holds 1 or more either
        withholds_zeros=any(
            t is not None and t.withholds_zeros for t in (protected.get(summary_name(ctx)), funnel)
        ),
    )


TABLES_FOLDER = "tables"  # the report's tables, one level up from the deck's own folder


def write_deck_numbers(ctx: ReportContext, series: pd.DataFrame | None = None) -> None:
    """Write ``deck_numbers.csv`` and its ``publication.json`` into ``ctx.tables_dir``."""
    if ctx.tables_dir is None:
        return
    from research.report.kit.publication import Publication

    deck = Publication(ctx.rule.min_cell)
    for table in deck.admit([deck_numbers(ctx, series)]):
        table.write_csv(ctx.tables_dir)
    deck.write(ctx.tables_dir)


def headline_view(headlines: Sequence[Headline], ctx: ReportContext) -> Html:
    """Big numbers in a grid (HTML) and as a list (markdown), with the suppression note."""
    lang = ctx.lang
    cells, lines = [], []
    for h in headlines:
        sub = h.against_target(lang)
        cells.append(
            '<div class="headline">'
            f'<div style="font-size:2.2em;font-weight:700;line-height:1.1">'
            f"{html.escape(h.shown(lang))}</div>"
            f"<div>{html.escape(h.label)}</div>"
            + (f'<div style="font-size:0.7em;color:#333">{html.escape(sub)}</div>' if sub else "")
            + "</div>"
        )
        tail = f" – {escape_markdown(sub)}" if sub else ""
        lines.append(f"- **{escape_markdown(h.shown(lang))}** {escape_markdown(h.label)}{tail}")
    note = ""
    if any(h.value is None for h in headlines):
        note = word("suppressed_note", lang).format(min_cell=ctx.rule.min_cell)
    block = {
        "kind": "numbers",
        "numbers": [
            {"value": h.shown(lang), "label": h.label, "sub": h.against_target(lang)}
            for h in headlines
        ],
        "note": note,
    }
    grid = (
        '<div class="headline-numbers" style="display:grid;'
        'grid-template-columns:repeat(3,minmax(0,1fr));gap:0.8em 1.2em">'
        + "".join(cells)
        + "</div>"
    )
    if note:
        grid += f'<p style="font-size:0.6em">{html.escape(note)}</p>'
        lines.append(f"\n{escape_markdown(note)}")
    return Html(grid, "\n".join(lines), block)


# --- the charts ---------------------------------------------------------------------------------


def progress_chart(ctx: ReportContext, series: pd.DataFrame, key: str = CHART_KEY) -> Figure:
    """One indicator's cumulative progress against plan and target, sized for a slide.

    Withheld quarters are not drawn (as in the report). A partner's deck shows no programme
    plan or target, which would not be the partner's own.
    """
    rows = series[series["indicator"] == key].copy()
    hidden_rows = rows["cumulative_hidden"].astype(bool)
    rows["cumulative"] = rows["cumulative"].astype(object).where(~hidden_rows, None)
    target_spec = ctx.config.targets.get(key)
    target = float(target_spec.value) if target_spec and not ctx.partner else None
    if ctx.partner:
        rows["planned"] = np.nan
    name = _indicator_labels(ctx.lang).get(key, key)
    now = rows[rows["quarter"] == str(ctx.quarter)]
    hidden = now.empty or bool(now["cumulative_hidden"].iloc[0])
    if hidden:
        title = f"{name}: {word('too_few_to_show', ctx.lang)}"
    elif target is None:
        title = f"{name}: {format_number(now['cumulative'].iloc[0], ctx.lang)}"
    else:
        title = word("chart_of_target", ctx.lang).format(
            label=name,
            achieved=format_number(now["cumulative"].iloc[0], ctx.lang),
            target=format_number(target, ctx.lang),
        )
    return cumulative_progress_chart(
        rows,
        key,
        name,
        target,
        None,
        None,
        ctx.lang,
        title=title,
        data_date=ctx.as_of.date(),
        project_end=ctx.config.period.end,
    )


def company_funnel_chart(ctx: ReportContext) -> Figure:
    """The company funnel from first contact to employees completing a lift.

    Drawn from the report's own protected funnel table (``kit.quarter.funnels``, admitted to the
    publication): the steps that stand for persons show ``..`` wherever the report withholds
    them, so the deck never shows a step the table hides (it once drew them raw).
    """
    from research.report.kit.section_helpers import shown_or_marker

    table = report_tables(ctx).get("funnel_companies")
    if table is None:  # no company contacted yet
        from research.metrics.funnels import company_funnel

        frame = company_funnel(ctx.tables, ctx.as_of)
        hidden = pd.Series(False, index=frame.index)
    else:
        frame = table.data.copy()
        hidden = table._mask()["n"].astype(bool)
        conversion_hidden = table._mask()["conversion"].to_numpy(bool)
        frame["conversion"] = frame["conversion"].astype(object).where(~conversion_hidden, None)
    counts = frame.set_index("key")["n"].where(~hidden.to_numpy(), None)

    def shown(key: str) -> str:
        value = counts.get(key, 0)
        return WITHHELD if value is None or pd.isna(value) else format_number(value, ctx.lang)

    title = word("funnel_finding", ctx.lang).format(
        contacted=shown("contacted"), started=shown("employees_started")
    )
    frame = frame.assign(n=shown_or_marker(frame["n"], hidden))
    return funnel_chart(frame, ctx.lang, title=title, data_date=ctx.as_of.date())


# --- the success stories ------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One supported context–mechanism–outcome observation, already cleaned for showing."""

    context: str
    resource: str
    reasoning: str
    outcome: str
    recorded_on: date
    network_id: str | None = field(default=None, compare=False)


def redact(text: Any, known_ids: Iterable[str] = ()) -> str:
    """The text without participant ids (known ones and the pseudonym pattern) or CPR-like
    numbers: a story is written by a researcher and could quote one by mistake."""
    out = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    for pid in known_ids:
        if pid and pid in out:
            out = out.replace(pid, _REDACTED)
    out = _PARTICIPANT_ID.sub(_REDACTED, out)
    return mask_cpr_shaped(out, _REDACTED)


def _known_ids(ctx: ReportContext) -> set[str]:
    tables = ctx.programme_tables or ctx.tables
    people = tables.get("participants")
    if people is None or "participant_id" not in people.columns:
        return set()
    return {str(p) for p in people["participant_id"].dropna()}


def success_stories(ctx: ReportContext, limit: int = STORY_LIMIT) -> list[Story]:
    """The latest observations with status "supported", recorded by the end of the quarter.

    Only context, mechanism and outcome are shown: the researcher and the source (which may
    name an interviewee) stay in the register.
    """
    register = ctx.tables.get("cmo_observations")
    if register is None or register.empty:
        return []
    register = register.reset_index(drop=True)
    recorded = pd.to_datetime(register["recorded_on"])
    chosen = register[
        (register["status"].astype(str) == "supported") & (recorded <= ctx.as_of)
    ].assign(_recorded=recorded)
    chosen = chosen.sort_values(["_recorded", "observation_id"], ascending=[False, True])
    ids = _known_ids(ctx)
    return [
        Story(
            context=redact(row["context"], ids),
            resource=redact(row["mechanism_resource"], ids),
            reasoning=redact(row["mechanism_reasoning"], ids),
            outcome=redact(row["outcome"], ids),
            recorded_on=row["_recorded"].date(),
            network_id=None if pd.isna(row.get("network_id")) else str(row["network_id"]),
        )
        for _, row in chosen.head(limit).iterrows()
    ]


def story_view(story: Story, lang: str) -> Markdown:
    """Context, mechanism (resource – reasoning) and outcome as a short list."""
    e = escape_markdown
    lines = [
        f"- **{word('cmo_context', lang)}:** {e(story.context)}",
        f"- **{word('cmo_mechanism', lang)}:** {e(story.resource)} – {e(story.reasoning)}",
        f"- **{word('cmo_outcome', lang)}:** {e(story.outcome)}",
        "",
        e(word("story_recorded", lang).format(date=format_date(story.recorded_on, lang))),
    ]
    recorded = word("story_recorded", lang).format(date=format_date(story.recorded_on, lang))
    if lang != "da":
        lines[-1] += " " + e(word("stories_in_danish", lang))
        recorded += " " + word("stories_in_danish", lang)
    block = {
        "kind": "story",
        "rows": [
            [word("cmo_context", lang), story.context],
            [word("cmo_mechanism", lang), f"{story.resource} – {story.reasoning}"],
            [word("cmo_outcome", lang), story.outcome],
        ],
        "recorded": recorded,
    }
    return Markdown("\n".join(lines), block)


# --- the slides ---------------------------------------------------------------------------------


def speaker_notes(ctx: ReportContext, *lines: str) -> str:
    """The notes under a slide: what it says, then the data date and the disclosure rule."""
    when = format_date(ctx.as_of, ctx.lang, "long")
    tail = tr(
        ctx,
        f"Data pr. {when}. Antal under {ctx.rule.min_cell} personer vises som «{WITHHELD}».",
        f"Data as of {when}. Counts below {ctx.rule.min_cell} persons show as “{WITHHELD}”.",
    )
    return "\n".join([*(line for line in lines if line), tail])


def definition(ctx: ReportContext, key: str) -> str:
    """'Deltagere i alt: personer, én gang, …' — what an indicator counts, in the deck's words."""
    from research.metrics.progress import INDICATORS
    from research.report.kit.indicator_units import UNITS_DA

    for indicator in INDICATORS:
        if indicator.key == key:
            if ctx.lang == "da":
                return f"{indicator.label_da}: {UNITS_DA.get(key, indicator.unit)}."
            return f"{indicator.label_en}: {indicator.unit}."
    return ""


def title_slide(ctx: ReportContext) -> Slide:
    """The opening section slide: which quarter, and the data date."""
    quarter = ctx.quarter.label(ctx.lang)
    title = word("seminar_title", ctx.lang).format(quarter=quarter)
    if ctx.partner:
        title += f" – {ctx.partner_name or ctx.partner}"
    subtitle = word("seminar_subtitle", ctx.lang).format(date=format_date(ctx.as_of, ctx.lang))
    notes = speaker_notes(
        ctx,
        tr(
            ctx,
            "Tallene er de samme som i kvartalsrapporten for kvartalet og har været gennem "
            "samme diskretionering.",
            "The numbers are those of the quarter's progress report, under the same disclosure "
            "control.",
        ),
    )
    return Slide(title, (Markdown(escape_markdown(subtitle)),), level=1, notes=notes)


def headline_slide(ctx: ReportContext, series: pd.DataFrame | None = None) -> Slide:
    """Progress in three numbers; the numbers behind them and the definitions in the notes."""
    series = seminar_series(ctx) if series is None else series
    shown = headline_numbers(ctx, series)
    behind = headline_numbers(ctx, series, NOTE_KEYS)
    lines = [definition(ctx, h.key) for h in shown]
    lines += [
        f"{h.label}: {h.shown(ctx.lang)}"
        + (f" ({h.against_target(ctx.lang)})" if h.against_target(ctx.lang) else "")
        for h in behind
    ]
    notes = speaker_notes(ctx, *lines)
    return Slide(word("headline_title", ctx.lang), (headline_view(shown, ctx),), notes=notes)


def progress_slide(ctx: ReportContext, series: pd.DataFrame | None = None) -> Slide:
    series = seminar_series(ctx) if series is None else series
    notes = speaker_notes(
        ctx,
        definition(ctx, CHART_KEY),
        tr(
            ctx,
            "Fuld linje: opnået; stiplet: det planlagte forløb fra ansøgningen; ved slutningen: "
            "måltallet og prognosen med 95 %-interval.",
            "Solid line: achieved; dashed: the planned path from the application; at the end: "
            "the target and the forecast with its 95% interval.",
        ),
    )
    return Slide(
        word("progress_slide_title", ctx.lang),
        (figure_view(progress_chart(ctx, series)),),
        notes=notes,
    )


def funnel_slide(ctx: ReportContext) -> Slide:
    notes = speaker_notes(
        ctx,
        tr(
            ctx,
            "Trappen tæller virksomheder, ikke personer, fra projektets første kontakt til "
            "medarbejdere, der er startet på et løft; hvert trin er en delmængde af det forrige.",
            "The funnel counts companies, not persons, from the programme's first contact to "
            "employees who started a lift; each step is a subset of the one before.",
        ),
    )
    return Slide(
        word("funnel_slide_title", ctx.lang), (figure_view(company_funnel_chart(ctx)),), notes=notes
    )


def story_slides(ctx: ReportContext, limit: int = STORY_LIMIT) -> list[Slide]:
    """One slide per story, newest first; one slide saying so when there is none yet."""
    stories = success_stories(ctx, limit)
    heading = word("stories_title", ctx.lang)
    notes = speaker_notes(
        ctx,
        tr(
            ctx,
            "Kontekst–mekanisme–udfald: i hvilken situation (kontekst) satte projektets tilbud "
            "(ressource) noget i gang hos deltagerne eller virksomheden (ræsonnement), og hvad "
            "kom der ud af det (udfald). Kun observationer, forskerne har vurderet som "
            "understøttede, vises; forsker og kilde står i registret.",
            "Context–mechanism–outcome: in which situation (context) the programme's offer "
            "(resource) set something going in participants or companies (reasoning), and what "
            "came of it (outcome). Only observations the researchers rated as supported are "
            "shown; researcher and source stay in the register.",
        ),
    )
    if not stories:
        none = Markdown(escape_markdown(word("stories_none", ctx.lang)))
        return [Slide(heading, (none,), notes=notes)]
    if len(stories) == 1:
        return [Slide(heading, (story_view(stories[0], ctx.lang),), notes=notes)]
    n = len(stories)
    return [
        Slide(f"{heading} ({i}/{n})", (story_view(s, ctx.lang),), notes=notes)
        for i, s in enumerate(stories, start=1)
    ]
