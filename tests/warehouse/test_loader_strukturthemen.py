"""Structural issues (export format §4.8) through the real `kim load`: free text that shows
personal data refuses the whole file and leaves no trace of it."""

from __future__ import annotations

from tests.conftest import Kim

HEADER = "thema_id;titel;handlungsfeld;ags;eingebracht_am;status;status_am;massnahme;faelle_anzahl"
ROWS = [
    "ST-2025-01;Wartezeiten auf Integrationskurse;bildung;05954036;03.02.2025;priorisiert;"
    "10.03.2025;;4",
    "ST-2025-02;Kita-Plätze für neu zugewanderte Familien;bildung;;01.03.2025;eingebracht;;;",
    "ST-2025-03;Wohnraum für große Familien;wohnen;05954004;01.04.2025;in_bearbeitung;"
    "15.03.2025;Runder Tisch;2",
    "ST-2025-04;Sprachmittlung in Praxen;gesundheit;05954099;01.05.2025;unklar;;;1",
]
NAME = "05954_2025-06-30_strukturthemen.csv"


def deliver(kim: Kim, rows: list[str]) -> tuple[int, dict]:
    """Put one strukturthemen file into the landing folder and load it."""
    (kim.exports / NAME).write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return kim.load_json()


def test_issues_load_with_row_errors_named_by_line_and_column(kim: Kim) -> None:
    more = [ROWS[0].replace("ST-2025-01", f"ST-2025-{n}") for n in range(10, 40)]
    code, report = deliver(kim, [*ROWS, *more])
    (entry,) = report["files"]
    assert code == 1 and entry["tabelle"] == "strukturthemen"
    messages = entry["meldungen"]
    assert any(m.startswith("Zeile 4, Spalte status_am") for m in messages)
    assert any(m.startswith("Zeile 5, Spalte ags") for m in messages)
    assert any(m.startswith("Zeile 5, Spalte status") for m in messages)
    assert entry["zeilen_gelesen"] == entry["zeilen_geladen"] + entry["zeilen_quarantaene"] == 34
    stored = kim.query("SELECT thema_id, ags, faelle_anzahl FROM aktuell.strukturthemen ORDER BY 1")
    assert stored[:2] == [("ST-2025-01", "05954036", 4), ("ST-2025-02", None, None)]


def test_personal_data_in_a_title_refuses_the_file_and_stores_nothing(kim: Kim) -> None:
    leaked = "Rückruf an Frau K. unter 0176 1234567"
    rows = [
        *ROWS[:2],
        ROWS[0].replace("Wartezeiten auf Integrationskurse", leaked).replace("01;", "05;", 1),
    ]
    code, report = deliver(kim, rows)
    (entry,) = report["files"]
    assert code == 1 and entry["status"] == "abgelehnt"
    assert entry["meldungen"][0].startswith("Zeile 4, Spalte titel: Freitext mit Anzeichen")
    assert "1234567" not in " ".join(entry["meldungen"])
    # nowhere: not in the archive, not in the warehouse file, not in quarantine
    assert not list((kim.home / "archiv").rglob("*strukturthemen*"))
    for path in kim.home.rglob("*"):
        if path.is_file():
            assert b"1234567" not in path.read_bytes(), path
    assert (kim.exports / NAME).exists()


def test_a_generated_sample_carries_issues_of_every_open_step(sample: Kim) -> None:
    statuses = {s for (s,) in sample.query("SELECT DISTINCT status FROM aktuell.strukturthemen")}
    assert {"eingebracht", "priorisiert", "in_bearbeitung", "umgesetzt"} <= statuses
