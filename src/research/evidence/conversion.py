"""Network approach versus one-to-one visits: does a company contact turn into participants?

Why: the programme exists to move consultants from one-to-one company visits (thousands a
year, often with no result) to facilitated company networks, so the software must show
whether companies reached through a network convert better: contact → competence supply plan
→ participants. Companies differ in how long they have been in contact and in size, so
participants are modelled as a rate.

**Unit.** A company (CVR) the project has reached by the data date ``as_of``: it has one of
the project's own contacts (``own_project``) dated by then, or joined a network by then.

**Approach.** ``network`` when the company joined a network (``network_memberships``) on or
before ``as_of`` — whether or not it was visited one-to-one first: it has been exposed to the
network approach — otherwise ``one_to_one``.

**Exposure.** ``months_in_contact``: from the first contact (the earlier of the first own
contact and the first network join) to ``as_of``, in days / 30.4375, at least one day.

**Outcomes.** ``has_plan``: a competence supply plan dated by ``as_of``. ``participants``:
counted participants (ESF rule, :func:`~research.metrics.population.participant_facts`)
employed at the company whose first entry is on or after its first contact and by ``as_of``
(earlier entrants are not the contact's doing).

**Models.** participants ~ approach (+ log employees) with log(months in contact) as offset:
a Poisson GLM and a negative binomial (NB2, variance μ + α μ²). α is estimated by maximum
likelihood with statsmodels' discrete ``NegativeBinomial``; the NB is then refitted as a GLM
(``families.NegativeBinomial(alpha=α̂)``) with the same exposure, which gives the same
coefficients. **Overdispersion check:** the likelihood-ratio test of α = 0 (Poisson) against
α > 0, on the boundary, so p = ½ P(χ²₁ > LR); with p < ``overdispersion_alpha`` the negative
binomial is reported, otherwise the Poisson. The Pearson χ²/df of the Poisson fit is shown
too. The rate ratio exp(β_network) is the network companies' participants per month in
contact relative to one-to-one companies of the same size.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.evidence.frames import DAYS_PER_MONTH, data_date_of
from research.evidence.result import Status
from research.metrics.common import Tables, wilson_interval
from research.metrics.coordination import own_contacts
from research.metrics.population import participant_facts

__all__ = [
    "APPROACHES",
    "ConversionResult",
    "company_frame",
    "conversion_funnel",
    "conversion_models",
]

APPROACHES: tuple[str, str] = ("network", "one_to_one")
ANALYSIS = "network_conversion"


def company_frame(tables: Tables, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """One row per company reached by the project by ``as_of`` (module doc for definitions).

    Columns: ``cvr``, ``approach``, ``first_contact_on``, ``months_in_contact``,
    ``own_contacts`` (number by ``as_of``), ``employees``, ``log_employees``,
    ``industry_group``, ``has_plan``, ``participants``, ``has_participant``.
    """
    stamp = data_date_of(tables) if as_of is None else pd.Timestamp(as_of)
    contacts = own_contacts(tables["company_contacts"])
    contacts = contacts[contacts["contact_date"] <= stamp]
    members = tables["network_memberships"]
    members = members[members["joined_on"] <= stamp]
    first_contact = contacts.groupby(contacts["cvr"].astype("object"))["contact_date"].min()
    first_join = members.groupby(members["cvr"].astype("object"))["joined_on"].min()
    cvrs = sorted(set(first_contact.index) | set(first_join.index))
    out = pd.DataFrame({"cvr": pd.array(cvrs, dtype="string")})
    joined = first_join.reindex(cvrs)
    out["approach"] = pd.array(
        np.where(joined.notna().to_numpy(), "network", "one_to_one"), dtype="string"
    )
    first = pd.concat([first_contact.reindex(cvrs), joined], axis=1).min(axis=1)
    out["first_contact_on"] = first.to_numpy()
    days = (stamp - out["first_contact_on"]).dt.days.clip(lower=1)
    out["months_in_contact"] = days / DAYS_PER_MONTH
    counts = contacts.groupby(contacts["cvr"].astype("object")).size()
    out["own_contacts"] = counts.reindex(cvrs, fill_value=0).to_numpy()

    firms = tables["companies"].set_index(tables["companies"]["cvr"].astype("object"))
    out["employees"] = firms["employees"].reindex(cvrs).astype("Int64").to_numpy()
    employees = out["employees"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    out["log_employees"] = np.log(np.where(employees > 0, employees, np.nan))
    out["industry_group"] = firms["industry_group"].reindex(cvrs).astype("Int64").to_numpy()

    plans = tables["competence_plans"]
    planned = set(plans.loc[plans["plan_date"] <= stamp, "cvr"].astype("object"))
    out["has_plan"] = out["cvr"].isin(planned).to_numpy(dtype=bool)

    facts = participant_facts(tables["participants"], tables["enrolments"], stamp)
    facts = facts[facts["cvr"].notna()]
    since = facts["cvr"].astype("object").map(first)
    after = facts[facts["entry_on"] >= since]
    per_company = after.groupby(after["cvr"].astype("object")).size()
    out["participants"] = per_company.reindex(cvrs, fill_value=0).to_numpy(dtype=int)
    out["has_participant"] = out["participants"] > 0
    return out


def conversion_funnel(companies: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Per approach: companies → with a plan → with a participant, nested, with Wilson intervals.

    Columns: ``approach``, ``step`` (contacted, plan, participant), ``companies`` (reached
    this step and every step before it), ``base`` (the previous step), ``conversion`` with
    ``conversion_low``/``conversion_high``, ``participants`` (at the last step: all of the
    approach's participants) and ``participants_per_100_months`` (participants per 100
    company-months in contact).
    """
    rows = []
    for approach in APPROACHES:
        part = companies[companies["approach"] == approach]
        steps = [
            ("contacted", np.ones(len(part), dtype=bool)),
            ("plan", part["has_plan"].to_numpy(dtype=bool)),
            ("participant", part["has_participant"].to_numpy(dtype=bool)),
        ]
        reached = np.ones(len(part), dtype=bool)
        base = None
        for step, mask in steps:
            reached = reached & mask
            rows.append(
                {
                    "approach": approach,
                    "step": step,
                    "companies": int(reached.sum()),
                    "base": base,
                }
            )
            base = int(reached.sum())
        months = float(part["months_in_contact"].sum())
        rows[-1]["participants"] = int(part["participants"].sum())
        rows[-1]["participants_per_100_months"] = (
            100 * part["participants"].sum() / months if months > 0 else np.nan
        )
    out = pd.DataFrame(rows)
    out["base"] = out["base"].astype("Int64")
    base = out["base"].astype("Float64").fillna(0).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["conversion"] = np.where(
            base > 0, out["companies"] / np.where(base > 0, base, 1), np.nan
        )
    low, high = wilson_interval(out["companies"].to_numpy(), base, confidence)
    out["conversion_low"], out["conversion_high"] = low, high
    out["participants"] = out["participants"].astype("Int64")
    return out


@dataclass(frozen=True)
class ConversionResult:
    """The rate-ratio models and the overdispersion check that chose between them."""

    rate_ratios: pd.DataFrame  # one row per model and term, ``reported`` marks the chosen one
    dispersion: pd.DataFrame  # one row: Pearson χ²/df, α̂ with CI, LR test, choice
    status: Status  # ok, no_data, not_converged, failed
    message: str


def _terms(companies: pd.DataFrame, adjust: Sequence[str]) -> pd.DataFrame:
    x = pd.DataFrame(
        {
            "const": 1.0,
            "approach[network]": (companies["approach"] == "network").astype(float).to_numpy(),
        },
        index=companies.index,
    )
    for column in adjust:
        x[column] = pd.to_numeric(companies[column], errors="coerce").astype(float)
    return x


def _table(name: str, result, x: pd.DataFrame, confidence: float) -> list[dict]:
    from scipy import stats

    params = np.asarray(result.params)[: x.shape[1]]
    se = np.asarray(result.bse)[: x.shape[1]]
    z = stats.norm.ppf(0.5 + confidence / 2)
    rows = []
    for j, term in enumerate(x.columns):
        if term == "const":
            continue
        rows.append(
            {
                "analysis": ANALYSIS,
                "model": name,
                "term": term,
                "log_rate_ratio": params[j],
                "std_error": se[j],
                "rate_ratio": np.exp(params[j]),
                "ci_low": np.exp(params[j] - z * se[j]),
                "ci_high": np.exp(params[j] + z * se[j]),
                "p_value": float(2 * stats.norm.sf(abs(params[j] / se[j]))),
            }
        )
    return rows


def conversion_models(
    companies: pd.DataFrame,
    *,
    outcome: str = "participants",
    exposure: str = "months_in_contact",
    adjust: Sequence[str] = ("log_employees",),
    confidence: float = 0.95,
    overdispersion_alpha: float = 0.05,
) -> ConversionResult:
    """Poisson and negative binomial rate ratios of network vs one-to-one (module doc).

    ``exposure`` is the column whose log is the offset (``months_in_contact``, or
    ``employees`` for participants per employee); ``adjust`` are numeric covariates. Rows with
    a missing or non-positive exposure or a missing covariate are left out.
    """
    from scipy import stats
    from statsmodels.discrete.discrete_model import NegativeBinomial
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    x = _terms(companies, adjust)
    y = pd.to_numeric(companies[outcome], errors="coerce").astype(float)
    t = pd.to_numeric(companies[exposure], errors="coerce").astype(float)
    keep = (y.notna() & t.gt(0) & x.notna().all(axis=1)).to_numpy(dtype=bool)
    x, y, t = x[keep], y[keep].to_numpy(), t[keep].to_numpy()
    empty = pd.DataFrame(columns=_RR_COLUMNS)
    no_dispersion = pd.DataFrame(columns=_DISPERSION_COLUMNS)
    groups = set(companies.loc[keep, "approach"])
    if len(groups) < 2 or y.sum() == 0:
        return ConversionResult(
            empty, no_dispersion, Status.NO_DATA, "both approaches and some participants are needed"
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            poisson = GLM(y, x, family=families.Poisson(), exposure=t).fit()
            start = np.append(np.asarray(poisson.params), 0.5)
            nb_mle = NegativeBinomial(y, x, exposure=t, loglike_method="nb2").fit(
                start_params=start, disp=0, maxiter=200
            )
            alpha = float(np.asarray(nb_mle.params)[-1])
            nb = GLM(y, x, family=families.NegativeBinomial(alpha=alpha), exposure=t).fit()
        except (np.linalg.LinAlgError, ValueError) as exc:
            return ConversionResult(
                empty, no_dispersion, Status.FAILED, f"could not be fitted: {exc}"
            )
    if any(issubclass(w.category, ConvergenceWarning) for w in caught) or not bool(
        nb_mle.mle_retvals.get("converged", True)
    ):
        return ConversionResult(
            empty, no_dispersion, Status.NOT_CONVERGED, "the negative binomial did not converge"
        )
    lr = max(0.0, 2 * (float(nb_mle.llf) - float(poisson.llf)))
    p_lr = 0.5 * float(stats.chi2.sf(lr, 1)) if lr > 0 else 1.0
    chosen = "negative_binomial" if p_lr < overdispersion_alpha else "poisson"
    alpha_low, alpha_high = np.asarray(nb_mle.conf_int(alpha=1 - confidence))[-1]
    dispersion = pd.DataFrame(
        [
            {
                "analysis": ANALYSIS,
                "n_companies": len(y),
                "events": int(y.sum()),
                "pearson_dispersion": float(poisson.pearson_chi2 / poisson.df_resid),
                "alpha": alpha,
                "alpha_ci_low": float(alpha_low),
                "alpha_ci_high": float(alpha_high),
                "lr_statistic": lr,
                "lr_p_value": p_lr,
                "reported_model": chosen,
            }
        ],
        columns=_DISPERSION_COLUMNS,
    )
    rows = _table("poisson", poisson, x, confidence) + _table(
        "negative_binomial", nb, x, confidence
    )
    table = pd.DataFrame(rows, columns=_RR_COLUMNS[:-1])
    table["reported"] = table["model"] == chosen
    return ConversionResult(table, dispersion, Status.OK, "")


_RR_COLUMNS = [
    "analysis",
    "model",
    "term",
    "log_rate_ratio",
    "std_error",
    "rate_ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "reported",
]
_DISPERSION_COLUMNS = [
    "analysis",
    "n_companies",
    "events",
    "pearson_dispersion",
    "alpha",
    "alpha_ci_low",
    "alpha_ci_high",
    "lr_statistic",
    "lr_p_value",
    "reported_model",
]
