"""A large programme simulated and written chunk by chunk, in bounded memory.

Why: the whole world of a scale-1,000 programme (2.7 million people with their enrolments,
RKVs, plans and comparison individuals) needs about 13 GiB in pandas at once. The people are
the part that grows with the scale; the organisation, the company universe and the networks
stop growing at scale 15. So the organisation is built once, the people are drawn in chunks of
at most ``CHUNK_SCALE`` (each from its own random stream, with CPR serials and enrolment, RKV
and plan numbers that follow on from the chunks before), and each chunk's tables are written
and dropped before the next is drawn. What the rest of the world needs from the people (how
many take part from each company, when each company was first involved, the one-to-one
recruitment visits) is kept in small summaries, and the contacts, competence plans, panel and
companies are made from them at the end. Every chunk has the same populations per unit of
scale, so the totals are those of one run at the full scale.

Scales up to ``CHUNK_SCALE`` are not chunked: their data are exactly what they always were.
"""

from __future__ import annotations

import gc
import math
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from research.config import ProgrammeConfig
from research.simulate.asof import World, org_as_of, people_as_of
from research.simulate.companies import draw_companies, grow_to_fit
from research.simulate.company_follow_up import plans_and_panel
from research.simulate.comparison import build_comparison_individuals
from research.simulate.contacts import build_contacts
from research.simulate.enrolments import Numbering, build_programme
from research.simulate.ids import SerialsTaken
from research.simulate.networks import build_networks
from research.simulate.observations import build_observations
from research.simulate.organisation import build_organisation
from research.simulate.people import People, build_people
from research.simulate.streams import stream
from research.simulate.timeline import Scale
from research.simulate.truth import POPULATIONS

CHUNK_SCALE = 100.0
"""The most people one chunk holds, in units of scale (about 1.3 GiB at its peak)."""


def chunk_count(scale: float) -> int:
    """How many chunks a run at ``scale`` is drawn in (1: not chunked)."""
    return max(1, math.ceil(scale / CHUNK_SCALE - 1e-9))


@dataclass
class _PeopleSummary:
    """What the rest of the world needs from the people of every chunk."""

    per_company: pd.Series = field(default_factory=lambda: pd.Series(dtype=np.int64))
    first_entry: pd.Series = field(default_factory=lambda: pd.Series(dtype="datetime64[ns]"))
    first_counted: pd.Series = field(default_factory=lambda: pd.Series(dtype="datetime64[ns]"))
    visits: list[pd.DataFrame] = field(default_factory=list)
    cvrs: set = field(default_factory=set)

    def add(self, people: People, participants: pd.DataFrame, written_cvrs: pd.Series) -> None:
        self.per_company = self.per_company.add(
            participants["cvr"].value_counts(), fill_value=0
        ).astype(np.int64)
        known = participants[participants["cvr"].notna()]
        self.first_entry = _earliest(self.first_entry, known, "first_entry_on")
        counted = known[known["kind"].isin(("euv", "au"))]
        self.first_counted = _earliest(self.first_counted, counted, "first_entry_on")
        p = people.frame
        visit = (p["route"].to_numpy() == "one_to_one_visit") & (p["company"].to_numpy() >= 0)
        self.visits.append(p.loc[visit, ["route", "company", "entry"]])
        self.cvrs |= set(written_cvrs.dropna())


def _earliest(so_far: pd.Series, frame: pd.DataFrame, column: str) -> pd.Series:
    new = pd.to_datetime(frame[column]).groupby(frame["cvr"].to_numpy()).min()
    both = pd.concat([so_far, new])
    return both.groupby(level=0, sort=True).min()


def simulate_in_chunks(
    config: ProgrammeConfig,
    *,
    seed: int,
    scale: float,
    until: date,
    write,
    break_parallel_trends: bool = False,
) -> None:
    """Draw the programme chunk by chunk and hand each set of tables to ``write`` (a dict of
    frames per call; the people's tables per chunk, then everything else once)."""
    period = config.period
    sc = Scale.of(scale)
    chunks = chunk_count(scale)
    org = build_organisation(config, sc, stream(seed, "organisation"))
    n_universe = sc.org(POPULATIONS.company_universe)
    n_panel = sc.org(POPULATIONS.panel_comparison_companies)
    universe = draw_companies(stream(seed, "companies"), np.arange(n_universe))
    networks = build_networks(period, sc, universe, org, stream(seed, "networks"))

    part = Scale(people=scale / chunks, organisations=sc.organisations)
    taken, numbering, summary = SerialsTaken(), Numbering(), _PeopleSummary()
    for k in range(chunks):
        people = build_people(period, part, universe, networks, stream(seed, f"people/{k}"), taken)
        programme = build_programme(
            period, people, universe, networks, org, stream(seed, f"programme/{k}"), numbering
        )
        numbering = Numbering(
            numbering.enrolments + len(programme.enrolments),
            numbering.rkvs + len(programme.rkv_results),
            numbering.plans + len(programme.education_plans),
        )
        world = _people_world(programme, build_comparison_individuals(people.comparison))
        frames = people_as_of(world, until)
        summary.add(people, programme.participants, frames["participants"]["cvr"])
        write(frames)
        del people, programme, world, frames
        gc.collect()

    visits = pd.concat(summary.visits, ignore_index=True)
    contacts = build_contacts(
        period,
        sc,
        universe,
        org,
        networks,
        People(visits, pd.DataFrame()),
        stream(seed, "contacts"),
    )
    grown = grow_to_fit(universe, summary.per_company)
    plans, panel = plans_and_panel(
        period,
        grown,
        networks.memberships,
        summary.first_entry.rename("day").rename_axis("cvr").reset_index(),
        summary.first_counted,
        np.arange(n_universe, n_universe + n_panel),
        seed,
        break_parallel_trends=break_parallel_trends,
    )
    world = replace(
        _people_world(None, None),
        partners=org.partners,
        external_projects=org.external_projects,
        consultants=org.consultants,
        companies=grown,
        networks=networks,
        contacts=contacts,
        competence_plans=plans,
        cmo_observations=build_observations(
            period, networks.networks, stream(seed, "observations")
        ),
        company_panel=panel,
    )
    write(org_as_of(world, until, pd.Series(sorted(summary.cvrs), dtype=object)))


def _people_world(programme, comparison: pd.DataFrame | None) -> World:
    """A World holding only the people's part (the rest empty until the end)."""
    empty = pd.DataFrame()
    return World(
        partners=empty,
        external_projects=empty,
        consultants=empty,
        companies=empty,
        networks=None,  # type: ignore[arg-type]
        contacts=empty,
        competence_plans=empty,
        participants=programme.participants if programme else empty,
        enrolments=programme.enrolments if programme else empty,
        rkv_results=programme.rkv_results if programme else empty,
        education_plans=programme.education_plans if programme else empty,
        plan_made=programme.plan_made if programme else np.array([]),
        cmo_observations=empty,
        company_panel=empty,
        comparison_individuals=comparison if comparison is not None else empty,
    )
