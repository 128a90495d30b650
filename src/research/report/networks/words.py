"""The workshop-2 brief's words, in Danish (the default) and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "da": {
        "title": "Oplæg til workshop 2: {name}",
        "theme_line": "Netværk {id} · tema: {theme} · facilitator: {partner}",
        "data_line": "Data pr. {date}",
        "recipient_line": (
            "Til netværkets facilitatorer og deltagende institutioner; viser kun tal for "
            "netværket som helhed"
        ),
        "response": "Svarprocent og repræsentativitet",
        "response_text": (
            "{responded} af {invited} medlemsvirksomheder har svaret på e-surveyen: {rate} "
            "med 95 %-interval {interval}."
        ),
        "response_late": (
            " {n} svar kom fra virksomheder, der blev medlem senere, og tæller ikke med."
        ),
        "no_survey": "Netværket har ingen svar på e-surveyen pr. {date}.",
        "repr_caption": "Medlemmer og svar efter virksomhedsstørrelse",
        "repr_note": (
            "Svarer andelene i de to kolonner nogenlunde til hinanden, ligner de svarende "
            "virksomheder netværket som helhed."
        ),
        "size": "Størrelse",
        "members": "Medlemmer",
        "responders": "Svar",
        "share_members": "Andel af medlemmer",
        "share_responders": "Andel af svar",
        "unknown": "Uoplyst",
        "statements": "Udsagnene rangeret efter relevans",
        "statements_text": (
            "Virksomhederne har vurderet hvert udsagn fra 1 (ikke relevant) til 5 (meget "
            "relevant) eller svaret \u201cVed ikke\u201d. Rang 1 er det mest relevante."
        ),
        "statements_caption": "Udsagn rangeret efter gennemsnitlig relevans",
        "statements_note": (
            "Middel: gennemsnit over svar 1-5 (uden \u201cVed ikke\u201d). Andel 4-5 med "
            "95 %-interval (Wilson). Tal for under {min} svar vises ikke."
        ),
        "rank": "Rang",
        "statement": "Udsagn",
        "theme": "Tema",
        "mean": "Middel (1-5)",
        "share_high": "Andel 4-5",
        "interval": "95 %-interval",
        "dont_know": "Andel \u201cVed ikke\u201d",
        "n": "Svar",
        "reliability": "Temaernes pålidelighed",
        "reliability_text": (
            "Cronbachs alfa siger, om udsagnene i et tema måler det samme behov: over 0,7 er "
            "temaet sammenhængende, under 0,5 bør udsagnene drøftes hver for sig."
        ),
        "reliability_caption": "Cronbachs alfa pr. tema med Feldts 95 %-interval",
        "alpha": "Alfa",
        "k": "Udsagn",
        "complete": "Fuldstændige svar",
        "no_reliability": "For få fuldstændige svar til at beregne temaernes pålidelighed.",
        "spider": "Netværkets kompetencespind",
        "spider_text": (
            "Gennemsnit af medlemsvirksomhedernes seneste kompetenceforsyningsplaner. Fagområder "
            "med planer fra færre end {min} virksomheder er udeladt."
        ),
        "spider_title": "Gennemsnitligt nuværende og krævet niveau pr. fagområde",
        "spider_alt": (
            "Netværkets kompetencespind med {n} fagområder på en skala fra 1 til 5, "
            "gennemsnitligt nuværende og krævet niveau: {items}."
        ),
        "current": "Nuværende niveau (gns.)",
        "required": "Krævet niveau (gns.)",
        "no_spider": "For få medlemmer med en kompetenceforsyningsplan til et fælles spind.",
        "shared": "Gab som de fleste medlemmer deler",
        "shared_text": "Fagområder hvor mindst halvdelen af virksomhederne med en plan har et gab:",
        "shared_item": "{area}: {k} af {n} virksomheder ({share}), gennemsnitligt gab {gap}",
        "no_shared": "Intet fagområde har et gab hos mindst halvdelen af virksomhederne.",
        "gaps_caption": "Gab pr. fagområde",
        "area": "Fagområde",
        "companies": "Virksomheder med plan",
        "with_gap": "Med gab",
        "mean_gap": "Gns. gab",
        "decisions_made": "Beslutninger fra workshop 2 ({date})",
        "decision": "Beslutning",
        "offer": "Tilbud",
        "sheet": "Beslutningsark til workshop 2",
        "sheet_text": (
            "For hvert af de mest relevante udsagn beslutter workshoppen: tilpas et eksisterende "
            "tilbud, brug eksisterende tilbud (fx AMU-pakker) eller henvis til "
            "rekrutteringsservice (a-kasse, Jobservice Danmark); sæt ring om beslutningen. "
            "Beslutningerne importeres "
            "bagefter med `research import ws2-decisions` og vises i næste oplæg og i "
            "virksomhedernes planer."
        ),
        "sheet_caption": "Beslutningsark",
        "choice": "Tilpas / Eksisterende / Henvis",
        "responsible": "Ansvarlig",
        "statement_id": "Udsagns-ID",
        "and": "og",
    },
    "en": {
        "title": "Brief for workshop 2: {name}",
        "theme_line": "Network {id} · theme: {theme} · facilitator: {partner}",
        "data_line": "Data as of {date}",
        "recipient_line": (
            "For the network's facilitators and participating institutions; shows figures for "
            "the network as a whole only"
        ),
        "response": "Response and representativeness",
        "response_text": (
            "{responded} of {invited} member companies answered the e-survey: {rate} with "
            "95% interval {interval}."
        ),
        "response_late": " {n} answers came from companies that joined later and are not counted.",
        "no_survey": "The network has no survey answers as of {date}.",
        "repr_caption": "Members and answers by company size",
        "repr_note": (
            "When the shares in the two columns are close, the answering companies resemble "
            "the network as a whole."
        ),
        "size": "Size",
        "members": "Members",
        "responders": "Answers",
        "share_members": "Share of members",
        "share_responders": "Share of answers",
        "unknown": "Unknown",
        "statements": "The statements ranked by relevance",
        "statements_text": (
            "The companies rated each statement from 1 (not relevant) to 5 (very relevant) or "
            'answered "Don\'t know". Rank 1 is the most relevant.'
        ),
        "statements_caption": "Statements ranked by mean relevance",
        "statements_note": (
            'Mean: over ratings 1-5 (without "Don\'t know"). Share 4-5 with 95% interval '
            "(Wilson). Figures from fewer than {min} answers are not shown."
        ),
        "rank": "Rank",
        "statement": "Statement",
        "theme": "Theme",
        "mean": "Mean (1-5)",
        "share_high": "Share 4-5",
        "interval": "95% interval",
        "dont_know": 'Share "Don\'t know"',
        "n": "Answers",
        "reliability": "Reliability of the themes",
        "reliability_text": (
            "Cronbach's alpha says whether a theme's statements measure the same need: above "
            "0.7 the theme hangs together, below 0.5 discuss its statements one by one."
        ),
        "reliability_caption": "Cronbach's alpha by theme with Feldt's 95% interval",
        "alpha": "Alpha",
        "k": "Statements",
        "complete": "Complete answers",
        "no_reliability": "Too few complete answers to compute the themes' reliability.",
        "spider": "The network's competence spider",
        "spider_text": (
            "Means of the member companies' latest competence supply plans. Subject areas with "
            "plans from fewer than {min} companies are left out."
        ),
        "spider_title": "Mean current and required level by subject area",
        "spider_alt": (
            "The network's competence spider with {n} subject areas on a scale from 1 to 5, "
            "mean current and required level: {items}."
        ),
        "current": "Current level (mean)",
        "required": "Required level (mean)",
        "no_spider": "Too few members with a competence supply plan for a shared spider.",
        "shared": "Gaps shared by most members",
        "shared_text": "Subject areas where at least half of the companies with a plan have a gap:",
        "shared_item": "{area}: {k} of {n} companies ({share}), mean gap {gap}",
        "no_shared": "No subject area has a gap in at least half of the companies.",
        "gaps_caption": "Gaps by subject area",
        "area": "Subject area",
        "companies": "Companies with a plan",
        "with_gap": "With a gap",
        "mean_gap": "Mean gap",
        "decisions_made": "Decisions of workshop 2 ({date})",
        "decision": "Decision",
        "offer": "Offer",
        "sheet": "Decision sheet for workshop 2",
        "sheet_text": (
            "For each of the most relevant statements the workshop decides: adapt an existing "
            "offer, use existing offers (e.g. AMU packages) or refer to a recruitment service "
            "(unemployment fund, Jobservice Danmark); circle the decision. The decisions are "
            "imported afterwards "
            "with `research import ws2-decisions` and appear in the next brief and in the "
            "companies' plans."
        ),
        "sheet_caption": "Decision sheet",
        "choice": "Adapt / Existing / Refer",
        "responsible": "Responsible",
        "statement_id": "Statement id",
        "and": "and",
    },
}


def say(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in."""
    return WORDS[lang][key].format(**values)
