"""The company universe: the made-up companies that the contact logs, networks and
participants draw from, and the comparison companies of the panel.

Why: realistic industries (DB07 codes common in the region), sizes and municipalities make the
coordination, network and comparison analyses meaningful. Every CVR number comes from the
synthetic ``99`` block and every company row is marked ``synthetic``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.domain.codes import SizeBand
from research.domain.geography import APPROX_POPULATION_2024, BORNHOLM_CODE
from research.simulate.catalogue import INDUSTRIES
from research.simulate.ids import synthetic_cvrs

_MUNICIPALITY_CODES = np.array([c for c in APPROX_POPULATION_2024 if c != BORNHOLM_CODE])
_MUNICIPALITY_WEIGHTS = np.array(
    [APPROX_POPULATION_2024[c] for c in _MUNICIPALITY_CODES], dtype=float
)
MUNICIPALITY_P = _MUNICIPALITY_WEIGHTS / _MUNICIPALITY_WEIGHTS.sum()
MUNICIPALITY_CODES = _MUNICIPALITY_CODES


def size_bands(employees: np.ndarray) -> np.ndarray:
    bins = np.array([10, 50, 250])
    names = np.array([b.value for b in SizeBand])
    return names[np.searchsorted(bins, employees, side="right")]


def draw_companies(rng: np.random.Generator, serials: np.ndarray) -> pd.DataFrame:
    """Companies with these CVR serials: industry, size, municipality and a demo name.

    The helper column ``industry`` indexes :data:`catalogue.INDUSTRIES`.
    """
    n = serials.size
    weights = np.array([p.weight for p in INDUSTRIES])
    industry = rng.choice(len(INDUSTRIES), size=n, p=weights / weights.sum())
    median = np.array([p.median_employees for p in INDUSTRIES])[industry]
    employees = np.clip(np.round(median * np.exp(rng.normal(0.0, 1.0, n))), 1, 5000)
    employees = employees.astype(np.int64)
    municipality = rng.choice(MUNICIPALITY_CODES, size=n, p=MUNICIPALITY_P)
    words = np.array([p.word for p in INDUSTRIES], dtype=object)[industry]
    suffix = np.where(employees >= 50, "A/S", np.where(rng.random(n) < 0.1, "I/S", "ApS"))
    names = [f"{w} Demo {s + 1:05d} {x}" for w, s, x in zip(words, serials, suffix, strict=True)]
    return pd.DataFrame(
        {
            "cvr": synthetic_cvrs(serials),
            "name": names,
            "db07": np.array([p.db07 for p in INDUSTRIES], dtype=object)[industry],
            "industry_group": np.array([p.ten_group for p in INDUSTRIES])[industry],
            "employees": employees,
            "size_band": size_bands(employees),
            "municipality_code": municipality,
            "synthetic": True,
            "industry": industry,
        }
    )


def grow_to_fit(companies: pd.DataFrame, people_per_company: pd.Series) -> pd.DataFrame:
    """Raise a company's size where more of its employees take part than it has employees.

    Only happens at large scales, where companies stop growing in number.
    """
    need = people_per_company.reindex(companies["cvr"]).fillna(0).to_numpy()
    minimum = np.ceil(need * 1.25).astype(np.int64) + np.where(need > 0, 2, 0)
    out = companies.copy()
    out["employees"] = np.maximum(out["employees"].to_numpy(), minimum)
    out["size_band"] = size_bands(out["employees"].to_numpy())
    return out
