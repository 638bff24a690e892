"""The linked table: count cells and the relations between them, as flat arrays."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class LinkedTable:
    """Count cells and relations; a relation reads `sum(parts) - sum(totals) (= | <=) 0`.

    `wert[i]` is cell i's true value, `gewicht[i]` what suppressing it costs readers (lower
    is suppressed first). Membership row m says cell `zelle[m]` belongs to relation
    `gruppe[m]`, as its total when `summe[m]`. `gleichung[g]` tells an equation from a bound.
    `bekannt[i]` marks cells a reader knows even when suppressed (an identical value in a
    signed-off version of the table).
    """

    wert: np.ndarray
    gewicht: np.ndarray
    gruppe: np.ndarray
    zelle: np.ndarray
    summe: np.ndarray
    gleichung: np.ndarray
    bekannt: np.ndarray

    @classmethod
    def build(
        cls,
        wert,
        gewicht,
        gruppe,
        zelle,
        summe,
        gleichung,
        bekannt=None,
    ) -> LinkedTable:
        """A table from array-likes, one entry per cell or per membership (`gleichung` too).

        Relation numbers may be any integers; they are made dense (0 .. groups-1).
        """
        wert = np.asarray(wert, dtype=np.float64)
        _, dense = np.unique(np.asarray(gruppe), return_inverse=True)
        per_group = np.zeros(int(dense.max(initial=-1)) + 1, dtype=bool)
        per_group[dense] = np.asarray(gleichung, dtype=bool)
        return cls(
            wert=wert,
            gewicht=np.asarray(gewicht, dtype=np.int64),
            gruppe=dense.astype(np.int64),
            zelle=np.asarray(zelle, dtype=np.int64),
            summe=np.asarray(summe, dtype=bool),
            gleichung=per_group,
            bekannt=(
                np.zeros(len(wert), dtype=bool)
                if bekannt is None
                else np.asarray(bekannt, dtype=bool)
            ),
        )

    @property
    def groups(self) -> int:
        """Number of relations."""
        return len(self.gleichung)

    @cached_property
    def koeffizient(self) -> np.ndarray:
        """Coefficient of each membership: +1 for a part, -1 for a total."""
        return np.where(self.summe, -1.0, 1.0)

    @cached_property
    def _by_cell(self) -> tuple[np.ndarray, np.ndarray]:
        """Membership rows ordered by cell, and where each cell's run starts (CSR)."""
        order = np.argsort(self.zelle, kind="stable")
        return order, np.searchsorted(self.zelle[order], np.arange(len(self.wert) + 1))

    @cached_property
    def _by_group(self) -> tuple[np.ndarray, np.ndarray]:
        """Membership rows ordered by relation, and where each relation's run starts (CSR)."""
        order = np.argsort(self.gruppe, kind="stable")
        return order, np.searchsorted(self.gruppe[order], np.arange(self.groups + 1))

    def memberships_of_cells(self, cells: np.ndarray) -> np.ndarray:
        """Membership rows of the cells, cell by cell."""
        return gather(*self._by_cell, cells)

    def memberships_of_groups(self, groups: np.ndarray) -> np.ndarray:
        """Membership rows of the relations, relation by relation."""
        return gather(*self._by_group, groups)

    def check(self) -> None:
        """Raise when the relations do not hold for the true values (wrong relation data)."""
        lhs = np.bincount(self.gruppe, self.koeffizient * self.wert[self.zelle], self.groups)
        broken = np.where(self.gleichung, np.abs(lhs) > 1e-6, lhs > 1e-6)
        if broken.any():
            raise ValueError(f"{int(broken.sum())} Beziehungen gelten für die Werte nicht")


def gather(values: np.ndarray, start: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The runs values[start[key] : start[key + 1]] of the keys, one after the other."""
    low = start[keys]
    lengths = start[keys + 1] - low
    ends = np.cumsum(lengths)
    total = int(ends[-1]) if len(ends) else 0
    return values[np.repeat(low - ends + lengths, lengths) + np.arange(total)]


def distinct(values: np.ndarray, size: int) -> np.ndarray:
    """The sorted distinct values, all in 0 .. size-1 (a mask: for the long lists of cells
    and relations of a region, faster than np.unique)."""
    seen = np.zeros(size, dtype=bool)
    seen[values] = True
    return np.flatnonzero(seen)
