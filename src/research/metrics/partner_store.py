"""One partner's share of the store as SQL: ``partner.filter_to_partner`` for the store versions.

Why: the metrics counted in the store (``esf_store``, ``coordination_store``) never read the
tables into pandas, so a partner's report cannot hand them filtered frames. Instead their
queries start with :func:`scoped`, ``WITH`` entries whose names shadow the tables a metric
reads, each holding exactly the rows ``filter_to_partner`` keeps (a name inside its own ``WITH``
entry still means the stored table).
"""

from __future__ import annotations

from research.metrics.store_sql import text


def _partner_tables(partner_id: str) -> dict[str, str]:
    partner = text(partner_id)
    own_by_partner = (
        "coalesce(own_project, false) AND consultant_id IN "
        f"(SELECT consultant_id FROM consultants WHERE partner_id = {partner})"
    )
    networks = f"SELECT network_id FROM networks WHERE partner_id = {partner}"
    partner_companies = f"""
        SELECT cvr FROM company_contacts WHERE {own_by_partner}
        UNION SELECT cvr FROM network_memberships WHERE network_id IN ({networks})"""
    return {
        "enrolments": f"SELECT * FROM enrolments WHERE partner_id = {partner}",
        "participants": "SELECT * FROM participants WHERE participant_id IN "
        f"(SELECT participant_id FROM enrolments WHERE partner_id = {partner})",
        "network_memberships": "SELECT * FROM network_memberships "
        f"WHERE network_id IN ({networks})",
        "company_contacts": f"""SELECT * FROM company_contacts
            WHERE ({own_by_partner}) OR (NOT coalesce(own_project, false)
                AND cvr IN ({partner_companies}))""",
        # every company a kept row points at (``filter_to_partner``'s ``companies``)
        "competence_plans": f"""SELECT * FROM competence_plans WHERE cvr IN (
            {partner_companies}
            UNION SELECT cvr FROM participants WHERE participant_id IN
                (SELECT participant_id FROM enrolments WHERE partner_id = {partner})
            UNION SELECT cvr FROM company_contacts WHERE ({own_by_partner})
                OR (NOT coalesce(own_project, false) AND cvr IN ({partner_companies}))
            UNION SELECT cvr FROM survey_responses WHERE network_id IN ({networks})
            UNION SELECT cvr FROM workshop_attendance WHERE workshop_id IN
                (SELECT workshop_id FROM workshops WHERE network_id IN ({networks})))""",
    }


def scoped(tables: tuple[str, ...], partner_id: str | None) -> str:
    """``WITH`` entries (each ending in a comma; none for None, the whole programme) that
    narrow ``tables`` to the partner's rows: a query reads ``WITH {scoped(...)}own AS (...)``."""
    if partner_id is None:
        return ""
    sql = _partner_tables(partner_id)
    unknown = set(tables) - set(sql)
    if unknown:
        raise ValueError(f"no partner filter for {sorted(unknown)}")
    return "".join(f'"{name}" AS ({sql[name]}), ' for name in tables)
