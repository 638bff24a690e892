"""Leichte Sprache: what the dashboard is, how to use it, how accessible it is (BITV 2.0 § 4)."""

from __future__ import annotations

from dash import html

from dashboard import access
from dashboard.components import make_card, make_contact, make_page_header
from views import display
from warehouse import profile
from warehouse.settings import load_settings

access.register_page(
    __name__, "/leichte-sprache", "Leichte Sprache", 13, (), access.EVERYONE, nav=False
)


def make_sentences(*sentences: str | list) -> html.Div:
    """Short paragraphs, one statement each (Leichte Sprache keeps them apart)."""
    return html.Div([html.P(sentence) for sentence in sentences], className="leicht")


def layout(**query: str) -> html.Div:
    """The explanation in Leichter Sprache; the contact comes from the settings."""
    active = profile.current()
    return html.Div(
        [
            make_page_header(
                "Der KIM Monitor in Leichter Sprache",
                "Hier erklären wir den KIM Monitor in Leichter Sprache.",
            ),
            make_card(
                "inhalt",
                "Was ist der KIM Monitor?",
                make_sentences(
                    f"Der KIM Monitor ist eine Internet-Seite {active.from_phrase}.",
                    "Die Internet-Seite ist für Mitarbeiter und Mitarbeiterinnen vom Kreis "
                    "und von den Städten.",
                    f"{display.capital(active.in_phrase)} gibt es ein Programm. "
                    "Das Programm heißt: Kommunales Integrations-Management. "
                    "Die Abkürzung ist: KIM.",
                    "KIM hilft Menschen, die neu nach Deutschland gekommen sind. "
                    "Zum Beispiel bei Fragen zur Arbeit, zur Schule oder zur Wohnung.",
                    "In 9 Städten gibt es Berater und Beraterinnen für diese Menschen.",
                    "Der KIM Monitor zeigt Zahlen über diese Beratung. "
                    "Zum Beispiel: Wie viele Menschen wurden in einer Stadt beraten?",
                    "Der KIM Monitor zeigt keine Namen. "
                    "Niemand soll heraus-finden können, wer beraten wurde. "
                    "Deshalb sind sehr kleine Zahlen versteckt. "
                    "Dann steht dort ein Punkt.",
                ),
            ),
            make_card(
                "bedienung",
                "So benutzen Sie den KIM Monitor",
                make_sentences(
                    "Zuerst melden Sie sich an. "
                    "Dafür brauchen Sie einen Benutzer-Namen und ein Passwort.",
                    "Oben auf jeder Seite ist ein Menü. "
                    "Dort wählen Sie eine Seite aus. Zum Beispiel: Städte.",
                    "Unter dem Menü wählen Sie aus: "
                    "Welche Zeit? Welche Stadt? Welche Gruppe von Menschen? "
                    "Dann ändern sich die Zahlen.",
                    "Zu jeder Grafik gibt es eine Tabelle mit den gleichen Zahlen. "
                    "Klicken Sie dafür auf das Wort: Tabelle.",
                    "Sie können alles mit der Tastatur bedienen. "
                    "Mit der Tab-Taste kommen Sie zum nächsten Teil der Seite.",
                    "Ganz unten auf jeder Seite sind Links. Zum Beispiel zu diesem Text.",
                ),
            ),
            make_card(
                "barrierefreiheit",
                "Ist der KIM Monitor barriere-frei?",
                make_sentences(
                    "Barriere-frei heißt: Alle Menschen können die Internet-Seite gut "
                    "benutzen. Auch Menschen mit Behinderung.",
                    "Wir haben den KIM Monitor geprüft. Er ist zum Teil barriere-frei.",
                    "Das klappt gut: die Seiten, die Tabellen und die Downloads.",
                    "Das klappt noch nicht gut: die Grafiken. "
                    "Ein Vorlese-Programm kann nicht jede Zahl in einer Grafik vorlesen. "
                    "Deshalb gibt es zu jeder Grafik eine Tabelle.",
                    [
                        "Haben Sie ein Problem mit dem KIM Monitor? Dann schreiben Sie uns: ",
                        make_contact(load_settings().feedback_contact),
                    ],
                    "Sie bekommen keine Antwort? Oder die Antwort hilft Ihnen nicht? "
                    "Dann können Sie sich beschweren. "
                    "Bei der Ombuds-Stelle vom Land Nordrhein-Westfalen.",
                    [
                        "Hier finden Sie den ganzen Text über Barriere-Freiheit in "
                        "schwerer Sprache: ",
                        html.A("Erklärung zur Barrierefreiheit", href="/barrierefreiheit"),
                    ],
                ),
            ),
            make_card(
                "mehr",
                "Gibt es noch mehr in Leichter Sprache?",
                make_sentences(
                    "Nein. Nur dieser Text ist in Leichter Sprache.",
                    "Die Zahlen und Berichte gibt es nur in schwerer Sprache.",
                    "Texte in Gebärden-Sprache gibt es noch nicht.",
                ),
            ),
        ],
        className="erklaerung",
    )
