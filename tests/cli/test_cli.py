"""The `research` command: flags reach the library, errors are one line, exit codes are honest."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from unittest.mock import patch

import pytest
from typer.testing import CliRunner

from research.cli import app
from research.ingest.kinds import KINDS

EXAMPLES = Path(__file__).parents[2] / "src" / "research" / "ingest" / "examples"
BAD = Path(__file__).parents[1] / "data" / "bad"
runner = CliRunner()


def research(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed command, end to end, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "research", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.mark.parametrize("command", [[], ["import"], ["check"], ["simulate"]])
def test_every_help_shows_a_working_example(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example: research" in result.output


def test_import_flags_reach_the_library(tmp_path):
    with patch("research.ingest.importer.import_file") as import_file:
        import_file.return_value.stats.added = 0
        result = runner.invoke(
            app,
            [
                "import",
                "start-forms",
                "x.csv",
                "--db",
                str(tmp_path / "d.duckdb"),
                "--demo-key",
                "--dry-run",
                "--lenient",
            ],
        )
    assert result.exit_code == 0, result.output
    args, kwargs = import_file.call_args
    assert args[0] == "start-forms" and args[1] == Path("x.csv")
    assert args[2] == tmp_path / "d.duckdb"
    assert kwargs["dry_run"] and kwargs["lenient"] and kwargs["key"]


def test_kinds_lists_every_kind_with_its_example():
    result = runner.invoke(app, ["import", "--kinds"])
    assert result.exit_code == 0
    for name in KINDS:
        assert name in result.output
        assert f"{name}.csv" in result.output


@pytest.mark.e2e  # the installed command in a subprocess
def test_import_every_example_then_check_is_clean(tmp_path):
    db = str(tmp_path / "store.duckdb")
    for kind in KINDS:
        done = runner.invoke(
            app, ["import", kind, str(EXAMPLES / f"{kind}.csv"), "--db", db, "--demo-key"]
        )
        assert done.exit_code == 0, done.output
        assert "rows read" in done.output
    checked = research("check", "--db", db, "--json")
    report = json.loads(checked.stdout)
    assert checked.returncode == 0, checked.stdout
    assert report["errors"] == 0


@pytest.mark.e2e  # the installed command in a subprocess
def test_a_bad_file_is_a_located_message_not_a_traceback(tmp_path):
    db = tmp_path / "store.duckdb"
    runner.invoke(app, ["import", "companies", str(EXAMPLES / "companies.csv"), "--db", str(db)])
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    done = research(
        "import", "companies", str(BAD / "companies" / "bad-values.csv"), "--db", str(db)
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "bad-values.csv, row 3, column 'CVR-nummer'" in done.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


@pytest.mark.e2e  # the installed command in a subprocess, with a bare environment
@pytest.mark.parametrize(
    "args,message",
    [
        (["import", "companies", "nowhere.csv"], "error: nowhere.csv: file not found"),
        (["import", "invoices", "x.csv"], "error: unknown import kind 'invoices'"),
        (["import", "start-forms", str(EXAMPLES / "start-forms.csv")], "no pseudonymisation key"),
        (["check"], "does not exist; create it with `research simulate`"),
    ],
)
def test_user_errors_are_one_line(tmp_path, args, message):
    env = {"PATH": "/usr/bin:/bin", "RESEARCH_DB": str(tmp_path / "none.duckdb")}
    done = research(*args, env=env)
    assert done.returncode != 0
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_check_fails_on_errors(tmp_path):
    db = str(tmp_path / "store.duckdb")
    for kind in ("companies", "start-forms"):
        runner.invoke(
            app, ["import", kind, str(EXAMPLES / f"{kind}.csv"), "--db", db, "--demo-key"]
        )
    done = runner.invoke(app, ["check", "--db", db])
    assert done.exit_code == 1
    assert "EUV enrolments whose participant has no EUV-RKV" in done.output
    assert "NOT clean" in done.output


def test_check_default_grace_matches_the_library():
    from research.cli.check import DEFAULT_GRACE_DAYS
    from research.quality import DEFAULT_GRACE_DAYS as LIBRARY_DEFAULT

    assert DEFAULT_GRACE_DAYS == LIBRARY_DEFAULT
