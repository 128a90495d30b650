"""Activity 2: networks found by screening, their members, workshops, e-survey and decisions.

Why: the network approach is what the programme tests. Each network is screened within one
industry group (DST's 10-grouping), recruits 8-20 companies, holds WS1 (needs), states 10-20
statements, runs an e-survey in which the statements hang together in themes (so reliability
is meaningful, with "Ved ikke" answers and a realistic response rate) and decides at WS2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.domain.period import ProjectPeriod
from research.simulate.catalogue import (
    NETWORK_THEME_DEFAULT,
    NETWORK_THEMES,
    OWN_NEEDS,
    SURVEY_THEMES,
    WS2_OFFERS,
)
from research.simulate.organisation import Organisation
from research.simulate.timeline import DAY, Scale, d64, network_dates, uniform_days
from research.simulate.truth import POPULATIONS, SURVEY, SurveyTruth

_NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class Networks:
    networks: pd.DataFrame
    memberships: pd.DataFrame
    workshops: pd.DataFrame
    attendance: pd.DataFrame
    statements: pd.DataFrame
    responses: pd.DataFrame
    answers: pd.DataFrame
    decisions: pd.DataFrame


def _split_statements(rng: np.random.Generator, k: int, n_themes: int) -> list[int]:
    counts = [3] * n_themes
    for _ in range(k - 3 * n_themes):
        open_ = [i for i, c in enumerate(counts) if c < 6]
        counts[int(rng.choice(open_))] += 1
    return counts


def build_networks(
    period: ProjectPeriod,
    scale: Scale,
    universe: pd.DataFrame,
    org: Organisation,
    rng: np.random.Generator,
    survey: SurveyTruth = SURVEY,
) -> Networks:
    n = scale.org(POPULATIONS.networks)
    end = d64(period.end)
    established = np.sort(network_dates(rng, n, period))
    groups, sizes = np.unique(universe["industry_group"].to_numpy(), return_counts=True)
    usable = sizes >= 40
    group = rng.choice(groups[usable], size=n, p=sizes[usable] / sizes[usable].sum())
    by_group = {
        g: np.flatnonzero(universe["industry_group"].to_numpy() == g) for g in groups[usable]
    }
    pull = np.sqrt(universe["employees"].to_numpy().astype(float))
    width = max(3, len(str(n)))
    nets, members, workshops, attendance = [], [], [], []
    statements, responses, answers, decisions = [], [], [], []
    theme_names = list(SURVEY_THEMES)
    for j in range(n):
        nid = f"NET{j + 1:0{width}d}"
        g = int(group[j])
        theme = str(rng.choice(NETWORK_THEMES.get(g, NETWORK_THEME_DEFAULT)))
        partner = str(rng.choice(org.network_partners))
        est = established[j]
        nets.append(
            {
                "network_id": nid,
                "name": f"Netværk {j + 1}: {theme}",
                "industry_group": g,
                "theme": theme,
                "partner_id": partner,
                "established_on": est,
            }
        )
        pool = by_group[g]
        size = int(min(rng.integers(8, 21), pool.size))
        chosen = rng.choice(pool, size=size, replace=False, p=pull[pool] / pull[pool].sum())
        late = rng.random(size) < 0.25
        joined = np.where(
            late, est + uniform_days(rng, 45, 365, size), est + uniform_days(rng, 0, 45, size)
        )
        joined = np.minimum(joined, end)
        leaves = rng.random(size) < 0.08
        left = np.where(leaves, joined + uniform_days(rng, 90, 700, size), _NAT)
        left = np.where(left > end, _NAT, left)
        cvrs = universe["cvr"].to_numpy()[chosen]
        members.append(
            pd.DataFrame({"network_id": nid, "cvr": cvrs, "joined_on": joined, "left_on": left})
        )
        ws1 = est + uniform_days(rng, 20, 60, 1)[0]
        if ws1 > end:
            continue
        ws2 = ws1 + uniform_days(rng, 70, 120, 1)[0]

        def present(day: np.datetime64, joined=joined, left=left) -> np.ndarray:
            return (joined <= day) & ~(left < day)

        held = [("WS1", ws1)] + ([("WS2", ws2)] if ws2 <= end else [])
        for kind, day in held:
            wid = f"{nid}-{kind}"
            workshops.append({"workshop_id": wid, "network_id": nid, "kind": kind, "held_on": day})
            rate = survey.ws1_attendance if kind == "WS1" else survey.ws2_attendance
            came = present(day) & (rng.random(size) < rate)
            attendance.append(
                pd.DataFrame(
                    {
                        "workshop_id": wid,
                        "cvr": cvrs[came],
                        "attendees": 1 + np.minimum(rng.poisson(0.5, int(came.sum())), 3),
                        "held_on": day,
                        "network_id": nid,
                        "partner_id": partner,
                    }
                )
            )
        # statements in themes
        k = int(rng.integers(survey.statements_min, survey.statements_max + 1))
        n_themes = 4 if k > 15 or (k >= 12 and rng.random() < 0.4) else 3
        themes = rng.choice(len(theme_names), size=n_themes, replace=False)
        counts = _split_statements(rng, k, n_themes)
        st_ids, st_theme = [], []
        for t, c in zip(themes, counts, strict=True):
            texts = SURVEY_THEMES[theme_names[t]]
            for text in rng.choice(len(texts), size=c, replace=False):
                st_ids.append(f"{nid}-S{len(st_ids) + 1:02d}")
                st_theme.append(int(t))
                statements.append(
                    {
                        "statement_id": st_ids[-1],
                        "network_id": nid,
                        "theme": theme_names[t],
                        "text": texts[int(text)],
                    }
                )
        # e-survey
        sent = ws1 + uniform_days(rng, 5, 14, 1)[0]
        responded = present(sent) & (rng.random(size) < survey.response_rate)
        r = int(responded.sum())
        answered = sent + np.minimum(rng.geometric(0.12, r) - 1, 28) * DAY
        rids = [f"{nid}-R{i + 1:02d}" for i in range(r)]
        needs = rng.random(r) < 0.4
        responses.append(
            pd.DataFrame(
                {
                    "response_id": rids,
                    "network_id": nid,
                    "cvr": cvrs[responded],
                    "answered_on": answered,
                    "own_need": np.where(needs, rng.choice(np.array(OWN_NEEDS), r), None),
                }
            )
        )
        theme_index = np.unique(st_theme, return_inverse=True)[1]
        general = rng.normal(size=(r, 1))
        specific = rng.normal(size=(r, n_themes))
        theta = (
            np.sqrt(survey.general_share) * general + np.sqrt(1 - survey.general_share) * specific
        )
        intercept = rng.normal(0.0, 0.4, k)
        latent = (
            survey.loading * theta[:, theme_index]
            + intercept
            + rng.normal(0.0, survey.unique_sd, (r, k))
        )
        relevance = 1 + (latent[:, :, None] > np.array(survey.cuts)).sum(axis=2)
        m = survey.dont_know_rate
        dk_rate = rng.beta(1.2, 1.2 * (1 - m) / m, k)
        dont_know = rng.random((r, k)) < dk_rate
        answers.append(
            pd.DataFrame(
                {
                    "response_id": np.repeat(rids, k),
                    "statement_id": np.tile(st_ids, r),
                    "relevance": np.where(dont_know, np.nan, relevance).ravel(),
                    "dont_know": dont_know.ravel(),
                    "answered_on": np.repeat(answered, k),
                }
            )
        )
        if ws2 > end:
            continue
        given = (~dont_know).sum(axis=0)
        mean = np.where(dont_know, 0, relevance).sum(axis=0) / np.maximum(given, 1)
        top = np.argsort(-mean, kind="stable")[: max(3, int(np.ceil(survey.decided_share * k)))]
        kinds = list(WS2_OFFERS)
        picks = rng.choice(len(kinds), size=top.size + 1, p=[0.35, 0.45, 0.2])
        for i, s in enumerate([*top.tolist(), None]):
            if s is None and rng.random() >= 0.3:
                continue
            decision = kinds[picks[i]]
            decisions.append(
                {
                    "decision_id": f"{nid}-WS2-D{i + 1:02d}",
                    "workshop_id": f"{nid}-WS2",
                    "statement_id": None if s is None else st_ids[s],
                    "decision": decision,
                    "offer": str(rng.choice(WS2_OFFERS[decision])),
                    "held_on": ws2,
                }
            )

    def cat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)

    return Networks(
        networks=pd.DataFrame(nets),
        memberships=cat(members, ["network_id", "cvr", "joined_on", "left_on"]),
        workshops=pd.DataFrame(workshops, columns=["workshop_id", "network_id", "kind", "held_on"]),
        attendance=cat(
            attendance, ["workshop_id", "cvr", "attendees", "held_on", "network_id", "partner_id"]
        ),
        statements=pd.DataFrame(
            statements, columns=["statement_id", "network_id", "theme", "text"]
        ),
        responses=cat(responses, ["response_id", "network_id", "cvr", "answered_on", "own_need"]),
        answers=cat(
            answers, ["response_id", "statement_id", "relevance", "dont_know", "answered_on"]
        ),
        decisions=pd.DataFrame(
            decisions,
            columns=["decision_id", "workshop_id", "statement_id", "decision", "offer", "held_on"],
        ),
    )
