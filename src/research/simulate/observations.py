"""Activity 7: a handful of the action researchers' context-mechanism-outcome observations.

Why: the evidence notebook keeps a CMO register next to the statistics; the simulated
observations hypothesise exactly the effects planted in the data, so the register and the
estimates can be read side by side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.domain.period import ProjectPeriod
from research.simulate.catalogue import CMO_OBSERVATIONS, CMO_SOURCES, RESEARCHERS
from research.simulate.timeline import DAY, d64


def build_observations(
    period: ProjectPeriod, networks: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    start, end = d64(period.start), d64(period.end)
    span = int((end - start) / DAY)
    k = len(CMO_OBSERVATIONS)
    recorded = start + (np.linspace(0.2, 0.97, k) * span).astype(np.int64) * DAY
    established = networks["established_on"].to_numpy().astype("datetime64[D]")
    rows = []
    for i, (context, resource, reasoning, outcome, status, metric) in enumerate(CMO_OBSERVATIONS):
        known = np.flatnonzero(established <= recorded[i])
        about_network = "netværk" in (context + resource).casefold() and known.size > 0
        rows.append(
            {
                "observation_id": f"CMO{i + 1:02d}",
                "recorded_on": recorded[i],
                "researcher": RESEARCHERS[i % len(RESEARCHERS)],
                "source": str(rng.choice(CMO_SOURCES)),
                "context": context,
                "mechanism_resource": resource,
                "mechanism_reasoning": reasoning,
                "outcome": outcome,
                "status": status,
                "linked_metric": metric,
                "network_id": networks["network_id"].iloc[int(rng.choice(known))]
                if about_network
                else None,
            }
        )
    return pd.DataFrame(rows)
