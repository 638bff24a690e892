"""Backups of an installation (KIM_HOME) as one zip file, taken while the dashboard serves.

A backup holds every file that cannot be made again: the warehouse with its load log, the
published build, the sign-offs, comments, accounts, the session key, the audit trail with
its anchor, the archived raw files, local import profiles and the Kreis mark. Scratch space,
running builds and reports are left out. `manifest.json` lists each member with its SHA-256,
so a check finds any damage before a restore writes anything.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import duckdb

from warehouse import profile
from warehouse.errors import UserError
from warehouse.files import sha256
from warehouse.lock import exclusive
from warehouse.settings import Settings

MANIFEST = "manifest.json"
FORMAT = 1
# What a backup holds, relative to KIM_HOME; folders with everything below them.
DUCKDB_FILES = ("warehouse.duckdb", "kim.duckdb")
SQLITE_FILES = ("redaktion.sqlite", "benutzer.sqlite")
AUDIT_FILES = ("audit.jsonl", "audit.anker")
PLAIN_FILES = ("builds.jsonl", "sitzungsschluessel", profile.HOME_MARK)
FOLDERS = ("archiv", "freigaben", "importe")
# The top-level names a restore replaces (all of the above, and DuckDB's write-ahead log).
MANAGED = (
    *DUCKDB_FILES,
    "warehouse.duckdb.wal",
    *SQLITE_FILES,
    *AUDIT_FILES,
    *PLAIN_FILES,
    *FOLDERS,
)


class BackupError(UserError):
    """A backup that cannot be written, read or restored."""


@dataclass(frozen=True)
class Manifest:
    """What a backup says of itself."""

    erstellt: str
    version: str
    kreis: str
    dateien: dict[str, str]  # member name -> SHA-256

    @property
    def size(self) -> int:
        """Number of files in the backup."""
        return len(self.dateien)


def create(settings: Settings, target: Path) -> tuple[Path, Manifest]:
    """Write a backup of KIM_HOME to `target` (a file, or a folder to name one in)."""
    home = settings.home
    if not settings.warehouse_path.exists():
        raise BackupError(f"In KIM_HOME {home} ist noch nichts geladen, das zu sichern wäre.")
    now = datetime.now()
    if target.is_dir():
        target = target / f"kim-sicherung-{profile.current().ags}-{now:%Y%m%d-%H%M%S}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".teil")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)  # personal data (pseudonymised) and the session key, from the start
    hashes: dict[str, str] = {}
    try:
        # Writers (load, build, cleanup) wait while the copy is taken; readers go on.
        with (
            exclusive(settings.lock_path, settings.lock_timeout_seconds),
            tempfile.TemporaryDirectory(dir=home, prefix=".sicherung-") as scratch,
            zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
        ):
            for name, path in _snapshot(home, Path(scratch)):
                out.write(path, name)
                hashes[name] = sha256(path)
            manifest = Manifest(
                erstellt=now.isoformat(timespec="seconds"),
                version=version("kim-monitor"),
                kreis=f"{profile.current().ags} {profile.current().name}",
                dateien=hashes,
            )
            out.writestr(MANIFEST, json.dumps(manifest.__dict__, ensure_ascii=False, indent=1))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)  # a backup that failed leaves no copy of the data behind
    return target, manifest


def _snapshot(home: Path, scratch: Path) -> Iterator[tuple[str, Path]]:
    """(member name, file to store) of every file a backup holds, each consistent."""
    for name in DUCKDB_FILES:
        path = home / name
        if path.exists():
            yield from _duckdb_copy(path, name, scratch)
    for name in SQLITE_FILES:
        if (home / name).exists():
            yield name, _sqlite_copy(home / name, scratch / name)
    yield from _audit_copy(home, scratch)
    for name in PLAIN_FILES:
        if (home / name).is_file():
            yield name, home / name
    for folder in FOLDERS:
        for path in sorted((home / folder).rglob("*")) if (home / folder).is_dir() else []:
            if path.is_file() and not path.name.endswith(".teil"):
                yield path.relative_to(home).as_posix(), path


def _duckdb_copy(path: Path, name: str, scratch: Path) -> Iterator[tuple[str, Path]]:
    """A DuckDB file (and its write-ahead log) as it is while no other process writes it."""
    try:
        # an open read-only connection keeps writers of other programs out while we copy
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as err:
        raise BackupError(f"{path} lässt sich nicht lesen: {err}") from err
    try:
        for part in (path, path.with_name(path.name + ".wal")):
            if part.exists():
                copy = scratch / part.name
                shutil.copyfile(part, copy)
                yield f"{name}{part.name[len(path.name) :]}", copy
    finally:
        con.close()


def _sqlite_copy(path: Path, copy: Path) -> Path:
    """A consistent copy of a SQLite file through SQLite's own backup (its WAL included)."""
    source = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return copy


def _audit_copy(home: Path, scratch: Path) -> Iterator[tuple[str, Path]]:
    """The audit trail and its anchor as one pair: taken under the trail's own lock."""
    trail = home / AUDIT_FILES[0]
    if not trail.exists():
        return
    with open(trail, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            for name in AUDIT_FILES:
                if (home / name).exists():
                    shutil.copyfile(home / name, scratch / name)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    for name in AUDIT_FILES:
        if (scratch / name).exists():
            yield name, scratch / name


def check(path: Path, into: Path) -> Manifest:
    """Unpack a backup into the empty folder `into` and check every member; the manifest."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _read_manifest(archive, path)
            names = set(archive.namelist()) - {MANIFEST}
            if names != set(manifest.dateien):
                missing = sorted(set(manifest.dateien) - names) or sorted(names)
                raise BackupError(
                    f"Sicherung {path}: Inhalt passt nicht zum Verzeichnis ({missing[0]})."
                )
            for name in sorted(names):
                if name.startswith("/") or ".." in Path(name).parts:
                    raise BackupError(f"Sicherung {path}: unzulässiger Dateiname {name}.")
                archive.extract(name, into)
    except (zipfile.BadZipFile, OSError) as err:
        raise BackupError(f"Sicherung {path} ist nicht lesbar: {err}") from err
    for name, digest in manifest.dateien.items():
        if sha256(into / name) != digest:
            raise BackupError(f"Sicherung {path}: {name} ist beschädigt (Prüfsumme passt nicht).")
    for name in DUCKDB_FILES:
        if (into / name).exists():
            _open_duckdb(into / name, path)
    for name in SQLITE_FILES:
        if (into / name).exists():
            _check_sqlite(into / name, path)
    return manifest


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> Manifest:
    """The manifest of a backup."""
    try:
        data = json.loads(archive.read(MANIFEST))
        return Manifest(data["erstellt"], data["version"], data["kreis"], data["dateien"])
    except (KeyError, ValueError, TypeError) as err:
        raise BackupError(f"{path} ist keine Sicherung von KIM Monitor (kein {MANIFEST}).") from err


def _open_duckdb(file: Path, backup: Path) -> None:
    """A DuckDB member opens and answers."""
    try:
        con = duckdb.connect(str(file), read_only=True)
        try:
            con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()
        finally:
            con.close()
    except duckdb.Error as err:
        raise BackupError(f"Sicherung {backup}: {file.name} ist nicht lesbar: {err}") from err


def _check_sqlite(file: Path, backup: Path) -> None:
    """A SQLite member passes SQLite's integrity check."""
    con = sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True)
    try:
        (result,) = con.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.Error as err:
        result = str(err)
    finally:
        con.close()
    if result != "ok":
        raise BackupError(f"Sicherung {backup}: {file.name} ist beschädigt ({result}).")


@contextmanager
def unpacked(path: Path, near: Path) -> Iterator[tuple[Path, Manifest]]:
    """A backup checked and unpacked into a temporary folder beside `near`."""
    near.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=near, prefix=".einspielen-") as folder:
        yield Path(folder), check(path, Path(folder))


def restore(settings: Settings, unpacked_home: Path, *, replace: bool) -> None:
    """Put a checked, unpacked backup in place of KIM_HOME's data (writers wait)."""
    home = settings.home
    with exclusive(settings.lock_path, settings.lock_timeout_seconds):
        present = [name for name in MANAGED if (home / name).exists()]
        if present and not replace:
            raise BackupError(
                f"KIM_HOME {home} enthält schon Daten ({', '.join(present[:3])} …): Spielen "
                "Sie die Sicherung in ein leeres KIM_HOME ein oder ersetzen Sie mit --ersetzen."
            )
        for name in present:
            target = home / name
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        for path in sorted(unpacked_home.rglob("*")):
            # personal data (pseudonymised), accounts and the session key: the service only
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
        for name in MANAGED:
            if (unpacked_home / name).exists():
                os.replace(unpacked_home / name, home / name)
