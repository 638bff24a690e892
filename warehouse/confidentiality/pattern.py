"""Joint secondary suppression: choose what to suppress so that the attacker check passes.

1. Primary: every count of 1 .. k-1 (and whatever a signed-off version already suppressed).
2. Closing every relation (cheap, repeated until nothing changes): an equation with exactly
   one suppressed member would give it away; one with a visible total whose suppressed parts
   hold a small count and add up to less than k pins that count between 0 and the sum. In
   both cases the cheapest visible member is suppressed too.
3. The attacker check (`audit.attack`). For the cells it can still narrow, a linear
   programme (`Shield`) finds the cheapest change of the table that lifts them by k (an
   unpublished count: up to k) and that only suppressed cells would hide; the cells it
   changes are suppressed, and the change is kept as their witness. Then 2 and 3 again for
   the cells not yet proven, until the check passes.
Cheapest means: in 2, enough to protect (a value of at least what is missing), then the
lowest `gewicht` (months before years, breakdowns before totals, towns before the Kreis),
then a part before its total, then the smallest value; in 3, the least `gewicht` times change.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import highspy
import numpy as np

from warehouse.confidentiality.audit import (
    TOLERANCE,
    WORKERS,
    Attack,
    Witness,
    attack,
    component_sizes,
)
from warehouse.confidentiality.solver import highs_model
from warehouse.confidentiality.table import LinkedTable

MAX_ROUNDS = 200
# Narrowed cells lifted together by one change (see `Shield.lift`): one change per cell
# suppresses least, but at scale 1 about 2.000 programmes over the whole table take minutes;
# 8 at a time take a fraction of that for a few more suppressions.
BATCH = 8
# Cells a change may first touch (see `Shield`).
REGION = 4_000
# Batches lifted side by side, each for the pattern as it stood before them (a fixed number,
# not the machine's cores, so that every machine chooses the same pattern).
WAVE = 4
# Cost of each unit a lift falls short of its aim (see `Shield._spared_change`): above what a
# change of the table costs, so a lift falls short only where it cannot be done (a higher
# cost makes the programmes slower to solve; a lift it gives up on is done on its own).
SHORTFALL = 1e4


class ProtectionFailed(Exception):
    """No suppression pattern passing the attacker check was found."""


@dataclass(frozen=True)
class Protection:
    """The suppression pattern and the proof that it holds."""

    unterdrueckt: np.ndarray
    primaer: np.ndarray
    pruefung: Attack
    runden: int
    sekunden: float


def protect(
    table: LinkedTable,
    k: int,
    forced: np.ndarray | None = None,
    unpublished: np.ndarray | None = None,
    spared: np.ndarray | None = None,
) -> Protection:
    """Suppression pattern for the table, proven by the attacker check.

    `forced` cells are suppressed from the start; `unpublished` cells are never shown (always
    hidden, not sensitive, but their small counts must not be narrowed into 1 .. k-1 either);
    `spared` cells (the headline figures: totals of a quarter or longer) are suppressed only
    to shield one cell that nothing else shields, never for several cells lifted together.
    """
    started = time.perf_counter()
    none = np.zeros(len(table.wert), dtype=bool)
    unpublished = none if unpublished is None else unpublished
    small = (table.wert >= 1) & (table.wert < k)
    primary = small & ~unpublished
    watched = small & unpublished
    suppressed = primary | unpublished | (none if forced is None else forced)
    suppressed = close(table, suppressed, primary, k)
    low = np.full(len(table.wert), np.nan)
    high = np.full(len(table.wert), np.nan)
    # Suppressing more only widens intervals, so a cell that passed once passes for good.
    pending = small.copy()
    witnesses: dict[int, tuple[Witness, ...]] = {}
    rounds = 0
    while True:
        proof = attack(
            table,
            suppressed,
            primary & pending,
            k,
            witnesses=witnesses,
            watched=watched & pending,
        )
        passed = ~np.isin(proof.zellen, proof.fehlgeschlagen)
        cells = proof.zellen[passed]
        low[cells], high[cells] = proof.minimum[passed], proof.maximum[passed]
        pending[cells] = False
        if proof.ok:
            break
        rounds += 1
        if rounds > MAX_ROUNDS:
            raise ProtectionFailed(
                f"Nach {MAX_ROUNDS} Runden sind noch {len(proof.fehlgeschlagen)} kleine Werte "
                "eingrenzbar."
            )
        shield = Shield(table, suppressed, k, primary, none if spared is None else spared)
        failed = proof.fehlgeschlagen.tolist()
        batches = [failed[start : start + BATCH] for start in range(0, len(failed), BATCH)]
        with ThreadPoolExecutor(WORKERS) as pool:
            for start in range(0, len(batches), WAVE):
                # All lifts of a wave see the pattern as it was before the wave (results are
                # kept once all are in): the same pattern on every run, however the threads run.
                for found in list(pool.map(shield.lift, batches[start : start + WAVE])):
                    shield.keep(found)
                    witnesses.update(found)
        suppressed = close(table, shield.suppressed, primary, k)
    examined = np.flatnonzero(small)
    count, largest = component_sizes(table, suppressed, examined)
    return Protection(
        unterdrueckt=suppressed,
        primaer=primary,
        pruefung=Attack(
            zellen=examined,
            sensibel=primary[examined],
            minimum=low[examined],
            maximum=high[examined],
            komponenten=count,
            groesste_komponente=largest,
            fehlgeschlagen=np.empty(0, dtype=np.int64),
        ),
        runden=rounds,
        sekunden=time.perf_counter() - started,
    )


def close(table: LinkedTable, suppressed: np.ndarray, sensitive: np.ndarray, k: int) -> np.ndarray:
    """Suppress more until no equation gives a member away or pins a small part tightly."""
    suppressed = suppressed.copy()
    eq = table.gleichung[table.gruppe]
    group = table.gruppe[eq]
    cell = table.zelle[eq]
    total = table.summe[eq]
    value = table.wert[cell]
    size = table.groups
    while True:
        hidden = suppressed[cell]
        count = np.bincount(group, hidden, size)
        total_hidden = np.bincount(group, hidden & total, size) > 0
        hidden_sum = np.bincount(group, np.where(hidden & ~total, value, 0.0), size)
        small = np.bincount(group, hidden & ~total & sensitive[cell], size) > 0
        missing = np.where(~total_hidden & small, k - hidden_sum, 0.0)
        needy = (count == 1) | (missing > 0)
        candidate = needy[group] & ~hidden
        if not candidate.any():
            return suppressed
        rows = np.flatnonzero(candidate)
        need = np.maximum(missing[group[rows]], 1.0)
        order = np.lexsort(
            (
                value[rows],
                total[rows],
                table.gewicht[cell[rows]],
                value[rows] < need,
                group[rows],
            )
        )
        rows = rows[order]
        first = np.r_[True, np.diff(group[rows]) != 0]
        suppressed[cell[rows[first]]] = True


class Shield:
    """Finds, for narrowed cells, the cheapest visible cells to suppress.

    A linear programme: a change y that keeps every relation, keeps every cell >= 0, leaves
    known cells alone and lifts the cells far enough, at least cost (the `gewicht` of each
    visible cell it changes, times the change; suppressed cells are nearly free). Once the
    changed cells are suppressed, the true table and the true table + y are both consistent
    with what is published, so each cell's interval holds both values, whatever else is
    suppressed later. The programme first allows changes only in a region of about REGION
    cells around the lifted cells (a change there is a change of the whole table, as every
    other cell keeps its value); only where that has no solution, in the whole table.
    """

    def __init__(
        self,
        table: LinkedTable,
        suppressed: np.ndarray,
        k: int,
        sensitive: np.ndarray,
        spared: np.ndarray,
    ) -> None:
        self.table = table
        self.suppressed = suppressed.copy()
        self.k = k
        self.sensitive = sensitive
        self.spared = spared
        # How far a lift must go: k for a sensitive cell, up to k for any other.
        self.need = np.where(sensitive, float(k), k - table.wert)
        self.n = len(table.wert)
        # Room left in each bound by the true values (0 for an equation).
        self.slack = -np.bincount(
            table.gruppe, table.koeffizient * table.wert[table.zelle], table.groups
        )
        # Cells an earlier change of this round already lifts far enough: it is theirs too.
        self.lifted: dict[int, Witness] = {}

    def _cost(self, cells: np.ndarray, hidden: np.ndarray) -> np.ndarray:
        """Cost of changing each cell by one: its weight if visible, almost 0 if suppressed."""
        free = hidden[cells] & ~self.table.bekannt[cells]
        return np.where(free, 1e-3, self.table.gewicht[cells].astype(np.float64) + 1.0)

    def lift(self, cells: list[int]) -> dict[int, tuple[Witness, ...]]:
        """Witnesses of the cheapest changes lifting the cells, for the pattern as it stands.

        One change for several cells costs one programme; the cells it cannot lift without a
        visible spared cell (or outside the first region) are then lifted one by one. A cell no
        change can lift far enough (a known cell caps it) is lowered to 0 instead, and a
        sensitive one also lifted by the rest of k. Nothing is suppressed yet (`keep` does
        that), so lifts can run side by side.
        """
        hidden = self.suppressed.copy()
        found = {cell: (self.lifted[cell].fuer(cell),) for cell in cells if cell in self.lifted}
        batch = np.array(sorted(set(cells) - set(found)), dtype=np.int64)
        rest = np.empty(0, dtype=np.int64)
        while len(batch) > 1:
            witness, rest = self._spared_change(batch, hidden)
            if witness is not None:
                lifted = np.setdiff1d(batch, rest).tolist()
                found.update({cell: (witness.fuer(cell),) for cell in lifted})
            if len(rest) == len(batch):
                break
            batch = rest
        else:
            rest = batch
        for cell in rest.tolist():
            index = np.array([cell])
            witness = self._change(index, hidden, up=self.need[index])
            found[cell] = (witness,) if witness is not None else self._both_ways(index, hidden)
        return found

    def keep(self, found: dict[int, tuple[Witness, ...]]) -> None:
        """Suppress the cells the witnesses change; remember the cells they lift far enough."""
        for witnesses in found.values():
            for witness in witnesses:
                self.suppressed[witness.zellen] = True
                far = witness.aenderung >= self.need[witness.zellen] - TOLERANCE
                for other in witness.zellen[far].tolist():
                    self.lifted.setdefault(other, witness)

    def _both_ways(self, cell: np.ndarray, hidden: np.ndarray) -> tuple[Witness, ...]:
        """A change lowering the cell to 0 and, if sensitive, one lifting it by k - value."""
        value = self.table.wert[cell]
        changes = [self._change(cell, hidden, down=value)]
        if self.sensitive[cell[0]]:
            changes.append(self._change(cell, hidden, up=self.k - value))
        if any(change is None for change in changes):
            raise ProtectionFailed(f"Zelle {int(cell[0])} lässt sich nicht schützen.")
        return tuple(changes)

    def _spared_change(
        self, cells: np.ndarray, hidden: np.ndarray
    ) -> tuple[Witness | None, np.ndarray]:
        """The cheapest change lifting as many of the cells as it can within the first region
        and without touching a visible spared cell, its cells added to `hidden`; and the cells
        it leaves unlifted."""
        region = self._region(cells, REGION, hidden)
        need = self.need[cells]
        solved = self._solve(cells, need, None, region, hidden, spare=True, elastic=True)
        if solved is None:
            return None, cells
        change, shortfall = solved
        unlifted = shortfall > TOLERANCE
        if unlifted.all():
            return None, cells
        if unlifted.any():
            # Once more without the cells left out, so that their partial lifts suppress nothing.
            solved = self._solve(
                cells[~unlifted], need[~unlifted], None, region, hidden, spare=True
            )
            if solved is None:
                return None, cells
            change = solved[0]
        return self._witness(cells[~unlifted], change, hidden), cells[unlifted]

    def _change(
        self,
        cells: np.ndarray,
        hidden: np.ndarray,
        up: np.ndarray | None = None,
        down: np.ndarray | None = None,
    ) -> Witness | None:
        """The cheapest change lifting the cells by `up` (or lowering them by `down`), its
        cells added to `hidden`; None if there is none. It is sought in the first region, and
        where there is none, in ever larger ones."""
        size = REGION
        while True:
            region = self._region(cells, size, hidden)
            solved = self._solve(cells, up, down, region, hidden)
            if solved is not None:
                return self._witness(cells, solved[0], hidden)
            if len(region) < size:  # no more cells
                return None
            size *= 4

    @staticmethod
    def _witness(cells: np.ndarray, change: np.ndarray, hidden: np.ndarray) -> Witness:
        """The change as the witness of the first cell; its cells are added to `hidden`."""
        changed = np.flatnonzero(np.abs(change) > TOLERANCE)
        hidden[changed] = True
        return Witness(zelle=int(cells[0]), zellen=changed, aenderung=change[changed])

    def _region(self, cells: np.ndarray, size: int, hidden: np.ndarray) -> np.ndarray:
        """About `size` cells nearest the cells through shared relations, hidden ones first."""
        table = self.table
        inside = np.zeros(self.n, dtype=bool)
        inside[cells] = True
        while (room := size - int(inside.sum())) > 0:
            touched = np.bincount(table.gruppe, inside[table.zelle], table.groups) > 0
            ring = np.flatnonzero(
                (np.bincount(table.zelle, touched[table.gruppe], self.n) > 0) & ~inside
            )
            if not len(ring):
                break
            inside[ring[np.argsort(~hidden[ring], kind="stable")[:room]]] = True
        return np.flatnonzero(inside)

    def _solve(
        self,
        cells: np.ndarray,
        up: np.ndarray | None,
        down: np.ndarray | None,
        region: np.ndarray,
        hidden: np.ndarray,
        spare: bool = False,
        elastic: bool = False,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The cheapest change (one value per cell of the table) changing only the region's
        cells, with `spare` none of its visible spared cells; None if there is none. With
        `elastic` a lift may fall short, at a cost above that of any change: the second value
        is by how much, per cell (else zeros)."""
        table = self.table
        size = len(region)
        members = np.flatnonzero(np.isin(table.zelle, region))
        groups, rows = np.unique(table.gruppe[members], return_inverse=True)
        cols = np.searchsorted(region, table.zelle[members])
        coef = table.koeffizient[members]
        equal = table.gleichung[groups]
        # Columns: y_up (0 .. size-1), y_down (size .. 2 size-1); y = y_up - y_down.
        fixed = table.bekannt[region]
        if spare:
            fixed = fixed | (self.spared[region] & ~hidden[region])
        up_high = np.where(fixed, 0.0, highspy.kHighsInf)
        down_high = np.where(fixed, 0.0, table.wert[region])
        up_low = np.zeros(size)
        down_low = np.zeros(size)
        at = np.searchsorted(region, cells)
        if up is not None:
            up_low[at] = 0.0 if elastic else up
            down_high[at] = 0.0
        else:
            up_high[at] = 0.0
            down_low[at] = down_high[at] = down
        cost = self._cost(region, hidden)
        row_lower = np.where(equal, 0.0, -highspy.kHighsInf)
        row_upper = np.where(equal, 0.0, self.slack[groups])
        entries = (np.r_[rows, rows], np.r_[cols, cols + size], np.r_[coef, -coef])
        short = np.zeros(0)
        if elastic:
            # Columns 2 size .. : the shortfall s of each lift, in a row y_up + s >= up.
            lifts = len(groups) + np.arange(len(cells))
            short = np.zeros(len(cells))
            row_lower = np.r_[row_lower, up]
            row_upper = np.r_[row_upper, np.full(len(cells), highspy.kHighsInf)]
            entries = (
                np.r_[entries[0], lifts, lifts],
                np.r_[entries[1], at, 2 * size + np.arange(len(cells))],
                np.r_[entries[2], np.ones(2 * len(cells))],
            )
        solver = highs_model(
            cost=np.r_[cost, cost, np.full(len(short), SHORTFALL)],
            col_lower=np.r_[up_low, down_low, short],
            col_upper=np.r_[up_high, down_high, up if elastic else short],
            row_lower=row_lower,
            row_upper=row_upper,
            rows=entries[0],
            cols=entries[1],
            values=entries[2],
        )
        # Presolve costs more than it saves on these programmes (half the time at scale 1).
        solver.setOptionValue("presolve", "off")
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        y = np.asarray(solver.getSolution().col_value)
        change = np.zeros(self.n)
        change[region] = y[:size] - y[size : 2 * size]
        return change, (y[2 * size :] if elastic else np.zeros(len(cells)))
