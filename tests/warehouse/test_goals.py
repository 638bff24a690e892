"""Goal progress (indicator catalogue §4) on a small hand-made delivery."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from tests.conftest import Kim
from tests.exports import town_snapshot, write_csv, write_town

HATTINGEN = "05954016"
KREIS = "05954"
STICHTAG = date(2025, 6, 30)  # 181 of 365 days of 2025 have passed

# (year, indicator, area, target, direction, expected status); the data: twelve cases in
# Hattingen, all new and open in 2025, ten days of waiting each, one structural note.
GOALS = [
    (2025, "faelle_neu", HATTINGEN, 10, "mindestens", "erreicht"),  # 12 >= 10
    (2025, "faelle_neu", KREIS, 20, "mindestens", "im_plan"),  # 12 / 9.9 = 1.21
    (2025, "faelle_aktiv", HATTINGEN, 28, "mindestens", "leicht_verzoegert"),  # 12 / 13.9
    (2025, "faelle_aktiv", KREIS, 40, "mindestens", "deutlich_verzoegert"),  # 12 / 19.8
    (2025, "wartezeit_median_tage", HATTINGEN, 14, "hoechstens", "im_plan"),  # 10 <= 14
    (2025, "wartezeit_median_tage", KREIS, 8, "hoechstens", "deutlich_verzoegert"),  # 8 / 10
    (2025, "faelle_bestand", HATTINGEN, 13, "mindestens", "leicht_verzoegert"),  # a level
    (2025, "strukturhinweise", HATTINGEN, 1, "mindestens", "nicht_bewertbar"),  # value 1
    (2026, "personen_erreicht", HATTINGEN, 5, "mindestens", "noch_nicht_begonnen"),
]


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict[tuple, dict]:
    """Load and build the delivery once; goal rows of the published database by key."""
    root = tmp_path_factory.mktemp("goals")
    kim = Kim(home=root / "home", exports=root / "exports")
    kim.exports.mkdir()
    cases = [f"FALL{n:03}" for n in range(12)]
    snapshot = town_snapshot(HATTINGEN, cases, STICHTAG, start=date(2025, 2, 3))
    for row in snapshot["faelle"]:
        row["erstkontakt"] = row["fallbeginn"] - timedelta(days=10)
    snapshot["faelle"][0]["strukturhinweis"] = True
    write_town(kim.exports, HATTINGEN, STICHTAG, snapshot)
    goals = [
        {"jahr": y, "indikator": i, "ags": a, "zielwert": t, "richtung": r}
        for y, i, a, t, r, _ in GOALS
    ]
    write_csv(kim.exports, KREIS, STICHTAG, "ziele", goals)
    kim.run("load", check=True)
    kim.run("build", check=True)
    con = duckdb.connect(str(kim.home / "kim.duckdb"), read_only=True)
    try:
        cursor = con.execute("SELECT * FROM fct_zielerreichung")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        con.close()
    return {(r["jahr"], r["indikator"], r["gebiet"]): r for r in rows}


@pytest.mark.parametrize(("year", "indicator", "area", "target", "direction", "status"), GOALS)
def test_goal_status(published, year, indicator, area, target, direction, status):
    row = published[(year, indicator, area)]
    assert row["status"] == status, row
    assert row["status_text"]


def test_count_goals_are_pro_rata_and_levels_are_not(published):
    counted = published[(2025, "faelle_neu", KREIS)]
    assert counted["erwartung"] == pytest.approx(20 * 181 / 365)
    assert counted["ist"] == 12
    level = published[(2025, "faelle_bestand", HATTINGEN)]
    assert level["erwartung"] == 13


def test_suppressed_value_is_not_published_with_its_goal(published):
    row = published[(2025, "strukturhinweise", HATTINGEN)]
    assert row["ist"] is None and row["unterdrueckt"]
