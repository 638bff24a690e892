"""Chart content of the Datenqualität page that needs no published build."""

from __future__ import annotations

from views import datenqualitaet


def test_delivery_messages_count_row_errors_once():
    assert (
        datenqualitaet._messages(
            [
                "ersetzt die bisherige Lieferung zum selben Stichtag",
                "Zeile 4, Spalte fall_id: Fall-ID fehlt (Wert: „F123456“)",
                "… und 7 weitere Fehler (vollständige Liste in der Quarantäne)",
            ]
        )
        == "ersetzt die bisherige Lieferung zum selben Stichtag; 8 Zeilenfehler in Quarantäne"
    )
