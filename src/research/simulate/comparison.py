"""Comparison data: a company panel (participating and never-contacted companies, share of
skilled employees per year) and a pool of non-participating unemployed individuals.

Why: comparison-group designs need people and companies outside the programme. The panel
carries the planted difference-in-differences effect (zero before participation, parallel
trends by construction unless broken on purpose); the individual pool carries the selection on
observables of the employment effect (see ``truth.PANEL`` and ``truth.EMPLOYMENT``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.domain.period import ProjectPeriod
from research.simulate.companies import draw_companies
from research.simulate.timeline import DAY
from research.simulate.truth import PANEL, PanelTruth


def build_company_panel(
    period: ProjectPeriod,
    participating: pd.DataFrame,
    comparison_serials: np.ndarray,
    rng: np.random.Generator,
    *,
    break_parallel_trends: bool = False,
    truth: PanelTruth = PANEL,
) -> pd.DataFrame:
    """``participating``: cvr, db07, employees and ``first_date`` (first employee's entry).

    Returns the panel for every year of the horizon, with the helper column ``first_date``.
    """
    comparison = draw_companies(rng, comparison_serials)
    firms = pd.concat(
        [
            participating[["cvr", "db07", "employees", "first_date"]],
            comparison[["cvr", "db07", "employees"]].assign(first_date=pd.NaT),
        ],
        ignore_index=True,
    )
    firms["first_date"] = pd.to_datetime(firms["first_date"])
    years = np.arange(period.start.year - truth.pre_years, period.end.year + 1)
    n, t = len(firms), years.size
    treated = firms["first_date"].notna().to_numpy()
    first_year = firms["first_date"].dt.year.to_numpy(dtype=float, na_value=np.nan)
    base = (
        truth.base_share_pp
        + truth.participating_level_pp * treated
        + rng.normal(0.0, truth.company_sd_pp, n)
    )
    since = years[None, :] - years[0]
    event = years[None, :] - first_year[:, None]
    effect = np.where(treated[:, None], truth.effect_pp(event), 0.0)
    broken = (
        truth.broken_pretrend_pp_per_year * since * treated[:, None]
        if break_parallel_trends
        else 0.0
    )
    share = (
        base[:, None]
        + truth.year_trend_pp * since
        + effect
        + broken
        + rng.normal(0.0, truth.yearly_noise_pp, (n, t))
    )
    share = np.clip(share, 0.0, 100.0) / 100.0
    size = firms["employees"].to_numpy()[:, None] * np.exp(
        rng.normal(0.0, truth.employment_growth_sd, (n, t))
    )
    size = np.maximum(np.round(size), 1).astype(np.int64)
    skilled = rng.binomial(size, share)
    return pd.DataFrame(
        {
            "cvr": np.repeat(firms["cvr"].to_numpy(), t),
            "year": np.tile(years, n),
            "db07": np.repeat(firms["db07"].to_numpy(), t),
            "employees": size.ravel(),
            "skilled_employees": skilled.ravel(),
            "participating": np.repeat(treated, t),
            "first_participation_year": np.repeat(
                pd.array(np.where(treated, first_year, np.nan), dtype="Int64"), t
            ),
            "synthetic": True,
            "first_date": np.repeat(firms["first_date"].to_numpy(), t),
        }
    )


def build_comparison_individuals(comparison: pd.DataFrame) -> pd.DataFrame:
    """The unemployed who did not take part; the outcome is six months after the reference
    date (the counterpart of a participant's exit). Helper column ``observed_on``."""
    reference = comparison["reference"].to_numpy().astype("datetime64[D]")
    return pd.DataFrame(
        {
            "person_id": comparison["person_id"].to_numpy(),
            "reference_date": reference,
            "birth_date": comparison["birth_date"].to_numpy(),
            "gender": np.where(comparison["female"].to_numpy(dtype=bool), "female", "male"),
            "employment_status": np.where(
                comparison["long_term"].to_numpy(dtype=bool), "long_term_unemployed", "unemployed"
            ),
            "highest_education": comparison["highest_education"].to_numpy(),
            "municipality_code": comparison["municipality_code"].to_numpy(),
            "employed_6_months": comparison["employed_6m"].to_numpy(dtype=bool),
            "synthetic": True,
            "observed_on": reference + 183 * DAY,
        }
    )
