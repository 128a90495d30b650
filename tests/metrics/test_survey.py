"""Survey metrics on hand-made answer sheets, and Cronbach's alpha against references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import f as f_distribution

from research.metrics.common import wilson_interval
from research.metrics.survey import (
    alpha_interval,
    cronbach_alpha,
    feldt_interval,
    ranked_needs,
    response_rate,
    statement_results,
    theme_reliability,
)
from research.store import TABLES

A, B, C, D, E, F = (f"1000000{i}" for i in range(1, 7))


def table(name: str, rows: list[dict]) -> pd.DataFrame:
    return TABLES[name].conform(pd.DataFrame(rows, columns=TABLES[name].columns))


def statement(sid: str, network: str, theme: str) -> dict:
    return {"statement_id": sid, "network_id": network, "theme": theme, "text": f"Udsagn {sid}"}


def answer(rid: str, sid: str, value: int | None) -> dict:
    """A rating 1-5, or "Ved ikke" when value is None."""
    return {"response_id": rid, "statement_id": sid, "relevance": value, "dont_know": value is None}


def answers_of(sheet: dict[str, dict[str, int | None]]) -> pd.DataFrame:
    rows = [answer(rid, sid, v) for rid, items in sheet.items() for sid, v in items.items()]
    return table("survey_answers", rows)


# --- response rate ---------------------------------------------------------------------------


def test_response_rate():
    networks = table(
        "networks",
        [
            {
                "network_id": n,
                "name": f"Net {n[-1]}",
                "industry_group": 1,
                "theme": "x",
                "partner_id": "P1",
                "established_on": "2025-12-01",
            }
            for n in ("N1", "N2", "N3")
        ],
    )

    def member(network: str, cvr: str, joined: str, left: str | None = None) -> dict:
        return {"network_id": network, "cvr": cvr, "joined_on": joined, "left_on": left}

    memberships = table(
        "network_memberships",
        [
            member("N1", A, "2026-01-01"),  # invited
            member("N1", B, "2026-02-01", "2026-03-01"),  # left before 2026-03-10: not invited
            member("N1", C, "2026-03-10"),  # joined on the first response day: invited
            member("N1", D, "2026-03-11"),  # joined after it: not invited
            member("N1", E, "2026-01-01", "2026-03-10"),  # left that very day: invited
            member("N2", F, "2026-01-01"),
        ],
    )

    def response(rid: str, network: str, cvr: str, day: str) -> dict:
        return {"response_id": rid, "network_id": network, "cvr": cvr, "answered_on": day}

    responses = table(
        "survey_responses",
        [
            response("R1", "N1", A, "2026-03-10"),  # the first response of N1
            response("R2", "N1", D, "2026-03-20"),  # D responds but was not invited
            response("R3", "N1", A, "2026-03-25"),  # A again: one company
            response("R4", "N2", F, "2026-04-01"),
        ],
    )
    out = response_rate(responses, memberships, networks).set_index("network_id")
    # N1: invited {A, C, E} = 3, responded {A} = 1 -> 1/3; D counted apart
    n1 = out.loc["N1"]
    assert n1["first_response_on"] == pd.Timestamp("2026-03-10")
    assert (n1["n"], n1["responded"], n1["responded_not_invited"]) == (3, 1, 1)
    assert n1["response_rate"] == pytest.approx(1 / 3)
    low, high = wilson_interval(1, 3)
    assert n1["ci_low"] == pytest.approx(low) and n1["ci_high"] == pytest.approx(high)
    assert n1["network_name"] == "Net 1"
    # N2: 1 of 1
    assert (out.loc["N2", "n"], out.loc["N2", "response_rate"]) == (1, 1.0)
    # N3 has no survey yet: a row with nothing to divide by
    assert pd.isna(out.loc["N3", "n"]) and pd.isna(out.loc["N3", "first_response_on"])
    assert np.isnan(out.loc["N3", "response_rate"]) and out.loc["N3", "responded"] == 0


# --- statement results and ranking -----------------------------------------------------------


def test_statement_results():
    statements = table(
        "survey_statements",
        [
            statement("S1", "N1", "Faglige"),
            statement("S2", "N1", "Faglige"),
            statement("S3", "N1", "Grøn"),
            statement("S4", "N2", "Grøn"),  # nobody answered it
        ],
    )
    answers = answers_of(
        {
            "R1": {"S1": 5, "S2": 1, "S3": 3},
            "R2": {"S1": 4, "S2": None, "S3": 3},
            "R3": {"S1": 2, "S2": None},
            "R4": {"S1": None},
        }
    )
    out = statement_results(answers, statements).set_index("statement_id")
    # S1: 4 answering, 3 rating (5, 4, 2): mean 11/3, 2 of 3 rate 4-5, 1 of 4 "Ved ikke"
    s1 = out.loc["S1"]
    assert (s1["n"], s1["n_rating"], s1["n_high"], s1["n_dont_know"]) == (4, 3, 2, 1)
    assert s1["mean_relevance"] == pytest.approx(11 / 3)
    assert s1["share_high"] == pytest.approx(2 / 3)
    assert s1["share_dont_know"] == pytest.approx(1 / 4)
    low, high = wilson_interval(2, 3)
    assert s1["ci_low"] == pytest.approx(low) and s1["ci_high"] == pytest.approx(high)
    # S2: 3 answering, 1 rating (1): mean 1, none high, 2 of 3 "Ved ikke"
    s2 = out.loc["S2"]
    assert (s2["n"], s2["n_rating"], s2["mean_relevance"], s2["share_high"]) == (3, 1, 1.0, 0.0)
    assert s2["share_dont_know"] == pytest.approx(2 / 3)
    # S3: two 3s
    assert (out.loc["S3", "mean_relevance"], out.loc["S3", "share_dont_know"]) == (3.0, 0.0)
    # S4: a row of zeros, no mean, no shares
    s4 = out.loc["S4"]
    assert (s4["n"], s4["n_rating"]) == (0, 0)
    assert np.isnan(s4["mean_relevance"]) and np.isnan(s4["share_high"])
    assert np.isnan(s4["share_dont_know"]) and np.isnan(s4["ci_low"])
    assert out.loc["S3", "theme"] == "Grøn" and out.loc["S4", "network_id"] == "N2"


def test_ranked_needs():
    statements = table(
        "survey_statements",
        [statement(f"S{i}", "N1", "Tema") for i in range(1, 7)] + [statement("S7", "N2", "Tema")],
    )
    answers = answers_of(
        {
            "R1": {"S1": 5, "S2": 5, "S3": 3, "S4": 4, "S5": 2, "S6": None, "S7": 1},
            "R2": {"S1": 4, "S2": 5, "S3": 3, "S4": 2, "S5": 4, "S6": None},
            "R3": {"S2": 3},
            "R4": {"S2": 5},
        }
    )
    out = ranked_needs(answers, statements)
    n1 = out[out["network_id"] == "N1"].set_index("statement_id")
    # means: S1 4.5 (share 4-5: 1), S2 4.5 (3/4), S4 3 (1/2), S5 3 (1/2), S3 3 (0), S6 none.
    # S1 before S2 on the share; S4 and S5 tie on both and share rank 3; S3 is 5th.
    assert list(n1.index) == ["S1", "S2", "S4", "S5", "S3", "S6"]
    assert n1["rank"].tolist()[:5] == [1, 2, 3, 3, 5]
    assert pd.isna(n1.loc["S6", "rank"])
    assert out.loc[out["network_id"] == "N2", "rank"].tolist() == [1]


# --- Cronbach's alpha ------------------------------------------------------------------------

# Four respondents x three items, worked by hand (variances with ddof=1):
#   item 1: 1 2 3 4 -> var 5/3;  item 2: 2 3 3 4 -> var 2/3;  item 3: 2 3 4 5 -> var 5/3
#   totals: 5 8 10 13 (mean 9)  -> var (16 + 1 + 1 + 16)/3 = 34/3
#   alpha = 3/2 * (1 - (12/3)/(34/3)) = 3/2 * 22/34 = 33/34
HAND = pd.DataFrame({"i1": [1, 2, 3, 4], "i2": [2, 3, 3, 4], "i3": [2, 3, 4, 5]})

# The `cronbach_alpha` dataset shipped with pingouin (15 respondents x 10 items), whose test
# suite checks it against R psych::alpha: raw alpha 0.591719, Feldt 95 % interval
# [0.195, 0.840] (tests/test_reliability.py of raphaelvallat/pingouin). Rows are respondents.
PSYCH = pd.DataFrame(
    [
        (3, 2, 4, 1, 4, 5, 1, 4, 3, 2),
        (5, 4, 6, 3, 5, 1, 2, 5, 5, 5),
        (7, 3, 5, 5, 6, 4, 3, 3, 6, 5),
        (2, 4, 3, 3, 2, 2, 2, 6, 6, 3),
        (6, 5, 6, 5, 4, 4, 4, 6, 7, 5),
        (1, 2, 3, 4, 2, 5, 2, 3, 5, 2),
        (4, 3, 5, 3, 5, 2, 1, 2, 4, 3),
        (2, 4, 4, 3, 7, 2, 2, 4, 6, 5),
        (6, 5, 5, 5, 1, 6, 5, 2, 3, 2),
        (5, 4, 6, 4, 3, 5, 3, 1, 7, 2),
        (4, 3, 5, 2, 5, 3, 2, 3, 4, 1),
        (4, 2, 3, 2, 5, 3, 4, 2, 3, 4),
        (5, 5, 6, 2, 3, 3, 2, 4, 4, 5),
        (6, 5, 5, 4, 2, 2, 1, 4, 6, 5),
        (4, 3, 5, 5, 3, 1, 3, 2, 3, 4),
    ],
    columns=[f"Q{i}" for i in range(1, 11)],
)


def anova_alpha(x: np.ndarray) -> float:
    """alpha = 1 - MS_error / MS_subjects from the subjects x items two-way ANOVA table."""
    n, k = x.shape
    grand = x.mean()
    ss_subjects = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_items = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_error = ((x - grand) ** 2).sum() - ss_subjects - ss_items
    ms_subjects = ss_subjects / (n - 1)
    ms_error = ss_error / ((n - 1) * (k - 1))
    return 1 - ms_error / ms_subjects


def test_cronbach_alpha_by_hand():
    assert cronbach_alpha(HAND) == pytest.approx(33 / 34, abs=1e-12)
    assert anova_alpha(HAND.to_numpy(float)) == pytest.approx(33 / 34, abs=1e-12)


def test_cronbach_alpha_matches_the_anova_identity():
    rng = np.random.default_rng(7)
    for n, k in ((6, 2), (12, 4), (40, 7)):
        x = rng.integers(1, 6, size=(n, k)) + rng.integers(0, 3, size=(n, 1))
        assert cronbach_alpha(pd.DataFrame(x)) == pytest.approx(anova_alpha(x.astype(float)))


def test_cronbach_alpha_complete_cases_and_degenerate_input():
    with_gaps = pd.concat(
        [HAND, pd.DataFrame({"i1": [5, None], "i2": [None, 1], "i3": [1, 1]})], ignore_index=True
    ).astype("Int64")
    assert cronbach_alpha(with_gaps) == pytest.approx(33 / 34)  # incomplete rows are dropped
    assert np.isnan(cronbach_alpha(HAND[["i1"]]))  # one item
    assert np.isnan(cronbach_alpha(HAND.iloc[:1]))  # one respondent
    assert np.isnan(cronbach_alpha(pd.DataFrame({"a": [3, 3, 3], "b": [2, 2, 2]})))  # constant
    assert all(np.isnan(alpha_interval(HAND.iloc[:1])))


def test_alpha_and_feldt_interval_match_r_psych():
    assert cronbach_alpha(PSYCH) == pytest.approx(0.591719, abs=5e-7)
    low, high = alpha_interval(PSYCH)
    assert round(low, 3) == 0.195 and round(high, 3) == 0.840


def test_feldt_interval_orientation():
    # (1 - alpha) / (1 - alpha_hat) ~ F(n-1, (n-1)(k-1)): the lower bound uses the upper F
    # quantile, so it lies below alpha_hat and the interval is asymmetric (longer downwards)
    low, high = feldt_interval(0.79, n=41, k=26, confidence=0.90)
    assert low == pytest.approx(1 - 0.21 * f_distribution.ppf(0.95, 40, 1000))
    assert high == pytest.approx(1 - 0.21 * f_distribution.ppf(0.05, 40, 1000))
    assert low < 0.79 < high
    assert 0.79 - low > high - 0.79
    # the bounds are the alpha values at which alpha_hat sits at the 5 % and 95 % points of
    # its sampling distribution: P(alpha_hat <= 0.79 | alpha = low) = 0.95
    assert f_distribution.cdf((1 - low) / (1 - 0.79), 40, 1000) == pytest.approx(0.95)
    # wider with more confidence, fewer respondents
    low99, high99 = feldt_interval(0.79, n=41, k=26, confidence=0.99)
    assert low99 < low and high99 > high
    low_small, _ = feldt_interval(0.79, n=11, k=26, confidence=0.90)
    assert low_small < low


@pytest.mark.validation
def test_feldt_interval_covers_the_true_alpha_95_percent_of_the_time():
    # parallel items: x_ij = t_i + e_ij, var t = 1, var e = 1.5^2, k = 5
    # population alpha = k var t / (k var t + var e) = 5 / (5 + 2.25) = 0.6897
    rng = np.random.default_rng(20260101)
    k, n, sd_e, reps = 5, 30, 1.5, 500
    truth = k / (k + sd_e**2)
    covered = 0
    for _ in range(reps):
        x = rng.normal(size=(n, 1)) + rng.normal(scale=sd_e, size=(n, k))
        low, high = alpha_interval(pd.DataFrame(x))
        covered += low <= truth <= high
    assert 0.92 <= covered / reps <= 0.98


# --- theme reliability -----------------------------------------------------------------------


def test_theme_reliability():
    statements = table(
        "survey_statements",
        [
            statement("S1", "N1", "Faglige"),
            statement("S2", "N1", "Faglige"),
            statement("S3", "N1", "Faglige"),
            statement("S4", "N1", "Grøn"),  # a theme with one statement: no alpha
            statement("S5", "N2", "Ledelse"),
            statement("S6", "N2", "Ledelse"),
        ],
    )
    answers = answers_of(
        {
            # R1-R4 are the hand-worked example above (alpha 33/34)
            "R1": {"S1": 1, "S2": 2, "S3": 2},
            "R2": {"S1": 2, "S2": 3, "S3": 3, "S4": 5},
            "R3": {"S1": 3, "S2": 3, "S3": 4},
            "R4": {"S1": 4, "S2": 4, "S3": 5},
            "R5": {"S1": 5, "S2": None, "S3": 5},  # "Ved ikke" = missing: left out
            "R6": {"S4": 4},  # did not answer the theme at all
            "R7": {"S1": 3, "S2": 3},  # no answer to S3: left out
            "R8": {"S5": 4, "S6": 5},  # N2: one complete respondent only
            "R9": {"S5": 2, "S6": None},
        }
    )
    out = theme_reliability(answers, statements).set_index(["network_id", "theme"])
    assert list(out.index) == [("N1", "Faglige"), ("N2", "Ledelse")]
    faglige = out.loc[("N1", "Faglige")]
    # 6 respondents answered something in the theme (R1-R5, R7); 4 are complete
    assert (faglige["k"], faglige["respondents"], faglige["n"]) == (3, 6, 4)
    assert faglige["alpha"] == pytest.approx(33 / 34)
    low, high = feldt_interval(33 / 34, 4, 3)
    assert faglige["ci_low"] == pytest.approx(low) and faglige["ci_high"] == pytest.approx(high)
    ledelse = out.loc[("N2", "Ledelse")]
    assert (ledelse["k"], ledelse["respondents"], ledelse["n"]) == (2, 2, 1)
    assert np.isnan(ledelse["alpha"]) and np.isnan(ledelse["ci_low"])
