"""Disclosure control over linked tables: the interval attack and joint secondary suppression.

Why: a reader holds everything a quarter publishes at once — the report's tables, the seminar
deck, the partner reports — and the figures are linked (totals and parts, funnel steps, the
same figure in two places). Protecting each table on its own (``metrics.disclosure``) misses
what those links give away, so statistical offices (τ-ARGUS, sdcTable) protect linked tables
jointly and audit the result with an *interval attack*. This module does the same, on any set
of cells and linear relations, with no knowledge of reports or files.

**The attacker.** A reader knows every published cell, every relation between cells (each a
linear equation with whole coefficients, e.g. ``total − part₁ − part₂ = 0``), that counts are
whole numbers ≥ 0, and — because zeros are always published — that a withheld cell holds at
least 1 person. Groups that are never shown but follow from the relations (the persons lost
between two funnel steps, the "rest" of a total) are *derived cells*: unknowns ≥ 0.

**The protection rule.** For every withheld or derived person cell the attacker's interval
``[low, high]`` (the smallest and largest value consistent with all of the above, found by
integer programming with HiGHS) must either be exactly ``{0}`` ("nobody", which Danish practice
publishes) or reach ``min_cell``: ``high ≥ min_cell``. So no published combination of figures
proves that a group holds 1 … ``min_cell``−1 persons. A cell of 5 or more that happens to be
worked out exactly is no disclosure by itself; the small groups it could reveal are derived
cells and are checked in their own right.

**Secondary suppression** (``protect``) starts from the cells that are sensitive themselves
(1 … ``min_cell``−1 persons) and whatever the tables already withheld, runs the attack, and for
each group the attack still pins down withholds one more published cell from a relation that
pins it (the smallest, so least is lost; ties by name, so the result is reproducible), until
the attack finds nothing. A group pinned again after that, or whose pinning relations have
nothing left, gets the cheapest set of cells from the protection subproblem (``_Releases``, a
linear programme per group and round): only cells that can widen its interval, several per
round, and a proof at once (``NoCellLeft``) where nothing can. Cells marked ``fixed`` are
never withheld, zeros only as a last resort.

**Speed.** A quarter is thousands of small programmes over a few rounds. Each linked group is
passed to HiGHS (the build SciPy ships) once and only the objective changes; the linear
relaxation is solved first, and its optimum, when whole (as for most totals and parts), is the
integer optimum, its duals the binding relations. Inside ``protect`` a group proved safe stays
safe (withholding only widens intervals), so it is not attacked again, and lower bounds are not
computed (``protect`` needs only what is pinned and by what). ``bench/audit_bench.py --solver``
prints the CPU seconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

_TOL = 1e-6
_SCREEN_FROM = 2  # linked groups with more targets than this are screened by one programme


@dataclass(frozen=True)
class Relation:
    """``Σ coefficient × cell = 0`` over named cells, with a name a reader can look up."""

    name: str
    terms: tuple[tuple[str, int], ...]

    def cells(self) -> list[str]:
        return [cell for cell, _ in self.terms]


@dataclass(frozen=True)
class Finding:
    """A withheld or derived person cell the published figures pin to 1 … min_cell−1."""

    cell: str
    low: float
    high: float
    relations: tuple[str, ...]
    # every relation of the cell's linked group: only their cells can widen its interval
    linked: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def interval(self) -> str:
        low = round(self.low)
        high = round(self.high)
        return f"{low}" if low == high else f"{low}–{high}"


class NoCellLeft(RuntimeError):
    """A group is pinned down and every figure that could protect it is already shown."""


class InconsistentPublication(ValueError):
    """The published figures break a declared relation (a bug in a report, or a bad edit)."""


def total_relation(name: str, total: str, parts: Sequence[str]) -> Relation:
    """``total = Σ parts`` as a relation."""
    return Relation(name, ((total, 1), *((part, -1) for part in parts)))


# --- the attack ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _System:
    unknowns: list[str]
    rows: list[tuple[str, dict[int, float], float]]  # relation name, {unknown: coeff}, rhs


def _reduce(relations: Iterable[Relation], known: Mapping[str, float]) -> _System:
    """Move the published cells to the right-hand side; what is left links the unknowns."""
    unknowns: list[str] = []
    position: dict[str, int] = {}
    rows = []
    for relation in relations:
        coeffs: dict[int, float] = {}
        rhs = 0.0
        for cell, coeff in relation.terms:
            value = known.get(cell)
            if value is not None:
                rhs -= coeff * float(value)
                continue
            k = position.get(cell)
            if k is None:
                k = position[cell] = len(unknowns)
                unknowns.append(cell)
            coeffs[k] = coeffs.get(k, 0.0) + coeff
        if not all(coeffs.values()):
            coeffs = {k: c for k, c in coeffs.items() if c}
        if not coeffs:
            if abs(rhs) > _TOL:
                raise InconsistentPublication(
                    f"the published figures break relation {relation.name}"
                )
            continue
        rows.append((relation.name, coeffs, rhs))
    return _System(unknowns, rows)


@dataclass(frozen=True)
class _Sparse:
    """A matrix by its non-zeros (the release programme spans a whole publication)."""

    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray
    shape: tuple[int, int]


class _Model:
    """An integer programme ``row_lower ≤ A x ≤ row_upper``, ``x ≥ lower``, all x whole, in
    HiGHS (the solver SciPy ships), passed once: each bound of the interval attack changes only
    the objective. Why not ``scipy.optimize.milp``: it rebuilds and re-passes the model on
    every call, which cost more than HiGHS's own solving on the report's thousands of small
    programmes. The optimum it returns is the same (a bound is a unique number)."""

    def __init__(
        self,
        a: np.ndarray | _Sparse,
        row_lower: np.ndarray,
        lower: np.ndarray,
        *,
        row_upper: np.ndarray | None = None,
        upper: np.ndarray | None = None,
        integer: bool = True,
    ) -> None:
        from scipy.optimize._highspy import _core as highs  # the HiGHS bound to SciPy

        self._highs = highs
        if isinstance(a, _Sparse):
            rows, cols = a.shape
            order = np.lexsort((a.rows, a.cols))  # column-wise: sorted by column, then row
            col_of, row_of, values = a.cols[order], a.rows[order], a.values[order]
        else:
            rows, cols = a.shape
            col_of, row_of = np.nonzero(a.T)  # column-wise: sorted by column, then row
            values = a.T[col_of, row_of]
        lp = highs.HighsLp()
        lp.num_col_ = cols
        lp.num_row_ = rows
        lp.col_cost_ = np.zeros(cols)
        lp.col_lower_ = np.asarray(lower, dtype=float)
        lp.col_upper_ = np.full(cols, np.inf) if upper is None else np.asarray(upper, float)
        lp.row_lower_ = np.asarray(row_lower, dtype=float)
        lp.row_upper_ = lp.row_lower_ if row_upper is None else np.asarray(row_upper, float)
        matrix = lp.a_matrix_
        matrix.num_col_ = cols
        matrix.num_row_ = rows
        matrix.format_ = highs.MatrixFormat.kColwise
        matrix.start_ = np.concatenate([[0], np.cumsum(np.bincount(col_of, minlength=cols))])
        matrix.index_ = row_of
        matrix.value_ = values
        self.solver = highs._Highs()
        self.solver.setOptionValue("output_flag", False)
        if integer:
            lp.integrality_ = [highs.HighsVarType.kInteger] * cols
        else:  # as scipy.optimize.linprog(method="highs") sets it, so the duals are its duals
            self.solver.setOptionValue("simplex_strategy", 1)  # dual simplex
        self.solver.passModel(lp)
        self._costed: list[int] = []

    def duals(self) -> np.ndarray:
        """The row duals of the last (linear, optimal) run."""
        return np.asarray(self.solver.getSolution().row_dual)

    def optimise(self, cost: Mapping[int, float] | int, sign: float = 1.0):
        """Maximise (``sign`` +1) or minimise (−1) ``Σ cost × x`` (an int: that one column);
        the status ("optimal", "infeasible", "unbounded" or HiGHS's own word) and x."""
        weights = {cost: 1.0} if isinstance(cost, int) else dict(cost)
        for col in self._costed:
            self.solver.changeColCost(col, 0.0)
        for col, weight in weights.items():
            self.solver.changeColCost(col, -sign * weight)
        self._costed = list(weights)
        self.solver.clearSolver()  # from scratch, as a new model: no basis from the last run
        self.solver.run()
        status = self.solver.getModelStatus()
        known = self._highs.HighsModelStatus
        if status == known.kOptimal:
            return "optimal", np.asarray(self.solver.getSolution().col_value)
        if status == known.kInfeasible:
            return "infeasible", None
        if status == known.kUnbounded:
            return "unbounded", None
        return self.solver.modelStatusToString(status), None


def _components(system: _System) -> list[tuple[list[int], list[int]]]:
    """Groups of unknowns linked by relations, each with the relations that link them."""
    parent = list(range(len(system.unknowns)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for _, coeffs, _ in system.rows:
        first, *rest = coeffs
        for other in rest:
            parent[find(other)] = find(first)
    members: dict[int, list[int]] = {}
    for k in range(len(system.unknowns)):
        members.setdefault(find(k), []).append(k)
    rows_of: dict[int, list[int]] = {}
    for r, (_, coeffs, _) in enumerate(system.rows):
        rows_of.setdefault(find(next(iter(coeffs))), []).append(r)
    return [(cells, rows_of.get(root, [])) for root, cells in members.items()]


class _Component:
    """One linked group of unknowns as an integer programme: A x = b, x ≥ lower, x whole."""

    def __init__(self, system: _System, cells: list[int], rows: list[int], lower: np.ndarray):
        self.cells = cells
        self.local = {k: i for i, k in enumerate(cells)}
        self.names = [system.rows[r][0] for r in rows]
        self.a = np.zeros((len(rows), len(cells)))
        self.b = np.zeros(len(rows))
        for i, r in enumerate(rows):
            _, coeffs, rhs = system.rows[r]
            for k, c in coeffs.items():
                self.a[i, self.local[k]] = c
            self.b[i] = rhs
        self.lower = lower[cells]
        self._rows_nz, self._cols_nz = np.nonzero(self.a)  # A x by its non-zeros: A is sparse
        self._values_nz = self.a[self._rows_nz, self._cols_nz]
        self.last_x: np.ndarray | None = None  # the last whole solution found, if any
        self._model: _Model | None = None
        self._relaxed: _Model | None = None  # the linear relaxation
        self._duals: dict[int, np.ndarray] = {}  # its duals at max x_k, kept for ``binding``

    def _solve(self, k: int, sign: float) -> float:
        """max (sign=+1) or min (sign=−1) of unknown ``k``; inf when unbounded.

        The linear relaxation first: when its optimum is a whole solution (as it mostly is for
        totals and parts), it is the integer optimum too, and its duals say what binds; only
        otherwise is the integer programme solved."""
        self.last_x = None
        status, x = self._relaxation().optimise(self.local[k], sign)
        if status == "optimal":
            whole = self._whole(x)
            if whole is not None:
                self.last_x = whole
                if sign > 0:
                    self._duals[k] = self._relaxed.duals()
                return float(whole[self.local[k]])
        elif status == "infeasible":
            raise InconsistentPublication("no table is consistent with the published figures")
        if self._model is None:  # built once, then only the objective changes
            self._model = _Model(self.a, self.b, self.lower)
        status, x = self._model.optimise(self.local[k], sign)
        if status == "unbounded":
            return math.inf
        if status == "infeasible":
            raise InconsistentPublication("no table is consistent with the published figures")
        if status != "optimal" or x is None:
            # HiGHS reports some unbounded integer programmes as "other"; the LP settles it
            from scipy.optimize import linprog  # ~0.5 s: when used

            c = np.zeros(len(self.cells))
            c[self.local[k]] = -sign
            lp = linprog(
                c,
                A_eq=self.a if len(self.b) else None,
                b_eq=self.b if len(self.b) else None,
                bounds=list(zip(self.lower, [None] * len(self.cells), strict=True)),
                method="highs",
            )
            if lp.status == 3:
                return math.inf
            raise RuntimeError(f"interval attack failed: HiGHS says {status}")
        self.last_x = x
        return float(np.round(x[self.local[k]], 6))

    def _relaxation(self) -> _Model:
        if self._relaxed is None:
            self._relaxed = _Model(self.a, self.b, self.lower, integer=False)
        return self._relaxed

    def _whole(self, x: np.ndarray) -> np.ndarray | None:
        """``x`` rounded, when that is a whole solution of the component, else None."""
        whole = np.round(x)
        if np.abs(x - whole).max(initial=0.0) > _TOL or (whole < self.lower - _TOL).any():
            return None
        if len(self.b) and not np.array_equal(self._times(whole), self.b):
            return None
        return whole

    def _times(self, x: np.ndarray) -> np.ndarray:
        """``A x`` from A's non-zeros (exact for whole numbers, as the dense product is)."""
        terms = self._values_nz * x[self._cols_nz]
        return np.bincount(self._rows_nz, weights=terms, minlength=len(self.b))

    def high(self, k: int) -> float:
        return self._solve(k, 1.0)

    def reaching(self, x: np.ndarray | None, min_cell: int) -> set[int]:
        """The unknowns (global indices) that ``x`` proves can hold ``min_cell`` or more: ``x``
        rounded must be a whole solution of the component (checked here, not trusted from the
        solver), so each of its cells at ``min_cell`` or more has ``high ≥ min_cell``."""
        if x is None:
            return set()
        whole = np.round(np.asarray(x, dtype=float)[: len(self.cells)])
        if (whole < self.lower - _TOL).any():
            return set()
        if len(self.b) and not np.allclose(self._times(whole), self.b, rtol=0.0, atol=_TOL):
            return set()
        return {self.cells[i] for i in np.flatnonzero(whole >= min_cell - _TOL)}

    def screen(self, targets: list[int], min_cell: int) -> set[int]:
        """Targets a single integer programme proves safe (``high ≥ min_cell``): maximise
        ``Σ min(x_t, min_cell)`` over the targets, so one solution lifts as many of them as
        the relations allow to ``min_cell``. Only a proof of safety: a target it leaves below
        ``min_cell`` is attacked on its own, exactly as before."""
        n, t = len(self.cells), len(targets)
        cap = np.zeros((t, n + t))  # y_t − x_t ≤ 0
        for row, k in enumerate(targets):
            cap[row, self.local[k]] = -1.0
            cap[row, n + row] = 1.0
        model = _Model(
            np.vstack([cap, np.hstack([self.a, np.zeros((len(self.b), t))])]),
            np.concatenate([np.full(t, -np.inf), self.b]),
            np.concatenate([self.lower, np.zeros(t)]),
            row_upper=np.concatenate([np.zeros(t), self.b]),
            upper=np.concatenate([np.full(n, np.inf), np.full(t, float(min_cell))]),
        )
        status, x = model.optimise({n + row: 1.0 for row in range(t)})  # maximise Σ y
        return self.reaching(x if status == "optimal" else None, min_cell)

    def low(self, k: int) -> float:
        return self._solve(k, -1.0)

    def binding(self, k: int) -> tuple[str, ...]:
        """The relations that hold the maximum down (non-zero duals of the LP relaxation)."""
        if not len(self.b):
            return ()
        duals = self._duals.get(k)
        if duals is None:  # not left by ``high``: the same linear programme, solved again
            status, _ = self._relaxation().optimise(self.local[k])
            if status != "optimal":
                return tuple(sorted(set(self.names)))
            duals = self._relaxation().duals()
        used = [self.names[i] for i in np.flatnonzero(np.abs(duals) > _TOL)]
        return tuple(dict.fromkeys(used)) or tuple(dict.fromkeys(self.names))


def attack(
    relations: Sequence[Relation],
    published: Mapping[str, float],
    targets: Iterable[str],
    min_cell: int,
    *,
    withheld_at_least_one: Iterable[str] = (),
    cache: dict | None = None,
    safe: set[str] | None = None,
    lows: bool = True,
) -> list[Finding]:
    """Every target (withheld or derived person cell) the published figures pin to 1…min_cell−1.

    ``published`` maps shown cells to their values; every other cell in ``relations`` is
    unknown, ≥ 0, or ≥ 1 when it is in ``withheld_at_least_one`` (a withheld table cell: zeros
    are always shown). A target in no relation cannot be worked out and is skipped.
    ``cache`` (a dict the caller keeps between calls) skips a linked group attacked before
    with the very same equations (unknowns, coefficients, right-hand sides), lower bounds and
    targets: its findings are a function of those alone, so they hold whatever else changed
    (a later section's tables, another round's picks elsewhere). ``safe`` (a set
    kept by the caller while the published figures only ever lose cells, as in ``protect``)
    holds the targets already proved to reach ``min_cell``: withholding a figure only widens
    what a reader must consider possible, so a target once safe stays safe and is not
    attacked again; the attack adds to it. ``lows=False`` leaves each finding's lower bound
    unproved (``nan``): ``protect`` needs only which cells are pinned and by what.
    """
    system = _reduce(relations, published)
    at_least_one = set(withheld_at_least_one)
    lower = np.array([1.0 if u in at_least_one else 0.0 for u in system.unknowns])
    wanted = set(targets)
    index = {u: k for k, u in enumerate(system.unknowns)}
    findings = []
    for cells, rows in _components(system):
        chosen = sorted(system.unknowns[k] for k in cells if system.unknowns[k] in wanted)
        if not chosen or not rows:
            continue
        key = (
            min_cell,
            lows,
            tuple(
                (name, tuple((system.unknowns[k], c) for k, c in coeffs.items()), rhs)
                for name, coeffs, rhs in (system.rows[r] for r in rows)
            ),
            frozenset(system.unknowns[k] for k in cells if lower[k] > 0),
            tuple(chosen),
        )
        if cache is not None and key in cache:
            findings.extend(cache[key])
            continue
        component = _Component(system, cells, rows, lower)
        # Each whole solution found proves every target it lifts to min_cell safe, so most
        # targets of a large linked group need no programme of their own (same findings).
        proved = {index[name] for name in chosen if safe is not None and name in safe}
        open_targets = [index[name] for name in chosen if index[name] not in proved]
        if len(open_targets) > _SCREEN_FROM:
            proved |= component.screen(open_targets, min_cell)
        found = []
        linked = tuple(dict.fromkeys(component.names))
        for name in chosen:
            k = index[name]
            if k in proved:
                continue
            high = component.high(k)
            proved |= component.reaching(component.last_x, min_cell)
            if high < 0.5 or high >= min_cell - _TOL:
                continue
            low = component.low(k) if lows else math.nan
            found.append(Finding(name, low, high, component.binding(k), linked))
        if safe is not None:
            safe |= {system.unknowns[k] for k in proved}
        if cache is not None:
            cache[key] = found
        findings.extend(found)
    return findings


# --- joint secondary suppression ----------------------------------------------------------------


@dataclass(frozen=True)
class Protection:
    """The cells to withhold, and how many were added to what the tables withheld already."""

    withheld: frozenset[str]
    added: tuple[str, ...]
    zeros_withheld_in: frozenset[str] = frozenset()  # groups that now withhold a zero


def protect(
    values: Mapping[str, int],
    relations: Sequence[Relation],
    persons: Iterable[str],
    min_cell: int,
    *,
    withheld: Iterable[str] = (),
    fixed: Iterable[str] = (),
    may_be_zero: Iterable[str] = (),
    groups: Mapping[str, str] | None = None,
    max_rounds: int = 10_000,
    cache: dict | None = None,
) -> Protection:
    """Withhold the fewest, smallest cells so that ``attack`` finds nothing.

    ``values``: the true count of every cell that would be shown (derived cells are not in it:
    they are never shown). ``persons``: the cells that count persons (only they are protected;
    any non-zero cell may be withheld to protect them). ``withheld``: cells already withheld.
    ``fixed``: cells that must stay shown (e.g. a figure already published). ``may_be_zero``:
    cells a table withholds even at 0 (a reader cannot assume them ≥ 1 when withheld).

    A finding first takes the smallest shown non-zero cell of the relations that pin it. One
    pinned again after that (another path pins it), or whose pinning relations have nothing
    left, takes the cheapest set of cells the protection subproblem (``_Releases``) finds over
    the relations: only cells that can widen its interval, never one elsewhere in the
    publication; cells already withheld that round are free, so findings share them.

    Zeros are withheld only as a last resort, when no set of shown non-zero cells can protect a
    group (tiny totals already published elsewhere): then a zero's whole group (``groups``:
    cell → table) is marked as withholding zeros, so a reader may no longer assume its withheld
    cells hold at least 1 — and ``zeros_withheld_in`` says which groups must say so. Each
    finding that needs a zero takes one in the same round. ``NoCellLeft`` as soon as even
    that cannot protect a group; ``max_rounds`` bounds the rounds of attack. ``cache``: see
    ``attack``.
    """
    person_cells = set(persons)
    fixed_cells = set(fixed)
    zero_ok = set(may_be_zero)
    hidden = set(withheld) | {
        c for c, v in values.items() if c in person_cells and 0 < int(v) < min_cell
    }
    blocked = hidden & fixed_cells
    if blocked:
        raise ValueError(f"fixed cells are sensitive: {sorted(blocked)}")
    all_cells = {cell for relation in relations for cell in relation.cells()} | set(values)
    group_of = dict(groups or {})
    zero_groups: set[str] = set()
    members: dict[str, set[str]] | None = None  # each group's cells, when a zero is withheld
    candidates = _Candidates(relations, values, fixed_cells)
    added: list[str] = []
    # linked groups already attacked, by their equations: ``cache`` lets a caller that
    # protects a growing publication (one section after another) keep it across calls
    cache = {} if cache is None else cache
    safe: set[str] = set()  # groups proved to reach min_cell: withholding more keeps them so
    tried: set[str] = set()  # findings a figure was withheld for in an earlier round
    # the relations with an unknown cell: the others, checked in the first round, are left
    # out of later rounds' attacks until a pick opens one (the linked groups are the same)
    open_relations: list[Relation] | None = None
    relations_of: dict[str, set[int]] = {}
    for i, relation in enumerate(relations):
        for cell in relation.cells():
            relations_of.setdefault(cell, set()).add(i)
    for _ in range(max_rounds):
        shown = {c: float(v) for c, v in values.items() if c not in hidden}
        targets = {c for c in all_cells if c in person_cells and c not in shown}
        if open_relations is None:
            open_rows = {
                i for i, r in enumerate(relations) if any(c not in shown for c in r.cells())
            }
        findings = attack(
            relations if open_relations is None else open_relations,
            shown,
            targets,
            min_cell,
            withheld_at_least_one=hidden - zero_ok,
            cache=cache,
            safe=safe,
            lows=False,
        )
        if not findings:
            return Protection(frozenset(hidden), tuple(added), frozenset(zero_groups))
        picked: set[str] = set()
        needs_set: list[Finding] = []
        for finding in findings:
            if finding.cell in tried:
                needs_set.append(finding)  # a figure was withheld for it and it is pinned again
                continue
            pick = candidates.complement(finding, hidden | picked)
            if pick is None:
                needs_set.append(finding)  # its binding relations have no figure left
                continue
            touched = any(c in picked for n in finding.relations for c in candidates.cells_of[n])
            if touched and len(findings) > 1:
                continue  # this round already opened one of its relations; attack again first
            picked.add(pick)
            tried.add(finding.cell)
        releases: dict[bool, _Releases] = {}  # built once a round, when a finding needs it
        for finding in needs_set:
            if False not in releases:
                releases[False] = _Releases(
                    relations, values, shown, fixed_cells, hidden - zero_ok, zero_ok, min_cell
                )
            chosen = releases[False].cheapest(finding.cell, picked)
            if chosen and set(chosen) <= picked:
                continue  # what this round withholds already lets it reach min_cell
            if chosen == []:  # the relations let it reach min_cell, whole numbers do not
                chosen = candidates.open(finding.linked, hidden | picked)
                chosen = [min(chosen, key=lambda c: (candidates.values[c], c))] if chosen else None
            if chosen is None:
                # the last resort: a table withholds a zero, so a reader may no longer assume
                # its withheld figures hold 1 or more; where even that cannot, nothing can
                if True not in releases:
                    if members is None:
                        members = {}
                        for c in all_cells:
                            members.setdefault(group_of.get(c, c), set()).add(c)
                    zeros_left = {
                        group: sorted(c for c in cells if candidates.is_open_zero(c, hidden))
                        for group, cells in members.items()
                        if not cells <= zero_ok
                    }
                    releases[True] = _Releases(
                        relations,
                        values,
                        shown,
                        fixed_cells,
                        hidden - zero_ok,
                        zero_ok,
                        min_cell,
                        zero_groups={g: z for g, z in zeros_left.items() if z},
                        group_of=group_of,
                    )
                chosen = releases[True].cheapest(finding.cell, picked)
                if chosen is None:
                    raise NoCellLeft(f"no cell left to withhold that protects {finding.cell}")
                chosen = [c for c in chosen if c not in picked]
                for zero_of in [c for c in chosen if c.startswith("zero:")]:
                    group = zero_of.removeprefix("zero:")
                    chosen.remove(zero_of)
                    zero = releases[True].zeros_of[group][0]
                    if zero not in picked:
                        chosen.append(zero)
                        zero_groups.add(group)
                        zero_ok |= members.get(group, set())
            if chosen:
                picked |= set(chosen)
                tried.add(finding.cell)
        hidden |= picked
        added.extend(sorted(picked))
        open_rows |= {i for cell in picked for i in relations_of.get(cell, ())}
        open_relations = [relations[i] for i in sorted(open_rows)]
    raise RuntimeError("secondary suppression did not converge")


class _Candidates:
    """The figures ``protect`` may withhold, looked up by relation (built once per call: the
    rounds ask thousands of times)."""

    def __init__(self, relations: Sequence[Relation], values: Mapping[str, int], fixed: set[str]):
        by_relation = {relation.name: relation for relation in relations}
        self.cells_of = {name: tuple(dict.fromkeys(r.cells())) for name, r in by_relation.items()}
        self.values = {c: int(v) for c, v in values.items()}
        self.fixed = fixed

    def open(self, names: Iterable[str], hidden: set[str], *, zeros: bool = False) -> list[str]:
        """The shown cells of relations ``names`` that may still be withheld: non-zero (zero,
        with ``zeros``), not fixed."""
        cells = {c for n in names for c in self.cells_of[n]}
        return [
            c
            for c in cells
            if c in self.values
            and c not in hidden
            and c not in self.fixed
            and (self.values[c] == 0 if zeros else self.values[c] > 0)
        ]

    def is_open_zero(self, cell: str, hidden: set[str]) -> bool:
        """A zero still shown that may be withheld (the last resort)."""
        return self.values.get(cell) == 0 and cell not in hidden and cell not in self.fixed

    def complement(self, finding: Finding, hidden: set[str], *, zeros: bool = False) -> str | None:
        """The smallest shown non-zero cell (a zero, with ``zeros``) of the relations that pin
        ``finding`` down; None when they have none (a figure elsewhere may not widen it)."""
        candidates = self.open(finding.relations, hidden, zeros=zeros)
        if candidates:
            return min(candidates, key=lambda c: (self.values[c], c))
        return None


_ZERO_PRICE = 1e4  # for a table to withhold a zero: only where no other figure can do it


class _Releases:
    """Which shown figures to withhold so that a pinned group can reach ``min_cell``.

    The protection subproblem of Fischetti & Salazar-González (2000), as τ-ARGUS's optimal
    method solves it for each sensitive cell, in its linear relaxation: every shown figure
    that may still be withheld (non-zero, not fixed) may move from its value by ``p − m`` at
    a price per person moved, every unknown stays ≥ its lower bound, every relation holds,
    and the pinned group must reach ``min_cell``. The figures that move in the cheapest
    solution are a set whose withholding lets the group reach ``min_cell`` (in the linear
    relaxation; the next attack checks whole numbers). Unlike a cell picked from one binding
    relation, the set answers every path the attacker has at once, and holds only figures that
    can widen the group's interval. The price is 1 per figure and person, plus a little for a
    larger figure, so the fewest and then the smallest figures are withheld; figures already
    withheld in the same round are free, so several findings share what they can.

    With ``zeros`` (the last resort) a table may also withhold a zero: at a price far above
    any figure's, a table ``g`` with a zero left to withhold gets a share ``r_g`` ∈ [0, 1] and
    its withheld figures need only be ``≥ 1 − r_g`` (a reader may no longer assume them ≥ 1);
    a table whose share is used withholds one of its zeros. Where even this programme has no
    solution, nothing can protect the group.

    Built per round (what is shown changes) over the linked groups that withholding can join:
    relations linked through unknowns *and* through the figures that may be withheld."""

    def __init__(
        self,
        relations: Sequence[Relation],
        values: Mapping[str, int],
        shown: Mapping[str, float],
        fixed: set[str],
        at_least_one: set[str],
        may_be_zero: set[str],
        min_cell: int,
        *,
        zero_groups: Mapping[str, list[str]] | None = None,
        group_of: Mapping[str, str] | None = None,
    ) -> None:
        """``at_least_one``: unknowns a reader knows hold 1 or more (withheld where zeros are
        shown); ``may_be_zero``: figures that, once withheld, may be 0 to a reader.
        ``zero_groups``: per table, the zeros it could still withhold (the last resort);
        ``group_of``: each cell's table."""
        self.min_cell = min_cell
        self.column: dict[str, int] = {}  # unknown cell → its column
        self.moves: dict[str, tuple[int, int]] = {}  # releasable cell → (p column, m column)
        self.shares: dict[str, int] = {}  # table → the column of its share r_g
        self.zeros_of = dict(zero_groups or {})
        group_of = group_of or {}
        col_lower: list[float] = []
        col_upper: list[float] = []
        price: list[float] = []
        largest = max((abs(int(v)) for v in values.values()), default=0) + 1

        def new_column(low: float, high: float, cost: float) -> int:
            col_lower.append(low)
            col_upper.append(high)
            price.append(cost)
            return len(col_lower) - 1

        triplets: list[tuple[int, int, float]] = []
        rhs: list[float] = []
        upper: list[float] = []
        rows_cells: list[list[str]] = []
        for relation in relations:
            constant = 0.0
            used: list[str] = []
            entries: list[tuple[int, float]] = []
            for cell, coeff in relation.terms:
                if cell not in shown:
                    k = self.column.get(cell)
                    if k is None:
                        k = self.column[cell] = new_column(0.0, np.inf, 0.0)
                    entries.append((k, coeff))
                    used.append(cell)
                    continue
                constant -= coeff * float(shown[cell])
                count = int(values.get(cell, 0))
                if cell in fixed or cell not in values or count <= 0:
                    continue
                move = self.moves.get(cell)
                if move is None:
                    cost = 1.0 + count / largest
                    down = count - (0.0 if cell in may_be_zero else 1.0)
                    move = self.moves[cell] = (
                        new_column(0.0, np.inf, cost),
                        new_column(0.0, max(down, 0.0), cost),
                    )
                entries += [(move[0], coeff), (move[1], -coeff)]
                used.append(cell)
            if not entries:
                continue
            triplets += [(len(rhs), k, float(c)) for k, c in entries]
            rhs.append(constant)
            upper.append(constant)
            rows_cells.append(used)
        for cell, k in self.column.items():  # x ≥ 1, or x + r_g ≥ 1 where g may withhold 0
            if cell not in at_least_one:
                continue
            group = group_of.get(cell, cell)
            if group not in self.zeros_of:
                col_lower[k] = 1.0
                continue
            share = self.shares.get(group)
            if share is None:
                share = self.shares[group] = new_column(0.0, 1.0, _ZERO_PRICE)
            triplets += [(len(rhs), k, 1.0), (len(rhs), share, 1.0)]
            rhs.append(1.0)
            upper.append(np.inf)
            rows_cells.append([cell, f"table {group}"])
        self.rhs, self.upper = np.asarray(rhs), np.asarray(upper)
        self.col_lower = np.asarray(col_lower)
        self.col_upper = np.asarray(col_upper)
        self.price = np.asarray(price)
        self._triplets = triplets
        self._group_of = self._groups(rows_cells)
        self._models: dict[str, tuple[_Model, np.ndarray]] = {}

    def _groups(self, rows_cells: list[list[str]]) -> dict[str, str]:
        """Each cell's group: relations linked through unknowns and releasable figures."""
        parent: dict[str, str] = {}

        def find(a: str) -> str:
            parent.setdefault(a, a)
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for cells in rows_cells:
            first, *rest = cells
            for other in rest:
                parent[find(other)] = find(first)
        self._rows_of_group: dict[str, list[int]] = {}
        for row, cells in enumerate(rows_cells):
            self._rows_of_group.setdefault(find(cells[0]), []).append(row)
        return {cell: find(cell) for cells in rows_cells for cell in cells}

    def _model(self, group: str) -> tuple[_Model, np.ndarray]:
        """The group's programme and its columns (global numbers), built once a round."""
        kept = self._models.get(group)
        if kept is not None:
            return kept
        rows = self._rows_of_group[group]
        local_row = {r: i for i, r in enumerate(rows)}
        entries = [t for t in self._triplets if t[0] in local_row]
        cols = np.unique(np.asarray([k for _, k, _ in entries], dtype=int))
        local_col = {int(k): i for i, k in enumerate(cols)}
        matrix = _Sparse(
            np.asarray([local_row[r] for r, _, _ in entries]),
            np.asarray([local_col[k] for _, k, _ in entries]),
            np.asarray([c for _, _, c in entries]),
            (len(rows), len(cols)),
        )
        model = _Model(
            matrix,
            self.rhs[rows],
            self.col_lower[cols],
            row_upper=self.upper[rows],
            upper=self.col_upper[cols],
            integer=False,
        )
        kept = self._models[group] = (model, cols)
        return kept

    def cheapest(self, cell: str, free: set[str]) -> list[str] | None:
        """The figures to withhold so that ``cell`` can reach ``min_cell`` (``free``: figures
        withheld already this round, at no price, named too when they are used), zeros as
        ``zero:<table>``: [] when nothing needs to move (whole numbers pin it, not the
        relations), None when nothing can."""
        group = self._group_of.get(cell)
        k = self.column.get(cell)
        if group is None or k is None:
            return None
        model, cols = self._model(group)
        local = {int(c): i for i, c in enumerate(cols)}
        price = self.price[cols].copy()
        for name in free:
            move = self.moves.get(name)
            if move is not None and move[0] in local:
                price[local[move[0]]] = price[local[move[1]]] = 0.0
        solver = model.solver
        solver.changeColsCost(len(cols), np.arange(len(cols), dtype=np.int32), price)
        column = local[k]
        solver.changeColBounds(column, float(self.min_cell), np.inf)
        try:
            solver.run()
            if solver.getModelStatus() != model._highs.HighsModelStatus.kOptimal:
                return None
            x = np.asarray(solver.getSolution().col_value)
        finally:
            solver.changeColBounds(column, float(self.col_lower[k]), np.inf)
        moved = [
            name
            for name, (p, m) in self.moves.items()
            if p in local and x[local[p]] + x[local[m]] > _TOL
        ]
        zeros = [
            f"zero:{table}"
            for table, share in self.shares.items()
            if share in local and x[local[share]] > _TOL
        ]
        return sorted(moved) + zeros
