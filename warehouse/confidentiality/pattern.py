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
from dataclasses import dataclass

import highspy
import numpy as np

from warehouse.confidentiality.audit import (
    TOLERANCE,
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
# 16 at a time take about a fifth of that for about a tenth more suppressions.
BATCH = 16


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
) -> Protection:
    """Suppression pattern for the table, proven by the attacker check.

    `forced` cells are suppressed from the start; `unpublished` cells are never shown (always
    hidden, not sensitive, but their small counts must not be narrowed into 1 .. k-1 either).
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
        shield = Shield(table, suppressed, k, primary)
        failed = proof.fehlgeschlagen.tolist()
        for start in range(0, len(failed), BATCH):
            witnesses.update(shield.lift(failed[start : start + BATCH]))
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
    """Finds, for one narrowed cell at a time, the cheapest visible cells to suppress.

    A linear programme over the whole table: a change y that keeps every relation, keeps
    every cell >= 0, leaves known cells alone and lifts the cell by k, at least cost (the
    `gewicht` of each visible cell it changes, times the change; suppressed cells are
    nearly free). Once the changed cells are suppressed, the true table and the true table
    + y are both consistent with what is published, so the cell's interval is at least k
    wide, whatever else is suppressed later. One model serves all cells of a round: only
    the lifted cell's bounds and the costs of newly suppressed cells change between solves,
    so each solve starts from the previous optimum.
    """

    def __init__(
        self, table: LinkedTable, suppressed: np.ndarray, k: int, sensitive: np.ndarray
    ) -> None:
        self.table = table
        self.suppressed = suppressed.copy()
        self.k = k
        self.sensitive = sensitive
        # How far a lift must go: k for a sensitive cell, up to k for any other.
        self.need = np.where(sensitive, float(k), k - table.wert)
        n = len(table.wert)
        self.n = n
        coef = table.koeffizient
        # Room left in each bound by the true values (0 for an equation).
        slack = -np.bincount(table.gruppe, coef * table.wert[table.zelle], table.groups)
        infinity = highspy.kHighsInf
        known = table.bekannt
        # Columns: y_up (0 .. n-1), y_down (n .. 2n-1); y = y_up - y_down.
        self.down_high = np.where(known, 0.0, table.wert)
        cost = self._cost(np.arange(n))
        self.solver = highs_model(
            cost=np.r_[cost, cost],
            col_lower=np.zeros(2 * n),
            col_upper=np.r_[np.where(known, 0.0, infinity), self.down_high],
            row_lower=np.where(table.gleichung, 0.0, -infinity),
            row_upper=np.where(table.gleichung, 0.0, slack),
            rows=np.r_[table.gruppe, table.gruppe],
            cols=np.r_[table.zelle, table.zelle + n],
            values=np.r_[coef, -coef],
        )
        # Cells an earlier change of this round already lifts far enough: it is theirs too.
        self.lifted: dict[int, Witness] = {}

    def _cost(self, cells: np.ndarray) -> np.ndarray:
        """Cost of changing each cell by one: its weight if visible, almost 0 if suppressed."""
        hidden = self.suppressed[cells] & ~self.table.bekannt[cells]
        return np.where(hidden, 1e-3, self.table.gewicht[cells].astype(np.float64) + 1.0)

    def lift(self, cells: list[int]) -> dict[int, tuple[Witness, ...]]:
        """Suppress the cells of the cheapest change lifting all the cells; their witnesses.

        One change for several cells costs one programme; where no single change lifts them
        all, they are lifted in halves. A cell no change can lift far enough (a known cell
        caps it) is lowered to 0 instead, and a sensitive one also lifted by the rest of k.
        """
        found = {cell: (self.lifted[cell].fuer(cell),) for cell in cells if cell in self.lifted}
        batches = [[cell for cell in cells if cell not in found]]
        while batches:
            batch = batches.pop()
            if not batch:
                continue
            index = np.array(sorted(set(batch)), dtype=np.int32)
            witness = self._change(index, up=self.need[index])
            if witness is not None:
                found.update({cell: (witness.fuer(cell),) for cell in batch})
            elif len(batch) > 1:
                half = len(batch) // 2
                batches += [batch[:half], batch[half:]]
            else:
                found[batch[0]] = self._both_ways(index)
        return found

    def _both_ways(self, cell: np.ndarray) -> tuple[Witness, ...]:
        """A change lowering the cell to 0 and, if sensitive, one lifting it by k - value."""
        value = self.table.wert[cell]
        changes = [self._change(cell, down=value)]
        if self.sensitive[cell[0]]:
            changes.append(self._change(cell, up=self.k - value))
        if any(change is None for change in changes):
            raise ProtectionFailed(f"Zelle {int(cell[0])} lässt sich nicht schützen.")
        return tuple(changes)

    def _change(
        self, cells: np.ndarray, up: np.ndarray | None = None, down: np.ndarray | None = None
    ) -> Witness | None:
        """The cheapest change lifting the cells by `up` (or lowering them by `down`), its
        cells suppressed; None if there is none."""
        n = self.n
        count = len(cells)
        infinite = np.full(count, highspy.kHighsInf)
        zero = np.zeros(count)
        if up is not None:
            self.solver.changeColsBounds(count, cells, up, infinite)
            self.solver.changeColsBounds(count, cells + n, zero, zero)
        else:
            self.solver.changeColsBounds(count, cells, zero, zero)
            self.solver.changeColsBounds(count, cells + n, down, down)
        self.solver.run()
        status = self.solver.getModelStatus()
        self.solver.changeColsBounds(count, cells, zero, infinite)
        self.solver.changeColsBounds(count, cells + n, zero, self.down_high[cells])
        if status != highspy.HighsModelStatus.kOptimal:
            return None
        y = np.asarray(self.solver.getSolution().col_value)
        change = y[:n] - y[n:]
        changed = np.flatnonzero(np.abs(change) > TOLERANCE)
        new = changed[~self.suppressed[changed]]
        if len(new):
            self.suppressed[new] = True
            cost = self._cost(new)
            cols = np.r_[new, new + n].astype(np.int32)
            self.solver.changeColsCost(len(cols), cols, np.r_[cost, cost])
        witness = Witness(zelle=int(cells[0]), zellen=changed, aenderung=change[changed])
        for other in changed[change[changed] >= self.need[changed] - TOLERANCE].tolist():
            self.lifted.setdefault(other, witness)
        return witness
