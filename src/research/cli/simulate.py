"""`research simulate`: write the synthetic demo programme into a database."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from research.cli.common import ConfigOption, DbOption, fail, friendly_errors


@friendly_errors
def simulate(
    db: DbOption = None,
    config: ConfigOption = None,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same data.")
    ] = 2025,
    scale: Annotated[
        float, typer.Option(help="Multiply every population (1 = the application's numbers).")
    ] = 1.0,
    until: Annotated[
        str | None,
        typer.Option(
            help="Simulate up to this date (YYYY-MM-DD); default: end of the last complete "
            "quarter before today."
        ),
    ] = None,
    break_parallel_trends: Annotated[
        bool,
        typer.Option(
            "--break-parallel-trends",
            help="Give participating companies another pre-trend (to test the pre-trend check).",
        ),
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a database that already holds data.")
    ] = False,
) -> None:
    """Simulate the whole programme with known, documented effects (see docs/simulation.md).

    Example: research simulate --db data/workbench.duckdb --seed 2025 --until 2026-09-30
    """
    from research.config import load_programme_config, resolve_db_path
    from research.simulate import default_until
    from research.simulate import simulate as run_simulation
    from research.simulate.run import check_scale, check_until

    programme = load_programme_config(config)
    check_scale(scale)
    if until:
        try:
            stop = check_until(date.fromisoformat(until), programme)
        except ValueError:
            raise fail(f"--until {until!r} is not a date; write it as YYYY-MM-DD", 2) from None
    else:
        stop = default_until(date.today(), programme)
    path = resolve_db_path(db)
    summary = run_simulation(
        path,
        programme,
        seed=seed,
        scale=scale,
        until=stop,
        break_parallel_trends=break_parallel_trends,
        replace=replace,
    )
    typer.echo(f"Simulated the programme up to {stop} into {path}")
    for name, value in summary.as_dict().items():
        if not isinstance(value, dict):
            typer.echo(f"  {name}: {value}")
