"""Append-only, tamper-evident audit trail (KIM_HOME/audit.jsonl) with a hash chain.

Each line is one JSON entry holding the hash of the entry before it and its own hash
(SHA-256 over the canonical JSON of the entry without `hash`). Changing, inserting or
removing a line breaks the chain; `audit.anker` holds the number and hash of the last entry,
so cutting off the end is detected too. Writers from several processes take turns through
an exclusive lock on the file.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from warehouse.settings import Settings

GENESIS = "0" * 64


@dataclass(frozen=True)
class Finding:
    """The first place where the chain is broken (German message), or None when intact."""

    zeile: int
    grund: str


def _digest(entry: dict[str, object]) -> str:
    """SHA-256 of an entry's canonical JSON (without its own hash)."""
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _last(handle: object) -> tuple[int, str]:
    """Number and hash of the last entry of an open log (0 and the genesis hash if empty)."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    if size == 0:
        return 0, GENESIS
    block = min(size, 65536)
    handle.seek(size - block)
    line = handle.read(block).rstrip(b"\n").rsplit(b"\n", 1)[-1]
    entry = json.loads(line)
    return int(entry["nr"]), str(entry["hash"])


class Action(StrEnum):
    """What an audit entry records (its `aktion`, German as all data)."""

    ABMELDUNG = "abmeldung"
    ANMELDUNG = "anmeldung"
    ANMELDUNG_ABGELEHNT = "anmeldung_abgelehnt"
    ANMELDUNG_FEHLGESCHLAGEN = "anmeldung_fehlgeschlagen"
    ANMELDUNG_GESPERRT = "anmeldung_gesperrt"
    BENUTZER_ANGELEGT = "benutzer_angelegt"
    BENUTZER_GELOESCHT = "benutzer_geloescht"
    BEREINIGUNG = "bereinigung"
    BERICHT = "bericht"
    BUILD = "build"
    BUILD_FEHLGESCHLAGEN = "build_fehlgeschlagen"
    DOWNLOAD = "download"
    FREIGABE = "freigabe"
    KOMMENTAR_ANGELEGT = "kommentar_angelegt"
    KOMMENTAR_GELOESCHT = "kommentar_geloescht"
    LADEN = "laden"
    PASSWORT_GEAENDERT = "passwort_geaendert"
    SEITENAUFRUF = "seitenaufruf"
    SICHERUNG = "sicherung"
    SICHERUNG_EINGESPIELT = "sicherung_eingespielt"
    SITZUNG_ABGELAUFEN = "sitzung_abgelaufen"
    VERSAND = "versand"
    ZUGRIFF_VERWEIGERT = "zugriff_verweigert"


def record(
    settings: Settings, benutzer: str, aktion: Action, **details: object
) -> dict[str, object]:
    """Append one entry (who, what, details) and return it."""
    settings.home.mkdir(parents=True, exist_ok=True)
    path = settings.audit_path
    with open(path, "a+b") as handle:
        os.chmod(path, 0o600)  # who did what when: for the service account only
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            number, previous = _last(handle)
            entry: dict[str, object] = {
                "nr": number + 1,
                "zeit": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "benutzer": benutzer,
                "aktion": aktion,
                "details": details,
                "vorher": previous,
            }
            entry["hash"] = _digest(entry)
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
            handle.seek(0, os.SEEK_END)
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
            anchor = settings.audit_anchor_path
            scratch = anchor.with_suffix(".tmp")
            scratch.write_text(f"{entry['nr']} {entry['hash']}\n", encoding="utf-8")
            os.replace(scratch, anchor)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return entry


def entries(settings: Settings) -> Iterator[dict[str, object]]:
    """Every entry, oldest first."""
    if not settings.audit_path.exists():
        return
    with open(settings.audit_path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def selected(
    settings: Settings, seit: date | None = None, benutzer: str | None = None
) -> list[dict[str, object]]:
    """Entries from a day on and/or of one user."""
    chosen = []
    for entry in entries(settings):
        if seit and str(entry["zeit"])[:10] < seit.isoformat():
            continue
        if benutzer and entry["benutzer"] != benutzer:
            continue
        chosen.append(entry)
    return chosen


def verify(settings: Settings) -> tuple[int, Finding | None]:
    """Check the whole chain: number of entries and the first break found."""
    previous, count = GENESIS, 0
    if settings.audit_path.exists():
        with open(settings.audit_path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    return count, Finding(number, "kein gültiger Eintrag (JSON)")
                if entry.get("nr") != number:
                    return count, Finding(number, f"Nummer {entry.get('nr')} statt {number}")
                if entry.get("vorher") != previous:
                    return count, Finding(number, "Verkettung zum vorigen Eintrag gebrochen")
                if entry.get("hash") != _digest(entry):
                    return count, Finding(number, "Inhalt verändert (Prüfsumme passt nicht)")
                previous, count = str(entry["hash"]), number
    anchor = settings.audit_anchor_path
    if anchor.exists():
        number, _, digest = anchor.read_text(encoding="utf-8").strip().partition(" ")
        if int(number) != count or digest != previous:
            return count, Finding(
                count + 1, f"Ende des Protokolls fehlt: der Anker nennt Eintrag {number}"
            )
    elif count:
        return count, Finding(count, "Anker-Datei audit.anker fehlt")
    return count, None
