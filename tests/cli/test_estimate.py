"""`research estimate`: files in, the library's numbers out, and one-line errors."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from research.cli import app
from research.evidence.datafile import read_analysis_data
from research.evidence.estimators import run_estimator

runner = CliRunner()


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 300
    alder = rng.normal(40, 10, n)
    netværk = (rng.random(n) < 1 / (1 + np.exp(-(alder - 40) / 10))).astype(int)
    return pd.DataFrame(
        {
            "udfald": 1 + 0.5 * netværk + 0.05 * alder + rng.normal(0, 1, n),
            "fuldført": (rng.random(n) < 0.3 + 0.2 * netværk).astype(int),
            "netværk": netværk,
            "alder": alder,
            "køn": rng.choice(["kvinde", "mand"], n),
            "virksomhed": rng.integers(0, 40, n),
        }
    )


@pytest.fixture(scope="module")
def files(frame, tmp_path_factory):
    folder = tmp_path_factory.mktemp("estimate")
    plain = folder / "lift.csv"
    frame.to_csv(plain, index=False)
    danish = folder / "løft.csv"  # the Danish way: ; and decimal comma, Windows-1252
    frame.to_csv(danish, index=False, sep=";", decimal=",", encoding="cp1252")
    parquet = folder / "lift.parquet"
    with duckdb.connect() as con:
        con.register("frame", frame)
        con.execute(f"copy frame to '{parquet}' (format parquet)")
    return {"csv": plain, "danish": danish, "parquet": parquet}


def estimate(*args: str):
    return runner.invoke(app, ["estimate", *args])


COMMON = ["--outcome", "udfald", "--treatment", "netværk", "--covariates", "alder,køn"]


def test_json_output_is_the_library_result(files):
    done = estimate("--data", str(files["csv"]), *COMMON, "--method", "ipw", "--json")
    assert done.exit_code == 0, done.output
    printed = json.loads(done.stdout)
    expected = run_estimator(
        "ipw",
        read_analysis_data(files["csv"]),
        outcome="udfald",
        treatment="netværk",
        covariates=["alder", "køn"],
    )
    assert printed == json.loads(json.dumps(expected.to_dict()))
    assert printed["method"] == "ipw" and printed["options"]["covariates"] == ["alder", "køn[mand]"]


@pytest.mark.parametrize("kind", ["danish", "parquet"])
def test_danish_csv_and_parquet_give_the_same_numbers_as_plain_csv(files, kind):
    args = [*COMMON, "--cluster", "virksomhed", "--method", "ols", "--json"]
    reference = json.loads(estimate("--data", str(files["csv"]), *args).stdout)
    done = estimate("--data", str(files[kind]), *args)
    assert done.exit_code == 0, done.output
    other = json.loads(done.stdout)
    assert other["estimate"] == pytest.approx(reference["estimate"], abs=1e-12)
    assert other["std_error"] == pytest.approx(reference["std_error"], abs=1e-12)
    assert other["n_clusters"] == 40


def test_plain_output_is_a_small_readable_table(files):
    done = estimate("--data", str(files["csv"]), *COMMON, "--method", "ra", "--estimand", "att")
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[0].startswith("method") and "ra (ATT)" in lines[0]
    assert [line.split()[0] for line in lines[1:4]] == ["estimate", "std.", "95"]
    assert "rows           300" in done.stdout


def test_a_separated_logit_reports_a_warning_not_a_crash(files, frame, tmp_path):
    separated = frame.assign(fuldført=(frame["alder"] > 40).astype(int))
    path = tmp_path / "separated.csv"
    separated.to_csv(path, index=False)
    done = estimate(
        "--data",
        str(path),
        *COMMON[:2],
        "--treatment",
        "netværk",
        "--method",
        "logit",
        "--outcome",
        "fuldført",
        "--covariates",
        "alder",
    )
    assert done.exit_code == 0, done.output
    assert "estimate       –" in done.stdout and "warning: perfect separation" in done.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (["--treatment", "nope"], "error: column 'nope' not in the data; available: udfald, "),
        (["--treatment", "alder", "--method", "diff"], "error: treatment 'alder' must be binary"),
        (["--treatment", "netværk", "--method", "fe"], "error: fe needs a unit and a time"),
        (["--treatment", "netværk", "--method", "probit"], "error: unknown method 'probit'"),
        (["--treatment", "netværk", "--time", "alder", "--method", "did"], "needs exactly two"),
        (["--treatment", "netværk", "--trim", "0.1"], "error: trim applies to ipw only"),
        (["--treatment", "netværk", "--unit", "virksomhed"], "apply to fe and did only"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(files, args, message):
    done = estimate("--data", str(files["csv"]), "--outcome", "udfald", *args)
    assert done.exit_code != 0
    assert message in done.stderr
    assert "Traceback" not in done.output
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("missing.csv", None, "missing.csv: file not found"),
        ("data.xlsx", b"PK", "unsupported file type '.xlsx'"),
        ("empty.csv", b"", "the file is empty"),
        ("header.csv", b"a;b\n", "has a header but no rows"),
        ("bad.parquet", b"not parquet", "not a readable Parquet file"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    done = estimate("--data", str(path), "--outcome", "y", "--treatment", "t")
    assert done.exit_code != 0
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_help_shows_a_working_example():
    done = runner.invoke(app, ["estimate", "--help"])
    assert done.exit_code == 0 and "Example: research estimate" in done.output


@pytest.fixture(scope="module")
def panel_file(tmp_path_factory):
    """Companies by year: staggered first participation, year dummies d2021, d2022."""
    rng = np.random.default_rng(8)
    rows = []
    for firm in range(40):
        first = rng.choice([2021, 2022, np.nan])
        alpha = rng.normal()
        for year in range(2019, 2025):
            treated = int(not np.isnan(first) and year >= first)
            y = alpha + 0.2 * (year - 2019) + 1.0 * treated + rng.normal()
            rows.append((f"f{firm}", year, first, treated, y, rng.normal()))
    df = pd.DataFrame(rows, columns=["fcode", "year", "first", "grant", "share", "x"])
    df["d2021"] = (df["year"] == 2021).astype(int)
    df["d2022"] = (df["year"] == 2022).astype(int)
    path = tmp_path_factory.mktemp("panel") / "panel.csv"
    df.to_csv(path, index=False)
    return path


def test_fe_drops_year_dummies_with_a_note_instead_of_stopping(panel_file):
    """Issue 14: --covariates x,d2021,d2022 --unit fcode --time year --method fe used to stop."""
    args = ["--data", str(panel_file), "--outcome", "share", "--treatment", "grant"]
    args += ["--unit", "fcode", "--time", "year", "--method", "fe", "--json"]
    result = estimate(*args, "--covariates", "x,d2021,d2022")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["options"]["covariates"] == ["x"]
    assert any("d2021, d2022" in w for w in payload["warnings"])
    plain = json.loads(estimate(*args, "--covariates", "x").output)
    assert payload["estimate"] == pytest.approx(plain["estimate"])


def test_small_sample_and_se_choices_reach_the_library(panel_file, files, frame):
    args = ["--data", str(panel_file), "--outcome", "share", "--treatment", "grant"]
    args += ["--unit", "fcode", "--time", "year", "--method", "fe", "--json"]
    nested = json.loads(estimate(*args).output)
    dummies = json.loads(estimate(*args, "--small-sample", "dummies").output)
    assert dummies["std_error"] > nested["std_error"]
    assert "as OLS with unit and period dummies" in dummies["options"]["se_type"]
    wls = json.loads(
        estimate(
            "--data", str(files["csv"]), *COMMON, "--method", "ipw", "--se", "wls", "--json"
        ).output
    )
    library = run_estimator(
        "ipw", frame, outcome="udfald", treatment="netværk", covariates=["alder", "køn"], se="wls"
    )
    assert wls["std_error"] == pytest.approx(library.std_error)
    wrong = estimate("--data", str(files["csv"]), *COMMON, "--method", "ols", "--se", "wls")
    assert wrong.exit_code != 0 and "se applies to ipw only" in wrong.output


def test_event_study_from_the_command_line(panel_file):
    args = ["--data", str(panel_file), "--outcome", "share", "--method", "event"]
    args += ["--unit", "fcode", "--time", "year", "--first-treated", "first"]
    text = estimate(*args, "--leads", "2", "--lags", "2")
    assert text.exit_code == 0, text.output
    assert "pre-trend F test" in text.output and "0 (ref.)" in text.output
    payload = json.loads(estimate(*args, "--json").output)
    periods = [c["relative_period"] for c in payload["coefficients"]]
    assert -1 in periods and 0 in periods
    missing = estimate("--data", str(panel_file), "--outcome", "share", "--method", "event")
    assert missing.exit_code != 0 and "event needs --unit, --time and --first-treated" in (
        missing.output
    )
