"""Joint secondary suppression: choose what to suppress so that the attacker check passes.

1. Primary: every count of 1 .. k-1 (and whatever a signed-off version already suppressed).
2. Closing every relation (cheap, repeated until nothing changes): an equation with exactly
   one suppressed member would give it away; one with a visible total whose suppressed parts
   hold a small count and add up to less than k pins that count between 0 and the sum. In
   both cases the cheapest visible member is suppressed too (parts before the total).
3. The attacker check (`audit.attack`) on every component of linked suppressed cells. For
   each sensitive cell that can still be narrowed, the cheapest visible member of one of its
   relations is suppressed; then 2 and 3 again for the components that changed.
Cheapest means: enough to protect (a value of at least what is missing), then the lowest
`gewicht` (months before years, breakdowns before totals, towns before the Kreis), then the
smallest value.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from warehouse.confidentiality.audit import Attack, attack
from warehouse.confidentiality.table import LinkedTable

MAX_ROUNDS = 200


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


def protect(table: LinkedTable, k: int, forced: np.ndarray | None = None) -> Protection:
    """Suppression pattern for the table, proven by the attacker check."""
    started = time.perf_counter()
    primary = (table.wert >= 1) & (table.wert < k)
    suppressed = primary.copy() if forced is None else primary | forced
    suppressed = close(table, suppressed, primary, k)
    result = attack(table, suppressed, primary, k)
    rounds = 0
    while not result.ok:
        rounds += 1
        if rounds > MAX_ROUNDS:
            raise ProtectionFailed(
                f"Nach {MAX_ROUNDS} Runden sind noch {len(result.fehlgeschlagen)} kleine Werte "
                "eingrenzbar."
            )
        before = suppressed.copy()
        suppressed[_widen(table, suppressed, result.fehlgeschlagen, k)] = True
        suppressed = close(table, suppressed, primary, k)
        changed = np.union1d(np.flatnonzero(suppressed & ~before), result.fehlgeschlagen)
        result = attack(table, suppressed, primary, k, within=changed)
    # The final proof runs once more over the whole table, independent of the rounds above.
    proof = attack(table, suppressed, primary, k)
    if not proof.ok:
        raise ProtectionFailed(
            f"{len(proof.fehlgeschlagen)} kleine Werte sind trotz Sperrung eingrenzbar."
        )
    return Protection(
        unterdrueckt=suppressed,
        primaer=primary,
        pruefung=proof,
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
                table.gewicht[cell[rows]],
                total[rows],
                value[rows] < need,
                group[rows],
            )
        )
        rows = rows[order]
        first = np.r_[True, np.diff(group[rows]) != 0]
        suppressed[cell[rows[first]]] = True


def _widen(table: LinkedTable, suppressed: np.ndarray, failed: np.ndarray, k: int) -> np.ndarray:
    """For each narrowed cell, the cheapest visible member of a relation near it.

    Its own relations first; where all their members are suppressed already, the relations
    of those members, and so on outwards.
    """
    chosen = []
    for cell in failed.tolist():
        near = np.array([cell])
        while True:
            groups = np.unique(table.gruppe[np.isin(table.zelle, near)])
            members = np.unique(table.zelle[np.isin(table.gruppe, groups)])
            visible = members[~suppressed[members]]
            if len(visible):
                break
            if len(members) == len(near):
                raise ProtectionFailed(f"Zelle {cell} lässt sich nicht schützen.")
            near = members
        order = np.lexsort(
            (visible, table.wert[visible], table.gewicht[visible], table.wert[visible] < k)
        )
        chosen.append(visible[order[0]])
    return np.unique(np.asarray(chosen, dtype=np.int64))
