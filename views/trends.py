"""How a value changed against earlier periods, and its recent course (no Dash).

Every number here is derived from published values only: a change is given where both
values are published, and a course leaves a gap where a value is secret. The difference of
two published numbers tells a reader nothing the two do not already tell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import quote

import pandas as pd

from views import display
from views.filters import period_type, previous_period
from warehouse.formatting import number, rounded
from warehouse.schema import CUMULATIVE

PREVIOUS = {
    "monat": "Vormonat",
    "quartal": "Vorquartal",
    "halbjahr": "Vorhalbjahr",
    "jahr": "Vorjahr",
}
YEAR_BEFORE = "Vorjahreszeitraum"
# The course shown beside a value: months for a month, years since the beginning, else
# quarters.
COURSE = {"monat": ("monat", 12), "quartal": ("quartal", 8), CUMULATIVE: ("jahr", 8)}
ARROWS = {1: "↑", -1: "↓", 0: "→"}
# Units as written after the number 1.
SINGULAR = {
    "Fälle": "Fall",
    "Personen": "Person",
    "Tage": "Tag",
    "Kontakte": "Kontakt",
    "Vermittlungen": "Vermittlung",
    "Anträge": "Antrag",
    "Prozentpunkte": "Prozentpunkt",
}


def year_before(zeitraum: str) -> str:
    """The same period one year earlier (`2025-03` → `2024-03`)."""
    year, sep, part = zeitraum.partition("-")
    return f"{int(year) - 1}{sep}{part}"


def earlier_periods(zeitraum: str) -> dict[str, str]:
    """The periods a value is compared with, by German name: the one before, a year before;
    none for the cumulative period."""
    kind = period_type(zeitraum)
    if kind == CUMULATIVE:
        return {}
    found = {PREVIOUS[kind]: previous_period(zeitraum)}
    if kind != "jahr":
        found[YEAR_BEFORE] = year_before(zeitraum)
    return found


def course_periods(zeitraum: str, periods: pd.DataFrame) -> list[str]:
    """The last 12 months (for a month), 8 years (since the beginning) or 8 quarters ending
    with the period, oldest first."""
    kind, count = COURSE.get(period_type(zeitraum), COURSE["quartal"])
    rows = periods[periods["periodentyp"] == kind]
    end = periods.loc[periods["zeitraum"] == zeitraum, "ende"]
    if end.empty:
        return []
    rows = rows[rows["ende"] <= end.iloc[0]].sort_values("beginn")
    return list(rows["zeitraum"].iloc[-count:])


@dataclass(frozen=True)
class Change:
    """A published value's change against a published earlier value."""

    against: str
    zeitraum: str
    earlier: float
    delta: float

    @property
    def percent(self) -> float | None:
        """The change in % of the earlier value (None when that is 0)."""
        return 100 * self.delta / self.earlier if self.earlier else None

    def describe(self, fmt: str, einheit: str) -> str:
        """`↑ 12 Fälle mehr als im Vorjahr (2024: 134; +9,0 %)`, arrow and words together."""
        sign = (self.delta > 0) - (self.delta < 0)
        where = f"als im {self.against}"
        earlier = f"{display.period(self.zeitraum)}: {display.plain(self.earlier, fmt)}"
        if sign == 0:
            return f"{ARROWS[0]} gleich wie im {self.against} ({earlier})"
        size = number(abs(self.delta), display.DECIMALS.get(fmt, 1))
        unit = "Prozentpunkte" if fmt == "prozent" else einheit
        unit = SINGULAR.get(unit, unit) if size == "1" else unit
        words = "mehr" if sign > 0 else "weniger"
        share = ""
        if fmt == "ganzzahl" and self.percent is not None:
            share = f"; {'+' if sign > 0 else '−'}{number(abs(self.percent), 1)} %"
        return f"{ARROWS[sign]} {size} {unit} {words} {where} ({earlier}{share})"

    def compact(self, fmt: str) -> str:
        """`↑ +12 (+9,0 %)` for a table cell: arrow and signed number, % for counts and
        ratios, percentage points for rates."""
        sign = (self.delta > 0) - (self.delta < 0)
        marks = {1: "+", -1: "−", 0: "±"}
        size = number(abs(self.delta), display.DECIMALS.get(fmt, 1))
        text = f"{ARROWS[sign]} {marks[sign]}{size}"
        if fmt == "prozent":
            return text + " Prozentpunkte"
        if sign and fmt in ("ganzzahl", "dezimal1", "dezimal2") and self.percent is not None:
            text += f" ({marks[sign]}{number(abs(self.percent), 1)} %)"
        return text


def change_cell(frame: pd.DataFrame, zeitraum: str, earlier: str, fmt: str) -> str:
    """A change as a table cell: `.` where either value is secret, `x` where one is missing
    (or has no base), else `Change.compact`."""
    found = change(frame, zeitraum, "", earlier, fmt)
    if found is not None:
        return found.compact(fmt)
    rows = frame[frame["zeitraum"].isin([zeitraum, earlier])]
    if rows["unterdrueckt"].astype(bool).any():
        return display.SUPPRESSED
    return display.NOT_APPLICABLE


def change(
    frame: pd.DataFrame, zeitraum: str, against: str, earlier: str, fmt: str
) -> Change | None:
    """The change of a frame's value (one indicator, area and cut) between two periods, of
    the values as shown (rounded as their format rounds them)."""
    published = _published(frame)
    now, before = published.get(zeitraum), published.get(earlier)
    if now is None or before is None:
        return None
    decimals = display.DECIMALS.get(fmt, 1)
    now, before = float(rounded(now, decimals)), float(rounded(before, decimals))
    return Change(against=against, zeitraum=earlier, earlier=before, delta=now - before)


def _published(frame: pd.DataFrame) -> dict[str, float | None]:
    """The frame's published value per period (its first row of the period): None when
    secret or without base; periods without a row are missing."""
    first = frame.drop_duplicates("zeitraum")
    found: dict[str, float | None] = {}
    for zeitraum, wert, hidden in zip(
        first["zeitraum"], first["wert"], first["unterdrueckt"], strict=True
    ):
        value = display.visible(wert, bool(hidden))
        found[zeitraum] = None if math.isnan(value) else value
    return found


@dataclass(frozen=True)
class Course:
    """A value's recent course as a small line chart (SVG) and its text alternative."""

    svg: str
    text: str

    @property
    def data_uri(self) -> str:
        """The chart as a `data:` address for an image element."""
        return "data:image/svg+xml;charset=utf-8," + quote(self.svg)


def course(frame: pd.DataFrame, periods: list[str], fmt: str) -> Course | None:
    """The frame's values over the periods: a line with gaps at secret values, or None."""
    published = _published(frame)
    values = [published.get(period) for period in periods]
    shown = [value for value in values if value is not None]
    if len(shown) < 2:
        return None
    low, high = min(shown), max(shown)
    width, height, margin = 120, 32, 3
    step = (width - 2 * margin) / (len(values) - 1)
    span = high - low or 1.0
    lines: list[list[str]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            lines.append([])
            continue
        x = margin + index * step
        y = height - margin - (value - low) / span * (height - 2 * margin)
        lines[-1].append(f"{x:.1f},{y:.1f}")
    paths = "".join(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="#005a8c" '
        'stroke-width="2" stroke-linejoin="round"/>'
        if len(points) > 1
        else f'<circle cx="{points[0].split(",")[0]}" cy="{points[0].split(",")[1]}" r="1.8" '
        'fill="#005a8c"/>'
        for points in lines
        if points
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{paths}</svg>'
    )
    secret = len(values) - len(shown)
    last = "nicht veröffentlicht" if values[-1] is None else display.plain(values[-1], fmt)
    text = (
        f"Verlauf {display.period(periods[0])} bis {display.period(periods[-1])}: "
        f"niedrigster Wert {display.plain(low, fmt)}, höchster {display.plain(high, fmt)}, "
        f"zuletzt {last}"
        + (
            f"; {secret} {'Wert' if secret == 1 else 'Werte'} geheim oder ohne Basis"
            if secret
            else ""
        )
        + "."
    )
    return Course(svg=svg, text=text)
