"""The suite's tiers, and the guard that keeps the default tier quick.

Every test is in one tier: ``e2e`` (papermill runs, the Quarto stand-in, CLI subprocesses,
report builds) and ``validation`` (coverage studies, planted-effect recovery, large-scale
checks) are marked explicitly, with ``pytestmark`` for a whole module or a decorator on one
test; every other test is ``unit``, given here. ``pyproject.toml`` selects ``-m unit`` by
default, so plain ``pytest`` is the quick loop and ``make test`` runs all three.

A unit test that starts a process (a Jupyter kernel, a CLI in a subprocess, git, a process
pool) fails and says to mark it ``e2e``: processes are what make a quick loop slow, and
nothing else shows that a test started one. ``validation`` tests may run their replications
in a process pool.
"""

from __future__ import annotations

import multiprocessing.util
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

# tests/test_tiers.py runs small suites with this conftest; shared_stores holds the stores that
# tests in several folders read
pytest_plugins = ("pytester", "tests.shared_stores")

EXPLICIT_TIERS = ("e2e", "validation")
DEFAULT_TIER = "unit"


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give ``unit`` to every test that is not marked ``e2e`` or ``validation``."""
    for item in items:
        if not any(item.get_closest_marker(tier) for tier in EXPLICIT_TIERS):
            item.add_marker(DEFAULT_TIER)


def pytest_deselected(items: list[pytest.Item]) -> None:
    """Count what the tier selection left out, for the summary line."""
    if items:
        config = items[0].config
        config.stash[_DESELECTED] = config.stash.get(_DESELECTED, 0) + len(items)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """Say that the quick tier is not the whole suite, and how to run the rest."""
    left_out = config.stash.get(_DESELECTED, 0)
    if left_out and config.option.markexpr == DEFAULT_TIER:
        terminalreporter.write_line(
            f"{left_out} e2e/validation tests not run (the quick tier): "
            "`make test` runs all tiers, `pytest -m e2e` or `-m validation` one of them"
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    with _processes_refused(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    with _processes_refused(item):
        return (yield)


_DESELECTED = pytest.StashKey[int]()


@contextmanager
def _processes_refused(item: pytest.Item) -> Iterator[None]:
    """Fail ``item`` if it is a unit test and it (or a fixture it sets up) starts a process.

    The failure is raised where the process would start (``pytest.fail`` is not an
    ``Exception``, so code that catches errors cannot swallow it) and again after the test,
    in case it was raised in a thread whose error nobody read.
    """
    if any(item.get_closest_marker(tier) for tier in EXPLICIT_TIERS):
        yield
        return
    started: list[str] = []

    def refuse(what: object) -> None:
        started.append(_describe(what))
        pytest.fail(_message(item, started[0]), pytrace=False)

    originals = (
        (subprocess.Popen, "_execute_child"),
        (os, "fork"),
        (multiprocessing.util, "spawnv_passfds"),
    )
    saved = [(owner, name, getattr(owner, name)) for owner, name in originals]

    def execute_child(self, args, *rest, **kwargs):
        refuse(args)

    subprocess.Popen._execute_child = execute_child
    os.fork = lambda: refuse("os.fork()")
    multiprocessing.util.spawnv_passfds = lambda path, args, passfds: refuse(args)
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)
    if started:
        pytest.fail(_message(item, started[0]), pytrace=False)


def _describe(what: object) -> str:
    if isinstance(what, list | tuple):
        return " ".join(str(part) for part in what)[:120]
    return str(what)[:120]


def _message(item: pytest.Item, started: str) -> str:
    return (
        f"{item.nodeid} starts a process ({started}) but is a unit test: mark it "
        "`@pytest.mark.e2e` (or the module `pytestmark = pytest.mark.e2e`), or keep it "
        "in-process"
    )
