"""Ziele: every goal of the year against its pro-rata expectation, with its status."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import access
from dashboard.components import guarded, make_card, make_chart_card, make_page_header, make_status
from views import queries
from views.charts import build
from views.filters import from_query
from views.ziele import ON_TRACK, SLIGHTLY_LATE, stichtag_of

access.register_page(__name__, "/ziele", "Ziele", 6, ("zeitraum",))


@guarded
def layout(**query: str) -> html.Div:
    """The page for the filters in the URL."""
    filters = from_query(query)
    goals = queries.goals(filters.jahr)
    return html.Div(
        [
            make_page_header(
                f"Ziele {filters.jahr}",
                f"Alle Jahresziele {filters.jahr} mit ihrem Fortschritt gegenüber der anteiligen "
                "Erwartung zum letzten Stichtag der Daten und ihrem Status.",
            ),
            make_chart_card(build("ziele-fortschritt", filters)),
            make_rules(goals),
        ]
    )


def make_rules(goals: pd.DataFrame) -> html.Section:
    """How the expectation and the status are determined."""
    when = ""
    if len(goals):
        first = goals.iloc[0]
        when = (
            f" Stand ist der letzte Stichtag der Daten, der {stichtag_of(goals)}: "
            f"{int(first['vergangene_tage'])} von {int(first['tage_im_jahr'])} Tagen des Jahres "
            "sind vergangen."
        )
    rules = (
        ("erreicht", "erreicht", "Das Jahresziel ist bereits erfüllt."),
        (
            "im_plan",
            "im Plan",
            f"Der Ist-Wert erreicht mindestens {ON_TRACK} % der anteiligen Erwartung.",
        ),
        (
            "leicht_verzoegert",
            "leicht verzögert",
            f"{SLIGHTLY_LATE} bis unter {ON_TRACK} % der anteiligen Erwartung.",
        ),
        (
            "deutlich_verzoegert",
            "deutlich verzögert",
            f"Unter {SLIGHTLY_LATE} % der anteiligen Erwartung.",
        ),
        (
            "nicht_bewertbar",
            "nicht bewertbar",
            "Der Ist-Wert wird geheim gehalten („.“), daher ist keine Bewertung möglich.",
        ),
    )
    return make_card(
        "ziele-regeln",
        "So wird der Status bestimmt",
        html.P(
            "Die Erwartung ist anteilig: Bei Anzahlen ist sie Jahresziel × vergangene Tage "
            "÷ Tage des Jahres, bei Quoten und Medianen das Jahresziel selbst." + when
        ),
        html.Ul(
            [html.Li([make_status(code, text), f": {rule}"]) for code, text, rule in rules],
            className="statusregeln",
        ),
        html.P(
            "Bei „höchstens“-Zielen (z. B. Wartezeit) ist ein niedrigerer Wert besser: Die "
            "Erfüllung ist dann Erwartung ÷ Ist, und „erreicht“ gilt erst, wenn das Jahr "
            "abgeschlossen ist und der Wert das Ziel nicht überschreitet."
        ),
    )
