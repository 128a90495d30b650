"""Run the simulator: build the world, cut it at the data date, validate, write, summarise.

Why: the simulated programme goes into the store through the same checks as a real import
(every check of ``store.tables`` and every reference, one transaction), so the demo database
is a database the rest of the workbench must accept. They run once, where the rows are written
(``_write_checked``); pandera is asked only to say where a failure lies.
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from research.coerce import as_date, as_path
from research.config import ProgrammeConfig
from research.domain.identifiers import DEMO_KEY
from research.domain.rules import COUNTED_PURPOSES, EMPLOYED, UNEMPLOYED
from research.errors import ResearchError, StoreError
from research.simulate.asof import (
    PEOPLE_TABLES,
    TABLES_AFTER_PEOPLE,
    TABLES_BEFORE_PEOPLE,
    World,
    as_of,
)
from research.simulate.chunks import chunk_count, simulate_in_chunks
from research.simulate.companies import draw_companies, grow_to_fit
from research.simulate.company_follow_up import plans_and_panel
from research.simulate.comparison import build_comparison_individuals
from research.simulate.contacts import build_contacts
from research.simulate.enrolments import build_programme
from research.simulate.networks import build_networks
from research.simulate.observations import build_observations
from research.simulate.organisation import build_organisation
from research.simulate.people import build_people
from research.simulate.streams import stream
from research.simulate.timeline import Scale
from research.simulate.truth import POPULATIONS
from research.store import WriteStats, connect, record_import, row_counts, transaction, write_tables
from research.store.meta import record_key, record_origin
from research.store.tables import TABLES, WRITE_ORDER
from research.store.validate import (
    Failure,
    check_references,
    check_rows,
    dangling_references,
)

CHUNK_ROWS = 500_000
DUCKDB_MEMORY = "1GB"
"""What DuckDB may hold in memory while a chunked run writes (it spills the rest to disk)."""


MIN_SCALE = 0.05
"""The smallest --scale accepted: below about 0.03 some part of the programme (a partner's
network, a workshop) has nobody left to draw from."""
MAX_SCALE = 1000.0
"""The largest --scale accepted: 2.7 million people, drawn and written in chunks of
``chunks.CHUNK_SCALE`` so that memory stays bounded (bench/simulate_bench.py --big)."""


class SimulationInvalid(ResearchError):
    """The simulated rows failed the store's validation: a bug in the simulator."""


class SimulationArgumentError(ResearchError):
    """Raised when a scale or a date cannot be simulated."""


def check_scale(scale: float) -> float:
    """A finite scale from ``MIN_SCALE`` to ``MAX_SCALE``; one clear line otherwise."""
    if not (
        isinstance(scale, int | float) and math.isfinite(scale) and MIN_SCALE <= scale <= MAX_SCALE
    ):
        raise SimulationArgumentError(
            f"scale must be a number from {MIN_SCALE:g} to {MAX_SCALE:g} (1 = the "
            f"application's populations); got {scale!r}"
        )
    return float(scale)


def check_until(until: date, config: ProgrammeConfig, *, follow_up: bool = False) -> date:
    """A data date inside the project period (or, with ``follow_up``, any day after its start)."""
    period = config.period
    if until < period.start or (until > period.end and not follow_up):
        raise SimulationArgumentError(
            f"--until {until.isoformat()} is outside the project period "
            f"{period.start.isoformat()} to {period.end.isoformat()}; give a date inside it"
        )
    return until


@dataclass(frozen=True)
class SimulationSummary:
    """What was written, as of the data date (counting conventions in docs/simulation.md)."""

    seed: int
    scale: float
    until: date
    rows: dict[str, int] = field(default_factory=dict)
    participants_total: int = 0
    participants_employed: int = 0
    participants_unemployed: int = 0
    rkvs: int = 0
    euv_started: int = 0
    euv_completed: int = 0
    euv_in_progress: int = 0
    au_started: int = 0
    au_completed: int = 0
    au_in_progress: int = 0
    side_effect_people: int = 0
    side_effect_unskilled: int = 0
    side_effect_skilled: int = 0
    consultants_in_shared_concept: int = 0
    companies_contacted: int = 0  # by anyone in the contact log
    companies_contacted_by_project: int = 0
    networks: int = 0

    def as_dict(self) -> dict:
        out = asdict(self)
        out["until"] = self.until.isoformat()
        return out


def build_world(
    config: ProgrammeConfig, *, seed: int, scale: float, break_parallel_trends: bool = False
) -> World:
    """The whole programme over its full horizon (exits may lie after the project end)."""
    period = config.period
    sc = Scale.of(scale)
    org = build_organisation(config, sc, stream(seed, "organisation"))
    n_universe = sc.org(POPULATIONS.company_universe)
    n_panel = sc.org(POPULATIONS.panel_comparison_companies)
    universe = draw_companies(stream(seed, "companies"), np.arange(n_universe))
    networks = build_networks(period, sc, universe, org, stream(seed, "networks"))
    people = build_people(period, sc, universe, networks, stream(seed, "people"))
    programme = build_programme(period, people, universe, networks, org, stream(seed, "programme"))
    contacts = build_contacts(period, sc, universe, org, networks, people, stream(seed, "contacts"))

    participants = programme.participants
    per_company = participants["cvr"].value_counts()
    universe = grow_to_fit(universe, per_company)
    counted = participants[participants["kind"].isin(("euv", "au")) & participants["cvr"].notna()]
    plans, panel = plans_and_panel(
        period,
        universe,
        networks.memberships,
        participants.loc[participants["cvr"].notna(), ["cvr", "first_entry_on"]].rename(
            columns={"first_entry_on": "day"}
        ),
        counted.groupby("cvr", sort=True)["first_entry_on"].min(),
        np.arange(n_universe, n_universe + n_panel),
        seed,
        break_parallel_trends=break_parallel_trends,
    )
    return World(
        partners=org.partners,
        external_projects=org.external_projects,
        consultants=org.consultants,
        companies=universe,
        networks=networks,
        contacts=contacts,
        competence_plans=plans,
        participants=participants,
        enrolments=programme.enrolments,
        rkv_results=programme.rkv_results,
        education_plans=programme.education_plans,
        plan_made=programme.plan_made,
        cmo_observations=build_observations(
            period, networks.networks, stream(seed, "observations")
        ),
        company_panel=panel,
        comparison_individuals=build_comparison_individuals(people.comparison),
    )


def build_frames(
    config: ProgrammeConfig,
    *,
    seed: int = 2025,
    scale: float = 1.0,
    until: date | str | None = None,
    break_parallel_trends: bool = False,
) -> dict[str, pd.DataFrame]:
    """The tables as the store would hold them on ``until`` (default: the project end).

    ``until`` may lie after the project end, to follow up enrolments still in progress then
    (tests use this to see every outcome); nobody starts after the end.
    """
    world = build_world(config, seed=seed, scale=scale, break_parallel_trends=break_parallel_trends)
    return as_of(world, until or config.period.end)


def validate_frames(con, frames: dict[str, pd.DataFrame]) -> list[Failure]:
    """Every schema and reference failure, checked in chunks for very large tables."""
    failures: list[Failure] = []
    for table, frame in frames.items():
        for begin in range(0, max(len(frame), 1), CHUNK_ROWS):
            chunk = frame.iloc[begin : begin + CHUNK_ROWS]
            failures += check_rows(table, chunk)
            failures += check_references(con, table, chunk, frames)
        if len(frame) > CHUNK_ROWS and frame.duplicated(list(TABLES[table].key)).any():
            failures.append(Failure(table, None, TABLES[table].key[-1], None, "duplicate key"))
    return failures


def _write_checked(
    con, frames: dict[str, pd.DataFrame], *, seed: int, scale: float, until: date, broken: bool
) -> None:
    """Write every table in one transaction, validated once, where the rows lie.

    Why: the store's own constraints check every row as it is written (types by the cast to
    the column's type, required values, codes, ranges, lengths, keys and the rules across
    columns; ``tests/store/test_constraints.py`` shows that each check of ``store.tables``
    has its constraint), and the references are checked by one anti-join each before the
    commit. Checking every row with pandera first as well cost a third of the run. When
    anything fails, nothing is kept, and pandera names the table, row, column and reason.
    """
    with _named_failures(con, frames), transaction(con):
        _write(con, frames)
        _finish(
            con,
            {t: len(f) for t, f in frames.items()},
            seed=seed,
            scale=scale,
            until=until,
            broken=broken,
        )


def _write(con, frames: dict[str, pd.DataFrame]) -> None:
    """The frames' rows into their tables, parents first, in slices of ``CHUNK_ROWS``."""
    for table in WRITE_ORDER:
        frame = frames.get(table)
        if frame is None:
            continue
        for begin in range(0, len(frame), CHUNK_ROWS):
            write_tables(con, {table: frame.iloc[begin : begin + CHUNK_ROWS]})


def _finish(
    con, written: dict[str, int], *, seed: int, scale: float, until: date, broken: bool
) -> None:
    """The checks across all rows written (keys, references), then the audit record."""
    # an upsert keeps one row per key: fewer rows stored than written is a repeated key
    stored = row_counts(con)
    merged = [t for t, n in written.items() if stored[t] != n]
    if merged:
        raise _Refused(f"the same key appears on more than one row in {merged[0]}")
    dangling = dangling_references(con)
    if dangling:
        raise SimulationInvalid(_describe(dangling))
    record_origin(con, "synthetic", "simulate")
    record_key(con, DEMO_KEY)  # its pseudonyms are made with the public demo key
    total = sum(written.values())
    record_import(
        con,
        kind="simulate",
        file_name=f"simulate seed={seed} scale={scale:g} until={until.isoformat()}",
        file_sha256=hashlib.sha256(
            f"{seed}|{scale!r}|{until.isoformat()}|{broken}".encode()
        ).hexdigest(),
        rows_read=total,
        stats=WriteStats(total, 0, 0),  # into an empty store every row is new
        rows_rejected=0,
    )


@contextmanager
def _named_failures(con, frames: dict[str, pd.DataFrame]) -> Iterator[None]:
    """A store error while writing ``frames`` becomes a SimulationInvalid naming the table,
    row, column and reason (pandera says where, once something has failed)."""
    import duckdb

    try:
        yield
    except (duckdb.Error, TypeError, ValueError, _Refused) as exc:
        failures = validate_frames(con, frames)
        if failures:
            raise SimulationInvalid(_describe(failures)) from exc
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SimulationInvalid(
            f"the simulated data failed the store's constraints: {first}"
        ) from exc


def _simulate_in_chunks(
    con, config: ProgrammeConfig, *, seed: int, scale: float, until: date, broken: bool
) -> SimulationSummary:
    """``simulate`` for a scale above ``CHUNK_SCALE``: chunk by chunk, in bounded memory."""
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
    written: dict[str, int] = {}
    counts: dict[str, int] = {}
    organisation: dict[str, int] = {}

    def write(frames: dict[str, pd.DataFrame]) -> None:
        with _named_failures(con, frames), transaction(con):
            _write(con, frames)
        for table, frame in frames.items():
            written[table] = written.get(table, 0) + len(frame)
        if "enrolments" in frames:
            for name, value in people_counts(frames, config).items():
                counts[name] = counts.get(name, 0) + value
        else:
            organisation.update(organisation_counts(frames))

    simulate_in_chunks(
        config, seed=seed, scale=scale, until=until, write=write, break_parallel_trends=broken
    )
    with transaction(con):
        _finish(con, written, seed=seed, scale=scale, until=until, broken=broken)
    order = [*TABLES_BEFORE_PEOPLE, *PEOPLE_TABLES, *TABLES_AFTER_PEOPLE]
    return SimulationSummary(
        seed=seed,
        scale=scale,
        until=until,
        rows={t: written[t] for t in order},
        **counts,
        **organisation,
    )


class _Refused(Exception):
    """A check the store's constraints cannot make (a key repeated across writes) failed."""


def _describe(failures: list[Failure]) -> str:
    shown = "; ".join(
        f"{f.table}[{f.index}].{f.column}={f.value!r}: {f.reason}" for f in failures[:8]
    )
    return f"the simulated data failed validation ({len(failures)} problems): {shown}"


def summarise(
    frames: dict[str, pd.DataFrame],
    config: ProgrammeConfig,
    *,
    seed: int,
    scale: float,
    until: date,
) -> SimulationSummary:
    """Headline counts with the conventions of docs/simulation.md."""
    return SimulationSummary(
        seed=seed,
        scale=scale,
        until=until,
        rows={t: len(f) for t, f in frames.items()},
        **people_counts(frames, config),
        **organisation_counts(frames),
    )


def people_counts(frames: dict[str, pd.DataFrame], config: ProgrammeConfig) -> dict[str, int]:
    """The summary's counts of people: they add up over chunks, which share nobody."""
    e = frames["enrolments"]
    p = frames["participants"]
    end = pd.Timestamp(config.period.end)
    counted_ids = set(e.loc[e["purpose"].isin(COUNTED_PURPOSES), "participant_id"])
    counted = p[p["participant_id"].isin(counted_ids)]
    side = p[~p["participant_id"].isin(counted_ids)]
    status = counted["employment_status"]

    def lift(kind: str, purpose: str) -> tuple[int, int, int]:
        x = e[(e["programme_kind"] == kind) & (e["purpose"] == purpose)]
        exit_on = pd.to_datetime(x["exit_on"])
        done = (x["exit_reason"] == "completed") & (exit_on <= end)
        return len(x), int(done.sum()), int(x["exit_on"].isna().sum())

    euv = lift("euv", "skilled_lift")
    au = lift("au", "academy_lift")
    return {
        "participants_total": len(counted),
        "participants_employed": int(status.isin(EMPLOYED).sum()),
        "participants_unemployed": int(status.isin(UNEMPLOYED).sum()),
        "rkvs": len(frames["rkv_results"]),
        "euv_started": euv[0],
        "euv_completed": euv[1],
        "euv_in_progress": euv[2],
        "au_started": au[0],
        "au_completed": au[1],
        "au_in_progress": au[2],
        "side_effect_people": len(side),
        "side_effect_unskilled": int(
            side["highest_education"].isin(("H10", "H15", "H20", "H29")).sum()
        ),
        "side_effect_skilled": int(side["highest_education"].isin(("H30", "H35")).sum()),
    }


def organisation_counts(frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    """The summary's counts of the organisation, contacts and networks."""
    consultants = frames["consultants"]
    contacts = frames["company_contacts"]
    return {
        "consultants_in_shared_concept": int(consultants["in_shared_concept"].astype(bool).sum()),
        "companies_contacted": int(contacts["cvr"].nunique()),
        "companies_contacted_by_project": int(
            contacts.loc[contacts["own_project"], "cvr"].nunique()
        ),
        "networks": len(frames["networks"]),
    }


def _has_data(path: Path) -> bool:
    if not path.exists():
        return False
    with connect(path, read_only=True) as con:
        return any(row_counts(con).values())


def simulate(
    db_path: Path | str,
    config: ProgrammeConfig | None = None,
    *,
    seed: int = 2025,
    scale: float = 1.0,
    until: date | str | None = None,
    break_parallel_trends: bool = False,
    replace: bool = False,
) -> SimulationSummary:
    """Write a complete simulated programme into the store at ``db_path``.

    Refuses a database that already holds data unless ``replace`` is true; the new database is
    built beside it and moved into place only when it is complete. ``until`` may be a date or
    a string (``"2026-09-30"``).
    """
    path = as_path(db_path, "db_path")
    if config is None:  # the project's configuration, as every command finds it
        from research.config import load_programme_config

        config = load_programme_config()
    scale = check_scale(scale)
    if until is not None:
        until = as_date(until, "until")
        check_until(until, config, follow_up=True)  # tests follow enrolments past the end
    if _has_data(path) and not replace:
        raise StoreError(
            f"database {path} already holds data; simulate into a new file or pass replace"
        )
    until = until or config.period.end
    tmp = path.with_name(path.name + ".simulating")
    for stale in (tmp, Path(str(tmp) + ".wal")):
        stale.unlink(missing_ok=True)
    try:
        with connect(tmp) as con:
            con.execute("SET enable_progress_bar = false")
            if chunk_count(scale) > 1:
                summary = _simulate_in_chunks(
                    con, config, seed=seed, scale=scale, until=until, broken=break_parallel_trends
                )
            else:
                frames = build_frames(
                    config,
                    seed=seed,
                    scale=scale,
                    until=until,
                    break_parallel_trends=break_parallel_trends,
                )
                _write_checked(
                    con, frames, seed=seed, scale=scale, until=until, broken=break_parallel_trends
                )
                summary = summarise(frames, config, seed=seed, scale=scale, until=until)
            con.execute("CHECKPOINT")
        os.replace(tmp, path)
        Path(str(path) + ".wal").unlink(missing_ok=True)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return summary
