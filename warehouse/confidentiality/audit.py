"""The attacker check: how far can a reader narrow each suppressed small count?

For every sensitive cell (a suppressed count of 1 .. k-1) the smallest and largest value
consistent with all published cells and all relations of the linked table is found by
linear programming (HiGHS), one component of linked suppressed cells at a time.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import highspy
import numpy as np

from warehouse.confidentiality.memo import Memo, key
from warehouse.confidentiality.solver import highs_model
from warehouse.confidentiality.table import LinkedTable, distinct, gather

# Values within this distance of a whole number count as that number (LP round-off).
TOLERANCE = 1e-6
# Components larger than BLOCK cells are examined in pieces of about PIECE cells (see
# `attack`). A whole component is exact and, up to about BLOCK cells, faster than its
# pieces; beyond, the solves of single cells get slow enough for pieces to win.
BLOCK = 1_500
PIECE = 400
# A cell failing in its piece is examined again in a ball of PIECE cells around it, together
# with the other failing cells among the CORE nearest to the ball's centre. One ball per
# cell settles a few more cells, but at scale 1 takes more than twice as long in all.
CORE = 100
# Programmes solved at the same time.
WORKERS = min(4, os.cpu_count() or 1)


@dataclass(frozen=True)
class Attack:
    """What the check found: an interval per examined cell, and the failures.

    The examined cells are the sensitive ones (`sensibel`) and the watched ones (small
    counts that are not published). `minimum` is exact. `maximum` is exact for a failed
    cell; for a cell that passes it is the value the check proved reachable (its integer
    minimum + k), the true maximum may be larger.
    """

    zellen: np.ndarray
    sensibel: np.ndarray
    minimum: np.ndarray
    maximum: np.ndarray
    komponenten: int
    groesste_komponente: int
    fehlgeschlagen: np.ndarray = field(repr=False)

    @property
    def ok(self) -> bool:
        """No examined cell can be narrowed down."""
        return len(self.fehlgeschlagen) == 0

    @property
    def engstes_intervall(self) -> float:
        """Width of the narrowest integer interval of a sensitive cell (inf if none)."""
        widths = integer_width(self.minimum[self.sensibel], self.maximum[self.sensibel])
        return float(widths.min()) if len(widths) else math.inf


def integer_width(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Width of the integer interval [ceil(low), floor(high)]."""
    return np.floor(high + TOLERANCE) - np.ceil(low - TOLERANCE)


def narrowed(low: np.ndarray, high: np.ndarray, sensitive: np.ndarray, k: int) -> np.ndarray:
    """Cells the reader narrows: a sensitive one below width k, any other into 1 .. k-1."""
    small = (np.ceil(low - TOLERANCE) >= 1) & (np.floor(high + TOLERANCE) <= k - 1)
    return np.where(sensitive, integer_width(low, high) < k, small)


def components(cells: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Connected components of an undirected graph: the smallest cell index of each."""
    label = np.arange(cells)
    while True:
        low = np.minimum(label[first], label[second])
        new = label.copy()
        for ends in (first, second, label[first], label[second]):
            np.minimum.at(new, ends, low)
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new


def attack(
    table: LinkedTable,
    suppressed: np.ndarray,
    sensitive: np.ndarray,
    k: int,
    block: int = BLOCK,
    witnesses: dict[int, tuple[Witness, ...]] | None = None,
    watched: np.ndarray | None = None,
    memo: Memo | None = None,
) -> Attack:
    """Interval of every suppressed sensitive or watched cell.

    A component larger than `block` cells is examined in pieces (of at most PIECE cells), each
    with every suppressed cell outside the piece taken as known (its true value). That
    attacker knows more than a real one, so an interval wide enough here is wide enough
    there; a cell that fails in its piece gets a ball around it (see CORE) before it counts
    as failed. Failing in a piece can only cost an extra suppression, never a leak. A cell
    whose witnesses (other tables consistent with everything published, see `Witness`) hold
    for the current pattern and move it far enough needs no programme: its interval reaches
    at least from the lowest to the highest value they and the true table give it, and
    that is what is reported. `memo` answers programmes the last build solved already.
    """
    memo = memo or Memo()
    graph = _Graph(table, suppressed & ~table.bekannt)
    targets = graph.hidden & (sensitive if watched is None else sensitive | watched)
    target_cells = np.flatnonzero(targets)
    low = np.full(len(table.wert), np.nan)
    high = np.full(len(table.wert), np.nan)
    open_ = targets.copy()
    for cell, found in (witnesses or {}).items():
        if not targets[cell]:
            continue
        changes = [0.0, *(w.hebung for w in found if w.holds(graph))]
        value = table.wert[cell]
        lo, hi = value + min(changes), value + max(changes)
        if not narrowed(np.array([lo]), np.array([hi]), sensitive[[cell]], k)[0]:
            open_[cell] = False
            low[cell], high[cell] = lo, hi

    def examine(piece: np.ndarray, wanted: np.ndarray) -> None:
        low[wanted], high[wanted] = graph.intervals(piece, wanted, k, ~sensitive[wanted], memo)

    pieces: list[np.ndarray] = []
    large: list[np.ndarray] = []
    for comp in np.unique(graph.label[open_]).tolist():
        cells = np.flatnonzero(graph.hidden & (graph.label == comp))
        if len(cells) > block:
            large.append(cells)
        pieces += [cells] if len(cells) <= block else graph.pieces(cells, min(block, PIECE))
    pieces = [piece for piece in pieces if open_[piece].any()]
    # The programmes are independent, and HiGHS solves without holding Python's lock.
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(examine, pieces, [piece[open_[piece]] for piece in pieces]))
        failing = [
            cell
            for cells in large
            for cell in cells[
                open_[cells] & narrowed(low[cells], high[cells], sensitive[cells], k)
            ].tolist()
        ]
        size = min(block, PIECE)
        balls = graph.around(np.array(failing, dtype=np.int64), size, CORE)
        list(pool.map(examine, [ball for ball, _ in balls], [wanted for _, wanted in balls]))
    lo_t, hi_t = low[target_cells], high[target_cells]
    sensible = sensitive[target_cells]
    count, largest = graph.sizes(target_cells)
    return Attack(
        zellen=target_cells,
        sensibel=sensible,
        minimum=lo_t,
        maximum=hi_t,
        komponenten=count,
        groesste_komponente=largest,
        fehlgeschlagen=target_cells[narrowed(lo_t, hi_t, sensible, k)],
    )


def component_sizes(
    table: LinkedTable, suppressed: np.ndarray, cells: np.ndarray
) -> tuple[int, int]:
    """Number of components of linked suppressed cells holding the cells, and the largest."""
    return _Graph(table, suppressed & ~table.bekannt).sizes(cells)


@dataclass(frozen=True)
class Witness:
    """A change of the table that moves one cell and is invisible to the reader.

    `zellen` are the cells it changes, `aenderung` by how much. If every changed cell is
    suppressed (and not known from elsewhere), every relation still holds and no cell
    drops below 0, then the true table and the changed one are both consistent with all
    that is published: the cell's interval holds both its value and its value + `hebung`.
    """

    zelle: int
    zellen: np.ndarray
    aenderung: np.ndarray

    def fuer(self, cell: int) -> Witness:
        """The same change as the witness of another cell it lifts."""
        return Witness(zelle=cell, zellen=self.zellen, aenderung=self.aenderung)

    @property
    def hebung(self) -> float:
        """How far the witnessed cell is moved (negative: lowered)."""
        return float(self.aenderung[np.searchsorted(self.zellen, self.zelle)])

    def holds(self, graph: _Graph) -> bool:
        """The change moves the cell, is hidden and keeps every relation and bound."""
        table = graph.table
        if self.zelle not in self.zellen:
            return False
        if not graph.hidden[self.zellen].all():
            return False
        if (table.wert[self.zellen] + self.aenderung < -TOLERANCE).any():
            return False
        rows = table.memberships_of_cells(self.zellen)
        groups, index = np.unique(table.gruppe[rows], return_inverse=True)
        change = np.bincount(
            index,
            table.koeffizient[rows]
            * self.aenderung[np.searchsorted(self.zellen, table.zelle[rows])],
            len(groups),
        )
        members = table.memberships_of_groups(groups)
        true = np.bincount(
            np.searchsorted(groups, table.gruppe[members]),
            table.koeffizient[members] * table.wert[table.zelle[members]],
            len(groups),
        )
        equal = table.gleichung[groups]
        return bool(
            (np.abs(change[equal]) <= TOLERANCE).all()
            and (true[~equal] + change[~equal] <= TOLERANCE).all()
        )


class _Graph:
    """Hidden cells linked by the relations that hold two or more of them."""

    def __init__(self, table: LinkedTable, hidden: np.ndarray) -> None:
        self.table = table
        self.hidden = hidden
        member_hidden = hidden[table.zelle]
        per_group = np.bincount(table.gruppe, member_hidden, table.groups)
        # Links: relation -> its hidden members, cell -> its linking relations.
        linking = np.flatnonzero(member_hidden & (per_group[table.gruppe] >= 2))
        by_cell = linking[np.argsort(table.zelle[linking], kind="stable")]
        self.cell_groups = table.gruppe[by_cell]
        self.cell_start = np.searchsorted(table.zelle[by_cell], np.arange(len(hidden) + 1))
        by_group = linking[np.argsort(table.gruppe[linking], kind="stable")]
        self.group_cells = table.zelle[by_group]
        self.link_start = np.searchsorted(table.gruppe[by_group], np.arange(table.groups + 1))
        first = self.group_cells[self.link_start[table.gruppe[by_group]]]
        self.label = components(len(hidden), first, self.group_cells)

    def sizes(self, cells: np.ndarray) -> tuple[int, int]:
        """Number of components holding the hidden ones of the cells, and the largest size."""
        labels = self.label[cells[self.hidden[cells]]]
        comps, sizes = np.unique(self.label[self.hidden], return_counts=True)
        held = np.isin(comps, labels)
        return int(held.sum()), int(sizes[held].max(initial=0))

    def neighbours(self, cells: np.ndarray) -> np.ndarray:
        """Hidden cells sharing a relation with any of the cells (with repeats)."""
        groups = gather(self.cell_groups, self.cell_start, cells)
        return gather(self.group_cells, self.link_start, groups)

    def ball(self, cell: int, size: int, taken: np.ndarray | None = None) -> np.ndarray:
        """About `size` hidden cells nearest to the cell, skipping `taken`, nearest first."""
        seen = np.zeros(len(self.hidden), dtype=bool) if taken is None else taken.copy()
        seen[cell] = True
        found = [np.array([cell])]
        count = 1
        frontier = found[0]
        while count < size and len(frontier):
            near = np.unique(self.neighbours(frontier))
            frontier = near[~seen[near]][: size - count]
            seen[frontier] = True
            found.append(frontier)
            count += len(frontier)
        return np.concatenate(found)

    def around(
        self, cells: np.ndarray, size: int, core: int
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Balls of about `size` cells around the cells, each with the cells near its centre."""
        left = np.zeros(len(self.hidden), dtype=bool)
        left[cells] = True
        balls = []
        for cell in cells.tolist():
            if left[cell]:
                ball = self.ball(cell, size)
                centre = ball[:core]
                wanted = np.sort(centre[left[centre]])
                left[wanted] = False
                balls.append((np.sort(ball), wanted))
        return balls

    def pieces(self, cells: np.ndarray, size: int) -> list[np.ndarray]:
        """The cells cut into connected pieces of about `size` cells."""
        taken = np.zeros(len(self.hidden), dtype=bool)
        pieces = []
        for cell in cells.tolist():
            if not taken[cell]:
                piece = np.sort(self.ball(cell, size, taken))
                taken[piece] = True
                pieces.append(piece)
        return pieces

    def intervals(
        self,
        piece: np.ndarray,
        wanted: np.ndarray,
        k: int,
        loose: np.ndarray | None,
        memo: Memo,
    ) -> tuple:
        """Intervals of the wanted cells when only the piece's cells are unknown.

        A maximum is sought only up to the cell's integer minimum + k. A `loose` cell only
        must not be narrowed into 1 .. k-1: above a minimum of 0 its true value is enough,
        above 1 a maximum of k.
        """
        table = self.table
        groups = distinct(table.gruppe[table.memberships_of_cells(piece)], table.groups)
        rows = table.memberships_of_groups(groups)
        inside = np.zeros(len(self.hidden), dtype=bool)
        inside[piece] = True
        unknown = inside[table.zelle[rows]]
        known = rows[~unknown]
        rows = rows[unknown]
        rhs = -np.bincount(
            np.searchsorted(groups, table.gruppe[known]),
            table.koeffizient[known] * table.wert[table.zelle[known]],
            len(groups),
        )
        row_index = np.searchsorted(groups, table.gruppe[rows])
        col_index = np.searchsorted(piece, table.zelle[rows])
        coef = table.koeffizient[rows]
        equal = table.gleichung[groups]
        if len(piece) == 1:
            return _single(coef, rhs[row_index], equal[row_index], len(wanted))
        at = np.searchsorted(piece, wanted)
        value = table.wert[wanted]
        name = key(len(piece), row_index, col_index, coef, rhs, equal, at, k, loose, value)
        found, answer = memo.get(name)
        if found:
            return answer[0], answer[1]
        lp = _Component(len(piece), row_index, col_index, coef, rhs, equal, at)
        low = lp.minima()
        floor = np.ceil(low - TOLERANCE)
        target = floor + k
        if loose is not None:
            target = np.where(loose, np.where(floor >= 1, k, value), target)
        high = lp.maxima(target)
        memo.put(name, [low, high])
        return low, high


class _Component:
    """One component's linear system in HiGHS, with a capped copy y <= x of each wanted x.

    One solve settles many cells: minimising the sum of the open cells puts most of them at 0
    (their minimum); maximising the sum of the capped copies lifts most of them to their
    target (enough width). Only the cells left over get solves of their own.
    """

    def __init__(self, cols, row_index, col_index, coef, rhs, equal, wanted) -> None:
        rows = len(rhs)
        count = len(wanted)
        infinity = highspy.kHighsInf
        self.wanted = wanted
        self.copies = cols + np.arange(count)
        self.size = cols + count
        # Rows y_i - x_wanted[i] <= 0 below the component's own rows.
        link_rows = rows + np.arange(count)
        self.solver = highs_model(
            cost=np.zeros(self.size),
            col_lower=np.zeros(self.size),
            col_upper=np.r_[np.full(cols, infinity), np.zeros(count)],
            row_lower=np.r_[np.where(equal, rhs, -infinity), np.full(count, -infinity)],
            row_upper=np.r_[rhs, np.zeros(count)],
            rows=np.r_[row_index, link_rows, link_rows],
            cols=np.r_[col_index, self.copies, wanted],
            values=np.r_[coef, np.ones(count), -np.ones(count)],
        )

    def minima(self) -> np.ndarray:
        """The smallest value of each wanted cell."""
        low = np.full(len(self.wanted), np.nan)
        pending = np.arange(len(self.wanted))
        while len(pending):
            values = self._solve(self.wanted[pending], 1.0)
            at_zero = values[self.wanted[pending]] <= TOLERANCE
            if not at_zero.any():
                break
            low[pending[at_zero]] = 0.0
            pending = pending[~at_zero]
        for i in pending:
            low[i] = self._optimum(int(self.wanted[i]), 1.0)
        return low

    def maxima(self, target: np.ndarray) -> np.ndarray:
        """Each wanted cell's target where it can reach it, else its largest value."""
        count = len(self.wanted)
        high = np.full(count, np.nan)
        self.solver.changeColsBounds(
            count, self.copies.astype(np.int32), np.zeros(count), target.astype(np.float64)
        )
        pending = np.arange(count)
        while len(pending):
            values = self._solve(self.copies[pending], -1.0)
            reached = values[self.copies[pending]] >= target[pending] - TOLERANCE
            if not reached.any():
                break
            high[pending[reached]] = target[pending[reached]]
            pending = pending[~reached]
        for i in pending:
            high[i] = -self._optimum(int(self.wanted[i]), -1.0)
        return high

    def _solve(self, cols: np.ndarray, cost: float) -> np.ndarray:
        """Column values at an optimum of cost * sum(x[cols])."""
        self._cost(cols, cost)
        self.solver.run()
        self._expect(self.solver.getModelStatus())
        return np.asarray(self.solver.getSolution().col_value)

    def _optimum(self, col: int, cost: float) -> float:
        """Minimum of cost * x[col] alone; -inf when unbounded."""
        self._cost(np.array([col]), cost)
        self.solver.run()
        status = self.solver.getModelStatus()
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return -math.inf
        self._expect(status)
        return self.solver.getInfo().objective_function_value

    def _cost(self, cols: np.ndarray, cost: float) -> None:
        """Objective: cost on the given columns, 0 elsewhere."""
        costs = np.zeros(self.size)
        costs[cols] = cost
        self.solver.changeColsCost(self.size, np.arange(self.size, dtype=np.int32), costs)

    def _expect(self, status) -> None:
        """Stop on anything but an optimum (the true table is always a solution)."""
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(
                "Prüfung der Geheimhaltung: LP-Status " + self.solver.modelStatusToString(status)
            )


def _single(
    coef: np.ndarray, rhs: np.ndarray, equal: np.ndarray, wanted: int
) -> tuple[np.ndarray, np.ndarray]:
    """Interval of a lone variable: each row reads coef * x (= | <=) rhs, and x >= 0."""
    value = rhs / coef
    pinned = value[equal]
    upper = value[~equal & (coef > 0)]
    lower = value[~equal & (coef < 0)]
    lo = max([0.0, *lower, *pinned])
    hi = min([math.inf, *upper, *pinned])
    return np.full(wanted, lo), np.full(wanted, hi)
