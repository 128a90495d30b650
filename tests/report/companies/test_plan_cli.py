"""`research plan` and `research ws2` refuse what they cannot use in one line, before a kernel."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from research.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan"], "give --company CVR"),
        (["plan", "--company", "99000376", "--all-companies"], "not both"),
        (["plan", "--company", "99000376", "--network", "NET001"], "--network goes with"),
        (["ws2"], "give --network ID"),
        (["ws2", "--network", "NET001", "--all-networks"], "not both"),
    ],
)
def test_contradictory_options_are_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "--company", "1234"], "--company '1234': invalid CVR number"),
        (["plan", "--company", "12345674"], "--company 12345674: no company with this CVR"),
        (["plan", "--all-companies", "--network", "NOPE"], "--network 'NOPE': no such network"),
        (["ws2", "--network", "NOPE"], "--network 'NOPE': no such network"),
    ],
)
def test_unknown_subjects_are_one_line_and_publish_nothing(
    small_db: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "reports"
    result = runner.invoke(app, [*args, "--db", str(small_db), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert not any(p for p in out.rglob("*") if p.name != ".publishing.lock")
