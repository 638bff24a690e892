"""Strukturthemen: the structural issues the Lenkungsgruppe prioritises and decides."""

from __future__ import annotations

from dash import html

from dashboard import access
from dashboard.components import guarded, make_chart_card, make_page_header
from views.charts import build
from views.filters import from_query
from warehouse import profile

access.register_page(__name__, "/strukturthemen", "Strukturthemen", 7, ("gebiet",))


@guarded
def layout(**query: str) -> html.Div:
    """The page for the filters in the URL."""
    filters = from_query(query)
    return html.Div(
        [
            make_page_header(
                "Strukturthemen",
                "Probleme des örtlichen Hilfesystems, die in der Fallarbeit sichtbar werden: "
                "wo jedes Thema auf dem Weg zu einer Maßnahme steht, nach Handlungsfeld und "
                "Gebiet, und wie lange offene Themen schon warten. Stand ist die letzte "
                "Lieferung der Koordinierungsstelle.",
            ),
            make_chart_card(build("strukturthemen-stufen", filters)),
            make_chart_card(build("strukturthemen-handlungsfelder", filters)),
            # a kreisfreie Stadt is its only area
            *(
                [make_chart_card(build("strukturthemen-gebiete", filters))]
                if profile.current().has_towns
                else []
            ),
            make_chart_card(build("strukturthemen-offen", filters)),
        ]
    )
