"""Snapshot semantics (export format §2): history, idempotence, order, deletion, completeness."""

from __future__ import annotations

from datetime import date

from tests.exports import town_snapshot, write_csv, write_town

HATTINGEN = "05954016"
S1 = date(2025, 3, 31)
S2 = date(2025, 6, 30)


def current_cases(kim, ags: str = HATTINGEN) -> tuple[set[str], set[date]]:
    """Case ids and Stichtage of a town's current faelle."""
    rows = kim.query("SELECT fall_id, stichtag FROM aktuell.faelle WHERE quelle = ?", [ags])
    return {r[0] for r in rows}, {r[1] for r in rows}


def current_stichtage(kim, ags: str = HATTINGEN) -> dict[str, date]:
    """Current Stichtag per table of a source."""
    rows = kim.query("SELECT tabelle, stichtag FROM aktueller_stand WHERE quelle = ?", [ags])
    return dict(rows)


def test_loaded_files_leave_the_landing_folder_for_the_archive(kim):
    write_town(kim.exports, HATTINGEN, S1, town_snapshot(HATTINGEN, ["FALL001", "FALL002"], S1))
    code, report = kim.load_json()
    assert code == 0
    assert {f["status"] for f in report["files"]} == {"geladen"}
    assert list(kim.exports.iterdir()) == []
    archived = sorted(p.name.split("_", 1)[1] for p in (kim.home / "archiv").rglob("*.csv"))
    assert archived == sorted(
        f"{HATTINGEN}_{S1.isoformat()}_{t}.csv"
        for t in ("faelle", "handlungsfelder", "kontakte", "vermittlungen")
    )
    assert current_cases(kim) == ({"FALL001", "FALL002"}, {S1})


def test_same_content_twice_changes_nothing(kim):
    snapshot = town_snapshot(HATTINGEN, ["FALL001", "FALL002"], S1)
    write_town(kim.exports, HATTINGEN, S1, snapshot)
    kim.load_json()
    before = kim.query("SELECT count(*) FROM snapshot.faelle")
    write_town(kim.exports, HATTINGEN, S1, snapshot)
    code, report = kim.load_json()
    assert code == 0
    assert {f["status"] for f in report["files"]} == {"bereits_geladen"}
    assert kim.query("SELECT count(*) FROM snapshot.faelle") == before
    assert list(kim.exports.iterdir()) == []


def test_older_stichtag_is_kept_as_history_but_never_becomes_current(kim):
    write_town(kim.exports, HATTINGEN, S2, town_snapshot(HATTINGEN, ["FALL001"], S2))
    kim.load_json()
    write_town(kim.exports, HATTINGEN, S1, town_snapshot(HATTINGEN, ["FALL009"], S1))
    code, report = kim.load_json()
    assert code == 0
    assert {f["status"] for f in report["files"]} == {"veraltet"}
    assert current_cases(kim) == ({"FALL001"}, {S2})
    history = kim.query(
        "SELECT DISTINCT l.stichtag FROM snapshot.faelle s "
        "JOIN lieferung l USING (lieferung_id) ORDER BY 1"
    )
    assert history == [(S1,), (S2,)]


def test_both_stichtage_in_one_load_make_the_newer_current(kim):
    write_town(kim.exports, HATTINGEN, S2, town_snapshot(HATTINGEN, ["FALL002"], S2))
    write_town(kim.exports, HATTINGEN, S1, town_snapshot(HATTINGEN, ["FALL001"], S1))
    code, _ = kim.load_json()
    assert code == 0
    assert current_cases(kim) == ({"FALL002"}, {S2})


def test_case_missing_from_newer_snapshot_disappears_from_current_state(kim):
    write_town(kim.exports, HATTINGEN, S1, town_snapshot(HATTINGEN, ["FALL001", "FALL002"], S1))
    kim.load_json()
    write_town(kim.exports, HATTINGEN, S2, town_snapshot(HATTINGEN, ["FALL001"], S2))
    kim.load_json()
    assert current_cases(kim) == ({"FALL001"}, {S2})
    dependents = kim.query(
        "SELECT count(*) FROM aktuell.kontakte WHERE fall_id = 'FALL002' "
        "UNION ALL SELECT count(*) FROM aktuell.handlungsfelder WHERE fall_id = 'FALL002'"
    )
    assert dependents == [(0,), (0,)]


def test_partial_town_delivery_becomes_current_only_when_complete(kim):
    write_town(kim.exports, HATTINGEN, S1, town_snapshot(HATTINGEN, ["FALL001"], S1))
    kim.load_json()
    newer = town_snapshot(HATTINGEN, ["FALL002", "FALL003"], S2)
    write_csv(kim.exports, HATTINGEN, S2, "faelle", newer["faelle"])
    write_csv(kim.exports, HATTINGEN, S2, "kontakte", newer["kontakte"])
    code, report = kim.load_json()
    assert code == 0
    assert all("erst aktuell" in f["meldungen"][0] for f in report["files"])
    assert set(current_stichtage(kim).values()) == {S1}
    assert current_cases(kim) == ({"FALL001"}, {S1})

    write_csv(kim.exports, HATTINGEN, S2, "handlungsfelder", newer["handlungsfelder"])
    write_csv(kim.exports, HATTINGEN, S2, "vermittlungen", newer["vermittlungen"])
    code, report = kim.load_json()
    assert code == 0
    assert {f["tabelle"] for f in report["erneut_geprueft"]} == {"faelle", "kontakte"}
    assert current_stichtage(kim) == {
        "faelle": S2,
        "handlungsfelder": S2,
        "kontakte": S2,
        "vermittlungen": S2,
    }
    assert current_cases(kim) == ({"FALL002", "FALL003"}, {S2})


def test_dependents_delivered_before_faelle_are_checked_once_faelle_arrives(kim):
    cases = [f"FALL{n:03}" for n in range(1, 13)]
    snapshot = town_snapshot(HATTINGEN, cases, S1)
    snapshot["kontakte"].append(
        {"kontakt_id": "KORPHAN1", "fall_id": "FALL404", "datum": S1, "art": "digital"}
    )
    for table in ("handlungsfelder", "kontakte", "vermittlungen"):
        write_csv(kim.exports, HATTINGEN, S1, table, snapshot[table])
    code, _ = kim.load_json()
    assert code == 0
    assert current_stichtage(kim) == {}

    write_csv(kim.exports, HATTINGEN, S1, "faelle", snapshot["faelle"])
    code, report = kim.load_json()
    assert code == 1
    kontakte = next(f for f in report["erneut_geprueft"] if f["tabelle"] == "kontakte")
    assert kontakte["zeilen_quarantaene"] == 1
    assert any("Zeile 14, Spalte fall_id" in m for m in kontakte["meldungen"])
    stored = kim.query("SELECT kontakt_id FROM aktuell.kontakte")
    assert sorted(r[0] for r in stored) == [f"K{case}" for case in cases]


def test_correction_for_the_same_stichtag_replaces_the_current_snapshot(kim):
    write_town(kim.exports, HATTINGEN, S1, town_snapshot(HATTINGEN, ["FALL001"], S1))
    kim.load_json()
    corrected = town_snapshot(HATTINGEN, ["FALL001", "FALL777"], S1)
    write_csv(kim.exports, HATTINGEN, S1, "faelle", corrected["faelle"])
    code, report = kim.load_json()
    assert code == 0
    assert report["files"][0]["status"] == "geladen"
    assert current_cases(kim) == ({"FALL001", "FALL777"}, {S1})


def test_stichtag_after_today_is_refused_and_holds_back_no_later_delivery(kim):
    future = date.today().replace(year=date.today().year + 3, day=1)
    write_town(kim.exports, HATTINGEN, future, town_snapshot(HATTINGEN, ["FALL001"], S1))
    code, report = kim.load_json()
    assert code == 1
    assert {f["status"] for f in report["files"]} == {"abgelehnt"}
    for entry in report["files"]:
        assert f"Stichtag {future:%d.%m.%Y} liegt nach dem heutigen Tag" in entry["meldungen"][0]
    assert len(list(kim.exports.iterdir())) == 4, "refused files stay in the landing folder"
    for path in kim.exports.iterdir():
        path.unlink()
    write_town(kim.exports, HATTINGEN, S2, town_snapshot(HATTINGEN, ["FALL002"], S2))
    code, _ = kim.load_json()
    assert code == 0
    assert current_cases(kim) == ({"FALL002"}, {S2})
