"""Zielgruppen: reach and outcomes per target group and the groups' shares of all cases."""

from __future__ import annotations

from dash import html

from dashboard import access
from dashboard.components import (
    guarded,
    make_chart_card,
    make_notice,
    make_page_header,
    with_row_links,
)
from views import display
from views.charts import build
from views.dimensions import code_links
from views.filters import from_query
from views.zielgruppen import OVERLAP, view_context

access.register_page(
    __name__, "/zielgruppen", "Zielgruppen", 2, ("zeitraum", "gebiet", "handlungsfeld")
)


@guarded
def layout(**query: str) -> html.Div:
    """The page for the filters in the URL."""
    filters = from_query(query)
    links = code_links(filters, "zielgruppe")
    return html.Div(
        [
            make_page_header(
                f"Zielgruppen {display.period(filters.zeitraum)}",
                f"Reichweite und Ergebnisse je Zielgruppe für {view_context(filters)} und die "
                "Anteile der Zielgruppen an allen betreuten Fällen im Jahresverlauf.",
            ),
            make_notice(OVERLAP),
            *(
                with_row_links(make_chart_card(build(key, filters), links=True), links)
                for key in (
                    "zielgruppen-reichweite",
                    "zielgruppen-zielerreichung",
                    "zielgruppen-falldauer",
                )
            ),
            make_chart_card(build("zielgruppen-anteile", filters)),
        ]
    )
