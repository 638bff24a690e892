"""A welfare provider as a delivering source (export format §6): named by its id in the file
name, its cases in the towns it serves."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import Kim

PROFILES = Path(__file__).resolve().parents[2] / "warehouse" / "profiles"

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
    # Named like an export, but no provider of this profile: refused, the source named.
    awo = by_file["awo-herne_2025-06-30_faelle.csv"]
    assert awo["status"] == "abgelehnt"
    assert "„awo-herne“ ist weder AGS noch Träger des Kreisprofils" in awo["meldungen"][0]
    assert (kim.exports / "awo-herne_2025-06-30_faelle.csv").exists()
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


def test_a_provider_of_two_towns_delivers_both_towns_cases(kim: Kim, tmp_path: Path) -> None:
    """A Kreis profile with a provider serving two towns: `kim generate` writes one delivery
    with both towns' cases, `kim load` takes them all, `kim status` names the provider."""
    folder = tmp_path / "coesfeld-mit-traeger"
    shutil.copytree(PROFILES / "coesfeld", folder)
    with (folder / "profil.toml").open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[[traeger]]\nid = "caritas-baumberge"\nname = "Caritas Baumberge"\n'
            'staedte = ["05558020", "05558032"]\nanteil = 0.5\n'
        )
    kim.profile = str(folder)
    kim.run(
        "generate",
        "--out",
        str(kim.exports),
        "--scale",
        "0.3",
        "--historie",
        "1",
        "--fehlerfrei",
        check=True,
    )
    assert list(kim.exports.glob("caritas-baumberge_*"))
    code, report = kim.load_json()
    assert code == 0, report
    by_source = kim.query(
        "SELECT quelle, ags, count(*) FROM aktuell.faelle "
        "WHERE ags IN ('05558020', '05558032') GROUP BY ALL ORDER BY ALL"
    )
    sources = {(quelle, ags) for quelle, ags, _ in by_source}
    assert sources == {
        ("05558020", "05558020"),
        ("05558032", "05558032"),
        ("caritas-baumberge", "05558020"),
        ("caritas-baumberge", "05558032"),
    }
    # Every contact of the provider belongs to one of its cases.
    (orphans,) = kim.query(
        "SELECT count(*) FROM aktuell.kontakte k ANTI JOIN aktuell.faelle f "
        "USING (quelle, fall_id) WHERE k.quelle = 'caritas-baumberge'"
    )[0]
    assert orphans == 0
    status = kim.run("status", check=True).stdout
    assert "Caritas Baumberge (Träger für Havixbeck und Nottuln)" in status
