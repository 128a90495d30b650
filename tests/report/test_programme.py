"""The front door: research.open_programme finds the data the way a researcher expects, reads
strings, refuses wrong input in one line, and what it returns shows itself in Jupyter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import research
from research.config import DEFAULT_DB
from research.errors import ResearchError
from research.evidence.result import TIDY_COLUMNS, AnalysisResult
from research.programme import Programme, find_database, open_programme
from research.report.kit.context import load_context

QUARTER = "2026Q3"


@pytest.fixture(scope="module")
def programme(small_db: Path) -> Programme:
    return open_programme(small_db, QUARTER)


@pytest.mark.e2e  # imports in a fresh interpreter (a subprocess)
def test_import_research_is_cheap_and_offers_the_front_door():
    code = (
        "import sys, research; "
        "heavy = [m for m in ('pandas', 'statsmodels', 'matplotlib') if m in sys.modules]; "
        "print(heavy, 'open_programme' in dir(research))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[] True"


def test_the_exported_names_resolve():
    for name in research.__all__:
        assert getattr(research, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        research.nonsense  # noqa: B018


def test_open_programme_reads_strings(programme, small_db):
    assert str(programme.quarter) == QUARTER
    assert open_programme(str(small_db), "2026K3").quarter == programme.quarter
    assert programme.rule.min_cell == 5 and programme.partner is None
    assert programme.data_origin == "synthetic" and len(programme.tables["enrolments"]) > 0


@pytest.mark.parametrize(
    ("quarter", "message"),
    [
        ("2026Q5", "quarter: '2026Q5' is not a quarter; write it like '2026Q3'"),
        ("2019Q1", "quarter 2019Q1 is outside the project period"),
    ],
)
def test_a_wrong_quarter_is_one_clear_line(small_db, quarter, message):
    with pytest.raises(ResearchError, match=message):
        open_programme(small_db, quarter)


def test_a_missing_database_or_partner_is_one_clear_line(small_db, tmp_path):
    with pytest.raises(ResearchError, match="does not exist; run `research simulate`"):
        open_programme(tmp_path / "none.duckdb")
    with pytest.raises(ResearchError, match="unknown partner 'NOPE'"):
        open_programme(small_db, partner="NOPE")


def test_the_database_is_found_from_a_subfolder_up_to_the_repository_root(tmp_path, monkeypatch):
    monkeypatch.delenv("RESEARCH_DB", raising=False)
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("", "utf-8")
    (repo / DEFAULT_DB).write_bytes(b"")
    notebooks = repo / "notebooks" / "explore"
    notebooks.mkdir(parents=True)
    monkeypatch.chdir(notebooks)
    assert find_database() == (repo / DEFAULT_DB).resolve()
    monkeypatch.chdir(repo)
    assert find_database() == DEFAULT_DB  # in the working folder: as the CLI names it
    # never above the repository root
    outside = tmp_path / "other"
    (outside / "sub").mkdir(parents=True)
    (outside / "pyproject.toml").write_text("", "utf-8")
    monkeypatch.chdir(outside / "sub")
    assert find_database() == DEFAULT_DB


def test_the_argument_and_research_db_win_over_the_search(tmp_path, monkeypatch):
    monkeypatch.setenv("RESEARCH_DB", str(tmp_path / "env.duckdb"))
    assert find_database() == tmp_path / "env.duckdb"
    assert find_database(str(tmp_path / "arg.duckdb")) == tmp_path / "arg.duckdb"


def test_progress_and_a_subgroup_in_two_lines(programme):
    progress = programme.progress()
    assert "participants" in set(progress["indicator"])
    result = programme.subgroup("completion_by_route")
    assert isinstance(result, AnalysisResult)
    assert tuple(result.tidy().columns) == TIDY_COLUMNS
    assert set(result.tidy()["analysis"]) == {"completion_by_route"}
    with pytest.raises(ResearchError, match="no subgroup analysis 'nope'; the analyses are"):
        programme.subgroup("nope")


def test_what_a_researcher_meets_shows_itself_as_html(programme, small_db):
    from research.report.kit.quarter.targets import progress_summary

    assert QUARTER in programme._repr_html_() and "<table" in programme._repr_html_()
    assert isinstance(programme.summary(), pd.DataFrame)
    ctx = load_context(small_db, QUARTER, "en")
    assert "Q3 2026" in ctx._repr_html_()
    section = progress_summary(ctx)
    page = section._repr_html_()
    assert page.startswith("<h2>") and "<table" in page
    table = section.tables()[0]
    assert section.table(table.name) is table


def test_load_context_is_built_on_open_programme(programme, small_db):
    ctx = load_context(small_db, QUARTER, "da")
    assert ctx.quarter == programme.quarter and ctx.data_date == programme.data_date
    assert ctx.tables.keys() == programme.tables.keys()
