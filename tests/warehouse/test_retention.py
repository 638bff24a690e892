"""`kim bereinigen`: deletes exactly the long-closed cases, decided procedures and old raw
data, keeps published and signed-off values, logs what it removed; `--probelauf` changes
nothing."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import Kim, sample_installation

RETENTION_YEARS = 3  # the documented default
CASE_TABLES = ("handlungsfelder", "kontakte", "vermittlungen")
CASE_KEYS = {
    "handlungsfelder": "handlungsfeld",
    "kontakte": "kontakt_id",
    "vermittlungen": "vermittlung_id",
}


def cutoff(today: date) -> date:
    """Cases closed before the first day of the month three years ago are due."""
    return date(today.year - RETENTION_YEARS, today.month, 1)


def rows(kim: Kim, table: str, columns: str) -> set[tuple]:
    """Every snapshot row of a table (all deliveries) with its source."""
    return set(
        kim.query(
            f"SELECT l.quelle, s.lieferung_id, {columns} FROM snapshot.{table} s "
            "JOIN lieferung l USING (lieferung_id)"
        )
    )


def published(kim: Kim, table: str) -> set[tuple]:
    """A published table's rows."""
    return set(kim.query(f"SELECT * FROM {table}", database="kim.duckdb"))


def digest(path: Path) -> str:
    """SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def installation(tmp_path_factory) -> Kim:
    """The sample loaded and built, one period signed off, one old delivery aged two years."""
    root = tmp_path_factory.mktemp("bereinigen")
    kim = sample_installation(root)
    kim.run("freigabe", "2023", check=True)
    # Two years pass for the superseded deliveries (the sample has some for one town).
    con = duckdb.connect(str(kim.home / "warehouse.duckdb"))
    try:
        con.execute(
            "UPDATE lieferung SET verarbeitet_am = verarbeitet_am - INTERVAL 2 YEAR "
            "WHERE lieferung_id NOT IN (SELECT lieferung_id FROM aktueller_stand)"
        )
    finally:
        con.close()
    return kim


def test_dry_run_reports_and_changes_nothing(installation: Kim):
    kim = installation
    before = digest(kim.home / "warehouse.duckdb")
    result = kim.run("bereinigen", "--probelauf", "--json", check=True)
    plan = json.loads(result.stdout)
    due = kim.query(
        "SELECT count(DISTINCT (quelle, fall_id)) FROM aktuell.faelle WHERE fallende < ?",
        [cutoff(date.today())],
    )[0][0]
    assert due > 0 and plan["faelle"] == due
    assert plan["stichtag"] == cutoff(date.today()).isoformat()
    assert plan["alte_lieferungen"] > 0 and plan["dateien"]
    assert digest(kim.home / "warehouse.duckdb") == before
    assert all(Path(p).exists() for p in plan["dateien"])
    text = kim.run("bereinigen", "--probelauf", check=True).stdout
    assert "würde löschen" in text and f"{cutoff(date.today()):%d.%m.%Y}" in text


def test_cleanup_deletes_exactly_what_is_due(installation: Kim):
    kim = installation
    day = cutoff(date.today())
    due = set(kim.query("SELECT quelle, fall_id FROM aktuell.faelle WHERE fallende < ?", [day]))
    decided = set(
        kim.query(
            "SELECT quelle, verfahren_id FROM aktuell.verfahren WHERE entscheidung < ?", [day]
        )
    )
    old = {
        r[0]
        for r in kim.query(
            "SELECT lieferung_id FROM lieferung WHERE lieferung_id NOT IN "
            "(SELECT lieferung_id FROM aktueller_stand)"
        )
    }
    old_files = {
        r[0]
        for r in kim.query(
            "SELECT archiv_datei FROM lieferung WHERE lieferung_id IN "
            "(SELECT lieferung_id FROM lieferung WHERE lieferung_id NOT IN "
            "(SELECT lieferung_id FROM aktueller_stand)) AND archiv_datei IS NOT NULL"
        )
    }
    current_files = {
        r[0]
        for r in kim.query(
            "SELECT archiv_datei FROM lieferung WHERE lieferung_id IN "
            "(SELECT lieferung_id FROM aktueller_stand)"
        )
    }
    cases = rows(kim, "faelle", "fall_id")
    dependents = {t: rows(kim, t, f"fall_id, {CASE_KEYS[t]}") for t in CASE_TABLES}
    procedures = rows(kim, "verfahren", "verfahren_id")
    staffing = rows(kim, "stellen", "ags, funktion, gueltig_ab")
    indicators = published(kim, "fct_indikatoren")
    goals = published(kim, "fct_zielerreichung")
    frozen_copy = next((kim.home / "freigaben").glob("2023_*.duckdb"))
    frozen_digest = digest(frozen_copy)

    result = kim.run("bereinigen", check=True, timeout=900)
    assert "gelöscht" in result.stdout and "veröffentlicht" in result.stdout

    def kept(row: tuple) -> bool:
        quelle, lieferung, key = row[0], row[1], row[2]
        return lieferung not in old and (quelle, key) not in due

    assert rows(kim, "faelle", "fall_id") == {r for r in cases if kept(r)}
    for table, before in dependents.items():
        assert rows(kim, table, f"fall_id, {CASE_KEYS[table]}") == {r for r in before if kept(r)}
    assert rows(kim, "verfahren", "verfahren_id") == {
        r for r in procedures if r[1] not in old and (r[0], r[2]) not in decided
    }
    assert rows(kim, "stellen", "ags, funktion, gueltig_ab") == {
        r for r in staffing if r[1] not in old
    }
    assert not kim.query(
        "SELECT count(*) FROM quarantaene WHERE list_contains(?, lieferung_id)", [sorted(old)]
    )[0][0]
    assert not any(Path(p).exists() for p in old_files - current_files)
    assert all(Path(p).exists() for p in current_files)
    # Published and signed-off values stay as they were: frozen periods exactly; in the
    # others the suppression pattern may move (it is chosen jointly over the whole table,
    # which now holds fewer periods), but no value changes.
    frozen = {r[0] for r in kim.query("SELECT DISTINCT zeitraum FROM gesicherte_kennzahlen")}
    assert frozen
    after = published(kim, "fct_indikatoren")
    assert {r for r in after if r[1] in frozen} == {r for r in indicators if r[1] in frozen}
    # "Seit Beginn" now starts with the first year not frozen: its cases are all still held.
    cumulative = {r[3] for r in after if r[1] == "gesamt"}
    assert cumulative == {date(max(int(z[:4]) for z in frozen) + 1, 1, 1)}
    before_values = {r[:9]: r[9:] for r in indicators if r[1] != "gesamt"}
    after_values = {r[:9]: r[9:] for r in after if r[1] != "gesamt"}
    assert before_values.keys() == after_values.keys()
    for key, (wert, unterdrueckt) in after_values.items():
        if not unterdrueckt and not before_values[key][1]:
            assert wert == before_values[key][0], key
    # Goals follow their yearly values: the same goals, and each one judged alike wherever its
    # value is published before and after (a moved pattern may make one judgeable or not).
    goals_before = {r[:9]: r for r in goals}
    goals_after = {r[:9]: r for r in published(kim, "fct_zielerreichung")}
    assert goals_after.keys() == goals_before.keys()
    for key, row in goals_after.items():
        if row[9] is not None and goals_before[key][9] is not None:
            assert row == goals_before[key], key
    assert digest(frozen_copy) == frozen_digest
    entries = json.loads(kim.run("audit", "--json", check=True).stdout)
    logged = [e["details"] for e in entries if e["aktion"] == "bereinigung"]
    assert len(logged) == 1 and logged[0]["faelle"] == len(due)
    assert logged[0]["verfahren"] == len(decided)
    assert kim.run("audit", "--pruefen").returncode == 0


def test_a_second_run_finds_nothing_but_finishes_what_a_broken_run_left(installation: Kim):
    kim = installation
    # A run that broke off after its commit left a raw file to delete (and the rewrite).
    leftover = kim.home / "archiv" / "uebrig.csv"
    leftover.write_text("fall_id\n1\n", encoding="utf-8")
    con = duckdb.connect(str(kim.home / "warehouse.duckdb"))
    try:
        con.executemany("INSERT INTO bereinigung_offen VALUES (?)", [[""], [str(leftover)]])
    finally:
        con.close()
    plan = json.loads(kim.run("bereinigen", "--json", check=True).stdout)
    assert plan["faelle"] == plan["verfahren"] == plan["alte_lieferungen"] == 0
    assert plan["dateien"] == []
    assert not leftover.exists()
    assert kim.query("SELECT count(*) FROM bereinigung_offen")[0][0] == 0


def test_cleanup_needs_a_published_state(kim: Kim):
    kim.run("generate", "--out", str(kim.exports), check=True)
    assert kim.run("load").returncode in (0, 1)
    result = kim.run("bereinigen")
    assert result.returncode == 1 and "kim build" in result.stderr
    for years in ("0", "-2"):
        env_run = subprocess.run(
            [sys.executable, "-m", "cli", "bereinigen", "--probelauf"],
            env=kim.env | {"KIM_AUFBEWAHRUNG_JAHRE": years},
            capture_output=True,
            text=True,
        )
        assert env_run.returncode == 1 and "Aufbewahrungsfrist" in env_run.stderr
    assert (
        kim.query("SELECT count(*) FROM aktuell.faelle WHERE fallende < ?", [cutoff(date.today())])[
            0
        ][0]
        > 0
    )
