"""A seeded simulator of the whole programme: the demo data and the statistics' ground truth.

``simulate`` writes a complete, validated programme into the store; ``default_until`` gives the
demo's data date; ``truth`` holds every planted effect (see docs/simulation.md).
"""

from research.simulate import truth
from research.simulate.run import (
    SimulationInvalid,
    SimulationSummary,
    build_frames,
    build_world,
    simulate,
)
from research.simulate.timeline import Scale, default_until, expected_intake_share

__all__ = [
    "Scale",
    "SimulationInvalid",
    "SimulationSummary",
    "build_frames",
    "build_world",
    "default_until",
    "expected_intake_share",
    "simulate",
    "truth",
]
