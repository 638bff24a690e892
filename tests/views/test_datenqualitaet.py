"""Chart content of the Datenqualität page that needs no published build."""

from __future__ import annotations

import pandas as pd

from views import datenqualitaet
from views.charts import ChartData


def test_long_tables_show_200_rows_and_say_how_many_there_are():
    table = pd.DataFrame({"Datei": [f"datei_{i}.csv" for i in range(250)], "Zeile": "2"})
    data = ChartData(key="probe", title="Probe", sentence="Satz.", table=table, note="Hinweis.")
    screen = datenqualitaet.on_screen(data)
    assert len(screen.table) == 200 and list(screen.table["Datei"])[-1] == "datei_199.csv"
    assert "ersten 200 von 250 Zeilen" in screen.note and screen.note.startswith("Hinweis.")
    assert len(data.table) == 250  # the download is built from the full table
    small = ChartData(key="probe", title="Probe", sentence="Satz.", table=table.head(200))
    assert datenqualitaet.on_screen(small) is small

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
