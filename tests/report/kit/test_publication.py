"""Joint protection on simulated data: the demo's leaks reproduced, then closed."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from research.metrics.disclosure import DisclosureRule
from research.report.kit.audit import audit_report
from research.report.kit.context import load_context
from research.report.kit.publication import Publication
from research.report.kit.quarter.composition import composition_section
from research.report.kit.quarter.funnels import funnels
from research.report.kit.section import publish_section
from research.report.seminar import slides as seminar


def write(section, folder, min_cell):
    """Write a section's tables and a publication record of them as they stand."""
    pub = Publication(min_cell)
    pub.tables = {t.name: t for t in section.tables()}
    for table in section.tables():
        table.write_csv(folder / "tables")
    pub.write(folder / "tables")


@pytest.fixture(scope="module")
def partner_contexts(small_db):
    return {p: load_context(small_db, "2026Q3", "da", partner=p) for p in ("EUS1", "EUS3")}


@pytest.mark.e2e  # protects two partners' sections 1-4 (a report build)
def test_tables_protected_one_by_one_leak_through_their_links(partner_contexts, tmp_path):
    # the demo's leaks: ESF CO05 minus composition "employed" gives the self-employed, and the
    # composition's education band minus the shown DST groups gives a withheld group
    found = {}
    for partner, ctx in partner_contexts.items():
        write(composition_section(ctx), tmp_path / partner, ctx.rule.min_cell)
        found[partner] = [leak.line() for leak in audit_report(tmp_path / partner).leaks]
    lines = [line for lines in found.values() for line in lines]
    assert any("(employment_status/self_employed), column n: withheld" in x for x in lines)
    assert any("esf_2014 CO0" in x and "= composition" in x for x in lines)
    assert any("(education/H" in x and "= its education groups" in x for x in lines)


@pytest.mark.e2e  # solves two partners' sections jointly (a report build)
def test_joint_protection_closes_them(partner_contexts, tmp_path):
    for partner, ctx in partner_contexts.items():
        ctx = replace(ctx, publication=Publication(ctx.rule.min_cell))
        section = publish_section(ctx, composition_section(ctx))
        write(section, tmp_path / partner, ctx.rule.min_cell)
        result = audit_report(tmp_path / partner)
        assert result.passed, [leak.line() for leak in result.leaks]
        assert result.withheld_checked > 0


@pytest.mark.e2e  # builds the funnels section and the deck's funnel (a report build)
def test_the_seminar_funnel_withholds_what_the_report_table_withholds(small_db):
    ctx = load_context(small_db, "2026Q3", "en", min_cell=40)  # strict: steps 6-8 are withheld
    table = next(
        t for t in publish_section(ctx, funnels(ctx)).tables() if t.name == "funnel_companies"
    )
    withheld = int(table._mask()["n"].sum())
    assert withheld > 0
    fig = seminar.company_funnel_chart(replace(ctx, publication=Publication(40)))
    labels = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert sum(label.startswith("..") for label in labels) == withheld
    shown_values = {str(v) for v in table.data.loc[table._mask()["n"].to_numpy(), "n"]}
    assert not any(label.split(" ")[0] in shown_values for label in labels)


@pytest.mark.validation  # simulates and audits six small programmes (about 30 s of CPU)
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking a programme takes ages
)
@given(
    seed=st.integers(0, 10_000),
    scale=st.sampled_from([0.05, 0.1]),
    partner=st.sampled_from([None, "EUS1", "EUS2", "EAK"]),
    min_cell=st.sampled_from([3, 5]),
)
def test_what_a_small_programme_publishes_passes_the_audit(
    tmp_path_factory, default_config, seed, scale, partner, min_cell
):
    # small programmes, where small cells are everywhere
    from datetime import date

    from research.simulate import simulate

    folder = tmp_path_factory.mktemp("small")
    db = folder / "p.duckdb"
    simulate(db, default_config, seed=seed, scale=scale, until=date(2026, 3, 31))
    ctx = load_context(db, "2026Q1", "da", partner=partner, min_cell=min_cell)
    published = [publish_section(ctx, build(ctx)) for build in (funnels, composition_section)]
    pub = ctx.publication
    for section in published:
        for table in section.tables():
            table.write_csv(folder / "tables")
    pub.write(folder / "tables")
    result = audit_report(folder)
    assert result.passed, [leak.line() for leak in result.leaks]


def test_a_rule_below_the_floor_is_refused_before_anything_is_built():
    with pytest.raises(Exception, match="at least 3"):
        DisclosureRule(min_cell=2)


@pytest.mark.e2e  # writes a partner's sections 1-3 and its deck numbers, then audits them
def test_the_deck_is_audited_with_the_report_and_a_raw_funnel_step_fails(small_db, tmp_path):
    from research.report.kit.quarter.targets import progress_over_time, progress_summary

    ctx = load_context(small_db, "2026Q3", "da", partner="EUS1", min_cell=40)
    for build in (progress_summary, progress_over_time, funnels):
        for table in publish_section(ctx, build(ctx), draw=False).tables():
            table.write_csv(tmp_path / "tables")
    ctx.publication.write(tmp_path / "tables")
    deck_ctx = load_context(
        small_db, "2026Q3", "da", partner="EUS1", min_cell=40, tables_dir=tmp_path / "seminar"
    )
    seminar.write_deck_numbers(deck_ctx)
    assert audit_report(tmp_path).passed
    # a deck number is its report cell: where the report's table may withhold a 0, so may the
    # deck (else a reader could assume the deck's twin ≥ 1; seen at 2025Q1 with the partners)
    deck_spec = json.loads((tmp_path / "seminar" / "publication.json").read_text())
    summary = ctx.publication.tables["partner_progress"]
    assert summary.withholds_zeros
    assert deck_spec["tables"]["deck_numbers"]["zeros_published"] is False
    # the deck as it was: the funnel's later steps drawn as raw counts
    deck = seminar.deck_numbers(deck_ctx)
    raw = deck.as_data()
    steps = deck.data["key"].str.startswith("funnel/employees")
    raw.loc[steps, "value"] = deck.data.loc[steps, "value"].astype(str)
    raw.to_csv(tmp_path / "seminar" / "deck_numbers.csv", index=False)
    lines = [leak.line() for leak in audit_report(tmp_path).leaks]
    assert any(
        "seminar/deck_numbers.csv" in x or ("funnel_companies.csv" in x and "deck funnel" in x)
        for x in lines
    ), lines


def _quarter_folder(db, root, *, jointly: bool):
    """Sections 1-4 of the programme and of every partner, written as a quarter folder; the
    programme always records the partner sums, the partners use them only when ``jointly``."""
    from research.report.kit.quarter.protection import protect_quarter
    from research.report.kit.quarter.targets import progress_over_time, progress_summary

    for partner in (None, "EUS1", "EUS2", "EUS3", "EAK"):
        ctx = load_context(db, "2026Q3", "da", partner=partner)
        if jointly or partner is None:
            protect_quarter(ctx)
        if not jointly and partner is None:
            ctx.publication.preset.clear()  # the programme as it was protected on its own
        folder = root / partner if partner else root
        for build in (progress_summary, progress_over_time, funnels, composition_section):
            for table in publish_section(ctx, build(ctx), draw=False).tables():
                table.write_csv(folder / "tables")
        ctx.publication.write(folder / "tables")


@pytest.mark.validation  # builds sections 1-4 for five scopes twice and protects them jointly
def test_partner_reports_and_the_programme_are_protected_together(small_db, tmp_path):
    # the demo's leak: the programme's figure minus the other partners' gives a partner's cell
    _quarter_folder(small_db, tmp_path / "apart", jointly=False)
    lines = [leak.line() for leak in audit_report(tmp_path / "apart").leaks]
    assert any("programme = sum of partners" in x for x in lines), lines
    _quarter_folder(small_db, tmp_path / "together", jointly=True)
    result = audit_report(tmp_path / "together")
    assert result.passed, [leak.line() for leak in result.leaks]
    assert len(result.publications) == 5
