"""Typical row errors of some sources (impossible dates, unknown codes, orphans)."""

from __future__ import annotations

import random
from collections.abc import Iterator

from sample.calendar import PROGRAMME_START
from sample.dialects import Dialect
from sample.randomness import between

ERROR_RATE = 0.003


def defect(table: str, rng: random.Random, dialect: Dialect, last_year: int) -> tuple[str, str]:
    """A typical defect for a row of `table`: (column, wrong value)."""
    day, month = rng.choice(((31, 2), (30, 2), (31, 4), (31, 11)))
    year = between(rng, PROGRAMME_START.year, last_year)
    impossible = f"{year}-{month:02d}-{day}" if dialect.iso_dates else f"{day}.{month:02d}.{year}"
    unknown_case = f"F{rng.getrandbits(48):012x}"  # 13 characters: never issued as a fall_id
    options = {
        "faelle": (("fallbeginn", impossible), ("status", "in_bearbeitung")),
        "handlungsfelder": (("handlungsfeld", "sprachkurs"), ("zielstatus", "erledigt")),
        "kontakte": (("fall_id", unknown_case), ("datum", impossible), ("art", "videochat")),
        "vermittlungen": (("partner", "rechtsanwalt"), ("fall_id", unknown_case)),
    }[table]
    return rng.choice(options)


def with_errors(
    rows: Iterator[list[str]], table: str, dialect: Dialect, rng: random.Random, year: int
) -> Iterator[list[str]]:
    """Pass formatted rows through, damaging about ERROR_RATE of them."""
    names = dialect.columns(table)
    for fields in rows:
        if rng.random() < ERROR_RATE:
            column, value = defect(table, rng, dialect, year)
            fields[names.index(column)] = value
        yield fields
