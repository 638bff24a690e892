"""Small linked tables for the confidentiality tests, and a brute-force attacker."""

from __future__ import annotations

import itertools

import numpy as np

from warehouse.confidentiality.table import LinkedTable


def grid(values: list[list[int]]) -> tuple[LinkedTable, dict[str, int]]:
    """A two-way table with row, column and grand totals; cell names like 'r0c1', 'r0', 'c1'."""
    rows, cols = len(values), len(values[0])
    names: dict[str, int] = {}
    wert: list[float] = []
    gewicht: list[int] = []

    def cell(name: str, value: float, weight: int) -> int:
        names[name] = len(wert)
        wert.append(value)
        gewicht.append(weight)
        return names[name]

    inner = [[cell(f"r{r}c{c}", values[r][c], 0) for c in range(cols)] for r in range(rows)]
    row_total = [cell(f"r{r}", sum(values[r]), 1) for r in range(rows)]
    col_total = [cell(f"c{c}", sum(v[c] for v in values), 1) for c in range(cols)]
    grand = cell("gesamt", sum(map(sum, values)), 2)
    relations = [(inner[r], row_total[r]) for r in range(rows)]
    relations += [([inner[r][c] for r in range(rows)], col_total[c]) for c in range(cols)]
    relations += [(row_total, grand), (col_total, grand)]
    return equations(wert, gewicht, relations), names


def equations(
    wert: list[float], gewicht: list[int], relations: list[tuple[list[int], int]]
) -> LinkedTable:
    """A linked table of equations sum(parts) = total."""
    gruppe, zelle, summe = [], [], []
    for number, (parts, total) in enumerate(relations):
        for member, is_total in [*((p, False) for p in parts), (total, True)]:
            gruppe.append(number)
            zelle.append(member)
            summe.append(is_total)
    return LinkedTable.build(wert, gewicht, gruppe, zelle, summe, [True] * len(gruppe))


def integer_ranges(table: LinkedTable, hidden: np.ndarray, top: int) -> dict[int, tuple]:
    """Smallest and largest whole value of each hidden cell over all whole solutions 0..top.

    Tries every assignment: an attacker that knows no linear programming, for tables of a
    few hidden cells only.
    """
    cells = np.flatnonzero(hidden)
    guesses = np.array(list(itertools.product(range(top + 1), repeat=len(cells))))
    values = np.tile(table.wert, (len(guesses), 1))
    values[:, cells] = guesses
    matrix = np.zeros((table.groups, len(table.wert)))
    np.add.at(matrix, (table.gruppe, table.zelle), table.koeffizient)
    lhs = values @ matrix.T
    ok = np.where(table.gleichung, np.abs(lhs) < 1e-9, lhs < 1e-9).all(axis=1)
    found = guesses[ok]
    return {int(c): (int(found[:, i].min()), int(found[:, i].max())) for i, c in enumerate(cells)}
