"""Barrierefreiheit: the accessibility statement required by BGG NRW and BITV NRW."""

from __future__ import annotations

from dash import html

from dashboard import access
from dashboard.components import make_card, make_contact, make_page_header
from warehouse import profile
from warehouse.settings import load_settings

access.register_page(__name__, "/barrierefreiheit", "Barrierefreiheit", 11, (), access.EVERYONE)

STATEMENT_DATE = "24.11.2026"


def layout(**query: str) -> html.Div:
    """The statement; the feedback contact comes from the settings (environment)."""
    return html.Div(
        [
            make_page_header(
                "Erklärung zur Barrierefreiheit",
                "Der KIM Monitor soll für alle Menschen nutzbar sein, die mit den Zahlen des "
                "Kommunalen Integrationsmanagements arbeiten. Diese Erklärung beschreibt, wie "
                "weit das gelingt, was noch nicht barrierefrei ist und wie Sie uns Barrieren "
                "melden können.",
            ),
            make_card(
                "geltungsbereich",
                "Geltungsbereich",
                html.P(
                    "Diese Erklärung gilt für die Webanwendung „KIM Monitor“ (Kommunales "
                    f"Integrationsmanagement {profile.current().in_phrase}) mit allen ihren "
                    "Seiten, "
                    "Tabellen, Grafiken und Downloads. Grundlage sind § 10 des "
                    "Behindertengleichstellungsgesetzes Nordrhein-Westfalen (BGG NRW), der "
                    "ausdrücklich auch Intranet-Anwendungen öffentlicher Stellen erfasst, und "
                    "die Barrierefreie-Informationstechnik-Verordnung Nordrhein-Westfalen "
                    "(BITV NRW)."
                ),
            ),
            make_card(
                "stand",
                "Stand der Vereinbarkeit mit den Anforderungen",
                html.P(
                    [
                        "Maßstab ist die europäische Norm EN 301 549, also die Web Content "
                        "Accessibility Guidelines (WCAG) 2.1 auf Stufe AA. Die Webanwendung ist "
                        "mit diesen Anforderungen ",
                        html.Strong("teilweise vereinbar"),
                        ": Die Seiten, Tabellen und Downloads erfüllen sie nach unserer "
                        "Prüfung; die unten genannten Einschränkungen sind bekannt, und für "
                        "die Grafiken gibt es gleichwertige Alternativen.",
                    ]
                ),
                html.P("So wurde geprüft:"),
                html.Ul(
                    [
                        html.Li(
                            "Automatisch mit dem Prüfwerkzeug axe-core (Regeln für WCAG 2.0 "
                            "und 2.1, Stufen A und AA) auf jeder Seite, mit Beispieldaten; "
                            "die Prüfung ist Teil der automatischen Tests der Anwendung."
                        ),
                        html.Li(
                            "Von Hand mit der Tastatur: Navigation, Filter, Tabellen-Schalter "
                            "und Downloads sind ohne Maus bedienbar, der Fokus ist sichtbar, "
                            "ein Sprunglink führt direkt zum Inhalt."
                        ),
                    ]
                ),
                html.P(
                    "Eine Prüfung durch eine unabhängige Prüfstelle (etwa ein vollständiger "
                    "BITV-Test) hat bisher nicht stattgefunden."
                ),
                html.P("Was die Anwendung für die Barrierefreiheit tut:"),
                html.Ul(
                    [
                        html.Li(
                            "Jede Grafik hat eine Überschrift und einen Satz, der ihre "
                            "wichtigsten Zahlen nennt, und über den Schalter „Tabelle“ eine "
                            "Tabelle mit genau denselben Zahlen."
                        ),
                        html.Li(
                            "Linien in Grafiken haben eigene Symbole und Strichmuster; der "
                            "Stand der Ziele wird immer mit Symbol und Text angegeben, nie "
                            "nur mit einer Farbe."
                        ),
                        html.Li(
                            "Tabellen haben Beschriftungen sowie Spalten- und Zeilenköpfe; "
                            "Überschriften sind sinnvoll gegliedert; die Seitensprache ist "
                            "Deutsch."
                        ),
                        html.Li(
                            "Die Filter stehen in der Adresse der Seite; jede Ansicht lässt "
                            "sich als Lesezeichen speichern und mit den Browser-Schaltflächen "
                            "vor und zurück erreichen."
                        ),
                        html.Li(
                            "Alle Tabellen lassen sich als CSV- oder XLSX-Datei herunterladen, "
                            "mit Spaltenüberschriften und, wo nötig, der Zeichenerklärung."
                        ),
                    ]
                ),
            ),
            make_card(
                "einschraenkungen",
                "Nicht barrierefreie Inhalte",
                html.Ul(
                    [
                        html.Li(
                            "Die Hinweise, die erscheinen, wenn der Mauszeiger über einem Balken "
                            "oder Punkt einer Grafik steht, sind nur mit der Maus erreichbar. "
                            "Dieselben Zahlen stehen in der Tabelle zur Grafik (Schalter "
                            "„Tabelle“) und im Satz über der Grafik."
                        ),
                        html.Li(
                            "Die Grafiken selbst werden Screenreadern als ein Bild mit "
                            "Beschreibung angeboten; einzelne Werte sind in der Grafik nicht "
                            "einzeln ansteuerbar. Die Tabelle zur Grafik enthält sie vollständig."
                        ),
                        html.Li(
                            "Auf schmalen Bildschirmen und bei starker Vergrößerung behält eine "
                            "Grafik eine lesbare Breite und lässt sich in ihrem Rahmen seitlich "
                            "verschieben; die Seite selbst und die Tabelle zur Grafik passen "
                            "sich der Breite an."
                        ),
                        html.Li(
                            "In Balkengrafiken mit mehreren Reihen unterscheiden sich die Reihen "
                            "durch Farbe und Reihenfolge, die Legende steht unter der Grafik. "
                            "Die Tabelle zur Grafik nennt jede Reihe mit ihrem Namen."
                        ),
                        html.Li(
                            [
                                "Informationen in Deutscher Gebärdensprache bietet die "
                                "Anwendung derzeit nicht an. Eine Erklärung in Leichter "
                                "Sprache steht auf der Seite ",
                                html.A("Leichte Sprache", href="/leichte-sprache"),
                                ".",
                            ]
                        ),
                    ]
                ),
            ),
            make_card(
                "erstellung",
                "Erstellung dieser Erklärung",
                html.P(
                    f"Diese Erklärung wurde am {STATEMENT_DATE} erstellt. Sie beruht auf einer "
                    "Selbstbewertung mit den oben genannten automatischen und manuellen "
                    "Prüfungen und wird bei wesentlichen Änderungen der Anwendung überprüft."
                ),
            ),
            make_card(
                "feedback",
                "Feedback und Kontakt",
                html.P(
                    "Sind Ihnen Barrieren aufgefallen, die Sie bei der Nutzung hindern, oder "
                    "brauchen Sie Inhalte in einer anderen, barrierefreien Form? Dann schreiben "
                    "Sie uns bitte. Beschreiben Sie dabei möglichst, auf welcher Seite und bei "
                    "welchem Inhalt das Problem auftritt."
                ),
                html.P(["Kontakt: ", make_contact(load_settings().feedback_contact)]),
            ),
            make_card(
                "durchsetzung",
                "Durchsetzungsverfahren",
                html.P(
                    "Wenn Sie auf Ihre Rückmeldung keine oder keine zufriedenstellende Antwort "
                    "erhalten, können Sie sich an die Ombudsstelle für barrierefreie "
                    "Informationstechnik des Landes Nordrhein-Westfalen wenden. Sie vermittelt "
                    "zwischen Ihnen und der öffentlichen Stelle mit dem Ziel, die Barriere zu "
                    "beseitigen."
                ),
                html.P(
                    "Die aktuellen Kontaktdaten der Ombudsstelle veröffentlicht das Land "
                    "Nordrhein-Westfalen; die Koordinierungsstelle des Kommunalen "
                    "Integrationsmanagements nennt sie Ihnen auf Nachfrage über den oben "
                    "genannten Kontakt."
                ),
            ),
        ],
        className="erklaerung",
    )
