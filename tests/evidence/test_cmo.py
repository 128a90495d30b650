"""The CMO register and its links to the quantitative results."""

from __future__ import annotations

import pandas as pd
import pytest

from research.evidence.cmo import LINKED, MISSING, UNLINKED, cmo_register, link_evidence
from research.evidence.frames import lift_frame
from research.evidence.subgroups import run_subgroup_analyses

D = pd.Timestamp


@pytest.fixture
def register() -> pd.DataFrame:
    observations = pd.DataFrame(
        {
            "observation_id": ["CMO2", "CMO1", "CMO3"],
            "recorded_on": [D("2026-02-01"), D("2025-05-20"), D("2026-03-01")],
            "researcher": ["ÅN", "ÅN", "BK"],
            "source": ["Interview", "Observation, WS1 i NET01", "Logbog"],
            "context": ["Ledige", "Små byggevirksomheder", "Deltagere under 02-kravet"],
            "mechanism_resource": ["Jobcenter", "Fælles workshop", "FVU"],
            "mechanism_reasoning": ["Usikkerhed", "Tør prioritere", "Tillid"],
            "outcome": ["Frafald", "Flere til RKV", "Gennemførelse"],
            "status": pd.Categorical(["supported", "hypothesised", "refined"]),
            "linked_metric": ["a", "  ", "b"],
            "network_id": [None, "NET01", None],
        }
    )
    return cmo_register({"cmo_observations": observations})


def test_the_register_is_tidy_and_dated(register) -> None:
    assert register["observation_id"].tolist() == ["CMO1", "CMO2", "CMO3"]  # oldest first
    assert register.loc[0, "mechanism"] == "Fælles workshop → Tør prioritere"
    assert register["status_label"].tolist() == ["Hypothesised", "Supported", "Refined"]
    assert pd.isna(register.loc[0, "linked_metric"])  # a blank key is no key
    danish = cmo_register({"cmo_observations": register.drop(columns=["mechanism"])}, lang="da")
    assert danish["status_label"].tolist() == ["Hypotese", "Understøttet", "Forfinet"]


def test_links_to_results_and_marks_missing_and_unlinked(register) -> None:
    results = pd.DataFrame(
        {"analysis": ["a", "a", "c"], "label": ["x", "y", "z"], "estimate": [0.1, 0.2, 0.3]}
    )
    out = link_evidence(register, results)
    status = out.groupby("observation_id")["link_status"].agg(list)
    assert status["CMO1"] == [UNLINKED]  # no key recorded
    assert status["CMO2"] == [LINKED, LINKED]  # one row per matching result
    assert status["CMO3"] == [MISSING]  # key "b": no such result exists
    assert out.loc[out["observation_id"] == "CMO2", "estimate"].tolist() == [0.1, 0.2]
    assert len(out) == 4 and "analysis" not in out


def test_a_mapping_names_tables_without_a_key_column(register) -> None:
    out = link_evidence(register, {"b": pd.DataFrame({"estimate": [1.5]})})
    row = out.set_index("observation_id").loc["CMO3"]
    assert row["link_status"] == LINKED and row["estimate"] == 1.5
    with pytest.raises(KeyError):
        link_evidence(register, [pd.DataFrame({"estimate": [1.0]})])


def test_the_demo_register_links_to_the_subgroup_analyses(small) -> None:
    """The simulated observations hypothesise the planted effects; those whose key names a
    subgroup analysis link to it, the others are honestly reported as missing evidence."""
    register = cmo_register(small.tables)
    assert len(register) == 8 and register["recorded_on"].is_monotonic_increasing
    results = run_subgroup_analyses(lift_frame(small.tables))
    out = link_evidence(register, results)
    by_key = out.groupby("linked_metric")["link_status"].first()
    assert by_key["completion_prep_interaction"] == LINKED
    assert by_key["completion_by_route"] == LINKED
    assert by_key["euv_track_mix"] == MISSING
    assert set(out["link_status"]) <= {LINKED, MISSING, UNLINKED}
