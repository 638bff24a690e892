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
    wert: list[float],
    gewicht: list[int],
    relations: list[tuple[list[int], int]],
    bounds: list[tuple[list[int], int]] = (),
) -> LinkedTable:
    """A linked table of equations sum(parts) = total, and bounds sum(parts) <= total."""
    gruppe, zelle, summe, gleichung = [], [], [], []
    kinds = [*((r, True) for r in relations), *((b, False) for b in bounds)]
    for number, ((parts, total), equal) in enumerate(kinds):
        for member, is_total in [*((p, False) for p in parts), (total, True)]:
            gruppe.append(number)
            zelle.append(member)
            summe.append(is_total)
            gleichung.append(equal)
    return LinkedTable.build(wert, gewicht, gruppe, zelle, summe, gleichung)


def quarters_of_two_towns() -> tuple[LinkedTable, dict[str, int], np.ndarray]:
    """A target group the Kreis publishes by quarter and its two towns only by half-year.

    Town A has 1 case of the group in Q1 (of 3 in all) and none in Q2 (of none). The towns'
    quarters of the group are not published (the mask returned), yet they add up to the
    Kreis's quarters and never exceed the towns' quarters for all groups: B's Q1 holds at
    most 3 of the Kreis's 4, so A's half-year holds at least 1, and at most A's 3 in all.
    """
    names: dict[str, int] = {}
    wert: list[float] = []
    for name, value in {
        "A_Q1": 1, "A_Q2": 0, "B_Q1": 3, "B_Q2": 5,  # the group, unpublished
        "A_H1": 1, "B_H1": 8, "K_Q1": 4, "K_Q2": 5, "K_H1": 9,  # the group
        "A_alle_Q1": 3, "A_alle_Q2": 0, "B_alle_Q1": 3, "B_alle_Q2": 7,
        "A_alle_H1": 3, "B_alle_H1": 10,
    }.items():  # fmt: skip
        names[name] = len(wert)
        wert.append(value)
    n = names
    relations = [
        ([n["A_Q1"], n["B_Q1"]], n["K_Q1"]),
        ([n["A_Q2"], n["B_Q2"]], n["K_Q2"]),
        ([n["A_H1"], n["B_H1"]], n["K_H1"]),
        ([n["K_Q1"], n["K_Q2"]], n["K_H1"]),
        ([n["A_Q1"], n["A_Q2"]], n["A_H1"]),
        ([n["B_Q1"], n["B_Q2"]], n["B_H1"]),
        ([n["A_alle_Q1"], n["A_alle_Q2"]], n["A_alle_H1"]),
        ([n["B_alle_Q1"], n["B_alle_Q2"]], n["B_alle_H1"]),
    ]
    bounds = [
        ([n[f"{town}_{period}"]], n[f"{town}_alle_{period}"])
        for town in "AB"
        for period in ("Q1", "Q2", "H1")
    ]
    unpublished = np.zeros(len(wert), dtype=bool)
    unpublished[[n["A_Q1"], n["A_Q2"], n["B_Q1"], n["B_Q2"]]] = True
    return equations(wert, [0] * len(wert), relations, bounds), names, unpublished


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
