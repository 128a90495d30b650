"""Activity 6 (and the RKVs and education plans of activity 4): what each person does.

Why: the targets are counted from enrolments with start and stop records, and the planted
completion and duration effects live here. Everything is generated for the whole horizon
(exits may lie years after the project end); ``asof`` then cuts the data at the data date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.domain.geography import APPROX_POPULATION_2024, job_centre_for
from research.domain.period import ProjectPeriod
from research.simulate.catalogue import (
    AMU_SKILLED,
    AMU_UNSKILLED,
    AU_DEFAULT,
    AU_EDUCATIONS,
    INDUSTRIES,
    PREP_EDUCATION,
)
from research.simulate.networks import Networks
from research.simulate.organisation import Organisation
from research.simulate.people import People, track_for
from research.simulate.timeline import DAY, d64, months, uniform_days
from research.simulate.truth import AU, COMPLETION, EUV_DURATION, PREPARATORY, RKV_COLLEGES

_NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class Numbering:
    """How many enrolments, RKVs and education plans earlier chunks of the same programme
    numbered (``simulate.chunks``): this chunk's numbers follow on."""

    enrolments: int = 0
    rkvs: int = 0
    plans: int = 0


@dataclass(frozen=True)
class Programme:
    participants: pd.DataFrame
    enrolments: pd.DataFrame  # with helper columns: kind, person_kind, final, counted_unemployed
    rkv_results: pd.DataFrame
    education_plans: pd.DataFrame
    plan_made: np.ndarray  # when each education plan was written (the RKV's end)


def college_for_municipality(codes: np.ndarray, colleges: tuple[str, ...]) -> np.ndarray:
    """Colleges split the municipalities in kommune-code order into equal population shares
    (the default names Nord/Syd/Vest are only labels)."""
    ordered = sorted(APPROX_POPULATION_2024)
    weights = np.array([APPROX_POPULATION_2024[c] for c in ordered], dtype=float)
    share = (np.cumsum(weights) - weights / 2) / weights.sum()
    index = np.minimum((share * len(colleges)).astype(int), len(colleges) - 1)
    lookup = dict(zip(ordered, index, strict=True))
    return np.array([colleges[lookup[int(c)]] for c in codes], dtype=object)


def job_centres(codes: np.ndarray, days: np.ndarray) -> np.ndarray:
    """The job centre serving each municipality on each date (the time-versioned mapping)."""
    frame = pd.DataFrame({"m": codes, "d": np.asarray(days, dtype="datetime64[D]")})
    keys = frame.drop_duplicates()
    names = [
        job_centre_for(int(m), pd.Timestamp(d).date()) for m, d in keys.itertuples(index=False)
    ]
    lookup = dict(zip(zip(keys["m"], keys["d"], strict=True), names, strict=True))
    return np.array([lookup[k] for k in zip(frame["m"], frame["d"], strict=True)], dtype=object)


def college_track(
    p: pd.DataFrame, college: np.ndarray, decided_on: np.ndarray, colleges, truth=RKV_COLLEGES
) -> np.ndarray:
    """The RKV's decided track with the college's planted assessment practice
    (``truth.RKV_COLLEGES``): assessed experience times exp(shift), the shift cut to
    ``remaining`` for RKVs decided from ``converge_on``. No random draws, so the rest of the
    programme is the same draw as without the plant."""
    shifts = dict(zip(colleges, truth.log_experience_shift, strict=False))
    shift = np.array([shifts.get(c, 0.0) for c in college], dtype=float)
    converged = decided_on >= np.datetime64(truth.converge_on, "D")
    shift = np.where(converged, truth.remaining * shift, shift)
    assessed = p["experience_assessed"].to_numpy(dtype=float) * np.exp(shift)
    return track_for(assessed, p["relevant_education"].to_numpy(dtype=bool))


def _leaving_status(rng: np.random.Generator, employed_at_entry, employed_6m) -> np.ndarray:
    n = employed_at_entry.size
    u = rng.random(n)
    employed_path = np.where(
        u < 0.95, "employed", np.where(u < 0.98, "job_seeking", "in_education")
    )
    found = np.where(u < 0.6, "employed", np.where(u < 0.7, "in_education", "job_seeking"))
    not_found = np.where(u < 0.75, "job_seeking", np.where(u < 0.9, "inactive", "in_education"))
    return np.where(employed_at_entry, employed_path, np.where(employed_6m, found, not_found))


def build_programme(
    period: ProjectPeriod,
    people: People,
    universe: pd.DataFrame,
    networks: Networks,
    org: Organisation,
    rng: np.random.Generator,
    numbered_after: Numbering | None = None,
) -> Programme:
    after = numbered_after or Numbering()
    p = people.frame
    n = len(p)
    end = d64(period.end)
    start = d64(period.start)
    kind = p["kind"].to_numpy()
    entry = p["entry"].to_numpy().astype("datetime64[D]")
    employed = p["employed"].to_numpy(dtype=bool)
    employed_6m = p["employed_6m"].to_numpy(dtype=bool)
    track = p["track"].to_numpy()
    below = p["below_02"].to_numpy(dtype=bool)
    network_ids = networks.networks["network_id"].to_numpy() if len(networks.networks) else []
    network_row = p["network"].to_numpy()
    network_id = np.array([network_ids[j] if j >= 0 else None for j in network_row], dtype=object)
    network_partner = (
        networks.networks["partner_id"].to_numpy() if len(networks.networks) else np.array([])
    )
    college = college_for_municipality(p["municipality_code"].to_numpy(), org.colleges)
    via_college = (network_row >= 0) & np.isin(
        np.array([network_partner[j] if j >= 0 else "" for j in network_row], dtype=object),
        org.colleges,
    )
    college[via_college] = [network_partner[j] for j in network_row[via_college]]
    euv_education = np.array(
        [str(rng.choice(INDUSTRIES[i].euv)) for i in p["industry"].to_numpy()], dtype=object
    )
    au_education = np.array(
        [
            str(rng.choice(AU_EDUCATIONS.get(INDUSTRIES[i].ten_group, AU_DEFAULT)))
            for i in p["industry"].to_numpy()
        ],
        dtype=object,
    )

    # --- RKV: before the first entry (at entry for people who never start) -------------------
    has_rkv = np.isin(kind, ("euv", "au", "rkv_only"))
    before = np.where(kind == "rkv_only", 0, 1) * uniform_days(rng, 14, 56, n)
    rkv_start = np.maximum(entry - before, start)
    rkv_end = np.minimum(
        rkv_start + uniform_days(rng, 0, 14, n),
        np.where(kind == "rkv_only", end + 365 * DAY, entry - DAY),
    )
    rkv_end = np.maximum(rkv_end, rkv_start)
    track = college_track(p, college, rkv_end, org.colleges)

    # --- preparatory Danish/maths course --------------------------------------------------
    is_euv = kind == "euv"
    takes_prep = is_euv & (
        rng.random(n) < np.where(below, PREPARATORY.take_up_below_02, PREPARATORY.take_up_meets_02)
    )
    prep_done = takes_prep & (rng.random(n) < PREPARATORY.completes)
    weeks = rng.integers(PREPARATORY.weeks_min, PREPARATORY.weeks_max + 1, n)
    prep_end_planned = entry + weeks * 7 * DAY
    prep_exit = np.where(
        prep_done,
        prep_end_planned,
        entry + np.maximum(weeks * 7 * rng.uniform(0.2, 0.8, n), 1).astype(np.int64) * DAY,
    )
    gap = uniform_days(rng, PREPARATORY.gap_weeks_min * 7, PREPARATORY.gap_weeks_max * 7, n)
    prep_kinds = np.array(list(PREPARATORY.kinds), dtype=object)
    prep_kind = prep_kinds[
        rng.choice(prep_kinds.size, size=n, p=np.array(list(PREPARATORY.kinds.values())))
    ]

    # --- EUV --------------------------------------------------------------------------------
    euv_start = np.where(takes_prep, prep_end_planned + gap, entry)
    starts_euv = is_euv & (~takes_prep | prep_done) & (euv_start <= end)
    route = p["route"].to_numpy()
    completes = rng.random(n) < COMPLETION.probability(
        route=route,
        education=p["highest_education"].to_numpy(),
        employment=p["employment_status"].to_numpy(),
        below_02=below,
        prep=prep_done,
    )
    median = pd.Series(track).map(dict(EUV_DURATION.median_months)).to_numpy(dtype=float)
    sigma = pd.Series(track).map(dict(EUV_DURATION.sigma)).to_numpy(dtype=float)
    planned = median * np.exp(rng.normal(0, 1, n) * sigma)
    actual = planned * np.exp(rng.normal(EUV_DURATION.delay_mu, EUV_DURATION.delay_sd, n))
    drop_at = planned * rng.beta(EUV_DURATION.dropout_a, EUV_DURATION.dropout_b, n)
    euv_expected = euv_start + months(planned)
    euv_exit = euv_start + np.where(completes, months(actual), np.maximum(months(drop_at), 7 * DAY))
    credit = rng.gamma(2.0, 0.5, n) * pd.Series(track).map(
        dict(EUV_DURATION.credit_weeks)
    ).to_numpy(dtype=float)

    # --- AU ---------------------------------------------------------------------------------
    is_au = kind == "au"
    au_completes = rng.random(n) < AU.completion_probability
    au_planned = AU.median_months * np.exp(rng.normal(0, AU.sigma, n))
    au_expected = entry + months(au_planned)
    au_exit = entry + np.where(
        au_completes,
        months(au_planned * np.exp(rng.normal(0.03, 0.08, n))),
        np.maximum(months(au_planned * rng.beta(1.3, 2.5, n)), 7 * DAY),
    )

    # --- exit reasons ------------------------------------------------------------------------
    reasons = np.array(list(COMPLETION.exit_reasons), dtype=object)
    weights = np.array(list(COMPLETION.exit_reasons.values()))
    drawn = reasons[rng.choice(reasons.size, size=n, p=weights / weights.sum())]
    no_job = np.where(rng.random(n) < 0.75, "dropped_out", "other").astype(object)
    job = np.where(rng.random(n) < 0.5, "left_for_job", no_job)
    reason = np.where(employed, drawn, np.where(employed_6m, job, no_job))

    rows: list[pd.DataFrame] = []

    def add(mask, **cols) -> None:
        idx = np.flatnonzero(mask)
        frame = pd.DataFrame({"person": idx})
        for key, value in cols.items():
            frame[key] = value[idx] if isinstance(value, np.ndarray) else value
        rows.append(frame)

    add(
        takes_prep,
        partner_id=college,
        programme_kind=prep_kind,
        purpose="preparatory",
        education=np.array([PREP_EDUCATION[k] for k in prep_kind], dtype=object),
        euv_track=None,
        started_on=entry,
        expected_end=prep_end_planned,
        exit_on=prep_exit,
        exit_reason=np.where(prep_done, "completed", "dropped_out").astype(object),
    )
    add(
        starts_euv,
        partner_id=college,
        programme_kind="euv",
        purpose="skilled_lift",
        education=euv_education,
        euv_track=track,
        started_on=euv_start,
        expected_end=euv_expected,
        exit_on=euv_exit,
        exit_reason=np.where(completes, "completed", reason).astype(object),
    )
    add(
        is_au,
        partner_id=org.academy,
        programme_kind="au",
        purpose="academy_lift",
        education=au_education,
        euv_track=None,
        started_on=entry,
        expected_end=au_expected,
        exit_on=au_exit,
        exit_reason=np.where(au_completes, "completed", reason).astype(object),
    )
    # side effects: one to three AMU courses (or single subjects) each
    side = np.isin(kind, ("side_unskilled", "side_skilled"))
    skilled = kind == "side_skilled"
    course_start = entry.copy()
    for course in range(3):
        take = side & (course_start <= end) & ((course == 0) | (rng.random(n) < 0.35))
        names = np.where(
            skilled,
            np.array(AMU_SKILLED, dtype=object)[rng.integers(0, len(AMU_SKILLED), n)],
            np.array(AMU_UNSKILLED, dtype=object)[rng.integers(0, len(AMU_UNSKILLED), n)],
        )
        length = uniform_days(rng, 1, 15, n)
        done = rng.random(n) < 0.95
        add(
            take,
            partner_id=college,
            programme_kind="amu",
            purpose="side_effect",
            education=names,
            euv_track=None,
            started_on=course_start,
            expected_end=course_start + length,
            exit_on=course_start + np.where(done, length, np.maximum(length // 2, DAY)),
            exit_reason=np.where(done, "completed", "dropped_out").astype(object),
        )
        side = take
        course_start = course_start + length + uniform_days(rng, 30, 200, n)

    enrol = pd.concat(rows, ignore_index=True)
    enrol = enrol.sort_values(["started_on", "person"], kind="stable").reset_index(drop=True)
    person = enrol["person"].to_numpy()
    enrol["participant_id"] = p["person_id"].to_numpy()[person]
    enrol["network_id"] = network_id[person]
    year = pd.DatetimeIndex(enrol["started_on"]).year.to_numpy()
    enrol["enrolment_id"] = [
        f"{partner}-{y}-{i + 1:07d}"
        for i, (partner, y) in enumerate(
            zip(enrol["partner_id"], year, strict=True), start=after.enrolments
        )
    ]
    # statuses: upon leaving for everyone, six months after for the counted unemployed
    last_exit = enrol.groupby("person")["exit_on"].transform("max")
    final = (enrol["exit_on"] == last_exit).to_numpy().copy()
    final &= ~enrol.duplicated(["person", "exit_on"], keep="last").to_numpy()
    enrol["final"] = final
    emp = employed[person]
    e6 = employed_6m[person]
    leaving = _leaving_status(rng, emp, e6)
    continuing = (enrol["purpose"].to_numpy() == "preparatory") & (
        enrol["exit_reason"].to_numpy() == "completed"
    )
    enrol["status_on_leaving"] = np.where(continuing, "in_education", leaving).astype(object)
    u = rng.random(len(enrol))
    not_employed = np.where(u < 0.75, "job_seeking", np.where(u < 0.9, "inactive", "in_education"))
    counted_unemployed = p["counted_unemployed"].to_numpy(dtype=bool)[person]
    enrol["status_6_months"] = np.where(
        counted_unemployed & final, np.where(e6, "employed", not_employed), None
    ).astype(object)
    enrol["counted_unemployed"] = counted_unemployed
    enrol["person_kind"] = kind[person]

    # --- participants -------------------------------------------------------------------------
    in_programme = np.isin(kind, ("euv", "au", "side_unskilled", "side_skilled"))
    q = p[in_programme]
    company = q["company"].to_numpy()
    participants = pd.DataFrame(
        {
            "participant_id": q["person_id"].to_numpy(),
            "birth_date": q["birth_date"].to_numpy(),
            "gender": np.where(q["female"].to_numpy(dtype=bool), "female", "male"),
            "employment_status": q["employment_status"].to_numpy(),
            "highest_education": q["highest_education"].to_numpy(),
            "municipality_code": q["municipality_code"].to_numpy(),
            "job_centre": job_centres(q["municipality_code"].to_numpy(), q["entry"].to_numpy()),
            "cvr": np.where(
                q["employed"].to_numpy(dtype=bool),
                universe["cvr"].to_numpy()[np.maximum(company, 0)],
                None,
            ),
            "recruitment_route": q["route"].to_numpy(),
            "meets_02_requirement": np.where(
                q["kind"].to_numpy() == "euv", ~q["below_02"].to_numpy(dtype=bool), None
            ).astype(object),
            "foreign_background": q["foreign_background"].to_numpy(),
            "disability": q["disability"].to_numpy(),
            "first_entry_on": q["entry"].to_numpy(),
            "synthetic": True,
            "kind": q["kind"].to_numpy(),
        }
    )

    # --- RKV results and education plans --------------------------------------------------------
    r = np.flatnonzero(has_rkv)
    au_rkv = is_au[r]
    days_choice = np.array([0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0])
    days = np.where(
        au_rkv,
        rng.choice(days_choice[:4], size=r.size),
        rng.choice(days_choice, size=r.size, p=[0.1, 0.3, 0.2, 0.2, 0.1, 0.05, 0.05]),
    )
    target = np.where(au_rkv, au_education[r], euv_education[r])
    certificate = rng.random(r.size) < 0.3
    au_docs = np.where(
        rng.random(r.size) < 0.4,
        "admission_certificate;education_plan",
        "competence_certificate;education_plan",
    )
    rkv = pd.DataFrame(
        {
            "rkv_id": [f"RKV{i + 1:07d}" for i in range(after.rkvs, after.rkvs + r.size)],
            "person_id": p["person_id"].to_numpy()[r],
            "birth_date": p["birth_date"].to_numpy()[r],
            "gender": np.where(p["female"].to_numpy(dtype=bool)[r], "female", "male"),
            "partner_id": np.where(au_rkv, org.academy, college[r]),
            "rkv_type": np.where(au_rkv, "au_rkv", "euv"),
            "started_on": rkv_start[r],
            "ended_on": rkv_end[r],
            "days": days,
            "target_education": target,
            "track_estimated": np.where(au_rkv, None, p["track_estimated"].to_numpy()[r]),
            "track_decided": np.where(au_rkv, None, track[r]),
            "credit_weeks": np.where(au_rkv, np.nan, np.round(credit[r], 1)),
            "documents": np.where(
                au_rkv,
                au_docs,
                np.where(certificate, "education_plan;competence_certificate", "education_plan"),
            ),
        }
    )
    plan_start = np.where(
        kind == "rkv_only",
        rkv_end + uniform_days(rng, 30, 120, n),
        np.where(is_au, entry, euv_start),
    )[r]
    plan_end = plan_start + np.where(au_rkv, months(au_planned[r]), months(planned[r]))
    school = {
        "EUV1": "2 skoleperioder",
        "EUV2": "GF2 og 4 skoleperioder",
        "EUV3": "GF2 og 5 skoleperioder",
    }
    subjects = np.where(
        au_rkv,
        "6 moduler à 10 ECTS",
        np.where(
            takes_prep[r],
            "Forberedende dansk og matematik; hovedforløb",
            np.where(track[r] == "EUV1", "Hovedforløb", "Grundforløb 2; hovedforløb; oplæring"),
        ),
    )
    plans = pd.DataFrame(
        {
            "plan_id": [f"UP{i + 1:07d}" for i in range(after.plans, after.plans + r.size)],
            "person_id": p["person_id"].to_numpy()[r],
            "partner_id": rkv["partner_id"].to_numpy(),
            "programme_kind": np.where(au_rkv, "au", "euv"),
            "education": target,
            "subjects": subjects,
            "start_on": plan_start,
            "school_periods": np.where(
                au_rkv, "Deltid over 2-3 år", pd.Series(track[r]).map(school).to_numpy()
            ),
            "expected_end": plan_end,
        }
    )
    return Programme(
        participants=participants,
        enrolments=enrol,
        rkv_results=rkv,
        education_plans=plans,
        plan_made=rkv_end[r],
    )
