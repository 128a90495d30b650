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
    return tuple(
        (path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for path in sorted(SRC.rglob("*.py"))
    )
