"""The company plan's words, in Danish (the default) and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "da": {
        "title": "Kompetenceforsyningsplan: {name}",
        "cvr_line": "CVR-nummer {cvr} · {industry}",
        "data_line": "Data pr. {date} · udskrevet til samtalen med virksomheden",
        "recipient_line": "Fortroligt: kun til {name} og projektets konsulenter",
        "spider": "Kompetencespindet",
        "spider_intro": (
            "Planen fra {date} angiver for hvert fagområde virksomhedens nuværende og krævede "
            "niveau på en skala fra 1 til 5."
        ),
        "spider_previous": " Den stiplede grå linje er det nuværende niveau i planen fra {date}.",
        "spider_title": "Nuværende og krævet niveau pr. fagområde",
        "legend_previous": "Nuværende niveau i planen fra {date}",
        "spider_alt": (
            "Kompetencespind med {n} fagområder på en skala fra 1 til 5, nuværende og krævet "
            "niveau: {items}."
        ),
        "spider_few": (
            "Planen har kun {n} fagområde(r); spindet tegnes fra tre. Tabellen viser planen."
        ),
        "no_plan": "Virksomheden har ingen kompetenceforsyningsplan pr. {date}.",
        "plan_caption": "Kompetenceforsyningsplanen pr. fagområde",
        "area": "Fagområde",
        "current": "Nuværende niveau",
        "required": "Krævet niveau",
        "gap": "Gab",
        "previous": "Nuværende i forrige plan",
        "employees": "Medarbejdere berørt",
        "gaps_words": "De største gab:",
        "gap_item": "{area}: fra niveau {current} til {required} ({gap} trin, {employees})",
        "employees_n": "{n} medarbejdere",
        "employees_one": "1 medarbejder",
        "employees_unknown": "antal medarbejdere ikke oplyst",
        "no_gaps": "Planen har ingen gab: virksomheden er på det krævede niveau i alle fagområder.",
        "lifts": "Medarbejdernes uddannelsesplaner",
        "lifts_intro": (
            "Hver uddannelsesplan nævnes ved sit plan-ID, som skolen og virksomheden kender; "
            "dokumentet viser aldrig CPR-numre eller andre personoplysninger."
        ),
        "no_lifts": "Ingen af virksomhedens medarbejdere har en uddannelsesplan pr. {date}.",
        "lifts_caption": "Uddannelsesplaner for virksomhedens medarbejdere",
        "plan_id": "Plan-ID",
        "programme": "Uddannelse",
        "track": "EUV-spor",
        "credit": "Merit (uger)",
        "start": "Start",
        "school": "Skoleperioder",
        "end": "Forventet slut",
        "status": "Status",
        "closes": "Lukker gab i",
        "status_planned": "Planlagt",
        "status_running": "I gang",
        "status_not_started": "Ikke startet",
        "decisions": "Netværkets beslutninger og tilbud, der passer til gabene",
        "decisions_intro": "{name} er med i {networks}.",
        "no_network": "Virksomheden er ikke med i et netværk pr. {date}.",
        "no_decisions": "{network} har endnu ikke holdt workshop 2.",
        "decisions_caption": "Beslutninger på workshop 2 i {network} ({date})",
        "statement": "Udsagn",
        "decision": "Beslutning",
        "offer": "Tilbud",
        "own_rating": "Jeres vurdering",
        "dont_know": "Ved ikke",
        "not_answered": "ikke besvaret",
        "offers_caption": "Tilbud der passer til virksomhedens gab",
        "offers_note": (
            "Tilbuddene er AMU-pakker og forløb fra projektets data og netværkets beslutninger, "
            "koblet til fagområderne efter reglerne i subject_areas.toml."
        ),
        "no_offers": "Ingen af de kendte tilbud passer til virksomhedens gab.",
        "contacts": "Kontakthistorik",
        "contacts_intro": (
            "{n} kontakter i alt; {recent} i de seneste 12 måneder fra {institutions} "
            "institution(er)."
        ),
        "no_contacts": "Ingen registrerede kontakter pr. {date}.",
        "contacts_caption": "Kontakter med virksomheden (nyeste først)",
        "date": "Dato",
        "institution": "Institution",
        "institution_type": "Type",
        "kind": "Kontaktform",
        "who": "Hvem",
        "own_project": "Kompetenceløft",
        "external": "andet projekt: {name}",
        "next": "Aftale",
        "next_intro": "Udfyldes under samtalen.",
        "meeting_date": "Dato for samtalen: ____________________",
        "consultant": "Konsulent: ____________________",
        "company_person": "Virksomhedens kontaktperson: ____________________",
        "steps_caption": "Aftalte næste skridt",
        "step": "Aftalt skridt",
        "responsible": "Ansvarlig",
        "deadline": "Frist",
        "recipients": "Hvem må få dokumentet",
        "recipients_text": (
            "Dokumentet er til {name} (CVR {cvr}) og de konsulenter i projektet, der arbejder "
            "med virksomheden. Det indeholder oplysninger om medarbejdernes uddannelse og må "
            "ikke gives videre til andre virksomheder, netværket eller offentliggøres. Det er "
            "ikke en statistisk publikation: tallene er virksomhedens egne."
        ),
        "and": "og",
    },
    "en": {
        "title": "Competence supply plan: {name}",
        "cvr_line": "CVR number {cvr} · {industry}",
        "data_line": "Data as of {date} · printed for the talk with the company",
        "recipient_line": "Confidential: for {name} and the project's consultants only",
        "spider": "The competence spider",
        "spider_intro": (
            "The plan of {date} states the company's current and required level in each "
            "subject area on a scale from 1 to 5."
        ),
        "spider_previous": " The dotted grey line is the current level in the plan of {date}.",
        "spider_title": "Current and required level by subject area",
        "legend_previous": "Current level in the plan of {date}",
        "spider_alt": (
            "Competence spider with {n} subject areas on a scale from 1 to 5, current and "
            "required level: {items}."
        ),
        "spider_few": "The plan has {n} subject area(s); the spider needs three. See the table.",
        "no_plan": "The company has no competence supply plan as of {date}.",
        "plan_caption": "The competence supply plan by subject area",
        "area": "Subject area",
        "current": "Current level",
        "required": "Required level",
        "gap": "Gap",
        "previous": "Current in previous plan",
        "employees": "Employees concerned",
        "gaps_words": "The largest gaps:",
        "gap_item": "{area}: from level {current} to {required} ({gap} steps, {employees})",
        "employees_n": "{n} employees",
        "employees_one": "1 employee",
        "employees_unknown": "number of employees not given",
        "no_gaps": "The plan has no gaps: the company is at the required level in every area.",
        "lifts": "The employees' education plans",
        "lifts_intro": (
            "Each education plan is named by its plan id, which the school and the company "
            "know; the document never shows a CPR number or other personal identifiers."
        ),
        "no_lifts": "None of the company's employees has an education plan as of {date}.",
        "lifts_caption": "Education plans of the company's employees",
        "plan_id": "Plan id",
        "programme": "Education",
        "track": "EUV track",
        "credit": "Credit (weeks)",
        "start": "Start",
        "school": "School periods",
        "end": "Expected end",
        "status": "Status",
        "closes": "Closes gaps in",
        "status_planned": "Planned",
        "status_running": "In training",
        "status_not_started": "Not started",
        "decisions": "The network's decisions and offers that match the gaps",
        "decisions_intro": "{name} is a member of {networks}.",
        "no_network": "The company is not in a network as of {date}.",
        "no_decisions": "{network} has not held workshop 2 yet.",
        "decisions_caption": "Decisions at workshop 2 of {network} ({date})",
        "statement": "Statement",
        "decision": "Decision",
        "offer": "Offer",
        "own_rating": "Your rating",
        "dont_know": "Don't know",
        "not_answered": "not answered",
        "offers_caption": "Offers that match the company's gaps",
        "offers_note": (
            "The offers are AMU packages and programmes in the project's data and the network's "
            "decisions, linked to subject areas by the rules in subject_areas.toml."
        ),
        "no_offers": "None of the known offers matches the company's gaps.",
        "contacts": "Contact history",
        "contacts_intro": (
            "{n} contacts in all; {recent} in the last 12 months from {institutions} "
            "institution(s)."
        ),
        "no_contacts": "No contacts recorded as of {date}.",
        "contacts_caption": "Contacts with the company (newest first)",
        "date": "Date",
        "institution": "Institution",
        "institution_type": "Type",
        "kind": "Contact",
        "who": "Who",
        "own_project": "Kompetenceløft",
        "external": "other project: {name}",
        "next": "Agreement",
        "next_intro": "Filled in during the talk.",
        "meeting_date": "Date of the talk: ____________________",
        "consultant": "Consultant: ____________________",
        "company_person": "The company's contact person: ____________________",
        "steps_caption": "Agreed next steps",
        "step": "Agreed step",
        "responsible": "Responsible",
        "deadline": "Deadline",
        "recipients": "Who may receive this document",
        "recipients_text": (
            "This document is for {name} (CVR {cvr}) and the project's consultants who work "
            "with the company. It holds information about the employees' education and must "
            "not be passed on to other companies or the network, nor published. It is not a "
            "statistical publication: the figures are the company's own."
        ),
        "and": "and",
    },
}


def say(key: str, lang: str, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in."""
    return WORDS[lang][key].format(**values)
