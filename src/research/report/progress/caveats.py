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
from research.report.kit.context import ReportContext
from research.report.kit.formatting import format_date
from research.report.kit.indicator_units import UNITS_DA
from research.report.kit.section import Section, Text
from research.report.kit.section_helpers import tr


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


COUNTING_RULES: tuple[tuple[str, str], ...] = (
    (
        "Påbegyndte løft (måltal 1.000 og 50) tæller dem, der har gennemført eller stadig er i "
        "gang; frafaldne tæller ikke med. Det er ansøgningens læsning: «I projektperioden vil "
        "vi uddanne 500 fra ufaglært til faglært. Yderligere 500 vil starte op på uddannelse "
        "under projektperioden, men de vil først blive færdige efter projektet er afsluttet.» "
        "Alle påbegyndte inkl. frafald vises på linjen under, uden måltal.",
        "Lifts started (targets 1,000 and 50) count those who completed or are still in "
        "training; dropouts do not count. That is the application's reading: “500 from "
        "unskilled to skilled in the period; a further 500 will start but finish after the "
        "project”. All starts including dropouts are shown on the line below, without a "
        "target.",
    ),
    (
        "Ved og efter projektets afslutning sammenlignes det opnåede med selve måltallet, ikke "
        "med det planlagte forløb: et måltal er grønt, når det er nået, ellers rødt.",
        "At and after the project's end, achieved is compared with the target itself, not the "
        "trajectory: a target is green when reached, otherwise red.",
    ),
    (
        "RKV-måltallet (ca. 1.500, «for ca. 1.500 deltagere») tæller personer med en RKV, ikke "
        "RKV-resultater.",
        "The RKV target (about 1,500, “for about 1,500 participants”) counts persons with an "
        "RKV, not RKV results.",
    ),
    (
        "En person er sideeffekt, kun så længe personen ikke er deltager: den, der senere "
        "starter på et løft, flytter ud af sideeffekterne. «Faglærte» sideeffekter er H30/H35; "
        "videregående eller uoplyst uddannelse vises for sig.",
        "A person is a side effect only while not a participant: someone who later starts a "
        "lift moves out of the side effects. “Skilled” side effects are H30/H35; higher or "
        "unknown education is shown apart.",
    ),
    (
        "ESF: CR04/EECR04 (i beskæftigelse ved ophør) tæller kun deltagere, der var ledige "
        "eller uden for arbejdsstyrken ved start, som EU-Kommissionens vejledning gør. "
        "CR03/EECR03 (kvalifikation) tæller gennemførte løft med bevis; gennemførte "
        "forberedende forløb (FVU, AVU, adgangskursus) står i en memopost for sig. Kilden "
        "til hver kode står i esf_indicators.toml.",
        "ESF: CR04/EECR04 (in employment upon leaving) counts only participants unemployed or "
        "inactive at entry, as the Commission's guidance does. CR03/EECR03 (qualification) "
        "counts completed lifts with their certificate; completed preparatory courses (FVU, "
        "AVU, access courses) are in a memo row of their own. Each code's source is in "
        "esf_indicators.toml.",
    ),
    (
        "Virksomhedstragten tæller virksomheder på alle trin; de sidste tre trin er "
        "virksomheder med en medarbejder med RKV, startet eller gennemført, både ad "
        "netværksvejen og ad vejen med besøg en til en (virksomheder uden netværk).",
        "The company funnel counts companies at every step; the last three steps are "
        "companies with an employee assessed, started or completed, along both the network "
        "path and the one-to-one visit path (companies without a network).",
    ),
    (
        "Aktivitet 4's persontragt: rekrutteret → RKV → individuel uddannelsesplan → startet "
        "på løft → gennemført, efter beskæftigelse ved start og partner.",
        "Activity 4's person funnel: recruited → RKV → individual education plan → started a "
        "lift → completed, by employment at entry and partner.",
    ),
    (
        "De lediges tragt: «I job ved ophør» og «I job 6 mdr. efter ophør» er ESF-"
        "indikatorerne CR04 og CR06 for alle, der startede, ikke kun dem, der gennemførte.",
        "The unemployed funnel: “in employment upon leaving” and “six months after leaving” "
        "are the ESF indicators CR04 and CR06 for everyone who entered, not only completers.",
    ),
    (
        "Nu og nogensinde: virksomheder i netværk og ledere og konsulenter i det fælles "
        "koncept vises både som «nu» (på kvartalets sidste dag) og kumuleret (nogensinde med); "
        "måltallet for konsulenter (ca. 25, «som deltager i disse processer») gælder det "
        "kumulerede tal.",
        "Now and ever: companies in networks and leaders and consultants in the shared concept "
        "are shown both “now” (on the quarter's last day) and cumulatively (ever joined); the "
        "consultant target (about 25, “who take part in these processes”) applies to the "
        "cumulative figure.",
    ),
    (
        "Jobcentre: tabellen tæller deltagere rekrutteret via hvert jobcenter "
        "(rekrutteringsvejen på startskemaet), ikke alle ledige efter bopælskommune.",
        "Job centres: the table counts participants recruited through each job centre (the "
        "route on the start form), not all unemployed by municipality of residence.",
    ),
)
"""The ten counting rules of issue 10 §2, in Danish and English, in the application's words."""


def counting_rules(ctx: ReportContext) -> Text:
    """What the counts mean where the application or the ESF rules left a choice."""
    return Text(
        tr(ctx, "Sådan tælles der.", "How things are counted."),
        tuple(tr(ctx, da, en) for da, en in COUNTING_RULES),
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
    """Section 9: scope, dates and models, disclosure rule, counting rules, definitions, ESF."""
    title = tr(ctx, "9. Forudsætninger og forbehold", "9. Assumptions and caveats")
    items = [
        scope(ctx),
        dates_and_models(ctx),
        disclosure(ctx),
        counting_rules(ctx),
        definitions(ctx),
        esf_caveat(ctx),
    ]
    return Section(title, list(items))
