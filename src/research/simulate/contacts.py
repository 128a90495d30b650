"""Activity 2: the shared company contact log (this project, job centres, other projects).

Why: the coordination question ("are companies run over by many institutions, and does the
network approach change that?") is answered from this log. About 3,500 contacts a year; early
on the big companies are contacted by many institutions, later contacts spread out and this
project's own contacts move from one-to-one visits to network events.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.domain.period import ProjectPeriod
from research.simulate.enrolments import job_centres
from research.simulate.networks import Networks
from research.simulate.organisation import EXTERNAL_PROJECTS, OTHER_INSTITUTIONS, Organisation
from research.simulate.people import People
from research.simulate.timeline import DAY, Scale, d64, elapsed, uniform_days
from research.simulate.truth import CONTACTS, ContactTruth

_COLUMNS = [
    "contact_date",
    "cvr",
    "institution",
    "institution_type",
    "kind",
    "own_project",
    "consultant_id",
    "external_project_id",
    "network_id",
]


def _dates(rng: np.random.Generator, n: int, period: ProjectPeriod, truth: ContactTruth):
    """Contact dates spread over the period, with a summer dip in the third quarter."""
    start, end = d64(period.start), d64(period.end)
    all_days = np.arange(start, end + DAY, DAY)
    month = all_days.astype("datetime64[M]").astype(int) % 12 + 1
    weight = np.where(np.isin(month, (7, 8, 9)), truth.q3_dip, 1.0)
    return np.sort(rng.choice(all_days, size=n, p=weight / weight.sum()))


def _concentrated_companies(
    rng: np.random.Generator,
    days: np.ndarray,
    employees: np.ndarray,
    period: ProjectPeriod,
    truth: ContactTruth,
) -> np.ndarray:
    """Company rows chosen with probability ~ employees ** concentration(date), by quarter."""
    out = np.empty(days.size, dtype=np.int64)
    quarter = days.astype("datetime64[M]").astype(int) // 3
    log_size = np.log(employees.astype(float))
    for q in np.unique(quarter):
        who = np.flatnonzero(quarter == q)
        t = float(elapsed(period, days[who]).mean())
        alpha = (
            truth.concentration_start + (truth.concentration_end - truth.concentration_start) * t
        )
        w = np.exp(alpha * (log_size - log_size.max()))
        out[who] = rng.choice(employees.size, size=who.size, p=w / w.sum())
    return out


def _consultants_for(
    rng: np.random.Generator, partner: np.ndarray, days: np.ndarray, consultants: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """An active consultant of the given partner on each date; where none is active, the
    partner's first consultant, and the contact moves to the day they joined."""
    out = np.empty(partner.size, dtype=object)
    days = days.copy()
    joined = consultants["joined_on"].to_numpy().astype("datetime64[D]")
    left = consultants["left_on"].to_numpy().astype("datetime64[D]")
    ids = consultants["consultant_id"].to_numpy()
    owners = consultants["partner_id"].to_numpy()
    for pid in np.unique(partner):
        who = np.flatnonzero(partner == pid)
        mine = np.flatnonzero(owners == pid)
        if mine.size == 0:
            mine = np.arange(len(ids))
        pick = mine[rng.integers(0, mine.size, who.size)]
        for _ in range(6):  # redraw those who had not joined yet or had left
            bad = (joined[pick] > days[who]) | (left[pick] < days[who])
            if not bad.any():
                break
            pick[bad] = mine[rng.integers(0, mine.size, int(bad.sum()))]
        bad = (joined[pick] > days[who]) | (left[pick] < days[who])
        pick[bad] = mine[np.argmin(joined[mine])]
        out[who] = ids[pick]
        days[who] = np.maximum(days[who], joined[pick])
    return out, days


def build_contacts(
    period: ProjectPeriod,
    scale: Scale,
    universe: pd.DataFrame,
    org: Organisation,
    networks: Networks,
    people: People,
    rng: np.random.Generator,
    truth: ContactTruth = CONTACTS,
) -> pd.DataFrame:
    years = ((d64(period.end) - d64(period.start)) / DAY + 1) / 365.25
    total = scale.org(truth.per_year * years)
    cvr = universe["cvr"].to_numpy()
    employees = universe["employees"].to_numpy()
    consultants = org.consultants
    parts: list[pd.DataFrame] = []

    # this project's own structured contacts: workshops and recruitment visits
    att = networks.attendance
    ws_days = att["held_on"].to_numpy().astype("datetime64[D]")
    parts.append(
        pd.DataFrame(
            {
                "contact_date": ws_days,
                "cvr": att["cvr"].to_numpy(),
                "partner": att["partner_id"].to_numpy(),
                "kind": "workshop",
                "network_id": att["network_id"].to_numpy(),
            }
        )
    )
    p = people.frame
    visit = (p["route"].to_numpy() == "one_to_one_visit") & (p["company"].to_numpy() >= 0)
    entry = p["entry"].to_numpy().astype("datetime64[D]")[visit]
    visit_day = np.maximum(entry - uniform_days(rng, 14, 90, entry.size), d64(period.start))
    from research.simulate.enrolments import college_for_municipality

    parts.append(
        pd.DataFrame(
            {
                "contact_date": visit_day,
                "cvr": cvr[p["company"].to_numpy()[visit]],
                "partner": college_for_municipality(
                    universe["municipality_code"].to_numpy()[p["company"].to_numpy()[visit]],
                    org.colleges,
                ),
                "kind": "one_to_one_visit",
                "network_id": None,
            }
        )
    )
    structured = sum(len(x) for x in parts)
    own = max(0, round(total * truth.shares["own"]) - structured)
    days = _dates(rng, own, period, truth)
    share = truth.network_share_start + (
        truth.network_share_end - truth.network_share_start
    ) * elapsed(period, days)
    as_event = rng.random(own) < share
    members = networks.memberships.sort_values("joined_on", kind="stable")
    joined = members["joined_on"].to_numpy().astype("datetime64[D]")
    available = np.searchsorted(joined, days, side="right")
    as_event &= available > 0
    pick = np.floor(rng.random(own) * available).astype(np.int64)
    company = _concentrated_companies(rng, days, employees, period, truth)
    net_partner = dict(
        zip(networks.networks["network_id"], networks.networks["partner_id"], strict=True)
    )
    event_network = members["network_id"].to_numpy()[np.minimum(pick, max(len(members) - 1, 0))]
    weights = np.array([1.0 if pid in org.colleges else 0.5 for pid in org.partners["partner_id"]])
    visitor = org.partners["partner_id"].to_numpy()[
        rng.choice(len(weights), size=own, p=weights / weights.sum())
    ]
    parts.append(
        pd.DataFrame(
            {
                "contact_date": days,
                "cvr": np.where(
                    as_event,
                    members["cvr"].to_numpy()[np.minimum(pick, max(len(members) - 1, 0))]
                    if len(members)
                    else None,
                    cvr[company],
                ),
                "partner": np.where(
                    as_event, [net_partner.get(x, "") for x in event_network], visitor
                ),
                "kind": np.where(as_event, "network_event", "one_to_one_visit"),
                "network_id": np.where(as_event, event_network, None),
            }
        )
    )
    own_frame = pd.concat(parts, ignore_index=True)
    own_frame["contact_date"] = own_frame["contact_date"].to_numpy().astype("datetime64[D]")
    own_frame["consultant_id"], own_frame["contact_date"] = _consultants_for(
        rng,
        own_frame["partner"].to_numpy(),
        own_frame["contact_date"].to_numpy().astype("datetime64[D]"),
        consultants,
    )
    own_frame["institution"] = own_frame["partner"].map(org.partner_name)
    own_frame["institution_type"] = own_frame["partner"].map(org.institution_type)
    own_frame["external_project_id"] = None
    own_frame["own_project"] = True

    # the others in the log: job centres, other projects, other institutions
    frames = [own_frame[_COLUMNS]]
    for source in ("job_centres", "external_projects", "other"):
        m = round(total * truth.shares[source])
        days = _dates(rng, m, period, truth)
        company = _concentrated_companies(rng, days, employees, period, truth)
        kind = np.where(rng.random(m) < 0.95, "one_to_one_visit", "network_event")
        if source == "job_centres":
            institution = job_centres(universe["municipality_code"].to_numpy()[company], days)
            itype = np.full(m, "employment", dtype=object)
            project = np.full(m, None, dtype=object)
        elif source == "external_projects":
            which = rng.integers(0, len(EXTERNAL_PROJECTS), m)
            institution = np.array([EXTERNAL_PROJECTS[i][2] for i in which], dtype=object)
            itype = np.array([EXTERNAL_PROJECTS[i][3] for i in which], dtype=object)
            project = np.array([EXTERNAL_PROJECTS[i][0] for i in which], dtype=object)
        else:
            which = rng.integers(0, len(OTHER_INSTITUTIONS), m)
            institution = np.array([OTHER_INSTITUTIONS[i][0] for i in which], dtype=object)
            itype = np.array([OTHER_INSTITUTIONS[i][1] for i in which], dtype=object)
            project = np.full(m, None, dtype=object)
        frames.append(
            pd.DataFrame(
                {
                    "contact_date": days,
                    "cvr": cvr[company],
                    "institution": institution,
                    "institution_type": itype,
                    "kind": kind,
                    "own_project": False,
                    "consultant_id": None,
                    "external_project_id": project,
                    "network_id": None,
                }
            )
        )
    log = pd.concat(frames, ignore_index=True)
    log = log.sort_values(["contact_date", "institution", "cvr"], kind="stable")
    log = log.reset_index(drop=True)
    width = max(7, len(str(len(log))))
    log.insert(0, "contact_id", [f"K{i + 1:0{width}d}" for i in range(len(log))])
    return log
