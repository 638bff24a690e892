"""A welfare provider as a delivering source (export format §6): named by its id in the file
name, its cases in the towns it serves."""

from __future__ import annotations

from tests.conftest import Kim

FAELLE = (
    "fall_id;person_id;ags;fallbeginn;status\n"
    "CAR-F-0001;CAR-P-0001;05916000;03.02.2025;aktiv\n"
    "CAR-F-0002;CAR-P-0002;05954004;10.02.2025;aktiv\n"
)
HANDLUNGSFELDER = "fall_id;handlungsfeld;zielstatus\nCAR-F-0001;arbeit;offen\n"
KONTAKTE = "kontakt_id;fall_id;datum;art\nCAR-K-0001;CAR-F-0001;05.02.2025;persoenlich\n"
VERMITTLUNGEN = (
    "vermittlung_id;fall_id;datum;handlungsfeld;partner;ergebnis\n"
    "CAR-V-0001;CAR-F-0001;06.02.2025;arbeit;jobcenter;offen\n"
)


def test_a_provider_delivers_the_cases_of_its_towns(kim: Kim, monkeypatch) -> None:
    kim.profile = "herne"
    monkeypatch.setenv("KIM_MAX_FEHLERANTEIL", "1")  # one of two rows is wrong on purpose
    for table, text in (
        ("faelle", FAELLE),
        ("handlungsfelder", HANDLUNGSFELDER),
        ("kontakte", KONTAKTE),
        ("vermittlungen", VERMITTLUNGEN),
    ):
        (kim.exports / f"caritas-herne_2025-06-30_{table}.csv").write_text(text, "utf-8")
    (kim.exports / "awo-herne_2025-06-30_faelle.csv").write_text(FAELLE, "utf-8")
    code, report = kim.load_json()
    assert code == 1
    by_file = {f["file"]: f for f in report["files"]}
    assert by_file["awo-herne_2025-06-30_faelle.csv"]["status"] == "unbekannt"
    faelle = by_file["caritas-herne_2025-06-30_faelle.csv"]
    assert faelle["quelle"] == "caritas-herne"
    assert faelle["zeilen_quarantaene"] == 1
    assert any(
        m.startswith("Zeile 3, Spalte ags: AGS passt nicht zur Lieferung (caritas-herne: 05916000)")
        for m in faelle["meldungen"]
    )
    rows = kim.query("SELECT quelle, ags, fall_id FROM aktuell.faelle")
    assert rows == [("caritas-herne", "05916000", "CAR-F-0001")]
    status = kim.run("status", check=True).stdout
    assert "Caritasverband Herne (Träger für Herne)" in status
