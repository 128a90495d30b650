"""The network cycle: workshop 1 (needs), statements, the e-survey, workshop 2 (decisions).

These files let the evaluation follow each network from its needs to what was decided, and
see which statements the companies found relevant.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pandas as pd

from research.domain.codes import WorkshopKind, Ws2Decision
from research.ingest import parsers as p
from research.ingest.kinds.base import Col, Context, ImportKind, frame

# --- workshops and attendance --------------------------------------------------------------

WORKSHOP_COLUMNS = (
    Col(
        "Workshop-ID", "workshop_id", doc="The project's id for the workshop.", example="WS-NET01-1"
    ),
    Col(
        "Netværks-ID",
        "network_id",
        doc="The network holding it (already imported).",
        example="NET01",
    ),
    Col(
        "Type",
        "kind",
        p.code(WorkshopKind),
        doc="WS1 (needs) or WS2 (decision).",
        example="WS1",
    ),
    Col("Dato", "held_on", p.parse_date, doc="Date the workshop was held.", example="02-04-2025"),
    Col(
        "CVR-nummer",
        "cvr",
        p.cvr,
        aliases=("CVR",),
        doc="An attending company (already imported).",
        example="99000015",
    ),
    Col(
        "Antal deltagere",
        "attendees",
        p.integer(1),
        doc="How many people from the company attended (at least 1).",
        example="2",
    ),
)

WORKSHOP_FIELDS = ("network_id", "kind", "held_on")


def _shown(value: object) -> str:
    return value.strftime("%d-%m-%Y") if isinstance(value, date) else str(value)


def _agreed(values: list[object]) -> object:
    """The value most rows give (ties go to the first row), taken as the workshop's own."""
    counts = Counter(values)
    return max(values, key=lambda v: counts[v])


def build_workshops(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    workshops, workshop_rows = [], []
    for workshop_id, group in rows.groupby("workshop_id", sort=False):
        record: dict[str, object] = {"workshop_id": workshop_id}
        disagreeing: set[int] = set()
        for field in WORKSHOP_FIELDS:
            agreed = _agreed(list(group[field]))
            record[field] = agreed
            header = next(c.header for c in WORKSHOP_COLUMNS if c.field == field)
            for row, value in group[field].items():
                if value != agreed:
                    disagreeing.add(row)
                    reason = f"the other rows of workshop {workshop_id} say {_shown(agreed)}"
                    ctx.problem(row, header, reason, _shown(value))
        workshops.append(record)
        # Index the workshop by a row that agrees, so dropping bad rows (--lenient) keeps it.
        agreeing = [row for row in group.index if row not in disagreeing]
        workshop_rows.append(agreeing[0] if agreeing else group.index[0])
    attendance = [
        {"workshop_id": r["workshop_id"], "cvr": r["cvr"], "attendees": r["attendees"]}
        for _, r in rows.iterrows()
    ]
    return {
        "workshops": frame(workshops, workshop_rows),
        "workshop_attendance": frame(attendance, list(rows.index)),
    }


WORKSHOPS = ImportKind(
    name="workshops",
    title_da="Workshopdeltagelse",
    description="Workshop attendance: one row per attending company, the workshop's own "
    "columns repeated on each row.",
    columns=WORKSHOP_COLUMNS,
    build=build_workshops,
    tables=("workshops", "workshop_attendance"),
    aliases=("workshopdeltagelse", "workshopper"),
    notes="Rows of the same Workshop-ID must agree on Netværks-ID, Type and Dato; the rows that "
    "differ from the others are reported.",
)


# --- survey statements ---------------------------------------------------------------------

# A statement id is one word with a digit in it (U01, NET01-U03), so that a survey column
# headed "U01 Vi mangler svejsere" can be recognised by its first word.
STATEMENT_ID = re.compile(r"[\w-]*\d[\w-]*")
_STATEMENT_HEADER = re.compile(rf"\s*({STATEMENT_ID.pattern})(?:[\s:.)]|$)")


def statement_id(value: object) -> str:
    raw = p.text(value)
    if not STATEMENT_ID.fullmatch(raw):
        raise ValueError("a statement id is one word with a digit in it, e.g. U01")
    return raw


def statement_in_header(header: str) -> str | None:
    """The statement id a survey column's header starts with, if any."""
    match = _STATEMENT_HEADER.match(header)
    return match.group(1) if match else None


STATEMENT_COLUMNS = (
    Col(
        "Udsagns-ID",
        "statement_id",
        statement_id,
        doc="Unique id, one word with a digit (it heads the survey column).",
        example="U01",
    ),
    Col("Netværks-ID", "network_id", doc="The network (already imported).", example="NET01"),
    Col("Tema", "theme", doc="The theme from workshop 1.", example="Rekruttering"),
    Col(
        "Udsagn",
        "text",
        doc="The statement as put to the companies.",
        example="Vi mangler faglærte tømrere",
    ),
)


def build_statements(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    records = [{c.field: r[c.field] for c in STATEMENT_COLUMNS} for _, r in rows.iterrows()]
    return {"survey_statements": frame(records, list(rows.index))}


SURVEY_STATEMENTS = ImportKind(
    name="survey-statements",
    title_da="Udsagn til e-survey",
    description="The statements from workshop 1 that the network's e-survey asks about.",
    columns=STATEMENT_COLUMNS,
    build=build_statements,
    tables=("survey_statements",),
    aliases=("udsagn",),
    notes="Import the statements before the survey answers.",
)


# --- survey answers ------------------------------------------------------------------------

DONT_KNOW = {"ved ikke", "vi"}

ANSWER_COLUMNS = (
    Col("Svar-ID", "response_id", doc="The survey system's id for the response.", example="S-0001"),
    Col("Netværks-ID", "network_id", doc="The network whose survey this is.", example="NET01"),
    Col(
        "CVR-nummer",
        "cvr",
        p.cvr,
        aliases=("CVR",),
        doc="The responding company (already imported).",
        example="99000015",
    ),
    Col(
        "Besvaret",
        "answered_on",
        p.parse_date,
        aliases=("Dato",),
        doc="Date answered.",
        example="05-05-2025",
    ),
    Col(
        "Eget behov",
        "own_need",
        required=False,
        blank_ok=True,
        doc="The company's own needs, in its own words.",
        example="Kranførere",
    ),
)


_ANSWER_HEADERS = {name.casefold() for col in ANSWER_COLUMNS for name in col.names}


def is_statement_column(header: str) -> bool:
    """A survey column: not one of the template's own, and headed by a statement id."""
    return header.casefold() not in _ANSWER_HEADERS and statement_in_header(header) is not None


def relevance(value: object) -> int | None:
    """A rating 1-5, or None for "Ved ikke"."""
    if isinstance(value, str) and p.text(value).casefold() in DONT_KNOW:
        return None
    try:
        return p.integer(1, 5)(value)  # type: ignore[return-value]
    except ValueError:
        raise ValueError("write a relevance 1-5 or 'Ved ikke'") from None


def build_answers(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    statements = ctx.existing("survey_statements")
    networks = dict(zip(statements["statement_id"], statements["network_id"], strict=True))
    by_folded = {s.casefold(): s for s in networks}
    columns = _statement_columns(rows, by_folded, ctx)
    responses, answers, answer_rows = [], [], []
    seen: set[str] = set()
    for row, r in rows.iterrows():
        responses.append({c.field: r[c.field] for c in ANSWER_COLUMNS})
        if r["response_id"] in seen:
            continue  # a duplicate Svar-ID is reported on the responses
        seen.add(r["response_id"])
        for header, statement in columns.items():
            cell = r[f"extra:{header}"]
            if p.is_blank(cell):
                continue
            if statement is None:
                ctx.problem(row, header, "no such statement has been imported", cell)
                continue
            if str(networks[statement]) != r["network_id"]:
                ctx.problem(
                    row,
                    header,
                    f"statement {statement} belongs to network {networks[statement]}, "
                    f"not {r['network_id']}",
                    cell,
                )
                continue
            try:
                rating = relevance(cell)
            except ValueError as exc:
                ctx.problem(row, header, str(exc), cell)
                continue
            answers.append(
                {
                    "response_id": r["response_id"],
                    "statement_id": statement,
                    "relevance": rating,
                    "dont_know": rating is None,
                }
            )
            answer_rows.append(row)
    return {
        "survey_responses": frame(responses, list(rows.index)),
        "survey_answers": frame(answers, answer_rows),
    }


def _statement_columns(
    rows: pd.DataFrame, known: dict[str, str], ctx: Context
) -> dict[str, str | None]:
    """Each statement column's header and the stored statement it names (None: unknown)."""
    out: dict[str, str | None] = {}
    first: dict[str, str] = {}
    for column in rows.columns:
        if not column.startswith("extra:"):
            continue
        header = column.removeprefix("extra:")
        statement = known.get(str(statement_in_header(header)).casefold())
        if statement is not None and statement in first:
            ctx.problem(None, header, f"statement {statement} also has column '{first[statement]}'")
            continue
        if statement is not None:
            first[statement] = header
        out[header] = statement
    return out


SURVEY_ANSWERS = ImportKind(
    name="survey-answers",
    title_da="E-survey, svar",
    description="The e-survey export: one row per responding company, one column per statement "
    "(1-5 or Ved ikke).",
    columns=ANSWER_COLUMNS,
    build=build_answers,
    tables=("survey_responses", "survey_answers"),
    aliases=("survey", "e-survey", "surveysvar", "svar"),
    extra_columns=lambda header: is_statement_column(header),
    notes="Besides the columns below, one column per statement, its header starting with the "
    "statement id (`U01` or `U01 Vi mangler svejsere`). A cell holds a relevance 1-5, "
    "`Ved ikke` (also `VI`) or nothing (not answered). Each statement must be imported first "
    "(survey-statements) and belong to the row's network. A re-import updates answers but does "
    "not delete an answer whose cell has become blank.",
)


# --- WS2 decisions -------------------------------------------------------------------------

DECISION_COLUMNS = (
    Col("Beslutnings-ID", "decision_id", doc="Unique id of the decision.", example="B-0001"),
    Col(
        "Workshop-ID",
        "workshop_id",
        doc="The WS2 workshop where it was decided (already imported).",
        example="WS-NET01-2",
    ),
    Col(
        "Udsagns-ID",
        "statement_id",
        required=False,
        blank_ok=True,
        doc="The statement the decision answers, if any (same network as the workshop).",
        example="U01",
    ),
    Col(
        "Beslutning",
        "decision",
        p.code(Ws2Decision),
        doc=f"One of: {Ws2Decision.allowed()}.",
        example="Tilpas tilbud",
    ),
    Col(
        "Tilbud",
        "offer",
        required=False,
        blank_ok=True,
        doc="The offer adapted or used, or the recruitment service referred to.",
        example="AMU-pakke: Tømrer, renovering",
    ),
)


def build_decisions(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    workshops = ctx.existing("workshops").set_index("workshop_id")
    statements = ctx.existing("survey_statements").set_index("statement_id")["network_id"]
    records = []
    for row, r in rows.iterrows():
        if r["workshop_id"] in workshops.index:  # an unknown one is reported as a bad reference
            _check_decision(ctx, row, r, workshops.loc[r["workshop_id"]], statements)
        records.append({c.field: r[c.field] for c in DECISION_COLUMNS})
    return {"ws2_decisions": frame(records, list(rows.index))}


def _check_decision(
    ctx: Context, row: int, r: pd.Series, workshop: pd.Series, statements: pd.Series
) -> None:
    """Decisions belong to workshop 2, about a statement from the same network."""
    if workshop["kind"] != WorkshopKind.WS2.value:
        reason = f"decisions are made at a WS2 workshop; this one is a {workshop['kind']}"
        ctx.problem(row, "Workshop-ID", reason, r["workshop_id"])
    statement = r["statement_id"]
    if statement in statements.index and statements[statement] != workshop["network_id"]:
        reason = (
            f"the statement belongs to network {statements[statement]}, "
            f"the workshop to {workshop['network_id']}"
        )
        ctx.problem(row, "Udsagns-ID", reason, statement)


WS2_DECISIONS = ImportKind(
    name="ws2-decisions",
    title_da="Beslutninger på workshop 2",
    description="What workshop 2 decided: adapt an offer, use existing offers, or refer to "
    "recruitment.",
    columns=DECISION_COLUMNS,
    build=build_decisions,
    tables=("ws2_decisions",),
    aliases=("ws2-beslutninger", "beslutninger"),
    notes="The workshop must be imported first and be a WS2.",
)
