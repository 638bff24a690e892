"""How values, periods and codes are written for users (German, Destatis symbols)."""

from __future__ import annotations

import csv
import math
from datetime import date
from functools import cache
from importlib import resources

import pandas as pd

from warehouse.formatting import number

SUPPRESSED = "."
ZERO = "–"
NOT_APPLICABLE = "x"
LEGEND = (
    "Zeichenerklärung: . = Zahlenwert geheim zu halten (statistische Geheimhaltung) · "
    "– = genau null · x = Aussage nicht sinnvoll (keine Basis)"
)
MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
KREIS_SOURCE = "Kreis (Koordinierungsstelle, Ausländerbehörde)"
DECIMALS = {"ganzzahl": 0, "tage": 0, "prozent": 1, "dezimal1": 1, "dezimal2": 2}


def value(wert: float | None, unterdrueckt: bool, fmt: str) -> str:
    """A published value as shown: `.` suppressed, `–` zero, `x` no base, else German."""
    if unterdrueckt:
        return SUPPRESSED
    if wert is None or (isinstance(wert, float) and math.isnan(wert)):
        return NOT_APPLICABLE
    if wert == 0:
        return ZERO
    text = number(wert, DECIMALS.get(fmt, 1))
    return f"{text} %" if fmt == "prozent" else text


def visible(wert: float | None, unterdrueckt: bool) -> float:
    """The value a figure may draw: NaN when secret or missing."""
    if unterdrueckt or wert is None or (isinstance(wert, float) and math.isnan(wert)):
        return math.nan
    return float(wert)


def say(text: str, unit: str = "") -> str:
    """A shown value inside a sentence: symbols explained, numbers with their unit."""
    if text == SUPPRESSED:
        return "geheim gehalten (.)"
    if text == NOT_APPLICABLE:
        return "nicht berechenbar (x)"
    return f"{text}{unit}"


def direction(richtung: str) -> str:
    """A goal's direction in words: `höchstens` or `mindestens`."""
    return "höchstens" if richtung == "hoechstens" else "mindestens"


def plain(wert: float | None, fmt: str) -> str:
    """A derived (never secret) number in German format; `x` when missing."""
    if wert is None or (isinstance(wert, float) and math.isnan(wert)):
        return NOT_APPLICABLE
    text = number(wert, DECIMALS.get(fmt, 1))
    return f"{text} %" if fmt == "prozent" else text


def period(zeitraum: str) -> str:
    """`2025-03` → `März 2025`, `2025-Q2` → `2. Quartal 2025`, `2025-H1` → `1. Halbjahr 2025`."""
    year, _, part = zeitraum.partition("-")
    if not part:
        return year
    if part.startswith("Q"):
        return f"{part[1]}. Quartal {year}"
    if part.startswith("H"):
        return f"{part[1]}. Halbjahr {year}"
    return f"{MONTHS[int(part) - 1]} {year}"


def in_period(zeitraum: str) -> str:
    """`im Jahr 2025`, `im 2. Quartal 2025`, `im März 2025`."""
    text = period(zeitraum)
    return f"im Jahr {text}" if "-" not in zeitraum else f"im {text}"


def short_period(zeitraum: str) -> str:
    """Axis label: `Mär 2025`, `Q2 2025`, `H1 2025`, `2025`."""
    year, _, part = zeitraum.partition("-")
    if not part:
        return year
    if part[0] in "QH":
        return f"{part} {year}"
    return f"{MONTHS[int(part) - 1][:3]} {year}"


def day(value_: date | None) -> str:
    """`30.06.2025`."""
    return value_.strftime("%d.%m.%Y") if value_ else ""


@cache
def _labels() -> dict[tuple[str, str], str]:
    """German names of codes (warehouse/reference/bezeichnungen.csv)."""
    path = resources.files("warehouse").joinpath("reference/bezeichnungen.csv")
    with path.open(encoding="utf-8") as handle:
        return {(r["dimension"], r["code"]): r["bezeichnung"] for r in csv.DictReader(handle)}


def label(dimension: str, code: str) -> str:
    """German name of a code; the code itself when none is known."""
    return _labels().get((dimension, str(code)), str(code))


def codes(dimension: str) -> list[str]:
    """The codes of one dimension in their documented order."""
    return [code for (dim, code) in _labels() if dim == dimension]


def values(frame: pd.DataFrame, fmt: str) -> list[str]:
    """The shown text of every row of a frame with `wert` and `unterdrueckt`."""
    return [
        value(w, bool(u), fmt) for w, u in zip(frame["wert"], frame["unterdrueckt"], strict=True)
    ]


def visible_values(frame: pd.DataFrame) -> pd.Series:
    """The values of a frame's rows a figure may draw: NaN where secret."""
    return frame["wert"].where(~frame["unterdrueckt"].astype(bool))


def first_value(frame: pd.DataFrame, fmt: str) -> str:
    """The shown text of a frame's first row; `x` when the frame is empty."""
    return values(frame, fmt)[0] if len(frame) else NOT_APPLICABLE
