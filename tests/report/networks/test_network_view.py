"""A workshop-2 brief shows its own network only, aggregated; imported decisions reach the
next brief and the members' company plans."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from research.config import load_programme_config
from research.ingest.importer import import_file
from research.report.companies import company_view
from research.report.companies import parts as company_parts
from research.report.kit.context import load_context
from research.report.networks import network_view, parts
from research.report.networks.view import MIN_COMPANIES

PLANTED = "Plantet-Qwv"


def _show_brief(view, lang="da") -> None:
    parts.show_front(view, lang)
    parts.show_response(view, lang)
    parts.show_statements(view, lang)
    parts.show_reliability(view, lang)
    parts.show_spider(view, lang)
    parts.show_decisions(view, lang)


@pytest.fixture(scope="module")
def ctx(small_db: Path):
    return load_context(small_db)


def _surveyed(tables) -> list[str]:
    return sorted(set(tables["survey_responses"]["network_id"]))


def test_a_brief_never_shows_another_networks_data(ctx, capture) -> None:
    mine, other = _surveyed(ctx.tables)[:2]
    t = {name: frame.copy() for name, frame in ctx.tables.items()}
    statements = t["survey_statements"]
    statements.loc[statements["network_id"] == other, "text"] = f"{PLANTED} udsagn"
    networks = t["networks"]
    networks.loc[networks["network_id"] == other, "theme"] = f"{PLANTED} tema"
    shared_members = set(
        t["network_memberships"].loc[t["network_memberships"]["network_id"] == mine, "cvr"]
    )
    plans = t["competence_plans"]
    outsiders = ~plans["cvr"].isin(shared_members)
    plans.loc[outsiders, "subject_area"] = f"{PLANTED} område"
    shown = capture()
    _show_brief(network_view(t, mine, ctx.as_of))
    text = shown.text()
    assert "Oplæg til workshop 2" in text
    assert PLANTED not in text
    assert f"Netværk {other}" not in text


def test_no_company_is_named_and_small_groups_are_left_out(ctx, capture) -> None:
    network = _surveyed(ctx.tables)[0]
    view = network_view(ctx.tables, network, ctx.as_of)
    shown = capture()
    _show_brief(view)
    text = shown.text()
    members = ctx.tables["network_memberships"]
    for cvr in members.loc[members["network_id"] == network, "cvr"]:
        assert cvr not in text
    names = ctx.tables["companies"].set_index("cvr")["name"]
    for cvr in members.loc[members["network_id"] == network, "cvr"]:
        assert names[cvr] not in text
    assert (view.gaps["n"] >= MIN_COMPANIES).all()
    rated = view.statements.dropna(subset=["mean_relevance"])
    assert (rated["n_rating"] >= MIN_COMPANIES).all()


def test_statements_show_intervals_and_dont_know_in_danish(ctx, capture) -> None:
    network = _surveyed(ctx.tables)[0]
    shown = capture()
    parts.show_statements(network_view(ctx.tables, network, ctx.as_of), "da")
    table = next(b for b in shown.blocks() if b["kind"] == "table")
    assert "Andel \u201cVed ikke\u201d" in table["columns"]
    interval = table["columns"].index("95 %-interval")
    assert any("\u00a0%)" in row[interval] for row in table["rows"])
    mean = table["columns"].index("Middel (1-5)")
    assert any("," in row[mean] for row in table["rows"])


@pytest.mark.e2e  # imports decisions, then builds a brief and a plan
def test_imported_decisions_appear_in_the_brief_and_the_members_plans(
    tmp_path: Path, small_db: Path, capture
) -> None:
    db = tmp_path / "ws2.duckdb"
    shutil.copyfile(small_db, db)
    tables = load_context(db).tables
    workshops = tables["workshops"]
    ws2 = workshops[workshops["kind"].astype(str) == "WS2"].iloc[0]
    statement = tables["survey_statements"].query("network_id == @ws2.network_id").iloc[0]
    source = tmp_path / "ws2-beslutninger.csv"
    source.write_text(
        "Beslutnings-ID;Workshop-ID;Udsagns-ID;Beslutning;Tilbud\n"
        f"B-TEST-1;{ws2.workshop_id};{statement.statement_id};Tilpas tilbud;"
        f"{PLANTED} AMU-pakke i ledelse\n",
        encoding="utf-8",
    )
    import_file("ws2-decisions", source, db, load_programme_config(), key=None)
    ctx = load_context(db, "2026Q3")
    shown = capture()
    _show_brief(network_view(ctx.tables, ws2.network_id, ctx.as_of))
    assert f"{PLANTED} AMU-pakke i ledelse" in shown.text()
    members = ctx.tables["network_memberships"]
    member = sorted(
        members.loc[(members["network_id"] == ws2.network_id) & members["left_on"].isna(), "cvr"]
    )[0]
    shown = capture()
    company_parts.show_decisions(company_view(ctx.tables, member, ctx.as_of), "da")
    assert f"{PLANTED} AMU-pakke i ledelse" in shown.text()
