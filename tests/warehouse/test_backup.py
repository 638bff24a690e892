"""`kim sicherung`: a backup taken while a load runs restores to an equal installation, with
an intact audit trail; a damaged backup is found before anything is written."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from tests.conftest import Kim, copy_installation

# Files whose bytes a restore gives back exactly; SQLite files are compared by their content.
SQLITE = ("benutzer.sqlite", "redaktion.sqlite")
ADD_ARGS = ("--rolle", "leitung", "--passwort-stdin")


def files(home: Path) -> dict[str, bytes]:
    """Every file of an installation a backup holds, by its path below KIM_HOME."""
    # scratch, builds, reports written out and kept chart images: none is in a backup
    skipped = ("tmp", "builds", "berichte", "grafiken")
    return {
        p.relative_to(home).as_posix(): p.read_bytes()
        for p in sorted(home.rglob("*"))
        if p.is_file()
        and p.relative_to(home).parts[0] not in skipped
        and not p.name.startswith(("kim.lock", *SQLITE))
        and not p.name.startswith("audit.")
    }


def dump(path: Path) -> list[str]:
    """A SQLite file's content as SQL."""
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_a_backup_taken_during_a_load_restores_to_an_equal_state(
    sample: Kim, tmp_path: Path
) -> None:
    kim = copy_installation(sample, tmp_path / "original")
    added = subprocess.run(
        [sys.executable, "-m", "cli", "benutzer", "add", "leitung", *ADD_ARGS],
        env=kim.env,
        input="ein-langes-passwort-fuer-tests\n",
        capture_output=True,
        text=True,
    )
    assert added.returncode == 0, added.stderr
    kim.run(
        "kommentar", "add", "--indikator", "faelle_neu", "--zeitraum", "2025", "--text", "Hinweis"
    )
    kim.run("generate", "--out", str(kim.exports), "--seed", "7", check=True)
    load = subprocess.Popen(
        [sys.executable, "-m", "cli", "load"],
        env=kim.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    lock = kim.home / "kim.lock"
    while not lock.exists() or f"PID {load.pid}" not in lock.read_text():
        assert time.monotonic() < deadline and load.poll() is None, "the load never held the lock"
        time.sleep(0.02)
    target = tmp_path / "sicherungen"
    target.mkdir()
    taken = kim.run("sicherung", "erstellen", str(target))
    assert load.wait() in (0, 1)
    assert taken.returncode == 0, taken.stderr
    (backup,) = target.glob("kim-sicherung-05954-*.zip")
    assert backup.stat().st_mode & 0o077 == 0

    checked = kim.run("sicherung", "pruefen", str(backup))
    assert checked.returncode == 0, checked.stderr
    assert "ist vollständig" in checked.stdout and "lückenlos" in checked.stdout

    restored = Kim(home=tmp_path / "wieder" / "home", exports=tmp_path / "wieder" / "exports")
    put_back = restored.run("sicherung", "einspielen", str(backup))
    assert put_back.returncode == 0, put_back.stderr
    # The backup waited for the load: it holds the loaded state, file by file.
    assert files(restored.home) == files(kim.home)
    assert (restored.home / "archiv").is_dir()
    for name in SQLITE:
        assert dump(restored.home / name) == dump(kim.home / name)
    # The restored trail is the original's up to the backup, then the restore itself.
    original = (kim.home / "audit.jsonl").read_text("utf-8").splitlines()
    trail = (restored.home / "audit.jsonl").read_text("utf-8").splitlines()
    assert trail[:-1] == original[:-1] and '"aktion": "sicherung"' in original[-1]
    assert '"aktion": "sicherung_eingespielt"' in trail[-1]
    assert restored.run("audit", "--pruefen").returncode == 0
    assert restored.run("status").returncode == 0
    assert (
        restored.run("indicators", "--zeitraum", "2025").stdout
        == kim.run("indicators", "--zeitraum", "2025").stdout
    )

    again = restored.run("sicherung", "einspielen", str(backup))
    assert again.returncode == 1 and "--ersetzen" in again.stderr
    assert restored.run("sicherung", "einspielen", str(backup), "--ersetzen").returncode == 0


def test_a_damaged_backup_is_refused_before_anything_is_written(
    sample: Kim, tmp_path: Path
) -> None:
    kim = copy_installation(sample, tmp_path / "original")
    good = tmp_path / "gut.zip"
    assert kim.run("sicherung", "erstellen", str(good)).returncode == 0
    damaged = tmp_path / "beschaedigt.zip"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "builds.jsonl":
                data = data.replace(b'"ok"', b'"OK"', 1)
            copy.writestr(item, data)
    checked = kim.run("sicherung", "pruefen", str(damaged))
    assert checked.returncode == 1
    assert checked.stderr.strip() == (
        f"Sicherung {damaged}: builds.jsonl ist beschädigt (Prüfsumme passt nicht)."
    )
    empty = Kim(home=tmp_path / "leer", exports=tmp_path / "leer-exports")
    assert empty.run("sicherung", "einspielen", str(damaged)).returncode == 1
    assert not (empty.home / "warehouse.duckdb").exists()


def test_a_backup_that_fails_leaves_no_partial_copy(sample: Kim, tmp_path: Path) -> None:
    kim = copy_installation(sample, tmp_path / "kopie")
    (kim.home / "kim.duckdb").write_bytes(b"kein DuckDB")
    target = tmp_path / "ziel" / "sicherung.zip"
    result = kim.run("sicherung", "erstellen", str(target))
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    assert list(target.parent.iterdir()) == [], "no partial copy of the data stays behind"
