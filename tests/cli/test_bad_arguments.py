"""Values `research estimate` and `research simulate` cannot use give one line, not a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from research.cli import app

runner = CliRunner()

ROWS = [(1, 0, 1), (2, 1, 2), (3, 0, 3), (4, 1, 4), (5, 0, 5), (6, 1, 6), (7, 0, 7), (8, 1, 9)]


def _write(tmp_path, name: str, sep: str, rows: list[tuple[str, str, str]]) -> str:
    path = tmp_path / name
    path.write_text("\n".join(sep.join(r) for r in [("y", "t", "x"), *rows]) + "\n", "utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("method", "where"),
    [("diff", "outcome"), ("ols", "outcome"), ("ols", "covariate"), ("ipw", "covariate")],
)
@pytest.mark.parametrize("value", ["inf", "-inf", "Infinity"])
def test_estimate_with_infinite_values_is_one_line(tmp_path, method, where, value):
    rows = [tuple(str(v) for v in r) for r in ROWS]
    rows[2] = (value, "0", "3") if where == "outcome" else ("3", "0", value)
    path = _write(tmp_path, "x.csv", ",", rows)
    args = ["estimate", "--data", path, "--outcome", "y", "--treatment", "t", "--method", method]
    if method != "diff":
        args += ["--covariates", "x"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback
    line = result.output.strip()
    assert "\n" not in line and "infinite value" in line
    assert f"column '{'y' if where == 'outcome' else 'x'}'" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scale", "0"], "scale must be a number from 0.05 to 1000"),
        (["--scale", "-2"], "scale must be a number"),
        (["--scale", "nan"], "got nan"),
        (["--scale", "inf"], "got inf"),
        (["--scale", "1e9"], "scale must be a number"),
        (["--scale", "0.001"], "scale must be a number"),
        (["--until", "2019-06-30"], "outside the project period 2025-01-01 to 2027-12-31"),
        (["--until", "2031-12-31"], "outside the project period"),
        (["--until", "2026-13-01"], "is not a date"),
    ],
)
def test_simulate_with_values_it_cannot_use_is_one_line(tmp_path, args, message):
    db = tmp_path / "sim.duckdb"
    result = runner.invoke(app, ["simulate", "--db", str(db), *args])
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert message in result.output and result.output.count("\n") == 1
    assert not db.exists()
