"""The programme's organisation and its contact with companies.

Consultants, networks and the contact log are what show whether the move from one-to-one
visits to networks happened, and whether companies were "run over" by many projects.
"""

from __future__ import annotations

import pandas as pd

from research.domain.codes import ContactKind, InstitutionType
from research.domain.industry import TEN_GROUPS
from research.ingest import parsers as p
from research.ingest.kinds.base import Col, Context, ImportKind, frame
from research.ingest.kinds.participants import partner, resolve_partner

ROLES = {
    "leder": "leader",
    "leader": "leader",
    "konsulent": "consultant",
    "consultant": "consultant",
}


def role(value: object) -> str:
    """Leder or Konsulent (the English words are accepted too)."""
    found = ROLES.get(p.text(value).casefold())
    if found is None:
        raise ValueError("unknown value; allowed: Leder, Konsulent")
    return found


def industry_group(value: object) -> int:
    """A DST 10-group: its number 1-11 or its Danish name."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raw = str(int(value)) if float(value).is_integer() else str(value)
    else:
        raw = p.text(value)
    if raw.isdigit():
        if int(raw) in TEN_GROUPS:
            return int(raw)
    else:
        for number, name in TEN_GROUPS.items():
            if raw.casefold() == name.casefold():
                return number
    raise ValueError("not a DST 10-group; write its number 1-11 or its Danish name")


def _records(rows: pd.DataFrame, fields: tuple[str, ...]) -> list[dict]:
    return [{f: r[f] for f in fields} for _, r in rows.iterrows()]


def records_with_partner(
    rows: pd.DataFrame, ctx: Context, columns: tuple[Col, ...], header: str
) -> tuple[list[dict], list[int]]:
    """Records with ``partner_id`` resolved against the configured partners.

    A row naming an unknown partner is reported once and left out, so that it is not
    reported a second time as a missing value.
    """
    records, index = [], []
    for row, r in rows.iterrows():
        partner_id = resolve_partner(ctx, row, header, r["partner_id"])
        if partner_id is None:
            continue
        records.append({c.field: r[c.field] for c in columns} | {"partner_id": partner_id})
        index.append(row)
    return records, index


# --- consultants ---------------------------------------------------------------------------

CONSULTANT_COLUMNS = (
    Col(
        "Konsulent-ID",
        "consultant_id",
        doc="The project's id for the leader or consultant.",
        example="K01",
    ),
    Col("Navn", "name", doc="Full name.", example="Søren Ærø"),
    Col(
        "Partner",
        "partner_id",
        partner,
        doc="Partner id or name from project.toml.",
        example="EUS1",
    ),
    Col("Rolle", "role", role, doc="Leder or Konsulent.", example="Konsulent"),
    Col(
        "Fælles koncept",
        "in_shared_concept",
        p.boolean,
        doc="Ja/Nej: trained in and working by the shared network concept (counts to target).",
        example="Ja",
    ),
    Col(
        "Startdato",
        "joined_on",
        p.parse_date,
        doc="First day in the project.",
        example="01-02-2025",
    ),
    Col(
        "Slutdato",
        "left_on",
        p.parse_date,
        required=False,
        blank_ok=True,
        doc="Last day in the project; blank while still active.",
        example="",
    ),
)


def build_consultants(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    records, index = records_with_partner(rows, ctx, CONSULTANT_COLUMNS, "Partner")
    return {"consultants": frame(records, index)}


CONSULTANTS = ImportKind(
    name="consultants",
    title_da="Ledere og konsulenter",
    description="Leaders and consultants from the partners, and whether they work by the shared "
    "concept.",
    columns=CONSULTANT_COLUMNS,
    build=build_consultants,
    tables=("consultants",),
    aliases=("konsulenter", "ledere-og-konsulenter"),
    notes="The target counts leaders and consultants in the shared concept (Fælles koncept = Ja).",
)


# --- external projects ---------------------------------------------------------------------

EXTERNAL_PROJECT_COLUMNS = (
    Col(
        "Projekt-ID",
        "project_id",
        doc="Short id used for the project in the contact log.",
        example="VEU-KBH",
    ),
    Col("Navn", "name", doc="The project's name.", example="Virksomhedsrettet VEU i København"),
    Col(
        "Ejer",
        "owner",
        required=False,
        blank_ok=True,
        doc="Who runs the project (institution or organisation).",
        example="VEU-center Hovedstaden",
    ),
)


def build_external_projects(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    records = _records(rows, ("project_id", "name", "owner"))
    return {"external_projects": frame(records, list(rows.index))}


EXTERNAL_PROJECTS = ImportKind(
    name="external-projects",
    title_da="Andre projekter",
    description="Other projects that contact the same companies (for the coordination analysis).",
    columns=EXTERNAL_PROJECT_COLUMNS,
    build=build_external_projects,
    tables=("external_projects",),
    aliases=("andre-projekter", "eksterne-projekter"),
    notes="This project itself is not listed here: its id is `project.id` in project.toml.",
)


# --- networks ------------------------------------------------------------------------------

NETWORK_COLUMNS = (
    Col("Netværks-ID", "network_id", doc="The project's id for the network.", example="NET01"),
    Col("Navn", "name", doc="The network's name.", example="Byggeriets kompetencenetværk"),
    Col(
        "Branchegruppe",
        "industry_group",
        industry_group,
        doc="DST 10-group: number 1-11 or the Danish name, e.g. 3 or 'Bygge og anlæg'.",
        example="Bygge og anlæg",
    ),
    Col("Tema", "theme", doc="What the network works on.", example="Faglærte til grøn renovering"),
    Col(
        "Partner",
        "partner_id",
        partner,
        doc="The partner that facilitates the network (id or name from project.toml).",
        example="EUS1",
    ),
    Col(
        "Oprettet",
        "established_on",
        p.parse_date,
        aliases=("Oprettelsesdato",),
        doc="Date the network was founded.",
        example="15-03-2025",
    ),
)


def build_networks(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    records, index = records_with_partner(rows, ctx, NETWORK_COLUMNS, "Partner")
    return {"networks": frame(records, index)}


NETWORKS = ImportKind(
    name="networks",
    title_da="Virksomhedsnetværk",
    description="Company networks and clusters: industry group, theme, facilitating partner.",
    columns=NETWORK_COLUMNS,
    build=build_networks,
    tables=("networks",),
    aliases=("netværk", "netvaerk", "klynger"),
)


# --- network members -----------------------------------------------------------------------

MEMBER_COLUMNS = (
    Col("Netværks-ID", "network_id", doc="A network already imported.", example="NET01"),
    Col(
        "CVR-nummer",
        "cvr",
        p.cvr,
        aliases=("CVR",),
        doc="A company already imported.",
        example="99000015",
    ),
    Col(
        "Indmeldt",
        "joined_on",
        p.parse_date,
        aliases=("Indmeldelsesdato",),
        doc="Date the company joined.",
        example="15-03-2025",
    ),
    Col(
        "Udmeldt",
        "left_on",
        p.parse_date,
        required=False,
        blank_ok=True,
        aliases=("Udmeldelsesdato",),
        doc="Date the company left; blank while a member.",
        example="",
    ),
)


def build_network_members(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    records = _records(rows, ("network_id", "cvr", "joined_on", "left_on"))
    return {"network_memberships": frame(records, list(rows.index))}


NETWORK_MEMBERS = ImportKind(
    name="network-members",
    title_da="Netværksmedlemmer",
    description="Which companies are members of which network, from when to when.",
    columns=MEMBER_COLUMNS,
    build=build_network_members,
    tables=("network_memberships",),
    aliases=("netværksmedlemmer", "medlemmer"),
    notes="Import the networks and the companies first.",
)


# --- company contacts ----------------------------------------------------------------------

CONTACT_COLUMNS = (
    Col("Kontakt-ID", "contact_id", doc="Unique id of the contact in the log.", example="KT-0001"),
    Col("Dato", "contact_date", p.parse_date, doc="Date of the contact.", example="12-03-2025"),
    Col(
        "CVR-nummer",
        "cvr",
        p.cvr,
        aliases=("CVR",),
        doc="The company contacted (already imported).",
        example="99000015",
    ),
    Col(
        "Institution",
        "institution",
        doc="Who made the contact (school, jobcenter, erhvervshus, ...).",
        example="Erhvervsskole Nord",
    ),
    Col(
        "Institutionstype",
        "institution_type",
        p.code(InstitutionType),
        doc=f"Which system the contact came from: {InstitutionType.allowed()}.",
        example="Uddannelse",
    ),
    Col(
        "Kontaktform",
        "kind",
        p.code(ContactKind),
        doc=f"One of: {ContactKind.allowed()}.",
        example="Virksomhedsbesøg",
    ),
    Col(
        "Konsulent-ID",
        "consultant_id",
        required=False,
        blank_ok=True,
        doc="The project's consultant, if one of ours (already imported).",
        example="K01",
    ),
    Col(
        "Projekt",
        "external_project_id",
        required=False,
        blank_ok=True,
        aliases=("Projekt-ID",),
        doc="This project's id (project.id in project.toml) for its own contacts; another "
        "project's id (imported with external-projects); or blank for contacts outside any "
        "project. Blank with a Konsulent-ID counts as this project's own contact.",
        example="",
    ),
    Col(
        "Netværks-ID",
        "network_id",
        required=False,
        blank_ok=True,
        doc="The network the contact concerned, if any.",
        example="NET01",
    ),
)


def build_contacts(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    own = ctx.config.project_id.casefold()
    records = _records(rows, tuple(c.field for c in CONTACT_COLUMNS))
    for row, record in zip(rows.index, records, strict=True):
        project = record["external_project_id"]
        named_own = project is not None and project.casefold() == own
        # The log mixes our contacts with other projects' and with ordinary operation (a job
        # centre's own visits), so "ours" must be said, or implied by one of our consultants.
        record["own_project"] = named_own or (
            project is None and record["consultant_id"] is not None
        )
        if named_own:
            record["external_project_id"] = None
        elif project is not None and record["consultant_id"] is not None:
            ctx.problem(
                row,
                "Konsulent-ID",
                "the project's consultants log contacts for this project, not for another",
                record["consultant_id"],
            )
    return {"company_contacts": frame(records, list(rows.index))}


CONTACTS = ImportKind(
    name="contacts",
    title_da="Virksomhedskontakter",
    description="Contact log: who contacted which company, when, how, and for which project.",
    columns=CONTACT_COLUMNS,
    build=build_contacts,
    tables=("company_contacts",),
    aliases=("kontakter", "kontaktlog", "virksomhedskontakter"),
    notes="Log every contact, also those by other projects and institutions: the coordination "
    "analysis counts how many actors reach each company. Import companies, consultants, "
    "external projects and networks first.",
)


# --- competence supply plans ---------------------------------------------------------------

COMPETENCE_PLAN_COLUMNS = (
    Col(
        "CVR-nummer",
        "cvr",
        p.cvr,
        aliases=("CVR",),
        doc="The company (already imported).",
        example="99000015",
    ),
    Col(
        "Fagområde",
        "subject_area",
        doc="The competence or subject area (one spoke of the competence spider).",
        example="Tømrerfaget",
    ),
    Col("Dato", "plan_date", p.parse_date, doc="Date of the plan.", example="01-04-2025"),
    Col(
        "Nuværende niveau",
        "current_level",
        p.integer(1, 5),
        doc="Current level in the company, 1 (low) to 5 (high).",
        example="2",
    ),
    Col(
        "Krævet niveau",
        "required_level",
        p.integer(1, 5),
        doc="Level the company needs, 1 to 5.",
        example="4",
    ),
    Col(
        "Antal medarbejdere",
        "employees_concerned",
        p.integer(0),
        required=False,
        blank_ok=True,
        doc="How many employees the need concerns.",
        example="6",
    ),
)


def build_competence_plans(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    records = _records(rows, tuple(c.field for c in COMPETENCE_PLAN_COLUMNS))
    return {"competence_plans": frame(records, list(rows.index))}


COMPETENCE_PLANS = ImportKind(
    name="competence-plans",
    title_da="Kompetenceforsyningsplaner",
    description="Competence supply plans: per company and subject area the current and "
    "required level (the competence spider).",
    columns=COMPETENCE_PLAN_COLUMNS,
    build=build_competence_plans,
    tables=("competence_plans",),
    aliases=("kompetenceplaner", "kompetenceforsyningsplaner"),
    notes="One row per company, subject area and plan date; a later plan gets a new date.",
)
