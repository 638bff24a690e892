"""The attacker check: intervals by linear programming, against relations taken together."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.warehouse.confidentiality.tables import (
    equations,
    grid,
    integer_ranges,
    quarters_of_two_towns,
)
from warehouse.confidentiality.audit import Witness, _Graph, attack
from warehouse.confidentiality.table import LinkedTable

K = 3


def mask(size: int, cells) -> np.ndarray:
    """A boolean array with the given cells set."""
    out = np.zeros(size, dtype=bool)
    out[list(cells)] = True
    return out


def test_relations_taken_together_pin_a_cell_that_each_relation_alone_hides():
    # x + y = 4, y + z = 3, x + z = 1 (totals published): every relation holds two
    # suppressed cells, so no single one reveals anything; together they fix x = 1.
    table = equations(
        wert=[1, 3, 0, 4, 3, 1],
        gewicht=[0] * 6,
        relations=[([0, 1], 3), ([1, 2], 4), ([0, 2], 5)],
    )
    hidden = mask(6, [0, 1, 2])
    per_relation = np.bincount(table.gruppe, hidden[table.zelle], table.groups)
    assert (per_relation >= 2).all()
    result = attack(table, hidden, mask(6, [0]), K)
    assert not result.ok
    assert result.fehlgeschlagen.tolist() == [0]
    assert (result.minimum[0], result.maximum[0]) == (1.0, 1.0)


def test_new_cases_follow_from_active_cases_and_the_stock_before():
    # faelle_aktiv(P) = faelle_bestand(day before P) + faelle_neu(P): 18 = 17 + 1.
    table = equations(wert=[1, 17, 18], gewicht=[0, 0, 0], relations=[([0, 1], 2)])
    result = attack(table, mask(3, [0]), mask(3, [0]), K)
    assert result.fehlgeschlagen.tolist() == [0]
    # Suppressing the stock as well leaves 0 .. 18 for the new cases.
    result = attack(table, mask(3, [0, 1]), mask(3, [0]), K)
    assert result.ok and (result.minimum[0], result.maximum[0]) == (0.0, 3.0)


def test_unpublished_cells_open_a_channel_the_published_ones_alone_do_not():
    table, n, unpublished = quarters_of_two_towns()
    hidden = unpublished.copy()
    hidden[[n["A_H1"], n["B_H1"]]] = True
    sensitive = mask(len(table.wert), [n["A_H1"]])
    result = attack(table, hidden, sensitive, K)
    assert result.fehlgeschlagen.tolist() == [n["A_H1"]]
    assert (result.minimum[0], result.maximum[0]) == (1.0, 3.0)
    # The same attacker without the unpublished quarters: A's half-year is 0 .. 3.
    published = np.flatnonzero(~unpublished)
    keep = ~np.isin(table.gruppe, table.gruppe[np.isin(table.zelle, np.flatnonzero(unpublished))])
    alone = LinkedTable.build(
        table.wert[published],
        table.gewicht[published],
        table.gruppe[keep],
        np.searchsorted(published, table.zelle[keep]),
        table.summe[keep],
        table.gleichung[table.gruppe[keep]],
    )
    moved = np.searchsorted(published, n["A_H1"])
    assert attack(alone, hidden[published], sensitive[published], K).ok
    assert integer_ranges(alone, hidden[published], 9)[moved] == (0, 3)


def test_an_unpublished_small_count_may_be_uncertain_but_not_narrowed_into_1_to_k_minus_1():
    table, n, unpublished = quarters_of_two_towns()
    hidden = unpublished.copy()
    hidden[[n["A_H1"], n["B_H1"]]] = True
    watched = unpublished & (table.wert >= 1) & (table.wert < K)
    # A's Q1 (1) is 1 .. 3 here: wide enough for an unpublished cell, which needs no width.
    result = attack(table, hidden, mask(len(table.wert), []), K, watched=watched)
    assert result.ok and result.zellen.tolist() == [n["A_Q1"]]
    assert not result.sensibel.any()
    # Were A's Q1 for all groups a known 2, A's Q1 of the group would be pinned into 1 .. 2.
    wert = table.wert.copy()
    wert[[n["A_alle_Q1"], n["A_alle_H1"]]] = 2
    narrow = LinkedTable.build(
        wert, table.gewicht, table.gruppe, table.zelle, table.summe,
        table.gleichung[table.gruppe],
    )  # fmt: skip
    narrow_result = attack(narrow, hidden, mask(len(wert), []), K, watched=watched)
    assert narrow_result.fehlgeschlagen.tolist() == [n["A_Q1"]]


def test_a_bound_narrows_together_with_an_equation():
    # x + y = 7 (published total), y >= 5 because a published rate on y's base shows it:
    # as a bound 5 - y <= 0 with the constant cell 5. x = 2 is then at most 2.
    wert = [2, 5, 7, 5]
    table = LinkedTable.build(
        wert=wert,
        gewicht=[0] * 4,
        gruppe=[0, 0, 0, 1, 1],
        zelle=[0, 1, 2, 3, 1],
        summe=[False, False, True, False, True],
        gleichung=[True, True, True, False, False],
    )
    table.check()
    result = attack(table, mask(4, [0, 1]), mask(4, [0]), K)
    assert (result.minimum[0], result.maximum[0]) == (0.0, 2.0)
    assert not result.ok


def test_a_cell_known_from_another_version_counts_as_published():
    table = equations(wert=[1, 6, 7], gewicht=[0] * 3, relations=[([0, 1], 2)])
    assert attack(table, mask(3, [0, 1]), mask(3, [0]), K).ok
    known = LinkedTable.build(
        table.wert,
        table.gewicht,
        table.gruppe,
        table.zelle,
        table.summe,
        [True] * 3,
        bekannt=mask(3, [1]),
    )
    assert not attack(known, mask(3, [0, 1]), mask(3, [0]), K).ok


grids = st.lists(st.lists(st.integers(0, 3), min_size=3, max_size=3), min_size=2, max_size=2)


@settings(max_examples=40, deadline=None)
@given(values=grids, chosen=st.sets(st.integers(0, 5), min_size=1, max_size=4))
def test_intervals_equal_those_of_an_attacker_trying_every_whole_number(values, chosen):
    table, _ = grid(values)
    hidden = mask(len(table.wert), chosen)
    top = int(sum(map(sum, values)))
    result = attack(table, hidden, hidden, K)
    expected = integer_ranges(table, hidden, top)
    for cell, low, high in zip(result.zellen, result.minimum, result.maximum, strict=True):
        true_low, true_high = expected[int(cell)]
        low, high = np.ceil(low - 1e-6), np.floor(high + 1e-6)
        assert low == true_low
        # The maximum is exact for a cell that fails; for one that passes, the check only
        # proves it reaches minimum + k.
        if high - low < K:
            assert high == true_high
        else:
            assert high == low + K and true_high >= high


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.lists(st.integers(0, 6), min_size=4, max_size=4), min_size=3, max_size=3),
    chosen=st.sets(st.integers(0, 11), min_size=2, max_size=9),
)
def test_pieces_never_pass_a_cell_the_whole_component_fails(values, chosen):
    # Examined in pieces, suppressed cells outside a piece count as known: a stronger
    # attacker, so intervals can only shrink and failures only grow.
    table, _ = grid(values)
    hidden = mask(len(table.wert), chosen)
    whole = attack(table, hidden, hidden, K)
    pieces = attack(table, hidden, hidden, K, block=2)
    assert set(whole.fehlgeschlagen.tolist()) <= set(pieces.fehlgeschlagen.tolist())
    assert (pieces.minimum >= whole.minimum - 1e-6).all()


def test_a_witness_holds_only_while_every_cell_it_changes_is_hidden():
    # 2 x 2 table [[1, 5], [4, 6]]: +3 on r0c0 and r1c1, -3 on r0c1 and r1c0 keeps every
    # total. The witness proves r0c0 can be 1 or 4 as long as all four cells are suppressed.
    table, names = grid([[1, 5], [4, 6]])
    corners = [names[n] for n in ("r0c0", "r0c1", "r1c0", "r1c1")]
    order = np.argsort(corners)
    witness = Witness(
        zelle=names["r0c0"],
        zellen=np.array(corners)[order],
        aenderung=np.array([3.0, -3.0, -3.0, 3.0])[order],
    )
    hidden = mask(len(table.wert), corners)
    assert witness.holds(_Graph(table, hidden))
    # One changed cell published: the reader would see the change.
    assert not witness.holds(_Graph(table, mask(len(table.wert), corners[:3])))
    # It proves the cell's interval as far as it moves it: 1 .. 4 is enough for k = 3; for
    # k = 4 the check solves for the interval itself (from 0, reaching at least 4).
    cell = names["r0c0"]
    for k, interval in ((K, (1.0, 4.0)), (K + 1, (0.0, 4.0))):
        sensitive = mask(len(table.wert), [cell])
        proof = attack(table, hidden, sensitive, k, witnesses={cell: (witness,)})
        assert (proof.minimum[0], proof.maximum[0]) == interval
    # A change that breaks a relation (the row total would move) is no witness.
    broken = Witness(zelle=witness.zelle, zellen=witness.zellen, aenderung=np.full(4, 3.0))
    assert not broken.holds(_Graph(table, hidden))
    # Nor one that drives a cell below 0 (r1c0 is 4: taking 5 leaves -1).
    deep = Witness(zelle=witness.zelle, zellen=witness.zellen, aenderung=witness.aenderung * 5 / 3)
    assert not deep.holds(_Graph(table, hidden))
    # The check accepts the cell through the witness, though its interval is exact anyway.
    result = attack(
        table,
        hidden,
        mask(len(table.wert), [names["r0c0"]]),
        K,
        witnesses={witness.zelle: (witness,)},
    )
    assert result.ok
