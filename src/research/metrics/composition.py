"""Who the programme recruited: composition, recruitment per job centre, and side effects.

Why: the funder and the partners ask whether recruitment reaches the people the application
promised (unskilled employees and low-educated unemployed across the 26 job centres), and the
side effects must be shown apart from the targets, never added to them.

Unit: the counted participant of ``population.participant_facts`` (once-only ESF rule: a person
counts once, described as at the first counted start; side-effect-only people are not
participants). Every figure carries the count ``n`` it rests on; disclosure control is applied
later, to whole tables.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from research.domain.codes import EmploymentStatus, Gender, RecruitmentRoute
from research.domain.education import EducationGroup
from research.domain.geography import low_educated_pool_on
from research.domain.industry import TEN_GROUPS
from research.domain.period import Quarter, quarters_between
from research.domain.rules import UNEMPLOYED
from research.metrics.population import (
    SIDE_EFFECT_GROUPS,
    counted_enrolments,
    participant_facts,
    side_effect_people,
)
from research.metrics.stocks import present_on

__all__ = [
    "AGE_BANDS",
    "DIMENSIONS",
    "composition",
    "recruitment_by_job_centre",
    "side_effects",
]

AsOf = pd.Timestamp | date | str | None

AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("<25", 0, 24),
    ("25-29", 25, 29),
    ("30-39", 30, 39),
    ("40-49", 40, 49),
    ("50-59", 50, 59),
    ("60+", 60, None),
)
"""Age at the first counted start: label, lowest and highest age in the band (None: open)."""

_ISCED_BANDS: dict[str, tuple[str, str]] = {
    "isced_1_2": ("ISCED 1-2 (grundskole)", "ISCED 1-2 (primary/lower secondary)"),
    "isced_3_4": ("ISCED 3-4 (ungdomsuddannelse)", "ISCED 3-4 (upper/post-secondary)"),
    "isced_5_8": ("ISCED 5-8 (videregående)", "ISCED 5-8 (tertiary)"),
    "unknown": ("Uoplyst", "Not stated"),
}
_SKILL_LEVELS: dict[str, tuple[str, str]] = {
    "unskilled": ("Ufaglært", "Unskilled"),
    "skilled": ("Faglært", "Skilled"),
    "higher": ("Videregående uddannelse", "Higher education"),
    "unknown": ("Uoplyst", "Not stated"),
}
_NONE = "none"
_UNKNOWN = "unknown"

DIMENSIONS: tuple[str, ...] = (
    "age_band",
    "gender",
    "education",
    "education_band",
    "skill_level",
    "employment_status",
    "partner",
    "network",
    "industry",
    "recruitment_route",
)
"""The dimensions of :func:`composition`, in output order."""


def _stamp(as_of: AsOf) -> pd.Timestamp | None:
    return None if as_of is None else pd.Timestamp(as_of).normalize()


def _age_band(age: pd.Series) -> pd.Series:
    out = pd.Series(pd.NA, index=age.index, dtype="string")
    for label, low, high in AGE_BANDS:
        inside = (age >= low) if high is None else age.between(low, high)
        out[inside.fillna(False).astype(bool)] = label
    return out


def _skill_level(group: EducationGroup) -> str:
    if group.is_unskilled:
        return "unskilled"
    if group.is_skilled:
        return "skilled"
    return _UNKNOWN if group.isced is None else "higher"


def _first_enrolments(enrolments: pd.DataFrame, stamp: pd.Timestamp | None) -> pd.DataFrame:
    """Each participant's first counted enrolment (earliest start, then enrolment id)."""
    counted = counted_enrolments(enrolments)
    if stamp is not None:
        counted = counted[counted["started_on"] <= stamp]
    first = counted.sort_values(["participant_id", "started_on", "enrolment_id"]).drop_duplicates(
        "participant_id"
    )
    return first.set_index("participant_id")[["partner_id", "network_id"]]


def _tally(
    dimension: str,
    counts: pd.Series,
    categories: list[tuple[str, str, str]],
    total: int,
) -> list[dict[str, object]]:
    """Rows for every listed category (zero included), then any value met but not listed;
    ``counts``: the number of participants per value met (missing values as "unknown")."""
    listed = [c for c, _, _ in categories]
    extra = [
        (c, "Uoplyst", "Unknown") if c == _UNKNOWN else (c, c, c)
        for c in sorted(set(counts.index) - set(listed))
    ]
    return [
        {
            "dimension": dimension,
            "category": code,
            "label_da": da,
            "label_en": en,
            "n": int(counts.get(code, 0)),
            "n_total": total,
        }
        for code, da, en in [*categories, *extra]
    ]


def composition(
    participants: pd.DataFrame,
    enrolments: pd.DataFrame,
    partners: pd.DataFrame,
    networks: pd.DataFrame,
    companies: pd.DataFrame,
    as_of: AsOf = None,
) -> pd.DataFrame:
    """Counted participants by one dimension at a time, as shares of all counted participants.

    Unit: counted participants who had entered by ``as_of`` (None: all), once each, described
    at the first counted start. Dimensions (:data:`DIMENSIONS`): ``age_band`` (age at entry,
    :data:`AGE_BANDS`), ``gender``, ``education`` (DST H-group), ``education_band`` (ESF
    2014-20 ISCED band; H90 "unknown"), ``skill_level`` (unskilled H10/H15/H20/H29, skilled
    H30/H35, higher H40-H80, unknown H90), ``employment_status`` at entry, ``partner`` and
    ``network`` of the first counted enrolment (earliest start; "none" without a network),
    ``industry`` (DST 10-group of the employer's DB07 code; "none" without an employer,
    "unknown" when the employer is not in ``companies``) and ``recruitment_route``. Every
    category of the vocabulary (and every partner, and network established by ``as_of``) is
    listed, with zeros. ``share`` = ``n`` / ``n_total`` (NaN when there are no participants).
    """
    stamp = _stamp(as_of)
    facts = participant_facts(participants, enrolments, stamp).set_index("participant_id")
    first = _first_enrolments(enrolments, stamp).reindex(facts.index)
    industry_by_cvr = companies.set_index("cvr")["industry_group"]
    employer = facts["cvr"].astype("string")
    industry = employer.map(industry_by_cvr).astype("Int64").astype("string")
    industry = industry.where(employer.notna(), _NONE).fillna(_UNKNOWN)
    values: dict[str, pd.Series] = {
        "age_band": _age_band(facts["age_at_entry"]),
        "gender": facts["gender"],
        "education": facts["highest_education"].astype(str),
        "employment_status": facts["employment_status"],
        "partner": first["partner_id"],
        "network": first["network_id"].astype("string").fillna(_NONE),
        "industry": industry,
        "recruitment_route": facts["recruitment_route"],
    }
    counts = {
        dim: value.astype("string").fillna(_UNKNOWN).value_counts() for dim, value in values.items()
    }
    return composition_frame(counts, partners, networks, stamp, len(facts))


def composition_frame(
    counts: dict[str, pd.Series],
    partners: pd.DataFrame,
    networks: pd.DataFrame,
    stamp: pd.Timestamp | None,
    total: int,
) -> pd.DataFrame:
    """The composition table from the participants counted per value of each dimension but
    the two education bands (made here from ``education``), and ``total`` participants.

    Why apart: the store counts the values itself (``metrics.composition_store``) and must
    give the same table, cell for cell."""
    education = counts["education"]
    lookup = {g: EducationGroup(g) for g in education.index}
    counts = counts | {
        "education_band": _regroup(
            education, {g: e.esf2014_band or _UNKNOWN for g, e in lookup.items()}
        ),
        "skill_level": _regroup(education, {g: _skill_level(e) for g, e in lookup.items()}),
    }
    if stamp is not None:
        networks = networks[networks["established_on"] <= stamp]
    coded = {
        "gender": Gender,
        "employment_status": EmploymentStatus,
        "recruitment_route": RecruitmentRoute,
    }
    categories: dict[str, list[tuple[str, str, str]]] = {
        "age_band": [(label, label, label) for label, _, _ in AGE_BANDS],
        "education": [(g.value, g.da, g.en) for g in EducationGroup],  # type: ignore[attr-defined]
        "education_band": [(k, da, en) for k, (da, en) in _ISCED_BANDS.items()],
        "skill_level": [(k, da, en) for k, (da, en) in _SKILL_LEVELS.items()],
        "partner": [
            (str(p), str(name), str(name))
            for p, name in zip(partners["partner_id"], partners["name"], strict=True)
        ],
        "network": [
            *(
                (str(n), str(name), str(name))
                for n, name in zip(networks["network_id"], networks["name"], strict=True)
            ),
            (_NONE, "Intet netværk", "No network"),
        ],
        "industry": [
            *((str(k), name, name) for k, name in TEN_GROUPS.items()),
            (_NONE, "Ingen arbejdsgiver", "No employer"),
        ],
    } | {
        dim: [(m.value, m.da, m.en) for m in codes]  # type: ignore[attr-defined]
        for dim, codes in coded.items()
    }
    rows = [row for dim in DIMENSIONS for row in _tally(dim, counts[dim], categories[dim], total)]
    out = pd.DataFrame(
        rows, columns=["dimension", "category", "label_da", "label_en", "n", "n_total"]
    )
    out["n"] = out["n"].astype("Int64")
    out["n_total"] = out["n_total"].astype("Int64")
    out["share"] = (out["n"] / out["n_total"]).astype("Float64") if total else np.nan
    return out


def _regroup(counts: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """Counts per value summed over the values' groups (``mapping``: value to group)."""
    return counts.groupby(counts.index.map(mapping)).sum()


def recruitment_by_job_centre(
    participants: pd.DataFrame, enrolments: pd.DataFrame, as_of: AsOf = None
) -> pd.DataFrame:
    """Participants recruited through each job centre, against the centre's pool of low-educated.

    Unit: counted participants (entered by ``as_of``; None: all) whose recruitment route on the
    start form is the job centre (``recruitment_route`` "job_centre"), by the job centre
    recorded on the start form (``participants.job_centre``), which for this route is the
    centre that recruited them. Participants recruited through networks, visits or otherwise
    are not counted here, whatever their job centre or status (``n_other_routes`` says how many
    unemployed participants that leaves out, in total). Every job centre of the layout on
    ``as_of`` (None: today; 26 before 2022, 27 from 2022) is listed, zeros included, in
    kommune-code order; a
    recorded centre outside that layout gets its own row with no pool. ``pool`` is the
    ILLUSTRATIVE allocation of ≈13,600 low-educated unemployed in ``domain.geography`` (no
    official per-centre figure). ``per_1000`` = n / pool × 1000; ``share`` = n / n_total;
    ``expected_share`` = the centre's share of the pool, and ``expected_n`` = n_total ×
    expected_share: what proportional recruitment would have given.
    """
    stamp = _stamp(as_of)
    facts = participant_facts(participants, enrolments, stamp)
    via_centre = facts["recruitment_route"].astype(str) == RecruitmentRoute.JOB_CENTRE.value
    counts = facts.loc[via_centre, "job_centre"].astype(str).value_counts()
    unemployed = facts["employment_status"].astype(str).isin(UNEMPLOYED)
    return job_centre_frame(counts, int((unemployed & ~via_centre).sum()), stamp)


def job_centre_frame(
    counts: pd.Series, other_routes: int, stamp: pd.Timestamp | None
) -> pd.DataFrame:
    """The job-centre table from the participants recruited through each centre (``counts``)
    and the unemployed recruited another way; apart so the store's counts give the same one."""
    on = (stamp if stamp is not None else pd.Timestamp.today()).date()
    pool = low_educated_pool_on(on)
    centres = [*pool, *sorted(set(counts.index) - set(pool))]
    n_total = int(counts.sum())
    pool_total = sum(pool.values())
    out = pd.DataFrame(
        {
            "job_centre": centres,
            "in_layout": [c in pool for c in centres],
            "n": [int(counts.get(c, 0)) for c in centres],
            "n_total": n_total,
            "n_other_routes": other_routes,
            "pool": pd.array([pool.get(c) for c in centres], dtype="Int64"),
        }
    )
    out["n"] = out["n"].astype("Int64")
    out["n_total"] = out["n_total"].astype("Int64")
    out["per_1000"] = (out["n"] / out["pool"] * 1000).astype("Float64")
    out["share"] = (out["n"] / n_total if n_total else pd.Series(pd.NA, index=out.index)).astype(
        "Float64"
    )
    out["expected_share"] = (out["pool"] / pool_total).astype("Float64")
    out["expected_n"] = out["expected_share"] * n_total
    out["as_of"] = pd.Timestamp(on)
    return out


_SIDE_LABELS: dict[str, tuple[str, str]] = {
    "unskilled": (
        "Sideeffekt: ufaglærte med AMU-kurser eller enkeltfag (tæller ikke med i måltal)",
        "Side effect: unskilled with AMU courses or single subjects (not counted in targets)",
    ),
    "skilled": (
        "Sideeffekt: faglærte med specialiserede kompetencer (tæller ikke med i måltal)",
        "Side effect: skilled with specialised competences (not counted in targets)",
    ),
    "other": (
        "Sideeffekt: videregående eller uoplyst uddannelse (tæller ikke med i måltal)",
        "Side effect: higher or unknown education (not counted in targets)",
    ),
    "total": (
        "Sideeffekter i alt (tæller ikke med i måltal)",
        "Side effects in total (not counted in targets)",
    ),
}


def side_effects(
    participants: pd.DataFrame, enrolments: pd.DataFrame, as_of: AsOf = None
) -> pd.DataFrame:
    """Side-effect persons at each quarter's end, by education group; NOT counted in targets.

    Unit: persons with at least one enrolment of purpose ``side_effect`` started by the
    quarter's end who are *not* counted participants on that day (a person who later starts a
    lift or a preparatory course moves out of the side effects from that start), split as
    ``population.side_effect_people`` does: unskilled (H10/H15/H20/H29), skilled (H30/H35) and
    other (higher or unknown education), plus ``total``. Quarters run from the first
    side-effect start to the quarter of ``as_of`` (None: of the last first start). ``n`` is the
    number at the quarter's end (a stock) and ``new`` its net change in the quarter, which is
    negative when more moved out than came in.
    """
    stamp = _stamp(as_of)
    people = side_effect_people(participants, enrolments, stamp)
    if people.empty:
        return side_effect_frame([], np.array([], dtype="datetime64[ns]"), {})
    quarters, ends = side_effect_quarters(people["first_on"].min(), people["first_on"].max(), stamp)
    present = {
        group: present_on(
            own["participant_id"],
            own["first_on"],
            own["participant_from"],
            ends,
            present_on_leaving_day=False,
        )
        for group in (*SIDE_EFFECT_GROUPS, "total")
        for own in [people if group == "total" else people[people["group"] == group]]
    }
    return side_effect_frame(quarters, ends, present)


def side_effect_quarters(
    first_on: pd.Timestamp, last_on: pd.Timestamp, stamp: pd.Timestamp | None
) -> tuple[list[Quarter], np.ndarray]:
    """The quarters from the first side-effect start to ``stamp``'s (None: the last first
    start's), and their last days."""
    first = Quarter.containing(first_on.date())
    last = Quarter.containing((stamp if stamp is not None else last_on).date())
    quarters = quarters_between(first, max(first, last))
    return quarters, pd.to_datetime([q.end for q in quarters]).to_numpy()


def side_effect_frame(
    quarters: list[Quarter], ends: np.ndarray, present: dict[str, np.ndarray]
) -> pd.DataFrame:
    """The side-effect table from the persons present at each quarter's end per group (and
    ``total``); apart so the store's counts give the same one (no quarters: an empty table)."""
    columns = ["quarter", "quarter_end", "group", "label_da", "label_en", "new", "n"]
    if not quarters:
        return pd.DataFrame(columns=[*columns, "counts_towards_targets"])
    rows = []
    for group in (*SIDE_EFFECT_GROUPS, "total"):
        new = np.diff(present[group], prepend=0)
        da, en = _SIDE_LABELS[group]
        rows.extend(
            {
                "quarter": str(q),
                "quarter_end": pd.Timestamp(end),
                "group": group,
                "label_da": da,
                "label_en": en,
                "new": int(added),
                "n": int(count),
            }
            for q, end, added, count in zip(quarters, ends, new, present[group], strict=True)
        )
    out = pd.DataFrame(rows, columns=columns)
    out["new"] = out["new"].astype("Int64")
    out["n"] = out["n"].astype("Int64")
    out["counts_towards_targets"] = False
    return out
