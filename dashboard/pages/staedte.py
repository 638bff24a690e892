"""Städte: the nine towns and the Kreis compared, absolute, per 10.000 inhabitants, per post."""

from __future__ import annotations

from dash import dcc, html

from dashboard import access
from dashboard.components import (
    guarded,
    make_card,
    make_chart_card,
    make_map_switch,
    make_order_switch,
    make_page_header,
    with_row_links,
)
from views import display
from views.charts import build
from views.filters import Filters, from_query
from views.staedte import compared, selection, town_links

access.register_page(__name__, "/staedte", "Städte", 1, ("zeitraum", "zielgruppe", "handlungsfeld"))


@guarded
def layout(**query: str) -> html.Div:
    """The page for the filters in the URL."""
    filters = from_query(query)
    links = town_links(filters)
    cards = [
        make_chart_card(build("staedte-karte", filters), links=True),
        *(
            make_chart_card(build(key, filters), links=True)
            for key in ("staedte-faelle", "staedte-einwohner", "staedte-stellen")
        ),
    ]
    return html.Div(
        [
            make_page_header(
                f"Städte {display.period(filters.zeitraum)}",
                f"{compared()} und der Kreis im Vergleich "
                f"({selection(filters)}): absolute "
                "Zahlen, je 10.000 Einwohner und je besetzter Case-Management-Stelle. Ein Klick "
                "auf den Namen einer Stadt öffnet ihre Seite mit allen Zahlen.",
            ),
            make_order_switch("/staedte", filters),
            make_map_switch("/staedte", filters),
            *(with_row_links(card, links) for card in cards),
            make_town_list(filters),
        ]
    )


def make_town_list(filters: Filters) -> html.Section:
    """Links to every town's page."""
    items = [html.Li(dcc.Link(name, href=href)) for name, href in town_links(filters).items()]
    return make_card(
        "staedteseiten",
        "Seiten der Städte",
        html.P(
            "Alle Zahlen einer Stadt im gewählten Zeitraum: Fälle je Monat, Zielgruppen, "
            "Handlungsfelder, Vermittlungen, Personal, Ziele und Datenstand."
        ),
        html.Ul(items, className="datenstand"),
    )
