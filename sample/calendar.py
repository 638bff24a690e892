"""Calendar of the sample: programme dates, Stichtage, months and seasonal demand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from sample.shapes import Day

DEFAULT_UNTIL = date(2026, 10, 31)
PROGRAMME_START = date(2021, 2, 1)
SECOND_FUNDING_PERIOD = date(2023, 1, 1)


def month_end(year: int, month: int) -> date:
    """Last day of a month."""
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def stichtage(until: date, history: int, lag_months: int = 0) -> list[date]:
    """The latest Stichtag (`until`, or a month end `lag_months` back) and quarter ends before."""
    if lag_months:
        months = until.year * 12 + until.month - 1 - lag_months
        latest = month_end(months // 12, months % 12 + 1)
    else:
        latest = until
    days = [latest]
    while len(days) < history:
        quarter = (days[-1].month - 1) // 3 * 3
        days.append(
            month_end(days[-1].year - 1, 12) if quarter == 0 else month_end(days[-1].year, quarter)
        )
    return days


def months(start: date, end: date) -> Iterator[tuple[date, Day, Day]]:
    """(first day, first ordinal, last ordinal up to `end`) of every month from `start`."""
    first = start.replace(day=1)
    while first <= end:
        last = min(month_end(first.year, first.month), end)
        yield first, first.toordinal(), last.toordinal()
        first = last + timedelta(days=1)


def weekday(day: Day) -> Day:
    """Move a Saturday or Sunday back to the Friday before."""
    return day - max(0, (day + 6) % 7 - 4)


def months_back(day: Day, count: int) -> Day:
    """First day of the month `count` months before `day`'s month."""
    d = date.fromordinal(day)
    index = d.year * 12 + d.month - 1 - count
    return date(index // 12, index % 12 + 1, 1).toordinal()


def demand(month: date) -> float:
    """Seasonal and migration-wave factor of the monthly intake."""
    factor = {1: 0.95, 7: 0.85, 8: 0.75, 12: 0.7}.get(month.month, 1.05)
    if date(2022, 3, 1) <= month < date(2022, 10, 1):
        factor *= 1.6  # arrivals from Ukraine
    return factor
