"""The workbench's own modules, each parsed once per test process.

Several tests read every module of src/research (the import arrows, where the environment is
read, where a counting rule is written out); parsing them all is about a second apiece.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

SRC = Path(__file__).parents[1] / "src" / "research"


@functools.cache
def source_trees() -> tuple[tuple[Path, ast.Module], ...]:
    """(path, syntax tree) of every module of the package, in path order."""
    return tuple((path, _parse(path)) for path in sorted(SRC.rglob("*.py")))


def trees_mentioning(*words: str) -> list[tuple[Path, ast.Module]]:
    """(path, tree) of the modules whose text contains any of ``words``: a module that does
    not contain a name or a string as text cannot use it, and parsing all of them takes a
    second or two in every test process."""
    return [
        (path, _parse(path))
        for path in sorted(SRC.rglob("*.py"))
        if any(word in path.read_text(encoding="utf-8") for word in words)
    ]


@functools.cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
