"""What every subcommand shares: the --db/--config options and turning errors into one line."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from research.errors import ResearchError, ValidationFailed

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="DuckDB file (default: $RESEARCH_DB or data/workbench.duckdb).",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Project TOML (default: $RESEARCH_CONFIG, ./project.toml or the built-in one).",
        show_default=False,
    ),
]

F = TypeVar("F", bound=Callable)


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def friendly_errors(command: F) -> F:
    """A ResearchError becomes one clear message and a non-zero exit, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ValidationFailed as exc:
            typer.secho(exc.report(), err=True, fg=typer.colors.RED)
            raise typer.Exit(exc.exit_code) from None
        except ResearchError as exc:
            raise fail(str(exc), exc.exit_code) from None

    return wrapper  # type: ignore[return-value]
