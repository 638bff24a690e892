"""`kim benutzer`: accounts with argon2id hashes, roles bound to towns, password rules."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from accounts import users
from tests.conftest import Kim
from warehouse.settings import Settings

WITTEN = "05954036"
PASSWORD = "ein-langes-passwort-42"


def add(kim: Kim, name: str, *args: str, password: str = PASSWORD) -> subprocess.CompletedProcess:
    """`kim benutzer add NAME ARGS --passwort-stdin` with the password on stdin."""
    return subprocess.run(
        [sys.executable, "-m", "cli", "benutzer", "add", name, *args, "--passwort-stdin"],
        input=password + "\n",
        env=kim.env,
        capture_output=True,
        text=True,
    )


def settings_of(kim: Kim) -> Settings:
    """Settings of the test installation (for the Python API)."""
    return Settings(home=kim.home, exports=kim.exports)


def stored(kim: Kim) -> dict[str, tuple]:
    """The registry's rows by name, read directly from the file."""
    con = sqlite3.connect(kim.home / "benutzer.sqlite")
    try:
        rows = con.execute("SELECT name, rolle, gebiet, passwort_hash FROM benutzer").fetchall()
    finally:
        con.close()
    return {row[0]: row for row in rows}


def test_accounts_are_stored_with_argon2id_and_never_in_plain_text(kim):
    assert add(kim, "anna", "--rolle", "koordination").returncode == 0
    assert add(kim, "witten-1", "--rolle", "stadt", "--gebiet", WITTEN).returncode == 0
    rows = stored(kim)
    assert rows["anna"][1:3] == ("koordination", None)
    assert rows["witten-1"][1:3] == ("stadt", WITTEN)
    assert all(row[3].startswith("$argon2id$") for row in rows.values())
    assert PASSWORD.encode() not in (kim.home / "benutzer.sqlite").read_bytes()
    assert (kim.home / "benutzer.sqlite").stat().st_mode & 0o077 == 0
    listed = json.loads(kim.run("benutzer", "list", "--json", check=True).stdout)
    assert [(u["name"], u["rolle"], u["gebiet"]) for u in listed] == [
        ("anna", "koordination", None),
        ("witten-1", "stadt", WITTEN),
    ]
    assert all("passwort" not in key for u in listed for key in u if key != "passwort_geaendert_am")


def test_password_is_checked_against_the_hash(kim):
    assert add(kim, "anna", "--rolle", "leitung").returncode == 0
    settings = settings_of(kim)
    assert users.authenticate(settings, "anna", PASSWORD).rolle == "leitung"
    assert users.authenticate(settings, "anna", PASSWORD + "x") is None
    assert users.authenticate(settings, "niemand", PASSWORD) is None


def test_invalid_accounts_are_refused_with_german_messages(kim):
    cases = [
        (("anna", "--rolle", "leitung"), "kurz", "mindestens 12 Zeichen"),
        (("x", "--rolle", "leitung"), PASSWORD, "Ungültiger Benutzername"),
        (("stadtkonto", "--rolle", "stadt"), PASSWORD, "braucht --gebiet"),
        (("stadtkonto", "--rolle", "stadt", "--gebiet", "05954"), PASSWORD, "braucht --gebiet"),
        (("chef", "--rolle", "leitung", "--gebiet", WITTEN), PASSWORD, "Nur die Rolle stadt"),
    ]
    for args, password, message in cases:
        result = add(kim, *args, password=password)
        assert result.returncode == 1, args
        assert message in result.stderr, (args, result.stderr)
    assert add(kim, "anna", "--rolle", "superuser").returncode == 2
    assert not (kim.home / "benutzer.sqlite").exists() or stored(kim) == {}
    assert add(kim, "anna", "--rolle", "leitung").returncode == 0
    again = add(kim, "anna", "--rolle", "admin")
    assert again.returncode == 1 and "gibt es schon" in again.stderr
    assert stored(kim)["anna"][1] == "leitung"


def test_password_change_and_removal(kim):
    assert add(kim, "anna", "--rolle", "koordination").returncode == 0
    before = stored(kim)["anna"][3]
    changed = subprocess.run(
        [sys.executable, "-m", "cli", "benutzer", "passwd", "anna", "--passwort-stdin"],
        input="ein-neues-passwort-43\n",
        env=kim.env,
        capture_output=True,
        text=True,
    )
    assert changed.returncode == 0, changed.stderr
    assert stored(kim)["anna"][3] != before
    settings = settings_of(kim)
    assert users.authenticate(settings, "anna", PASSWORD) is None
    assert users.authenticate(settings, "anna", "ein-neues-passwort-43") is not None
    assert kim.run("benutzer", "remove", "anna").returncode == 0
    assert "anna" not in stored(kim)
    missing = kim.run("benutzer", "remove", "anna")
    assert missing.returncode == 1 and "gibt es nicht" in missing.stderr
