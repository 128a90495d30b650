"""Activity 3: a competence supply plan for each participating company.

Why: the plans say which subject areas each company needs to lift (current vs required level,
1-5) and for how many employees; the gap report reads them. A fifth of the companies revise
their plan a year later, with some gaps closed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.domain.period import ProjectPeriod
from research.simulate.catalogue import SUBJECT_AREAS
from research.simulate.timeline import DAY, d64, uniform_days


def build_competence_plans(
    period: ProjectPeriod,
    companies: pd.DataFrame,
    first_involved: pd.Series,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """``first_involved``: per CVR, the date the company first joined a network or had an
    employee enter; the plan follows a network join and precedes an employee's entry."""
    start, end = d64(period.start), d64(period.end)
    cvrs = first_involved.index.to_numpy()
    when = first_involved.to_numpy().astype("datetime64[D]")
    n = cvrs.size
    plan_day = np.clip(when + uniform_days(rng, -45, 45, n), start, end)
    size = companies.set_index("cvr")["employees"].reindex(cvrs).to_numpy()
    frames = []
    for revision in (0, 1):
        day = plan_day if revision == 0 else plan_day + 365 * DAY
        keep = np.ones(n, dtype=bool) if revision == 0 else (rng.random(n) < 0.2) & (day <= end)
        areas = rng.integers(4, 9, n)
        order = np.argsort(rng.random((n, len(SUBJECT_AREAS))), axis=1)
        take = (np.arange(len(SUBJECT_AREAS))[None, :] < areas[:, None]) & keep[:, None]
        company, slot = np.nonzero(take)
        m = company.size
        current = rng.integers(1, 5, m)
        if revision:
            current = np.minimum(current + (rng.random(m) < 0.4), 5)
        gap = rng.choice(4, size=m, p=[0.3, 0.45, 0.2, 0.05])
        share = rng.uniform(0.05, 0.4, n)[company]
        frames.append(
            pd.DataFrame(
                {
                    "cvr": cvrs[company],
                    "subject_area": np.array(SUBJECT_AREAS, dtype=object)[order[company, slot]],
                    "plan_date": day[company],
                    "current_level": current,
                    "required_level": np.minimum(current + gap, 5),
                    "employees_concerned": rng.binomial(size[company].astype(np.int64), share),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
