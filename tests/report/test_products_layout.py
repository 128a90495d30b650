"""The report package's arrows point one way: kit <- products <- runner.

Why: the progress report, the article and the seminar deck each change for their own readers;
when one product reaches into another's internals, a change for one breaks the other. What they
share lives in ``research.report.kit``; only the runner, which runs and publishes them all,
imports the products. Every import is walked, including those inside functions and under
``TYPE_CHECKING``, because a lazy import is still an arrow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import research.report

PACKAGE = "research.report"
ROOT = Path(research.report.__file__).resolve().parent
KIT = "kit"
RUNNER = "runner"
PRODUCTS = frozenset({"progress", "article", "seminar", "companies", "networks"})
PARTS = PRODUCTS | {KIT, RUNNER}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PACKAGE, *parts])


def part_of(module: str) -> str | None:
    """The part (kit, a product, runner) a ``research.report`` module belongs to."""
    if module != PACKAGE and not module.startswith(PACKAGE + "."):
        return None
    rest = module[len(PACKAGE) + 1 :].split(".")[0]
    return rest if rest in PARTS else None


def imported_modules(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every module the source imports, with its line; ``from X import y`` counts as ``X.y``
    too, since ``y`` may be a submodule (``from research.report.seminar import slides``)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return found


def broken_rule(importer: str, imported: str) -> str | None:
    """Why ``importer`` must not import ``imported``, or None when the arrow is allowed."""
    mine, theirs = part_of(importer), part_of(imported)
    if theirs is None or mine is None or mine == theirs:
        return None
    if theirs == RUNNER:
        return f"the runner is imported by {mine} (only the runner imports products and kit)"
    if mine == KIT and theirs in PRODUCTS:
        return f"the kit imports the {theirs} product (the kit serves every product)"
    if mine in PRODUCTS and theirs in PRODUCTS:
        return (
            f"the {mine} product imports the {theirs} product (move what they share into the kit)"
        )
    return None


def violations(root: Path = ROOT) -> list[str]:
    """One line per import statement that breaks a rule: module, line, what it imports, why."""
    out: dict[tuple[str, int], str] = {}
    for path in sorted(root.rglob("*.py")):
        module = module_name(path)
        source = path.read_text(encoding="utf-8")
        for line, imported in imported_modules(source, module, path.name == "__init__.py"):
            reason = broken_rule(module, imported)
            if reason and (module, line) not in out:
                out[(module, line)] = f"{module} (line {line}) imports {imported}: {reason}"
    return [out[key] for key in sorted(out)]


def test_every_module_belongs_to_a_part():
    """A module directly under ``research.report`` would escape the rules."""
    loose = [
        module_name(p)
        for p in ROOT.rglob("*.py")
        if module_name(p) != PACKAGE and part_of(module_name(p)) is None
    ]
    assert loose == [], f"modules outside kit/products/runner: {loose}"


def test_products_import_only_the_kit_and_nothing_imports_the_runner():
    found = violations()
    assert found == [], "imports against kit <- products <- runner:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("importer", "source", "words"),
    [
        (
            "research.report.seminar.slides",
            "from research.report.progress import caveats",
            "the seminar product imports the progress product",
        ),
        (
            "research.report.progress.front",
            "def f():\n    from research.report.seminar.slides import x",
            "the progress product imports the seminar product",
        ),
        (
            "research.report.kit.section",
            "from research.report.article.export import t",
            "the kit imports the article product",
        ),
        (
            "research.report.kit.section",
            "import research.report.runner.pdf",
            "the runner is imported by kit",
        ),
        (
            "research.report.article.sections",
            "from research.report import runner",
            "the runner is imported by article",
        ),
        (
            "research.report.article.sections",
            "from ..seminar import slides",
            "the article product imports the seminar product",
        ),
    ],
)
def test_the_walk_names_each_broken_rule(importer: str, source: str, words: str):
    found = [
        broken_rule(importer, imported)
        for _, imported in imported_modules(source, importer, is_package=False)
    ]
    assert any(reason and words in reason for reason in found), found


@pytest.mark.parametrize(
    ("importer", "source"),
    [
        ("research.report.runner.run", "from research.report.seminar import slides"),
        ("research.report.seminar.slides", "from research.report.kit.quarter import targets"),
        ("research.report.article.sections", "from research.report.article.figures import x"),
        ("research.report.kit.blocks", "from research.report.kit.charts import alt_text_of"),
    ],
)
def test_the_walk_allows_the_arrows_kit_products_runner(importer: str, source: str):
    found = [
        broken_rule(importer, imported)
        for _, imported in imported_modules(source, importer, is_package=False)
    ]
    assert not any(found), found
