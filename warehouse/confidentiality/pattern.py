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

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
from warehouse.confidentiality.memo import Memo, key
from warehouse.confidentiality.solver import highs_model
from warehouse.confidentiality.table import LinkedTable, distinct

MAX_ROUNDS = 200
# Narrowed cells lifted together by one change (see `Shield.lift`): one change per cell
# suppresses least, but at scale 1 about 2.000 programmes over the whole table take minutes;
# 16 at a time take about a fifth of that for about a tenth more suppressions.
BATCH = 16
# Cells a change may first touch (see `Shield`).
REGION = 4_000
# Batches lifted side by side, each for the pattern as it stood before them (a fixed number,
# not the machine's cores, so that every machine chooses the same pattern).
WAVE = 4


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
    # taken whole from the last build's memo (the same table, checked by the same code)
    aus_speicher: bool = False


def protect(
    table: LinkedTable,
    k: int,
    forced: np.ndarray | None = None,
    unpublished: np.ndarray | None = None,
    spared: np.ndarray | None = None,
    memo: Memo | None = None,
) -> Protection:
    """Suppression pattern for the table, proven by the attacker check.

    `forced` cells are suppressed from the start; `unpublished` cells are never shown (always
    hidden, not sensitive, but their small counts must not be narrowed into 1 .. k-1 either);
    `spared` cells (the headline figures: totals of a quarter or longer) are suppressed only
    to shield one cell that nothing else shields, never for several cells lifted together.
    `memo` holds the last build's programmes and pattern: those unchanged are not solved
    again, and an unchanged table (checked by the same code) gets the last pattern whole.
    """
    memo = memo or Memo()
    started = time.perf_counter()
    name = key(
        _code(), table.wert, table.gewicht, table.gruppe, table.zelle, table.summe,
        table.gleichung, table.bekannt, k, forced, unpublished, spared,
    )  # fmt: skip
    found, answer = memo.get(name)
    if found and answer is not None:
        # the same table and code as the last build: its pattern; its programmes stay kept
        memo.keep_earlier()
        return _from_memo(answer, started)
    protection = _protect(table, k, forced, unpublished, spared, memo, started)
    memo.put(name, _to_memo(protection))
    return protection


@cache
def _code() -> str:
    """A digest of this package's code: a pattern stored by other code is not taken."""
    sources = sorted(Path(__file__).parent.glob("*.py"))
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()


def _to_memo(protection: Protection) -> list[np.ndarray]:
    """A protection as the memo's list of arrays."""
    proof = protection.pruefung
    counts = [proof.komponenten, proof.groesste_komponente, protection.runden]
    arrays = [
        protection.unterdrueckt, protection.primaer, proof.zellen, proof.sensibel,
        proof.minimum, proof.maximum, proof.fehlgeschlagen, np.array(counts, dtype=np.int64),
    ]  # fmt: skip
    return [array.copy() for array in arrays]


def _from_memo(answer: list[np.ndarray], started: float) -> Protection:
    """A protection from the memo's list of arrays."""
    # copies: the memo keeps its arrays for the file it writes
    suppressed, primary, cells, sensitive, low, high, failed, counts = (a.copy() for a in answer)
    components, largest, rounds = (int(c) for c in counts)
    return Protection(
        unterdrueckt=suppressed,
        primaer=primary,
        pruefung=Attack(cells, sensitive, low, high, components, largest, failed),
        runden=rounds,
        sekunden=time.perf_counter() - started,
        aus_speicher=True,
    )


def _protect(
    table: LinkedTable,
    k: int,
    forced: np.ndarray | None,
    unpublished: np.ndarray | None,
    spared: np.ndarray | None,
    memo: Memo,
    started: float,
) -> Protection:
    """`protect` without the memo of whole patterns."""
    none = np.zeros(len(table.wert), dtype=bool)
    unpublished = none if unpublished is None else unpublished
    # a known cell (a constant, a value a signed-off version published) has nothing to hide
    small = (table.wert >= 1) & (table.wert < k) & ~table.bekannt
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
            memo=memo,
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
        shield = Shield(table, suppressed, k, primary, none if spared is None else spared, memo)
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
        memo: Memo | None = None,
    ) -> None:
        self.table = table
        self.memo = memo or Memo()
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

        One change for several cells costs one programme; where no single change lifts them
        all, they are lifted in halves. A cell no change can lift far enough (a known cell
        caps it) is lowered to 0 instead, and a sensitive one also lifted by the rest of k.
        Nothing is suppressed yet (`keep` does that), so lifts can run side by side.
        """
        hidden = self.suppressed.copy()
        found = {cell: (self.lifted[cell].fuer(cell),) for cell in cells if cell in self.lifted}
        batches = [[cell for cell in cells if cell not in found]]
        while batches:
            batch = batches.pop()
            if not batch:
                continue
            index = np.array(sorted(set(batch)), dtype=np.int64)
            witness = self._change(index, hidden, up=self.need[index], spare=len(index) > 1)
            if witness is not None:
                found.update({cell: (witness.fuer(cell),) for cell in batch})
            elif len(batch) > 1:
                half = len(batch) // 2
                batches += [batch[:half], batch[half:]]
            else:
                found[batch[0]] = self._both_ways(index, hidden)
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

    def _change(
        self,
        cells: np.ndarray,
        hidden: np.ndarray,
        up: np.ndarray | None = None,
        down: np.ndarray | None = None,
        spare: bool = False,
    ) -> Witness | None:
        """The cheapest change lifting the cells by `up` (or lowering them by `down`), its
        cells added to `hidden`; None if there is none. With `spare` (several cells at once)
        the change leaves visible spared cells alone and is sought in the first region only:
        where that fails, the cells are lifted in smaller batches."""
        size = REGION
        while True:
            region = self._region(cells, size, hidden)
            change = self._solve(cells, up, down, region, hidden, spare)
            if change is not None:
                break
            if spare or len(region) < size:  # spared cells in the way, or no more cells
                return None
            size *= 4
        changed = np.flatnonzero(np.abs(change) > TOLERANCE)
        hidden[changed] = True
        return Witness(zelle=int(cells[0]), zellen=changed, aenderung=change[changed])

    def _region(self, cells: np.ndarray, size: int, hidden: np.ndarray) -> np.ndarray:
        """About `size` cells nearest the cells through shared relations, hidden ones first."""
        table = self.table
        inside = np.zeros(self.n, dtype=bool)
        inside[cells] = True
        room = size - len(cells)
        ring = cells
        # Ring by ring: only the last ring is cut short, so each ring borders the one before.
        while room > 0 and len(ring):
            groups = distinct(table.gruppe[table.memberships_of_cells(ring)], table.groups)
            near = distinct(table.zelle[table.memberships_of_groups(groups)], self.n)
            near = near[~inside[near]]
            ring = near[np.argsort(~hidden[near], kind="stable")[:room]]
            inside[ring] = True
            room -= len(ring)
        return np.flatnonzero(inside)

    def _solve(
        self,
        cells: np.ndarray,
        up: np.ndarray | None,
        down: np.ndarray | None,
        region: np.ndarray,
        hidden: np.ndarray,
        spare: bool = False,
    ) -> np.ndarray | None:
        """The cheapest change (one value per cell of the table) changing only the region's
        cells, with `spare` none of its visible spared cells; None if there is none."""
        table = self.table
        size = len(region)
        members = table.memberships_of_cells(region)
        groups = distinct(table.gruppe[members], table.groups)
        rows = _positions(groups, table.groups)[table.gruppe[members]]
        cols = _positions(region, self.n)[table.zelle[members]]
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
            up_low[at] = up
            down_high[at] = 0.0
        else:
            up_high[at] = 0.0
            down_low[at] = down_high[at] = down
        cost = self._cost(region, hidden)
        row_upper = np.where(equal, 0.0, self.slack[groups])
        # Every number of the programme (in compact types: hashing is part of its cost).
        name = key(
            size,
            cost,
            up_low,
            up_high,
            down_low,
            down_high,
            equal,
            row_upper,
            rows.astype(np.int32),
            cols.astype(np.int32),
            coef.astype(np.int8),
        )
        found, answer = self.memo.get(name)
        if not found:
            solver = highs_model(
                cost=np.r_[cost, cost],
                col_lower=np.r_[up_low, down_low],
                col_upper=np.r_[up_high, down_high],
                row_lower=np.where(equal, 0.0, -highspy.kHighsInf),
                row_upper=row_upper,
                rows=np.r_[rows, rows],
                cols=np.r_[cols, cols + size],
                values=np.r_[coef, -coef],
            )
            # Presolve costs more than it saves on these programmes (half the time at scale 1).
            solver.setOptionValue("presolve", "off")
            solver.run()
            answer = None
            if solver.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                y = np.asarray(solver.getSolution().col_value)
                moved = np.flatnonzero(y)  # a change touches few of the region's cells
                answer = [moved, y[moved]]
            self.memo.put(name, answer)
        if answer is None:
            return None
        y = np.zeros(2 * size)
        y[answer[0]] = answer[1]
        change = np.zeros(self.n)
        change[region] = y[:size] - y[size:]
        return change


def _positions(items: np.ndarray, size: int) -> np.ndarray:
    """Where each of the sorted items stands in them, looked up by item (0 .. size-1)."""
    at = np.zeros(size, dtype=np.int64)
    at[items] = np.arange(len(items))
    return at
