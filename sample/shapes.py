"""How the sample generator holds a day and a row."""

from __future__ import annotations

Day = int  # a date as its proleptic Gregorian ordinal (fast to compare and add)
Row = tuple[object, ...]  # values in the table's specification column order
