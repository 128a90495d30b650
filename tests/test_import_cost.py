"""Importing the library stays cheap: heavy packages are imported where they are used.

Why: every notebook kernel, every `research` command and every test process pays for what the
library imports up front; statsmodels.api alone costs seconds. The guard counts the modules an
import brings in (in a fresh interpreter), never the time, so it holds on a loaded machine.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("statsmodels", "scipy", "matplotlib", "papermill", "nbconvert", "typst", "pptx")
"""Packages no guarded import may bring in (each costs from half a second to seconds)."""

MAX_MODULES = 1000
"""pandas, pandera and DuckDB (which the store needs) come to about 800 modules; statsmodels
and SciPy add about a thousand more."""

_PROBE = """
import importlib, json, pkgutil, sys
before = set(sys.modules)
module = importlib.import_module(sys.argv[1])
if sys.argv[2] == "walk":  # every submodule of the package too
    for info in pkgutil.walk_packages(module.__path__, module.__name__ + "."):
        importlib.import_module(info.name)
print(json.dumps(sorted(set(sys.modules) - before)))
"""

pytestmark = pytest.mark.e2e  # each case imports in a fresh interpreter (a subprocess)


def _imported_by(name: str, walk: bool) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, name, "walk" if walk else "one"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("name", "walk", "allowed"),
    [
        ("research", False, ()),
        ("research.metrics", True, ()),  # every metric module, as the report imports them
        ("research.report", False, ()),
        # the kit and every product with all their modules: matplotlib loads when a figure
        # is drawn, statsmodels and SciPy when an estimate is made
        ("research.report.kit", True, ()),
        ("research.report.progress", True, ()),
        ("research.report.seminar", True, ()),
        ("research.report.companies", True, ()),
        ("research.report.networks", True, ()),
        ("research.report.article", True, ()),
        ("research.evidence", True, ()),
        # what `research report` loads before a kernel starts; it writes the deck itself,
        # in the figures' palette, so matplotlib may come in with it
        ("research.report.runner.run", False, ("matplotlib",)),
    ],
)
def test_an_import_brings_in_no_heavy_package_and_few_modules(name, walk, allowed):
    imported = _imported_by(name, walk)
    banned = set(HEAVY) - set(allowed)
    heavy = sorted({m.split(".")[0] for m in imported if m.split(".")[0] in banned})
    assert heavy == [], f"import {name} brings in {', '.join(heavy)}"
    assert len(imported) < MAX_MODULES, f"import {name} brings in {len(imported)} modules"


_RUN = """
import json, sys
before = set(sys.modules)
exec(sys.argv[1])
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def _imported_by_running(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, code], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_wilson_interval_is_computed_without_statsmodels():
    """Every share in the report carries one; its closed form needs only numpy and the normal
    quantile (scipy.special), not statsmodels' seconds of imports."""
    imported = _imported_by_running(
        "from research.metrics.common import wilson_interval; wilson_interval(3, 10)"
    )
    assert not [m for m in imported if m.split(".")[0] == "statsmodels"]
    assert "scipy.stats" not in imported
