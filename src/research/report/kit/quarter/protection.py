"""The quarter as one publication: the programme's report and every partner's, protected together.

Why: a reader who holds the programme's report and the partners' reports can subtract — the
programme's figure minus the other partners' figures is this partner's figure — so cells one
report withholds must be withheld consistently across all of them, whichever partner reports
are actually made. Every report run therefore builds the tables of sections 1–4 for the
programme *and for every partner* (without drawing anything), links each programme cell to the
sum of the partners' cells where that sum holds exactly in the data (each participant belongs
to one partner), protects the lot jointly, and then withholds in its own tables what this
quarter-wide solution withholds. The result depends only on the data, the quarter and the
rule, so every report of the quarter agrees. The programme's ``publication.json`` records the
partner sums, so ``research audit reports/<quarter>`` checks them across the sub-folders.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from research.metrics.linked_disclosure import InconsistentPublication, NoCellLeft
from research.report.kit.context import ReportContext
from research.report.kit.earlier import EarlierQuarter, earlier_quarter, fingerprint
from research.report.kit.links import Link, Ref
from research.report.kit.publication import Publication, row_keys
from research.report.kit.publish import PublishedTable

ADDITIVE: dict[str, tuple[str, ...]] = {
    "composition": ("n",),
    "esf_2014": ("female", "male", "total", "n_reference"),
    "esf_plus": ("female", "male", "total", "n_reference"),
}
"""Tables whose person cells add up over partners when each participant has one partner."""
TABLES = "tables"


def _sections() -> list[Callable]:
    from research.report.kit.quarter.composition import composition_section
    from research.report.kit.quarter.funnels import funnels
    from research.report.kit.quarter.targets import progress_over_time, progress_summary

    return [progress_summary, progress_over_time, funnels, composition_section]


def _folder(partner: str | None) -> str:
    """A table's name in the quarter-wide publication, as the programme's report refers to it."""
    return "" if partner is None else f"../{partner}/{TABLES}/"


def _renamed(table: PublishedTable, prefix: str) -> PublishedTable:
    if not prefix:
        return table

    def ref(r: Ref) -> Ref:
        return Ref(prefix + r.table, r.row, r.column) if not r.table.startswith("../") else r

    def renamed(links: tuple[Link, ...]) -> tuple[Link, ...]:
        return tuple(
            Link(
                prefix + link.name,
                ref(link.total),
                tuple(ref(p) for p in link.parts),
                prefix + link.rest if link.rest else None,
            )
            for link in links
        )

    # the checks too (the job centres' sum): left unnamed, a partner's check linked the
    # programme's cells, and its own job centres went unprotected across partners
    return replace(
        table, name=prefix + table.name, links=renamed(table.links), checks=renamed(table.checks)
    )


def _scope_tables(ctx: ReportContext, partner: str | None) -> list[list[PublishedTable]]:
    """Sections 1-4 of one scope as tables (protected table by table), one list per section."""
    from research.metrics.common import SharedTables
    from research.metrics.partner import filter_to_partner

    everything = ctx.programme_tables or ctx.tables
    # shared: the sections' metrics derive the same frames (every quarter's stocks) once
    tables = SharedTables(filter_to_partner(everything, partner) if partner else everything)
    scoped = replace(ctx, tables=tables, partner=partner, publication=None, tables_dir=None)
    return [build(scoped).tables() for build in _sections()]


_FORKED: ReportContext | None = None  # the context a forked worker inherits (never pickled)


def _forked_scope(scope: str | None) -> list[list[PublishedTable]]:
    assert _FORKED is not None
    return _scope_tables(_FORKED, scope)


def _built_scopes(
    ctx: ReportContext, scopes: list[str | None]
) -> dict[str | None, list[list[PublishedTable]]]:
    """Every scope's tables. The scopes are independent pure functions of the data, so on
    several cores they are built side by side in forked workers, which inherit the loaded
    tables instead of receiving a copy; only the small finished tables travel back. Serial
    where forking is unsafe or pointless: one core, no ``fork``, or other threads running
    (a forked child would inherit their locks)."""
    global _FORKED
    workers = min(len(scopes), os.cpu_count() or 1)
    if (
        workers < 2
        or "fork" not in multiprocessing.get_all_start_methods()
        or threading.active_count() > 1
    ):
        return {scope: _scope_tables(ctx, scope) for scope in scopes}
    from concurrent.futures import ProcessPoolExecutor

    _FORKED = ctx
    try:
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=fork) as pool:
            return dict(zip(scopes, pool.map(_forked_scope, scopes), strict=True))
    finally:
        _FORKED = None


def partner_sums(
    programme: dict[str, PublishedTable], partners: dict[str, dict[str, PublishedTable]]
) -> list[Link]:
    """Programme cell = Σ partner cells, for every additive cell where that holds exactly."""
    from research.report.kit.publication import table_cells

    links = []
    for name, columns in ADDITIVE.items():
        if name not in programme:
            continue
        own = table_cells(programme[name], columns)
        theirs = {p: table_cells(t[name], columns) for p, t in partners.items() if name in t}
        if not theirs:
            continue
        for cid, cell in own.items():
            if cell.value is None or cell.ref.column not in columns:
                continue
            parts = {p: cells.get(cid) for p, cells in theirs.items()}
            if any(c is None or c.value is None for c in parts.values()):
                continue
            if abs(sum(c.value for c in parts.values()) - cell.value) > 1e-9:
                continue  # someone counted by two partners: the sum does not hold
            links.append(
                Link(
                    f"{name} {cell.ref.row} {cell.ref.column}: programme = sum of partners",
                    cell.ref,
                    tuple(
                        Ref(_folder(p) + name, cell.ref.row, cell.ref.column) for p in sorted(parts)
                    ),
                )
            )
    return links


def quarter_solution(ctx: ReportContext) -> dict[str, Any]:
    """The quarter-wide protection: per scope folder the withheld cells and the tables that
    withhold zeros, and the partner sums (computed once per data, quarter, rule and code, and
    kept in a cache file so the partner reports of a batch do not redo it). Processes that ask
    at the same time (the runner and the notebooks' kernels, the partner reports of a batch)
    take turns on a lock beside the cache file: one solves, the others read what it kept."""
    path = _cache_path(ctx)
    with _taking_turns(path):
        return _cached_solution(ctx, path)


@contextmanager
def _taking_turns(path: Path | None) -> Iterator[None]:
    """An exclusive lock on ``<cache file>.lock`` (none without a cache file or ``fcntl``)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock; each process may solve, all write the same file
        fcntl = None
    if path is None or fcntl is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _cached_solution(ctx: ReportContext, path: Path | None) -> dict[str, Any]:
    if path is not None and path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    scopes: list[str | None] = [None, *(p.partner_id for p in ctx.config.partners)]
    built = _built_scopes(ctx, scopes)
    programme = {t.name: t for section in built[None] for t in section}
    partners = {
        scope: {t.name: t for section in built[scope] for t in section}
        for scope in scopes
        if scope is not None
    }
    sums = partner_sums(programme, partners)
    earlier = earlier_quarter(ctx.earlier_dir)  # what last quarter published, every scope
    sections = [
        [_renamed(t, _folder(scope)) for scope in scopes for t in built[scope][index]]
        for index in range(len(_sections()))
    ]
    try:
        joint = _solve(ctx, sums, earlier, sections)
    except InconsistentPublication:
        # last quarter's published figures cannot hold with this quarter's true ones (the
        # data were corrected): a reader cannot link them either, so solve without them
        joint = _solve(ctx, sums, None, sections)
    solution: dict[str, Any] = {
        "scopes": {},
        "sums": [
            {
                "name": link.name,
                "total": dataclasses.asdict(link.total),
                "parts": [dataclasses.asdict(p) for p in link.parts],
            }
            for link in sums
        ],
    }
    for scope in scopes:
        own = _folder(scope)
        preset, zeros = [], []
        for name, table in joint.tables.items():
            if (own and not name.startswith(own)) or (not own and name.startswith("../")):
                continue
            local = name[len(own) :]
            mask = table._mask()
            for column in mask.columns:
                keys = zip(row_keys(table), mask[column].to_numpy(bool), strict=True)
                preset += [Ref(local, key, column).id for key, hidden in keys if hidden]
            if table.withholds_zeros:
                zeros.append(local)
        solution["scopes"][scope or ""] = {"preset": sorted(preset), "zero_tables": zeros}
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(solution), encoding="utf-8")
        os.replace(temporary, path)
    return solution


def _solve(
    ctx: ReportContext,
    sums: list[Link],
    earlier: EarlierQuarter | None,
    sections: list[list[PublishedTable]],
) -> Publication:
    try:  # section by section, every scope at once, as the report shows them
        return _solved(ctx, sums, earlier, sections)
    except NoCellLeft:
        # an early section's figures leave nothing to withhold for a later one (tiny early
        # quarters): nothing is published yet, so solve the four sections as one instead
        return _solved(ctx, sums, earlier, [[t for section in sections for t in section]])


def _solved(
    ctx: ReportContext,
    sums: list[Link],
    earlier: EarlierQuarter | None,
    batches: list[list[PublishedTable]],
) -> Publication:
    joint = Publication(ctx.rule.min_cell)
    joint.extra_links = sums
    joint.earlier = earlier
    for batch in batches:
        joint.admit(batch)
    return joint


def _cache_path(ctx: ReportContext) -> Path | None:
    """A file named by everything the solution depends on: data, quarter, rule, config, code."""
    if ctx.db_path is None or not Path(ctx.db_path).exists():
        return None
    from research.store.content_hash import database_hash

    digest = hashlib.sha256()
    for part in (database_hash(Path(ctx.db_path)), str(ctx.quarter), str(ctx.rule.min_cell)):
        digest.update(part.encode())
    digest.update(repr(ctx.config).encode())
    if ctx.earlier_dir is not None:
        digest.update(fingerprint(ctx.earlier_dir).encode())
    package = Path(__file__).resolve().parents[3]  # src/research: the whole package
    for source in sorted(package.rglob("*.py")):
        digest.update(source.read_bytes())
    return Path(tempfile.gettempdir()) / CACHE_FOLDER / f"{digest.hexdigest()[:32]}.json"


CACHE_FOLDER = "research-quarter-protection"


def protect_quarter(ctx: ReportContext) -> None:
    """Preset ``ctx.publication`` with what this report must withhold so that the programme
    and every partner report of the quarter are protected together (and, for the programme's
    report, record the partner sums for the audit)."""
    publication = ctx.publication
    if publication is None or publication.quarter_protected:
        return
    solution = quarter_solution(ctx)
    mine = solution["scopes"].get(ctx.partner or "", {"preset": [], "zero_tables": []})
    publication.preset |= set(mine["preset"])
    publication.zero_tables |= set(mine["zero_tables"])
    if ctx.partner is None:
        publication.extra_links = [
            Link(
                link["name"],
                Ref(**link["total"]),
                tuple(Ref(**p) for p in link["parts"]),
            )
            for link in solution["sums"]
        ]
    publication.quarter_protected = True
