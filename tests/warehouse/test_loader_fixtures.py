"""The committed fixture files (tests/fixtures, see its README) through the real `kim load`.

Every CSV dialect (export format §3), every refusal and row error (§5) and the error
threshold, checked against statuses, exit codes, messages, stored typed values, quarantine
rows, the archive and the reconciliation of counts (interface `kim load --json`).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import Kim
from warehouse.schema import TABLES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STICHTAG = date(2025, 6, 30)
NO_LIMIT = {"KIM_MAX_FEHLERANTEIL": "1"}  # row-error fixtures are dense; see the README
LOADED = ("geladen", "teilweise_geladen", "veraltet")
D = Decimal

# fixture folder -> (environment of `kim load`, expected exit code)
SCENARIOS: dict[str, tuple[dict[str, str], int]] = {
    "dialekt_utf8": ({}, 0),
    "dialekt_bom_crlf": ({}, 0),
    "dialekt_cp1252": ({}, 1),
    "xlsx_arbeitsmappe": ({}, 0),
    "xlsx_einzeltabelle": ({}, 0),
    "zip": ({}, 0),
    "koordination_abh": ({}, 0),
    "zeilenstruktur": (NO_LIMIT, 1),
    "zeilenfehler_stadt": (NO_LIMIT, 1),
    "zeilenfehler_koordination": (NO_LIMIT, 1),
    "schwelle_basis": ({}, 0),
    "schwelle_ueber": ({}, 1),
    "schwelle_genau": ({}, 1),
    "ablehnung_identifikator": ({}, 1),
    "ablehnung_identifikator_container": ({}, 1),
    "ablehnung_datei": ({}, 1),
    "unbekannt": ({}, 1),
}


# -- loading and inspecting -----------------------------------------------------------------------


@dataclass
class Loaded:
    """A fixture folder after one `kim load --json` of the landing folder."""

    kim: Kim
    name: str
    code: int
    report: dict

    @property
    def entries(self) -> list[dict]:
        """All report entries, including tables re-checked from the archive."""
        return self.report["files"] + self.report.get("erneut_geprueft", [])

    def of(self, file: str) -> list[dict]:
        """Report entries of one delivered file (at least one)."""
        found = [e for e in self.report["files"] if e["file"] == file]
        assert found, f"no report entry for {file}: {self.report}"
        return found

    def lieferung(self, entry: dict) -> tuple[int, int]:
        """lieferung_id and zeilen_gelesen of the load-log row behind a report entry."""
        rows = self.kim.query(
            "SELECT lieferung_id, zeilen_gelesen FROM lieferung WHERE datei = ? "
            "AND teil IS NOT DISTINCT FROM ? AND tabelle IS NOT DISTINCT FROM ? "
            "ORDER BY lieferung_id DESC LIMIT 1",
            [entry["file"], entry.get("teil"), entry["tabelle"]],
        )
        assert rows, f"no lieferung row for {entry}"
        return rows[0]

    def stored_rows(self, lieferung_id: int) -> int:
        """Rows of one delivery in any snapshot table."""
        union = " UNION ALL ".join(
            f"SELECT count(*) AS n FROM snapshot.{t} WHERE lieferung_id = {lieferung_id}"
            for t in TABLES
        )
        return self.kim.query(f"SELECT sum(n) FROM ({union})")[0][0]

    def all_snapshot_rows(self) -> int:
        """Rows in all snapshot tables together."""
        union = " UNION ALL ".join(f"SELECT count(*) AS n FROM snapshot.{t}" for t in TABLES)
        return self.kim.query(f"SELECT sum(n) FROM ({union})")[0][0]

    def warehouse_hits(self, text: str) -> list[str]:
        """Every table column of the warehouse that holds `text` anywhere (case-insensitive)."""
        columns = self.kim.query(
            "SELECT c.table_schema, c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_catalog, table_schema, table_name) "
            "WHERE t.table_type = 'BASE TABLE'"
        )
        union = " UNION ALL ".join(
            f'SELECT \'{s}.{t}.{c}\' FROM "{s}"."{t}" WHERE CAST("{c}" AS VARCHAR) ILIKE $1'
            for s, t, c in columns
        )
        return sorted({row[0] for row in self.kim.query(union, [f"%{text}%"])})

    def files_containing(self, text: str) -> list[str]:
        """Files under KIM_HOME holding `text`, looking inside zip containers (xlsx, zip) too."""
        needle = text.encode()
        found = []
        for path in sorted(p for p in self.kim.home.rglob("*") if p.is_file()):
            blobs = [path.read_bytes()]
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as archive:
                    blobs += [archive.read(n) for n in archive.namelist()]
            if any(needle in blob for blob in blobs):
                found.append(str(path.relative_to(self.kim.home)))
        return found

    def archived(self, file: str) -> list[Path]:
        """Copies of a delivered file in the archive folder."""
        return sorted((self.kim.home / "archiv").rglob(f"*{file}"))


def load_fixture(kim: Kim, name: str, env: dict[str, str] | None = None) -> Loaded:
    """Copy a fixture folder into the landing folder and run `kim load --json` on it."""
    for path in sorted((FIXTURES / name).iterdir()):
        shutil.copyfile(path, kim.exports / path.name)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in (SCENARIOS[name][0] if env is None else env).items():
            patch.setenv(key, value)
        code, report = kim.load_json()
    return Loaded(kim, name, code, report)


@pytest.fixture(scope="module")
def fixture_load(tmp_path_factory):
    """Load each fixture folder once per module, each into its own installation."""
    cache: dict[str, Loaded] = {}

    def get(name: str) -> Loaded:
        if name not in cache:
            root = tmp_path_factory.mktemp(name)
            kim = Kim(home=root / "home", exports=root / "exports")
            kim.exports.mkdir()
            cache[name] = load_fixture(kim, name)
        return cache[name]

    return get


# -- every fixture: exit code and reconciliation ------------------------------------------------


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_fixture_reconciles(fixture_load, name):
    """Exit code as expected; every row read is loaded or quarantined, in report and warehouse."""
    loaded = fixture_load(name)
    assert loaded.code == SCENARIOS[name][1], loaded.report
    delivered = sorted(p.name for p in (FIXTURES / name).iterdir())
    assert sorted({e["file"] for e in loaded.report["files"]}) == delivered
    for entry in loaded.entries:
        if entry["zeilen_gelesen"] > 0:
            assert entry["zeilen_gelesen"] == entry["zeilen_geladen"] + entry["zeilen_quarantaene"]
        if entry["status"] not in LOADED:
            continue
        lieferung_id, gelesen = loaded.lieferung(entry)
        stored = loaded.stored_rows(lieferung_id)
        ((lines,),) = loaded.kim.query(
            "SELECT count(DISTINCT zeile) FROM quarantaene WHERE lieferung_id = ?", [lieferung_id]
        )
        assert (gelesen, stored, lines) == (
            entry["zeilen_gelesen"],
            entry["zeilen_geladen"],
            entry["zeilen_quarantaene"],
        ), entry
        assert stored + lines == entry["zeilen_gelesen"], entry


# -- dialects: what becomes current, the archive, typed values -----------------------------------

TOWN = ("faelle", "handlungsfelder", "kontakte", "vermittlungen")


def town(ags: str, *counts: int) -> dict[tuple[str, str], int]:
    """Expected current row counts of a town's four tables."""
    return {(ags, table): count for table, count in zip(TOWN, counts, strict=True)}


CURRENT = {
    "dialekt_utf8": town("05954004", 4, 3, 4, 1) | {("05954", "stellen"): 5},
    "dialekt_bom_crlf": town("05954008", 3, 2, 4, 1),
    "dialekt_cp1252": town("05954012", 10, 2, 10, 1),
    "xlsx_arbeitsmappe": town("05954020", 2, 1, 2, 1),
    "xlsx_einzeltabelle": town("05954024", 2, 1, 2, 1),
    "zip": town("05954028", 2, 1, 2, 1) | town("05954032", 2, 1, 2, 1),
    "koordination_abh": {
        ("05954", "stellen"): 5,
        ("05954", "ziele"): 2,
        ("05954", "verfahren"): 2,
        ("05954036", "verfahren"): 1,
    },
    "zeilenstruktur": town("05954036", 2, 1, 5, 0),
    "zeilenfehler_stadt": town("05954016", 3, 3, 3, 2),
    "zeilenfehler_koordination": {
        ("05954", "stellen"): 4,
        ("05954", "ziele"): 3,
        ("05954", "verfahren"): 2,
        ("05954036", "verfahren"): 2,
    },
    "schwelle_genau": town("05954020", 4, 2, 9, 0),
}


@pytest.mark.parametrize("name", sorted(CURRENT))
def test_loaded_snapshot_is_current_and_archived(fixture_load, name):
    """Every table becomes current at the Stichtag with its valid rows; files go to the archive."""
    loaded = fixture_load(name)
    expected = CURRENT[name]
    tables = [e for e in loaded.entries if e["tabelle"]]
    assert sorted((e["quelle"], e["tabelle"]) for e in tables) == sorted(expected)
    for entry in tables:
        assert entry["stichtag"] == STICHTAG.isoformat(), entry
        partial = entry["zeilen_quarantaene"] > 0
        assert entry["status"] == ("teilweise_geladen" if partial else "geladen"), entry
    current = loaded.kim.query("SELECT quelle, tabelle, stichtag FROM aktueller_stand")
    assert sorted(current) == sorted((q, t, STICHTAG) for q, t in expected)
    counts = {
        (quelle, table): loaded.kim.query(
            f"SELECT count(*) FROM aktuell.{table} WHERE quelle = ?", [quelle]
        )[0][0]
        for quelle, table in expected
    }
    assert counts == expected
    assert sorted(p.name for p in loaded.kim.exports.iterdir()) == []
    for fixture in (FIXTURES / name).iterdir():
        copies = loaded.archived(fixture.name)
        assert [c.read_bytes() == fixture.read_bytes() for c in copies] == [True], fixture.name


BOOLS = (
    "alleinerziehend, junger_mensch_ohne_familie, analphabetismus, ohne_berufsausbildung, "
    "geringe_deutschkenntnisse, strukturhinweis"
)
T, F = True, False

VALUES = [
    pytest.param(
        "dialekt_utf8",
        "SELECT fall_id, status, fallbeginn, erstkontakt, fallende, abschlussgrund, geburtsjahr, "
        "staatsangehoerigkeit, einreisedatum, zugang, geschlecht, aufenthaltsstatus "
        "FROM aktuell.faelle ORDER BY fall_id",
        [
            (
                "BRK-F-0001",
                "aktiv",
                date(2025, 2, 3),
                date(2025, 1, 28),
                None,
                None,
                1990,
                "SYR",
                date(2016, 3, 1),
                "jobcenter",
                None,
                None,
            ),
            (
                "BRK-F-0002",
                "ruhend",
                date(2025, 3, 15),
                None,
                None,
                None,
                None,
                None,
                date(2019, 8, 1),
                None,
                None,
                None,
            ),
            (
                "BRK-F-0003",
                "abgeschlossen",
                date(2024, 10, 1),
                date(2024, 9, 20),
                date(2025, 5, 31),
                "ziele_erreicht",
                1985,
                "UKR",
                date(2022, 4, 1),
                "selbstmelder",
                None,
                None,
            ),
            (
                "BRK-F-0004",
                "aktiv",
                date(2025, 6, 30),
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ),
        ],
        id="utf8-header-variants-dates-months-nulls",
    ),
    pytest.param(
        "dialekt_utf8",
        f"SELECT fall_id, {BOOLS} FROM aktuell.faelle ORDER BY fall_id",
        [
            ("BRK-F-0001", T, F, T, F, T, F),  # 1 0 ja nein j n
            ("BRK-F-0002", F, T, F, T, F, T),  # false true (leer) x FALSE TRUE
            ("BRK-F-0003", T, F, F, T, T, F),  # JA Nein N J X False
            ("BRK-F-0004", F, F, F, F, T, F),  # NULL - k.A. (leer) Ja nein
        ],
        id="utf8-boolean-spellings",
    ),
    pytest.param(
        "dialekt_utf8",
        "SELECT fall_id, handlungsfeld, zielstatus, ziel_vereinbart_am, zielstatus_am "
        "FROM aktuell.handlungsfelder ORDER BY fall_id, handlungsfeld",
        [
            ("BRK-F-0001", "arbeit", "offen", date(2025, 2, 10), None),
            ("BRK-F-0001", "wohnen", "erreicht", date(2025, 2, 10), date(2025, 5, 20)),
            ("BRK-F-0003", "bildung", "teilweise", None, date(2025, 4, 30)),
        ],
        id="utf8-comma-delimiter-quoted-delimiter-column-order",
    ),
    pytest.param(
        "dialekt_utf8",
        "SELECT kontakt_id, datum, art, dauer_minuten, dolmetscher, zeile "
        "FROM snapshot.kontakte ORDER BY kontakt_id",
        [
            ("BRK-K-0001", date(2025, 2, 3), "persoenlich", 45, T, 2),
            ("BRK-K-0002", date(2025, 2, 17), "telefonisch", 1, F, 3),
            ("BRK-K-0003", date(2025, 6, 30), "aufsuchend", 600, T, 4),
            ("BRK-K-0004", date(2025, 6, 30), "digital", None, F, 5),
        ],
        id="utf8-integers-trailing-empty-lines",
    ),
    pytest.param(
        "dialekt_utf8",
        "SELECT ags, vzae_soll, vzae_ist, gueltig_ab, gueltig_bis FROM aktuell.stellen "
        "ORDER BY ags, gueltig_ab",
        [
            ("05954", D("4"), D("3.5"), date(2024, 1, 1), None),
            ("05954004", D("0.3"), D("0.3"), date(2024, 1, 1), None),
            ("05954008", D("0.75"), D("0.75"), date(2024, 1, 1), None),
            ("05954036", D("1.75"), D("1.5"), date(2024, 1, 1), date(2024, 12, 31)),
            ("05954036", D("1.75"), D("1.75"), date(2025, 1, 1), None),
        ],
        id="utf8-decimal-comma-and-point-umlaut-headers",
    ),
    pytest.param(
        "dialekt_bom_crlf",
        "SELECT fall_id, fallbeginn, staatsangehoerigkeit, einreisedatum, geschlecht "
        "FROM aktuell.faelle ORDER BY fall_id",
        [
            ("ENN-F-0001", date(2025, 1, 15), "AFG", date(2021, 9, 1), "w"),
            ("ENN-F-0002", date(2025, 1, 20), "TUR", date(2022, 9, 1), "m"),
            ("ENN-F-0003", date(2025, 2, 3), "XXZ", None, "d"),
        ],
        id="bom-first-header-column-and-months",
    ),
    pytest.param(
        "dialekt_bom_crlf",
        "SELECT kontakt_id, zeile, dauer_minuten, dolmetscher FROM snapshot.kontakte "
        "ORDER BY zeile",
        [
            ("ENN-K-0001", 2, 60, T),
            ("ENN-K-0002", 3, 10, F),
            ("ENN-K-0003", 5, 30, T),
            ("ENN-K-0004", 6, 90, F),
        ],
        id="crlf-line-break-in-quoted-field-keeps-line-numbers",
    ),
    pytest.param(
        "dialekt_cp1252",
        "SELECT fall_id, staatsangehoerigkeit, status, abschlussgrund, fallende "
        "FROM aktuell.faelle WHERE fall_id IN ('GEV-F-0001', 'GEV-F-0002', 'GEV-F-0003') "
        "ORDER BY fall_id",
        [
            ("GEV-F-0001", "SYR", "aktiv", None, None),
            ("GEV-F-0002", "IRQ", "abgeschlossen", "weitervermittelt", date(2025, 5, 30)),
            ("GEV-F-0003", "XXX", "aktiv", None, None),
        ],
        id="cp1252-header-staatsangehoerigkeit-and-abschlussgrund-with-sz",
    ),
    pytest.param(
        "dialekt_cp1252",
        "SELECT datei, zeile, spalte, wert FROM quarantaene ORDER BY datei",
        [
            ("05954012_2025-06-30_kontakte.csv", 5, "art", "persönlich"),
            ("05954012_20250630_faelle.csv", 8, "zugang", "Beratungsstelle „Süd“ – 5 €"),
        ],
        id="cp1252-umlauts-euro-quotes-survive-in-quarantine",
    ),
    pytest.param(
        "xlsx_arbeitsmappe",
        "SELECT fall_id, ags, fallbeginn, erstkontakt, fallende, geburtsjahr, "
        "staatsangehoerigkeit, einreisedatum, alleinerziehend, analphabetismus, zugang "
        "FROM aktuell.faelle ORDER BY fall_id",
        [
            (
                "HER-F-0001",
                "05954020",
                date(2025, 2, 3),
                date(2025, 1, 28),
                None,
                1990,
                "SYR",
                date(2016, 3, 1),
                T,
                T,
                "jobcenter",
            ),
            (
                "HER-F-0002",
                "05954020",
                date(2024, 10, 1),
                date(2024, 9, 20),
                date(2025, 5, 31),
                1985,
                "UKR",
                date(2022, 4, 1),
                F,
                F,
                None,
            ),
        ],
        id="xlsx-number-ags-date-cells-bool-cells",
    ),
    pytest.param(
        "xlsx_arbeitsmappe",
        "SELECT kontakt_id, datum, dauer_minuten, dolmetscher FROM aktuell.kontakte "
        "UNION ALL SELECT fall_id, zielstatus_am, NULL, NULL FROM aktuell.handlungsfelder "
        "UNION ALL SELECT vermittlung_id, datum, NULL, NULL FROM aktuell.vermittlungen ORDER BY 1",
        [
            ("HER-F-0001", date(2025, 6, 2), None, None),
            ("HER-K-0001", date(2025, 2, 3), 45, T),
            ("HER-K-0002", date(2024, 10, 1), 20, F),
            ("HER-V-0001", date(2025, 2, 20), None, None),
        ],
        id="xlsx-sheet-names-any-case-number-cells",
    ),
    pytest.param(
        "xlsx_einzeltabelle",
        "SELECT fall_id, ags, fallbeginn, geburtsjahr, strukturhinweis FROM aktuell.faelle "
        "ORDER BY fall_id",
        [
            ("SWM-F-0001", "05954024", date(2025, 3, 3), 2001, T),
            ("SWM-F-0002", "05954024", date(2025, 4, 7), 1968, F),
        ],
        id="xlsx-single-table-workbook",
    ),
    pytest.param(
        "zip",
        "SELECT quelle, fall_id, fallbeginn, staatsangehoerigkeit FROM aktuell.faelle "
        "ORDER BY fall_id",
        [
            ("05954028", "SPR-F-0001", date(2025, 2, 3), None),
            ("05954028", "SPR-F-0002", date(2025, 4, 7), None),
            ("05954032", "WET-F-0001", date(2025, 2, 3), "IRQ"),
            ("05954032", "WET-F-0002", date(2025, 4, 7), "SOM"),
        ],
        id="zip-short-and-full-member-names-cp1252-member",
    ),
    pytest.param(
        "koordination_abh",
        "SELECT baustein, ags, funktion, vzae_soll, vzae_ist, gueltig_ab, gueltig_bis "
        "FROM aktuell.stellen ORDER BY baustein, ags, gueltig_ab",
        [
            ("1", "05954", "koordination", D("4"), D("3.5"), date(2024, 1, 1), None),
            ("2", "05954004", "case_management", D("0.3"), D("0.3"), date(2024, 1, 1), None),
            (
                "2",
                "05954008",
                "case_management",
                D("0.75"),
                D("0.5"),
                date(2024, 1, 1),
                date(2024, 12, 31),
            ),
            ("2", "05954008", "case_management", D("0.75"), D("0.75"), date(2025, 1, 1), None),
            ("3", "05954", "auslaenderbehoerde", D("1.5"), D("1.5"), date(2024, 1, 1), None),
        ],
        id="xlsx-float-vzae-number-ags-and-baustein",
    ),
    pytest.param(
        "koordination_abh",
        "SELECT jahr, indikator, ags, zielwert, richtung FROM aktuell.ziele ORDER BY indikator",
        [
            (2025, "faelle_neu", "05954", D("120"), "mindestens"),
            (2025, "quote_ziele_erreicht", "05954004", D("42.5"), "mindestens"),
        ],
        id="xlsx-ziele-default-richtung",
    ),
    pytest.param(
        "koordination_abh",
        "SELECT quelle, verfahren_id, ags, anstoss, antrag, entscheidung, ergebnis "
        "FROM aktuell.verfahren ORDER BY verfahren_id",
        [
            (
                "05954",
                "KRS-V-0001",
                "05954016",
                None,
                date(2024, 3, 1),
                date(2025, 3, 1),
                "erteilt",
            ),
            ("05954", "KRS-V-0002", "05954004", date(2025, 1, 10), None, None, "offen"),
            (
                "05954036",
                "WIT-V-0001",
                "05954036",
                date(2024, 11, 4),
                date(2025, 1, 15),
                None,
                "offen",
            ),
        ],
        id="verfahren-both-authorities",
    ),
    pytest.param(
        "zeilenstruktur",
        "SELECT kontakt_id, zeile FROM snapshot.kontakte ORDER BY zeile",
        [
            ("WIT-K-0001", 2),
            ("WIT-K-0002", 3),
            ("WIT-K-0003", 5),
            ("WIT-K-0007", 9),
            ("WIT-K-0009", 13),
        ],
        id="multi-line-fields-and-ragged-rows-keep-physical-line-numbers",
    ),
    pytest.param(
        "zeilenfehler_stadt",
        "SELECT zeile, spalte, wert FROM quarantaene "
        "WHERE datei LIKE '%faelle%' AND zeile IN (4, 6, 10, 14) ORDER BY zeile",
        [
            (4, "fallbeginn", "31.02.2025"),
            (6, "einreisedatum", "13.2019"),
            (10, "geburtsjahr", "1899"),
            (14, "ags", "05954020"),
        ],
        id="quarantine-keeps-the-offending-value",
    ),
    pytest.param(
        "zeilenfehler_koordination",
        "SELECT indikator, richtung, zielwert FROM aktuell.ziele ORDER BY indikator",
        [
            ("faelle_neu", "mindestens", D("120")),
            ("quote_ziele_erreicht", "mindestens", D("42.5")),
            ("wartezeit_median_tage", "hoechstens", D("14")),
        ],
        id="ziele-rest-loads",
    ),
]


@pytest.mark.parametrize(("name", "sql", "expected"), VALUES)
def test_stored_values(fixture_load, name, sql, expected):
    """Typed values as stored, read back from the warehouse."""
    assert fixture_load(name).kim.query(sql) == expected


UNKNOWN_COLUMNS = [
    ("dialekt_utf8", "05954004_2025-06-30_handlungsfelder.csv", "notiz", "dann Praktikum"),
    ("dialekt_bom_crlf", "05954008_2025-06-30_faelle.csv", "bemerkung", "„Zitat“"),
    ("dialekt_bom_crlf", "05954008_2025-06-30_kontakte.csv", "bemerkung", "Zeile zwei"),
    ("dialekt_cp1252", "05954012_20250630_faelle.csv", "anmerkung", "Größe"),
    ("dialekt_cp1252", "05954012_2025-06-30_kontakte.csv", "bemerkung", "Farsi"),
    ("zeilenstruktur", "05954036_2025-06-30_kontakte.csv", "notiz", "Rückruf"),
]


@pytest.mark.parametrize(("name", "file", "column", "value"), UNKNOWN_COLUMNS)
def test_unknown_columns_are_listed_but_not_stored(fixture_load, name, file, column, value):
    """Unknown non-identifier columns: file accepted, column named in the report, value not kept."""
    loaded = fixture_load(name)
    (entry,) = loaded.of(file)
    assert entry["status"] in ("geladen", "teilweise_geladen")
    assert any(re.search(rf"\b{column}\b", m, re.IGNORECASE) for m in entry["meldungen"])
    assert loaded.warehouse_hits(value) == []


UNKNOWN_MEMBERS = [
    ("xlsx_arbeitsmappe", "05954020_2025-06-30.xlsx", "Hinweise"),
    ("zip", "05954032_20250630.zip", "liesmich.txt"),
]


@pytest.mark.parametrize(("name", "file", "member"), UNKNOWN_MEMBERS)
def test_unknown_sheet_or_member_is_reported(fixture_load, name, file, member):
    """A sheet or zip member that is no table is reported as unknown; the tables still load."""
    entries = fixture_load(name).of(file)
    assert [e["status"] for e in entries if e["teil"] == member] == ["unbekannt"]
    assert sorted(e["tabelle"] for e in entries if e["status"] == "geladen") == sorted(TOWN)


# -- row errors ----------------------------------------------------------------------------------

S, K = "zeilenfehler_stadt", "zeilenfehler_koordination"
FA, HF = "05954016_2025-06-30_faelle.csv", "05954016_2025-06-30_handlungsfelder.csv"
KO, VE = "05954016_2025-06-30_kontakte.csv", "05954016_2025-06-30_vermittlungen.csv"
ST, ZI = "05954_2025-06-30_stellen.csv", "05954_2025-06-30_ziele.csv"
VK, VW = "05954_2025-06-30_verfahren.csv", "05954036_2025-06-30_verfahren.csv"
ZK = "05954036_2025-06-30_kontakte.csv"

# (fixture folder, file, line, column, fragment of the German reason); the complete list per file
ROW_ERRORS = [
    (S, FA, 4, "fallbeginn", "kein gültiges Datum"),
    (S, FA, 5, "fallbeginn", "nach dem Stichtag"),
    (S, FA, 6, "einreisedatum", "kein gültiger Monat"),
    (S, FA, 7, "fallende", "vor dem Fallbeginn"),
    (S, FA, 8, "geschlecht", "unbekannter Code"),
    (S, FA, 9, "alleinerziehend", "Ja/Nein"),
    (S, FA, 10, "geburtsjahr", "außerhalb"),
    (S, FA, 11, "geburtsjahr", "Stichtag"),
    (S, FA, 12, "fall_id", "Pseudonym"),
    (S, FA, 13, "fall_id", "Zeile 2"),
    (S, FA, 14, "ags", "AGS"),
    (S, FA, 15, "erstkontakt", "nach dem Fallbeginn"),
    (S, FA, 16, "fallende", "fehlt"),
    (S, FA, 16, "abschlussgrund", "fehlt"),
    (S, FA, 17, "fallende", "nur bei"),
    (S, FA, 17, "abschlussgrund", "nur bei"),
    (S, FA, 18, "fallbeginn", "leer"),
    (S, HF, 4, "fall_id", "Zeile 2"),
    (S, HF, 5, "zielstatus_am", "fehlt"),
    (S, HF, 6, "fall_id", "faelle"),
    (S, HF, 7, "fall_id", "faelle"),
    (S, HF, 8, "handlungsfeld", "unbekannter Code"),
    (S, KO, 3, "dauer_minuten", "außerhalb"),
    (S, KO, 4, "dauer_minuten", "außerhalb"),
    (S, KO, 6, "dauer_minuten", "ganze Zahl"),
    (S, KO, 7, "datum", "nach dem Stichtag"),
    (S, KO, 8, "kontakt_id", "Zeile 2"),
    (S, KO, 9, "fall_id", "faelle"),
    (S, KO, 10, "fall_id", "faelle"),
    (S, KO, 11, "art", "unbekannter Code"),
    (S, KO, 12, "dolmetscher", "Ja/Nein"),
    (S, VE, 3, "fall_id", "faelle"),
    (S, VE, 4, "partner", "unbekannter Code"),
    (S, VE, 5, "ergebnis", "unbekannter Code"),
    (K, ST, 4, "gueltig_ab", "Zeile 3"),
    (K, ST, 5, "funktion", "Baustein"),
    (K, ST, 6, "vzae_soll", "Dezimalzahl"),
    (K, ZI, 4, "indikator", "unbekannter Code"),
    (K, VW, 3, "ags", "Zuständigkeitsbereich"),
    (K, VW, 4, "entscheidung", "offen"),
    (K, VK, 3, "ags", "Zuständigkeitsbereich"),
    ("zeilenstruktur", ZK, 6, None, "Felder"),
    ("zeilenstruktur", ZK, 7, None, "Felder"),
    ("zeilenstruktur", ZK, 8, "datum", "kein gültiges Datum"),
    ("zeilenstruktur", ZK, 12, "dauer_minuten", "außerhalb"),
    ("dialekt_cp1252", "05954012_20250630_faelle.csv", 8, "zugang", "unbekannter Code"),
    ("dialekt_cp1252", "05954012_2025-06-30_kontakte.csv", 5, "art", "unbekannter Code"),
    ("schwelle_genau", "05954020_2025-06-30_kontakte.csv", 7, "art", "unbekannter Code"),
]


@pytest.mark.parametrize(
    ("name", "file", "line", "column", "reason"),
    ROW_ERRORS,
    ids=[f"{f[:-4]}-{n}-{c}" for _, f, n, c, _ in ROW_ERRORS],
)
def test_row_error_goes_to_quarantine(fixture_load, name, file, line, column, reason):
    """The row is quarantined with file, line, column and a German reason, and not stored."""
    loaded = fixture_load(name)
    (entry,) = loaded.of(file)
    assert entry["status"] == "teilweise_geladen"
    lieferung_id, _ = loaded.lieferung(entry)
    reasons = [
        grund
        for (grund,) in loaded.kim.query(
            "SELECT grund FROM quarantaene WHERE lieferung_id = ? AND datei = ? AND zeile = ? "
            "AND spalte IS NOT DISTINCT FROM ?",
            [lieferung_id, file, line, column],
        )
    ]
    assert any(reason in grund for grund in reasons), reasons
    where = f"Zeile {line}" + (f", Spalte {column}" if column else "")
    assert any(m.startswith(where + ":") and reason in m for m in entry["meldungen"]), where
    assert loaded.kim.query(
        f"SELECT count(*) FROM snapshot.{entry['tabelle']} WHERE lieferung_id = ? AND zeile = ?",
        [lieferung_id, line],
    ) == [(0,)]


ERROR_FILES = sorted({(name, file) for name, file, *_ in ROW_ERRORS})


@pytest.mark.parametrize(("name", "file"), ERROR_FILES)
def test_quarantine_holds_exactly_the_bad_lines(fixture_load, name, file):
    """No valid row is quarantined and no bad row is stored: quarantine = the expected errors."""
    loaded = fixture_load(name)
    rows = loaded.kim.query("SELECT zeile, spalte FROM quarantaene WHERE datei = ?", [file])
    expected = [(n, c) for s, f, n, c, _ in ROW_ERRORS if (s, f) == (name, file)]
    assert sorted(rows, key=str) == sorted(expected, key=str)


def test_invalid_pseudonym_is_not_stored_even_in_quarantine(fixture_load):
    """A non-pseudonym (here a name in fall_id) is quarantined without its value."""
    loaded = fixture_load(S)
    assert loaded.kim.query(
        "SELECT wert FROM quarantaene WHERE datei = ? AND zeile = 12", [FA]
    ) == [(None,)]
    assert "Quxbaz" not in str(loaded.report)
    assert loaded.warehouse_hits("Quxbaz") == []


# -- refusals ------------------------------------------------------------------------------------

IDENTIFIER_FILES = [
    ("05954036_2025-06-30_faelle.csv", "vorname", "Zyxwvuta"),
    ("05954036_2025-06-30_handlungsfelder.csv", "email", "qwertz@example.org"),
    ("05954036_2025-06-30_kontakte.csv", "telefonnummer", "5550199"),
    ("05954036_2025-06-30_vermittlungen.csv", "iban", "DE02120300000000202051"),
    ("05954036_2025-06-30_verfahren.csv", "geburtsdatum", "17.03.1911"),
    ("05954_2025-06-30_stellen.csv", "strasse", "Musterweg 12"),
    ("05954_2025-06-30_ziele.csv", "name", "Qpxmlkwe"),
]


def assert_refused_and_not_stored(loaded: Loaded, file: str, marker: str) -> None:
    """Refused, left in the landing folder unchanged, and stored nowhere under KIM_HOME."""
    entries = loaded.of(file)
    assert {e["status"] for e in entries} == {"abgelehnt"}
    assert all(marker not in m for e in entries for m in e["meldungen"])
    landing = loaded.kim.exports / file
    assert landing.read_bytes() == (FIXTURES / loaded.name / file).read_bytes()
    assert loaded.archived(file) == []
    assert loaded.kim.query(
        "SELECT count(*) FROM lieferung WHERE datei = ? AND archiv_datei IS NOT NULL", [file]
    ) == [(0,)]
    assert loaded.kim.query("SELECT count(*) FROM quarantaene WHERE datei = ?", [file]) == [(0,)]
    assert loaded.files_containing(marker) == []
    assert loaded.warehouse_hits(marker) == []


@pytest.mark.parametrize(("file", "column", "marker"), IDENTIFIER_FILES)
def test_identifier_column_refuses_file_and_nothing_is_stored(fixture_load, file, column, marker):
    """§5: a direct identifier refuses the whole file; the message names only the column."""
    loaded = fixture_load("ablehnung_identifikator")
    assert_refused_and_not_stored(loaded, file, marker)
    messages = [m for e in loaded.of(file) for m in e["meldungen"]]
    assert any(column in re.sub(r"[-_ ]", "", m.lower()) for m in messages), messages
    assert not any("IDF-" in m for m in messages)
    assert loaded.all_snapshot_rows() == 0


CONTAINERS = [
    pytest.param("05954004_2025-06-30.xlsx", "Qwvbnmxy", id="nachname-in-table-sheet"),
    pytest.param("05954008_2025-06-30.zip", "Xylophonhausen", id="geburtsort-in-table-member"),
    pytest.param("05954012_2025-06-30.xlsx", "Jklmnopq", id="vorname-in-extra-sheet"),
    pytest.param("05954016_2025-06-30.zip", "mnbvcxy@example.org", id="email-in-extra-member"),
]


@pytest.mark.parametrize(("file", "marker"), CONTAINERS)
def test_identifier_in_sheet_or_member_refuses_whole_container(fixture_load, file, marker):
    """An identifier column anywhere in a workbook or zip refuses all of it; nothing is stored."""
    loaded = fixture_load("ablehnung_identifikator_container")
    assert_refused_and_not_stored(loaded, file, marker)
    assert loaded.kim.query(
        "SELECT count(*) FROM lieferung WHERE quelle = ? AND status <> 'abgelehnt'", [file[:8]]
    ) == [(0,)]


NOT_A_TABLE = [
    ("05954016_2025-06-30_kontakte.csv", [r"\bart\b", r"fehlt"]),
    ("05954020_2025-06-30_faelle.csv", [r"\bZeile 3\b", r"\bSpalte status\b"]),
    ("05954024_2025-06-30_faelle.csv", []),
    ("05954028_2025-06-30_kontakte.csv", []),
    ("05954032_2025-06-30.xlsx", []),
    ("05954036_2025-06-30.zip", []),
    ("05954004_2025-06-30_vermittlungen.csv", []),
]


@pytest.mark.parametrize(("file", "patterns"), NOT_A_TABLE)
def test_file_that_is_no_readable_table_is_refused(fixture_load, file, patterns):
    """Missing required column, bad encoding, garbage, empty or broken container: refused."""
    loaded = fixture_load("ablehnung_datei")
    entries = loaded.of(file)
    assert {e["status"] for e in entries} == {"abgelehnt"}
    text = " ".join(m for e in entries for m in e["meldungen"])
    assert text.strip()
    for pattern in patterns:
        assert re.search(pattern, text), (pattern, text)
    assert loaded.all_snapshot_rows() == 0
    assert loaded.kim.query("SELECT count(*) FROM quarantaene") == [(0,)]


UNKNOWN_NAMES = [
    "notizen.txt",
    "Faelle_Breckerfeld_Juni.csv",
    "5954004_2025-06-30_faelle.csv",
    "05954004_2025-06-30_faelle.txt",
]
# Named like an export, with one part wrong: (file, what the message names).
MISNAMED = [
    ("05954004_2025-06-30_personen.csv", "Tabelle „personen“ im Dateinamen gibt es nicht"),
    ("05954004_2025-13-45_faelle.csv", "Stichtag „2025-13-45“ im Dateinamen ist kein gültiges"),
    ("05954004_2025-06-30.csv", "eine CSV-Datei braucht die Tabelle im Dateinamen"),
]
NO_SOURCE = [
    ("05954099_2025-06-30_faelle.csv", "05954099"),
    ("05958004_2025-06-30_faelle.csv", "05958004"),
    ("05954004_2025-06-30_verfahren.csv", "05954004"),
    ("05954_2025-06-30_faelle.csv", "05954"),
]


@pytest.mark.parametrize("file", UNKNOWN_NAMES)
def test_unknown_file_name_is_reported_and_left_untouched(fixture_load, file):
    """Anything not named like an export is `unbekannt` and stays as it is in the landing folder."""
    loaded = fixture_load("unbekannt")
    assert [e["status"] for e in loaded.of(file)] == ["unbekannt"]
    assert (loaded.kim.exports / file).read_bytes() == (FIXTURES / "unbekannt" / file).read_bytes()
    assert loaded.archived(file) == []


@pytest.mark.parametrize(("file", "named"), MISNAMED + NO_SOURCE)
def test_misnamed_export_or_one_of_no_source_is_refused_naming_why(fixture_load, file, named):
    """A name shaped like an export with a wrong part, or an AGS that is no source (or does
    not deliver that table): refused, saying which, left untouched, nothing stored."""
    loaded = fixture_load("unbekannt")
    entries = loaded.of(file)
    assert [e["status"] for e in entries] == ["abgelehnt"]
    assert named in " ".join(entries[0]["meldungen"])
    assert (loaded.kim.exports / file).read_bytes() == (FIXTURES / "unbekannt" / file).read_bytes()
    assert loaded.all_snapshot_rows() == 0
    assert loaded.archived(file) == []


def test_explicit_path_outside_the_landing_folder_is_left_in_place(kim, tmp_path):
    """Files loaded from an explicit path elsewhere are archived but not removed there."""
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(FIXTURES / "dialekt_bom_crlf", elsewhere)
    code, report = kim.load_json(elsewhere)
    assert (code, {e["status"] for e in report["files"]}) == (0, {"geladen"})
    assert len(list((kim.home / "archiv").rglob("*.csv"))) == 4
    assert sorted(p.name for p in elsewhere.iterdir()) == sorted(
        p.name for p in (FIXTURES / "dialekt_bom_crlf").iterdir()
    )


def test_same_table_twice_in_one_load_is_reported_for_both_files(kim):
    """Every file in the landing folder gets an entry in the report, even a duplicate delivery."""
    for path in sorted((FIXTURES / "dialekt_utf8").glob("05954004_*")):
        shutil.copyfile(path, kim.exports / path.name)
    twin = kim.exports / "05954004_20250630_faelle.csv"
    shutil.copyfile(kim.exports / "05954004_2025-06-30_faelle.csv", twin)
    delivered = sorted(p.name for p in kim.exports.iterdir())
    code, report = kim.load_json()
    assert code == 1
    assert sorted({e["file"] for e in report["files"]}) == delivered
    twins = [e for e in report["files"] if e["tabelle"] == "faelle"]
    assert [e["status"] for e in twins] == ["abgelehnt", "abgelehnt"]
    assert all("mehrfach" in e["meldungen"][0] for e in twins)
    assert sorted(p.name for p in kim.exports.iterdir()) == [
        "05954004_2025-06-30_faelle.csv",
        "05954004_20250630_faelle.csv",
    ]


# -- the error threshold -------------------------------------------------------------------------

BASE = ["HER-F-0001", "HER-F-0002", "HER-F-0003"]
NEW = [*BASE, "HER-F-0004"]
PARTIAL = dict.fromkeys(TOWN, "geladen") | {"kontakte": "teilweise_geladen"}


@pytest.mark.parametrize(
    ("name", "env", "statuses", "current", "cases", "contacts"),
    [
        pytest.param(
            "schwelle_ueber",
            {},
            dict.fromkeys(TOWN, "abgelehnt"),
            date(2025, 3, 31),
            BASE,
            2,
            id="20-percent-refused",
        ),
        pytest.param(
            "schwelle_genau", {}, PARTIAL, STICHTAG, NEW, 9, id="exactly-10-percent-loaded"
        ),
        pytest.param(
            "schwelle_ueber",
            {"KIM_MAX_FEHLERANTEIL": "0.5"},
            PARTIAL,
            STICHTAG,
            NEW,
            8,
            id="limit-configurable",
        ),
    ],
)
def test_error_threshold(kim, name, env, statuses, current, cases, contacts):
    """Over 10 % bad rows in one table refuse the town's snapshot; the old one stays current."""
    basis = load_fixture(kim, "schwelle_basis")
    assert basis.code == 0, basis.report
    loaded = load_fixture(kim, name, env)
    assert loaded.code == 1
    assert {e["tabelle"]: e["status"] for e in loaded.report["files"]} == statuses
    if statuses["faelle"] == "abgelehnt":
        for entry in loaded.report["files"]:
            assert any("kontakte" in m for m in entry["meldungen"]), entry
    assert sorted(kim.query("SELECT tabelle, stichtag FROM aktueller_stand")) == [
        (t, current) for t in sorted(TOWN)
    ]
    assert [r[0] for r in kim.query("SELECT fall_id FROM aktuell.faelle ORDER BY 1")] == cases
    assert kim.query("SELECT count(*) FROM aktuell.kontakte") == [(contacts,)]
