"""The import arrows of docs/architecture (../shared/ARCHITECTURE.md) point one way.

Every module of src/research is parsed (ast, not imported) and every import in it, lazy ones
inside functions included, is checked against the table below. A failure names the rule, the
importing module, the line and the imported module.

    cli → report → (metrics, evidence) → store → domain
    ingest and simulate write through store; validation may import evidence and simulate
    (only it may); nothing in domain imports the package; nothing but cli imports cli.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src"
PACKAGE = SRC / "research"
FRONT_DOOR = "research"  # research/__init__.py: what a researcher imports in a notebook

# Which part may import which (besides itself). A part is a subpackage or a top-level module
# of research; the front door is research/__init__.py itself.
SHARED = "domain errors settings config coerce"  # the words, settings and argument checks
EVERYTHING = f"{SHARED} store ingest simulate metrics quality evidence validation programme report"
EVERYTHING += " csv_safety"
MAY_IMPORT: dict[str, set[str]] = {
    part: set(allowed.split())
    for part, allowed in {
        # part        may import
        "domain": "",
        "settings": "",
        "errors": "domain",
        "config": "domain errors settings",
        "coerce": "domain errors",
        "csv_safety": "domain",
        "store": SHARED,
        "ingest": f"{SHARED} store csv_safety",
        "simulate": f"{SHARED} store",
        "metrics": f"{SHARED} store",
        "quality": f"{SHARED} store metrics",
        "evidence": f"{SHARED} store metrics",
        "validation": f"{SHARED} store metrics evidence simulate",
        "programme": f"{SHARED} store metrics evidence",  # what open_programme returns
        "report": f"{SHARED} store metrics quality evidence programme csv_safety",
        "cli": f"{EVERYTHING} {FRONT_DOOR}",
        "__main__": "cli",
        FRONT_DOOR: EVERYTHING,
    }.items()
}


def _simulate_outside_validation(part: str, target: str) -> bool:
    return target == "simulate" and part not in ("validation", "cli", FRONT_DOOR)


# The named rules, most specific first: the first that a wrong import breaks is reported.
RULES: tuple[tuple[str, Callable[[str, str], bool]], ...] = (
    # (the rule, broken when part p imports part t)
    ("nothing in domain imports the package", lambda p, t: p == "domain"),
    ("nothing but cli imports cli", lambda p, t: t == "cli"),
    ("evidence never imports simulate", lambda p, t: (p, t) == ("evidence", "simulate")),
    ("only validation, cli and the front door import simulate", _simulate_outside_validation),
    ("nothing inside the package imports the front door", lambda p, t: t == FRONT_DOOR),
    ("arrows point one way (MAY_IMPORT)", lambda p, t: True),
)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    line: int
    target: str  # the imported module, dotted (a submodule where `from x import sub` names one)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    base = SRC.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(source: str, module: str, is_package: bool = False) -> list[Import]:
    """Every import of ``research`` in ``source``, at any depth (lazy imports in functions and
    ``TYPE_CHECKING`` blocks count), relative ones resolved against ``module``."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            subs = [f"{base}.{alias.name}" for alias in node.names]
            targets = [sub for sub in subs if _is_module(sub)] or [base]
        else:
            continue
        found += [
            Import(module, node.lineno, t)
            for t in targets
            if t == "research" or t.startswith("research.")
        ]
    return found


def part_of(dotted: str) -> str:
    """The part a module belongs to: ``research.evidence.x`` → ``evidence``."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else FRONT_DOOR


def rule_broken(part: str, target: str) -> str | None:
    if target == part or target in MAY_IMPORT.get(part, ()):
        return None
    return next(name for name, applies in RULES if applies(part, target))


@functools.cache  # two tests read them all
def all_imports() -> list[Import]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        out += imports_of(source, module_name(path), path.name == "__init__.py")
    return out


def test_every_part_of_the_package_has_a_row_in_the_table():
    parts = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()
    }
    parts = {FRONT_DOOR if p == "__init__" else p for p in parts}
    missing = sorted(parts - set(MAY_IMPORT))
    assert not missing, f"place these in MAY_IMPORT of tests/test_architecture.py: {missing}"


def test_imports_point_the_way_the_architecture_says():
    broken = []
    for imp in all_imports():
        part, target = part_of(imp.module), part_of(imp.target)
        rule = rule_broken(part, target)
        if rule:
            broken.append(f"{rule}: {imp.module} (line {imp.line}) imports {imp.target}")
    assert not broken, "\n".join(broken)


def test_evidence_knows_nothing_of_the_simulator():
    assert not [
        imp
        for imp in all_imports()
        if part_of(imp.module) == "evidence" and part_of(imp.target) == "simulate"
    ]


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        (
            "def f():\n    from research.simulate import truth\n",
            "research.x",
            ["research.simulate.truth"],
        ),
        ("import research.cli.common as c\n", "research.report.x", ["research.cli.common"]),
        ("from . import frames\n", "research.evidence.x", ["research.evidence.frames"]),
        ("from ..store import tables\n", "research.evidence.x", ["research.store.tables"]),
        ("from research import settings\n", "research.config", ["research.settings"]),
        ("import numpy as np\nfrom pandas import DataFrame\n", "research.domain.x", []),
    ],
)
def test_the_walker_finds_lazy_relative_and_submodule_imports(source, module, expected):
    assert [imp.target for imp in imports_of(source, module)] == expected


def test_a_wrong_arrow_is_named_with_its_rule():
    assert rule_broken("evidence", "simulate") == "evidence never imports simulate"
    assert rule_broken("domain", "errors") == "nothing in domain imports the package"
    assert rule_broken("report", "cli") == "nothing but cli imports cli"
    assert rule_broken("metrics", "quality") == "arrows point one way (MAY_IMPORT)"
    assert (
        rule_broken("ingest", "simulate")
        == "only validation, cli and the front door import simulate"
    )
    assert rule_broken("validation", "simulate") is None
    assert rule_broken("report", "metrics") is None
