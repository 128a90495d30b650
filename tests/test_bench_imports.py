"""The benchmarks keep up with the code: every name a ``bench/`` script imports from the
workbench — in its own body and in the Python it runs in child processes — still exists.

Why: benchmarks run rarely and by hand, so a moved module breaks them silently until the day
someone needs a figure (``report_bench.py`` broke when the report kit moved)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _programs(path: Path) -> list[ast.Module]:
    """The script itself and every string constant in it that parses as a Python program
    with imports (the code a benchmark hands to ``python -c``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    programs = [tree]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "import" in node.value
        ):
            try:
                programs.append(ast.parse(node.value))
            except SyntaxError:
                continue
    return programs


def _workbench_imports(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) for every ``import research…`` / ``from research… import name``."""
    found = []
    for program in _programs(path):
        for node in ast.walk(program):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("research"):
                found += [(node.module, alias.name) for alias in node.names]
            elif isinstance(node, ast.Import):
                found += [(a.name, None) for a in node.names if a.name.startswith("research")]
    return found


@pytest.mark.parametrize("script", sorted(BENCH.glob("*.py")), ids=lambda p: p.name)
def test_bench_script_imports_exist(script: Path) -> None:
    missing = []
    for module_name, name in _workbench_imports(script):
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            missing.append(f"{module_name}: {error}")
            continue
        if name is not None and not hasattr(module, name):
            try:
                importlib.import_module(f"{module_name}.{name}")
            except ImportError:
                missing.append(f"{module_name}.{name}")
    assert not missing, f"{script.name} imports what no longer exists: {missing}"


def test_the_check_sees_imports_inside_child_process_code(tmp_path: Path) -> None:
    script = tmp_path / "bench.py"
    script.write_text('CODE = """\nfrom research.report import nowhere\n"""\n', encoding="utf-8")
    assert ("research.report", "nowhere") in _workbench_imports(script)
