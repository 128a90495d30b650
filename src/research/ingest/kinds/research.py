"""The action researchers' register of context-mechanism-outcome observations.

Realist evaluation asks what works for whom in which context; each observation is a small,
dated claim that later evidence can support, refute or refine.
"""

from __future__ import annotations

import pandas as pd

from research.domain.codes import CmoStatus
from research.ingest import parsers as p
from research.ingest.kinds.base import Col, Context, ImportKind, frame

OBSERVATION_COLUMNS = (
    Col(
        "Observations-ID",
        "observation_id",
        doc="Unique id of the observation.",
        example="CMO-001",
    ),
    Col("Dato", "recorded_on", p.parse_date, doc="Date recorded.", example="20-05-2025"),
    Col("Forsker", "researcher", doc="Who recorded it (initials).", example="ÅN"),
    Col(
        "Kilde",
        "source",
        doc="Where it comes from: interview, observation at a workshop, document, data.",
        example="Observation, WS1 i NET01",
    ),
    Col(
        "Kontekst",
        "context",
        doc="The context (C): for whom and under which conditions.",
        example="Små byggevirksomheder uden HR-funktion",
    ),
    Col(
        "Mekanisme (ressource)",
        "mechanism_resource",
        doc="What the programme offered (the resource side of the mechanism).",
        example="Fælles workshop med andre virksomheder i branchen",
    ),
    Col(
        "Mekanisme (ræsonnement)",
        "mechanism_reasoning",
        doc="How people responded to it (the reasoning side of the mechanism).",
        example="Lederne ser, at kollegerne har samme mangel, og tør prioritere uddannelse",
    ),
    Col(
        "Udfald",
        "outcome",
        doc="The outcome (O) observed or expected.",
        example="Flere medarbejdere sendes til RKV",
    ),
    Col(
        "Status",
        "status",
        p.code(CmoStatus),
        doc=f"One of: {CmoStatus.allowed()}.",
        example="Hypotese",
    ),
    Col(
        "Koblet indikator",
        "linked_metric",
        required=False,
        blank_ok=True,
        doc="The indicator or target that can test it (e.g. a target key from project.toml).",
        example="rkv",
    ),
    Col(
        "Netværks-ID",
        "network_id",
        required=False,
        blank_ok=True,
        doc="The network it concerns, if one (already imported).",
        example="NET01",
    ),
)


def build_observations(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    records = [{c.field: r[c.field] for c in OBSERVATION_COLUMNS} for _, r in rows.iterrows()]
    return {"cmo_observations": frame(records, list(rows.index))}


OBSERVATIONS = ImportKind(
    name="observations",
    title_da="CMO-observationer",
    description="The action researchers' context-mechanism-outcome register.",
    columns=OBSERVATION_COLUMNS,
    build=build_observations,
    tables=("cmo_observations",),
    aliases=("observationer", "cmo"),
    notes="A later version of an observation (same Observations-ID) replaces the earlier one, "
    "e.g. when its status moves from Hypotese to Understøttet; the audit keeps the import.",
)
