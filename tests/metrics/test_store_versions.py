"""The families counted in the store equal their pandas versions on simulated programmes of
several seeds, scales and dates, cell for cell: progress, ESF and coordination, for the whole
programme and for one partner."""

from __future__ import annotations

import pandas as pd
import pytest

from research.config import load_programme_config
from research.domain.period import Quarter
from research.metrics import coordination, coordination_store, esf, esf_store
from research.metrics.partner import filter_to_partner
from research.metrics.progress import progress_series
from research.metrics.progress_store import progress_series_from_store
from research.simulate import simulate
from research.store import connect, read_tables

pytestmark = pytest.mark.validation  # simulates whole programmes

PROGRAMMES = [(3, 0.2, "2025-12-31"), (7, 1.0, "2026-09-30"), (19, 0.5, "2027-06-30")]


@pytest.fixture(scope="module", params=PROGRAMMES, ids=lambda p: f"seed{p[0]}-scale{p[1]}")
def programme(request, tmp_path_factory):
    seed, scale, until = request.param
    db = tmp_path_factory.mktemp("programme") / "p.duckdb"
    simulate(db, load_programme_config(), seed=seed, scale=scale, until=until)
    con = connect(db, read_only=True)
    yield con, read_tables(con), pd.Timestamp(until)
    con.close()


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_progress_counts_the_same(programme):
    con, tables, until = programme
    config = load_programme_config()
    last = Quarter.containing(until.date())
    for through in (last.previous().previous(), last):
        _same(
            progress_series_from_store(con, config, through),
            progress_series(tables, config, through),
        )


@pytest.mark.parametrize("partner", [None, "EUS1"])
def test_esf_counts_the_same(programme, partner):
    con, tables, until = programme
    t = filter_to_partner(tables, partner) if partner else tables
    people, enrolments = t["participants"], t["enrolments"]
    made: dict = {}
    for as_of in (None, until - pd.DateOffset(months=9)):
        for indicator_set in esf.INDICATOR_SETS:
            _same(
                esf_store.esf_indicators_from_store(con, indicator_set, as_of, partner, made),
                esf.esf_indicators(people, enrolments, indicator_set, as_of),
            )
        _same(
            esf_store.esf_by_quarter_from_store(con, "esfplus", as_of, partner=partner, made=made),
            esf.esf_by_quarter(people, enrolments, "esfplus", as_of),
        )


@pytest.mark.parametrize("partner", [None, "EUS1"])
def test_coordination_counts_the_same(programme, partner):
    con, tables, until = programme
    t = filter_to_partner(tables, partner) if partner else tables
    for cut in (None, until - pd.DateOffset(months=6)):
        log = t["company_contacts"]
        if cut is not None:
            log = log[log["contact_date"] <= cut].reset_index(drop=True)
        _same(
            coordination_store.institutions_per_company_from_store(con, until=cut, partner=partner),
            coordination.institutions_per_company(log),
        )
        _same(
            coordination_store.fruitless_visits_from_store(
                con, as_of=cut, until=cut, partner=partner
            ),
            coordination.fruitless_visits(
                log,
                t["enrolments"],
                t["participants"],
                t["competence_plans"],
                t["network_memberships"],
                as_of=cut,
            ),
        )
        _same(
            coordination_store.external_overlap_from_store(con, until=cut, partner=partner),
            coordination.external_overlap(log, t["external_projects"]),
        )
        _same(
            coordination_store.contact_mix_from_store(con, until=cut, partner=partner),
            coordination.contact_mix(log),
        )
