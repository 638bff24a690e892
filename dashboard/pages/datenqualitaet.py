"""Datenqualität: deliveries per source, Datenstand, quarantine with reasons, completeness.

The error list is what a town's case management needs to correct its export. Counts of
delivered rows and errors are not indicator values and are shown as they are, to those who
process the data only (`access.OPERATORS`: the coordination office, and a town for its own
deliveries); values of pseudonym columns (case, person, contact ids) are never shown.
"""

from __future__ import annotations

from dash import html

from dashboard import access
from dashboard.components import (
    guarded,
    make_chart_card,
    make_contents,
    make_page_header,
    make_section,
)
from views import queries
from views.charts import build
from views.datenqualitaet import (
    FEHLERLISTE,
    GRUENDE,
    LIEFERUNGEN,
    QUARANTAENE,
    STAND,
    VOLLSTAENDIGKEIT,
    sources_shown,
)
from views.filters import from_query
from warehouse.schema import kreis_ags

access.register_page(
    __name__, "/datenqualitaet", "Datenqualität", 8, ("gebiet",), rollen=access.OPERATORS
)


@guarded
def layout(**query: str) -> html.Div:
    """The page for the area in the URL (the Kreis shows every source)."""
    filters = from_query(query)
    every_source = filters.gebiet == kreis_ags() and queries.scope() is None
    subject = sources_shown(filters)
    delivered = (
        "Was die Städte, die Koordinierungsstelle und die Ausländerbehörden geliefert haben"
        if every_source
        else f"Was {subject} geliefert hat"
    )
    intro = (
        f"{delivered}: Datenstand, Zeilen in Quarantäne mit ihren Gründen, die Fehlerliste zum "
        "Korrigieren, die Vollständigkeit der freiwilligen Angaben und alle Lieferungen."
    )
    if every_source:
        intro += " Wählen Sie eine Stadt, um nur ihre Lieferungen und ihre Fehlerliste zu sehen."
    sections = [
        make_section(
            "stand",
            "Stand und Quarantäne",
            [
                make_chart_card(build(STAND, filters)),
                make_chart_card(build(QUARANTAENE, filters)),
                make_chart_card(build(GRUENDE, filters)),
            ],
        ),
        make_section(
            "korrigieren",
            "Zum Korrigieren",
            [
                make_chart_card(build(FEHLERLISTE, filters), grid=True),
                make_chart_card(build(VOLLSTAENDIGKEIT, filters)),
            ],
        ),
        make_section(
            "lieferungen", "Lieferungen", [make_chart_card(build(LIEFERUNGEN, filters), grid=True)]
        ),
    ]
    return html.Div(
        [make_page_header(f"Datenqualität: {subject}", intro), make_contents(sections), *sections]
    )
