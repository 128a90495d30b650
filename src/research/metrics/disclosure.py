"""Disclosure control: the one step every published table of person counts passes through.

Danish practice (DST researcher rules, UVM/UFM data; domain-facts.md §6): no published figure may
describe fewer than ``min_cell`` persons (default 5, never below ``MIN_CELL_FLOOR`` = 3), and
totals must not let a reader work a hidden cell back out. Keeping the whole policy here means a
report cannot forget a step.

The contract, in one place:

* **Sensitive cells** (primary suppression) hold 1 … ``min_cell``-1 persons. A true 0 reveals
  nobody and is published, as is common Danish practice; ``suppress_zeros=True`` treats zeros
  as sensitive too (use it when "nobody in this group" would itself be a disclosure).
  Margins (row, column and grand totals) are cells like any other: a small total is sensitive.
* **Margins are assumed public.** Protection always assumes every total that is not itself
  suppressed can be known, because totals are usually printed somewhere else in the same
  report. ``margins=False`` only leaves them out of the returned frames.
* **Attacker model.** A reader knows the published cells and totals, that counts are whole
  numbers ≥ 0 and, when zeros are published, that a hidden cell is ≥ 1. From this the feasible
  range of each hidden cell is found by linear programming (``audit``); the tables here are
  network tables, so the range's end points are whole numbers.
* **Protection criterion.** A hidden cell's value must not be determined (its range has
  more than one value), and for a *sensitive* cell the range must reach ``min_cell``: the
  published figures may not prove that the group is small. The second half is what stops the
  known trap of the "two per row and column" rule: two hidden cells 1 and 2 in a line with a
  published total reveal that together they hold 3 persons, a derived cell below the threshold.
* **Secondary suppression** first gives every line (row, column, the totals) 0 or ≥ 2 hidden
  cells, then audits and hides more until the criterion holds, choosing the smallest cell
  (least information lost; ties by position, so results are reproducible). Zeros are never
  hidden when zeros are published. Finally, complementary cells that turn out to be needless
  are published again, largest first.
* **Marker.** Hidden cells show a neutral marker (``..``), the same for primary and
  secondary cells. A marker such as "<5" would be false for complementary cells of 5 or more,
  and a reader who believed it could narrow the ranges the audit assumes; pass ``marker=``
  only with that in mind.

* **Derived figures.** A share and its denominator reveal the numerator and the rest, so
  ``suppress_rates`` protects the groups × {numerator, rest} table; means and other statistics
  of fewer than ``min_cell`` persons are withheld (``suppress_tidy``).

Not covered: a reader who knows the algorithm, insiders who know their own cell, several
tables cut from the same data (protect linked tables as one table, or check them jointly),
tables of three or more dimensions, and the DST rule that a minimum, maximum or percentile
needs ``min_cell`` persons sharing that value.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from research.config import MIN_CELL_FLOOR
from research.errors import ConfigError

if TYPE_CHECKING:
    from research.config import ProgrammeConfig

TOTAL_LABEL = "I alt"
MARKER = ".."
_INF = math.inf


@dataclass(frozen=True)
class DisclosureRule:
    """The threshold rule; validated here so a bad setting fails before anything is published."""

    min_cell: int = 5
    suppress_zeros: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.min_cell, bool) or not isinstance(self.min_cell, int | np.integer):
            raise ConfigError(f"disclosure.min_cell must be a whole number, got {self.min_cell!r}")
        if self.min_cell < MIN_CELL_FLOOR:
            raise ConfigError(
                f"disclosure.min_cell must be at least {MIN_CELL_FLOOR} (Danish practice never "
                f"publishes cells below {MIN_CELL_FLOOR} persons), got {self.min_cell}"
            )

    @classmethod
    def from_config(cls, config: ProgrammeConfig) -> DisclosureRule:
        """The rule the project configured (``[disclosure] min_cell``)."""
        return cls(min_cell=int(config.min_cell))

    def is_sensitive(self, count: int) -> bool:
        """True for a count that may not be published as it stands."""
        return 0 < count < self.min_cell or (count == 0 and self.suppress_zeros)

    def sensitive(self, counts: np.ndarray) -> np.ndarray:
        """Vectorised ``is_sensitive``."""
        counts = np.asarray(counts)
        small = (counts > 0) & (counts < self.min_cell)
        return small | (counts == 0) if self.suppress_zeros else small

    @property
    def lower_bound(self) -> int:
        """What a reader knows about a hidden cell: ≥ 1 when zeros are published, else ≥ 0."""
        return 0 if self.suppress_zeros else 1

    def note(self, marker: str = MARKER) -> str:
        """Danish footnote for a published table."""
        return (
            f"{marker}: diskretioneret (færre end {self.min_cell} personer, eller skjult for at "
            "andre tal ikke kan regnes ud)"
        )


class CellBounds(NamedTuple):
    """What a reader can deduce about one hidden cell: ``low`` ≤ value ≤ ``high``."""

    row: Hashable
    col: Hashable | None
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass(frozen=True, eq=False)
class SuppressedTable:
    """A protected two-way table.

    ``values``: Int64 counts, NA where hidden. ``display``: text to print. ``mask``: hidden.
    ``known``: values with margins (even when not shown), what a reader may know and what
    ``audit`` checks. ``sensitive``: primary cells, aligned with ``known``; for checks only,
    never publish it (it tells primary from secondary cells).
    """

    values: pd.DataFrame
    display: pd.DataFrame
    mask: pd.DataFrame
    sensitive: pd.DataFrame
    known: pd.DataFrame
    rule: DisclosureRule
    total_label: str
    marker: str

    @property
    def note(self) -> str:
        return self.rule.note(self.marker)


@dataclass(frozen=True, eq=False)
class SuppressedSeries:
    """A protected one-way table; the fields mean what they mean in ``SuppressedTable``."""

    values: pd.Series
    display: pd.Series
    mask: pd.Series
    sensitive: pd.Series
    known: pd.Series
    rule: DisclosureRule
    total_label: str
    marker: str

    @property
    def note(self) -> str:
        return self.rule.note(self.marker)


# --------------------------------------------------------------------------------------------
# The tables as networks: every cell is an arc and every line (row, column, totals) a node where
# what flows in equals what flows out. A hidden cell can move only along a cycle of hidden
# cells, so its range is a max-flow question; this is the fast check used while choosing
# complements, and ``audit`` re-checks the result independently with linear programming.


@dataclass(frozen=True)
class _Network:
    tails: tuple[int, ...]
    heads: tuple[int, ...]
    n_nodes: int

    def incident(self, node: int) -> list[int]:
        return [
            a for a, (t, h) in enumerate(zip(self.tails, self.heads, strict=True)) if node in (t, h)
        ]


def _two_way_network(n_rows: int, n_cols: int) -> _Network:
    """Cells row-major, then row totals, column totals, grand total (the positional order)."""
    rows, cols = range(n_rows), range(n_rows, n_rows + n_cols)
    src, snk = n_rows + n_cols, n_rows + n_cols + 1  # row totals leave src, column totals enter snk
    tails = [r for r in rows for _ in cols] + [src] * n_rows + list(cols) + [snk]
    heads = [c for _ in rows for c in cols] + list(rows) + [snk] * n_cols + [src]
    return _Network(tuple(tails), tuple(heads), n_rows + n_cols + 2)


def _one_way_network(n: int) -> _Network:
    """Cells first, the total last."""
    return _Network(tuple([0] * n + [1]), tuple([1] * n + [0]), 2)


def _max_flow(cap: list[list[float]], source: int, sink: int, need: float) -> float:
    """Edmonds–Karp, stopping once ``need`` is reached: callers ask 'can it move that far?'."""
    n = len(cap)
    residual = [row[:] for row in cap]
    flow = 0.0
    while flow < need:
        parent = [-1] * n
        parent[source] = source
        queue = [source]
        for u in queue:
            for v in range(n):
                if parent[v] < 0 and residual[u][v] > 0:
                    parent[v] = u
                    queue.append(v)
        if parent[sink] < 0:
            break
        push, v = need - flow, sink
        while v != source:
            push = min(push, residual[parent[v]][v])
            v = parent[v]
        v = sink
        while v != source:
            u = parent[v]
            residual[u][v] -= push
            residual[v][u] += push
            v = u
        flow += push
    return flow


class _Checker:
    """Decides, for one network and true values, whether a suppression pattern is protected."""

    def __init__(
        self, net: _Network, values: np.ndarray, sensitive: np.ndarray, rule: DisclosureRule
    ) -> None:
        self.net, self.values, self.sensitive, self.rule = net, values, sensitive, rule
        self.slack = np.maximum(values - rule.lower_bound, 0)

    def _capacities(self, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = self.net.n_nodes
        up, down = np.zeros((n, n), dtype=int), np.zeros((n, n))
        for a in np.flatnonzero(hidden):
            t, h = self.net.tails[a], self.net.heads[a]
            up[t, h] += 1  # a hidden cell can always grow (no upper bound is known)
            down[h, t] += self.slack[a]  # and shrink down to the lower bound
        return up, down

    def first_failure(self, hidden: np.ndarray) -> int | None:
        """The first hidden cell (by position) that the criterion says is not protected."""
        up, down = self._capacities(hidden)
        for a in np.flatnonzero(hidden):
            t, h = self.net.tails[a], self.net.heads[a]
            up[t, h] -= 1
            down[h, t] -= self.slack[a]
            cap = np.where(up > 0, _INF, down).tolist()
            up[t, h] += 1
            down[h, t] += self.slack[a]
            if self.sensitive[a]:
                need = self.rule.min_cell - int(self.values[a])
                ok = _max_flow(cap, h, t, need) >= need
            else:
                ok = _max_flow(cap, h, t, 1) >= 1 or (
                    self.slack[a] > 0 and _max_flow(cap, t, h, 1) >= 1
                )
            if not ok:
                return int(a)
        return None


def _smallest(candidates: list[int], values: np.ndarray) -> int | None:
    return min(candidates, key=lambda a: (values[a], a)) if candidates else None


def _protect(
    net: _Network, values: np.ndarray, rule: DisclosureRule
) -> tuple[np.ndarray, np.ndarray]:
    """Primary and secondary suppression on a network; returns (hidden, sensitive)."""
    sensitive = rule.sensitive(values)
    hidden = sensitive.copy()
    if not hidden.any():
        return hidden, sensitive
    eligible = np.ones_like(hidden) if rule.suppress_zeros else values > 0
    lines = [net.incident(node) for node in range(net.n_nodes)]
    checker = _Checker(net, values, sensitive, rule)

    def open_cells(arcs: list[int]) -> list[int]:
        return [a for a in arcs if eligible[a] and not hidden[a]]

    while True:
        changed = True
        while changed:  # every line gets 0 or at least 2 hidden cells
            changed = False
            for line in lines:
                if int(hidden[line].sum()) == 1:
                    pick = _smallest(open_cells(line), values)
                    if pick is not None:
                        hidden[pick] = changed = True
        failing = checker.first_failure(hidden)
        if failing is None:
            break
        near = lines[net.tails[failing]] + lines[net.heads[failing]]
        pick = _smallest(open_cells(near), values)
        if pick is None:
            pick = _smallest(open_cells(list(range(len(values)))), values)
        if pick is None:  # cannot happen: with every non-zero cell hidden all are unbounded
            raise RuntimeError("disclosure control found no cell left to suppress")
        hidden[pick] = True

    secondary = np.flatnonzero(hidden & ~sensitive).tolist()
    for a in sorted(secondary, key=lambda a: (-values[a], -a)):  # publish needless ones again
        hidden[a] = False
        if checker.first_failure(hidden) is not None:
            hidden[a] = True
    return hidden, sensitive


# --------------------------------------------------------------------------------------------
# Public functions


def _as_counts(data: pd.DataFrame | pd.Series, what: str) -> np.ndarray:
    """Whole, non-negative, non-missing counts, or a clear error (a caller bug, not user data)."""
    if data.isna().to_numpy().any():
        raise ValueError(f"{what}: missing counts; label missing categories (e.g. 'Uoplyst')")
    try:
        arr = data.to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: counts must be numbers") from exc
    if (arr < 0).any() or (arr != np.round(arr)).any():
        raise ValueError(f"{what}: counts must be whole numbers ≥ 0")
    return arr.astype(np.int64)


def _check_labels(labels: pd.Index, total_label: str, what: str) -> None:
    if isinstance(labels, pd.MultiIndex):
        raise ValueError(f"{what}: flatten the MultiIndex before suppression")
    if labels.has_duplicates:
        raise ValueError(f"{what}: duplicate labels {list(labels[labels.duplicated()])}")
    if total_label in labels:
        raise ValueError(f"{what}: already has a '{total_label}' total; pass the cells only")


def _text(values: np.ndarray, hidden: np.ndarray, marker: str) -> np.ndarray:
    return np.where(hidden, marker, values.astype(str)).astype(object)


def suppress_counts(
    table: pd.DataFrame,
    rule: DisclosureRule,
    *,
    margins: bool = True,
    total_label: str = TOTAL_LABEL,
    marker: str = MARKER,
) -> SuppressedTable:
    """Protect a two-way table of person counts (rows × columns, cells only, no totals).

    Totals are computed from the true counts and added as a last row and column named
    ``total_label``; they are protected whether or not ``margins`` shows them.
    """
    _check_labels(table.index, total_label, "rows")
    _check_labels(table.columns, total_label, "columns")
    cells = _as_counts(table, "table")
    n_rows, n_cols = cells.shape
    if not n_rows or not n_cols:
        raise ValueError("table: no cells to publish")
    flat = np.concatenate([cells.ravel(), cells.sum(axis=1), cells.sum(axis=0), [cells.sum()]])
    hidden, sensitive = _protect(_two_way_network(n_rows, n_cols), flat, rule)

    def grid(vector: np.ndarray) -> np.ndarray:
        body = vector[: n_rows * n_cols].reshape(n_rows, n_cols)
        row_tot = vector[n_rows * n_cols : n_rows * n_cols + n_rows]
        col_tot = vector[n_rows * n_cols + n_rows : -1]
        return np.vstack([np.column_stack([body, row_tot]), np.append(col_tot, vector[-1])])

    index = table.index.append(pd.Index([total_label]))
    columns = table.columns.append(pd.Index([total_label]))
    full_hidden = grid(hidden)
    known = pd.DataFrame(grid(flat), index=index, columns=columns).astype("Int64")
    known = known.mask(full_hidden)
    display = pd.DataFrame(_text(grid(flat), full_hidden, marker), index=index, columns=columns)
    mask = pd.DataFrame(full_hidden, index=index, columns=columns)
    primary = pd.DataFrame(grid(sensitive), index=index, columns=columns)
    keep = (slice(None), slice(None)) if margins else (table.index, table.columns)
    return SuppressedTable(
        values=known.loc[keep],
        display=display.loc[keep],
        mask=mask.loc[keep],
        sensitive=primary,
        known=known,
        rule=rule,
        total_label=total_label,
        marker=marker,
    )


def suppress_series(
    counts: pd.Series,
    rule: DisclosureRule,
    total: bool = True,
    *,
    total_label: str = TOTAL_LABEL,
    marker: str = MARKER,
) -> SuppressedSeries:
    """Protect a one-way table of person counts (e.g. participants per age band).

    The total is computed from the true counts and protected whether or not ``total`` shows it.
    """
    _check_labels(counts.index, total_label, "series")
    cells = _as_counts(counts, "series")
    flat = np.append(cells, cells.sum())
    hidden, sensitive = _protect(_one_way_network(len(cells)), flat, rule)
    index = counts.index.append(pd.Index([total_label]))
    known = pd.Series(flat, index=index, name=counts.name).astype("Int64").mask(hidden)
    display = pd.Series(_text(flat, hidden, marker), index=index, name=counts.name)
    mask = pd.Series(hidden, index=index, name=counts.name)
    primary = pd.Series(sensitive, index=index, name=counts.name)
    keep = slice(None) if total else counts.index
    return SuppressedSeries(
        values=known.loc[keep],
        display=display.loc[keep],
        mask=mask.loc[keep],
        sensitive=primary,
        known=known,
        rule=rule,
        total_label=total_label,
        marker=marker,
    )


def suppress_rates(
    numerators: pd.Series,
    denominators: pd.Series,
    rule: DisclosureRule,
    *,
    total: bool = True,
    total_label: str = TOTAL_LABEL,
) -> pd.DataFrame:
    """Protect shares ``numerator / denominator`` per group, with their counts.

    A share and its denominator reveal both the numerator and the rest (denominator minus
    numerator), so the groups × {numerator, rest} table is protected as a two-way table with
    the denominators as its row totals. Returns ``numerator``, ``denominator`` (Int64, NA where
    hidden), ``rate`` (Float64, NA where hidden or undefined) and ``suppressed`` (the rate is
    withheld for disclosure); the last row, ``total_label``, is the overall share.
    """
    if not numerators.index.equals(denominators.index):
        raise ValueError("numerators and denominators must have the same index, in order")
    num = _as_counts(numerators, "numerators")
    den = _as_counts(denominators, "denominators")
    if (num > den).any():
        raise ValueError("a numerator is larger than its denominator")
    table = pd.DataFrame({"numerator": num, "rest": den - num}, index=numerators.index)
    protected = suppress_counts(table, rule, total_label=total_label)
    hidden = protected.mask
    all_num = np.append(num, num.sum())
    all_den = np.append(den, den.sum())
    suppressed = hidden.any(axis=1)
    rate = pd.Series(all_num / np.maximum(all_den, 1), index=hidden.index, dtype="Float64")
    out = pd.DataFrame(
        {
            "numerator": protected.known["numerator"],
            "denominator": protected.known[total_label],
            "rate": rate.mask(suppressed | (all_den == 0)),
            "suppressed": suppressed,
        }
    )
    return out if total else out.loc[numerators.index]


def suppress_chain(values: pd.Series, rule: DisclosureRule, *, keep: str = "last") -> pd.Series:
    """Hidden flags for a monotone chain of nested counts: a cumulative series or a funnel.

    Consecutive published points of such a chain reveal the persons between them (the new
    entrants of a quarter, the people lost at a funnel step), and the smallest point reveals its
    own size. So a point is published only when it is not sensitive itself and its distance to
    the previously published point is not sensitive either (0 or ≥ ``min_cell``). The chain is
    walked from the ``keep`` end ("last": the latest cumulative figure, the headline of a
    progress report; "first": a funnel's first step) so that end is published whenever it can
    be. A hidden point then lies between published neighbours that are 0 or ≥ ``min_cell``
    apart, so no published difference describes fewer than ``min_cell`` persons.
    """
    if keep not in ("first", "last"):
        raise ValueError("keep must be 'first' or 'last'")
    counts = _as_counts(values, "chain")
    diffs = np.diff(counts)
    if len(counts) > 1 and not ((diffs >= 0).all() or (diffs <= 0).all()):
        raise ValueError("chain: the counts must only grow or only shrink")
    return walk_chain(values, counts, rule, keep=keep)


def walk_chain(
    values: pd.Series, counts: np.ndarray, rule: DisclosureRule, *, keep: str
) -> pd.Series:
    """The chain rule's walk from the ``keep`` end: a point is published when neither it nor
    its distance to the last published point is sensitive. Shared by monotone chains
    (``suppress_chain``) and stocks that may fall (``metrics.stocks.suppress_stock``)."""
    order = range(len(counts) - 1, -1, -1) if keep == "last" else range(len(counts))
    hidden = np.ones(len(counts), dtype=bool)
    last_published: int | None = None
    for i in order:
        value = int(counts[i])
        if rule.is_sensitive(value):
            continue
        if last_published is not None and rule.is_sensitive(abs(last_published - value)):
            continue
        hidden[i] = False
        last_published = value
    return pd.Series(hidden, index=values.index, name=values.name)


def suppress_tidy(
    frame: pd.DataFrame,
    rule: DisclosureRule,
    *,
    by: Sequence[str],
    count_col: str = "n",
    derived: Sequence[str] = (),
    strata: Sequence[str] = (),
    total_label: str = TOTAL_LABEL,
    flag_col: str = "suppressed",
) -> pd.DataFrame:
    """Protect a long table: one row per group, a person count and statistics derived from it.

    Contract: ``by`` names one or two key columns that span the table; absent combinations are
    0 persons. A row whose key is ``total_label`` is a total over that key (it must equal the sum
    of its cells; add an explicit 'Uoplyst' category rather than a hidden remainder). Totals
    are protected even when the frame has no total rows (they are assumed public). ``strata``
    split the frame into independent tables; only use them when no total across strata is
    published. Returns a copy with ``count_col`` as Int64 (NA where hidden), every ``derived``
    column NA where the count is hidden or below ``min_cell`` (statistics of fewer persons are
    never shown), and a bool ``flag_col``. ``derived`` is for means and the like: a share of a
    published count reveals its numerator, so shares go through ``suppress_rates``.
    """
    by = list(by)
    if len(by) not in (1, 2):
        raise ValueError("suppress_tidy handles one or two key columns; split bigger tables")
    missing = [c for c in [*by, count_col, *derived, *strata] if c not in frame.columns]
    if missing:
        raise ValueError(f"columns not in the frame: {missing}")
    if frame[by + list(strata)].isna().to_numpy().any():
        raise ValueError("missing keys; label missing categories explicitly (e.g. 'Uoplyst')")
    counts = _as_counts(frame[count_col], count_col)
    keys = frame[by].astype(object).to_numpy()
    hidden = np.zeros(len(frame), dtype=bool)
    if strata:
        parts = list(frame.groupby(list(strata), sort=False).indices.values())
    else:
        parts = [np.arange(len(frame))]
    for rows in parts:
        if pd.DataFrame(keys[rows]).duplicated().any():
            raise ValueError(f"duplicate keys in {by}")
        hidden[rows] = _tidy_part(keys[rows], counts[rows], rule, total_label)
    out = frame.copy()
    out[count_col] = pd.array(counts, dtype="Int64")
    out[count_col] = out[count_col].mask(hidden)
    too_few = hidden | (counts < rule.min_cell)
    for col in derived:
        out[col] = out[col].mask(too_few)
    out[flag_col] = hidden
    return out


def _tidy_part(
    keys: np.ndarray, counts: np.ndarray, rule: DisclosureRule, total_label: str
) -> np.ndarray:
    """Hidden flags for one stratum of a long table (keys: one column per ``by`` key)."""
    is_cell = (keys != total_label).all(axis=1)
    labels = [pd.unique(keys[is_cell, k]) for k in range(keys.shape[1])]
    if len(labels) == 1:
        series = pd.Series(counts[is_cell], index=pd.Index(labels[0]))
        protected = suppress_series(series, rule, total_label=total_label)
        truth = pd.DataFrame({0: np.append(series, series.sum())}, index=protected.known.index)
        mask = protected.mask.to_frame(0)
        keys = np.column_stack([keys, np.zeros(len(keys), dtype=object)])
    else:
        table = pd.DataFrame(0, index=pd.Index(labels[0]), columns=pd.Index(labels[1]))
        for (a, b), n in zip(keys[is_cell], counts[is_cell], strict=True):
            table.at[a, b] = n
        mask = suppress_counts(table, rule, total_label=total_label).mask
        truth = table.copy()
        truth[total_label] = truth.sum(axis=1)
        truth.loc[total_label] = truth.sum(axis=0)
    flags = np.zeros(len(keys), dtype=bool)
    for i, (a, b) in enumerate(keys):
        if a not in truth.index or b not in truth.columns:
            raise ValueError(f"total row {a!r}/{b!r} has no cells to add up; add them (zeros)")
        if counts[i] != truth.at[a, b]:
            raise ValueError(f"total row {a!r}/{b!r} does not equal the sum of its cells")
        flags[i] = bool(mask.at[a, b])
    return flags


# --------------------------------------------------------------------------------------------
# The audit: what a reader can deduce from the published figures alone, by linear programming.


def audit(
    published: SuppressedTable | SuppressedSeries | pd.DataFrame | pd.Series,
    rule: DisclosureRule,
    *,
    total_label: str = TOTAL_LABEL,
) -> list[CellBounds]:
    """Feasible range of every hidden cell given only what is published (NA = hidden).

    A frame needs its total row and column, a series its total entry, all labelled
    ``total_label``; NA totals are hidden too. Uses no true values, so it checks the result
    independently of the suppression algorithm.
    """
    from scipy.optimize import linprog  # ~0.5 s: only when a table is checked

    known = (
        published.known
        if isinstance(published, SuppressedTable | SuppressedSeries)
        else (published)
    )
    if isinstance(known, pd.Series):
        if total_label not in known.index:
            raise ValueError(f"the series needs its '{total_label}' total")
        cells = [label for label in known.index if label != total_label]
        names = [(label, None) for label in [*cells, total_label]]
        grid = known.loc[[*cells, total_label]].to_numpy(dtype=float, na_value=np.nan)
        equations = [(len(cells), list(range(len(cells))))]
    else:
        if total_label not in known.index or total_label not in known.columns:
            raise ValueError(f"the table needs its '{total_label}' row and column")
        rows = [r for r in known.index if r != total_label] + [total_label]
        cols = [c for c in known.columns if c != total_label] + [total_label]
        ordered = known.loc[rows, cols].to_numpy(dtype=float, na_value=np.nan)
        names = [(r, c) for r in rows for c in cols]
        grid = ordered.ravel()
        width = len(cols)
        equations = [  # every line, the totals row and column included, adds up to its total
            (i * width + width - 1, [i * width + j for j in range(width - 1)])
            for i in range(len(rows))
        ] + [
            ((len(rows) - 1) * width + j, [i * width + j for i in range(len(rows) - 1)])
            for j in range(width)
        ]
    unknown = np.flatnonzero(np.isnan(grid))
    if unknown.size == 0:
        return []
    position = {int(a): k for k, a in enumerate(unknown)}
    a_eq, b_eq = [], []
    for total, members in equations:
        coeffs = np.zeros(unknown.size)
        rhs = 0.0
        for a, sign in [(total, -1.0)] + [(m, 1.0) for m in members]:
            if a in position:
                coeffs[position[a]] += sign
            else:
                rhs -= sign * grid[a]
        if coeffs.any():
            a_eq.append(coeffs)
            b_eq.append(rhs)
        elif abs(rhs) > 1e-9:
            raise ValueError("the published figures do not add up")
    bounds = [(rule.lower_bound, None)] * unknown.size
    results = []
    for k, a in enumerate(unknown):
        ends = []
        for sign in (1.0, -1.0):
            objective = np.zeros(unknown.size)
            objective[k] = sign
            res = linprog(
                objective,
                A_eq=np.array(a_eq) if a_eq else None,
                b_eq=np.array(b_eq) if b_eq else None,
                bounds=bounds,
                method="highs",
            )
            if res.status == 3:
                ends.append(_INF)
            elif res.status == 2:
                raise ValueError("the published figures are inconsistent (no feasible table)")
            elif res.status != 0:
                raise RuntimeError(f"audit LP failed: {res.message}")
            else:
                ends.append(float(np.round(res.fun * sign, 6)))
        row, col = names[a]
        results.append(CellBounds(row, col, ends[0], ends[1]))
    return results


def protection_failures(table: SuppressedTable | SuppressedSeries) -> list[CellBounds]:
    """Hidden cells the criterion rejects: determined, or sensitive and provably small."""
    failures = []
    for bound in audit(table, table.rule, total_label=table.total_label):
        if isinstance(table, SuppressedTable):
            primary = bool(table.sensitive.at[bound.row, bound.col])
        else:
            primary = bool(table.sensitive[bound.row])
        if bound.width < 0.5 or (primary and bound.high < table.rule.min_cell - 1e-6):
            failures.append(bound)
    return failures
