"""The memo of solved programmes: a build that reuses them chooses and proves what a build
solving every programme afresh would."""

from __future__ import annotations

import numpy as np

from tests.warehouse.confidentiality.tables import grid
from warehouse.confidentiality.memo import Memo
from warehouse.confidentiality.pattern import Protection, protect
from warehouse.confidentiality.table import LinkedTable

K = 3


def counts(seed: int = 2) -> list[list[int]]:
    """A table whose small counts closing the relations does not protect: the check and
    the shield both solve programmes (seed 2: one round of the shield)."""
    return np.random.default_rng(seed).poisson(6, (10, 8)).tolist()


def side_by_side(one: LinkedTable, other: LinkedTable) -> LinkedTable:
    """Two tables with no relation between them as one."""
    return LinkedTable.build(
        wert=np.r_[one.wert, other.wert],
        gewicht=np.r_[one.gewicht, other.gewicht],
        gruppe=np.r_[one.gruppe, other.gruppe + one.groups],
        zelle=np.r_[one.zelle, other.zelle + len(one.wert)],
        summe=np.r_[one.summe, other.summe],
        gleichung=np.r_[one.gleichung[one.gruppe], other.gleichung[other.gruppe]],
    )


def assert_same(one: Protection, other: Protection) -> None:
    """The same pattern and the same proof."""
    assert np.array_equal(one.unterdrueckt, other.unterdrueckt)
    assert np.array_equal(one.pruefung.zellen, other.pruefung.zellen)
    assert np.array_equal(one.pruefung.minimum, other.pruefung.minimum, equal_nan=True)
    assert np.array_equal(one.pruefung.maximum, other.pruefung.maximum, equal_nan=True)
    assert one.runden == other.runden


def test_the_next_build_answers_every_programme_from_the_memo_and_gets_the_same(tmp_path):
    table, _ = grid(counts())
    fresh = protect(table, K)
    assert fresh.runden >= 1  # the shield ran: both kinds of programme are in the memo
    path = tmp_path / "pruefspeicher.npz"
    first = Memo(path)
    assert_same(protect(table, K, memo=first), fresh)
    first.save()
    assert first.hits == 0 and len(first.used) > 1

    # The same table again: the pattern is taken whole, every programme kept for later.
    again = Memo(path)
    reused = protect(table, K, memo=again)
    assert_same(reused, fresh)
    assert reused.aus_speicher and not fresh.aus_speicher
    assert again.hits == 1 and again.used.keys() == first.used.keys()
    again.save()

    # Asked otherwise (no cell spared, spelled out): the pattern is sought again, with every
    # programme from the memo.
    third = Memo(path)
    spared = np.zeros(len(table.wert), dtype=bool)
    assert_same(protect(table, K, spared=spared, memo=third), fresh)
    assert third.hits == len(third.used) - 1 == len(first.used) - 1


def test_a_changed_table_gets_the_answers_of_its_own_programmes(tmp_path):
    values = counts()
    path = tmp_path / "pruefspeicher.npz"
    before = Memo(path)
    protect(side_by_side(grid(counts())[0], grid(values)[0]), K, memo=before)
    before.save()

    # A later delivery: counts of the second table change, the first stays as it was.
    values[3][4] += 2
    values[9][1] = 1
    table = side_by_side(grid(counts())[0], grid(values)[0])
    after = Memo(path)
    assert_same(protect(table, K, memo=after), protect(table, K))
    assert 0 < after.hits < len(after.used)


def test_answers_and_no_solution_survive_the_file(tmp_path):
    path = tmp_path / "pruefspeicher.npz"
    memo = Memo(path)
    memo.put("a", [np.array([0.0, 1.5]), np.array([3.0, np.inf])])
    memo.put("b", None)
    memo.save()
    kept = Memo(path)
    found, answer = kept.get("a")
    assert found and np.array_equal(answer[1], [3.0, np.inf]) and answer[0][1] == 1.5
    assert kept.get("b") == (True, None)
    assert kept.get("c") == (False, None)
    assert kept.hits == 2


def test_a_damaged_memo_is_no_memo_and_everything_is_solved(tmp_path):
    table, _ = grid(counts())
    path = tmp_path / "pruefspeicher.npz"
    first = Memo(path)
    fresh = protect(table, K, memo=first)
    first.save()
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # one flipped byte: a member's checksum fails
    path.write_bytes(bytes(damaged))
    again = Memo(path)
    assert again.earlier == {}
    assert_same(protect(table, K, memo=again), fresh)
    assert again.hits == 0
