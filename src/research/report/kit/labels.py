"""The report's recurring words in Danish and English, kept in one place so they never drift.

Danish is the default: the project manager and the funder read the reports in Danish. Entries
with ``{placeholders}`` are templates for ``str.format``.
"""

from __future__ import annotations

from typing import Literal, Protocol

Lang = Literal["da", "en"]
LANGS: tuple[str, ...] = ("da", "en")


class _HasLang(Protocol):
    lang: str


def tr(ctx: _HasLang, da: str, en: str) -> str:
    """The Danish or the English text, by the report's language: the one translation helper
    of every product (Danish first, as the reports are Danish by default)."""
    return da if ctx.lang == "da" else en


LABELS: dict[str, dict[str, str]] = {
    # Column headers and table words
    "indicator": {"da": "Indikator", "en": "Indicator"},
    "target": {"da": "Måltal", "en": "Target"},
    "achieved": {"da": "Opnået", "en": "Achieved"},
    "new_in_quarter": {"da": "Nye i kvartalet", "en": "New this quarter"},
    "previous": {"da": "Forrige kvartal", "en": "Previous quarter"},
    "change": {"da": "Ændring", "en": "Change"},
    "expected": {"da": "Forventet nu", "en": "Expected by now"},
    "planned": {"da": "Planlagt forløb", "en": "Planned trajectory"},
    "cumulative": {"da": "kumuleret", "en": "cumulative"},
    "forecast": {"da": "Prognose", "en": "Forecast"},
    "forecast_interval": {"da": "Prognose (95 %-interval)", "en": "Forecast (95% interval)"},
    "p_reach_target": {
        "da": "Sandsynlighed for at nå måltal",
        "en": "Probability of reaching the target",
    },
    "share_of_target": {"da": "Andel af mål", "en": "Share of target"},
    "share_of_expected": {"da": "Andel af forventet", "en": "Share of expected"},
    "status": {"da": "Status", "en": "Status"},
    "quarter": {"da": "Kvartal", "en": "Quarter"},
    "source": {"da": "Kilde", "en": "Source"},
    "data_date": {"da": "Dataopgørelse", "en": "Data date"},
    "data_as_of": {"da": "data pr.", "en": "data as of"},
    "project_end": {"da": "Projektets afslutning", "en": "End of the project"},
    "count": {"da": "Antal", "en": "Count"},
    "share": {"da": "Andel", "en": "Share"},
    "step": {"da": "Trin", "en": "Step"},
    "conversion": {"da": "Videre fra forrige trin", "en": "Conversion from previous step"},
    "of_previous_step": {"da": "af forrige trin", "en": "of previous step"},
    "subject_area": {"da": "Fagområde", "en": "Subject area"},
    "current_level": {"da": "Nuværende niveau (gns.)", "en": "Current level (mean)"},
    "required_level": {"da": "Krævet niveau (gns.)", "en": "Required level (mean)"},
    "no_data": {"da": "Ingen data", "en": "No data"},
    "not_counted": {"da": "Tælles ikke med i måltal", "en": "Not counted towards targets"},
    # Traffic lights (status words; never shown by colour alone)
    "light_green": {"da": "Grøn", "en": "Green"},
    "light_yellow": {"da": "Gul", "en": "Yellow"},
    "light_red": {"da": "Rød", "en": "Red"},
    # Disclosure control
    "suppressed_note": {
        "da": (
            "Af hensyn til fortroligheden vises antal under {min_cell} personer som «..», "
            "og enkelte andre celler er skjult på samme måde, så de ikke kan regnes ud."
        ),
        "en": (
            "To protect confidentiality, counts below {min_cell} persons are shown as “..”, "
            "and some other cells are hidden the same way so that they cannot be worked out."
        ),
    },
    "suppressed_in_figure": {
        "da": "Værdier vist som «..» er skjult af hensyn til fortroligheden.",
        "en": "Values shown as “..” are withheld to protect confidentiality.",
    },
    # Seminar deck (research.report.seminar.slides; notebooks/seminar.ipynb) — append-only block
    "seminar_title": {
        "da": "Kompetenceløft: status ved udgangen af {quarter}",
        "en": "Kompetenceløft: where the programme stands at the end of {quarter}",
    },
    "seminar_subtitle": {
        "da": "Formidlingsseminar · data pr. {date}",
        "en": "Dissemination seminar · data as of {date}",
    },
    "headline_title": {"da": "Projektet i tal", "en": "The programme in numbers"},
    "of_target": {"da": "af måltal {target} ({share})", "en": "of target {target} ({share})"},
    "progress_slide_title": {"da": "Deltagere over tid", "en": "Participants over time"},
    "chart_of_target": {
        "da": "{label}: {achieved} af {target}",
        "en": "{label}: {achieved} of {target}",
    },
    "too_few_to_show": {"da": "for få til at vise endnu", "en": "too few to show yet"},
    "funnel_slide_title": {
        "da": "Virksomhederne: fra kontakt til løft",
        "en": "Companies: from first contact to upskilling",
    },
    "funnel_finding": {
        "da": "{contacted} virksomheder kontaktet, {started} med medarbejdere startet på et løft",
        "en": "{contacted} companies contacted, {started} with employees who started a lift",
    },
    "stories_title": {"da": "Det virker", "en": "What works"},
    "cmo_context": {"da": "Kontekst", "en": "Context"},
    "cmo_mechanism": {"da": "Mekanisme", "en": "Mechanism"},
    "cmo_outcome": {"da": "Udfald", "en": "Outcome"},
    "story_recorded": {
        "da": "Understøttet i aktionsforskningen; registreret {date}.",
        "en": "Supported by the action research; recorded {date}.",
    },
    "stories_none": {
        "da": "Aktionsforskningen har endnu ingen understøttede observationer.",
        "en": "The action research has no supported observations yet.",
    },
    "stories_in_danish": {
        "da": "Gengivet som forskerne har skrevet det.",
        "en": "Quoted in Danish, as the researchers recorded it.",
    },
    # Report sections 3-9 (kit.quarter and progress: funnels … caveats) — append-only block
    "lower_95": {"da": "nedre 95 %", "en": "lower 95%"},
    "upper_95": {"da": "øvre 95 %", "en": "upper 95%"},
    "share_of_first": {"da": "Andel af første trin", "en": "Share of the first step"},
    "women": {"da": "Kvinder", "en": "Women"},
    "men": {"da": "Mænd", "en": "Men"},
    "total": {"da": "I alt", "en": "Total"},
    "reference_population": {"da": "Referencegruppe", "en": "Reference population"},
    "share_of_reference": {"da": "Andel af referencegruppen", "en": "Share of the reference"},
    "network": {"da": "Netværk", "en": "Network"},
    "mean_relevance": {"da": "Relevans (gns. 1-5)", "en": "Relevance (mean 1-5)"},
    "share_high": {"da": "Andel 4-5", "en": "Share 4-5"},
}


def check_lang(lang: str) -> Lang:
    """Refuse an unknown language early, naming the allowed ones, rather than mix languages."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}")
    return lang  # type: ignore[return-value]


def label(key: str, lang: str = "da") -> str:
    """The word for ``key`` in ``lang``; a missing key raises KeyError naming it."""
    check_lang(lang)
    try:
        return LABELS[key][lang]
    except KeyError:
        raise KeyError(
            f"no report label {key!r}; add it to research.report.kit.labels.LABELS"
        ) from None
