"""Stadt: everything for one town in the chosen period (`/stadt/<ags>`)."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import access
from dashboard.components import (
    guarded,
    make_card,
    make_chart_card,
    make_contents,
    make_headlines,
    make_page_header,
    make_section,
)
from views import display
from views.charts import build
from views.filters import Filters, from_query
from views.headlines import headlines, unfinished
from views.stadt import HEADLINES, town_name
from warehouse import profile
from warehouse.errors import NotPublished
from warehouse.schema import town_codes


def _title(ags: str | None = None, **_: str) -> str:
    """The browser tab's title: the town's name."""
    try:
        name = town_name(ags)
    except NotPublished:
        name = None
    return f"{name or 'Stadt'} – KIM Monitor"


dash.register_page(
    __name__,
    path_template="/stadt/<ags>",
    name="Stadt",
    title=_title,
    nav=False,
    filters=("zeitraum",),
    rollen=access.READERS,
)


@guarded
def layout(ags: str | None = None, **query: str) -> html.Div:
    """The page of the town in the path for the filters in the URL."""
    name = town_name(ags)
    if name is None and ags in town_codes():
        # A real town outside the user's scope: no page, and no numbers of it.
        return access.make_refused()
    if name is None:
        return make_not_found(ags)
    filters = from_query(query).with_(gebiet=ags)
    back = f"/staedte?zeitraum={filters.zeitraum}"
    parts: list = [
        make_page_header(
            f"{name} {display.period(filters.zeitraum)}",
            f"Alle Kennzahlen von {name} im gewählten Zeitraum: Fälle, Zielgruppen, "
            f"Handlungsfelder, Vermittlungen, Personal, die Ziele {filters.jahr} und der "
            "Datenstand.",
        ),
        html.P(dcc.Link("Zurück zum Vergleich der Städte", href=back), className="zurueck"),
        make_headlines(
            f"Kennzahlen von {name}",
            headlines(HEADLINES, filters, filters.gebiet),
            unfinished(filters.zeitraum),
        ),
        make_section(
            "beratung",
            "Fälle und Beratung",
            [
                make_chart_card(build("stadt-faelle-monat", filters)),
                make_chart_card(build("stadt-zielgruppen", filters)),
                make_chart_card(build("stadt-handlungsfelder", filters)),
                make_chart_card(build("stadt-vermittlungen", filters)),
            ],
        ),
        make_section(
            "personal-ziele",
            "Personal und Ziele",
            [make_chart_card(build("stadt-personal", filters)), make_goals(filters)],
        ),
    ]
    b3 = build("stadt-baustein3", filters)
    has_b3 = len(b3.table) > 0
    rest = [make_chart_card(b3)] if has_b3 else []
    rest.append(make_chart_card(build("stadt-datenstand", filters)))
    title = "Ausländerbehörde und Datenstand" if has_b3 else "Datenstand"
    parts.append(make_section("daten", title, rest))
    parts.insert(2, make_contents(parts))
    return html.Div(parts)


def make_not_found(ags: str | None) -> html.Div:
    """A clear page for an unknown AGS with a way back to the towns."""
    shown = (ags or "")[:20]
    return html.Div(
        [
            make_page_header(
                "Stadt nicht gefunden",
                f"Zur Kennung „{shown}“ gibt es keine Stadt {profile.current().in_phrase}. Die "
                "Seiten der Städte sind über den Vergleich der Städte erreichbar.",
            ),
            html.P(dcc.Link("Zum Vergleich der Städte", href="/staedte")),
        ]
    )


def make_goals(filters: Filters) -> html.Section:
    """The goals card, or a short note when the town has no goal for the year."""
    data = build("stadt-ziele", filters)
    if len(data.table):
        return make_chart_card(data)
    return make_card(data.key, data.title, html.P(data.sentence, className="aussage"))
