"""`research simulate` imports only what it uses: no SciPy statistics, no pandera up front.

Why: importing ``scipy.stats`` (for one Beta CDF) and pandera (for a check the store's own
constraints make) cost more than a second of the simulator's three. Counted in a fresh
interpreter, never timed, so the guard holds on a loaded machine.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e  # a fresh interpreter (a subprocess) per case

_PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.parametrize("name", ["research.simulate", "research.store"])
def test_importing_brings_in_neither_scipy_stats_nor_pandera(name):
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, name], capture_output=True, text=True, check=True
    )
    imported = json.loads(done.stdout.strip().splitlines()[-1])
    heavy = [m for m in imported if m in ("pandera", "scipy.stats", "hypothesis")]
    assert heavy == []
