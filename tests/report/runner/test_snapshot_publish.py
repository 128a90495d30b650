"""A report is one consistent snapshot, published whole, and `--verify` checks all of it.

These run the real runner (papermill) on the small simulated programme; the failures are
simulated by wrapping the rename step and the notebook step, never by killing processes.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from research.cli import app
from research.report.runner import run as runner
from research.report.runner.run import run_report
from research.report.runner.verify import compare_tables
from research.store.connection import open_duckdb, schema_version
from research.store.content_hash import database_hash
from tests.report.executed import QUARTER, copy_report, executed_report
from tests.store.old_schema import PREVIOUS_VERSION, make_old_database

pytestmark = pytest.mark.e2e  # runs the report (papermill)

OTHER_REPORTS = {"EUS1/progress.html": "EUS1's own report", "article/evidence.html": "article"}


@pytest.fixture(scope="module")
def report(small_db: Path, tmp_path_factory: pytest.TempPathFactory):
    return executed_report(small_db, tmp_path_factory.mktemp("reports"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _as_its_manifest_says(folder: Path) -> list[str]:
    """Files that are not what the folder's manifest lists (empty: one consistent report)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {o["path"]: o["sha256"] for o in manifest["outputs"]}
    wrong = [p for p, digest in listed.items() if not (folder / p).is_file()]
    wrong += [
        p for p, digest in listed.items() if (folder / p).is_file() and _sha(folder / p) != digest
    ]
    top = {p.split("/")[0] for p in listed} | {
        "manifest.json",
        *(p.split("/")[0] for p in OTHER_REPORTS),
    }
    wrong += [item.name for item in folder.iterdir() if item.name not in top]
    return wrong


def _add_other_reports(folder: Path) -> None:
    for name, text in OTHER_REPORTS.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def test_killed_right_after_the_new_html_lands_the_folder_is_old_or_new(
    report, small_db, tmp_path, monkeypatch
):
    out = tmp_path / "out"
    folder = copy_report(report, out)
    _add_other_reports(folder)
    old_html = (folder / "progress.html").read_bytes()

    def killed_once_the_new_html_is_visible(real):
        def rename(source, target, *args, **kwargs):
            real(source, target, *args, **kwargs)
            html = folder / "progress.html"
            if html.is_file() and html.read_bytes() != old_html:
                raise KeyboardInterrupt("killed")

        return rename

    monkeypatch.setattr(os, "rename", killed_once_the_new_html_is_visible(os.rename))
    monkeypatch.setattr(os, "replace", killed_once_the_new_html_is_visible(os.replace))
    with pytest.raises(KeyboardInterrupt):
        run_report(QUARTER, small_db, "en", out=out)  # English: a different HTML
    monkeypatch.undo()

    assert _as_its_manifest_says(folder) == []
    for name, text in OTHER_REPORTS.items():
        assert (folder / name).read_text(encoding="utf-8") == text


def test_an_import_during_the_run_changes_nothing_and_verify_says_what_changed(
    report, small_db, tmp_path, monkeypatch
):
    # A database an older workbench made: neither the report nor --verify may upgrade it.
    db = make_old_database(tmp_path / "old.duckdb", small_db)
    content_before = database_hash(db)
    real_execute = runner.execute

    def import_while_the_notebook_runs(source, target, parameters, kernel, cwd):
        if source.stem == runner.MAIN_NOTEBOOK:
            with open_duckdb(db) as con:  # what an import of corrected forms would do
                con.execute("DELETE FROM enrolments WHERE partner_id = 'EUS1'")
        real_execute(source, target, parameters, kernel, cwd)

    monkeypatch.setattr(runner, "execute", import_while_the_notebook_runs)
    result = run_report(QUARTER, db, "da", out=tmp_path / "out")
    monkeypatch.undo()

    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["database"]["content_sha256"] == content_before != database_hash(db)
    count, differences, _ = compare_tables(report.folder / "tables", result.folder / "tables")
    assert count > 10 and [d.describe() for d in differences] == []
    assert not list((tmp_path / "out").glob(".building-*"))

    for name in ("progress.html", "seminar.ipynb", "tables/index.json"):
        with (result.folder / name).open("a", encoding="utf-8") as handle:
            handle.write("\n")
    verified = CliRunner().invoke(app, ["report", "--verify", str(result.folder)])
    assert verified.exit_code == 1
    output = verified.output
    assert "The database has changed since this report was made" in output
    for name in ("progress.html", "seminar.ipynb", "tables/index.json"):
        assert f"{name}: changed since it was published" in output
    assert "Verified" not in output

    with open_duckdb(db, read_only=True) as con:
        assert schema_version(con) == PREVIOUS_VERSION
    assert not list(tmp_path.glob("*.schema-v*"))


def test_verify_names_every_edited_file_of_an_unchanged_database(report, tmp_path):
    folder = copy_report(report, tmp_path)
    (folder / "seminar.ipynb").write_text("{}", encoding="utf-8")
    (folder / "tables" / "index.json").unlink()
    from research.report.runner.manifest import read_manifest
    from research.report.runner.verify import check_files

    found = [(d.path, d.reason) for d in check_files(folder, read_manifest(folder))]
    assert sorted(found) == [("seminar.ipynb", "changed"), ("tables/index.json", "missing")]
