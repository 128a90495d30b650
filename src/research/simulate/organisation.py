"""Activity 1: the partnership, its consultants and the other projects in the same field.

Why: the contact log, the networks and the enrolments all name a partner or a consultant, and
the coordination analysis needs other projects whose company lists overlap this one's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from research.config import Partner, ProgrammeConfig
from research.domain.codes import InstitutionType, PartnerKind
from research.simulate.timeline import DAY, Scale, d64, uniform_days
from research.simulate.truth import POPULATIONS

# Fixed, recognisably made-up projects and institutions (not scaled: "two or three" projects).
EXTERNAL_PROJECTS: tuple[tuple[str, str, str, str], ...] = (
    (
        "EXT1",
        "Demo-projekt: Grøn omstilling i SMV'er",
        "Erhvervsfremme (demo)",
        "business_promotion",
    ),
    ("EXT2", "Demo-projekt: Automatisering i industrien", "Erhvervsskole (demo)", "education"),
    ("EXT3", "Demo-projekt: Flere ledige i job", "Beskæftigelse (demo)", "employment"),
)
OTHER_INSTITUTIONS: tuple[tuple[str, str], ...] = (
    ("AMU-center (demo)", "education"),
    ("A-kasse (demo)", "employment"),
    ("Erhvervshus (demo)", "business_promotion"),
)
_PARTNER_WEIGHT = {
    PartnerKind.VOCATIONAL_COLLEGE: 0.22,
    PartnerKind.ACADEMY: 0.12,
    PartnerKind.BUSINESS_PROMOTION: 0.12,
    PartnerKind.LEAD_PARTNER: 0.08,
}
_INSTITUTION_TYPE = {
    PartnerKind.VOCATIONAL_COLLEGE: InstitutionType.EDUCATION.value,
    PartnerKind.ACADEMY: InstitutionType.EDUCATION.value,
    PartnerKind.LEAD_PARTNER: InstitutionType.EDUCATION.value,
    PartnerKind.BUSINESS_PROMOTION: InstitutionType.BUSINESS_PROMOTION.value,
}


@dataclass(frozen=True)
class Organisation:
    partners: pd.DataFrame
    consultants: pd.DataFrame
    external_projects: pd.DataFrame
    colleges: tuple[str, ...]
    academy: str
    network_partners: tuple[str, ...]
    institution_type: dict[str, str]  # partner id -> institution type
    partner_name: dict[str, str]


def _pick(partners: tuple[Partner, ...], *kinds: PartnerKind) -> tuple[str, ...]:
    found = tuple(p.partner_id for p in partners if p.kind in kinds)
    return found or (partners[0].partner_id,)


def build_organisation(
    config: ProgrammeConfig, scale: Scale, rng: np.random.Generator
) -> Organisation:
    partners = config.partners
    partner_frame = pd.DataFrame(
        {
            "partner_id": [p.partner_id for p in partners],
            "name": [p.name for p in partners],
            "kind": [p.kind.value for p in partners],
        }
    )
    n_in = scale.org(POPULATIONS.consultants_in_concept)
    n_out = scale.org(POPULATIONS.consultants_outside_concept, minimum=0)
    n = n_in + n_out
    weights = np.array([_PARTNER_WEIGHT.get(p.kind, 0.1) for p in partners])
    owner = np.arange(len(partners)) if n >= len(partners) else np.array([], dtype=int)
    rest = rng.choice(len(partners), size=n - owner.size, p=weights / weights.sum())
    owner = np.concatenate([owner, rest])
    in_concept = np.arange(n) < n_in
    leader = np.zeros(n, dtype=bool)
    leader[: min(len(partners), n_in)] = True  # one leader per partner, all in the concept
    start = d64(config.period.start)
    span = int((d64(config.period.end) - start) / DAY)
    early = rng.random(n) < 0.6
    joined = np.where(
        leader,
        start,
        np.where(
            early | ~in_concept,
            start + uniform_days(rng, 0, 45, n),
            start + uniform_days(rng, 45, 0.4 * span, n),
        ),
    )
    leaves = in_concept & ~leader & (rng.random(n) < 0.08)
    left = np.minimum(joined + uniform_days(rng, 0.3 * span, 0.9 * span, n), d64(config.period.end))
    left = np.where(leaves, left, np.datetime64("NaT", "D"))
    ids = [f"{partners[o].partner_id}-K{i + 1:03d}" for i, o in enumerate(owner)]
    names = [
        f"Demo-{'leder' if is_leader else 'konsulent'} {i + 1:03d}"
        for i, is_leader in enumerate(leader)
    ]
    consultants = pd.DataFrame(
        {
            "consultant_id": ids,
            "name": names,
            "partner_id": [partners[o].partner_id for o in owner],
            "role": np.where(leader, "leader", "consultant"),
            "in_shared_concept": in_concept,
            "joined_on": joined.astype("datetime64[D]"),
            "left_on": left.astype("datetime64[D]"),
        }
    )
    external = pd.DataFrame(
        {
            "project_id": [p[0] for p in EXTERNAL_PROJECTS],
            "name": [p[1] for p in EXTERNAL_PROJECTS],
            "owner": [p[2] for p in EXTERNAL_PROJECTS],
        }
    )
    colleges = _pick(partners, PartnerKind.VOCATIONAL_COLLEGE)
    return Organisation(
        partners=partner_frame,
        consultants=consultants,
        external_projects=external,
        colleges=colleges,
        academy=_pick(partners, PartnerKind.ACADEMY)[0],
        network_partners=_pick(
            partners,
            PartnerKind.VOCATIONAL_COLLEGE,
            PartnerKind.ACADEMY,
            PartnerKind.BUSINESS_PROMOTION,
        ),
        institution_type={p.partner_id: _INSTITUTION_TYPE[p.kind] for p in partners},
        partner_name={p.partner_id: p.name for p in partners},
    )
