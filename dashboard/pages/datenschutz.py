"""Datenschutzhinweise: what the dashboard processes about its users (Art. 13 DSGVO)."""

from __future__ import annotations

from dash import html

from dashboard import access
from dashboard.components import make_card, make_contact, make_page_header
from warehouse import profile
from warehouse.settings import load_settings

access.register_page(__name__, "/datenschutz", "Datenschutz", 12, (), access.EVERYONE, nav=False)


def layout(**query: str) -> html.Div:
    """The notice; the contact and the idle time come from the settings (environment)."""
    settings = load_settings()
    return html.Div(
        [
            make_page_header(
                "Datenschutzhinweise",
                "Hier steht, welche personenbezogenen Daten der KIM Monitor verarbeitet, wenn "
                "Sie ihn benutzen, wozu, wie lange, und welche Rechte Sie haben (Art. 13 der "
                "Datenschutz-Grundverordnung, DSGVO).",
            ),
            make_card(
                "verantwortlich",
                "Verantwortliche Stelle",
                html.P(
                    f"Verantwortlich ist {profile.current().article_phrase}, vertreten durch "
                    f"{profile.current().head}. "
                    "Die Kontaktdaten der oder des behördlichen Datenschutzbeauftragten nennt "
                    "der Kreis in seinen allgemeinen Datenschutzhinweisen."
                ),
                html.P(["Fragen zum KIM Monitor: ", make_contact(settings.privacy_contact)]),
            ),
            make_card(
                "zahlen",
                "Die Zahlen des KIM Monitors",
                html.P(
                    "Der KIM Monitor zeigt nur zusammengefasste Zahlen über die Beratung im "
                    "Kommunalen Integrationsmanagement, etwa Fälle je Stadt und Monat. Er "
                    "erhält die Fälle mit pseudonymen Fallnummern und speichert keine Namen, "
                    "Anschriften oder Geburtsdaten. Kleine Zahlen (1 und 2) werden geheim "
                    "gehalten, auch gegen Nachrechnen aus mehreren Tabellen; jede "
                    "Veröffentlichung wird vorher daraufhin geprüft."
                ),
            ),
            make_card(
                "nutzung",
                "Daten über Sie, wenn Sie den KIM Monitor benutzen",
                html.Ul(
                    [
                        html.Li(
                            "Ihr Benutzerkonto: Benutzername, Rolle und gegebenenfalls Ihre "
                            "Stadt. Das Passwort wird nur als Prüfwert (Argon2) gespeichert, "
                            "nie im Klartext."
                        ),
                        html.Li(
                            "Ihre Sitzung: ein Sitzungs-Cookie und ein Cookie gegen gefälschte "
                            "Anfragen. Beide sind technisch notwendig und gelten nur für diese "
                            f"Anwendung. Nach {int(settings.idle_minutes)} Minuten ohne "
                            "Aktivität endet die Sitzung."
                        ),
                        html.Li(
                            "Ein Protokoll: Anmeldungen (auch fehlgeschlagene, mit der "
                            "IP-Adresse), Seitenaufrufe, Downloads, Berichte, Freigaben und "
                            "Änderungen an Konten, jeweils mit Zeit und Benutzername. Das "
                            "Protokoll ist gegen nachträgliche Änderung gesichert."
                        ),
                        html.Li(
                            "Keine Cookies zur Werbung oder Reichweitenmessung und keine "
                            "Inhalte fremder Server: Schriften, Programme und Grafiken liefert "
                            "der KIM Monitor selbst aus."
                        ),
                    ]
                ),
            ),
            make_card(
                "zweck",
                "Zweck und Rechtsgrundlage",
                html.P(
                    "Die Daten dienen der Anmeldung, dem Schutz der Anwendung vor Missbrauch "
                    "und dem Nachweis, wer wann welche Zahlen abgerufen oder freigegeben hat. "
                    "Rechtsgrundlage ist Art. 6 Abs. 1 Buchstabe e DSGVO in Verbindung mit § 3 "
                    "des Datenschutzgesetzes Nordrhein-Westfalen (DSG NRW), für Beschäftigte "
                    "zusätzlich § 18 DSG NRW."
                ),
            ),
            make_card(
                "dauer",
                "Speicherdauer und Empfänger",
                html.P(
                    "Ein Benutzerkonto besteht, bis die Administration es löscht. Das Protokoll "
                    "wird nicht automatisch gelöscht; wie lange es aufbewahrt wird, legt der "
                    "Kreis in seinem Löschkonzept fest. Die Daten werden nicht an Dritte "
                    "übermittelt; der KIM Monitor läuft auf Servern des Kreises oder seines "
                    "IT-Dienstleisters."
                ),
            ),
            make_card(
                "rechte",
                "Ihre Rechte",
                html.P(
                    "Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), "
                    "Löschung (Art. 17), Einschränkung der Verarbeitung (Art. 18) und "
                    "Widerspruch (Art. 21). Sie können sich außerdem bei der Aufsichtsbehörde "
                    "beschweren: der Landesbeauftragten für Datenschutz und "
                    "Informationsfreiheit Nordrhein-Westfalen (LDI NRW)."
                ),
            ),
        ],
        className="erklaerung",
    )
