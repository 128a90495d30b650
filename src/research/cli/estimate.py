"""`research estimate`: one treatment effect from an analysis file, with its uncertainty."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from research.cli.common import friendly_errors
from research.errors import EstimationError

if TYPE_CHECKING:
    from research.evidence.estimate import Estimate

METHOD_HELP = (
    "diff (difference in means), ols (regression adjustment), logit (average marginal effect, "
    "binary outcome), ra (g-computation), ipw (inverse-probability weighting), fe (two-way "
    "fixed effects; needs --unit and --time), did (2x2 difference in differences; needs "
    "--time), event (event study: needs --unit, --time and --first-treated; --treatment is "
    "not used)."
)


@friendly_errors
def estimate(
    data: Annotated[
        Path, typer.Option("--data", help="CSV (; with decimal comma, or ,) or Parquet file.")
    ],
    outcome: Annotated[str, typer.Option(help="Outcome column.")],
    treatment: Annotated[
        str, typer.Option(help="Treatment column (0/1; for did the treated group).")
    ] = "",
    covariates: Annotated[
        str | None, typer.Option(help="Covariate columns, comma-separated: age,sex,partner.")
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Unit column (fe, did).")] = None,
    time: Annotated[
        str | None, typer.Option(help="Period column (fe; for did exactly two periods).")
    ] = None,
    cluster: Annotated[
        str | None, typer.Option(help="Cluster column for cluster-robust standard errors.")
    ] = None,
    method: Annotated[str, typer.Option(help=METHOD_HELP)] = "ols",
    estimand: Annotated[str, typer.Option(help="ate or att (ra and ipw only).")] = "ate",
    trim: Annotated[
        float | None,
        typer.Option(help="ipw only: drop rows with a propensity outside [trim, 1-trim]."),
    ] = None,
    small_sample: Annotated[
        str | None,
        typer.Option(
            help="fe and event: nested (default; unit effects nested in clusters not counted, "
            "as xtreg and fixest) or dummies (as OLS with dummies)."
        ),
    ] = None,
    se: Annotated[
        str | None,
        typer.Option(help="ipw: sandwich (default, M-estimation) or wls (weights as known)."),
    ] = None,
    first_treated: Annotated[
        str | None,
        typer.Option(help="event: column with the period each unit was first treated."),
    ] = None,
    leads: Annotated[int | None, typer.Option(help="event: leads to keep (binned).")] = None,
    lags: Annotated[int | None, typer.Option(help="event: lags to keep (binned).")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print estimate, SE, interval, n and options as JSON.")
    ] = False,
) -> None:
    """Estimate a treatment effect with its standard error and 95 % interval.

    Example: research estimate --data lift.csv --outcome done --treatment network --covariates age
    """
    from research.evidence.datafile import read_analysis_data, require_finite
    from research.evidence.estimators import run_estimator

    frame = read_analysis_data(data)
    names = [c.strip() for c in covariates.split(",") if c.strip()] if covariates else []
    require_finite(frame, [outcome, treatment, *names, unit, time, cluster, first_treated])
    chosen = method.strip().lower()
    if chosen == "event":
        _event(
            frame,
            outcome,
            unit,
            time,
            first_treated,
            names,
            cluster,
            small_sample,
            leads,
            lags,
            as_json,
        )
        return
    if not treatment:
        raise EstimationError(f"{chosen} needs a treatment column (--treatment)")
    if first_treated or leads is not None or lags is not None:
        raise EstimationError("--first-treated, --leads and --lags apply to --method event")
    result = run_estimator(
        method.strip().lower(),
        frame,
        outcome=outcome,
        treatment=treatment,
        covariates=names,
        cluster=cluster,
        unit=unit,
        time=time,
        estimand=estimand.strip().lower(),
        trim=trim,
        small_sample=small_sample,
        se=se,
    )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(render(result))


def _event(
    frame,
    outcome: str,
    unit: str | None,
    time: str | None,
    first_treated: str | None,
    covariates: list[str],
    cluster: str | None,
    small_sample: str | None,
    leads: int | None,
    lags: int | None,
    as_json: bool,
) -> None:
    """The event study: coefficients by period relative to first treatment, pre-trend test."""
    from research.evidence.event_study import event_study

    if not (unit and time and first_treated):
        raise EstimationError("event needs --unit, --time and --first-treated")
    study = event_study(
        frame,
        outcome,
        unit,
        time,
        first_treated,
        leads=leads,
        lags=lags,
        covariates=covariates,
        cluster=cluster,
        small_sample=small_sample or "nested",  # type: ignore[arg-type]
    )
    if as_json:
        typer.echo(json.dumps(study.to_dict(), indent=2, ensure_ascii=False))
        return
    lines = [f"{'period':>6}  {'estimate':>9}  {'std. error':>10}  95 % interval"]
    for row in study.coefficients.itertuples():
        if row.reference:
            lines.append(f"{row.relative_period:>6}  {'0 (ref.)':>9}")
            continue
        lines.append(
            f"{row.relative_period:>6}  {_number(row.estimate):>9}  {_number(row.std_error):>10}"
            f"  {_number(row.ci_low)} to {_number(row.ci_high)}"
        )
    lines.append(
        f"pre-trend F test: F = {_number(study.pretrend_statistic)}, "
        f"p = {_number(study.pretrend_p_value)}"
    )
    lines.append(f"rows {study.n} in {study.n_clusters} clusters")
    lines += [f"warning: {w}" for w in study.warnings]
    typer.echo("\n".join(lines))


def _number(value: float) -> str:
    return "–" if value != value else f"{value:.4g}"


def render(result: Estimate) -> str:
    """A small table a person can read: what, how much, how sure, on how many rows."""
    options = result.options
    clusters = f" in {result.n_clusters} clusters" if result.n_clusters else ""
    rows = [
        ("method", f"{result.method} ({options.get('estimand', '')})"),
        ("estimate", _number(result.estimate)),
        ("std. error", f"{_number(result.std_error)}  [{options.get('se_type', '')}]"),
        (
            "95 % interval",
            f"{_number(result.ci_low)} to {_number(result.ci_high)}  "
            f"[{options.get('inference', '')}]",
        ),
        ("p-value", _number(result.p_value)),
        ("rows", f"{result.n}{clusters}"),
    ]
    if options.get("covariates"):
        rows.append(("covariates", ", ".join(options["covariates"])))
    width = max(len(label) for label, _ in rows)
    lines = [f"{label:<{width}}  {value}" for label, value in rows]
    lines += [f"warning: {w}" for w in result.warnings]
    return "\n".join(lines)
