"""The parts of a company's competence supply plan, in the order the consultant talks them
through. Each part is one call in the notebook and reads only the ``CompanyView``."""

from __future__ import annotations

import pandas as pd

from research.domain.codes import ContactKind, InstitutionType
from research.domain.industry import TEN_GROUPS
from research.report.companies.view import (
    CONTACT_WINDOW,
    CompanyView,
    decision_label,
    programme_label,
    status_label,
)
from research.report.companies.words import say
from research.report.kit.charts import BLUE, DEFAULT_SOURCE, GREY, VERMILION, source_line
from research.report.kit.formatting import MISSING, format_date, format_number
from research.report.kit.handout import (
    show_heading,
    show_svg,
    show_table,
    show_text,
    show_title,
)
from research.report.kit.spider import Series, SpiderSvg, spider_svg

LARGEST_GAPS = 3
STEP_ROWS = 5  # empty rows for the agreed next steps


def title(view: CompanyView, lang: str = "da") -> str:
    return say("title", lang, name=view.name)


def show_front(view: CompanyView, lang: str = "da") -> None:
    industry = f"{view.db07} {TEN_GROUPS.get(view.industry_group, '')}".strip()
    show_title(
        title(view, lang),
        [
            say("cvr_line", lang, cvr=view.cvr, industry=industry),
            say("data_line", lang, date=format_date(view.as_of, lang)),
            say("recipient_line", lang, name=view.name),
        ],
    )


def _employees(n: object, lang: str) -> str:
    if pd.isna(n):
        return say("employees_unknown", lang)
    if int(n) == 1:
        return say("employees_one", lang)
    return say("employees_n", lang, n=format_number(n, lang))


def gap_sentences(view: CompanyView, lang: str = "da") -> list[str]:
    """The largest gaps in words: area, from which level to which, and whom they concern."""
    plan = view.plan.set_index("subject_area")
    return [
        say(
            "gap_item",
            lang,
            area=area,
            current=format_number(plan.at[area, "current"], lang),
            required=format_number(plan.at[area, "required"], lang),
            gap=format_number(plan.at[area, "gap"], lang),
            employees=_employees(plan.at[area, "employees"], lang),
        )
        for area in view.gap_areas[:LARGEST_GAPS]
    ]


def company_spider(view: CompanyView, lang: str = "da") -> SpiderSvg:
    """The spider of the company's latest plan, with the previous plan's current level."""
    plan = view.plan
    series = []
    if view.previous_date is not None:
        previous = [None if pd.isna(v) else float(v) for v in plan["previous"]]
        when = format_date(view.previous_date, lang, "short")
        series.append(
            Series(say("legend_previous", lang, date=when), previous, GREY, "2 3", "triangle")
        )
    series += [
        Series(
            say("current", lang), plan["current"].astype(float).tolist(), BLUE, "", "circle", True
        ),
        Series(
            say("required", lang),
            plan["required"].astype(float).tolist(),
            VERMILION,
            "6 4",
            "square",
        ),
    ]
    items = "; ".join(
        f"{a}: {format_number(c, lang)} {say('and', lang)} {format_number(r, lang)}"
        for a, c, r in plan[["subject_area", "current", "required"]].itertuples(index=False)
    )
    alt = say("spider_alt", lang, n=len(plan), items=items)
    largest = gap_sentences(view, lang)[:1]
    return spider_svg(
        plan["subject_area"].tolist(),
        series,
        title=say("spider_title", lang),
        source_line=source_line(DEFAULT_SOURCE, view.plan_date, lang),
        alt=alt + (f" {say('gaps_words', lang)} {largest[0]}." if largest else ""),
        lang=lang,
    )


def show_spider(view: CompanyView, lang: str = "da") -> None:
    show_heading(say("spider", lang))
    if view.plan.empty:
        show_text(say("no_plan", lang, date=format_date(view.as_of, lang)))
        return
    intro = say("spider_intro", lang, date=format_date(view.plan_date, lang))
    if view.previous_date is not None:
        intro += say("spider_previous", lang, date=format_date(view.previous_date, lang))
    show_text(intro)
    if len(view.plan) >= 3:
        show_svg(company_spider(view, lang))
    else:
        show_text(say("spider_few", lang, n=len(view.plan)))
    sentences = gap_sentences(view, lang)
    if sentences:
        show_text(say("gaps_words", lang), sentences)
    else:
        show_text(say("no_gaps", lang))
    plan = view.plan
    frame = pd.DataFrame(
        {
            say("area", lang): plan["subject_area"],
            say("current", lang): [format_number(v, lang) for v in plan["current"]],
            say("required", lang): [format_number(v, lang) for v in plan["required"]],
            say("gap", lang): [format_number(v, lang) for v in plan["gap"]],
            say("employees", lang): [format_number(v, lang) for v in plan["employees"]],
        }
    )
    kinds = ["text", "number", "number", "number", "number"]
    if view.previous_date is not None:
        frame[say("previous", lang)] = [format_number(v, lang) for v in plan["previous"]]
        kinds.append("number")
    show_table(frame, say("plan_caption", lang), kinds, lang=lang)


def show_lifts(view: CompanyView, lang: str = "da") -> None:
    show_heading(say("lifts", lang))
    if view.lifts.empty:
        show_text(say("no_lifts", lang, date=format_date(view.as_of, lang)))
        return
    show_text(say("lifts_intro", lang))
    lifts = view.lifts
    frame = pd.DataFrame(
        {
            say("plan_id", lang): lifts["plan_id"],
            say("programme", lang): [
                f"{programme_label(k, lang)}: {e}"
                for k, e in zip(lifts["programme_kind"], lifts["education"], strict=True)
            ],
            say("track", lang): [MISSING if t is None else t for t in lifts["track"]],
            say("credit", lang): [format_number(c, lang, 1) for c in lifts["credit_weeks"]],
            say("start", lang): [format_date(d, lang, "short") for d in lifts["start_on"]],
            say("school", lang): lifts["school_periods"],
            say("end", lang): [format_date(d, lang, "short") for d in lifts["expected_end"]],
            say("status", lang): [status_label(s, lang) for s in lifts["status"]],
            say("closes", lang): [", ".join(c) if c else MISSING for c in lifts["closes"]],
        }
    )
    kinds = ["text", "text", "text", "number", "date", "text", "date", "text", "text"]
    show_table(frame, say("lifts_caption", lang), kinds, lang=lang)


def _rating(value: object, lang: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return say("not_answered", lang)
    if value == "dont_know":
        return say("dont_know", lang)
    return format_number(value, lang)


def _list(names: list[str], lang: str) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {say('and', lang)} " + names[-1]


def show_decisions(view: CompanyView, lang: str = "da") -> None:
    show_heading(say("decisions", lang))
    if view.networks.empty:
        show_text(say("no_network", lang, date=format_date(view.as_of, lang)))
    else:
        names = [f"{n} ({i})" for i, n in view.networks.itertuples(index=False, name=None)]
        show_text(say("decisions_intro", lang, name=view.name, networks=_list(names, lang)))
    for network_id, name in view.networks.itertuples(index=False, name=None):
        mine = view.decisions[view.decisions["network_id"] == network_id]
        if mine.empty:
            show_text(say("no_decisions", lang, network=name))
            continue
        frame = pd.DataFrame(
            {
                say("statement", lang): [s or MISSING for s in mine["statement"]],
                say("decision", lang): [decision_label(d, lang) for d in mine["decision"]],
                say("offer", lang): [MISSING if pd.isna(o) else o for o in mine["offer"]],
                say("own_rating", lang): [_rating(r, lang) for r in mine["own_rating"]],
            }
        )
        held = format_date(mine["held_on"].iloc[0], lang)
        caption = say("decisions_caption", lang, network=name, date=held)
        show_table(frame, caption, ["text", "text", "text", "text"], lang=lang)
    if view.offers.empty:
        if not view.plan.empty:
            show_text(say("no_offers", lang))
        return
    frame = pd.DataFrame(
        {
            say("area", lang): view.offers["subject_area"],
            say("gap", lang): [format_number(g, lang) for g in view.offers["gap"]],
            say("offer", lang): ["; ".join(o) for o in view.offers["offers"]],
        }
    )
    show_table(
        frame,
        say("offers_caption", lang),
        ["text", "number", "text"],
        note=say("offers_note", lang),
        lang=lang,
    )


def show_contacts(view: CompanyView, lang: str = "da") -> None:
    show_heading(say("contacts", lang))
    contacts = view.contacts
    if contacts.empty:
        show_text(say("no_contacts", lang, date=format_date(view.as_of, lang)))
        return
    recent = contacts[contacts["contact_date"] > view.as_of - CONTACT_WINDOW]
    show_text(
        say(
            "contacts_intro",
            lang,
            n=format_number(len(contacts), lang),
            recent=format_number(len(recent), lang),
            institutions=format_number(recent["institution"].nunique(), lang),
        )
    )

    def who(pair: tuple[str, str]) -> str:
        kind, name = pair
        if kind == "consultant":
            return f"{name} ({say('own_project', lang)})"
        if kind == "project":
            return say("external", lang, name=name)
        return MISSING

    frame = pd.DataFrame(
        {
            say("date", lang): [format_date(d, lang, "short") for d in contacts["contact_date"]],
            say("institution", lang): contacts["institution"],
            say("institution_type", lang): [
                InstitutionType(t).label(lang) for t in contacts["institution_type"]
            ],
            say("kind", lang): [ContactKind(k).label(lang) for k in contacts["kind"]],
            say("who", lang): [who(w) for w in contacts["who"]],
        }
    )
    show_table(frame, say("contacts_caption", lang), ["date", "text", "text", "text", "text"])


def show_agreement(view: CompanyView, lang: str = "da") -> None:
    show_heading(say("next", lang))
    show_text(
        say("next_intro", lang),
        [say("meeting_date", lang), say("consultant", lang), say("company_person", lang)],
    )
    frame = pd.DataFrame(  # lines to write on by hand, as wide as the writing needs
        {
            say("step", lang): ["_" * 44] * STEP_ROWS,
            say("responsible", lang): ["_" * 16] * STEP_ROWS,
            say("deadline", lang): ["_" * 10] * STEP_ROWS,
        }
    )
    show_table(frame, say("steps_caption", lang), ["text", "text", "text"], lang=lang)


def show_recipients(view: CompanyView, lang: str = "da") -> None:
    show_heading(say("recipients", lang))
    show_text(say("recipients_text", lang, name=view.name, cvr=view.cvr), caveat=True)


def show_plan(view: CompanyView, lang: str = "da") -> None:
    """The whole document, part by part: the notebook shows it in one cell, since each cell
    costs a batch about 5 ms of kernel and client time per document."""
    for part in (show_front, show_spider, show_lifts, show_decisions, show_contacts):
        part(view, lang)
    show_agreement(view, lang)
    show_recipients(view, lang)
