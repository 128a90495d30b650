"""The coordination figures counted where the data lie: DuckDB groups, pandas only finishes.

Why: at scale 1,000 the contact log, the enrolments and the participants are millions of rows,
and reading them into pandas costs gigabytes before anything is counted. Each function here
states its ``metrics.coordination`` namesake in SQL down to one row per quarter (and project),
then finishes the small result as that function does (the Wilson intervals, the complete
series of quarters and codes). The tests compare the two tables cell by cell.

Every function takes ``until`` (leave out contacts dated after it, as the report reads the
log up to the quarter's last day) and ``partner`` (one partner's share of the store, as
``partner.filter_to_partner`` makes it).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from research.domain.codes import ContactKind, InstitutionType
from research.domain.period import Quarter, quarters_between
from research.metrics.common import CONFIDENCE
from research.metrics.coordination import (
    FRUITLESS_COLUMNS,
    INSTITUTIONS_COLUMNS,
    MIX_COLUMNS,
    OVERLAP_COLUMNS,
    VISIT,
    _share_columns,
    mix_frame,
)
from research.metrics.partner_store import scoped
from research.store.connection import Connection
from research.store.read import query

Day = pd.Timestamp | date | str | None


def _quarter(column: str) -> str:
    """20263 for a date in 2026Q3: a number sorts and groups faster than a label, and only
    the grouped rows are named (:func:`_named`)."""
    return f"year({column}) * 10 + quarter({column})"


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    """The quarter numbers of :func:`_quarter` as ``common.quarter_of``'s labels ('2026Q3')."""
    frame["quarter"] = [f"{int(code) // 10}Q{int(code) % 10}" for code in frame["quarter"]]
    return frame


def _log(partner: str | None, until: Day, *more: str) -> tuple[str, dict]:
    """``WITH`` entries up to ``log``: the contact log (to ``until``), with its quarter."""
    tables = ("company_contacts", *more)
    where = "contact_date <= $until" if until is not None else "true"
    sql = f"""WITH {scoped(tables, partner)}log AS (
        SELECT *, {_quarter("contact_date")} AS quarter FROM company_contacts WHERE {where})"""
    params = {} if until is None else {"until": pd.Timestamp(until).to_pydatetime()}
    return sql, params


_OWN = "coalesce(own_project, false)"


def institutions_per_company_from_store(
    con: Connection,
    threshold: int = 3,
    confidence: float = CONFIDENCE,
    until: Day = None,
    partner: str | None = None,
) -> pd.DataFrame:
    """``coordination.institutions_per_company`` counted in the store, cell for cell."""
    log, params = _log(partner, until)
    out = query(
        con,
        f"""{log}, per_company AS (
            SELECT quarter, cvr, count(*) AS contacts,
                count(DISTINCT institution) AS institutions
            FROM log WHERE quarter IS NOT NULL AND cvr IS NOT NULL GROUP BY quarter, cvr)
        SELECT quarter, count(*) AS n, sum(contacts) AS contacts,
            sum(institutions) AS institutions, median(institutions) AS median_institutions,
            count(*) FILTER (WHERE institutions >= $threshold) AS companies_at_threshold
        FROM per_company GROUP BY quarter ORDER BY quarter""",
        {**params, "threshold": threshold},
    ).pipe(_named)
    out = out.astype({"n": "int64", "contacts": "int64", "companies_at_threshold": "int64"})
    out["quarter"] = out["quarter"].astype("string")
    out["mean_institutions"] = out["institutions"].astype(float) / out["n"]
    out["median_institutions"] = out["median_institutions"].astype(float)
    out["threshold"] = threshold
    out = _share_columns(out, "companies_at_threshold", "n", "share_at_threshold", confidence)
    columns = INSTITUTIONS_COLUMNS
    return out[columns].reset_index(drop=True)


def _latest_day(con: Connection, log: str, params: dict) -> pd.Timestamp:
    """``coordination._latest_date`` on the store: the latest date fruitless_visits reads."""
    latest = query(
        con,
        f"""{log}, dates AS (
            SELECT contact_date AS d FROM log
            UNION ALL SELECT started_on FROM enrolments UNION ALL SELECT exit_on FROM enrolments
            UNION ALL SELECT plan_date FROM competence_plans
            UNION ALL SELECT joined_on FROM network_memberships)
        SELECT max(d) AS d FROM dates""",
        params,
    )["d"].iloc[0]
    return pd.Timestamp.min if pd.isna(latest) else pd.Timestamp(latest).as_unit("ns")


def fruitless_visits_from_store(
    con: Connection,
    window_days: int = 180,
    as_of: Day = None,
    confidence: float = CONFIDENCE,
    until: Day = None,
    partner: str | None = None,
) -> pd.DataFrame:
    """``coordination.fruitless_visits`` counted in the store, cell for cell: each visit is
    matched to its company's first result on or after the visit day by an ASOF join."""
    read = ("enrolments", "participants", "competence_plans", "network_memberships")
    log, params = _log(partner, until, *read)
    stamp = _latest_day(con, log, params) if as_of is None else pd.Timestamp(as_of)
    out = query(
        con,
        f"""{log}, events AS (
            SELECT cvr, event_on FROM (
                SELECT p.cvr, e.started_on AS event_on FROM enrolments e
                    JOIN participants p ON p.participant_id = e.participant_id
                UNION ALL SELECT cvr, plan_date FROM competence_plans
                UNION ALL SELECT cvr, joined_on FROM network_memberships)
            WHERE cvr IS NOT NULL AND event_on <= $stamp),
        visits AS (
            SELECT contact_id, contact_date, cvr, quarter FROM log
            WHERE {_OWN} AND kind = '{VISIT}' AND contact_date <= $stamp),
        marked AS (
            SELECT v.cvr, v.quarter, v.contact_date + $window <= $stamp AS closed,
                coalesce(e.event_on > v.contact_date + $window, true) AS fruitless
            FROM visits v ASOF LEFT JOIN events e
                ON v.cvr = e.cvr AND e.event_on >= v.contact_date)
        SELECT quarter, count(DISTINCT cvr) FILTER (WHERE closed) AS n,
            count(*) FILTER (WHERE closed) AS visits,
            count(*) FILTER (WHERE closed AND fruitless) AS fruitless_visits,
            count(*) FILTER (WHERE NOT closed) AS visits_window_open
        FROM marked WHERE quarter IS NOT NULL GROUP BY quarter ORDER BY quarter""",
        {
            **params,
            "stamp": stamp.ceil("us").to_pydatetime(),  # Timestamp.min has nanoseconds
            "window": pd.Timedelta(days=window_days).to_pytimedelta(),
        },
    ).pipe(_named)
    out = out.astype(
        {
            "n": "int64",
            "visits": "int64",
            "fruitless_visits": "int64",
            "visits_window_open": "int64",
        }
    )
    # the dtype pandas gives a list of labels (and, with no visits, quarter_of's own)
    labels = out["quarter"].tolist()
    out["quarter"] = pd.Index(labels) if labels else out["quarter"].astype("string")
    out = _share_columns(out, "fruitless_visits", "visits", "share_fruitless", confidence)
    out["window_days"] = window_days
    columns = FRUITLESS_COLUMNS
    return out[columns].reset_index(drop=True)


def _span(con: Connection, log: str, params: dict, where: str) -> list[str]:
    """Every quarter from the first to the last contact of ``log`` matching ``where``."""
    first, last = query(
        con,
        f"{log} SELECT min(contact_date) AS a, max(contact_date) AS b FROM log WHERE {where}",
        params,
    ).iloc[0]
    if pd.isna(first):
        return []
    span = quarters_between(Quarter.containing(first), Quarter.containing(last))
    return [str(q) for q in span]


def external_overlap_from_store(
    con: Connection,
    confidence: float = CONFIDENCE,
    until: Day = None,
    partner: str | None = None,
) -> pd.DataFrame:
    """``coordination.external_overlap`` counted in the store, cell for cell: companies per
    project and quarter (pairs), and per project and quarter first seen (cumulative)."""
    columns = OVERLAP_COLUMNS
    log, params = _log(partner, until)
    quarters = _span(con, log, params, "true")
    projects = query(con, "SELECT project_id, name FROM external_projects ORDER BY project_id")
    if not quarters or projects.empty:
        return pd.DataFrame(columns=columns)
    counts = query(
        con,
        f"""{log},
        own AS (SELECT DISTINCT quarter, cvr FROM log WHERE {_OWN}),
        theirs AS (SELECT DISTINCT external_project_id AS project_id, quarter, cvr FROM log
                   WHERE external_project_id IN (SELECT project_id FROM external_projects)),
        own_first AS (SELECT cvr, min(contact_date) AS d FROM log
                      WHERE {_OWN} AND cvr IS NOT NULL GROUP BY cvr),
        their_first AS (SELECT external_project_id AS project_id, cvr, min(contact_date) AS d
                        FROM log WHERE cvr IS NOT NULL
                        AND external_project_id IN (SELECT project_id FROM external_projects)
                        GROUP BY ALL),
        both_first AS (SELECT t.project_id, greatest(o.d, t.d) AS d
                       FROM their_first t JOIN own_first o ON o.cvr = t.cvr)
        SELECT 'quarter' AS scope, 'own' AS who, NULL AS project_id, quarter, count(*) AS k
            FROM own GROUP BY quarter
        UNION ALL SELECT 'quarter', 'theirs', project_id, quarter, count(*)
            FROM theirs GROUP BY ALL
        UNION ALL SELECT 'quarter', 'both', t.project_id, t.quarter, count(*)
            FROM theirs t JOIN own o
            ON o.quarter IS NOT DISTINCT FROM t.quarter AND o.cvr IS NOT DISTINCT FROM t.cvr
            GROUP BY ALL
        UNION ALL SELECT 'cumulative', 'own', NULL, {_quarter("d")}, count(*)
            FROM own_first GROUP BY ALL
        UNION ALL SELECT 'cumulative', 'theirs', project_id, {_quarter("d")}, count(*)
            FROM their_first GROUP BY ALL
        UNION ALL SELECT 'cumulative', 'both', project_id, {_quarter("d")}, count(*)
            FROM both_first GROUP BY ALL""",
        params,
    )
    counts = _named(counts[counts["quarter"].notna()].copy())

    def series(scope: str, who: str, project: str | None) -> np.ndarray:
        rows = counts[(counts["scope"] == scope) & (counts["who"] == who)]
        if project is not None:
            rows = rows[rows["project_id"] == project]
        per_quarter = rows.set_index("quarter")["k"].reindex(quarters, fill_value=0).to_numpy()
        return np.cumsum(per_quarter) if scope == "cumulative" else per_quarter

    frames = []
    for project in projects.itertuples(index=False):
        for scope in ("quarter", "cumulative"):
            frames.append(
                pd.DataFrame(
                    {
                        "project_id": project.project_id,
                        "project_name": project.name,
                        "scope": scope,
                        "quarter": quarters,
                        "n": series(scope, "own", None).astype("int64"),
                        "external_companies": series(scope, "theirs", project.project_id).astype(
                            "int64"
                        ),
                        "companies_both": series(scope, "both", project.project_id).astype("int64"),
                    }
                )
            )
    out = pd.concat(frames, ignore_index=True)
    out = _share_columns(out, "companies_both", "n", "share_both", confidence)
    return out[columns]


def contact_mix_from_store(
    con: Connection, until: Day = None, partner: str | None = None
) -> pd.DataFrame:
    """``coordination.contact_mix`` counted in the store, cell for cell."""
    columns = MIX_COLUMNS
    log, params = _log(partner, until)
    quarters = _span(con, log, params, _OWN)
    if not quarters:
        return pd.DataFrame(columns=columns)
    counts = query(
        con,
        f"""{log}, own AS (SELECT * FROM log WHERE {_OWN} AND quarter IS NOT NULL)
        SELECT 'total' AS dimension, NULL AS category, quarter, count(*) AS contacts,
            NULL AS n FROM own GROUP BY quarter
        UNION ALL SELECT 'kind', kind, quarter, count(*), count(DISTINCT cvr)
            FROM own WHERE kind IS NOT NULL GROUP BY ALL
        UNION ALL SELECT 'institution_type', institution_type, quarter, count(*),
            count(DISTINCT cvr) FROM own WHERE institution_type IS NOT NULL GROUP BY ALL""",
        params,
    ).pipe(_named)
    totals = counts[counts["dimension"] == "total"].set_index("quarter")["contacts"]
    totals = totals.reindex(quarters, fill_value=0)
    frames = []
    for dimension, codes in (("kind", ContactKind), ("institution_type", InstitutionType)):
        grid = pd.MultiIndex.from_product([quarters, codes.codes()], names=["quarter", "category"])
        found = counts[counts["dimension"] == dimension].set_index(["quarter", "category"])
        found = found[["contacts", "n"]].reindex(grid, fill_value=0).reset_index()
        found.insert(1, "dimension", dimension)
        frames.append(found)
    return mix_frame(frames, totals)
