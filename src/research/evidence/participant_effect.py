"""Analysis 5: does taking part raise employment six months after, for the unemployed?

Why: the article claims that unemployed participants are more often in work six months after
leaving than comparable unemployed people who did not take part. Participants are not a random
draw: job centres send the long-term unemployed, the least educated and older people, who find
work less often anyway. So the plain difference understates the effect, and the comparison must
adjust for those characteristics (selection on observables).

**Frame** (:func:`person_frame`): one row per person.

* Participants: counted participants (``participant_facts``) whose ``employment_status`` at
  entry is ``unemployed`` or ``long_term_unemployed``; outcome ``employed_6_months`` = the
  final exit's ``status_6_months`` is ``employed``. It is known only when the person has left
  and six months have passed by the data date (``outcome_known``); the others are kept with a
  missing outcome and left out of the estimates (counted in ``n_outcome_pending``).
* Comparison: every row of ``comparison_individuals`` with ``reference_date`` by the data date;
  the outcome is its ``employed_6_months`` (six months after the reference date).

Covariates (:data:`COVARIATES`): ``age`` in decimal years (days / 365.25) at first entry
(participants) or at the reference date (comparison), ``female``, ``highest_education`` (DST
H-group, dummies against the first level) and ``long_term`` (``employment_status`` is
long-term unemployed).

**Estimands** (risk difference, probability of being employed):

* ATT, the headline: the effect on those who took part, E[Y(1) − Y(0) | participant]. It is
  what the article can defend, since the comparison pool is large and covers the
  participants' characteristics; ``ra`` (logit outcome model per arm, g-computation) and
  ``ipw`` (logit propensity on the covariates, ATT weights e/(1−e), Hajek).
* ATE over participants and comparison pool together, by the same two estimators.
* ``diff``: the unadjusted difference in employment rates, for contrast (Welch SE).

Standard errors: M-estimation sandwich (``ra``, ``ipw``: the estimation of the models is
counted), normal intervals; no clustering (people are independent draws). Person counts below
``min_cell`` are hidden and estimates with a group that small are reported as too small.
Estimates that cannot be made say why in ``status``, in words: "too few known outcomes"
(fewer than :data:`PER_TERM` participants with a known outcome per adjustment term), "no
overlap" (separation: the covariates tell the groups apart exactly), "could not be solved"
(a singular model) or "did not converge"; ``message`` gives the detail. Levels of a text
covariate with fewer than ``min_cell`` participants or comparison persons are merged into the
commonest level first (:func:`merge_sparse_levels`; named in ``options``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research.domain.rules import UNEMPLOYED
from research.errors import EstimationError
from research.evidence.estimate import CONFIDENCE, Estimate
from research.evidence.estimators import diff, ra
from research.evidence.frames import data_date_of
from research.evidence.result import Status
from research.evidence.weighting import balance_table, ipw, ipw_weights, overlap_data
from research.metrics.population import participant_facts

__all__ = [
    "COVARIATES",
    "FAILED",
    "NOT_CONVERGED",
    "NOT_SOLVABLE",
    "NO_OVERLAP",
    "OK",
    "TOO_FEW_OUTCOMES",
    "TOO_SMALL",
    "ParticipantEffect",
    "failure_reason",
    "merge_sparse_levels",
    "participant_effect",
    "person_frame",
]

OK = Status.OK
TOO_SMALL = Status.TOO_SMALL
FAILED = Status.FAILED  # kept for callers; rows now carry one of the reasons below instead
TOO_FEW_OUTCOMES = Status.TOO_FEW_OUTCOMES
NO_OVERLAP = Status.NO_OVERLAP
NOT_SOLVABLE = Status.NOT_SOLVABLE
NOT_CONVERGED = Status.DID_NOT_CONVERGE

PER_TERM = 10
"""Participants with a known outcome needed per adjustment term before RA and IPW are tried
(the usual events-per-variable rule for a logit): below it the per-arm outcome model and the
propensity model are not identified from so few people, and the row says so in words."""


def failure_reason(message: str) -> str:
    """The reason, in words a reader can act on, for an estimator's error message."""
    text = message.lower()
    if "separation" in text or "overlap" in text or ("propensit" in text and "outside" in text):
        return NO_OVERLAP
    if "singular" in text or "collinear" in text:
        return NOT_SOLVABLE
    if "converge" in text:
        return NOT_CONVERGED
    if "too few" in text:
        return TOO_FEW_OUTCOMES
    return FAILED


OUTCOME = "employed_6_months"
TREATMENT = "treated"
COVARIATES: tuple[str, ...] = ("age", "female", "highest_education", "long_term")
DAYS_PER_YEAR = 365.25

ESTIMATE_COLUMNS = [
    "method",
    "estimand",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
    "p_value",
    "n_treated",
    "n_comparison",
    "se_type",
    "inference",
    "status",
    "message",
]


@dataclass(frozen=True)
class ParticipantEffect:
    """The results of analysis 5 as tidy tables (see the module doc for the estimands).

    ``estimates``: one row per estimator and estimand (diff; ra and ipw for ATT and ATE),
    columns :data:`ESTIMATE_COLUMNS`. ``counts``: one row per group (``group``, ``n``,
    ``n_employed``, ``share_employed``; hidden below ``min_cell``) and ``n_outcome_pending``.
    ``balance``: :func:`~research.evidence.weighting.balance_table` with the ATT weights
    (``covariate``, means and ``smd_before``, ``smd_after``). ``overlap``: ``group``,
    ``treated``, ``propensity`` per person, for the overlap plot (no counts).
    """

    estimates: pd.DataFrame
    counts: pd.DataFrame
    balance: pd.DataFrame
    overlap: pd.DataFrame
    status: str
    message: str
    options: dict[str, object] = field(default_factory=dict)


def _age(birth: pd.Series, on: pd.Series) -> np.ndarray:
    return ((pd.to_datetime(on) - pd.to_datetime(birth)).dt.days / DAYS_PER_YEAR).to_numpy(
        dtype=float, na_value=np.nan
    )


def _text(series: pd.Series) -> pd.Series:
    return series.astype("object").where(series.notna()).astype("string")


def person_frame(
    tables: Mapping[str, pd.DataFrame], as_of: pd.Timestamp | str | None = None
) -> pd.DataFrame:
    """Unemployed participants stacked with the comparison individuals (see the module doc).

    ``as_of`` is the data date (default: the latest event in the tables). Columns:
    ``person_id``, ``group`` (participant/comparison), ``treated`` (0/1), ``reference_date``
    (first entry or the comparison reference date), ``outcome_known``, ``employed_6_months``
    (0/1, missing while pending), ``age``, ``gender``, ``female`` (0/1), ``highest_education``,
    ``employment_status``, ``long_term`` (0/1).
    """
    stamp = data_date_of(tables) if as_of is None else pd.Timestamp(as_of)
    facts = participant_facts(tables["participants"], tables["enrolments"], stamp)
    status = facts["employment_status"].astype("object")
    facts = facts[status.isin(UNEMPLOYED)].reset_index(drop=True)
    six = facts["status_6_months"].astype("object")
    known = six.notna().to_numpy()
    part = pd.DataFrame(
        {
            "person_id": _text(facts["participant_id"]),
            "group": "participant",
            "treated": 1,
            "reference_date": pd.to_datetime(facts["entry_on"]),
            "outcome_known": known,
            OUTCOME: pd.array(np.where(known, six == "employed", pd.NA), dtype="Int64"),
            "age": _age(facts["birth_date"], facts["entry_on"]),
            "gender": _text(facts["gender"]),
            "highest_education": _text(facts["highest_education"]),
            "employment_status": _text(facts["employment_status"]),
        }
    )
    comp = tables.get("comparison_individuals")
    if comp is None:
        comp = pd.DataFrame(
            columns=[
                "person_id",
                "reference_date",
                "birth_date",
                "gender",
                "employment_status",
                "highest_education",
                OUTCOME,
            ]
        )
    comp = comp[pd.to_datetime(comp["reference_date"]) <= stamp].reset_index(drop=True)
    other = pd.DataFrame(
        {
            "person_id": _text(comp["person_id"]),
            "group": "comparison",
            "treated": 0,
            "reference_date": pd.to_datetime(comp["reference_date"]),
            "outcome_known": comp[OUTCOME].notna().to_numpy(dtype=bool),
            OUTCOME: pd.array(comp[OUTCOME].astype("boolean"), dtype="Int64"),
            "age": _age(comp["birth_date"], comp["reference_date"]),
            "gender": _text(comp["gender"]),
            "highest_education": _text(comp["highest_education"]),
            "employment_status": _text(comp["employment_status"]),
        }
    )
    out = pd.concat([part, other], ignore_index=True)
    out["treated"] = out["treated"].astype(int)
    out["female"] = (out["gender"] == "female").astype("Int64").where(out["gender"].notna())
    out["long_term"] = (
        (out["employment_status"] == "long_term_unemployed")
        .astype("Int64")
        .where(out["employment_status"].notna())
    )
    out["group"] = out["group"].astype("string")
    return out


def _shown(count: int, min_cell: int) -> object:
    return count if count >= min_cell else pd.NA


def _counts(frame: pd.DataFrame, pending: int, min_cell: int) -> pd.DataFrame:
    rows = []
    for group, flag in (("participant", 1), ("comparison", 0)):
        rows_g = frame[frame[TREATMENT] == flag]
        n = len(rows_g)
        employed = int(rows_g[OUTCOME].sum())
        hide = min(n, employed, n - employed) < min_cell
        rows.append(
            {
                "group": group,
                "n": _shown(n, min_cell),
                "n_employed": pd.NA if hide else employed,
                "share_employed": np.nan if hide or not n else employed / n,
            }
        )
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype("Int64")
    out["n_employed"] = out["n_employed"].astype("Int64")
    out["n_outcome_pending"] = _shown(pending, min_cell) if pending else 0
    out["n_outcome_pending"] = out["n_outcome_pending"].astype("Int64")
    return out


def _row(
    est: Estimate | None,
    method: str,
    estimand: str,
    n1: int,
    n0: int,
    min_cell: int,
    message: str = "",
) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(ESTIMATE_COLUMNS, np.nan)
    row |= {
        "method": method,
        "estimand": estimand,
        "n_treated": _shown(n1, min_cell),
        "n_comparison": _shown(n0, min_cell),
        "se_type": "",
        "inference": "",
        "status": FAILED,
        "message": message,
    }
    if min(n1, n0) < min_cell:
        row |= {
            "status": TOO_SMALL,
            "message": f"too small: fewer than {min_cell} participants or comparison persons "
            "with a known outcome",
        }
        return row
    return row if est is None else row | est.table_fields()


def merge_sparse_levels(
    data: pd.DataFrame, covariates: Sequence[str], min_count: int
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Merge levels of text covariates with fewer than ``min_count`` participants or
    comparison persons into the commonest level.

    Why: at the project's end about 80 participants have a known outcome, and a rare
    education group (H15 is 5 % of the unemployed) often has no participant at all. A level
    absent from one group separates the propensity model and leaves the participants' outcome
    model singular, so RA and IPW gave no estimate in 6 of 60 simulated programmes. Merging
    the level (a coarser adjustment) keeps both estimators defined; ``options`` names what
    was merged.
    """
    out = data.copy()
    merged: dict[str, list[str]] = {}
    group = out[TREATMENT].astype(int)
    for name in covariates:
        if out[name].dtype != object:
            continue
        by_group = pd.crosstab(out[name], group).reindex(columns=[0, 1], fill_value=0)
        sparse = by_group.index[by_group.min(axis=1) < min_count].tolist()
        commonest = out[name].value_counts().index[0]
        sparse = [level for level in sparse if level != commonest]
        if sparse:
            out[name] = out[name].where(~out[name].isin(sparse), commonest)
            merged[name] = [f"{level} -> {commonest}" for level in sparse]
    return out, merged


def _in_words(row: dict[str, object]) -> dict[str, object]:
    """A failed row's status becomes its reason in words (:func:`failure_reason`)."""
    if row["status"] != FAILED:
        return row
    message = str(row.get("message") or "")
    reason = failure_reason(message)
    if reason == NO_OVERLAP:
        message = (
            "no overlap: the covariates tell participants and comparison persons (or the "
            f"employed and the rest) apart exactly for some people ({message})"
        )
    return row | {"status": reason, "message": message}


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as nullable integers (hidden ones missing), numbers as floats."""
    for name in ("n_treated", "n_comparison"):
        table[name] = pd.array(table[name].tolist(), dtype="Int64")
    for name in ("estimate", "std_error", "ci_low", "ci_high", "p_value"):
        table[name] = pd.to_numeric(table[name], errors="coerce").astype(float)
    return table


ESTIMANDS = {
    "diff": "difference in employment rates, participants - comparison (unadjusted)",
    "att": "ATT: effect on participants, risk difference",
    "ate": "ATE: effect over participants and comparison pool, risk difference",
}


def participant_effect(
    frame: pd.DataFrame,
    *,
    covariates: Sequence[str] = COVARIATES,
    min_cell: int = 5,
    confidence: float = CONFIDENCE,
) -> ParticipantEffect:
    """Analysis 5 on :func:`person_frame`: diff, ra and ipw (ATT and ATE), balance, overlap.

    Rows with a pending outcome or a missing covariate are left out. Never raises for small or
    degenerate data: rows then carry ``status`` too_small or failed and a ``message``.
    """
    covariates = list(covariates)
    pending = int((~frame["outcome_known"].astype(bool) & (frame[TREATMENT] == 1)).sum())
    data = frame[frame["outcome_known"].astype(bool)].dropna(subset=[OUTCOME, *covariates])
    data = data.reset_index(drop=True)
    data[OUTCOME] = data[OUTCOME].astype(int)
    for name in covariates:
        if isinstance(data[name].dtype, pd.StringDtype):
            data[name] = data[name].astype(object)
        elif pd.api.types.is_numeric_dtype(data[name]):
            data[name] = data[name].astype(float)
    n1 = int((data[TREATMENT] == 1).sum())
    n0 = int((data[TREATMENT] == 0).sum())
    data, merged = merge_sparse_levels(data, covariates, min_cell)
    counts = _counts(data, pending, min_cell)
    options = {
        "outcome": "employed six months after leaving (participants) / after the reference "
        "date (comparison)",
        "covariates": covariates,
        "min_cell": min_cell,
        "confidence": confidence,
        "outcome_model": "logit per arm (ra)",
        "propensity_model": "logit on the covariates (ipw)",
        "merged_levels": merged,
    }
    empty_balance = pd.DataFrame(
        columns=[
            "covariate",
            "mean_treated",
            "mean_control",
            "smd_before",
            "mean_treated_weighted",
            "mean_control_weighted",
            "smd_after",
        ]
    )
    empty_overlap = pd.DataFrame(columns=["group", "treated", "propensity"])
    if min(n1, n0) < min_cell:
        rows = [
            _row(None, m, ESTIMANDS[e], n1, n0, min_cell)
            for m, e in (
                ("diff", "diff"),
                ("ra", "att"),
                ("ipw", "att"),
                ("ra", "ate"),
                ("ipw", "ate"),
            )
        ]
        message = f"too small: fewer than {min_cell} participants or comparison persons"
        return ParticipantEffect(
            _typed(pd.DataFrame(rows, columns=ESTIMATE_COLUMNS)),
            counts,
            empty_balance,
            empty_overlap,
            TOO_SMALL,
            message,
            options,
        )

    from research.evidence.prepare import covariate_matrix

    terms = covariate_matrix(data, covariates).shape[1]
    needed = PER_TERM * terms

    def attempt(method: str, estimand: str) -> dict[str, object]:
        if method != "diff" and n1 < needed:
            return _row(None, method, ESTIMANDS[estimand], n1, n0, min_cell) | {
                "status": TOO_FEW_OUTCOMES,
                "message": f"too few known outcomes: {n1} participants with a known six-month "
                f"status; adjusting for {terms} covariate terms needs at least {needed} "
                f"({PER_TERM} per term). More outcomes arrive six months after each exit.",
            }
        try:
            if method == "diff":
                est = diff(data, OUTCOME, TREATMENT, confidence=confidence)
            elif method == "ra":
                est = ra(
                    data,
                    OUTCOME,
                    TREATMENT,
                    covariates,
                    estimand=estimand,  # type: ignore[arg-type]
                    outcome_model="logit",
                    confidence=confidence,
                )
            else:
                est = ipw(
                    data,
                    OUTCOME,
                    TREATMENT,
                    covariates,
                    estimand=estimand,  # type: ignore[arg-type]
                    confidence=confidence,
                )
        except EstimationError as problem:
            return _in_words(
                _row(None, method, ESTIMANDS[estimand], n1, n0, min_cell, str(problem))
            )
        return _in_words(_row(est, method, ESTIMANDS[estimand], n1, n0, min_cell))

    rows = [
        attempt("diff", "diff"),
        attempt("ra", "att"),
        attempt("ipw", "att"),
        attempt("ra", "ate"),
        attempt("ipw", "ate"),
    ]
    estimates = _typed(pd.DataFrame(rows, columns=ESTIMATE_COLUMNS))
    status, message = OK, ""
    try:
        weights = ipw_weights(data, TREATMENT, covariates, estimand="att")
        balance = balance_table(data, TREATMENT, covariates, weights=weights)
        overlap = overlap_data(data, TREATMENT, covariates)
        overlap.insert(0, "group", np.where(overlap["treated"] == 1, "participant", "comparison"))
    except EstimationError as problem:
        balance, overlap = empty_balance, empty_overlap
        status, message = failure_reason(str(problem)), f"balance and overlap: {problem}"
    if (estimates["status"] != OK).any():
        reasons = sorted(set(estimates.loc[estimates["status"] != OK, "status"]))
        status = reasons[0] if len(reasons) == 1 else FAILED
        message = "; ".join(
            f"{r.method} {r.estimand.split(':')[0]}: {r.message}"
            for r in estimates.itertuples()
            if r.status != OK
        )
    return ParticipantEffect(estimates, counts, balance, overlap, status, message, options)
