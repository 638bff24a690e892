"""German number and date formats for user-facing text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal


def rounded(value: float | int, decimals: int = 0) -> Decimal:
    """The value rounded half away from zero (DIN 1333, as official statistics round): 31,25
    → 31,3, where Python's own rounding of the binary value gives 31,2."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


# Decimals of each display format of the indicator catalogue.
DECIMALS = {"ganzzahl": 0, "tage": 0, "prozent": 1, "dezimal1": 1, "dezimal2": 2}


def number(value: float | int, decimals: int = 0) -> str:
    """`1234.5` → `1.234,5` (German grouping and decimal comma), rounded as `rounded`."""
    text = f"{rounded(value, decimals):,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def day(value: date | datetime | None) -> str:
    """`2025-06-30` → `30.06.2025`; empty for None."""
    return value.strftime("%d.%m.%Y") if value else ""


def moment(value: datetime | None) -> str:
    """Timestamp as `30.06.2025, 14:05 Uhr`."""
    return value.strftime("%d.%m.%Y, %H:%M Uhr") if value else ""


def enumeration(names: Sequence[str]) -> str:
    """`A`, `A und B`, `A, B und C`: names as a German list."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} und {names[-1]}"


def seconds(value: float) -> str:
    """`1 Sekunde`, `600 Sekunden`: a whole number of seconds."""
    whole = round(value)
    return f"{number(whole)} {'Sekunde' if whole == 1 else 'Sekunden'}"
