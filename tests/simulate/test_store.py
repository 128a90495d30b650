"""The simulated database passes the store's validation, is deterministic and is censored."""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import pytest

from research.domain.identifiers import is_valid_cvr
from research.errors import StoreError
from research.simulate import simulate
from research.store import connect, read_table
from research.store.tables import TABLES
from research.store.validate import check_references, check_rows
from tests.simulate.conftest import END, MID


def _hashes(path) -> dict[str, str]:
    """sha256 of each table's contents, sorted by every column."""
    out = {}
    with connect(path, read_only=True) as con:
        for table in TABLES:
            cols = ", ".join(f'"{c}"' for c in TABLES[table].columns)
            rows = con.execute(f'SELECT {cols} FROM "{table}" ORDER BY ALL').fetchall()
            out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


@pytest.mark.validation  # reads a whole scale-1 programme (a large-scale check)
def test_every_table_validates_when_read_back(end_db) -> None:
    path, _ = end_db
    with connect(path, read_only=True) as con:
        frames = {t: read_table(con, t) for t in TABLES}
        for table, frame in frames.items():
            assert check_rows(table, frame) == [], table
            assert check_references(con, table, frame, {}) == [], table


@pytest.mark.validation  # two more whole simulations (about 12 s)
@pytest.mark.validation  # reads a whole scale-1 programme (a large-scale check)
def test_same_seed_same_database_other_seed_different(end_db, tmp_path, config) -> None:
    path, _ = end_db
    again = tmp_path / "again.duckdb"
    simulate(again, config, seed=2025, scale=1.0, until=END)
    assert _hashes(again) == _hashes(path)
    other = tmp_path / "other.duckdb"
    simulate(other, config, seed=2026, scale=1.0, until=END)
    different = {t for t, h in _hashes(other).items() if h != _hashes(path)[t]}
    assert {"participants", "enrolments", "company_contacts", "survey_answers"} <= different


def test_refuses_to_overwrite_unless_asked(tmp_path, config) -> None:
    path = tmp_path / "copy.duckdb"
    early = date(2025, 6, 30)  # a small programme: only what refusing and replacing need
    simulate(path, config, seed=1, scale=0.05, until=early)
    with pytest.raises(StoreError):
        simulate(path, config, seed=1, scale=0.05, until=early)
    summary = simulate(path, config, seed=2, scale=0.05, until=early, replace=True)
    with connect(path, read_only=True) as con:
        n = con.execute("SELECT count(*) FROM participants").fetchall()[0][0]
    assert n == summary.rows["participants"]


EVENT_DATES = {
    "consultants": ["joined_on", "left_on"],
    "networks": ["established_on"],
    "network_memberships": ["joined_on", "left_on"],
    "company_contacts": ["contact_date"],
    "workshops": ["held_on"],
    "survey_responses": ["answered_on"],
    "competence_plans": ["plan_date"],
    "participants": ["first_entry_on"],
    "enrolments": ["started_on", "exit_on"],
    "rkv_results": ["started_on", "ended_on"],
    "cmo_observations": ["recorded_on"],
}


@pytest.mark.validation  # reads a whole scale-1 programme (a large-scale check)
def test_nothing_happens_after_the_data_date(mid_db) -> None:
    path, summary = mid_db
    until = pd.Timestamp(MID)
    with connect(path, read_only=True) as con:
        for table, columns in EVENT_DATES.items():
            frame = read_table(con, table)
            for column in columns:
                assert not (frame[column] > until).any(), (table, column)
        e = read_table(con, "enrolments")
        followed = e[e["status_6_months"].notna()]
        assert (followed["exit_on"] + pd.DateOffset(months=6) <= until).all()
        assert e.loc[e["exit_on"].isna(), "status_on_leaving"].isna().all()
        panel = read_table(con, "company_panel")
        assert panel["year"].max() == MID.year - 1
        ci = read_table(con, "comparison_individuals")
        assert (ci["reference_date"] + pd.Timedelta(days=183) <= until).all()
    assert summary.euv_in_progress > 0


@pytest.mark.validation  # reads a whole scale-1 programme (a large-scale check)
def test_mid_project_is_the_end_database_as_it_was(mid_db, end_db) -> None:
    """Generating everything first and cutting afterwards: every mid-project enrolment is an
    end-of-project enrolment with the same start."""
    with connect(mid_db[0], read_only=True) as con:
        mid = read_table(con, "enrolments").set_index("enrolment_id")
    with connect(end_db[0], read_only=True) as con:
        end = read_table(con, "enrolments").set_index("enrolment_id")
    assert set(mid.index) <= set(end.index)
    assert (mid["started_on"] == end.loc[mid.index, "started_on"]).all()
    closed = mid["exit_on"].notna()
    assert (mid.loc[closed, "exit_on"] == end.loc[mid.index[closed], "exit_on"]).all()


@pytest.mark.validation  # reads a whole scale-1 programme (a large-scale check)
def test_companies_and_people_are_marked_synthetic(end_db) -> None:
    path, _ = end_db
    with connect(path, read_only=True) as con:
        for table in ("companies", "participants", "company_panel", "comparison_individuals"):
            assert read_table(con, table)["synthetic"].all(), table
        companies = read_table(con, "companies")
        panel = read_table(con, "company_panel")
    for cvr in pd.concat([companies["cvr"], panel["cvr"]]).unique():
        assert cvr.startswith("99") and is_valid_cvr(cvr)
    assert not set(panel.loc[~panel["participating"], "cvr"]) & set(companies["cvr"])


@pytest.mark.validation  # reads a whole scale-1 programme (a large-scale check)
def test_ages_and_eligibility(end_db) -> None:
    path, _ = end_db
    with connect(path, read_only=True) as con:
        p = read_table(con, "participants").set_index("participant_id")
        e = read_table(con, "enrolments")
    euv = e[e["programme_kind"] == "euv"]
    birth = p.loc[euv["participant_id"], "birth_date"].to_numpy()
    age = (euv["started_on"].to_numpy() - birth) / pd.Timedelta(days=365.25)
    assert age.min() >= 25 and age.max() < 70
    employed = p["employment_status"].isin(["employed", "self_employed"])
    assert p.loc[employed, "cvr"].notna().all()
    assert p.loc[~employed, "cvr"].isna().all()
    first = e.groupby("participant_id")["started_on"].min()
    assert (p.loc[first.index, "first_entry_on"] == first).all()


def test_a_database_before_the_start_is_empty_but_valid(tmp_path, config) -> None:
    summary = simulate(
        tmp_path / "early.duckdb", config, seed=3, scale=0.2, until=config.period.start
    )
    assert summary.participants_total == 0
    assert summary.rows["partners"] == len(config.partners)
