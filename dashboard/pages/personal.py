"""Personal: posts (Soll/Ist in VZÄ) per town and Baustein, Besetzungsquote, vacancies, load."""

from __future__ import annotations

from dash import html

from dashboard import access
from dashboard.components import guarded, make_card, make_chart_card, make_kpi, make_page_header
from views import dimensions, display, queries
from views.charts import build
from views.filters import Filters, from_query
from views.personal import SCOPE, STAFFING, in_area, posts_of, posts_text

access.register_page(__name__, "/personal", "Personal", 4, ("zeitraum", "gebiet"))


@guarded
def layout(**query: str) -> html.Div:
    """The page for the filters in the URL."""
    filters = from_query(query)
    return html.Div(
        [
            make_page_header(
                f"Personal {display.period(filters.zeitraum)}",
                "Geförderte (Soll) und besetzte (Ist) Stellen je Stadt und Baustein, "
                "Besetzungsquote, unbesetzte Stellen und Fälle je besetzter Stelle.",
            ),
            make_headlines(filters),
            make_chart_card(build("personal-staedte", filters)),
            make_chart_card(build("personal-bausteine", filters)),
            make_chart_card(build("personal-verlauf", filters)),
            make_chart_card(build("personal-verlauf-bausteine", filters)),
            make_chart_card(build("personal-nachweis", filters)),
        ]
    )


def make_headlines(filters: Filters) -> html.Section:
    """Headline figures of the chosen area at the end of the chosen period."""
    cells = dimensions.cells(queries.values(STAFFING, [filters.zeitraum], [filters.gebiet]))
    posts = posts_of(cells, filters.zeitraum, filters.gebiet)
    load = posts_text(cells, ("faelle_je_vzae", filters.zeitraum, filters.gebiet, ""), "dezimal1")
    tiles = [
        make_kpi("Stellen (Soll)", str(posts["Soll (VZÄ)"]), "VZÄ"),
        make_kpi("Stellen (Ist)", str(posts["Ist (VZÄ)"]), "VZÄ"),
        make_kpi("Unbesetzte Stellen", str(posts["Unbesetzt (VZÄ)"]), "VZÄ, Soll − Ist"),
        make_kpi("Besetzungsquote", str(posts["Besetzungsquote"])),
        make_kpi(
            "Fälle je besetzter Stelle", load, "Fallbestand je besetzter Case-Management-Stelle"
        ),
    ]
    return make_card(
        "personal-kennzahlen",
        f"Stellen {in_area(filters.gebiet)}",
        html.P(SCOPE, className="hinweis"),
        html.Div(tiles, className="kpis"),
    )
