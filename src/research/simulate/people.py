"""Activities 4-5: the people. Employees recruited through companies (networks or one-to-one
visits), unemployed people through the job centres, people assessed who never start, the
side-effect people, and the comparison pool of non-participating unemployed.

Why: everything about a person that later events depend on is drawn here, once, for the whole
project period: who they are (age 25-64, gender by industry, education, the 02 requirement),
how they came (route, company, network, job centre), their EUV track by the rules of
domain-facts.md §1, and, for the unemployed, their employment six months after leaving
(the planted participation effect with selection on observables).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.domain.geography import (
    BORNHOLM_CODE,
    LOW_EDUCATED_UNEMPLOYED_POOL_BY_MUNICIPALITY,
)
from research.domain.period import ProjectPeriod
from research.simulate.catalogue import INDUSTRIES
from research.simulate.companies import MUNICIPALITY_CODES, MUNICIPALITY_P
from research.simulate.ids import SerialsTaken, pseudonyms
from research.simulate.networks import Networks
from research.simulate.timeline import DAY, Scale, d64, elapsed, intake_dates, uniform_days
from research.simulate.truth import (
    EMPLOYMENT,
    POPULATIONS,
    PREPARATORY,
    TRACKS,
    EmploymentTruth,
)

KINDS = ("euv", "au", "rkv_only", "side_unskilled", "side_skilled", "comparison")
_POOL_CODES = np.array(
    [c for c in LOW_EDUCATED_UNEMPLOYED_POOL_BY_MUNICIPALITY if c != BORNHOLM_CODE]
)
_POOL_P = np.array([LOW_EDUCATED_UNEMPLOYED_POOL_BY_MUNICIPALITY[c] for c in _POOL_CODES], float)
_POOL_P /= _POOL_P.sum()
_UNSKILLED = np.array(["H10", "H15", "H20", "H29"], dtype=object)
_SKILLED = np.array(["H30", "H35"], dtype=object)


@dataclass(frozen=True)
class People:
    """One row per simulated person (participants, assessed-only, side effects, comparison).

    Helper columns (not stored as such): ``kind``, ``entry`` (first entry or reference date),
    ``employed``, ``long_term``, ``route``, ``company`` (universe row or -1), ``network``
    (network row or -1), ``industry``, ``below_02``, ``experience_reported``,
    ``experience_assessed``, ``relevant_education``, ``employed_6m``, ``age``.
    """

    frame: pd.DataFrame
    comparison: pd.DataFrame  # the unemployed candidates who did not take part


def _age(rng: np.random.Generator, n: int, low: float = 25.05, high: float = 64.9) -> np.ndarray:
    return low + (high - low) * rng.beta(2.0, 2.4, n)


def _birth(entry: np.ndarray, age: np.ndarray) -> np.ndarray:
    birth = entry - np.floor(age * 365.25).astype(np.int64) * DAY
    new_year = birth == birth.astype("datetime64[Y]").astype("datetime64[D]")
    return np.where(new_year, birth + DAY, birth)  # demo CPR numbers avoid 1 January


def _choice(rng: np.random.Generator, values: np.ndarray, p: list[float] | np.ndarray, n: int):
    p = np.asarray(p, dtype=float)
    return values[rng.choice(values.size, size=n, p=p / p.sum())]


def _weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """k indices without replacement, with probability growing with the weights
    (Efraimidis-Spirakis: the k largest log(U) / w)."""
    keys = np.log(rng.random(weights.size)) / weights
    return np.sort(np.argpartition(-keys, k - 1)[:k]) if k else np.array([], dtype=int)


def unemployed_candidates(
    rng: np.random.Generator, n: int, period: ProjectPeriod, truth: EmploymentTruth = EMPLOYMENT
) -> pd.DataFrame:
    """The population of low-educated unemployed (25-64) that participants and the comparison
    pool both come from; municipalities in proportion to the pool of low-educated unemployed."""
    edu = _choice(
        rng, np.array(list(truth.education_shares)), list(truth.education_shares.values()), n
    )
    return pd.DataFrame(
        {
            "age": _age(rng, n),
            "female": rng.random(n) < truth.female_share,
            "highest_education": edu,
            "long_term": rng.random(n) < truth.long_term_share,
            "municipality_code": _choice(rng, _POOL_CODES, _POOL_P, n),
        }
    )


def employment_probability(
    frame: pd.DataFrame, participated: np.ndarray, truth: EmploymentTruth
) -> np.ndarray:
    """P(employed six months after) for each candidate, by the planted formula."""
    return truth.probability(
        age=frame["age"].to_numpy(),
        female=frame["female"].to_numpy(),
        education=frame["highest_education"].to_numpy(),
        long_term=frame["long_term"].to_numpy(),
        participated=participated,
    )


def selection_score(frame: pd.DataFrame, truth: EmploymentTruth = EMPLOYMENT) -> np.ndarray:
    return (
        truth.selection_long_term * frame["long_term"].to_numpy()
        + truth.selection_h10 * (frame["highest_education"].to_numpy() == "H10")
        + truth.selection_age_per_10y * (frame["age"].to_numpy() - 40.0) / 10.0
    )


def _experience(rng: np.random.Generator, employed: np.ndarray, education: np.ndarray):
    n = employed.size
    t = TRACKS
    median = np.where(employed, t.employed_median_years, t.unemployed_median_years)
    sigma = np.where(employed, t.employed_sigma, t.unemployed_sigma)
    none = rng.random(n) < np.where(
        employed, t.employed_no_relevant_experience, t.unemployed_no_relevant_experience
    )
    reported = np.where(none, 0.0, median * np.exp(rng.normal(0, 1, n) * sigma))
    assessed = reported * np.exp(rng.normal(t.assessment_bias, t.assessment_sd, n))
    relevant = (education == "H29") | (
        (education == "H20") & (rng.random(n) < t.h20_counts_as_relevant)
    )
    return reported, assessed, relevant


def track_for(experience: np.ndarray, relevant_education: np.ndarray) -> np.ndarray:
    """EUV1 with >= 2 years' relevant experience; EUV2 with less but some experience or a
    relevant education; EUV3 otherwise (domain-facts.md §1.2)."""
    return np.where(
        experience >= TRACKS.euv1_min_years,
        "EUV1",
        np.where((experience > 0) | relevant_education, "EUV2", "EUV3"),
    ).astype(object)


def _route_for_employed(rng: np.random.Generator, entry: np.ndarray, period: ProjectPeriod):
    n = entry.size
    p_network = 0.25 + 0.5 * elapsed(period, entry)
    u = rng.random(n)
    return np.where(
        u < 0.05, "other", np.where(u < 0.05 + p_network, "network", "one_to_one_visit")
    ).astype(object)


def _assign_networks(
    rng: np.random.Generator,
    entry: np.ndarray,
    wanted: np.ndarray,
    networks: Networks,
    universe_index: dict[str, int],
    with_company: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """A network established at least 60 days before entry and, for employees, a member
    company that joined at least 14 days before entry. -1 where none is available."""
    n = entry.size
    network = np.full(n, -1)
    company = np.full(n, -1)
    est = networks.networks["established_on"].to_numpy().astype("datetime64[D]")
    available = np.searchsorted(est, entry - 60 * DAY, side="right")
    ok = wanted & (available > 0)
    pick = np.floor(rng.random(n) * available).astype(np.int64)
    network[ok] = pick[ok]
    members = networks.memberships
    ids = networks.networks["network_id"].to_numpy()
    by_network = dict(tuple(members.groupby("network_id", sort=False)))
    for j in np.unique(network[ok & with_company]):
        who = np.flatnonzero((network == j) & with_company)
        m = by_network[ids[j]].sort_values("joined_on", kind="stable")
        joined = m["joined_on"].to_numpy().astype("datetime64[D]")
        k = np.searchsorted(joined, entry[who] - 14 * DAY, side="right")
        idx = np.floor(rng.random(who.size) * k).astype(np.int64)
        cvrs = m["cvr"].to_numpy()
        has = k > 0
        company[who[has]] = [universe_index[c] for c in cvrs[idx[has]]]
        network[who[~has]] = -1
    return network, company


def build_people(
    period: ProjectPeriod,
    scale: Scale,
    universe: pd.DataFrame,
    networks: Networks,
    rng: np.random.Generator,
    taken: SerialsTaken | None = None,
) -> People:
    """The people of the programme and the comparison group; ``taken``: CPR serials earlier
    chunks of the same programme used (``simulate.chunks``)."""
    pops = POPULATIONS
    n_au = scale.n(pops.academy_participants)
    n_emp_euv = scale.n(pops.participants_employed) - n_au
    n_unemp = scale.n(pops.participants_unemployed)
    n_rkv = scale.n(pops.rkv_only_people)
    n_side_u = scale.n(pops.side_effect_unskilled)
    n_side_s = scale.n(pops.side_effect_skilled)
    n_comp = scale.n(pops.comparison_individuals)

    # the unemployed: one population, participants selected on observables
    candidates = unemployed_candidates(rng, n_unemp + n_comp, period)
    chosen = _weighted_sample(rng, np.exp(selection_score(candidates)), n_unemp)
    participated = np.zeros(len(candidates), dtype=bool)
    participated[chosen] = True
    p6 = employment_probability(candidates, participated, EMPLOYMENT)
    candidates["employed_6m"] = rng.random(len(candidates)) < p6
    candidates["kind"] = np.where(participated, "euv", "comparison")
    candidates["employed"] = False
    unemployed = candidates[participated].reset_index(drop=True)
    comparison = candidates[~participated].reset_index(drop=True)

    def employed_block(kind: str, n: int, skilled: bool) -> pd.DataFrame:
        edu = (
            _choice(rng, _SKILLED, [0.9, 0.1], n)
            if skilled
            else _choice(rng, _UNSKILLED, [0.50, 0.05, 0.33, 0.12], n)
        )
        return pd.DataFrame(
            {
                "kind": kind,
                "age": _age(
                    rng, n, 27.0 if kind == "au" else 25.05, 62.0 if kind == "au" else 64.9
                ),
                "highest_education": edu,
                "long_term": False,
                "employed": True,
                "employed_6m": True,
            }
        )

    blocks = [
        employed_block("euv", n_emp_euv, False),
        employed_block("au", n_au, True),
        unemployed.drop(columns=["female", "municipality_code"]),
    ]
    rkv_only = employed_block("rkv_only", n_rkv, False)
    rkv_only["employed"] = rng.random(n_rkv) < 0.75
    blocks.append(rkv_only)
    for kind, n, skilled in (("side_unskilled", n_side_u, False), ("side_skilled", n_side_s, True)):
        block = employed_block(kind, n, skilled)
        block["employed"] = rng.random(n) >= 0.12
        blocks.append(block)
    people = pd.concat(blocks, ignore_index=True)
    n = len(people)
    kind = people["kind"].to_numpy()
    employed = people["employed"].to_numpy(dtype=bool)
    counted_unemployed = np.zeros(n, dtype=bool)
    counted_unemployed[n_emp_euv + n_au : n_emp_euv + n_au + n_unemp] = True

    entry = intake_dates(rng, n, period)
    people["entry"] = entry

    # routes, networks and companies
    route = np.where(employed, _route_for_employed(rng, entry, period), "job_centre").astype(object)
    network_unemployed = counted_unemployed & (rng.random(n) < 0.1)
    route[network_unemployed] = "network"
    universe_index = {c: i for i, c in enumerate(universe["cvr"].to_numpy())}
    network, company = _assign_networks(
        rng, entry, route == "network", networks, universe_index, employed
    )
    lost = (route == "network") & (network < 0)
    route[lost] = np.where(employed[lost], "one_to_one_visit", "job_centre")
    pull = universe["employees"].to_numpy().astype(float) ** 0.7
    needs_company = employed & (company < 0)
    company[needs_company] = rng.choice(
        len(universe), size=int(needs_company.sum()), p=pull / pull.sum()
    )
    people["route"] = route
    people["network"] = network
    people["company"] = company

    # industry of the education: the employer's, or the region's mix for the unemployed
    weights = np.array([p.weight for p in INDUSTRIES])
    industry = rng.choice(len(INDUSTRIES), size=n, p=weights / weights.sum())
    industry[employed] = universe["industry"].to_numpy()[company[employed]]
    people["industry"] = industry

    # gender and municipality
    female_share = np.array([p.female_share for p in INDUSTRIES])[industry]
    female = rng.random(n) < female_share
    municipality = rng.choice(MUNICIPALITY_CODES, size=n, p=MUNICIPALITY_P)
    at_work = employed & (rng.random(n) < 0.55)
    municipality[at_work] = universe["municipality_code"].to_numpy()[company[at_work]]
    side_jobless = ~employed & np.isin(kind, ("side_unskilled", "side_skilled", "rkv_only"))
    municipality[side_jobless] = rng.choice(_POOL_CODES, size=int(side_jobless.sum()), p=_POOL_P)
    cu = np.flatnonzero(counted_unemployed)
    female[cu] = unemployed["female"].to_numpy()
    municipality[cu] = unemployed["municipality_code"].to_numpy()
    people["female"] = female
    people["municipality_code"] = municipality

    # employment status at entry (exactly one, ESF)
    status = np.where(
        employed,
        np.where(rng.random(n) < 0.03, "self_employed", "employed"),
        np.where(people["long_term"].to_numpy(dtype=bool), "long_term_unemployed", "unemployed"),
    )
    people["employment_status"] = status.astype(object)

    # the 02 requirement, experience and the EUV track
    edu = people["highest_education"].to_numpy()
    meets = rng.random(n) < pd.Series(edu).map(dict(PREPARATORY.meets_02_by_education)).fillna(1.0)
    people["below_02"] = ~meets.to_numpy() & ~np.isin(edu, _SKILLED)
    reported, assessed, relevant = _experience(rng, employed, edu)
    people["experience_reported"] = reported
    people["experience_assessed"] = assessed
    people["relevant_education"] = relevant
    people["track_estimated"] = track_for(reported, relevant)
    people["track"] = track_for(assessed, relevant)

    foreign = (
        rng.random(n)
        < np.where(employed, 0.18, 0.3)
        + np.isin(
            industry,
            [i for i, p in enumerate(INDUSTRIES) if p.db07 in ("812100", "551010", "561010")],
        )
        * 0.15
    )
    people["foreign_background"] = np.where(rng.random(n) < 0.05, None, foreign).astype(object)
    disability = rng.random(n) < np.where(employed, 0.04, 0.09)
    people["disability"] = np.where(rng.random(n) < 0.08, None, disability).astype(object)

    # ages are at entry; birth dates from them, then demo CPR numbers -> pseudonyms
    comparison["reference"] = d64(period.start) + uniform_days(
        rng, 0, (d64(period.end) - d64(period.start)) / DAY, len(comparison)
    )
    people["birth_date"] = _birth(entry, people["age"].to_numpy())
    comparison["birth_date"] = _birth(
        comparison["reference"].to_numpy(), comparison["age"].to_numpy()
    )
    births = np.concatenate([people["birth_date"].to_numpy(), comparison["birth_date"].to_numpy()])
    sexes = np.concatenate([female, comparison["female"].to_numpy(dtype=bool)])
    ids = pseudonyms(births.astype("datetime64[D]"), sexes, taken)
    people["person_id"] = ids[:n]
    comparison["person_id"] = ids[n:]
    people["counted_unemployed"] = counted_unemployed
    return People(people, comparison)
