"""Section 9: the assumptions-and-caveats box — what every figure means and what it cannot say.

Why a section of its own: the project manager forwards the report, and a reader who sees only
one table must still be able to find the definitions, the disclosure rule, the data date, the
forecast model and the report's scope in one place.
"""

from __future__ import annotations

from research.metrics.disclosure import MARKER
from research.metrics.progress import INDICATORS
from research.metrics.timeliness import DAYS_AFTER_EXIT
from research.quality import DEFAULT_GRACE_DAYS
from research.report.context import ReportContext
from research.report.formatting import format_date
from research.report.sections.base import Section, Text
from research.report.sections.helpers import tr

UNITS_DA: dict[str, str] = {
    "participants": "personer, én gang, fra deres første start på et løft eller et "
    "forberedende forløb (ESF-reglen)",
    "participants_employed": "deltagere, der var beskæftigede eller selvstændige ved første start",
    "participants_unemployed": "deltagere, der var ledige (inkl. langtidsledige) ved første start",
    "rkv": "RKV-resultater af alle typer, på den dag vurderingen sluttede",
    "skilled_started": "personer med et påbegyndt forløb med løft til faglært som formål, ved "
    "første start",
    "skilled_completed": "personer, der har gennemført et forløb med løft til faglært med "
    "bevis, ved ophør",
    "academy_started": "personer med et påbegyndt forløb på akademiniveau, ved første start",
    "academy_completed": "personer, der har gennemført et forløb på akademiniveau, ved ophør",
    "consultants": "ledere og konsulenter, der er med i det fælles koncept, fra den dag de kom med",
    "companies_contacted": "forskellige virksomheder, ved projektets første kontakt",
    "networks": "netværk, på den dag de blev etableret",
    "companies_in_networks": "forskellige virksomheder, den dag de første gang kom i et netværk",
    "ws1_held": "WS1-workshops, på den dag de blev holdt",
    "ws2_held": "WS2-workshops, på den dag de blev holdt",
    "survey_responses": "virksomheders besvarelser, på den dag de svarede",
    "competence_plans": "forskellige virksomheder, ved deres første plan",
    "side_effect_unskilled": "ufaglærte personer med et kursus som sideeffekt, ved det første "
    "(tæller ikke med i måltal)",
    "side_effect_skilled": "faglærte personer med et kursus som sideeffekt, ved det første "
    "(tæller ikke med i måltal)",
}
"""Danish wording of each ``INDICATORS[i].unit`` (kept here so the metrics stay English)."""


def definitions(ctx: ReportContext) -> Text:
    """Every indicator of the progress table with what it counts, and on which day."""
    items = []
    for indicator in INDICATORS:
        if ctx.lang == "da":
            items.append(f"{indicator.label_da}: {UNITS_DA.get(indicator.key, indicator.unit)}.")
        else:
            items.append(f"{indicator.label_en}: {indicator.unit}.")
    lead = tr(
        ctx,
        "Definitioner. Hver indikator tælles på én dato pr. enhed; kumuleret = antal datoer til "
        "og med kvartalets sidste dag.",
        "Definitions. Each indicator counts one date per unit; cumulative = the number of dates "
        "up to the quarter's last day.",
    )
    return Text(lead, tuple(items), kind="caveat")


def disclosure(ctx: ReportContext) -> Text:
    n = ctx.rule.min_cell
    return Text(
        tr(
            ctx,
            "Diskretionering.",
            "Disclosure control.",
        ),
        (
            tr(
                ctx,
                f"Antal fra 1 til {n - 1} personer vises som «{MARKER}», og andre celler "
                "skjules på samme måde, hvis de ellers ville lade et skjult tal regne ud. Andele "
                "og gennemsnit skjules sammen med deres tal.",
                f"Counts of 1 to {n - 1} persons show as “{MARKER}”, and other cells are hidden "
                "the same way when they would otherwise let a hidden count be worked out. Shares "
                "and means are hidden with their counts.",
            ),
            tr(
                ctx,
                "Kumulerede serier og tragte er kæder: et punkt vises kun, når afstanden til "
                f"det forrige viste punkt er 0 eller mindst {n}, så ingen forskel afslører "
                "færre personer.",
                "Cumulative series and funnels are chains: a point is shown only when its "
                f"distance to the previous shown point is 0 or at least {n}, so no difference "
                "reveals fewer persons.",
            ),
            tr(
                ctx,
                "Virksomheder, besøg og kontakter er ikke personer og vises, men gennemsnit og "
                f"andele, der hviler på færre end {n} virksomheder eller besvarelser, vises ikke.",
                "Companies, visits and contacts are not persons and are shown, but means and "
                f"shares resting on fewer than {n} companies or responses are withheld.",
            ),
        ),
        kind="caveat",
    )


def dates_and_models(ctx: ReportContext) -> Text:
    as_of = format_date(ctx.as_of, ctx.lang)
    data = format_date(ctx.data_date, ctx.lang)
    quarter = ctx.quarter.label(ctx.lang)
    return Text(
        tr(ctx, "Datoer og modeller.", "Dates and models."),
        (
            tr(
                ctx,
                f"Rapporten gælder {quarter}; alle tal er opgjort pr. {as_of}. Seneste "
                f"registrering i databasen er fra {data}.",
                f"The report covers {quarter}; every figure is read as of {as_of}. The latest "
                f"record in the database is from {data}.",
            ),
            tr(
                ctx,
                "Prognosen er en kvasi-Poisson-model, hvor hvert kvartals tilgang er det "
                "planlagte forløb ganget med et estimeret tempo; resten af projektet "
                "fremskrives i samme tempo med et 95 %-interval, der rummer både tempoets "
                "usikkerhed og de kommende tals tilfældighed.",
                "The forecast is a quasi-Poisson model in which each quarter's gain is the "
                "planned trajectory times an estimated pace; the rest of the project is "
                "projected at that pace with a 95% interval that holds both the pace's "
                "uncertainty and the randomness of the counts to come.",
            ),
            tr(
                ctx,
                "Skemaernes rettidighed: databasen kender ikke modtagelsesdatoen, så den "
                "aflæses som tilstanden ved kvartalets udgang: et ophørsskema er ufuldstændigt, "
                f"hvis det mangler oplysninger {DAYS_AFTER_EXIT} dage efter ophør, og mangler "
                f"helt {DEFAULT_GRACE_DAYS} dage efter forventet slut. Et gammelt kvartal, der "
                "laves igen, bruger skemaer, der kan være kommet senere.",
                "Form timeliness: the database has no date of receipt, so it is read as the "
                "state at the end of the quarter: a stop form is incomplete when details are "
                f"missing {DAYS_AFTER_EXIT} days after the exit, and overdue "
                f"{DEFAULT_GRACE_DAYS} days after the expected end. A past quarter made again "
                "uses forms that may have arrived later.",
            ),
        ),
        kind="caveat",
    )


def esf_caveat(ctx: ReportContext) -> Text:
    return Text(
        tr(
            ctx,
            "ESF-indikatorer: flere koder og ordlyde er ikke verificeret i en officiel kilde; "
            "de er markeret med * i tabellerne. Indikatorer, vi ikke har data til, vises som "
            "«ikke indsamlet» og skønnes aldrig.",
            "ESF indicators: several codes and wordings are not verified in an official source; "
            "they are marked * in the tables. Indicators we have no data for are shown as "
            "“not collected” and never estimated.",
        ),
        kind="caveat",
    )


def scope(ctx: ReportContext) -> Text:
    if not ctx.partner:
        return Text(
            tr(
                ctx,
                "Rapporten dækker hele projektet.",
                "The report covers the whole programme.",
            ),
            kind="caveat",
        )
    name = ctx.partner_name or ctx.partner
    return Text(
        tr(
            ctx,
            f"Partnerrapport for {name}: partnerens egne forløb, RKV'er og uddannelsesplaner, "
            "dens netværk (med workshops, survey og beslutninger) og dens konsulenters "
            "kontakter; virksomheder og deltagere, som disse rækker peger på, er med. Andre "
            "institutioners kontakter med partnerens virksomheder er med, fordi koordination "
            "handler om alle, der banker på samme dør.",
            f"Partner report for {name}: the partner's own enrolments, RKVs and education plans, "
            "its networks (with their workshops, surveys and decisions) and its consultants' "
            "contacts; companies and participants these rows point at are included. Other "
            "institutions' contacts with the partner's companies are included, because "
            "coordination is about everyone who knocks on the same door.",
        ),
        kind="caveat",
    )


def caveats(ctx: ReportContext) -> Section:
    """Section 9: definitions, disclosure rule, dates and models, scope and ESF caveat."""
    title = tr(ctx, "9. Forudsætninger og forbehold", "9. Assumptions and caveats")
    items = [
        scope(ctx),
        dates_and_models(ctx),
        disclosure(ctx),
        definitions(ctx),
        esf_caveat(ctx),
    ]
    return Section(title, list(items))
