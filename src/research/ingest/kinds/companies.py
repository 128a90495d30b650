"""Company lists: the companies the programme and other projects contact."""

from __future__ import annotations

import pandas as pd

from research.domain.codes import SizeBand
from research.domain.industry import ten_group_for_db07, validate_db07
from research.ingest import parsers as p
from research.ingest.kinds.base import Col, Context, ImportKind, frame


def db07(value: object) -> str:
    try:
        return validate_db07(str(int(value)) if isinstance(value, int | float) else str(value))
    except ValueError as exc:
        raise ValueError(f"not a DB07 industry code ({exc})") from None


COMPANY_COLUMNS = (
    Col(
        "CVR-nummer",
        "cvr",
        p.cvr,
        aliases=("CVR",),
        doc="8 digits with a valid modulus-11 check.",
        example="99000015",
    ),
    Col(
        "Navn",
        "name",
        aliases=("Virksomhed", "Virksomhedsnavn"),
        doc="Company name.",
        example="Demo Byg ApS",
    ),
    Col("Branchekode", "db07", db07, aliases=("DB07",), doc="6-digit DB07 code.", example="412000"),
    Col(
        "Antal ansatte",
        "employees",
        p.integer(0),
        required=False,
        blank_ok=True,
        doc="Number of employees; gives the size band.",
        example="42",
    ),
    Col(
        "Kommune",
        "municipality_code",
        p.municipality,
        doc="Kommune code or name.",
        example="Ballerup",
    ),
    Col(
        "Syntetisk",
        "synthetic",
        p.boolean,
        required=False,
        blank_ok=True,
        doc="Ja for made-up demo companies; blank or Nej for real ones.",
        example="Ja",
    ),
)


def build_companies(rows: pd.DataFrame, ctx: Context) -> dict[str, pd.DataFrame]:
    records = [
        {
            "cvr": r["cvr"],
            "name": r["name"],
            "db07": r["db07"],
            "industry_group": ten_group_for_db07(r["db07"]),
            "employees": r["employees"],
            "size_band": None
            if r["employees"] is None
            else SizeBand.for_employees(r["employees"]).value,
            "municipality_code": r["municipality_code"],
            "synthetic": bool(r["synthetic"]),
        }
        for _, r in rows.iterrows()
    ]
    return {"companies": frame(records, list(rows.index))}


COMPANIES = ImportKind(
    name="companies",
    title_da="Virksomheder",
    description="Company list: CVR number, name, DB07 industry, size and municipality.",
    columns=COMPANY_COLUMNS,
    build=build_companies,
    tables=("companies",),
    aliases=("virksomheder",),
)
