"""One partner's share of the data: what a college's or consultancy's own report is built from.

A partner owns its enrolments, RKVs and education plans (``partner_id``), its networks (and so
their workshops, surveys and decisions), and the contacts its consultants made. Companies and
participants are kept when any owned row points at them, so every kept row still has its
references. Other institutions' contacts with the partner's companies stay in: coordination is
about everyone who knocks on the same door.
"""

from __future__ import annotations

import pandas as pd

from research.metrics.common import Tables


def _keep(frame: pd.DataFrame, column: str, values: set) -> pd.DataFrame:
    return frame[frame[column].isin(values)].reset_index(drop=True)


def filter_to_partner(tables: Tables, partner_id: str) -> Tables:
    """The tables as if the partner's rows (and what they refer to) were the whole programme."""
    t = dict(tables)
    out: Tables = dict(tables)
    for name in ("enrolments", "rkv_results", "education_plans", "consultants", "networks"):
        out[name] = _keep(t[name], "partner_id", {partner_id})
    networks = set(out["networks"]["network_id"])
    for name in (
        "network_memberships",
        "workshops",
        "survey_statements",
        "survey_responses",
        "cmo_observations",
    ):
        out[name] = _keep(t[name], "network_id", networks)
    out["workshop_attendance"] = _keep(
        t["workshop_attendance"], "workshop_id", set(out["workshops"]["workshop_id"])
    )
    out["survey_answers"] = _keep(
        t["survey_answers"], "response_id", set(out["survey_responses"]["response_id"])
    )
    out["ws2_decisions"] = _keep(
        t["ws2_decisions"], "workshop_id", set(out["workshops"]["workshop_id"])
    )
    contacts = t["company_contacts"]
    own = contacts["own_project"].fillna(False).astype(bool)
    by_partner = contacts["consultant_id"].isin(set(out["consultants"]["consultant_id"]))
    partner_companies = set(contacts.loc[own & by_partner, "cvr"]) | set(
        out["network_memberships"]["cvr"]
    )
    out["company_contacts"] = contacts[
        (own & by_partner) | (~own & contacts["cvr"].isin(partner_companies))
    ].reset_index(drop=True)
    people = set(out["enrolments"]["participant_id"])
    out["participants"] = _keep(t["participants"], "participant_id", people)
    companies = (
        partner_companies
        | set(out["participants"]["cvr"].dropna())
        | set(out["company_contacts"]["cvr"])
        | set(out["survey_responses"]["cvr"])
        | set(out["workshop_attendance"]["cvr"])
    )
    out["companies"] = _keep(t["companies"], "cvr", companies)
    out["competence_plans"] = _keep(t["competence_plans"], "cvr", companies)
    return out
