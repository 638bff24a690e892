"""Import profiles (docs/import-profiles.md): foreign layouts through the real `kim load`, the
dry run `kim profil pruefen`, and broken profiles."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import Kim

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FALLLISTE = FIXTURES / "import_fallliste" / "Fallliste_05954024_30.06.2025.xlsx"
DATENBANK = FIXTURES / "import_datenbank_kim" / "KIM-DB_Export_05954016_20250630.csv"
NO_LIMIT = {"KIM_MAX_FEHLERANTEIL": "1"}


def load(kim: Kim, *files: Path, env: dict[str, str] | None = None) -> tuple[int, list[dict]]:
    """Copy files into the landing folder and run `kim load --json` with `env`."""
    for file in files:
        shutil.copy(file, kim.exports / file.name)
    kim.home.mkdir(exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "cli", "load", "--json"],
        env=kim.env | (env or {}),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)["files"]


def by_table(files: list[dict]) -> dict[str, dict]:
    """Report entries by table."""
    return {f["tabelle"]: f for f in files}


def test_a_towns_excel_list_loads_as_cases_and_topics(kim: Kim) -> None:
    code, files = load(kim, FALLLISTE, env=NO_LIMIT)
    assert code == 1
    tables = by_table(files)
    assert set(tables) == {"faelle", "handlungsfelder"}
    for entry in files:
        assert entry["quelle"] == "05954024" and entry["stichtag"] == "2025-06-30"
        assert entry["zeilen_gelesen"] == entry["zeilen_geladen"] + entry["zeilen_quarantaene"]
    faelle = tables["faelle"]
    assert (faelle["zeilen_gelesen"], faelle["zeilen_quarantaene"]) == (8, 2)
    # line numbers of the workbook (two title rows, the header in row 3)
    assert any(
        m.startswith("Zeile 8, Spalte „Status“ → status") and "„unklar“" in m
        for m in faelle["meldungen"]
    )
    assert any(
        m.startswith("Zeile 10, Spalte „Einreise“ → einreisedatum") for m in faelle["meldungen"]
    )
    assert any("bemerkung" in m for m in faelle["meldungen"])
    # one topic row per filled topic column: Arbeit in all eight rows, Wohnen in four
    assert tables["handlungsfelder"]["zeilen_gelesen"] == 12
    rows = kim.query(
        "SELECT fall_id, ags, status, abschlussgrund, geschlecht, einreisedatum, "
        "aufenthaltsstatus, zugang FROM aktuell.faelle ORDER BY fall_id"
    )
    closed = next(r for r in rows if r[0] == "SCH-F-0003")
    assert closed[1:] == (
        "05954024",
        "abgeschlossen",
        "ziele_erreicht",
        "w",
        date(2024, 4, 1),
        "duldung",
        "jobcenter",
    )
    assert {r[0] for r in rows} == {f"SCH-F-{n:04d}" for n in (1, 2, 3, 4, 6, 8)}
    topics = kim.query(
        "SELECT handlungsfeld, zielstatus, zielstatus_am FROM aktuell.handlungsfelder "
        "WHERE fall_id = 'SCH-F-0003' ORDER BY handlungsfeld"
    )
    assert topics == [
        ("arbeit", "erreicht", date(2025, 6, 3)),
        ("wohnen", "erreicht", date(2025, 6, 3)),
    ]


def test_another_layout_with_numeric_codes_loads(kim: Kim) -> None:
    code, files = load(kim, DATENBANK, env=NO_LIMIT)
    (entry,) = files
    assert code == 1 and entry["tabelle"] == "faelle" and entry["quelle"] == "05954016"
    assert (entry["zeilen_gelesen"], entry["zeilen_geladen"]) == (6, 4)
    assert any(
        m.startswith("Zeile 5, Spalte „FallStatus“ → status") and "„7“" in m
        for m in entry["meldungen"]
    )
    assert any(
        m.startswith("Zeile 6, Spalte „EinreiseMonat“ → einreisedatum") for m in entry["meldungen"]
    )
    rows = dict(
        (r[0], r[1:])
        for r in kim.query(
            "SELECT fall_id, fallbeginn, status, abschlussgrund, geschlecht, zugang "
            "FROM aktuell.faelle"
        )
    )
    assert rows["HAT-F-0102"] == (
        date(2025, 1, 14),
        "abgeschlossen",
        "ziele_erreicht",
        "m",
        "selbstmelder",
    )
    assert rows["HAT-F-0103"][2:4] == (None, "k")


def test_a_mapped_file_over_the_error_limit_is_refused_and_stores_nothing(kim: Kim) -> None:
    """The list's 25 % row errors against the default limit of 10 %."""
    code, files = load(kim, FALLLISTE)
    assert code == 1
    faelle = by_table(files)["faelle"]
    assert faelle["status"] == "abgelehnt" and faelle["zeilen_geladen"] == 0
    # nothing is lost: every row of the refused delivery waits in quarantine
    assert faelle["zeilen_quarantaene"] == faelle["zeilen_gelesen"] == 8
    assert faelle["meldungen"][0].startswith("Lieferung zum Stichtag 30.06.2025 abgelehnt")
    assert "Grenze 10,0 %" in faelle["meldungen"][0]
    assert kim.query("SELECT count(*) FROM aktuell.faelle") == [(0,)]
    assert kim.query("SELECT count(*) FROM aktuell.handlungsfelder") == [(0,)]


def test_the_same_file_again_changes_nothing(kim: Kim) -> None:
    load(kim, DATENBANK, env=NO_LIMIT)
    code, files = load(kim, DATENBANK, env=NO_LIMIT)
    assert code == 0 and [f["status"] for f in files] == ["bereits_geladen"]


def test_an_identifier_in_a_mapped_file_refuses_it_and_stores_nothing(kim: Kim) -> None:
    named = FIXTURES / "import_identifikator" / FALLLISTE.name
    code, files = load(kim, named)
    assert code == 1
    assert {f["status"] for f in files} == {"abgelehnt"}
    assert all("„vorname“" in " ".join(f["meldungen"]) for f in files)
    assert not list((kim.home / "archiv").rglob("*.xlsx"))
    assert kim.query("SELECT count(*) FROM aktuell.faelle") == [(0,)]


def test_the_dry_run_shows_the_load_and_writes_nothing(kim: Kim, tmp_path: Path) -> None:
    copy = tmp_path / FALLLISTE.name
    shutil.copy(FALLLISTE, copy)
    kim.home.mkdir()
    before = sorted(kim.home.rglob("*"))
    result = kim.run("profil", "pruefen", str(copy), "--json")
    assert result.returncode == 1, result.stderr
    files = json.loads(result.stdout)["files"]
    assert {f["tabelle"]: f["zeilen_gelesen"] for f in files} == {
        "faelle": 8,
        "handlungsfelder": 12,
    }
    assert any(
        m.startswith("Zeile 8, Spalte „Status“ → status") for f in files for m in f["meldungen"]
    )
    assert sorted(kim.home.rglob("*")) == before
    assert copy.exists()


def test_the_dry_run_reads_a_file_named_otherwise_with_a_chosen_profile(
    kim: Kim, tmp_path: Path
) -> None:
    copy = tmp_path / "export.csv"
    shutil.copy(DATENBANK, copy)
    kim.home.mkdir()
    without = kim.run("profil", "pruefen", str(copy))
    assert without.returncode == 2 and "Kein Importprofil liest „export.csv“" in without.stderr
    chosen = kim.run("profil", "pruefen", str(copy), "--profil", "datenbank-kim")
    # the pattern gives the source: without it the profile cannot say whose cases these are
    assert chosen.returncode == 2 and "liefernde Quelle unbekannt" in chosen.stderr


BROKEN = {
    "syntax": ('datei = "^x.csv$"\n[faelle\n', "nicht lesbar"),
    "spalte": (
        'datei = "^(?P<quelle>\\\\d{8})_x.csv$"\n[faelle]\nfall_id = "A"\nperson_id = "B"\n'
        'ags = "C"\nfallbeginn = "D"\nstatus = "E"\nfarbe = "F"\n',
        "Tabelle faelle hat keine Spalte „farbe“",
    ),
    "pflicht": (
        'datei = "^(?P<quelle>\\\\d{8})_x.csv$"\n[faelle]\nfall_id = "A"\n',
        "ohne Pflichtspalte person_id",
    ),
    "quelle": ('datei = "^x.csv$"\n[faelle]\n', "liefernde Quelle fehlt"),
    "muster": ('datei = "^(x.csv$"\nquelle = "05954004"\n[faelle]\n', "ist ungültig"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_import_profile_stops_the_load_in_german(kim: Kim, case: str) -> None:
    text, said = BROKEN[case]
    folder = kim.home / "importe"
    folder.mkdir(parents=True)
    (folder / f"{case}.toml").write_text(text, encoding="utf-8")
    shutil.copy(DATENBANK, kim.exports / DATENBANK.name)
    result = kim.run("load")
    assert result.returncode == 2
    assert said in result.stderr and f"{case}.toml" in result.stderr
    assert "Traceback" not in result.stderr
    assert (kim.exports / DATENBANK.name).exists()
