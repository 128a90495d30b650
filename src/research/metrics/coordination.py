"""Coordination: are companies run over by many institutions, and do visits lead anywhere?

The network approach exists because companies were visited one at a time by many institutions,
often with no result. These figures read the shared contact log (``company_contacts``) to show
whether that changes. Every function is pure: store tables in, one tidy table out, with ``n``
the number of companies each figure rests on (for the disclosure step).

A contact is **this project's own** when it carries no other project's id *and* names one of the
project's consultants (``own_contacts``). A blank project id alone is not enough: job centres
and other institutions in the shared log carry no project id either.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.domain.codes import ContactKind, InstitutionType
from research.domain.period import Quarter, quarters_between
from research.metrics.common import CONFIDENCE, quarter_of, wilson_interval

VISIT = ContactKind.ONE_TO_ONE_VISIT.value


# each table's columns, in order (``coordination_store`` makes the same tables)
INSTITUTIONS_COLUMNS = [
    "quarter",
    "n",
    "contacts",
    "mean_institutions",
    "median_institutions",
    "threshold",
    "companies_at_threshold",
    "share_at_threshold",
    "ci_low",
    "ci_high",
]
FRUITLESS_COLUMNS = [
    "quarter",
    "n",
    "visits",
    "fruitless_visits",
    "share_fruitless",
    "ci_low",
    "ci_high",
    "visits_window_open",
    "window_days",
]
OVERLAP_COLUMNS = [
    "project_id",
    "project_name",
    "scope",
    "quarter",
    "n",
    "external_companies",
    "companies_both",
    "share_both",
    "ci_low",
    "ci_high",
]
MIX_COLUMNS = [
    "quarter",
    "dimension",
    "category",
    "contacts",
    "n",
    "quarter_contacts",
    "share",
]


def own_contacts(contacts: pd.DataFrame) -> pd.DataFrame:
    """The project's own contacts (``own_project``), not other projects' or ordinary operation's."""
    return contacts[contacts["own_project"].fillna(False).astype(bool)]


def _quarter_span(quarters: pd.Series) -> list[str]:
    """Every quarter from the first to the last in ``quarters`` (none when empty)."""
    present = quarters.dropna()
    if present.empty:
        return []
    first, last = Quarter.parse(str(present.min())), Quarter.parse(str(present.max()))
    return [str(q) for q in quarters_between(first, last)]


def _share_columns(
    out: pd.DataFrame, successes: str, trials: str, share: str, confidence: float
) -> pd.DataFrame:
    k = out[successes].to_numpy(dtype=float)
    n = out[trials].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[share] = np.where(n > 0, k / np.where(n > 0, n, 1.0), np.nan)
    out["ci_low"], out["ci_high"] = wilson_interval(k, n, confidence)
    return out


def institutions_per_company(
    contacts: pd.DataFrame, threshold: int = 3, confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """How many distinct institutions reach each contacted company, per quarter.

    Unit: a company (CVR) with at least one contact of any kind, from anyone in the shared log
    (this project, job centres, other projects, other institutions), in the quarter; the
    contact date decides the quarter. Institutions are told apart by their ``institution``
    name. Denominator ``n``: companies contacted in the quarter. Columns: ``contacts``;
    ``mean_institutions`` and ``median_institutions`` per company; ``companies_at_threshold``
    contacted by ``threshold`` or more distinct institutions, and their share of ``n`` with a
    Wilson interval (``ci_low``, ``ci_high``). Quarters without contacts have no row.
    """
    columns = INSTITUTIONS_COLUMNS
    c = contacts.assign(quarter=quarter_of(contacts["contact_date"]))
    per_company = (
        c.groupby(["quarter", "cvr"], observed=True)
        .agg(contacts=("institution", "size"), institutions=("institution", "nunique"))
        .reset_index()
    )
    per_company["many"] = per_company["institutions"] >= threshold
    by_quarter = per_company.groupby("quarter", observed=True)
    out = by_quarter.agg(
        n=("cvr", "size"),
        contacts=("contacts", "sum"),
        mean_institutions=("institutions", "mean"),
        median_institutions=("institutions", "median"),
        companies_at_threshold=("many", "sum"),
    ).reset_index()
    out["threshold"] = threshold
    out = _share_columns(out, "companies_at_threshold", "n", "share_at_threshold", confidence)
    out = out.astype({"n": "int64", "contacts": "int64", "companies_at_threshold": "int64"})
    out["mean_institutions"] = out["mean_institutions"].astype(float)
    out["median_institutions"] = out["median_institutions"].astype(float)
    return out[columns].sort_values("quarter").reset_index(drop=True)


def _company_events(
    enrolments: pd.DataFrame,
    participants: pd.DataFrame,
    competence_plans: pd.DataFrame,
    network_memberships: pd.DataFrame,
) -> pd.DataFrame:
    """Dated results per company: network joined, plan made, employee started an enrolment."""
    employer = participants.set_index("participant_id")["cvr"]
    starts = pd.DataFrame(
        {
            "cvr": enrolments["participant_id"].map(employer).to_numpy(),
            "event_on": enrolments["started_on"].to_numpy(),
        }
    )
    parts = [
        starts,
        pd.DataFrame(
            {
                "cvr": competence_plans["cvr"].to_numpy(),
                "event_on": competence_plans["plan_date"].to_numpy(),
            }
        ),
        pd.DataFrame(
            {
                "cvr": network_memberships["cvr"].to_numpy(),
                "event_on": network_memberships["joined_on"].to_numpy(),
            }
        ),
    ]
    events = pd.concat(parts, ignore_index=True)
    events["cvr"] = events["cvr"].astype("string")
    events["event_on"] = pd.to_datetime(events["event_on"]).astype("datetime64[ns]")
    return events.dropna().drop_duplicates()


def _latest_date(*dates: pd.Series) -> pd.Timestamp:
    stamps = [pd.to_datetime(d).max() for d in dates if len(d)]
    stamps = [s for s in stamps if pd.notna(s)]
    return max(stamps) if stamps else pd.Timestamp.min


def fruitless_visits(
    contacts: pd.DataFrame,
    enrolments: pd.DataFrame,
    participants: pd.DataFrame,
    competence_plans: pd.DataFrame,
    network_memberships: pd.DataFrame,
    window_days: int = 180,
    as_of: pd.Timestamp | str | None = None,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """One-to-one visits that led to nothing within ``window_days``, per quarter of the visit.

    Unit: a one-to-one visit (``kind`` one_to_one_visit) among the project's own contacts (see
    ``own_contacts``); each visit counts, also repeat visits to a company. The visit date
    decides the quarter. A visit is *fruitful* when, on a day from the visit day to
    ``window_days`` days after it (both included), the visited company joined a network
    (``joined_on``), got a competence supply plan (``plan_date``, any subject area), or an
    employee (``participants.cvr``) started any enrolment (``started_on``, side effects
    included); otherwise it is *fruitless*. Only events dated by ``as_of`` count.

    Excluded: visits after ``as_of``, and visits whose window has not closed by ``as_of``
    (visit date + ``window_days`` later than ``as_of``): they are counted in
    ``visits_window_open``, not in ``visits``. ``as_of`` defaults to the latest date found in
    the tables passed in (the data date). Denominator: ``visits`` (closed windows);
    ``fruitless_visits`` and ``share_fruitless`` with a Wilson interval; ``n`` is the number of
    distinct companies behind ``visits``.
    """
    columns = FRUITLESS_COLUMNS
    if as_of is None:
        stamp = _latest_date(
            contacts["contact_date"],
            enrolments["started_on"],
            enrolments["exit_on"],
            competence_plans["plan_date"],
            network_memberships["joined_on"],
        )
    else:
        stamp = pd.Timestamp(as_of)
    own = own_contacts(contacts)
    visits = own.loc[
        (own["kind"].astype("string") == VISIT) & (own["contact_date"] <= stamp),
        ["contact_id", "contact_date", "cvr"],
    ].copy()
    visits["cvr"] = visits["cvr"].astype("string")
    visits["contact_date"] = visits["contact_date"].astype("datetime64[ns]")
    window = pd.Timedelta(days=window_days)
    visits["closed"] = visits["contact_date"] + window <= stamp

    events = _company_events(enrolments, participants, competence_plans, network_memberships)
    events = events[events["event_on"] <= stamp].sort_values("event_on", kind="stable")
    visits = visits.sort_values("contact_date", kind="stable")
    # the first result on or after each visit day, for the same company
    matched = pd.merge_asof(
        visits,
        events,
        left_on="contact_date",
        right_on="event_on",
        by="cvr",
        direction="forward",
    )
    fruitful = matched["event_on"].notna() & (
        matched["event_on"] <= matched["contact_date"] + window
    )
    matched["fruitless"] = ~fruitful
    matched["quarter"] = quarter_of(matched["contact_date"])

    closed = matched[matched["closed"]]
    counted = closed.groupby("quarter", observed=True).agg(
        n=("cvr", "nunique"), visits=("contact_id", "size"), fruitless_visits=("fruitless", "sum")
    )
    open_ = matched[~matched["closed"]].groupby("quarter", observed=True).size()
    quarters = sorted(set(matched["quarter"].dropna()))
    out = counted.reindex(quarters, fill_value=0)
    out["visits_window_open"] = open_.reindex(quarters, fill_value=0)
    out = out.rename_axis("quarter").reset_index()
    out = out.astype(
        {
            "n": "int64",
            "visits": "int64",
            "fruitless_visits": "int64",
            "visits_window_open": "int64",
        }
    )
    out = _share_columns(out, "fruitless_visits", "visits", "share_fruitless", confidence)
    out["window_days"] = window_days
    return out[columns].reset_index(drop=True)


def external_overlap(
    contacts: pd.DataFrame, external_projects: pd.DataFrame, confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """Companies this project shares with each other project, per quarter and cumulatively.

    Unit: a company (CVR). For each project in ``external_projects`` and each quarter from the
    first to the last contact in the log (the contact date decides the quarter):
    ``scope`` "quarter" counts companies contacted in that quarter, "cumulative" companies
    contacted in that quarter or before. Denominator ``n``: companies contacted by this project
    (``own_contacts``, any kind of contact); ``companies_both``: of those, the companies the
    other project (``external_project_id``) contacted in the same scope; ``share_both`` with a
    Wilson interval. ``external_companies`` is the other project's own count in that scope.
    """
    columns = OVERLAP_COLUMNS
    log = contacts.assign(quarter=quarter_of(contacts["contact_date"]))
    quarters = _quarter_span(log["quarter"])
    if not quarters or external_projects.empty:
        return pd.DataFrame(columns=columns)
    own_log = own_contacts(log)
    own = own_log[["quarter", "cvr"]].drop_duplicates()
    # first quarters from the first dates: a min over quarter labels (strings) is slow
    own_first = quarter_of(own_log.groupby("cvr", observed=True)["contact_date"].min())

    def per_quarter(pairs: pd.DataFrame) -> np.ndarray:
        return pairs["quarter"].value_counts().reindex(quarters, fill_value=0).to_numpy()

    def first_seen(first: pd.Series) -> np.ndarray:
        return np.cumsum(first.value_counts().reindex(quarters, fill_value=0).to_numpy())

    frames = []
    for project in external_projects.sort_values("project_id").itertuples(index=False):
        their_log = log.loc[log["external_project_id"] == project.project_id]
        theirs = their_log[["quarter", "cvr"]].drop_duplicates()
        their_first = quarter_of(their_log.groupby("cvr", observed=True)["contact_date"].min())
        both = own.merge(theirs, on=["quarter", "cvr"])
        both_first = pd.concat([own_first, their_first], axis=1, join="inner").max(axis=1)
        for scope, mine, other, shared in (
            ("quarter", per_quarter(own), per_quarter(theirs), per_quarter(both)),
            ("cumulative", first_seen(own_first), first_seen(their_first), first_seen(both_first)),
        ):
            frames.append(
                pd.DataFrame(
                    {
                        "project_id": project.project_id,
                        "project_name": project.name,
                        "scope": scope,
                        "quarter": quarters,
                        "n": mine.astype("int64"),
                        "external_companies": other.astype("int64"),
                        "companies_both": shared.astype("int64"),
                    }
                )
            )
    out = pd.concat(frames, ignore_index=True)
    out = _share_columns(out, "companies_both", "n", "share_both", confidence)
    return out[columns]


def contact_mix(contacts: pd.DataFrame) -> pd.DataFrame:
    """The project's own contacts per quarter, by kind of contact and by institution type.

    Unit: a contact among ``own_contacts`` (each row of the log counts); the contact date
    decides the quarter. For every quarter from the project's first to its last contact and
    every code of ``dimension`` ("kind": one-to-one visit, network event, workshop;
    "institution_type"), ``contacts`` counts contacts, ``share`` is their share of the
    quarter's own contacts (the denominator ``quarter_contacts``), and ``n`` is the number of
    distinct companies behind ``contacts``. Codes without contacts appear with zeros, so the
    move from visits to networks shows as a complete series.
    """
    columns = MIX_COLUMNS
    own = own_contacts(contacts)
    own = own.assign(quarter=quarter_of(own["contact_date"]))
    quarters = _quarter_span(own["quarter"])
    if not quarters:
        return pd.DataFrame(columns=columns)
    totals = own.groupby("quarter", observed=True).size().reindex(quarters, fill_value=0)
    frames = []
    for dimension, codes in (("kind", ContactKind), ("institution_type", InstitutionType)):
        grid = pd.MultiIndex.from_product([quarters, codes.codes()], names=["quarter", "category"])
        keyed = own.assign(category=own[dimension].astype("string"))
        counts = keyed.groupby(["quarter", "category"], observed=True).agg(
            contacts=("cvr", "size"), n=("cvr", "nunique")
        )
        counts = counts.reindex(grid, fill_value=0).reset_index()
        counts.insert(1, "dimension", dimension)
        frames.append(counts)
    return mix_frame(frames, totals)


def mix_frame(frames: list[pd.DataFrame], totals: pd.Series) -> pd.DataFrame:
    """``contact_mix``'s table from its counts per dimension and the contacts per quarter
    (``coordination_store`` counts them in the store and must give the same table)."""
    out = pd.concat(frames, ignore_index=True).sort_values("quarter", kind="stable")
    out = out.reset_index(drop=True).astype({"contacts": "int64", "n": "int64"})
    out["quarter_contacts"] = out["quarter"].map(totals).astype("int64")
    out["share"] = np.where(
        out["quarter_contacts"] > 0,
        out["contacts"] / out["quarter_contacts"].where(out["quarter_contacts"] > 0, 1),
        np.nan,
    )
    return out[MIX_COLUMNS]
