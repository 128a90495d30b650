"""Every environment variable is read in research.settings, and the README lists each one."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from research import settings
from research.config import resolve_db_path
from tests.source_trees import trees_mentioning

SRC = Path(__file__).parents[1] / "src" / "research"
README = Path(__file__).parents[1] / "README.md"
ENVIRONMENT = {"environ", "getenv", "putenv"}


def environment_reads(tree: ast.AST) -> list[int]:
    """Lines that touch the process environment: os.environ, os.getenv, os.putenv, or those
    names imported from os."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ENVIRONMENT:
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            lines += [node.lineno] if {a.name for a in node.names} & ENVIRONMENT else []
    return lines


def test_only_the_settings_module_reads_the_environment():
    found = []
    for path, tree in trees_mentioning(*ENVIRONMENT):
        if path == SRC / "settings.py":
            continue
        found += [f"{path.relative_to(SRC.parent)}:{line}" for line in environment_reads(tree)]
    assert not found, f"read the environment through research.settings instead: {found}"


def test_every_variable_is_in_the_readme_table():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([A-Z_]+)` \|", section, re.M)
    assert listed == [v.name for v in settings.VARIABLES]


def test_an_empty_variable_counts_as_not_set(monkeypatch):
    monkeypatch.setenv(settings.DB_ENV, "")
    assert settings.db_path() is None
    assert resolve_db_path() == Path("data") / "workbench.duckdb"
    monkeypatch.setenv(settings.DB_ENV, "elsewhere.duckdb")
    assert resolve_db_path() == Path("elsewhere.duckdb")
    assert resolve_db_path("given.duckdb") == Path("given.duckdb")


def test_a_child_process_gets_our_environment_with_the_overrides(monkeypatch):
    monkeypatch.setenv(settings.KERNEL_ENV, "python3")
    child = settings.child_environment(QUARTO_PYTHON="/usr/bin/python3")
    assert child[settings.KERNEL_ENV] == "python3"
    assert child["QUARTO_PYTHON"] == "/usr/bin/python3"
