"""`kim build` and `kim indicators`: atomic publication of protected values only."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Kim, copy_installation
from tests.dbt.test_dbt_project import dbt
from tests.reference_indicators import compute, designed, load_current
from warehouse.build import MEMO_NAME, BuildFailed, publish
from warehouse.confidentiality.memo import Memo
from warehouse.schema import PSEUDONYM_COLUMNS
from warehouse.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Kim:
    """Sample data generated, loaded and built once for this module."""
    root = tmp_path_factory.mktemp("build")
    kim = Kim(home=root / "home", exports=root / "exports")
    kim.exports.mkdir()
    kim.run("generate", "--out", str(kim.exports), "--bis", "2025-06-30", check=True)
    loaded = kim.run("load")
    assert loaded.returncode in (0, 1)
    built = kim.run("build", check=True)
    # what both told a log (stderr is no terminal here), for the progress test
    (root / "fortschritt.txt").write_text(loaded.stderr + built.stderr, "utf-8")
    return kim


def test_load_and_build_tell_their_progress_step_by_step(built):
    lines = (built.home.parent / "fortschritt.txt").read_text("utf-8").splitlines()
    told = [re.fullmatch(r"(.+): (\d+) von (\d+)", line) for line in lines]
    steps: dict[str, list[tuple[int, int]]] = {}
    for found in filter(None, told):
        steps.setdefault(found[1], []).append((int(found[2]), int(found[3])))
    assert next(iter(steps)) == "Tabellen prüfen und laden"
    assert "Geheimhaltung: sperren und gegen Angreifer prüfen" in steps
    assert list(steps)[-1] == "Veröffentlichen"
    for step in ("Tabellen prüfen und laden", "Kennzahlen berechnen und prüfen (dbt)"):
        done = [d for d, _ in steps[step]]
        (total,) = {t for _, t in steps[step]}
        assert done == sorted(done) and done[-1] == total > 0, step
        # a line at every tenth, not one per table or node
        assert len(done) <= 11, step


def serving_tables(kim: Kim) -> set[str]:
    """Tables and views in the published database."""
    con = duckdb.connect(str(kim.home / "kim.duckdb"), read_only=True)
    try:
        return {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() "
                "UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        }
    finally:
        con.close()


def build_id(kim: Kim) -> str:
    """Id of the published build."""
    con = duckdb.connect(str(kim.home / "kim.duckdb"), read_only=True)
    try:
        return con.execute("SELECT build_id FROM build_info").fetchone()[0]
    finally:
        con.close()


def indicators(kim: Kim, *args: str) -> list[dict[str, str]]:
    """`kim indicators --format csv` parsed."""
    text = kim.run("indicators", *args, check=True).stdout
    return list(csv.DictReader(io.StringIO(text)))


def test_only_protected_marts_are_published(built):
    tables = serving_tables(built)
    assert {"fct_indikatoren", "dim_kennzahlen", "dim_gebiete", "build_info"} <= tables
    assert all(t.startswith(("fct_", "dim_")) or t == "build_info" for t in tables)
    assert not list((built.home / "builds").glob("*.duckdb*"))
    log = [json.loads(line) for line in (built.home / "builds.jsonl").read_text().splitlines()]
    assert log[-1]["erfolgreich"] and log[-1]["build_id"] == build_id(built)
    assert {s["tabelle"] for s in log[-1]["staende"]} >= {"faelle", "verfahren", "stellen"}
    status = json.loads(built.run("status", "--json", check=True).stdout)
    assert status["letzter_build"]["build_id"] == build_id(built)
    assert status["letzter_build"]["erfolgreich"] is True


def test_indicators_csv_follows_the_interface(built):
    text = built.run("indicators", "--zeitraum", "2025-H1", check=True).stdout
    header = text.splitlines()[0]
    assert header == (
        "indikator,zeitraum,gebiet,zielgruppe,handlungsfeld,aufschluesselung,wert,unterdrueckt"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["zeitraum"] for r in rows} == {"2025-H1"}
    assert {r["unterdrueckt"] for r in rows} == {"true", "false"}
    for row in rows:
        if row["unterdrueckt"] == "true":
            assert row["wert"] == ""
        elif row["wert"]:
            float(row["wert"])
            assert "," not in row["wert"]
    gebiete = {r["gebiet"] for r in rows}
    assert "05954" in gebiete and len(gebiete) == 10


def test_no_published_count_is_one_or_two(built):
    rows = indicators(built)
    counts = {
        "faelle_neu",
        "faelle_aktiv",
        "faelle_abgeschlossen",
        "faelle_bestand",
        "personen_erreicht",
        "strukturhinweise",
    }
    for row in rows:
        if row["indikator"] in counts and row["wert"]:
            assert float(row["wert"]) == 0 or float(row["wert"]) >= 3, row


# Rates (catalogue: unit %), the count each one's base is part of, and the rate whose
# numerator lies inside another's (reached goals are among the at least partly reached).
RATES = {
    "quote_ziele_erreicht": "faelle_abgeschlossen",
    "quote_ziele_teilweise": "faelle_abgeschlossen",
    "quote_vermittlung_angenommen": "vermittlungen",
    "quote_handlungsfeld_ziel_erreicht": None,
}
INSIDE = {"quote_ziele_teilweise": "quote_ziele_erreicht"}
CELL = ["zeitraum", "gebiet", "zielgruppe", "handlungsfeld", "aufschluesselung"]


def unprotected_cells(kim: Kim, tmp_path: Path) -> dict[tuple, tuple[float, float]]:
    """(indikator, *CELL) -> (value, base) of every cell before confidentiality."""
    run = dbt(kim, tmp_path, "run", "--select", "+int_kennzahlen")
    assert run.returncode == 0, run.stdout + run.stderr
    con = duckdb.connect(str(tmp_path / "zwischen.duckdb"), read_only=True)
    try:
        rows = con.execute(
            f"SELECT indikator, {', '.join(CELL)}, wert, basis FROM main.int_kennzahlen"
        ).fetchall()
    finally:
        con.close()
    return {tuple(r[:6]): (r[6], r[7]) for r in rows}


def test_no_shown_rate_reveals_a_part_of_one_or_two(built, tmp_path):
    # A rate and its base give its numerator, the rest of the base, the rest of the count the
    # base is part of (cases that moved away, referrals without a result) and the difference
    # of nested numerators: none of them may be 1 or 2 where the rate is shown.
    truth = unprotected_cells(built, tmp_path)

    def numerator(rate: str, cell: tuple) -> float:
        value, base = truth[(rate, *cell)]
        return round(value * base / 100)

    checked = 0
    for row in indicators(built):
        rate = row["indikator"]
        if rate not in RATES or row["unterdrueckt"] == "true" or not row["wert"]:
            continue
        cell = tuple(row[c] for c in CELL)
        base = truth[(rate, *cell)][1]
        parts = [numerator(rate, cell), base - numerator(rate, cell)]
        if RATES[rate]:
            parts.append(truth[(RATES[rate], *cell)][0] - base)
        if rate in INSIDE:
            parts.append(numerator(rate, cell) - numerator(INSIDE[rate], cell))
        assert not any(1 <= part <= 2 for part in parts), (rate, cell, parts)
        checked += 1
    assert checked > 100


def test_a_ratio_beside_an_unpublished_count_never_says_that_count_is_zero(built):
    # A target group's closed cases are not published; an empty median ("nothing closed")
    # would say they are 0, a shown one that they are at least 5: the empty one is `.`.
    beside = [
        row
        for row in indicators(built)
        if row["indikator"] == "falldauer_median_tage"
        and (row["zielgruppe"], row["handlungsfeld"]) != ("alle", "alle")
    ]
    assert beside
    assert all(row["wert"] or row["unterdrueckt"] == "true" for row in beside)
    assert any(row["wert"] for row in beside)


def test_the_kreis_yearly_values_stay_visible(built):
    # The Landrat's first numbers: with hundreds of cases a year nothing forces their
    # suppression, so the joint pattern must leave every one of them published.
    con = duckdb.connect(str(built.home / "kim.duckdb"), read_only=True)
    try:
        hidden = con.execute(
            "SELECT indikator, zeitraum FROM fct_indikatoren WHERE gebiet = '05954' "
            "AND periodentyp = 'jahr' AND zielgruppe = 'alle' AND handlungsfeld = 'alle' "
            "AND aufschluesselung = '' AND unterdrueckt AND indikator IN "
            "(SELECT indikator FROM dim_kennzahlen WHERE geheimhaltung = 'anzahl')"
        ).fetchall()
        shown = con.execute(
            "SELECT count(*) FROM fct_indikatoren WHERE gebiet = '05954' "
            "AND periodentyp = 'jahr' AND aufschluesselung = '' AND NOT unterdrueckt"
        ).fetchone()[0]
    finally:
        con.close()
    assert shown > 0
    assert hidden == []


def test_the_largest_towns_yearly_case_totals_stay_visible(built):
    # Witten has about a third of the Kreis's cases: its yearly totals are far from small.
    # Shielding changes that lift several cells at once leave such headline figures alone.
    # Not in the first year: it starts with the programme in spring, from a few cases a month,
    # and in it active cases are new cases, tied to those small months.
    con = duckdb.connect(str(built.home / "kim.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT indikator, zeitraum, unterdrueckt FROM fct_indikatoren "
            "WHERE gebiet = '05954036' AND periodentyp = 'jahr' AND zielgruppe = 'alle' "
            "AND handlungsfeld = 'alle' AND aufschluesselung = '' "
            "AND indikator IN ('faelle_neu', 'faelle_aktiv', 'personen_erreicht') "
            "AND zeitraum > (SELECT min(zeitraum) FROM dim_perioden WHERE periodentyp = 'jahr')"
        ).fetchall()
    finally:
        con.close()
    assert len(rows) >= 6
    assert [row for row in rows if row[2]] == []


def test_no_single_suppressed_town_next_to_a_visible_kreis_total(built):
    rows = indicators(built, "--zeitraum", "2025-Q1", "--zeitraum", "2025-Q2")
    groups: dict[tuple, list[dict[str, str]]] = {}
    for row in rows:
        key = (
            row["indikator"],
            row["zeitraum"],
            row["zielgruppe"],
            row["handlungsfeld"],
            row["aufschluesselung"],
        )
        groups.setdefault(key, []).append(row)
    checked = 0
    for key, members in groups.items():
        if key[0] not in {"faelle_neu", "faelle_aktiv", "strukturhinweise"}:
            continue
        total = next(r for r in members if r["gebiet"] == "05954")
        hidden = [r for r in members if r["gebiet"] != "05954" and r["unterdrueckt"] == "true"]
        if total["unterdrueckt"] == "false":
            assert len(hidden) != 1, key
            checked += bool(hidden)
    assert checked, "no group with suppressed towns: the test data proves nothing"


def test_referral_topics_add_up_so_no_single_topic_is_suppressed_next_to_its_total(built):
    # Every referral has exactly one topic: topic counts add up to `alle`, per partner too.
    # (topics: the Kreis from quarters on, the towns from half-years on)
    rows = indicators(built, "--zeitraum", "2025-Q1", "--zeitraum", "2025-H1")
    groups: dict[tuple, list[dict[str, str]]] = {}
    for row in rows:
        if row["indikator"] == "vermittlungen":
            key = (row["zeitraum"], row["gebiet"], row["zielgruppe"], row["aufschluesselung"])
            groups.setdefault(key, []).append(row)
    checked = 0
    for key, members in groups.items():
        totals = [r for r in members if r["handlungsfeld"] == "alle"]
        parts = [r for r in members if r["handlungsfeld"] != "alle"]
        if len(parts) != 7:
            continue
        hidden = [r for r in parts if r["unterdrueckt"] == "true"]
        if totals[0]["unterdrueckt"] == "false":
            assert len(hidden) != 1, key
            checked += bool(hidden)
            if not hidden:
                assert sum(float(r["wert"]) for r in parts) == float(totals[0]["wert"]), key
    assert checked, "no topic group with suppressed parts: the test data proves nothing"


def test_referrals_by_topic_and_partner_equal_a_count_of_the_loaded_rows(built):
    # Published for the Kreis by year (docs/confidentiality.md, table design).
    counted = {
        (topic, partner): n
        for topic, partner, n in built.query(
            """
            SELECT handlungsfeld, partner, count(*) FROM aktuell.vermittlungen
            WHERE datum BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'
            GROUP BY ALL
            """
        )
    }
    rows = indicators(built, "--zeitraum", "2025")
    compared = 0
    for row in rows:
        if (
            row["indikator"] != "vermittlungen"
            or row["handlungsfeld"] == "alle"
            or not row["aufschluesselung"].startswith("partner=")
            or row["zielgruppe"] != "alle"
        ):
            continue
        assert row["gebiet"] == "05954", row
        partner = row["aufschluesselung"].removeprefix("partner=")
        expected = counted.get((row["handlungsfeld"], partner), 0)
        if row["unterdrueckt"] == "true":
            continue
        assert float(row["wert"]) == expected, row
        compared += 1
    assert compared > 40


def test_json_format_and_out_file(built, tmp_path):
    out = tmp_path / "kennzahlen.json"
    built.run("indicators", "--zeitraum", "2025", "--format", "json", "--out", str(out), check=True)
    data = json.loads(out.read_text())
    assert data and {d["zeitraum"] for d in data} == {"2025"}
    assert isinstance(data[0]["unterdrueckt"], bool)


def published_table(kim: Kim) -> list[tuple]:
    """Every published indicator row, sorted."""
    con = duckdb.connect(str(kim.home / "kim.duckdb"), read_only=True)
    try:
        return sorted(con.execute("SELECT * FROM fct_indikatoren").fetchall(), key=repr)
    finally:
        con.close()


def test_readers_keep_working_while_a_build_runs(built):
    before = build_id(built)
    table = published_table(built)
    # What a build broken off earlier leaves: its scratch file and DuckDB's spill directory.
    builds = built.home / "builds"
    (builds / "arbeit.duckdb").write_bytes(b"halb geschrieben")
    (builds / "arbeit.duckdb.tmp").mkdir()
    (builds / "arbeit.duckdb.tmp" / "duckdb_temp_storage-0.tmp").write_bytes(b"roh")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "build"],
        env=built.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reads = 0
    while process.poll() is None:
        con = duckdb.connect(str(built.home / "kim.duckdb"), read_only=True)
        try:
            assert con.execute("SELECT count(*) FROM fct_indikatoren").fetchone()[0] > 0
        finally:
            con.close()
        reads += 1
        time.sleep(0.2)
    assert process.returncode == 0, process.stderr.read()
    assert reads > 3
    assert build_id(built) != before
    assert not list(builds.glob("arbeit.duckdb*"))
    # The same data gives the same table, suppression pattern included.
    assert published_table(built) == table


def test_failed_build_keeps_the_last_good_one_serving(built, tmp_path):
    broken = Kim(home=tmp_path / "home", exports=tmp_path / "exports")
    broken.home.mkdir()
    (broken.home / "kim.duckdb").write_bytes((built.home / "kim.duckdb").read_bytes())
    (broken.home / "warehouse.duckdb").write_bytes(b"kein DuckDB" * 100)
    good = build_id(broken)
    result = broken.run("build")
    assert result.returncode == 1
    assert "Warehouse nicht lesbar" in result.stderr
    assert build_id(broken) == good
    log = (broken.home / "builds.jsonl").read_text().splitlines()
    assert json.loads(log[-1])["erfolgreich"] is False


def test_failing_dbt_test_names_the_test_and_keeps_the_last_good_one(built, tmp_path):
    broken = Kim(home=tmp_path / "home", exports=tmp_path / "exports")
    broken.home.mkdir()
    for name in ("kim.duckdb", "warehouse.duckdb"):
        (broken.home / name).write_bytes((built.home / name).read_bytes())
    # A status no export may carry, written past the loader: only dbt's tests can catch it.
    con = duckdb.connect(str(broken.home / "warehouse.duckdb"))
    con.execute(
        "UPDATE snapshot.faelle SET status = 'verschollen' WHERE fall_id IN "
        "(SELECT fall_id FROM snapshot.faelle LIMIT 1)"
    )
    con.close()
    good = build_id(broken)
    result = broken.run("build")
    assert result.returncode == 1
    assert "der letzte gute Stand bleibt veröffentlicht" in result.stderr
    assert "accepted_values_stg_faelle_status" in result.stderr
    assert build_id(broken) == good
    assert not list((broken.home / "builds").glob("*.duckdb*"))


def test_published_values_equal_an_independent_pandas_computation(built):
    periods = ["gesamt", "2025", "2025-H1", "2025-Q2", "2025-03"]
    reference = designed(compute(load_current(built.home / "warehouse.duckdb"), periods))
    expected = {
        tuple(r[:6]): r[6]
        for r in reference[
            [
                "indikator",
                "zeitraum",
                "gebiet",
                "zielgruppe",
                "handlungsfeld",
                "aufschluesselung",
                "wert",
            ]
        ].itertuples(index=False)
    }
    args = [a for p in periods for a in ("--zeitraum", p)]
    published = {
        (
            r["indikator"],
            r["zeitraum"],
            r["gebiet"],
            r["zielgruppe"],
            r["handlungsfeld"],
            r["aufschluesselung"],
        ): r
        for r in indicators(built, *args)
    }
    assert set(published) == set(expected)
    catalogue = ROOT / "warehouse" / "reference" / "kennzahlen.csv"
    places = {"ganzzahl": 0, "tage": 0, "prozent": 1, "dezimal1": 1, "dezimal2": 2}
    with catalogue.open(encoding="utf-8") as file:
        decimals = {r["id"]: places[r["format"]] for r in csv.DictReader(file)}
    compared = 0
    for key, row in published.items():
        if row["unterdrueckt"] == "true":
            continue
        want = expected[key]
        if math.isnan(want):
            assert row["wert"] == "", key
        else:
            # published as shown: rounded to the decimals of the catalogue's format
            places = decimals[key[0]]
            value = float(row["wert"])
            assert value == round(value, places), key
            assert abs(value - want) <= 0.5 * 10**-places + 1e-9, key
        compared += 1
    assert compared > 0.5 * len(published)


def _serving_and_scratch(built: Kim, tmp_path: Path) -> tuple[Settings, str, Path]:
    """An installation serving the built sample, its build id, and a scratch build path."""
    settings = Settings(home=tmp_path / "home", exports=tmp_path / "exports")
    settings.builds_dir.mkdir(parents=True)
    settings.serving_path.write_bytes((built.home / "kim.duckdb").read_bytes())
    good = build_id(Kim(home=settings.home, exports=settings.exports))
    return settings, good, settings.builds_dir / "arbeit.duckdb"


def test_a_build_file_holding_more_than_the_marts_is_not_published(built, tmp_path):
    """Dropped data stays readable in a DuckDB file, so a stray table fails the build."""
    settings, good, scratch = _serving_and_scratch(built, tmp_path)
    con = duckdb.connect(str(scratch))
    con.execute("CREATE TABLE fct_indikatoren AS SELECT 1 AS wert")
    con.execute("CREATE TABLE int_kennzahlen AS SELECT 2 AS wert")  # unprotected values
    con.close()
    with pytest.raises(BuildFailed, match=r"mehr als die Marts.*main\.int_kennzahlen"):
        publish(scratch, settings, "neu", datetime.now(), "1.0", [])
    assert build_id(Kim(home=settings.home, exports=settings.exports)) == good


@pytest.mark.parametrize("missing", [False, True])
def test_a_build_whose_attacker_check_failed_is_not_published(built, tmp_path, missing):
    """The published proof must say that no small count can be narrowed, else no swap."""
    settings, good, scratch = _serving_and_scratch(built, tmp_path)
    con = duckdb.connect(str(scratch))
    con.execute(f"ATTACH '{built.home / 'kim.duckdb'}' AS gut (READ_ONLY)")
    con.execute("CREATE TABLE fct_indikatoren AS SELECT * FROM gut.fct_indikatoren")
    if not missing:
        # the real proof of the built sample, with one narrowable cell
        con.execute(
            "CREATE TABLE fct_geheimhaltungspruefung AS "
            "SELECT * REPLACE (1 AS eingrenzbar, false AS bestanden) "
            "FROM gut.fct_geheimhaltungspruefung"
        )
    con.execute("DETACH gut")
    con.close()
    with pytest.raises(BuildFailed, match=r"Angreiferprüfung|Nachweis der Geheimhaltung"):
        publish(scratch, settings, "neu", datetime.now(), "1.0", [])
    assert build_id(Kim(home=settings.home, exports=settings.exports)) == good


def test_the_proof_is_in_build_info_the_build_log_and_status(built):
    con = duckdb.connect(str(built.home / "kim.duckdb"), read_only=True)
    try:
        stored = json.loads(con.execute("SELECT pruefung FROM build_info").fetchone()[0])
        mart = con.execute("SELECT * FROM fct_geheimhaltungspruefung").df().iloc[0]
        small = con.execute(
            "SELECT count(*) FROM fct_indikatoren WHERE unterdrueckt AND indikator IN "
            "(SELECT indikator FROM dim_kennzahlen WHERE geheimhaltung = 'anzahl')"
        ).fetchone()[0]
    finally:
        con.close()
    assert stored["eingrenzbar"] == 0 and stored["engstes_intervall"] >= 3
    assert stored["unveroeffentlicht"] > 0 and stored["unveroeffentlicht_eingrenzbar"] == 0
    assert stored["anzahlen_primaer"] == mart["anzahlen_primaer"] > 0
    assert stored["anzahlen_primaer"] + stored["anzahlen_sekundaer"] == small
    logged = json.loads((built.home / "builds.jsonl").read_text("utf-8").splitlines()[-1])
    assert logged["pruefung"] == stored
    status = built.run("status", check=True).stdout
    assert "Geheimhaltung geprüft" in status and "0 eingrenzbar" in status
    assert "nicht veröffentlichte Zählungen als Unbekannte einbezogen" in status


def test_a_build_on_unchanged_data_solves_the_same_programmes_and_publishes_the_same(built):
    memo = built.home / "builds" / "pruefspeicher.npz"

    def published() -> list[tuple]:
        con = duckdb.connect(str(built.home / "kim.duckdb"), read_only=True)
        try:
            return con.execute("SELECT * FROM fct_indikatoren ORDER BY ALL").fetchall()
        finally:
            con.close()

    before, answers = published(), set(Memo(memo).earlier)
    assert len(answers) > 1  # the check kept its answers for the next build
    built.run("build", check=True)
    assert published() == before
    # the status says the pattern and proof were taken, not how long a check took
    status = built.run("status", check=True).stdout
    assert "Muster und Nachweis des letzten Builds übernommen" in status
    assert set(Memo(memo).earlier) == answers


def test_no_pseudonym_of_a_bad_row_reaches_the_published_tables(built, tmp_path):
    """A contact naming a case missing from faelle and a duplicated contact id: the loader
    quarantines both rows with their (valid) pseudonyms, for the town to find them. The
    published error table and the delivery messages name file, line and column, never the
    pseudonym (docs/confidentiality.md, attacker's review point 6)."""
    kim = copy_installation(built, tmp_path)
    # the last build's answers: the loaded rows stay the same, so the check has nothing to do
    (kim.home / "builds").mkdir()
    shutil.copy(built.home / "builds" / MEMO_NAME, kim.home / "builds" / MEMO_NAME)
    quelle, stichtag = kim.query(
        "SELECT quelle, max(stichtag) FROM aktuell.kontakte GROUP BY quelle ORDER BY quelle"
    )[0]
    rows = kim.query(
        "SELECT kontakt_id, fall_id, strftime(datum, '%Y-%m-%d'), art, "
        "coalesce(CAST(dauer_minuten AS VARCHAR), ''), CASE WHEN dolmetscher THEN '1' ELSE '0' "
        "END FROM aktuell.kontakte WHERE quelle = ? ORDER BY kontakt_id",
        [quelle],
    )
    unknown_case = "Fzzgeheim0001"
    duplicated = rows[-1][0]  # a contact id of the town, delivered twice
    bad = [(rows[0][0] + "x", unknown_case, *rows[0][2:]), rows[-1]]
    name = f"{quelle}_{stichtag:%Y-%m-%d}_kontakte.csv"
    lines = ["kontakt_id;fall_id;datum;art;dauer_minuten;dolmetscher"]
    lines += [";".join(map(str, row)) for row in [*rows, *bad]]
    (kim.exports / name).write_text("\n".join(lines) + "\n", "utf-8")
    line_unknown, line_twice = len(rows) + 2, len(rows) + 3  # the header is line 1
    code, report = kim.load_json()
    assert code == 1
    (entry,) = [f for f in report["files"] if Path(f["file"]).name == name]
    assert entry["zeilen_quarantaene"] == 2
    pseudonyms = sorted(PSEUDONYM_COLUMNS)
    held = {
        w
        for (w,) in kim.query(
            f"SELECT DISTINCT wert FROM quarantaene WHERE wert IS NOT NULL "
            f"AND list_contains({pseudonyms}, spalte)"
        )
    }
    assert {unknown_case, duplicated} <= held  # the loader keeps them, for the operators
    kim.run("build", check=True)

    def published(sql: str, params: list | None = None) -> list[tuple]:
        return kim.query(sql, params, database="kim.duckdb")

    for table in ("fct_quarantaene", "fct_lieferungen"):
        text = "\n".join(r for (r,) in published(f"SELECT CAST(t AS VARCHAR) FROM {table} t"))
        assert not [value for value in held if value in text], table
    errors = published(
        "SELECT q.datei, q.zeile, q.spalte, q.wert FROM fct_quarantaene q "
        "JOIN fct_lieferungen l USING (lieferung_id) WHERE l.datei = ?",
        [name],
    )
    assert sorted(errors) == [
        (name, line_unknown, "fall_id", None),
        (name, line_twice, "kontakt_id", None),
    ]
    ((messages,),) = published("SELECT meldungen FROM fct_lieferungen WHERE datei = ?", [name])
    said = [m for m in messages if m.startswith("Zeile ")]
    assert said == [
        f"Zeile {line_unknown}, Spalte fall_id: Fall-ID fehlt in faelle desselben Stichtags "
        "(oder steht dort in Quarantäne)",
        f"Zeile {line_twice}, Spalte kontakt_id: doppelter Schlüssel (kontakt_id), erstes "
        f"Vorkommen in Zeile {len(rows) + 1}",
    ]
