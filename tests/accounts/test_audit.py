"""`kim audit`: an append-only hash chain that detects changed, removed and cut-off entries."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from tests.accounts.test_users import add
from tests.conftest import Kim

WRITER = """
import sys
from pathlib import Path
from accounts import audit
from warehouse.settings import Settings
settings = Settings(home=Path(sys.argv[1]), exports=Path(sys.argv[1]))
for n in range(int(sys.argv[3])):
    audit.record(settings, sys.argv[2], "probe", n=n)
"""


def entries(kim: Kim, *args: str) -> list[dict]:
    """`kim audit --json ARGS` parsed."""
    return json.loads(kim.run("audit", "--json", *args, check=True).stdout)


def lines(kim: Kim) -> list[str]:
    """The raw lines of the trail."""
    return (kim.home / "audit.jsonl").read_text(encoding="utf-8").splitlines()


def test_actions_are_recorded_with_who_what_and_when(kim):
    assert add(kim, "anna", "--rolle", "koordination").returncode == 0
    kim.run(
        "kommentar",
        "add",
        "--indikator",
        "faelle_neu",
        "--zeitraum",
        "2025",
        "--text",
        "Vertraulicher Text",
        "--autor",
        "anna",
        check=True,
    )
    kim.run("kommentar", "remove", "1", check=True)
    found = entries(kim)
    assert [e["aktion"] for e in found] == [
        "benutzer_angelegt",
        "kommentar_angelegt",
        "kommentar_geloescht",
    ]
    assert found[0]["details"] == {"name": "anna", "rolle": "koordination", "gebiet": None}
    assert found[1]["benutzer"] == "anna"
    assert found[1]["details"] == {
        "id": 1,
        "indikator": "faelle_neu",
        "zeitraum": "2025",
        "gebiet": "05954",
    }
    assert "Vertraulicher Text" not in (kim.home / "audit.jsonl").read_text(encoding="utf-8")
    assert all(str(e["zeit"]).startswith(date.today().isoformat()[:4]) for e in found)
    assert [e["aktion"] for e in entries(kim, "--benutzer", "anna")] == ["kommentar_angelegt"]
    assert entries(kim, "--seit", "2999-01-01") == []
    checked = kim.run("audit", "--pruefen")
    assert checked.returncode == 0 and "3 Einträge" in checked.stdout


def test_concurrent_writers_keep_one_unbroken_chain(kim):
    kim.home.mkdir(parents=True)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(kim.home), f"p{i}", "25"])
        for i in range(4)
    ]
    assert all(w.wait(timeout=120) == 0 for w in writers)
    found = entries(kim)
    assert [e["nr"] for e in found] == list(range(1, 101))
    assert sorted(e["benutzer"] for e in found) == sorted(
        f"p{i}" for i in range(4) for _ in range(25)
    )
    assert kim.run("audit", "--pruefen").returncode == 0


def tampered(kim: Kim, change) -> subprocess.CompletedProcess:
    """Write 5 entries, apply `change` to the lines, then `kim audit --pruefen`."""
    for n in range(5):
        kim.run(
            "kommentar",
            "add",
            "--indikator",
            "kontakte",
            "--zeitraum",
            "2025",
            "--text",
            f"Kommentar {n}",
            check=True,
        )
    path = kim.home / "audit.jsonl"
    path.write_text("\n".join(change(lines(kim))) + "\n", encoding="utf-8")
    return kim.run("audit", "--pruefen")


def test_a_changed_entry_is_detected(kim):
    def change(rows: list[str]) -> list[str]:
        entry = json.loads(rows[2])
        entry["benutzer"] = "jemand-anderes"
        return [*rows[:2], json.dumps(entry, ensure_ascii=False, sort_keys=True), *rows[3:]]

    result = tampered(kim, change)
    assert result.returncode == 1
    assert "Zeile 3" in result.stderr and "Inhalt verändert" in result.stderr


def test_a_removed_entry_is_detected(kim):
    result = tampered(kim, lambda rows: [*rows[:1], *rows[2:]])
    assert result.returncode == 1 and "Zeile 2" in result.stderr


def test_a_cut_off_end_is_detected(kim):
    result = tampered(kim, lambda rows: rows[:-2])
    assert result.returncode == 1 and "Ende des Protokolls fehlt" in result.stderr


def test_an_entry_rehashed_by_hand_still_breaks_the_chain(kim):
    import hashlib

    def change(rows: list[str]) -> list[str]:
        entry = json.loads(rows[1])
        entry["aktion"] = "nichts"
        body = {k: v for k, v in entry.items() if k != "hash"}
        canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        entry["hash"] = hashlib.sha256(canonical.encode()).hexdigest()
        return [rows[0], json.dumps(entry, ensure_ascii=False, sort_keys=True), *rows[2:]]

    result = tampered(kim, change)
    assert result.returncode == 1
    assert "Zeile 3" in result.stderr and "Verkettung" in result.stderr
