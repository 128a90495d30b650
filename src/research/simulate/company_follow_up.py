"""What follows the companies once the people are drawn: competence plans from each company's
first involvement, and the comparison panel of companies with a counted participant.

Why one place: a single run and a run in chunks (``simulate.chunks``) reach the same two steps
from different summaries of the people, and must build them the same way."""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.domain.period import ProjectPeriod
from research.simulate.comparison import build_company_panel
from research.simulate.competence import build_competence_plans
from research.simulate.streams import stream


def plans_and_panel(
    period: ProjectPeriod,
    companies: pd.DataFrame,
    memberships: pd.DataFrame,
    entries: pd.DataFrame,
    first_counted: pd.Series,
    panel_ids: np.ndarray,
    seed: int,
    *,
    break_parallel_trends: bool,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``entries``: (``cvr``, ``day``) of participants' entries, one row or more per company;
    ``first_counted``: each company's first counted participant's start, by ``cvr``."""
    involved = pd.concat(
        [memberships[["cvr", "joined_on"]].rename(columns={"joined_on": "day"}), entries]
    )
    involved["day"] = pd.to_datetime(involved["day"])
    first_involved = involved.groupby("cvr", sort=True)["day"].min()
    plans = build_competence_plans(period, companies, first_involved, stream(seed, "competence"))
    treated = companies.merge(first_counted.rename("first_date"), left_on="cvr", right_index=True)
    panel = build_company_panel(
        period,
        treated,
        panel_ids,
        stream(seed, "panel"),
        break_parallel_trends=break_parallel_trends,
    )
    return plans, panel
