"""Confidentiality benchmark: joint suppression and the attacker check on a linked table.

The table has the shape of the case counts: nine towns and the Kreis, months adding up to
quarters, half-years and the year, and a breakdown of each cell into a few parts; counts
are drawn per town from Poisson distributions as small as Breckerfeld's and as large as
Witten's. Prints figures only (no assertions): cells, primary and secondary suppressions,
components, the largest component, rounds and seconds, against a baseline measured in the
same run (closing the relations one at a time, the old rule, without the check).

    .venv/bin/python benchmarks/bench_confidentiality.py [--jahre 2] [--teile 4] [--seed 1]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from warehouse.confidentiality.audit import attack
from warehouse.confidentiality.pattern import close, protect
from warehouse.confidentiality.table import LinkedTable

K = 3
# Mean monthly count per part of a cell, town by town (the Kreis is their sum).
TOWN_MEANS = (0.4, 0.8, 1.2, 2.0, 2.5, 3.0, 4.0, 6.0, 9.0)


def linked_table(years: int, parts: int, seed: int) -> LinkedTable:
    """Towns x months x parts, with Kreis, quarter, half-year, year and part totals."""
    rng = np.random.default_rng(seed)
    months = 12 * years
    towns = len(TOWN_MEANS)
    leaf = rng.poisson(np.asarray(TOWN_MEANS)[:, None, None], (towns, months, parts))
    # Index 0 of the part axis is the row without breakdown (the sum of the parts).
    cube = np.concatenate([leaf.sum(axis=2, keepdims=True), leaf], axis=2)
    cube = np.concatenate([cube, cube.sum(axis=0, keepdims=True)], axis=0)
    levels = [cube]
    for size in (3, 2, 2):  # months -> quarters -> half-years -> years
        last = levels[-1]
        levels.append(last.reshape(towns + 1, -1, size, parts + 1).sum(axis=2))
    ids = []
    offset = 0
    for level in levels:
        ids.append(np.arange(level.size).reshape(level.shape) + offset)
        offset += level.size
    wert = np.concatenate([level.ravel() for level in levels]).astype(float)
    gewicht = np.concatenate(
        [
            (
                rank
                + 6 * (np.arange(towns + 1) == towns)[:, None, None]
                + 3 * (np.arange(parts + 1) == 0)[None, None, :]
                + np.zeros(level.shape, dtype=int)
            ).ravel()
            for rank, level in enumerate(levels)
        ]
    )
    relations: list[tuple[np.ndarray, int]] = []
    for level in ids:
        for period in range(level.shape[1]):
            for part in range(parts + 1):
                relations.append((level[:towns, period, part], level[towns, period, part]))
            for town in range(towns + 1):
                relations.append((level[town, period, 1:], level[town, period, 0]))
    for short, long, size in zip(ids, ids[1:], (3, 2, 2), strict=False):
        for town in range(towns + 1):
            for period in range(long.shape[1]):
                for part in range(parts + 1):
                    children = short[town, period * size : (period + 1) * size, part]
                    relations.append((children, long[town, period, part]))
    gruppe, zelle, summe = [], [], []
    for number, (members, total) in enumerate(relations):
        gruppe += [number] * (len(members) + 1)
        zelle += [*members.tolist(), int(total)]
        summe += [False] * len(members) + [True]
    return LinkedTable.build(wert, gewicht, gruppe, zelle, summe, [True] * len(gruppe))


def _de(number: int) -> str:
    """A whole number in German format (1.234)."""
    return f"{number:,}".replace(",", ".")


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jahre", type=int, default=2)
    parser.add_argument("--teile", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    table = linked_table(args.jahre, args.teile, args.seed)
    table.check()
    primary = (table.wert >= 1) & (table.wert < K)

    started = time.perf_counter()
    closed = close(table, primary, primary, K)
    baseline = time.perf_counter() - started
    leaks = attack(table, closed, primary, K)

    result = protect(table, K)
    proof = result.pruefung
    cells = len(table.wert)
    hidden = int(result.unterdrueckt.sum())
    print(f"Zellen {_de(cells)}, Beziehungen {_de(table.groups)}")
    print(f"primär gesperrt     {int(primary.sum()):>7} ({primary.mean():.1%})")
    print(f"sekundär gesperrt   {hidden - int(primary.sum()):>7} ({hidden / cells:.1%} zusammen)")
    print(
        f"nur Gruppenregeln:  {int(closed.sum()):>7} gesperrt, davon eingrenzbar "
        f"{len(leaks.fehlgeschlagen)} von {len(leaks.zellen)} kleinen Werten"
    )
    print(
        f"Komponenten {proof.komponenten}, größte {proof.groesste_komponente} Zellen, "
        f"Runden {result.runden}, engstes Intervall {proof.engstes_intervall:.0f}"
    )
    print(
        f"Sekunden: Prüfung und Sperrung {result.sekunden:.2f}, "
        f"Gruppenregeln allein {baseline:.3f} (Verhältnis {result.sekunden / baseline:.0f}x)"
    )


if __name__ == "__main__":
    main()
