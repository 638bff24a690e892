"""Baustein III: Bleiberecht §§ 25a/25b and naturalisation, Kreis authority versus Witten."""

from __future__ import annotations

from dash import html

from dashboard import access
from dashboard.components import guarded, make_chart_card, make_notice, make_page_header
from views import display
from views.baustein3 import ALL, VERFAHREN, responsibility
from views.charts import build
from views.filters import from_query

access.register_page(__name__, "/baustein3", "Baustein III", 5, ("zeitraum",))


@guarded
def layout(**query: str) -> html.Div:
    """The page for the filters in the URL."""
    filters = from_query(query)
    return html.Div(
        [
            make_page_header(
                f"Baustein III {display.period(filters.zeitraum)}",
                "Bleiberecht nach §§ 25a und 25b AufenthG, Chancen-Aufenthaltsrecht nach § 104c "
                "AufenthG und Einbürgerung: aktiv angesprochene Personen, Anträge und "
                "Erteilungen je Ausländerbehörde und nach Staatsangehörigkeit.",
            ),
            make_notice(responsibility()),
            *(make_chart_card(build(f"baustein3-{code}", filters)) for code in (ALL, *VERFAHREN)),
            make_chart_card(build("baustein3-verlauf", filters)),
            make_chart_card(build("baustein3-staatsangehoerigkeiten", filters)),
        ]
    )
