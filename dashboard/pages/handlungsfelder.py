"""Handlungsfelder: cases, goal attainment and referrals per topic, referrals by partner."""

from __future__ import annotations

from dash import html

from dashboard import access
from dashboard.components import (
    guarded,
    make_card,
    make_chart_card,
    make_notice,
    make_page_header,
    with_row_links,
)
from views import display, queries
from views.charts import build
from views.dimensions import code_links
from views.filters import Filters, from_query
from views.handlungsfelder import NO_RESULTS, NOT_PUBLISHED, OVERLAP, partner_grain, view_context

access.register_page(
    __name__, "/handlungsfelder", "Handlungsfelder", 3, ("zeitraum", "gebiet", "zielgruppe")
)


@guarded
def layout(**query: str) -> html.Div:
    """The page for the filters in the URL."""
    filters = from_query(query)
    links = code_links(filters, "handlungsfeld")
    return html.Div(
        [
            make_page_header(
                f"Handlungsfelder {display.period(filters.zeitraum)}",
                f"Betreute Fälle, erreichte Ziele und Vermittlungen je Handlungsfeld für "
                f"{view_context(filters)}, dazu die Vermittlungen nach Partner.",
            ),
            make_notice(OVERLAP),
            *(
                with_row_links(make_chart_card(build(key, filters), links=True), links)
                for key in ("handlungsfelder-faelle", "handlungsfelder-ergebnisse")
            ),
            make_chart_card(build("handlungsfelder-partner", filters)),
            make_flows(filters),
        ]
    )


def make_flows(filters: Filters) -> html.Section:
    """The Sankey card, or a plain note when the build publishes no topic × partner counts."""
    if len(queries.referrals_by_topic_and_partner(filters.zeitraum, filters.gebiet)):
        return make_chart_card(build("handlungsfelder-sankey", filters))
    return make_card(
        "handlungsfelder-sankey",
        "Vermittlungen vom Handlungsfeld zum Partner",
        make_notice(f"{NOT_PUBLISHED} {partner_grain(filters, 'handlungsfeld')} {NO_RESULTS}"),
    )
