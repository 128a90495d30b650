"""The e-survey of activity 2: response rates, statement results, reliability and ranked needs.

Per network, companies rate each statement's relevance 1-5 or answer "Ved ikke" (don't know,
stored as ``dont_know`` with no relevance). Every function is pure: store tables in, one tidy
table out, with ``n`` the number of companies (responses) each figure rests on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.metrics.common import CONFIDENCE, wilson_interval

HIGH = 4  # "relevant" means a rating of 4 or 5


def response_rate(
    responses: pd.DataFrame,
    memberships: pd.DataFrame,
    networks: pd.DataFrame,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """The share of a network's member companies that answered its survey, per network.

    Invited (the denominator ``n``): companies that were members of the network on the day its
    first response was given (``first_response_on``): ``joined_on`` on or before that day and
    no ``left_on`` before it. Responded: distinct invited companies with a response to the
    network's survey (any date). Responding companies that were not invited by this rule (they
    joined later, or were never members) are counted apart in ``responded_not_invited`` and
    left out of the rate. ``response_rate`` has a Wilson interval. A network without responses
    has a row with ``first_response_on``, ``n`` and the rate missing.
    """
    columns = [
        "network_id",
        "network_name",
        "first_response_on",
        "n",
        "responded",
        "responded_not_invited",
        "response_rate",
        "ci_low",
        "ci_high",
    ]
    names = networks.set_index("network_id")["name"]
    ids = sorted(set(networks["network_id"]) | set(responses["network_id"]))
    # split once: filtering both tables per network costs seconds at scale 100
    by_network = dict(list(responses.groupby("network_id", observed=True, sort=False)))
    members_of = dict(list(memberships.groupby("network_id", observed=True, sort=False)))
    no_responses, no_members = responses.iloc[:0], memberships.iloc[:0]
    rows = []
    for network_id in ids:
        mine = by_network.get(network_id, no_responses)
        responders = set(mine["cvr"])
        first = mine["answered_on"].min() if len(mine) else pd.NaT
        if pd.isna(first):
            rows.append((network_id, pd.NaT, pd.NA, 0, len(responders)))
            continue
        members = members_of.get(network_id, no_members)
        on_day = (members["joined_on"] <= first) & (
            members["left_on"].isna() | (members["left_on"] >= first)
        )
        invited = set(members.loc[on_day, "cvr"])
        rows.append(
            (network_id, first, len(invited), len(responders & invited), len(responders - invited))
        )
    out = pd.DataFrame(
        rows, columns=["network_id", "first_response_on", "n", "responded", "responded_not_invited"]
    )
    out["network_name"] = out["network_id"].map(names).astype("string")
    out["first_response_on"] = pd.to_datetime(out["first_response_on"]).astype("datetime64[ns]")
    out = out.astype({"n": "Int64", "responded": "int64", "responded_not_invited": "int64"})
    n = out["n"].to_numpy(dtype=float, na_value=np.nan)
    k = out["responded"].to_numpy(dtype=float)
    valid = np.nan_to_num(n) > 0
    out["response_rate"] = np.where(valid, k / np.where(valid, n, 1.0), np.nan)
    out["ci_low"], out["ci_high"] = wilson_interval(k, np.nan_to_num(n), confidence)
    return out[columns]


def statement_results(
    answers: pd.DataFrame, statements: pd.DataFrame, confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """Relevance of each statement: mean rating, share rating 4-5, share "Ved ikke".

    Unit: a response (one company's answer sheet) that answers the statement. ``n`` (answering)
    counts answers with a rating 1-5 or "Ved ikke"; ``n_rating`` those with a rating 1-5.
    ``mean_relevance`` is the mean over ratings only (no "Ved ikke"); ``share_high`` is the
    share of ``n_rating`` rating 4 or 5, with a Wilson interval; ``share_dont_know`` is the
    share of ``n`` answering "Ved ikke". Every statement in ``statements`` has a row, with
    zeros and missing means when nobody answered it.
    """
    columns = [
        "network_id",
        "theme",
        "statement_id",
        "text",
        "n",
        "n_rating",
        "mean_relevance",
        "n_high",
        "share_high",
        "ci_low",
        "ci_high",
        "n_dont_know",
        "share_dont_know",
    ]
    relevance = answers["relevance"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    dont_know = answers["dont_know"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    rated = ~np.isnan(relevance)
    facts = pd.DataFrame(
        {
            "statement_id": answers["statement_id"].to_numpy(),
            "answering": rated | dont_know,
            "rated": rated,
            "points": np.where(rated, relevance, 0.0),
            "high": rated & (np.nan_to_num(relevance) >= HIGH),
            "dont_know": dont_know & ~rated,
        }
    )
    sums = facts.groupby("statement_id", observed=True)[
        ["answering", "rated", "points", "high", "dont_know"]
    ].sum()
    base = statements[["network_id", "theme", "statement_id", "text"]].reset_index(drop=True)
    sums = sums.reindex(base["statement_id"]).fillna(0).reset_index(drop=True)
    out = base.copy()
    out["n"] = sums["answering"].astype("int64")
    out["n_rating"] = sums["rated"].astype("int64")
    out["n_high"] = sums["high"].astype("int64")
    out["n_dont_know"] = sums["dont_know"].astype("int64")
    rating = out["n_rating"].to_numpy(dtype=float)
    answering = out["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["mean_relevance"] = np.where(rating > 0, sums["points"] / rating, np.nan)
        out["share_high"] = np.where(rating > 0, out["n_high"] / rating, np.nan)
        out["share_dont_know"] = np.where(answering > 0, out["n_dont_know"] / answering, np.nan)
    out["ci_low"], out["ci_high"] = wilson_interval(out["n_high"], rating, confidence)
    out = out.sort_values(["network_id", "theme", "statement_id"], kind="stable")
    return out[columns].reset_index(drop=True)


def _complete_matrix(items: pd.DataFrame) -> np.ndarray:
    """Respondents x items as floats, keeping complete rows only (listwise deletion)."""
    values = items.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return values[~np.isnan(values).any(axis=1)]


def cronbach_alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha of respondents x items, over complete rows only.

    alpha = k/(k-1) * (1 - sum of item variances / variance of the total score), variances with
    ddof=1. NaN with fewer than 2 complete respondents or 2 items, or a constant total score.
    """
    return _alpha(_complete_matrix(items))


def _alpha(x: np.ndarray) -> float:
    """Cronbach's alpha of a complete respondents x items matrix (see ``cronbach_alpha``)."""
    n, k = x.shape
    if n < 2 or k < 2:
        return float("nan")
    total = x.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total))


def feldt_interval(
    alpha: float, n: int, k: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Feldt's exact interval for alpha from n respondents and k items (parallel items).

    (1 - alpha) / (1 - alpha_hat) follows F(n-1, (n-1)(k-1)) (Feldt 1965; Feldt, Woodruff &
    Salih 1987, formulas 6-7): lower = 1 - (1 - alpha_hat) F_{1-g/2}, upper = 1 - (1 -
    alpha_hat) F_{g/2}, with g = 1 - confidence and F_p the p quantile.
    """
    if n < 2 or k < 2 or not np.isfinite(alpha):
        return float("nan"), float("nan")
    from scipy.stats import f as f_distribution  # scipy.stats costs ~1 s: only when used

    gamma = 1 - confidence
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lower = 1 - (1 - alpha) * f_distribution.ppf(1 - gamma / 2, df1, df2)
    upper = 1 - (1 - alpha) * f_distribution.ppf(gamma / 2, df1, df2)
    return float(lower), float(upper)


def alpha_interval(items: pd.DataFrame, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Feldt's interval (lower, upper) for Cronbach's alpha of ``items`` (complete rows)."""
    n, k = _complete_matrix(items).shape
    return feldt_interval(cronbach_alpha(items), n, k, confidence)


def theme_reliability(
    answers: pd.DataFrame, statements: pd.DataFrame, confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """Cronbach's alpha of each theme's statements, per network, with Feldt's interval.

    Only themes with at least 2 statements. Items: the theme's statements in ``statements``
    (``k``). ``respondents``: responses answering at least one of them. "Ved ikke" and a
    missing answer count as missing, and a response with any missing item is left out
    (listwise deletion): ``n`` is the number of complete responses the alpha rests on.
    """
    columns = ["network_id", "theme", "k", "respondents", "n", "alpha", "ci_low", "ci_high"]
    facts = pd.DataFrame(
        {
            "response_id": answers["response_id"].to_numpy(),
            "statement_id": answers["statement_id"].to_numpy(),
            "relevance": answers["relevance"]
            .astype("Float64")
            .to_numpy(dtype=float, na_value=np.nan),
        }
    )
    themes = statements[["network_id", "theme", "statement_id"]]
    facts = facts.merge(themes, on="statement_id", how="inner")
    # One pass over the answers; each theme's respondents x items matrix is filled with numpy
    # (a pivot per theme, or over every statement at once, costs seconds at scale 100).
    answer_groups = facts.groupby(["network_id", "theme"], observed=True, sort=False).indices
    response = facts["response_id"].to_numpy()
    statement = facts["statement_id"].to_numpy()
    value = facts["relevance"].to_numpy(dtype=float)
    rows = []
    for (network_id, theme), group in themes.groupby(["network_id", "theme"], observed=True):
        ids = sorted(group["statement_id"])
        if len(ids) < 2:
            continue
        where = answer_groups.get((network_id, theme), np.array([], dtype=int))
        respondents, row = np.unique(response[where], return_inverse=True)
        column = pd.Index(ids).get_indexer(statement[where])
        matrix = np.full((len(respondents), len(ids)), np.nan)
        matrix[row, column] = value[where]
        complete = matrix[~np.isnan(matrix).any(axis=1)]
        alpha = _alpha(complete)
        low, high = feldt_interval(alpha, complete.shape[0], len(ids), confidence)
        rows.append(
            (network_id, theme, len(ids), len(respondents), complete.shape[0], alpha, low, high)
        )
    out = pd.DataFrame(rows, columns=columns)
    return out.astype({"k": "int64", "respondents": "int64", "n": "int64"})


def ranked_needs(
    answers: pd.DataFrame, statements: pd.DataFrame, confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """Each network's statements ranked by relevance: rank 1 is the most relevant need.

    Ordered by ``mean_relevance`` (highest first), ties broken by ``share_high`` (highest
    first); statements equal on both share the better rank (so ranks can repeat and skip).
    Statements nobody rated come last with a missing rank. Figures as in
    ``statement_results``.
    """
    columns = [
        "network_id",
        "rank",
        "statement_id",
        "theme",
        "text",
        "mean_relevance",
        "share_high",
        "n_rating",
        "n",
    ]
    results = statement_results(answers, statements, confidence)
    ordered = results.sort_values(
        ["network_id", "mean_relevance", "share_high", "statement_id"],
        ascending=[True, False, False, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)
    position = ordered.groupby("network_id", observed=True).cumcount() + 1
    previous = ordered.groupby("network_id", observed=True)[
        ["mean_relevance", "share_high"]
    ].shift()
    same = (ordered["mean_relevance"] == previous["mean_relevance"]) & (
        ordered["share_high"] == previous["share_high"]
    )
    rank = position.where(~same).ffill()
    ordered["rank"] = rank.where(ordered["mean_relevance"].notna()).astype("Int64")
    return ordered[columns]
