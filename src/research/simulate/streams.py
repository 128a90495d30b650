"""Independent random streams, one per named component.

Why: each component draws from its own generator, seeded by the run's seed and the component's
name, so adding or changing a component never shifts the numbers another one draws.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator for one component of a run with this seed."""
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode())]))
