"""The filters of a view (period, area, target group, topic) and their URL form."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

import pandas as pd

from views import display, queries
from warehouse.schema import CUMULATIVE, kreis_ags

KEYS = ("zeitraum", "gebiet", "zielgruppe", "handlungsfeld")
# What the map of the towns can show: counts per 10.000 inhabitants, or values as they are.
MAP_INDICATORS = (
    "faelle_aktiv",
    "faelle_neu",
    "personen_erreicht",
    "faelle_je_vzae",
    "quote_ziele_erreicht",
)


@dataclass(frozen=True)
class Filters:
    """One view's filters; always valid (unknown URL values fall back to defaults)."""

    zeitraum: str
    gebiet: str = field(default_factory=kreis_ags)
    zielgruppe: str = "alle"
    handlungsfeld: str = "alle"
    praesentation: bool = False
    # Towns in order of the shown value instead of by name (URL `reihenfolge=wert`).
    nach_wert: bool = False
    # The indicator the map of the towns shows (URL `karte=`, one of `MAP_INDICATORS`).
    karte: str = "faelle_aktiv"

    @property
    def periodentyp(self) -> str:
        """`jahr`, `halbjahr`, `quartal`, `monat` or `gesamt`, read off the period's form."""
        return period_type(self.zeitraum)

    @property
    def jahr(self) -> int:
        """The year the period lies in; for the cumulative period its last year."""
        if self.zeitraum == CUMULATIVE:
            periods = queries.periods()
            return int(periods.loc[periods["zeitraum"] == CUMULATIVE, "jahr"].iloc[0])
        return int(self.zeitraum[:4])

    def with_(self, **changes: object) -> Filters:
        """A copy with some filters changed."""
        return replace(self, **changes)


def period_type(zeitraum: str) -> str:
    """Period type of a period id."""
    if zeitraum == CUMULATIVE:
        return CUMULATIVE
    part = zeitraum.partition("-")[2]
    if not part:
        return "jahr"
    return {"Q": "quartal", "H": "halbjahr"}.get(part[0], "monat")


def previous_period(zeitraum: str) -> str:
    """The period of the same type before this one (`2025-H1` → `2024-H2`); the cumulative
    period has none."""
    if zeitraum == CUMULATIVE:
        raise ValueError("the cumulative period has no period before it")
    year, _, part = zeitraum.partition("-")
    if not part:
        return str(int(year) - 1)
    kind, number = (part[0], int(part[1:])) if part[0] in "QH" else ("", int(part))
    count = {"Q": 4, "H": 2, "": 12}[kind]
    if number > 1:
        return f"{year}-{kind}{number - 1:0{1 if kind else 2}d}"
    return f"{int(year) - 1}-{kind}{count}"


def latest_period(periods: pd.DataFrame, kind: str = "jahr") -> str:
    """The newest period of a type with data."""
    rows = periods[periods["periodentyp"] == kind]
    return str(rows.sort_values("beginn").iloc[-1]["zeitraum"])


def periods_in_year(kind: str, year: int) -> list[str]:
    """The periods of one type in a year that have data, oldest first."""
    periods = queries.periods()
    rows = periods[(periods["periodentyp"] == kind) & (periods["jahr"] == year)]
    return list(rows.sort_values("beginn")["zeitraum"])


def monthly_span(filters: Filters) -> tuple[str, list[str]]:
    """The period a chart by month covers and its months with data: a half-year or quarter
    itself, else the filter's year (a month: its year; the cumulative period: its last)."""
    if filters.periodentyp not in ("halbjahr", "quartal"):
        return str(filters.jahr), periods_in_year("monat", filters.jahr)
    periods = queries.periods()
    span = periods[periods["zeitraum"] == filters.zeitraum].iloc[0]
    months = periods[
        (periods["periodentyp"] == "monat")
        & (periods["beginn"] >= span["beginn"])
        & (periods["ende"] <= span["ende"])
    ]
    return filters.zeitraum, list(months.sort_values("beginn")["zeitraum"])


def from_query(query: dict[str, str | list[str]]) -> Filters:
    """Filters from URL query parameters (as Dash pages pass them, or parsed)."""

    def first(key: str) -> str | None:
        raw = query.get(key)
        if isinstance(raw, list):
            return raw[0] if raw else None
        return raw

    periods = queries.periods()
    zeitraum = first("zeitraum")
    if zeitraum not in set(periods["zeitraum"]):
        zeitraum = latest_period(periods)
    gebiet = first("gebiet")
    if gebiet not in set(queries.areas()["gebiet"]):
        gebiet = kreis_ags()
    zielgruppe = first("zielgruppe")
    if zielgruppe not in display.codes("zielgruppe"):
        zielgruppe = "alle"
    handlungsfeld = first("handlungsfeld")
    if handlungsfeld not in display.codes("handlungsfeld"):
        handlungsfeld = "alle"
    return Filters(
        zeitraum=zeitraum,
        gebiet=gebiet,
        zielgruppe=zielgruppe,
        handlungsfeld=handlungsfeld,
        praesentation=first("praesentation") == "1",
        nach_wert=first("reihenfolge") == "wert",
        karte=karte if (karte := first("karte")) in MAP_INDICATORS else MAP_INDICATORS[0],
    )


def from_search(search: str | None) -> Filters:
    """Filters from a URL query string (`?zeitraum=2025&gebiet=05954`)."""
    return from_query(parse_qs((search or "").lstrip("?")))


def to_search(filters: Filters) -> str:
    """The URL query string of a view's filters."""
    params = {key: getattr(filters, key) for key in KEYS}
    if filters.praesentation:
        params["praesentation"] = "1"
    if filters.nach_wert:
        params["reihenfolge"] = "wert"
    if filters.karte != MAP_INDICATORS[0]:
        params["karte"] = filters.karte
    return "?" + urlencode(params)
