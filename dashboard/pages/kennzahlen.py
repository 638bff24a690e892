"""Kennzahlen: the indicator catalogue as published (dim_kennzahlen) and the table symbols."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard import access
from dashboard.components import guarded, make_card, make_chart_card, make_page_header, make_table
from views import display
from views.charts import build
from views.filters import from_query
from views.kennzahlen import KATALOG

access.register_page(__name__, "/kennzahlen", "Kennzahlen", 10, (), access.EVERYONE)


@guarded
def layout(**query: str) -> html.Div:
    """The catalogue and the explanation of the symbols."""
    filters = from_query(query)
    return html.Div(
        [
            make_page_header(
                "Kennzahlenkatalog",
                "Alle Kennzahlen des KIM Monitors mit Definition, Einheit, Basis und "
                "Geheimhaltungsregel, so wie sie im veröffentlichten Stand berechnet werden.",
            ),
            make_chart_card(build(KATALOG, filters), grid=True),
            make_symbols(),
        ]
    )


def make_symbols() -> html.Section:
    """What `.`, `–` and `x` mean and how secondary suppression protects small numbers."""
    return make_card(
        "zeichen",
        "Zeichenerklärung und Geheimhaltung",
        html.P("Die Tabellen und Grafiken verwenden die Zeichen der amtlichen Statistik:"),
        make_table(
            pd.DataFrame(
                {
                    "Zeichen": [display.SUPPRESSED, display.ZERO, display.NOT_APPLICABLE],
                    "Bedeutung": [
                        "Zahlenwert geheim zu halten: Die Zahl ist so klein, dass sie "
                        "Rückschlüsse auf einzelne Personen erlauben könnte. Sie wird nicht "
                        "gezeigt, auch nicht in Grafiken, Hinweisfeldern oder Downloads.",
                        "Genau null (nichts vorhanden).",
                        "Aussage nicht sinnvoll, etwa eine Quote ohne Basis oder Fälle je "
                        "Stelle, wenn keine Stelle besetzt ist.",
                    ],
                }
            ),
            "Zeichenerklärung",
        ),
        html.H3("Primäre Geheimhaltung"),
        html.P(
            "Kleine Anzahlen und Quoten, Mediane oder Verhältnisse mit zu kleiner Basis "
            "werden unterdrückt; welche Grenze gilt, steht bei jeder Kennzahl in der Spalte "
            "„Geheimhaltungsregel“. Stellen (Soll und Ist) und die Besetzungsquote sind keine "
            "personenbezogenen Daten und werden nie unterdrückt."
        ),
        html.H3("Sekundäre Geheimhaltung"),
        html.P(
            "Wo Teile und ihre Summe zusammen erscheinen – die Städte und der Kreis, "
            "die Monate und ihr Jahr, die Kooperationspartner und die Gesamtzahl – oder "
            "Werte voneinander abhängen (betreute = Bestand + abgeschlossene Fälle), ließen "
            "sich unterdrückte Werte errechnen. Deshalb werden weitere Werte unterdrückt; "
            "welche, wird über alle diese Beziehungen zugleich gewählt, und vor jeder "
            "Veröffentlichung prüft der KIM Monitor mit linearer Optimierung, dass sich kein "
            "geheim gehaltener Wert aus den veröffentlichten Kennzahlen auf weniger als drei "
            "mögliche Werte eingrenzen lässt. Ein Punkt kann daher auch bei einer größeren "
            "Zahl stehen."
        ),
    )
