"""Überblick: the year's headline figures with goal status, cases by month, towns, Datenstand."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import access
from dashboard.components import (
    guarded,
    make_card,
    make_chart_card,
    make_headlines,
    make_map_switch,
    make_notice,
    make_page_header,
    with_row_links,
)
from views import display, queries
from views.charts import build
from views.filters import from_query
from views.headlines import headlines, unfinished
from views.staedte import town_links
from views.ueberblick import HEADLINES, source_name
from warehouse import profile
from warehouse.schema import kreis_ags
from warehouse.settings import load_settings

access.register_page(__name__, "/", "Überblick", 0, ("zeitraum",))


@guarded
def layout(**query: str) -> html.Div:
    """The page for the filters in the URL."""
    filters = from_query(query)
    links = town_links(filters)
    return html.Div(
        [
            make_page_header(
                f"Überblick {display.period(filters.zeitraum)}",
                f"Die wichtigsten Kennzahlen {profile.current().genitive_phrase} im gewählten "
                "Zeitraum, "
                f"mit dem Stand der Jahresziele {filters.jahr}.",
            ),
            make_datenstand(),
            make_headlines(
                "Kennzahlen des Kreises",
                headlines(HEADLINES, filters, kreis_ags()),
                unfinished(filters.zeitraum),
            ),
            make_chart_card(build("ueberblick-faelle-monat", filters)),
            with_row_links(
                make_chart_card(build("ueberblick-staedte", filters), links=True), links
            ),
            make_map_switch("/", filters),
            with_row_links(make_chart_card(build("staedte-karte", filters), links=True), links),
        ]
    )


def make_datenstand() -> html.Section:
    """Per source the latest Stichtag; a warning when it is older than the allowed days."""
    settings = load_settings()
    snapshots = queries.current_snapshots()
    names = dict(queries.areas()[["gebiet", "name"]].itertuples(index=False))
    latest = snapshots.groupby("quelle", as_index=False)["stichtag"].max()
    items = []
    stale = []
    for quelle, stichtag in latest.itertuples(index=False):
        day = pd.Timestamp(stichtag).date()
        name = source_name(quelle, names)
        age = queries.age_in_days(day)
        text = f"{name}: Stichtag {display.day(day)}"
        if queries.is_stale(age):
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
