"""Überblick: the year's headline figures with goal status, cases by month, towns, Datenstand."""

from __future__ import annotations

import dash
import pandas as pd
from dash import html

from dashboard import access, dimensions, display, queries
from dashboard.charts import ChartData, build, chart
from dashboard.components import (
    HEADLINE_CASES,
    guarded,
    make_card,
    make_chart_card,
    make_headlines,
    make_notice,
    make_page_header,
    status_label,
)
from dashboard.filters import Filters, from_query, periods_in_year
from warehouse.schema import KREIS_AGS
from warehouse.settings import load_settings

dash.register_page(
    __name__,
    path="/",
    name="Überblick",
    title="Überblick – KIM Monitor",
    order=0,
    filters=("zeitraum",),
    rollen=access.READERS,
)

HEADLINES = (*HEADLINE_CASES, "vermittlungen", "b3_antraege", "besetzungsquote")


@guarded
def layout(**query: str) -> html.Div:
    """The page for the filters in the URL."""
    filters = from_query(query)
    return html.Div(
        [
            make_page_header(
                f"Überblick {display.period(filters.zeitraum)}",
                "Die wichtigsten Kennzahlen des Ennepe-Ruhr-Kreises im gewählten Zeitraum, "
                f"mit dem Stand der Jahresziele {filters.jahr}.",
            ),
            make_datenstand(),
            make_headlines(
                "Kennzahlen des Kreises",
                queries.values(HEADLINES, [filters.zeitraum], [KREIS_AGS]),
                HEADLINES,
                KREIS_AGS,
                filters.jahr,
            ),
            make_chart_card(build("ueberblick-faelle-monat", filters)),
            make_chart_card(build("ueberblick-staedte", filters)),
        ]
    )


def make_datenstand() -> html.Section:
    """Per source the latest Stichtag; a warning when it is older than the allowed days."""
    settings = load_settings()
    snapshots = queries.current_snapshots()
    names = dict(queries.areas()[["gebiet", "name"]].itertuples(index=False))
    latest = snapshots.groupby("quelle", as_index=False)["stichtag"].max()
    today = queries.reference_day()
    items = []
    stale = []
    for quelle, stichtag in latest.itertuples(index=False):
        day = pd.Timestamp(stichtag).date()
        name = _source_name(quelle, names)
        age = (today - day).days
        text = f"{name}: Stichtag {display.day(day)}"
        if age > settings.stale_after_days:
            stale.append(name)
            items.append(
                html.Li([text, html.Strong(f" – veraltet ({age} Tage alt)")], className="veraltet")
            )
        else:
            items.append(html.Li(text))
    parts: list = []
    if stale:
        parts.append(
            make_notice(
                f"Der Datenstand von {', '.join(stale)} ist älter als "
                f"{settings.stale_after_days} Tage.",
                warning=True,
            )
        )
    parts.append(html.Ul(items, className="datenstand"))
    return make_card("datenstand", "Datenstand", *parts)


def _source_name(quelle: str, names: dict[str, str]) -> str:
    """A source's German name: towns by name, the Kreis as coordination office and authority."""
    if quelle == KREIS_AGS:
        return display.KREIS_SOURCE
    return names.get(quelle, quelle)


@chart("ueberblick-faelle-monat", indikatoren=("faelle_neu", "faelle_aktiv"))
def cases_by_month(filters: Filters) -> ChartData:
    """New and active cases of the Kreis per month of the filter's year."""
    months = periods_in_year("monat", filters.jahr)
    return dimensions.cases_by_month(
        "ueberblick-faelle-monat",
        f"Neue und betreute Fälle je Monat {filters.jahr}",
        "im Kreis",
        queries.values(list(dimensions.MONTHLY), months, [KREIS_AGS]),
        queries.values(["faelle_neu"], [str(filters.jahr)], [KREIS_AGS]),
        filters.jahr,
    )


@chart("ueberblick-staedte", indikatoren=("faelle_neu", "faelle_aktiv", "faelle_je_vzae"))
def towns(filters: Filters) -> ChartData:
    """Per town: cases, cases per filled post and the status of its goals."""
    areas = queries.areas()
    frame = queries.values(
        ["faelle_aktiv", "faelle_neu", "faelle_je_vzae"], [filters.zeitraum], list(areas["gebiet"])
    )
    goals = queries.goals(filters.jahr)
    rows = []
    for gebiet, name in areas[["gebiet", "name"]].itertuples(index=False):
        cells = {"Gebiet": name}
        for indikator, column, fmt in (
            ("faelle_neu", "Neue Fälle", "ganzzahl"),
            ("faelle_aktiv", "Betreute Fälle", "ganzzahl"),
            ("faelle_je_vzae", "Fälle je besetzter Stelle", "dezimal1"),
        ):
            part = frame[(frame["gebiet"] == gebiet) & (frame["indikator"] == indikator)]
            cells[column] = display.first_value(part, fmt)
        own = goals[goals["gebiet"] == gebiet]
        cells[f"Ziele {filters.jahr}"] = (
            "; ".join(
                f"{n}: {status_label(s, t)}"
                for n, s, t in own[["indikator_name", "status", "status_text"]].itertuples(
                    index=False
                )
            )
            or "kein Ziel gesetzt"
        )
        rows.append(cells)
    table = pd.DataFrame(rows)
    kreis = table.iloc[-1]
    return ChartData(
        key="ueberblick-staedte",
        title=f"Städte im Überblick, {display.period(filters.zeitraum)}",
        sentence=(
            f"Im Kreis wurden {kreis['Betreute Fälle']} Fälle betreut, "
            f"{kreis['Fälle je besetzter Stelle']} je besetzter Stelle."
        ),
        table=table,
    )
