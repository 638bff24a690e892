"""German number formats (grouping, decimal comma, rounding half away from zero) and lists."""

from __future__ import annotations

import numpy as np
import pytest

from warehouse.formatting import enumeration, number


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (31.25, 1, "31,3"),
        (31.35, 1, "31,4"),
        (0.125, 2, "0,13"),
        (2.675, 2, "2,68"),
        (-2.5, 0, "-3"),
        (1_234_567.891, 2, "1.234.567,89"),
        (np.float64(12.25), 1, "12,3"),
        (np.int64(4_500), 0, "4.500"),
    ],
)
def test_numbers_are_german_and_rounded_half_away_from_zero(value, decimals, text):
    assert number(value, decimals) == text


@pytest.mark.parametrize(
    ("names", "text"),
    [
        ([], ""),
        (["Witten"], "Witten"),
        (["Hattingen", "Witten"], "Hattingen und Witten"),
        (["Hattingen", "Sprockhövel", "Witten"], "Hattingen, Sprockhövel und Witten"),
    ],
)
def test_enumeration_is_a_german_list(names, text):
    assert enumeration(names) == text
