"""German number and date formats for user-facing text."""

from __future__ import annotations

from datetime import date, datetime


def number(value: float | int, decimals: int = 0) -> str:
    """`1234.5` → `1.234,5` (German grouping and decimal comma)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def day(value: date | datetime | None) -> str:
    """`2025-06-30` → `30.06.2025`; empty for None."""
    return value.strftime("%d.%m.%Y") if value else ""


def moment(value: datetime | None) -> str:
    """Timestamp as `30.06.2025, 14:05 Uhr`."""
    return value.strftime("%d.%m.%Y, %H:%M Uhr") if value else ""
