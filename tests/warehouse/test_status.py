"""`kim status` and `kim demo` on generated sample data."""

from __future__ import annotations

import json

from warehouse.schema import TOWN_TABLES, town_codes


def test_demo_generates_loads_and_status_reports_every_source(kim):
    result = kim.run("demo", "--ohne-dashboard")
    assert result.returncode == 0, result.stderr
    assert "Beispiel-Exporte" in result.stdout
    assert [p.name for p in kim.exports.iterdir()] == []

    status = json.loads(kim.run("status", "--json", check=True).stdout)
    rows = {(r["quelle"], r["tabelle"]): r for r in status["quellen"]}
    expected = {(ags, t) for ags in town_codes() for t in TOWN_TABLES}
    expected |= {("05954", "verfahren"), ("05954036", "verfahren")}
    expected |= {("05954", "stellen"), ("05954", "ziele"), ("05954", "strukturthemen")}
    assert set(rows) == expected
    assert all(r["aktueller_stichtag"] for r in rows.values())
    parts = " UNION ALL ".join(
        f"SELECT quelle, '{t}' AS tabelle FROM aktuell.{t}"
        for t in ("faelle", "kontakte", "verfahren", "stellen")
    )
    current = kim.query(f"SELECT quelle, tabelle, count(*) FROM ({parts}) GROUP BY ALL")
    for quelle, tabelle, count in current:
        assert rows[(quelle, tabelle)]["zeilen"] == count
    quarantined = kim.query("SELECT count(*) FROM quarantaene")[0][0]
    assert status["quarantaene_gesamt"] == quarantined > 0


def test_status_text_is_german_and_names_towns(kim):
    kim.run("demo", "--ohne-dashboard", check=True)
    text = kim.run("status", check=True).stdout
    assert "Sprockhövel" in text and "Ausländerbehörde Witten" in text
    assert "Quarantäne insgesamt" in text


def test_status_without_data_says_so(kim):
    result = kim.run("status", check=True)
    assert "Noch keine Daten geladen" in result.stdout
