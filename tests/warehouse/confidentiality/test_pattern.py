"""Joint secondary suppression: every pattern it returns passes the attacker check."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.warehouse.confidentiality.tables import (
    equations,
    grid,
    integer_ranges,
    quarters_of_two_towns,
)
from warehouse.confidentiality.audit import attack
from warehouse.confidentiality.pattern import ProtectionFailed, close, protect
from warehouse.confidentiality.table import LinkedTable

K = 3


def linked(wert, equalities, bounds, known) -> LinkedTable:
    """A linked table of equations and bounds with some cells known from another version."""
    base = equations(wert, [0] * len(wert), equalities, bounds)
    bekannt = np.isin(np.arange(len(wert)), known)
    return LinkedTable.build(
        base.wert, base.gewicht, base.gruppe, base.zelle, base.summe,
        base.gleichung[base.gruppe], bekannt,
    )  # fmt: skip


def test_a_small_count_gets_a_partner_from_its_own_row_not_a_total():
    table, names = grid([[1, 5, 6], [4, 4, 4]])
    result = protect(table, K)
    hidden = {name for name, cell in names.items() if result.unterdrueckt[cell]}
    assert "r0c0" in hidden
    assert not hidden & {"r0", "r1", "c0", "c1", "c2", "gesamt"}, hidden
    assert result.pruefung.ok


def test_the_pattern_holds_against_an_attacker_trying_every_whole_number():
    table, names = grid([[1, 0, 6], [2, 7, 4]])
    result = protect(table, K)
    ranges = integer_ranges(table, result.unterdrueckt, int(table.wert[names["gesamt"]]))
    for cell in np.flatnonzero(result.primaer):
        low, high = ranges[int(cell)]
        assert high - low >= K, (cell, low, high)


def test_closing_relations_gives_no_equation_a_single_suppressed_member():
    table, _ = grid([[1, 8, 9, 3], [5, 1, 7, 0], [6, 6, 2, 9]])
    primary = (table.wert >= 1) & (table.wert < K)
    hidden = close(table, primary, primary, K)
    counts = np.bincount(table.gruppe, hidden[table.zelle], table.groups)
    assert not (counts == 1).any()


def test_cells_of_a_signed_off_version_stay_suppressed():
    table, names = grid([[3, 5, 6], [4, 4, 4]])
    forced = np.zeros(len(table.wert), dtype=bool)
    forced[names["r1c1"]] = True
    result = protect(table, K, forced=forced)
    assert result.unterdrueckt[names["r1c1"]]
    # Nothing else is small: the forced cell alone would be given away by its row, so the
    # pattern must have given it a partner.
    counts = np.bincount(table.gruppe, result.unterdrueckt[table.zelle], table.groups)
    assert not (counts == 1).any()


def test_a_partner_known_from_another_version_is_replaced():
    # x + y + z = total; y is suppressed now but published unchanged in a signed-off
    # version, so it cannot protect x: another cell must be suppressed.
    base = equations(wert=[1, 6, 5, 12], gewicht=[0, 0, 1, 2], relations=[([0, 1, 2], 3)])
    known = np.array([False, True, False, False])
    table = LinkedTable.build(
        base.wert, base.gewicht, base.gruppe, base.zelle, base.summe, [True] * 4, known
    )
    result = protect(table, K)
    assert result.unterdrueckt[2] or result.unterdrueckt[3]
    assert attack(table, result.unterdrueckt, result.primaer, K).ok


def test_unpublished_cells_stay_hidden_and_the_pattern_holds_against_them_too():
    table, n, unpublished = quarters_of_two_towns()
    result = protect(table, K, unpublished=unpublished)
    assert result.unterdrueckt[unpublished].all()
    # An unpublished 1 is no primary suppression: nobody sees it, it needs no width.
    assert not result.primaer[unpublished].any()
    assert result.primaer[n["A_H1"]]
    # An independent run of the check over whole components (no pieces).
    check = attack(table, result.unterdrueckt, result.primaer, K, block=10**9)
    assert check.zellen.tolist() == [n["A_H1"]]
    assert check.maximum[0] - check.minimum[0] >= K


def test_an_unpublished_count_a_known_cell_caps_is_lowered_to_0_instead():
    # x (unpublished, 1) + y (5) = 6, both published; x + w <= a with w = 4 and a = 6 known
    # from a signed-off version, so x <= 2. x is pinned to 1. No change lifts it to k past
    # that cap; one lowering it to 0 (and y to 6, so y is suppressed) keeps it out of 1 .. 2.
    table = linked([1, 5, 6, 4, 6], equalities=[([0, 1], 2)], bounds=[([0, 3], 4)], known=[3, 4])
    unpublished = np.array([True, False, False, False, False])
    result = protect(table, K, unpublished=unpublished)
    assert result.unterdrueckt[1] and not result.unterdrueckt[[3, 4]].any()
    assert result.pruefung.zellen.tolist() == [0]
    assert (result.pruefung.minimum[0], result.pruefung.maximum[0]) == (0.0, 1.0)
    # Published, the same 1 cannot be protected at all: no pattern is published.
    with pytest.raises(ProtectionFailed, match="lässt sich nicht schützen"):
        protect(table, K)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.lists(st.integers(0, 9), min_size=2, max_size=5), min_size=2, max_size=4
    ).filter(lambda rows: len({len(r) for r in rows}) == 1),
    k=st.sampled_from([3, 4]),
)
def test_every_pattern_passes_the_check_on_random_tables(values, k):
    table, _ = grid(values)
    result = protect(table, k)
    primary = (table.wert >= 1) & (table.wert < k)
    assert result.unterdrueckt[primary].all()
    # An independent run of the check over whole components (no pieces).
    check = attack(table, result.unterdrueckt, primary, k, block=10**9)
    assert check.ok
    widths = np.floor(check.maximum + 1e-6) - np.ceil(check.minimum - 1e-6)
    assert (widths >= k).all()
