"""`research report` end to end: papermill runs the notebooks on a small simulated programme.

The assertions read the written CSV tables, the HTML and the manifest, never screenshots.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.domain.period import Quarter
from research.metrics.progress import progress_table
from research.report.kit.context import ReportError
from research.report.runner.run import run_report
from research.report.runner.verify import compare_tables, verify_report
from research.store.connection import connect
from research.store.read import read_tables
from tests.report.executed import copy_report, executed_report

CPR_LIKE = re.compile(r"(?<!\d)[0-3]\d[01]\d\d\d-?\d{4}(?!\d)")


@pytest.fixture(scope="module")
def report(small_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """The Danish 2026Q3 report, made once per session and shared with the Quarto tests."""
    return executed_report(small_db, tmp_path_factory.mktemp("reports"))


@pytest.mark.e2e
def test_the_report_lands_where_promised(report):
    assert report.folder.name == "2026Q3"
    for name in ("progress.ipynb", "progress.html", "manifest.json", "tables/progress.csv"):
        assert (report.folder / name).is_file(), name
    assert not list(report.folder.glob(".building-*")), "the build folder must be cleaned up"


@pytest.mark.e2e
def test_html_is_self_contained_and_shows_no_code(report):
    page = report.html.read_text(encoding="utf-8")
    assert '<html lang="da"' in page
    assert "<script src=" not in page and '<link rel="stylesheet" href="http' not in page
    assert "load_context(" not in page and "tables_dir" not in page  # no code, no parameters
    assert "data:image/svg+xml;base64," in page  # figures embedded, as vectors
    assert "@page" in page and "A4" in page  # printable
    assert 'name="viewport"' in page  # readable on a phone


@pytest.mark.e2e
def test_executed_notebook_keeps_the_papermill_tags(report):
    nb = nbformat.read(report.folder / "progress.ipynb", as_version=4)
    tags = [tag for cell in nb.cells for tag in cell.metadata.get("tags", [])]
    assert "parameters" in tags and "injected-parameters" in tags


@pytest.mark.e2e
def test_no_cpr_like_string_in_any_output(report):
    for path in report.folder.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv", ".json", ".ipynb"):
            text = path.read_text(encoding="utf-8")
            # images (base64) and hashes (hex) are long runs that may hold any digits
            text = re.sub(r"[A-Za-z0-9+/=]{200,}|\b[0-9a-f]{40,}\b", "", text)
            assert not CPR_LIKE.search(text), f"CPR-like string in {path.name}"


@pytest.mark.e2e
def test_person_counts_below_the_threshold_never_appear(report):
    index = json.loads((report.folder / "tables" / "index.json").read_text(encoding="utf-8"))
    assert index, "the tables index lists the written tables"
    for name, entry in index.items():
        table = pd.read_csv(report.folder / "tables" / entry["file"], dtype=str)
        if entry.get("person_rows"):
            table = table[table[entry["person_rows"]] == "True"]
        for column in entry["person_counts"]:
            values = pd.to_numeric(table[column].where(table[column] != ".."), errors="coerce")
            small = values[(values > 0) & (values < 5)]
            assert small.empty, f"{name}.{column} publishes {small.tolist()}"


@pytest.mark.e2e
def test_published_progress_equals_the_metrics_library(report, small_db, default_config):
    with connect(small_db, read_only=True) as con:
        tables = read_tables(con)
    expected = progress_table(tables, default_config, Quarter.parse("2026Q3")).set_index(
        "indicator"
    )
    published = pd.read_csv(report.folder / "tables" / "progress.csv", dtype=str).set_index(
        "indicator"
    )
    assert list(published.index) == list(expected.index)
    compared = 0
    for column in ("target", "achieved", "new_in_quarter", "expected", "forecast"):
        for key, text in published[column].items():
            if text == ".." or pd.isna(text):
                continue
            assert float(text) == pytest.approx(float(expected.at[key, column]), rel=1e-9)
            compared += 1
    assert compared > 40


@pytest.mark.e2e
def test_manifest_records_inputs_code_and_output_hashes(report, small_db):
    manifest = json.loads(report.manifest.read_text(encoding="utf-8"))
    assert manifest["parameters"]["quarter"] == "2026Q3"
    assert manifest["parameters"]["lang"] == "da"
    assert len(manifest["database"]["content_sha256"]) == 64
    assert manifest["packages"]["papermill"] and manifest["packages"]["python"]
    assert manifest["code"]["package_version"]
    listed = {o["path"]: o["sha256"] for o in manifest["outputs"]}
    assert "progress.html" in listed and "tables/progress.csv" in listed
    for relative, digest in listed.items():
        data = (report.folder / relative).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, relative


@pytest.mark.e2e
def test_verify_reproduces_the_published_tables(report):
    result = verify_report(report.folder)
    assert result.identical, [d.describe() for d in result.differences]
    assert result.tables_compared >= 2
    assert not result.database_changed


@pytest.mark.e2e
def test_compare_tables_names_the_changed_cell(report, tmp_path):
    tampered = tmp_path / "tables"
    shutil.copytree(report.folder / "tables", tampered)
    frame = pd.read_csv(tampered / "progress.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "achieved"] = "999999"
    frame.to_csv(tampered / "progress.csv", index=False)
    count, differences, _ = compare_tables(report.folder / "tables", tampered)
    assert count >= 2
    assert [(d.table, d.row, d.column, d.now) for d in differences] == [
        ("progress.csv", 0, "achieved", "999999")
    ]


@pytest.mark.e2e
def test_a_failing_notebook_is_kept_and_the_old_report_untouched(
    report, small_db, tmp_path, monkeypatch
):
    broken_dir = tmp_path / "notebooks"
    broken_dir.mkdir()
    nb = nbformat.read(Path("notebooks/progress.ipynb"), as_version=4)
    # right after the parameters cell papermill injects: the kernel fails at once, not after
    # the whole report has run
    nb.cells.insert(1, nbformat.v4.new_code_cell("raise RuntimeError('the third cell broke')"))
    nbformat.write(nb, broken_dir / "progress.ipynb")
    monkeypatch.setenv("RESEARCH_NOTEBOOKS", str(broken_dir))
    folder = copy_report(report, tmp_path / "out")  # the shared report stays as it is
    before = (folder / "tables" / "progress.csv").read_bytes()
    with pytest.raises(ReportError, match="RuntimeError: the third cell broke") as caught:
        run_report("2026Q3", small_db, "da", out=tmp_path / "out")
    assert "progress.failed.ipynb" in str(caught.value)
    failed = nbformat.read(folder / "progress.failed.ipynb", as_version=4)
    assert any(o.get("ename") == "RuntimeError" for c in failed.cells for o in c.get("outputs", []))
    assert (folder / "tables" / "progress.csv").read_bytes() == before


@pytest.fixture(scope="module")
def partner_batch(small_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """EUS1's English report for 2026Q2 and an unknown partner, run as `--all-partners` runs
    them (one papermill run serves both tests below)."""
    from research.report.runner.batch import run_partner_reports

    out = tmp_path_factory.mktemp("partners")
    outcomes = run_partner_reports(
        ["EUS1", "GHOST"],
        quarter="2026Q2",
        db=small_db,
        lang="en",
        out=out,
        min_cell=None,
        config=None,
        progress=False,
    )
    return out, outcomes


@pytest.mark.e2e
def test_english_report_for_a_partner(partner_batch):
    out, outcomes = partner_batch
    assert outcomes[0].partner == "EUS1" and outcomes[0].error is None, outcomes[0].error
    html = outcomes[0].html
    assert html == out / "2026Q2" / "EUS1" / "progress.html"
    page = html.read_text(encoding="utf-8")
    assert '<html lang="en"' in page and "Quarterly report" in page
    published = pd.read_csv(html.parent / "tables" / "partner_progress.csv", dtype=str)
    assert "Share of the programme" not in published.columns  # data columns keep their names
    assert "share_of_programme" in published.columns


runner = CliRunner()


def _one_line_error(result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.output.strip().splitlines() if line]
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quarter", "2026Q7"], "is not a quarter"),
        (["--partner", "NOBODY"], "unknown partner"),
        # each runs a whole `research report` up to its check (a database snapshot and a
        # context, about half a second): two in the unit tier, the others in e2e
        pytest.param(["--quarter", "2024Q4"], "outside the project period", marks=pytest.mark.e2e),
        pytest.param(["--lang", "fr"], "lang", marks=pytest.mark.e2e),
        pytest.param(["--min-cell", "2"], "at least 3", marks=pytest.mark.e2e),
        pytest.param(["--partner", "EUS1", "--all-partners"], "not both", marks=pytest.mark.e2e),
    ],
)
def test_bad_parameters_give_one_line(small_db, tmp_path, args, message):
    result = runner.invoke(app, ["report", "--db", str(small_db), "--out", str(tmp_path), *args])
    assert message in _one_line_error(result)


def test_empty_database_gives_one_line(tmp_path):
    empty = tmp_path / "empty.duckdb"
    with connect(empty):
        pass
    result = runner.invoke(app, ["report", "--db", str(empty), "--out", str(tmp_path)])
    assert "nothing to report on" in _one_line_error(result)


def test_missing_kernel_gives_one_line(small_db, tmp_path, monkeypatch):
    monkeypatch.setenv("RESEARCH_KERNEL", "no-such-kernel")
    import research.report.runner.run as run_module

    def solved(_ctx):  # the check comes before the quarter's protection is solved
        raise AssertionError("the quarter was solved before the kernel was checked")

    monkeypatch.setattr(run_module, "quarter_solution", solved)
    result = runner.invoke(app, ["report", "--db", str(small_db), "--out", str(tmp_path)])
    assert "no Jupyter kernel named 'no-such-kernel'" in _one_line_error(result)


def test_unwritable_output_folder_gives_one_line(small_db, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["report", "--db", str(small_db), "--out", str(blocker)])
    assert "cannot write the report" in _one_line_error(result)


@pytest.mark.e2e
def test_all_partners_run_in_parallel_and_one_failure_spares_the_others(partner_batch):
    _, outcomes = partner_batch
    by_partner = {o.partner: o for o in outcomes}
    assert by_partner["EUS1"].error is None and by_partner["EUS1"].html.is_file()
    assert "unknown partner 'GHOST'" in by_partner["GHOST"].error
    assert [o.partner for o in outcomes] == ["EUS1", "GHOST"]


@pytest.mark.e2e
def test_suppressed_cells_are_markers_not_numbers(report):
    series = pd.read_csv(report.folder / "tables" / "progress_series.csv", dtype=str)
    hidden = series["cumulative"] == ".."
    shown = pd.to_numeric(series.loc[~hidden, "cumulative"])
    assert np.isfinite(shown).all()


@pytest.mark.e2e
def test_a_newcomer_gets_the_demo_database_and_a_report(tmp_path, monkeypatch):
    # a fresh folder: no data/workbench.duckdb, no $RESEARCH_DB, no ./notebooks
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RESEARCH_DB", raising=False)
    monkeypatch.delenv("RESEARCH_NOTEBOOKS", raising=False)
    result = runner.invoke(app, ["report"])
    assert result.exit_code == 0, result.output
    assert "building the synthetic demo programme" in result.output
    assert (tmp_path / "data" / "workbench.duckdb").is_file()
    assert re.search(r"Report: reports/\d{4}Q[1-4]/progress\.html", result.output)
    assert "to hand on: progress.pdf, seminar.pptx in reports/" in result.output


def test_an_explicit_database_is_never_invented(tmp_path):
    result = runner.invoke(app, ["report", "--db", str(tmp_path / "nope.duckdb")])
    assert "does not exist" in _one_line_error(result)
    assert not (tmp_path / "nope.duckdb").exists()
