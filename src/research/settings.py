"""Every environment variable the workbench reads, in one place.

Why: a setting read with ``os.environ`` deep inside a module is invisible to the person who
has to set it. Every variable is named and explained in :data:`VARIABLES` (the README's table
lists the same, and a test keeps the two in step), read only by the functions here, and
read when asked, never at import time. An empty value counts as not set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CONFIG_ENV",
    "DB_ENV",
    "KERNEL_ENV",
    "KEY_ENV",
    "KEY_FILE_ENV",
    "NOTEBOOKS_ENV",
    "QUARTO_ENV",
    "QUARTO_PYTHON_ENV",
    "VARIABLES",
    "Variable",
    "child_environment",
    "config_path",
    "db_path",
    "kernel",
    "notebooks_dir",
    "pseudonym_key",
    "pseudonym_key_file",
    "quarto_path",
    "quarto_python",
]

DB_ENV = "RESEARCH_DB"
CONFIG_ENV = "RESEARCH_CONFIG"
KEY_ENV = "RESEARCH_PSEUDONYM_KEY"
KEY_FILE_ENV = "RESEARCH_PSEUDONYM_KEY_FILE"
NOTEBOOKS_ENV = "RESEARCH_NOTEBOOKS"
KERNEL_ENV = "RESEARCH_KERNEL"
QUARTO_ENV = "QUARTO_PATH"
QUARTO_PYTHON_ENV = "QUARTO_PYTHON"


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name and what it chooses."""

    name: str
    meaning: str


VARIABLES: tuple[Variable, ...] = (
    Variable(DB_ENV, "the database when `--db` is not given (default `data/workbench.duckdb`)"),
    Variable(
        CONFIG_ENV,
        "the project configuration when `--config` is not given (else `./project.toml`, "
        "else the built-in one)",
    ),
    Variable(KEY_ENV, "the pseudonymisation key itself (UTF-8 text, at least 16 bytes)"),
    Variable(
        KEY_FILE_ENV,
        f"a file outside the repository holding the key (when {KEY_ENV} is not set)",
    ),
    Variable(NOTEBOOKS_ENV, "the folder holding `progress.ipynb` and the other notebooks"),
    Variable(KERNEL_ENV, "the Jupyter kernel the report runs its notebooks with"),
    Variable(QUARTO_ENV, "the Quarto program, or a folder holding it (else the PATH)"),
    Variable(
        QUARTO_PYTHON_ENV,
        "the Python that Quarto runs (default: the workbench's own interpreter)",
    ),
)


def _get(name: str) -> str | None:
    return os.environ.get(name) or None


def db_path() -> Path | None:
    """``RESEARCH_DB``, if set."""
    value = _get(DB_ENV)
    return Path(value) if value else None


def config_path() -> Path | None:
    """``RESEARCH_CONFIG``, if set."""
    value = _get(CONFIG_ENV)
    return Path(value) if value else None


def pseudonym_key() -> str | None:
    """``RESEARCH_PSEUDONYM_KEY`` as given (checked by ``research.ingest.pseudonym``)."""
    return _get(KEY_ENV)


def pseudonym_key_file() -> Path | None:
    """``RESEARCH_PSEUDONYM_KEY_FILE``, if set."""
    value = _get(KEY_FILE_ENV)
    return Path(value) if value else None


def notebooks_dir() -> Path | None:
    """``RESEARCH_NOTEBOOKS``, if set."""
    value = _get(NOTEBOOKS_ENV)
    return Path(value) if value else None


def kernel() -> str | None:
    """``RESEARCH_KERNEL``, if set."""
    return _get(KERNEL_ENV)


def quarto_path() -> str | None:
    """``QUARTO_PATH`` as given (a program or a folder; ``report.runner.quarto`` checks)."""
    return _get(QUARTO_ENV)


def quarto_python() -> str | None:
    """``QUARTO_PYTHON``, if set."""
    return _get(QUARTO_PYTHON_ENV)


def child_environment(**overrides: str) -> dict[str, str]:
    """The environment for a program the workbench starts (Quarto): ours, with ``overrides``."""
    return {**os.environ, **overrides}
