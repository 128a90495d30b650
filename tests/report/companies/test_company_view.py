"""A company's plan shows its own data only, its imported plan exactly, and no person."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from research.config import load_programme_config
from research.domain.identifiers import find_cpr_shaped
from research.ingest.importer import import_file
from research.report.companies import companies_with_plan, company_view, parts
from research.report.companies.subject_areas import areas_for
from research.report.kit.context import ReportError, load_context

PLANTED = "Plantet-Zyx"


@pytest.fixture(scope="module")
def ctx(small_db: Path):
    return load_context(small_db)


def _pair_in_one_network(tables) -> tuple[str, str]:
    """Two companies with plans that are members of the same network (so a leak is likely)."""
    plans = set(tables["competence_plans"]["cvr"])
    members = tables["network_memberships"]
    members = members[members["cvr"].isin(plans) & members["left_on"].isna()]
    for _, group in members.groupby("network_id"):
        cvrs = sorted(set(group["cvr"]))
        if len(cvrs) >= 2:
            return cvrs[0], cvrs[1]
    raise AssertionError("the small demo has no network with two planned members")


def _plant(tables, other: str) -> dict:
    """The tables with a distinctive value in every kind of row that belongs to ``other``."""
    t = {name: frame.copy() for name, frame in tables.items()}
    companies = t["companies"]
    companies.loc[companies["cvr"] == other, "name"] = f"{PLANTED} ApS"
    contacts = t["company_contacts"]
    contacts.loc[contacts["cvr"] == other, "institution"] = f"{PLANTED} skole"
    plans = t["competence_plans"]
    plans.loc[plans["cvr"] == other, "subject_area"] = [
        f"{PLANTED} område {i}" for i in range((plans["cvr"] == other).sum())
    ]
    people = set(t["participants"].loc[t["participants"]["cvr"] == other, "participant_id"])
    edu = t["education_plans"]
    mine = edu["person_id"].isin(people)
    edu.loc[mine, "plan_id"] = [f"{PLANTED}-UP{i}" for i in range(mine.sum())]
    edu.loc[mine, "education"] = f"{PLANTED} uddannelse"
    responses = t["survey_responses"]
    responses.loc[responses["cvr"] == other, "own_need"] = f"{PLANTED} behov"
    return t


@pytest.mark.e2e  # builds whole company documents on a simulated programme
def test_a_company_document_never_shows_another_companys_data(ctx, capture) -> None:
    mine, other = _pair_in_one_network(ctx.tables)
    planted = _plant(ctx.tables, other)
    leak_check = company_view(planted, other, ctx.as_of)
    assert PLANTED in leak_check.name  # the planted values are really there to leak
    shown = capture()
    parts.show_plan(company_view(planted, mine, ctx.as_of), "da")
    text = shown.text()
    assert "Kompetenceforsyningsplan" in text
    assert PLANTED not in text
    assert other not in text


@pytest.mark.e2e  # builds whole company documents on a simulated programme
def test_no_cpr_number_or_pseudonym_is_shown(ctx, capture) -> None:
    # companies whose employees have an education plan: a view of every planned company is
    # a second apiece
    planned = ctx.tables["education_plans"]["person_id"]
    people = ctx.tables["participants"]
    employers = set(people.loc[people["participant_id"].isin(planned), "cvr"])
    candidates = [c for c in companies_with_plan(ctx.tables, ctx.as_of) if c in employers]
    with_lifts = [
        cvr for cvr in candidates[:10] if not company_view(ctx.tables, cvr, ctx.as_of).lifts.empty
    ][:5]
    assert with_lifts
    people = ctx.tables["participants"]
    for cvr in with_lifts:
        shown = capture()
        parts.show_plan(company_view(ctx.tables, cvr, ctx.as_of), "da")
        text = shown.text()
        for person in people.loc[people["cvr"] == cvr, "participant_id"]:
            assert person not in text
        assert find_cpr_shaped(text) == []
        assert "UP" in text  # the lifts are named by their education plan's id


def test_danish_formatting_decimal_comma_and_dates(ctx, capture) -> None:
    view = next(
        v
        for v in (
            company_view(ctx.tables, c, ctx.as_of)
            for c in companies_with_plan(ctx.tables, ctx.as_of)
        )
        if v.lifts["credit_weeks"].notna().any() and (v.lifts["credit_weeks"] % 1 != 0).any()
    )
    shown = capture()
    parts.show_lifts(view, "da")
    table = next(b for b in shown.blocks() if b["kind"] == "table")
    credit = table["columns"].index("Merit (uger)")
    cells = [row[credit] for row in table["rows"] if row[credit] != "–"]
    assert any("," in c for c in cells) and not any("." in c for c in cells)
    start = table["columns"].index("Start")
    assert all(re.fullmatch(r"\d\d-\d\d-\d{4}", row[start]) for row in table["rows"])


@pytest.mark.e2e  # builds whole company documents on a simulated programme
def test_the_spider_matches_the_imported_plan(tmp_path: Path, small_db: Path, capture) -> None:
    db = tmp_path / "plan.duckdb"
    shutil.copyfile(small_db, db)
    cvr = sorted(load_context(db).tables["companies"]["cvr"])[0]
    rows = [
        ("Digitale kompetencer", 2, 5, 4),
        ("Ledelse", 3, 3, 1),
        ("Grøn omstilling", 1, 4, 7),
        ("Hygiejne", 4, 2, ""),
    ]
    lines = ["CVR-nummer;Fagområde;Dato;Nuværende niveau;Krævet niveau;Antal medarbejdere"]
    lines += [f"{cvr};{a};15-09-2026;{c};{r};{e}" for a, c, r, e in rows]
    source = tmp_path / "kompetenceplaner.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_file("competence-plans", source, db, load_programme_config(), key=None)
    ctx = load_context(db, "2026Q3")
    view = company_view(ctx.tables, cvr, ctx.as_of)
    plan = view.plan.set_index("subject_area")
    for area, current, required, _ in rows:
        assert plan.at[area, "current"] == current
        assert plan.at[area, "required"] == required
        assert plan.at[area, "gap"] == max(required - current, 0)
    shown = capture()
    parts.show_spider(view, "da")
    figure = next(b for b in shown.blocks() if b["kind"] == "figure")
    for area, current, required, _ in rows:
        assert f"{area}: {current} og {required}" in figure["alt"]
        assert area in figure["svg"]
    sentences = parts.gap_sentences(view, "da")
    assert sentences[0].startswith("Grøn omstilling: fra niveau 1 til 4 (3 trin, 7 medarbejdere)")


def test_an_unknown_company_is_one_clear_error(ctx) -> None:
    with pytest.raises(ReportError, match="no company with CVR number '12345678'"):
        company_view(ctx.tables, "12345678", ctx.as_of)


def test_a_lift_is_read_at_the_quarters_end(ctx) -> None:
    """A lift that ends after the quarter is still running in that quarter's document."""
    view = next(
        v
        for v in (
            company_view(ctx.tables, c, ctx.as_of)
            for c in companies_with_plan(ctx.tables, ctx.as_of)
        )
        if (v.lifts["status"] == "running").any()
    )
    earlier = company_view(ctx.tables, view.cvr, ctx.as_of - pd.DateOffset(years=5))
    assert earlier.lifts.empty and earlier.plan.empty and earlier.contacts.empty


def test_subject_area_rules_match_word_starts_only() -> None:
    assert "Arbejdsmiljø og sikkerhed" in areas_for("AMU: Truckcertifikat")
    assert "Digitale kompetencer" in areas_for("AMU-pakke: digitale kompetencer")
    assert areas_for("Kvalitetssikring") == ["Kvalitet og dokumentation"]  # not "it"
    assert "Faglige kerneopgaver" in areas_for("Tømrer", "euv")
    assert areas_for("Tømrer") == []
