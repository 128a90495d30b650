"""The article's conversion funnel (section 3) in the quarter's one publication: its links.

Why: the funnel counts companies per approach (network, one-to-one) step by step, and at its
last step the participants those companies sent. A reader holds it beside the quarterly
report, so the relations between its figures and the report's must be declared for the joint
protection and ``research audit`` to see them:

- **steps**: each approach's steps are nested (contacted → plan → participant), so a step is
  the next one plus the companies lost in between;
- **persons**: "companies with a participant" stands for persons (few such companies means few
  participants), like the report's "companies with an employee who started", and the
  participants themselves are persons;
- **arms**: the two approaches' participants are counted participants (the report's own
  rule), each employed at a reached company and entered after its first contact. So the
  report's employed participants (and its participants in total) = network + one-to-one + the
  rest (employed participants whose company was not reached first): a group a reader can
  subtract, protected like a withheld cell;
- **the report's funnel**: the one-to-one companies and those of them with a plan are the
  report's one-to-one path ("visited, not in a network" and its plan step) where the two
  definitions pick the same companies (a one-to-one company reached only by a workshop would
  differ). Each of these links is declared only after checking, on the data, that the persons
  or companies really are the same, so a coincidence of counts never links different groups.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from research.domain.rules import EMPLOYED
from research.metrics.common import Tables
from research.metrics.disclosure import DisclosureRule
from research.report.article.columns import article_columns
from research.report.article.disclosure import REPORT, primary
from research.report.kit.links import Follows, Link, Ref, chain, row_keys, same, whole
from research.report.kit.publish import PublishedTable

NAME = "conversion_funnel"
KEYS = ("approach", "step")
STEPS = ("contacted", "plan", "participant")
PERSON_STEP = "participant"  # companies with a participant: persons, like the report's step 7
REPORT_PARTICIPANTS = ("participants_employed", "participants")  # the report's progress rows


def arm_persons(tables: Tables, companies: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The persons behind each approach's participants: counted participants (ESF rule) at a
    reached company whose entry is on or after its first contact (``company_frame``'s rule),
    with their approach and employment status at entry."""
    from research.metrics.population import participant_facts

    facts = participant_facts(tables["participants"], tables["enrolments"], as_of)
    facts = facts[facts["cvr"].notna()]
    reached = companies.set_index(companies["cvr"].astype(str))
    cvr = facts["cvr"].astype(str)
    first = cvr.map(reached["first_contact_on"])
    chosen = facts[first.notna().to_numpy() & (facts["entry_on"] >= first).to_numpy()]
    return pd.DataFrame(
        {
            "participant_id": chosen["participant_id"].astype(str).to_numpy(),
            "approach": chosen["cvr"].astype(str).map(reached["approach"]).astype(str).to_numpy(),
            "employment_status": chosen["employment_status"].astype(str).to_numpy(),
        }
    )


def step_links(funnel: pd.DataFrame) -> list[Link]:
    """Each approach's nested steps: a step = the next + the companies lost in between."""
    links: list[Link] = []
    for approach in dict.fromkeys(funnel["approach"].astype(str)):
        rows = [f"{approach}/{s}" for s in STEPS if f"{approach}/{s}" in _rows(funnel)]
        links += chain(NAME, "companies", rows, name=f"{NAME} {approach}")
    return links


def arm_links(
    funnel: pd.DataFrame, persons: pd.DataFrame, report: dict[str, int | None]
) -> list[Link]:
    """The report's participants (employed, and in total) = the arms' participants + the rest,
    declared where the persons behind the arms are the funnel's (recounted per approach) and
    lie within the report's group (employed at entry, for the employed row) — checked on the
    data — and the report shows that figure. ``report``: the progress rows' ``achieved``."""
    rows = dict(zip(_rows(funnel), funnel["participants"], strict=True))
    arms = {a: whole(rows.get(f"{a}/{PERSON_STEP}")) for a in dict.fromkeys(funnel["approach"])}
    if not arms or any(v is None for v in arms.values()):
        return []
    recount = persons["approach"].value_counts()
    if any(int(recount.get(a, 0)) != n for a, n in arms.items()):
        return []  # not the same persons as the funnel's: declare nothing
    links = []
    for indicator in REPORT_PARTICIPANTS:
        total = report.get(indicator)
        within = (
            persons["employment_status"].isin(EMPLOYED).all()
            if indicator == "participants_employed"
            else True
        )
        if total is None or not within or total < sum(n for n in arms.values() if n is not None):
            continue
        links.append(
            Link(
                f"report {indicator} = the conversion funnel's participants + the rest",
                Ref(REPORT + "progress", indicator, "achieved"),
                tuple(Ref(NAME, f"{a}/{PERSON_STEP}", "participants") for a in arms),
                rest=f"{NAME}:{indicator} not at a company reached before their entry:persons",
            )
        )
    return links


def report_funnel_links(
    funnel: pd.DataFrame, companies: pd.DataFrame, visited: set[str], planned: set[str]
) -> list[Link]:
    """One-to-one companies (and those with a plan) = the report's one-to-one path's first two
    steps, declared only when the two definitions pick the same companies in the data.
    ``visited``/``planned``: the companies the report's steps count."""
    one = companies[companies["approach"].astype(str) == "one_to_one"]
    ours = {
        "one_to_one/contacted": (set(one["cvr"].astype(str)), "visited", visited),
        "one_to_one/plan": (
            set(one.loc[one["has_plan"].astype(bool), "cvr"].astype(str)),
            "competence_plan",
            planned,
        ),
    }
    shown = dict(zip(_rows(funnel), funnel["companies"], strict=True))
    links = []
    for row, (mine, step, theirs) in ours.items():
        if row not in shown or mine != theirs or whole(shown[row]) != len(theirs):
            continue
        links.append(
            same(
                Ref(NAME, row, "companies"),
                Ref(REPORT + "funnel_companies_visits", step, "n"),
                name=f"{NAME} {row} = the report's one-to-one funnel {step}",
            )
        )
    return links


def conversion_links(
    tables: Tables,
    as_of: pd.Timestamp,
    funnel: pd.DataFrame,
    companies: pd.DataFrame,
    report: Iterable[PublishedTable] = (),
) -> list[Link]:
    """Every relation of the article's conversion funnel (module doc), checked on the data.
    ``report``: the quarter's report tables the article is protected with (named as the
    article's folder sees them, ``../tables/...``); links to a table not there are left out."""
    from research.metrics.funnels import COMPANY_PATHS

    links = step_links(funnel)
    published = {t.name: t for t in report}
    progress = published.get(REPORT + "progress")
    if progress is not None:
        keys = row_keys(progress.data, progress.keys)
        values = dict(zip(keys, progress.data["achieved"], strict=True))
        report_values = {k: whole(values.get(k)) for k in REPORT_PARTICIPANTS}
        links += arm_links(funnel, arm_persons(tables, companies, as_of), report_values)
    if REPORT + "funnel_companies_visits" in published:
        visited_step, plan_step = COMPANY_PATHS["visit"][:2]
        visited = visited_step.reached(tables, as_of)
        planned = visited & plan_step.reached(tables, as_of)
        links += report_funnel_links(funnel, companies, visited, planned)
    return links


def person_rows(funnel: pd.DataFrame) -> pd.Series:
    """The rows whose counts stand for persons: the participant step (companies with a
    participant, and the participants)."""
    return funnel["step"].astype(str) == PERSON_STEP


def _rows(funnel: pd.DataFrame) -> list[str]:
    return row_keys(funnel, KEYS)


def funnel_mask(funnel: pd.DataFrame, rule: DisclosureRule) -> pd.DataFrame:
    """The one rule on the funnel's person counts: the participants and the companies with a
    participant; the other steps count companies (and have no participants: left blank)."""
    mask = primary(funnel, ["participants"], rule)
    persons = person_rows(funnel).to_numpy()
    mask["participants"] = mask["participants"].to_numpy() & persons
    mask["companies"] = primary(funnel, ["companies"], rule)["companies"].to_numpy() & persons
    return mask


def funnel_table(
    funnel: pd.DataFrame, *, caption: str, lang: str, rule: DisclosureRule, links: list[Link]
) -> PublishedTable:
    """The funnel as the article publishes it: person rows flagged, the rule applied, its
    links declared; a conversion is withheld with its step or the step before, a rate per
    100 months with its participants."""
    data = funnel.assign(counts_persons=person_rows(funnel).to_numpy())
    return PublishedTable(
        name=NAME,
        caption=caption,
        data=data,
        columns=article_columns(
            data,
            (
                "approach",
                "step",
                "companies",
                "conversion",
                "participants",
                ("participants_per_100_months", 1),
            ),
        ),
        lang=lang,
        hidden=funnel_mask(data, rule),
        person_counts=("companies", "participants"),
        person_rows="counts_persons",
        keys=KEYS,
        rule=rule,
        links=tuple(links),
        follows=(
            Follows("companies", ("conversion",), previous_row=True),
            Follows("participants", ("participants_per_100_months",)),
        ),
    )
