"""The seminar deck: big numbers under disclosure control, charts, and the researchers' stories.

The library is tested on a small simulated programme; the executed notebook comes from the real
runner (tests.report.executed), so the deck is also checked as Quarto and nbconvert will read it.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from research.domain.period import Quarter
from research.metrics.disclosure import DisclosureRule
from research.report.kit.blocks import BLOCK_MIME
from research.report.kit.context import load_context
from research.report.kit.quarter.targets import PERSON_INDICATORS, protected_series
from research.report.runner.quarto import cell_options
from research.report.seminar import slides as seminar
from tests.report.executed import QUARTER, executed_report

PARTICIPANT_ID = re.compile(r"P[0-9a-f]{32}")
CPR_LIKE = re.compile(r"(?<!\d)[0-3]\d[01]\d\d\d-?\d{4}(?!\d)")
BASE64_IMAGE = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+|\"png\": \"[A-Za-z0-9+/=]+\"")


@pytest.fixture(scope="module")
def ctx(small_db: Path):
    return load_context(small_db, QUARTER, "da")


@pytest.fixture(scope="module")
def series(ctx):
    return seminar.seminar_series(ctx)


@pytest.fixture(scope="module")
def deck(small_db: Path, tmp_path_factory: pytest.TempPathFactory):
    report = executed_report(small_db, tmp_path_factory.mktemp("seminar-reports"))
    return nbformat.read(report.folder / "seminar.ipynb", as_version=4)


def _with_rule(ctx, min_cell: int):
    return dataclasses.replace(ctx, rule=DisclosureRule(min_cell=min_cell))


# --- the big numbers --------------------------------------------------------------------------


def test_the_headline_has_the_numbers_a_seminar_asks_for(ctx, series):
    headlines = seminar.headline_numbers(ctx, series)
    assert [h.key for h in headlines] == list(seminar.HEADLINE_KEYS)
    participants = headlines[0]
    assert participants.label == "Deltagere i alt"
    assert participants.target == ctx.config.targets["participants"].value
    assert participants.against_target("da").startswith("af måltal 1.200 (")


@pytest.mark.parametrize(
    "min_cell",
    [5, *(pytest.param(m, marks=pytest.mark.e2e) for m in (50, 250))],  # each a whole deck
)
def test_no_person_count_below_the_threshold_is_shown(ctx, min_cell):
    strict = _with_rule(ctx, min_cell)
    protected = protected_series(strict)
    now = protected[protected["quarter"] == QUARTER].set_index("indicator")
    for h in seminar.headline_numbers(strict):
        if not h.counts_persons:
            continue
        assert h.value is None or h.value == 0 or h.value >= min_cell, h
        if bool(now.loc[h.key, "cumulative_hidden"]):
            assert h.value is None, f"{h.key}: the report withholds it, so the deck must too"
        else:
            assert h.value in (None, int(now.loc[h.key, "cumulative"]))


@pytest.mark.e2e  # protects and draws a whole deck for another rule or scope
def test_a_withheld_number_shows_as_dots_with_the_note(ctx):
    strict = _with_rule(ctx, 50)
    headlines = seminar.headline_numbers(strict)
    withheld = [h for h in headlines if h.value is None]
    assert withheld, "the small programme has counts below 50"
    view = seminar.headline_view(headlines, strict)
    assert ">..</div>" in view.html and "under 50 personer" in view.html
    assert "**\\.\\.**" not in view.markdown and "**..**" in view.markdown
    assert all(h.against_target("da") == "" for h in withheld), "no share of a hidden number"


def test_companies_are_not_persons_and_are_shown_as_counted(ctx, series):
    behind = seminar.headline_numbers(_with_rule(ctx, 1000), series, seminar.NOTE_KEYS)
    companies = behind[-1]  # said in the headline slide's speaker notes
    assert companies.key == "companies_in_networks" and not companies.counts_persons
    assert "companies_in_networks" not in PERSON_INDICATORS
    assert companies.value is not None


@pytest.mark.e2e  # protects and draws a whole deck for another rule or scope
def test_a_partners_deck_shows_no_programme_targets(small_db: Path):
    partner = load_context(small_db, QUARTER, "en", partner="EUS1")
    headlines = seminar.headline_numbers(partner)
    assert all(h.target is None for h in headlines)
    assert seminar.title_slide(partner).title.endswith("– Erhvervsskole Nord")


@pytest.mark.e2e  # protects and draws a whole deck for another rule or scope
def test_slides_are_made_even_for_a_partner_with_nothing_yet(small_db: Path):
    lead = load_context(small_db, QUARTER, "en", partner="LEAD")
    slides = [
        seminar.headline_slide(lead),
        seminar.progress_slide(lead),
        seminar.funnel_slide(lead),
        *seminar.story_slides(lead),
    ]
    assert slides[-1].title == "What works"
    assert "no supported observations" in slides[-1].items[0].text


# --- the charts -------------------------------------------------------------------------------


@pytest.mark.e2e  # protects and draws a whole deck for another rule or scope
def test_the_progress_chart_states_the_finding_and_hides_withheld_quarters(ctx):
    fig = seminar.progress_chart(ctx, seminar.seminar_series(ctx))
    assert fig._suptitle.get_text().startswith("Deltagere i alt: ")
    assert " af 1.200" in fig._suptitle.get_text()
    strict = _with_rule(ctx, 10_000)
    hidden = seminar.progress_chart(strict, seminar.seminar_series(strict))
    assert hidden._suptitle.get_text() == "Deltagere i alt: for få til at vise endnu"


def test_the_funnel_chart_counts_companies(ctx):
    fig = seminar.company_funnel_chart(ctx)
    assert "virksomheder kontaktet" in fig._suptitle.get_text()
    assert fig.alt_text.startswith("Tragtdiagram med 8 trin")


# --- the stories --------------------------------------------------------------------------------


def test_stories_are_supported_and_recorded_by_the_quarters_end(ctx):
    register = ctx.tables["cmo_observations"]
    supported = register[register["status"].astype(str) == "supported"]
    stories = seminar.success_stories(ctx, limit=100)
    assert len(stories) == len(supported[pd.to_datetime(supported["recorded_on"]) <= ctx.as_of])
    assert [s.recorded_on for s in stories] == sorted(
        (s.recorded_on for s in stories), reverse=True
    )
    earlier = dataclasses.replace(ctx, quarter=Quarter.parse("2025Q4"))
    assert all(s.recorded_on <= earlier.as_of.date() for s in seminar.success_stories(earlier))
    assert len(seminar.success_stories(earlier, 100)) < len(stories)


def test_a_story_never_shows_an_id_a_cpr_number_the_researcher_or_the_source(ctx):
    pid = str(ctx.programme_tables["participants"]["participant_id"].iloc[0])
    row = {
        "observation_id": "CMO99",
        "recorded_on": pd.Timestamp("2026-09-01"),
        "researcher": "Jens Jensen",
        "source": "Interview med Hanne, lagerchef",
        "context": f"Deltager {pid} på lageret",
        "mechanism_resource": "Mentor <b>på</b> *stedet*",
        "mechanism_reasoning": "Tryghed; se 010190-1234",
        "outcome": f"Gennemført (P{'a' * 32})",
        "status": "supported",
        "linked_metric": None,
        "network_id": None,
    }
    register = pd.concat([ctx.tables["cmo_observations"], pd.DataFrame([row])])
    faked = dataclasses.replace(ctx, tables={**ctx.tables, "cmo_observations": register})
    story = seminar.success_stories(faked, limit=1)[0]
    shown = seminar.story_view(story, "da").text
    assert pid not in shown and "P" + "a" * 32 not in shown and "010190" not in shown
    assert "Jens Jensen" not in shown and "Hanne" not in shown
    assert shown.count("\\[…\\]") == 3  # the marker, escaped: it reads as […]
    assert "\\<b\\>" in shown and "\\*stedet\\*" in shown  # a researcher's text is not markup


def test_an_english_story_says_it_is_quoted_in_danish(ctx):
    story = seminar.success_stories(ctx)[0]
    text = seminar.story_view(story, "en").text
    assert "**Context:**" in text and "Quoted in Danish" in text


def test_stories_are_numbered_slides(ctx):
    slides = seminar.story_slides(ctx, limit=2)
    assert [s.title for s in slides] == ["Det virker (1/2)", "Det virker (2/2)"]


# --- the executed notebook ----------------------------------------------------------------------


def _slide_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and "show_slide" in c.source]


@pytest.mark.e2e
def test_every_slide_cell_is_asis_so_headings_start_slides(deck):
    cells = _slide_cells(deck)
    assert len(cells) == 6
    for cell in cells:
        assert cell_options(cell.source) == {"output": "asis"}
        first = cell.outputs[0]
        assert set(first["data"]) == {"text/markdown", BLOCK_MIME}, "headings stay markdown"
        assert first["data"][BLOCK_MIME]["kind"] == "slide", "the slide for the deck rides along"
        assert first["data"]["text/markdown"].startswith("#")


@pytest.mark.e2e
def test_the_deck_has_its_slides_in_order(deck):
    headings = [
        o["data"]["text/markdown"]
        for c in _slide_cells(deck)
        for o in c.outputs
        if o.get("data", {}).get("text/markdown", "").startswith("#")
    ]
    assert headings[:4] == [
        "# Kompetenceløft: status ved udgangen af 3. kvt. 2026",
        "## Projektet i tal",
        "## Deltagere over tid",
        "## Virksomhederne: fra kontakt til løft",
    ]
    assert headings[4].startswith("## Det virker")


@pytest.mark.e2e
def test_the_executed_deck_shows_no_ids_and_no_small_counts(deck):
    text = BASE64_IMAGE.sub("", nbformat.writes(deck))
    assert not PARTICIPANT_ID.search(text) and not CPR_LIKE.search(text)
    assert not [o for c in deck.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    headline = next(
        o["data"]["text/markdown"]
        for o in _slide_cells(deck)[1].outputs
        if "text/html" in o.get("data", {})
    )
    numbers = re.findall(r"^- \*\*([\d.]+)\*\*", headline, re.M)
    shown = [int(n.replace(".", "")) for n in numbers if n != ".."]
    assert shown and all(n == 0 or n >= 5 for n in shown)


@pytest.mark.e2e
def test_the_deck_reads_as_a_page_in_nbconvert(deck):
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(exclude_input=True).from_notebook_node(deck)
    assert "<h2" in body and "Projektet i tal" in body
    assert "load_context(" not in body and "data:image/png;base64," in body
