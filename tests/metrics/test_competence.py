"""Competence gaps on hand-made supply plans whose numbers can be checked by eye."""

from __future__ import annotations

import pandas as pd
import pytest

from research.metrics.common import wilson_interval
from research.metrics.competence import (
    gaps_by_company,
    gaps_by_network,
    latest_plans,
    radar_data,
)
from research.store import TABLES

A, B, C, D = "10000001", "10000002", "10000003", "10000004"


def table(name: str, rows: list[dict]) -> pd.DataFrame:
    return TABLES[name].conform(pd.DataFrame(rows, columns=TABLES[name].columns))


def plan(cvr: str, area: str, day: str, current: int, required: int, employees) -> dict:
    return {
        "cvr": cvr,
        "subject_area": area,
        "plan_date": day,
        "current_level": current,
        "required_level": required,
        "employees_concerned": employees,
    }


PLANS = table(
    "competence_plans",
    [
        plan(A, "IT", "2026-01-10", 4, 3, 1),  # above the requirement: gap 0, not -1
        plan(A, "Dansk", "2026-06-01", 3, 4, 2),  # A's revised Danish plan (the latest)
        plan(A, "Dansk", "2026-01-10", 2, 4, 3),  # A's first Danish plan
        plan(B, "Dansk", "2026-02-01", 1, 4, None),  # employees not given
        plan(B, "IT", "2026-02-01", 2, 2, 5),
        plan(C, "Dansk", "2026-03-01", 3, 5, 4),
        plan(D, "IT", "2026-03-01", 1, 5, 10),  # D is in no network
    ],
)


def member(network: str, cvr: str, joined: str, left: str | None = None) -> dict:
    return {"network_id": network, "cvr": cvr, "joined_on": joined, "left_on": left}


MEMBERS = table(
    "network_memberships",
    [
        member("N1", A, "2025-12-01"),
        member("N1", B, "2026-01-01"),
        member("N1", C, "2025-12-01", "2026-04-01"),  # left N1 on 2026-04-01
        member("N2", A, "2026-02-01"),  # A is in two networks
    ],
)


def test_latest_plans():
    latest = latest_plans(PLANS).set_index(["cvr", "subject_area"])
    assert len(latest) == 6
    assert latest.loc[(A, "Dansk"), "plan_date"] == pd.Timestamp("2026-06-01")
    before = latest_plans(PLANS, as_of="2026-05-01").set_index(["cvr", "subject_area"])
    assert before.loc[(A, "Dansk"), "plan_date"] == pd.Timestamp("2026-01-10")
    assert len(latest_plans(PLANS, as_of="2026-01-31")) == 2  # only A's January plans


def test_gaps_by_company():
    out = gaps_by_company(PLANS).set_index(["cvr", "subject_area"])
    # A Dansk: latest plan 3 -> 4, gap 1, 2 employees; A IT: 4 -> 3, gap 0 (not -1)
    assert out.loc[(A, "Dansk"), ["current_level", "required_level", "gap"]].tolist() == [3, 4, 1]
    assert out.loc[(A, "Dansk"), "employees_concerned"] == 2
    assert out.loc[(A, "IT"), "gap"] == 0
    assert out.loc[(B, "Dansk"), "gap"] == 3 and pd.isna(
        out.loc[(B, "Dansk"), "employees_concerned"]
    )
    assert out.loc[(D, "IT"), "gap"] == 4
    assert (out["n"] == 1).all() and len(out) == 6
    # as of 2026-05-01 A's Danish plan is the January one: 2 -> 4, gap 2, 3 employees
    early = gaps_by_company(PLANS, as_of="2026-05-01").set_index(["cvr", "subject_area"])
    assert early.loc[(A, "Dansk"), ["gap", "employees_concerned"]].tolist() == [2, 3]


def test_gaps_by_network_current_members():
    # without as_of: members who have not left -> N1 {A, B}, N2 {A}; latest plans
    out = gaps_by_network(PLANS, MEMBERS).set_index(["network_id", "subject_area"])
    assert list(out.index) == [("N1", "Dansk"), ("N1", "IT"), ("N2", "Dansk"), ("N2", "IT")]
    # N1 Dansk: A (3 -> 4, gap 1, 2 employees), B (1 -> 4, gap 3, employees unknown)
    dansk = out.loc[("N1", "Dansk")]
    assert dansk["n"] == 2
    assert (dansk["mean_current"], dansk["mean_required"], dansk["mean_gap"]) == (2.0, 4.0, 2.0)
    assert (dansk["companies_with_gap"], dansk["share_with_gap"]) == (2, 1.0)
    assert (dansk["employees_concerned"], dansk["n_employees_known"]) == (2, 1)
    low, high = wilson_interval(2, 2)
    assert dansk["ci_low"] == pytest.approx(low) and dansk["ci_high"] == pytest.approx(high)
    # N1 IT: A (4 -> 3, gap 0), B (2 -> 2, gap 0): no company with a gap; 1 + 5 employees
    it = out.loc[("N1", "IT")]
    assert (it["n"], it["mean_current"], it["mean_required"], it["mean_gap"]) == (2, 3.0, 2.5, 0.0)
    assert (it["companies_with_gap"], it["share_with_gap"], it["employees_concerned"]) == (
        0,
        0.0,
        6,
    )
    # N2 holds A alone
    assert out.loc[("N2", "Dansk"), ["n", "mean_gap"]].tolist() == [1, 1.0]


def test_gaps_by_network_as_of():
    # on 2026-03-15 C is still in N1 (it leaves 2026-04-01), and A's Danish plan is January's
    out = gaps_by_network(PLANS, MEMBERS, as_of="2026-03-15").set_index(
        ["network_id", "subject_area"]
    )
    # N1 Dansk: A (2 -> 4, gap 2, 3 empl.), B (1 -> 4, gap 3), C (3 -> 5, gap 2, 4 empl.)
    dansk = out.loc[("N1", "Dansk")]
    assert dansk["n"] == 3
    assert dansk["mean_current"] == pytest.approx(2.0)
    assert dansk["mean_required"] == pytest.approx(13 / 3)
    assert dansk["mean_gap"] == pytest.approx(7 / 3)
    assert (dansk["companies_with_gap"], dansk["employees_concerned"]) == (3, 7)
    # on 2026-01-15 N2 has no members yet (A joins 2026-02-01) and N1 has A, B, C
    january = gaps_by_network(PLANS, MEMBERS, as_of="2026-01-15")
    assert set(january["network_id"]) == {"N1"}
    # only A's January plans exist by then
    assert january[["subject_area", "n"]].values.tolist() == [["Dansk", 1], ["IT", 1]]


def test_radar_data():
    # insert the areas out of order: the spider's spokes come sorted by subject area
    plans = pd.concat(
        [PLANS, table("competence_plans", [plan(B, "Arbejdsmiljø", "2026-02-01", 2, 3, 1)])]
    )
    out = radar_data(plans, MEMBERS, "N1")
    assert out["subject_area"].tolist() == ["Arbejdsmiljø", "Dansk", "IT"]
    assert out["mean_current"].tolist() == [2.0, 2.0, 3.0]
    assert out["mean_required"].tolist() == [3.0, 4.0, 2.5]
    assert out["n"].tolist() == [1, 2, 2]
    assert (out["network_id"] == "N1").all()
    assert radar_data(plans, MEMBERS, "N9").empty
