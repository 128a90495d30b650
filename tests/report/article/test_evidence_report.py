"""`research evidence`: the article's tables and figures from the evidence notebook."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.report.runner.run import run_evidence
from research.report.runner.verify import verify_report

pytestmark = pytest.mark.e2e  # runs the evidence notebook (papermill)

CPR_LIKE = re.compile(r"(?<!\d)[0-3]\d[01]\d\d\d-?\d{4}(?!\d)")


@pytest.fixture(scope="module")
def article(small_db: Path, tmp_path_factory: pytest.TempPathFactory):
    return run_evidence("2026Q3", small_db, "en", out=tmp_path_factory.mktemp("article"))


def test_article_folder_holds_every_table_in_three_formats(article):
    assert article.folder.parts[-2:] == ("2026Q3", "article")
    index = json.loads((article.folder / "index.json").read_text(encoding="utf-8"))
    expected = {"subgroup_effects", "completion_medians", "conversion_funnel", "company_effect"}
    assert expected | {"company_event_study", "participant_effect", "cmo_register"} <= set(index)
    for name in index:
        for suffix in (".md", ".tex", ".csv"):
            assert (article.folder / f"{name}{suffix}").is_file(), f"{name}{suffix}"
    page = article.html.read_text(encoding="utf-8")
    assert '<html lang="en"' in page and "Evidence for the article" in page


def test_every_figure_in_pdf_svg_and_png_with_stable_names(article):
    figures = article.folder / "figures"
    stems = {p.stem for p in figures.iterdir()}
    assert {"km_completion_by_track", "event_study_companies"} <= stems
    assert any(stem.startswith("forest_") for stem in stems)
    for stem in stems:
        for suffix in (".pdf", ".svg", ".png"):
            assert (figures / f"{stem}{suffix}").is_file(), f"{stem}{suffix}"


def test_article_tables_pass_disclosure_control(article):
    index = json.loads((article.folder / "index.json").read_text(encoding="utf-8"))
    for name, entry in index.items():
        table = pd.read_csv(article.folder / entry["file"], dtype=str)
        for column in entry["person_counts"]:
            values = pd.to_numeric(table[column].where(table[column] != ".."), errors="coerce")
            small = values[(values > 0) & (values < 5)]
            assert small.empty, f"{name}.{column} publishes {small.tolist()}"


def test_no_cpr_like_strings_in_the_article(article):
    for path in article.folder.rglob("*"):
        if path.suffix in (".md", ".tex", ".csv", ".html", ".json"):
            text = re.sub(
                r"[A-Za-z0-9+/=]{200,}|\b[0-9a-f]{40,}\b", "", path.read_text(encoding="utf-8")
            )
            assert not CPR_LIKE.search(text), path.name


def test_too_small_subgroups_are_named_and_answered_by_another_source(article):
    """A contrast too small for the logit keeps its status, and shows the pooled estimate (or,
    without a finished lift in an arm, none) with its source named; never as the logit's."""
    effects = pd.read_csv(article.folder / "subgroup_effects.csv", dtype=str)
    small = effects[effects["status"] == "too_small"]
    assert not small.empty  # a third of the programme mid-project: some groups are small
    assert set(small["source_label"]) <= {"Pooled (1b)", "No estimate yet"}
    pooled = small[small["source_label"] == "Pooled (1b)"]
    assert not pooled.empty and pooled["effect_pp"].notna().all()
    none = small[small["source_label"] == "No estimate yet"]
    assert (none["effect_pp"].isna() | (none["effect_pp"] == "..")).all()
    assert none["large_enough_by"].notna().all()


def test_verify_reproduces_the_article(article):
    result = verify_report(article.folder)
    assert result.identical, [d.describe() for d in result.differences][:5]
    assert result.tables_compared >= 5


def test_evidence_command_gives_one_line_errors(small_db, tmp_path):
    result = CliRunner().invoke(
        app, ["evidence", "--db", str(small_db), "--out", str(tmp_path), "--quarter", "2030Q1"]
    )
    assert result.exit_code == 1
    assert "outside the project period" in result.output
    assert "Traceback" not in result.output


def test_cmo_observations_are_shown_beside_their_results(article):
    register = pd.read_csv(article.folder / "cmo_register.csv", dtype=str, keep_default_na=False)
    linked = register[register["linked_metric"] == "completion_prep_interaction"]
    assert not linked.empty
    assert (linked["evidence"] == "result below / in this article").all()
    dangling = register[register["linked_metric"] == "dropout_reasons"]
    assert (dangling["evidence"] == "no such result yet").all()


def test_the_article_has_an_a4_pdf_of_its_sections(article):
    from pypdf import PdfReader

    from research.report.kit.blocks import blocks_of

    reader = PdfReader(article.folder / "evidence.pdf")
    pages = [page.extract_text() or "" for page in reader.pages]
    # a sanity bound, not a layout target: 21 pages since section 1 answers every contrast
    assert 2 <= len(pages) <= 24
    text = re.sub(r"[\s\u00ad-]+", "", "\n".join(pages))
    assert "<IPython" not in text and "objectat0x" not in text
    assert "data as of" in pages[-1]
    headings = [b for b in blocks_of(article.folder / "evidence.ipynb") if b["kind"] == "heading"]
    assert len(headings) >= 6
    for heading in headings:
        assert re.sub(r"[\s\u00ad-]+", "", heading["text"]) in text
    manifest = json.loads((article.folder / "manifest.json").read_text(encoding="utf-8"))
    assert "evidence.pdf" in json.dumps(manifest)


def test_every_subgroup_contrast_with_a_person_per_arm_is_answered(article):
    """The pooled table has an estimate and interval for every contrast (issue 14), and the
    cumulative-incidence table estimates contrasts the finished-lift logits leave blank."""
    pooled = pd.read_csv(article.folder / "pooled_subgroup_effects.csv", dtype=str)
    assert not pooled.empty
    for column in ("pooled_estimate_pp", "pooled_ci_low_pp", "pooled_ci_high_pp"):
        assert pooled[column].notna().all() and (pooled[column] != "..").all(), column
    incidence = pd.read_csv(article.folder / "cumulative_incidence_contrasts.csv", dtype=str)
    logits = pd.read_csv(article.folder / "subgroup_effects.csv", dtype=str)
    assert (incidence["status"] == "ok").sum() > (logits["status"] == "ok").sum()
    figures = {p.stem for p in (article.folder / "figures").glob("pooled_forest_*.svg")}
    assert len(figures) == pooled["analysis"].nunique()


def test_subgroup_table_names_the_outcome(article):
    """Completion and dropout rows of the same contrast differ by their outcome column."""
    effects = pd.read_csv(article.folder / "subgroup_effects.csv", dtype=str)
    assert {"Completion", "Dropout"} <= set(effects["outcome_label"])
    keys = ["outcome_label", "label"]
    assert not effects.duplicated(keys).any()


def test_two_stage_company_effect_is_published(article):
    """Issue 14 §4: the staggered-adoption estimate beside the TWFE one."""
    two_stage = pd.read_csv(article.folder / "company_effect_two_stage.csv", dtype=str)
    assert len(two_stage) == 1 and two_stage["estimate"].notna().all()
    event = pd.read_csv(article.folder / "company_event_two_stage.csv", dtype=str)
    assert "0" in set(event["relative_period"])
