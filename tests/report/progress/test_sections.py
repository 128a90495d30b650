"""Report sections 3-9 on a small simulated programme: they build in every situation a report
meets, publish no small person counts, publish the metrics' own numbers, and show no ids.

Situations: the whole programme (Danish), a partner with data (English), a partner with no
networks or participants (Danish), and the project's first quarter (English) — so every builder
runs in both languages, for a partner and early on. Each section is built (and rendered) once
per situation and cached for the module, to keep the file quick.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research.metrics.competence import gaps_by_network
from research.metrics.composition import composition, recruitment_by_job_centre, side_effects
from research.metrics.coordination import fruitless_visits, institutions_per_company
from research.metrics.disclosure import MARKER, suppress_tidy
from research.metrics.esf import esf_indicators
from research.metrics.funnels import company_funnel, unemployed_funnel
from research.metrics.progress import INDICATORS
from research.metrics.survey import response_rate, statement_results
from research.metrics.timeliness import form_timeliness
from research.quality import CheckReport, Finding, check_database
from research.report.kit.context import ReportContext, load_context
from research.report.kit.publish import PublishedTable
from research.report.kit.quarter.composition import composition_section
from research.report.kit.quarter.funnels import funnels
from research.report.kit.section import Section, Text, section_html
from research.report.kit.section_helpers import too_few
from research.report.progress.caveats import UNITS_DA, caveats
from research.report.progress.coordination import coordination
from research.report.progress.networks import networks
from research.report.progress.quality import check_report, findings_table, quality
from research.report.progress.side_effects import side_effects_section

# Every section built (and rendered) in four situations is a report build of 10-20 s of CPU:
# the module is in the e2e tier; the metrics it checks against have their own unit tests.
pytestmark = pytest.mark.e2e

CASES: dict[str, dict] = {
    "programme-da": {"quarter": "2026Q3", "lang": "da"},
    "partner-en": {"quarter": "2026Q3", "lang": "en", "partner": "EUS1"},
    "empty-partner-da": {"quarter": "2026Q3", "lang": "da", "partner": "LEAD"},
    "early-en": {"quarter": "2025Q1", "lang": "en"},
}
BUILDERS: dict[str, tuple[int, Callable[[ReportContext], Section]]] = {
    "funnels": (3, funnels),
    "composition": (4, composition_section),
    "coordination": (5, coordination),
    "networks": (6, networks),
    "side_effects": (7, side_effects_section),
    "quality": (8, quality),
    "caveats": (9, caveats),
}

PAIRS = [(case, name) for case in CASES for name in BUILDERS]
CPR_LIKE = re.compile(r"\d{6}-?\d{4}")
IMAGE_DATA = re.compile(r'src="data:image/[a-z]+;base64,[^"]*"')
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


@pytest.fixture(scope="module")
def contexts(small_db: Path) -> dict[str, ReportContext]:
    return {case: load_context(small_db, **kwargs) for case, kwargs in CASES.items()}


@pytest.fixture(scope="module")
def built(contexts) -> Callable[[str, str], tuple[Section, str]]:
    """(section, its HTML) per situation and builder, built on first use."""
    cache: dict[tuple[str, str], tuple[Section, str]] = {}

    def get(case: str, name: str) -> tuple[Section, str]:
        if (case, name) not in cache:
            section = BUILDERS[name][1](contexts[case])
            cache[(case, name)] = (section, section_html(section))
        return cache[(case, name)]

    return get


def table(section: Section, name: str) -> PublishedTable:
    found = [t for t in section.tables() if t.name == name]
    assert found, f"no table {name} in {section.title}"
    return found[0]


def shown(value) -> bool:
    return not (isinstance(value, str) and value == MARKER) and not pd.isna(value)


# --- every section in every situation -----------------------------------------------------------


@pytest.mark.parametrize(("case", "name"), PAIRS)
def test_builds_with_a_numbered_title(built, contexts, case, name):
    section, html = built(case, name)
    number = BUILDERS[name][0]
    assert section.title.startswith(f"{number}. ")
    assert section.items, "a section always says something, if only 'no data'"
    for t in section.tables():
        assert t.lang == contexts[case].lang
        assert t.rule == contexts[case].rule
        assert SNAKE.match(t.name), t.name
    assert html.startswith("<h2>") and len(html) > len(section.title) + 9


@pytest.mark.parametrize(("case", "name"), PAIRS)
def test_person_counts_show_no_small_groups(built, contexts, case, name):
    section, _ = built(case, name)
    min_cell = contexts[case].rule.min_cell
    for t in section.tables():
        data = t.as_data()
        if t.person_rows:
            data = data[data[t.person_rows].astype(bool)]
        for column in t.person_counts:
            for value in data[column]:
                if shown(value):
                    assert not 1 <= float(value) < min_cell, (t.name, column, value)


@pytest.mark.parametrize(("case", "name"), PAIRS)
def test_no_cpr_or_ids_in_html_and_no_ids_in_csv(built, contexts, case, name):
    section, html = built(case, name)
    text = IMAGE_DATA.sub('src=""', html)  # the HTML as read: tables, texts, alt texts
    assert not CPR_LIKE.search(text), CPR_LIKE.search(text)
    text += "".join(t.as_data().to_csv(index=False) for t in section.tables())
    t = contexts[case].programme_tables
    ids = set(t["participants"]["participant_id"]) | set(t["rkv_results"]["person_id"])
    tokens = set(re.findall(r"[A-Za-z0-9_-]{6,}", text))
    assert not tokens & ids


@pytest.mark.parametrize("case", list(CASES))
def test_table_names_are_unique_across_the_report(built, case):
    names = [t.name for name in BUILDERS for t in built(case, name)[0].tables()]
    assert len(names) == len(set(names)), names


def test_an_empty_partner_gets_no_data_texts(built):
    for name in ("composition", "networks"):
        section, _ = built("empty-partner-da", name)
        assert not section.tables()
        assert any(isinstance(i, Text) and "Ingen data" in i.text for i in section.items)


def test_english_sections_say_no_data_in_english(built):
    section, _ = built("early-en", "side_effects")
    texts = " ".join(i.text for i in section.items if isinstance(i, Text))
    assert "Ingen" not in texts


# --- the published numbers are the metrics' numbers ----------------------------------------------


def _compare(published: pd.Series, expected: pd.Series, what: str) -> int:
    """Every shown value equals the metric's; returns how many were compared."""
    compared = 0
    for key, value in published.items():
        if shown(value):
            assert float(value) == pytest.approx(float(expected.loc[key]), rel=1e-9), (what, key)
            compared += 1
    return compared


def test_funnels_publish_the_funnel_metrics(built, contexts):
    ctx = contexts["programme-da"]
    section, _ = built("programme-da", "funnels")
    for name, metric in (
        ("funnel_companies", company_funnel),
        ("funnel_unemployed", unemployed_funnel),
    ):
        data = table(section, name).as_data().set_index("key")
        expected = metric(ctx.tables, ctx.as_of).set_index("key")
        assert _compare(data["n"], expected["n"], name) >= 3
        _compare(data["conversion"], expected["conversion"].astype(float), name)
        _compare(data["conversion_low"], expected["conversion_low"], name)


def test_a_conversion_shows_only_between_published_counts(built, contexts):
    min_cell = contexts["programme-da"].rule.min_cell
    section, _ = built("programme-da", "funnels")
    for name in ("funnel_companies", "funnel_companies_visits", "funnel_unemployed"):
        t = table(section, name)
        data = t.as_data()
        base = t.data["base"].to_numpy()
        parents = t.data["of_step"].to_numpy()  # a step's base is the step it nests in
        for i in range(1, len(data)):
            if shown(data["conversion"].iloc[i]):
                parent = int(parents[i]) - 1
                assert shown(data["n"].iloc[i]) and shown(data["n"].iloc[parent])
                assert base[i] >= min_cell


def test_activity4_funnel_is_published_and_adds_up(built, contexts):
    """Activity 4: total, employment groups and partners; published groups never reveal a
    withheld one (a step's groups show either all, or at least two withheld)."""
    section, _ = built("programme-da", "funnels")
    t = table(section, "funnel_activity4")
    data = t.data
    total = data[data["dimension"] == "total"].set_index("key")["n"]
    assert total.iloc[0] > 0 and total.is_monotonic_decreasing
    for dimension in ("employment", "partner"):
        part = data[data["dimension"] == dimension]
        assert (part.groupby("key", sort=False)["n"].sum().reindex(total.index) == total).all()
        for _, step in part.groupby("key"):
            assert step["n_hidden"].sum() != 1


def test_composition_publishes_the_composition_metric(built, contexts):
    ctx = contexts["programme-da"]
    t = ctx.tables
    section, _ = built("programme-da", "composition")
    expected = composition(
        t["participants"], t["enrolments"], t["partners"], t["networks"], t["companies"], ctx.as_of
    ).set_index(["dimension", "category"])
    for name in ("composition", "composition_detail"):
        data = table(section, name).as_data()
        data = data[data["dimension"] != "total"].set_index(["dimension", "category"])
        assert _compare(data["n"], expected["n"], name) >= 10
        _compare(data["share"], expected["share"], name)
    centres = table(section, "job_centres").as_data().set_index("job_centre")
    jc = recruitment_by_job_centre(t["participants"], t["enrolments"], ctx.as_of)
    assert _compare(centres["n"], jc.set_index("job_centre")["n"], "job_centres") >= 1


@pytest.mark.parametrize("case", ["programme-da", "partner-en"])
def test_esf_tables_publish_the_esf_metric(built, contexts, case):
    ctx = contexts[case]
    section, _ = built(case, "composition")
    for indicator_set, name in (("esf2014", "esf_2014"), ("esfplus", "esf_plus")):
        data = table(section, name).as_data().set_index("code")
        frame = esf_indicators(
            ctx.tables["participants"], ctx.tables["enrolments"], indicator_set, ctx.as_of
        )
        values = frame.pivot(index="code", columns="gender", values="value")
        compared = sum(
            _compare(data[g], values[g].astype("Float64").fillna(np.nan), name)
            for g in ("female", "male", "total")
        )
        assert compared >= 10
        refs = frame[frame["gender"] == "total"].set_index("code")["n_reference"]
        _compare(data["n_reference"], refs.astype("Float64").fillna(np.nan), name)
        collected = frame.drop_duplicates("code").set_index("code")["status"] == "ok"
        for code in collected.index[~collected]:
            assert pd.isna(data.at[code, "total"])  # "not collected": no number, never 0


def test_coordination_publishes_the_coordination_metrics(built, contexts):
    ctx = contexts["programme-da"]
    t = ctx.tables
    section, _ = built("programme-da", "coordination")
    data = table(section, "institutions_per_company").as_data().set_index("quarter")
    expected = institutions_per_company(t["company_contacts"]).set_index("quarter")
    for column in ("n", "mean_institutions", "share_at_threshold"):
        assert _compare(data[column], expected[column], column) >= 3
    data = table(section, "fruitless_visits").as_data().set_index("quarter")
    expected = fruitless_visits(
        t["company_contacts"],
        t["enrolments"],
        t["participants"],
        t["competence_plans"],
        t["network_memberships"],
        as_of=ctx.as_of,
    ).set_index("quarter")
    for column in ("visits", "fruitless_visits", "share_fruitless"):
        assert _compare(data[column], expected[column], column) >= 3


def test_networks_publish_the_survey_and_competence_metrics(built, contexts):
    ctx = contexts["programme-da"]
    t = ctx.tables
    section, _ = built("programme-da", "networks")
    data = table(section, "survey_statements").as_data().set_index("statement_id")
    expected = statement_results(t["survey_answers"], t["survey_statements"])
    expected = expected.set_index("statement_id")
    for column in ("n", "mean_relevance", "share_high"):
        assert _compare(data[column], expected[column], column) >= 5
    rates = table(section, "survey_response").as_data().set_index("network_id")
    expected = response_rate(t["survey_responses"], t["network_memberships"], t["networks"])
    assert _compare(rates["response_rate"], expected.set_index("network_id")["response_rate"], "r")
    gaps = table(section, "competence_gaps").as_data()
    gaps = gaps.set_index(["network_id", "subject_area"])
    expected = gaps_by_network(t["competence_plans"], t["network_memberships"], ctx.as_of)
    expected = expected.set_index(["network_id", "subject_area"])
    for column in ("n", "mean_gap", "share_with_gap"):
        assert _compare(gaps[column], expected[column], column) >= 3


def test_survey_means_of_few_answers_are_withheld_as_suppress_tidy_would(built, contexts):
    ctx = contexts["programme-da"]
    section, _ = built("programme-da", "networks")
    frame = table(section, "survey_statements").data
    keyed = pd.DataFrame({"row": range(len(frame)), "n": frame["n_rating"], "stat": 1.0})
    tidy = suppress_tidy(
        keyed, ctx.rule, by=["row"], count_col="n", derived=["stat"], strata=["row"]
    )
    answered = frame["n_rating"].to_numpy() > 0
    assert (too_few(frame["n_rating"], ctx.rule) == tidy["stat"].isna().to_numpy())[answered].all()
    hidden = table(section, "survey_statements").hidden["mean_relevance"].to_numpy()
    assert (hidden == too_few(frame["n_rating"], ctx.rule)).all()


def test_side_effects_publish_the_side_effect_metric(built, contexts):
    ctx = contexts["programme-da"]
    section, _ = built("programme-da", "side_effects")
    t = table(section, "side_effects_series")
    data = t.as_data().set_index(["quarter", "group"])
    expected = side_effects(ctx.tables["participants"], ctx.tables["enrolments"], ctx.as_of)
    expected = expected.set_index(["quarter", "group"])
    assert _compare(data["n"], expected["n"], "n") >= 5
    _compare(data["new"], expected["new"], "new")
    # the total is the sum of the groups: shown only where both groups are shown
    for quarter in data.index.get_level_values("quarter").unique():
        if shown(data.at[(quarter, "total"), "n"]):
            assert shown(data.at[(quarter, "unskilled"), "n"])
            assert shown(data.at[(quarter, "skilled"), "n"])


@pytest.mark.parametrize("case", ["programme-da", "partner-en"])
def test_quality_publishes_the_timeliness_metric(built, contexts, case):
    ctx = contexts[case]
    section, _ = built(case, "quality")
    data = table(section, "form_timeliness_partners").as_data()
    data = data[data["partner_id"] != "I alt"].set_index(["measure", "partner_id"])
    expected = form_timeliness(ctx.tables["participants"], ctx.tables["enrolments"], ctx.as_of)
    expected = expected.set_index(["measure", "partner_id"])
    assert _compare(data["numerator"], expected["numerator"], "numerator") >= 5
    assert _compare(data["denominator"], expected["denominator"], "denominator") >= 5


def test_quality_reports_what_research_check_found(contexts, small_db):
    ctx = contexts["programme-da"]
    assert check_report(ctx).findings == check_database(small_db).findings


def test_partner_findings_keep_to_the_partners_rows(contexts):
    ctx = contexts["partner-en"]
    e = ctx.programme_tables["enrolments"].copy()
    mine = set(ctx.tables["enrolments"]["enrolment_id"])
    own = e.index[e["enrolment_id"].isin(mine) & e["exit_on"].notna()][0]
    other = e.index[~e["enrolment_id"].isin(mine) & e["exit_on"].notna()][0]
    for row in (own, other):  # an exit before the start, in each partner's rows
        e.loc[row, "exit_on"] = e.loc[row, "started_on"] - pd.Timedelta(days=1)
    broken = dataclasses.replace(ctx, programme_tables={**ctx.programme_tables, "enrolments": e})
    found = {f.rule: f.count for f in check_report(broken).findings}
    assert found["exit_before_start"] == 1


def test_findings_show_counts_protected_and_no_examples(contexts):
    ctx = contexts["early-en"]
    report = CheckReport(
        ctx.data_date,
        (
            Finding("exit_before_start", "error", "enrolments that end before they start", 3,
                    ("EUS1-2025-0001",)),
            Finding("contact_unknown_company", "error", "contacts", 2, ("K-0042",)),
            Finding("employed_without_company", "warning", "employed, no CVR", 12, ("P0ab",)),
        ),
    )  # fmt: skip
    t = findings_table(ctx, report)
    data = t.as_data().set_index("rule")
    assert data.at["exit_before_start", "count"] == MARKER  # 3 enrolments: persons
    assert data.at["contact_unknown_company", "count"] == 2  # contacts are not persons
    assert data.at["employed_without_company", "count"] == 12
    html = t.html()
    for example in ("EUS1-2025-0001", "K-0042", "P0ab"):
        assert example not in html


def test_caveats_define_every_indicator_in_both_languages(built):
    assert set(UNITS_DA) == {i.key for i in INDICATORS}
    for case in ("programme-da", "early-en"):
        section, _ = built(case, "caveats")
        boxes = [i for i in section.items if isinstance(i, Text)]
        assert all(b.kind == "caveat" for b in boxes)
        items = [item for b in boxes for item in b.items]
        assert sum(
            1 for i in INDICATORS if any(i.label_da in x or i.label_en in x for x in items)
        ) == len(INDICATORS)


def test_partner_caveat_names_the_scope(built, contexts):
    section, _ = built("partner-en", "caveats")
    name = contexts["partner-en"].partner_name
    assert any(name in i.text for i in section.items if isinstance(i, Text))


def test_measures_over_one_base_hide_the_same_bases():
    from research.metrics.disclosure import DisclosureRule
    from research.report.progress.quality import protect_timeliness

    def rows(measure: str, numerators: list[int]) -> list[dict]:
        return [
            {
                "measure": measure,
                "form": "start",
                "label_da": measure,
                "label_en": measure,
                "partner_id": partner,
                "numerator": n,
                "denominator": d,
                "rate": n / d,
            }
            for partner, n, d in zip(("A", "B", "C"), numerators, (24, 10, 14), strict=True)
        ]

    # alone, "small" would hide the bases of B and C (1 of 10 is too few) while "none" shows them
    frame = pd.DataFrame(rows("none", [0, 0, 0]) + rows("small", [19, 1, 4]))
    out = protect_timeliness(frame, DisclosureRule(5))
    flags = out.pivot(index="partner_id", columns="measure", values="denominator_hidden")
    assert (flags["none"] == flags["small"]).all()
    small = out[out["measure"] == "small"].set_index("partner_id")
    assert small["detail_withheld"].all()
    assert small.loc[["A", "B", "C"], "numerator_hidden"].all()
    assert not small.at["I alt", "numerator_hidden"]  # 24 of 48: the total still shows


@pytest.mark.parametrize("case", ["programme-da", "partner-en", "early-en"])
def test_timeliness_bases_agree_across_measures(built, case):
    section, _ = built(case, "quality")
    data = table(section, "form_timeliness_partners").data
    for _, rows in data.groupby(data.groupby("measure")["denominator"].transform(tuple)):
        flags = rows.pivot(index="partner_id", columns="measure", values="denominator_hidden")
        assert flags.nunique(axis=1).le(1).all()


@pytest.mark.parametrize("name", ["coordination", "networks"])
def test_company_tables_explain_their_marker_without_the_person_note(built, contexts, name):
    ctx = contexts["programme-da"]
    section, _ = built("programme-da", name)
    for t in section.tables():
        note = t.footnote() or ""
        assert ctx.rule.note() not in note, t.name
        if t.hidden is not None and t.hidden.to_numpy().any():
            assert "virksomheder" in note or "besvarelser" in note, t.name


@pytest.mark.parametrize("case", ["programme-da", "partner-en"])
def test_quality_shows_rkv_agreement_by_college_and_half_year(built, contexts, case):
    """Issue 14 §5: the progress report's quality part has the agreement of decided and
    advisory EUV tracks; its counts equal research.evidence.rkv's, and none is 1-4."""
    from research.evidence.rkv import agreement_table, rkv_frame

    ctx = contexts[case]
    section, _ = built(case, "quality")
    data = table(section, "rkv_agreement").as_data().set_index(["college", "half"])
    expected = agreement_table(rkv_frame(ctx.tables, ctx.as_of)).set_index(["college", "half"])
    assert _compare(data["n"], expected["n"], "n") >= 1
    for column in ("n", "agree"):
        shown_values = pd.to_numeric(data[column], errors="coerce").dropna()
        assert not ((shown_values > 0) & (shown_values < ctx.rule.min_cell)).any()
